package mapping

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Attribute describes one source attribute of a provider.
type Attribute struct {
	// Key is the stable key records are looked up by: "first_name", "dynamic_24407",
	// "externalUserId".
	Key string
	// UniversalID is a second stable id some providers give an attribute, across
	// tenants ("first_name", "iban"); "" when the provider has none.
	UniversalID string
	// LabelEN and LabelDE are the labels an HR admin sees in English and German.
	LabelEN string
	LabelDE string
	// Labels are other names the attribute is known by: spelling variants ("Firstname",
	// "First Name"), the label the API returned in the credentials' language when it is
	// not known which language that is, former keys.
	Labels []string
	// Type is the provider's attribute type: "standard", "date", "integer", "decimal",
	// "list", "link", "tags", "multiline", "ref", ...
	Type string
	// Custom marks a custom (dynamic) attribute.
	Custom bool
	// Available reports that the credentials can read the attribute. False means it is
	// known to exist but not exposed to these credentials (an API may omit attributes that
	// are not enabled for a credential).
	Available bool
}

// Label returns the best label to show: LabelEN, else LabelDE, else the first of Labels,
// else Key.
func (a Attribute) Label() string {
	switch {
	case a.LabelEN != "":
		return a.LabelEN
	case a.LabelDE != "":
		return a.LabelDE
	case len(a.Labels) > 0:
		return a.Labels[0]
	}
	return a.Key
}

// names returns every name the attribute can be resolved by, key first.
func (a Attribute) names() []string {
	out := make([]string, 0, 4+len(a.Labels))
	out = append(out, a.Key)
	if a.UniversalID != "" {
		out = append(out, a.UniversalID)
	}
	if a.LabelEN != "" {
		out = append(out, a.LabelEN)
	}
	if a.LabelDE != "" {
		out = append(out, a.LabelDE)
	}
	return append(out, a.Labels...)
}

func (a Attribute) clone() Attribute {
	a.Labels = slices.Clone(a.Labels)
	return a
}

// Catalog is the set of attributes a provider's records can carry, with the labels people
// know them by. Build one with [NewCatalog] (each provider package offers its built-in
// catalog) and do not modify it afterwards: it is then safe for concurrent use.
type Catalog struct {
	// Provider names the provider ("acme"); it appears in errors.
	Provider string
	// Advice words the to-do lines of a [Report] for this provider's admins.
	Advice Advice
	// Attributes lists the attributes, one per key.
	Attributes []Attribute

	byKey map[string]int
	byUID map[string]int
	// byFold maps the folded form of every key, universal id and label to the attributes
	// it names; keyFold marks the entries that are a key or universal id.
	byFold map[string][]foldHit
}

type foldHit struct {
	attr  int
	isKey bool // the folded name is the attribute's key or universal id
	name  string
}

// NewCatalog returns a catalog of attrs for provider. Attributes with the same key are
// merged as [Catalog.Merge] merges them (the later one's availability wins, labels are
// united). attrs is copied.
func NewCatalog(provider string, attrs []Attribute) *Catalog {
	c := &Catalog{Provider: provider}
	c.byKey = make(map[string]int, len(attrs))
	for _, a := range attrs {
		if i, ok := c.byKey[a.Key]; ok {
			c.Attributes[i] = mergeAttr(c.Attributes[i], a)
			continue
		}
		c.byKey[a.Key] = len(c.Attributes)
		c.Attributes = append(c.Attributes, a.clone())
	}
	c.index()
	return c
}

func (c *Catalog) index() {
	c.byUID = make(map[string]int)
	c.byFold = make(map[string][]foldHit, 3*len(c.Attributes))
	for i, a := range c.Attributes {
		if a.UniversalID != "" {
			if _, dup := c.byUID[a.UniversalID]; !dup {
				c.byUID[a.UniversalID] = i
			}
		}
		for j, n := range a.names() {
			f := fold(n)
			if f == "" {
				continue
			}
			hits := c.byFold[f]
			if slices.ContainsFunc(hits, func(h foldHit) bool { return h.attr == i }) {
				continue
			}
			isKey := j == 0 || (a.UniversalID != "" && j == 1)
			c.byFold[f] = append(hits, foldHit{attr: i, isKey: isKey, name: n})
		}
	}
}

// indexed returns c itself when it has an index, else an indexed copy (for a Catalog
// built as a struct literal).
func (c *Catalog) indexed() *Catalog {
	if c.byFold != nil {
		return c
	}
	n := NewCatalog(c.Provider, c.Attributes)
	n.Advice = c.Advice
	return n
}

// Advice is how a provider tells an HR admin to make attributes readable. [Check] writes
// one to-do line per missing attribute: `<Title> attribute "<key>" (<labels>) <what to
// do>`, then the fields that stay empty.
type Advice struct {
	// Title names the provider as people write it ("Acme HR"); "" means the catalog's
	// Provider with its first letter in upper case.
	Title string
	// Unavailable is what to do about an attribute the catalog lists as not Available:
	// "is not enabled for these API credentials: enable it under Settings → API". ""
	// means "is not available to these credentials: grant read access to it".
	Unavailable string
	// Unlisted is what to do about an attribute the catalog does not list at all. ""
	// means "is not in the catalog: check the key".
	Unlisted string
}

// or returns a with its empty fields taken from b.
func (a Advice) or(b Advice) Advice {
	if a.Title == "" {
		a.Title = b.Title
	}
	if a.Unavailable == "" {
		a.Unavailable = b.Unavailable
	}
	if a.Unlisted == "" {
		a.Unlisted = b.Unlisted
	}
	return a
}

// Lookup returns the attribute with exactly the given key.
func (c *Catalog) Lookup(key string) (Attribute, bool) {
	c = c.indexed()
	i, ok := c.byKey[key]
	if !ok {
		return Attribute{}, false
	}
	return c.Attributes[i].clone(), true
}

// Resolve finds an attribute by key, universal id, or any label (English, German, other),
// ignoring case, surrounding and inner spaces, '-', '_' and '.', and German spelling
// variants: "Geschaeftsfuehrer" finds "Geschäftsführer", "Strasse" finds "Straße".
//
// An exact key or universal id wins. Otherwise a name that matches several attributes
// prefers one it names by key or universal id, then one that is Available; if that still
// leaves several, Resolve fails with [ErrAmbiguousAttribute]. An unknown name fails with
// an [*UnknownAttributeError] (matching [ErrUnknownAttribute]) whose text suggests the
// closest keys and labels: `unknown attribute "Abteilungg" in acme catalog; did you
// mean "Abteilung" (department)?`.
func (c *Catalog) Resolve(name string) (Attribute, error) {
	c = c.indexed()
	if i, ok := c.byKey[name]; ok {
		return c.Attributes[i].clone(), nil
	}
	if i, ok := c.byUID[name]; ok {
		return c.Attributes[i].clone(), nil
	}
	f := fold(name)
	hits := c.byFold[f]
	if len(hits) == 0 {
		return Attribute{}, &UnknownAttributeError{Name: name, Provider: c.Provider, Suggestions: c.suggest(f)}
	}
	if len(hits) > 1 {
		hits = narrow(hits, func(h foldHit) bool { return h.isKey })
	}
	if len(hits) > 1 {
		hits = narrow(hits, func(h foldHit) bool { return c.Attributes[h.attr].Available })
	}
	if len(hits) > 1 {
		keys := make([]string, len(hits))
		for i, h := range hits {
			keys[i] = fmt.Sprintf("%q", c.Attributes[h.attr].Key)
		}
		return Attribute{}, fmt.Errorf("%q names %s in the %s catalog: use the key: %w",
			name, strings.Join(keys, " and "), c.Provider, ErrAmbiguousAttribute)
	}
	return c.Attributes[hits[0].attr].clone(), nil
}

// narrow keeps the hits that satisfy keep, unless none does.
func narrow(hits []foldHit, keep func(foldHit) bool) []foldHit {
	var out []foldHit
	for _, h := range hits {
		if keep(h) {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return hits
	}
	return out
}

// Suggestion is a name close to an unknown one.
type Suggestion struct {
	// Name is the key or label that is close to the unknown name.
	Name string
	// Key is the stable key of the attribute Name belongs to.
	Key string
}

// UnknownAttributeError is returned for a name that no attribute of a catalog is known by.
// It matches [ErrUnknownAttribute].
type UnknownAttributeError struct {
	// Name is the unknown name as written.
	Name string
	// Provider is the catalog's provider.
	Provider string
	// Suggestions are the closest names, best first (at most three).
	Suggestions []Suggestion
}

// Error returns `unknown attribute "X" in <provider> catalog; did you mean "Y" (key)?`.
func (e *UnknownAttributeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown attribute %q", e.Name)
	if e.Provider != "" {
		fmt.Fprintf(&b, " in %s catalog", e.Provider)
	}
	for i, s := range e.Suggestions {
		if i == 0 {
			b.WriteString("; did you mean ")
		} else {
			b.WriteString(" or ")
		}
		fmt.Fprintf(&b, "%q", s.Name)
		if s.Key != s.Name {
			fmt.Fprintf(&b, " (%s)", s.Key)
		}
	}
	if len(e.Suggestions) > 0 {
		b.WriteString("?")
	}
	return b.String()
}

// Is reports whether target is [ErrUnknownAttribute].
func (e *UnknownAttributeError) Is(target error) bool { return target == ErrUnknownAttribute }

// suggest returns up to three names whose folded form is within a small edit distance of
// the folded unknown name f, best first, at most one per attribute.
func (c *Catalog) suggest(f string) []Suggestion {
	if f == "" {
		return nil
	}
	type cand struct {
		dist int
		hit  foldHit
	}
	limit := max(2, len([]rune(f))/3)
	best := map[int]cand{}
	for name, hits := range c.byFold {
		d := editDistance(f, name, limit)
		if d > limit {
			continue
		}
		for _, h := range hits {
			old, ok := best[h.attr]
			if !ok || d < old.dist || (d == old.dist && h.name < old.hit.name) {
				best[h.attr] = cand{d, h}
			}
		}
	}
	cands := make([]cand, 0, len(best))
	for _, cd := range best {
		cands = append(cands, cd)
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.hit.name, b.hit.name))
	})
	var out []Suggestion
	for _, cd := range cands {
		if len(out) == 3 {
			break
		}
		out = append(out, Suggestion{Name: cd.hit.name, Key: c.Attributes[cd.hit.attr].Key})
	}
	return out
}

// editDistance returns the Levenshtein distance of a and b in runes, or limit+1 as soon as
// it is certain to exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// fold returns the form names are compared in: lower case, without spaces, '-', '_' and
// '.', with ä, ö, ü and ß spelt ae, oe, ue and ss.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r), r == '-', r == '_', r == '.':
			continue
		}
		switch r = unicode.ToLower(r); r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Merge returns a new catalog with the attributes of c and other. It is how an adapter
// lays the attribute list its API returned over its built-in catalog. The result has c's
// Provider and Advice, with what c leaves empty taken from other.
//
// An attribute of other matches one of c by key, else by universal id, else (for an
// attribute of c without universal id, such as a placeholder for a custom attribute
// known by its label) by any label. A matched attribute takes other's key, universal id, labels, type and
// availability; the labels and key it had before remain as other labels, so every name
// that resolved before still resolves. Unmatched attributes of other are appended. c and
// other are not modified.
func (c *Catalog) Merge(other *Catalog) *Catalog {
	attrs := make([]Attribute, len(c.Attributes))
	for i, a := range c.Attributes {
		attrs[i] = a.clone()
	}
	provider := c.Provider
	if other == nil {
		n := NewCatalog(provider, attrs)
		n.Advice = c.Advice
		return n
	}
	if provider == "" {
		provider = other.Provider
	}
	byKey := make(map[string]int, len(attrs))
	byUID := make(map[string]int, len(attrs))
	byLabel := map[string][]int{}
	for i, a := range attrs {
		byKey[a.Key] = i
		if a.UniversalID != "" {
			byUID[a.UniversalID] = i
			continue
		}
		for _, n := range a.names()[1:] {
			if f := fold(n); !slices.Contains(byLabel[f], i) {
				byLabel[f] = append(byLabel[f], i)
			}
		}
	}
	taken := map[int]bool{}
	for _, o := range other.Attributes {
		i, ok := byKey[o.Key]
		if !ok && o.UniversalID != "" {
			i, ok = byUID[o.UniversalID]
			ok = ok && !taken[i]
		}
		if !ok {
			i, ok = labelMatch(o, byLabel, taken)
		}
		if ok {
			taken[i] = true
			attrs[i] = mergeAttr(attrs[i], o)
			continue
		}
		byKey[o.Key] = len(attrs)
		taken[len(attrs)] = true
		attrs = append(attrs, o.clone())
	}
	n := NewCatalog(provider, attrs)
	n.Advice = c.Advice.or(other.Advice)
	return n
}

// labelMatch finds the one attribute without universal id that shares a label with o.
func labelMatch(o Attribute, byLabel map[string][]int, taken map[int]bool) (int, bool) {
	found := -1
	for _, n := range o.names()[1:] {
		for _, i := range byLabel[fold(n)] {
			if taken[i] {
				continue
			}
			if found >= 0 && found != i {
				return 0, false // ambiguous: leave it unmatched
			}
			found = i
		}
	}
	return found, found >= 0
}

// mergeAttr lays o over a: o's non-empty fields and availability win, labels are united,
// and names of a that o replaces are kept as other labels.
func mergeAttr(a, o Attribute) Attribute {
	keep := func(old, new string) {
		if old != "" && old != new {
			a.Labels = append(a.Labels, old)
		}
	}
	a.Labels = slices.Clone(a.Labels)
	if o.Key != a.Key {
		keep(a.Key, o.Key)
		a.Key = o.Key
	}
	if o.UniversalID != "" {
		a.UniversalID = o.UniversalID
	}
	if o.LabelEN != "" {
		keep(a.LabelEN, o.LabelEN)
		a.LabelEN = o.LabelEN
	}
	if o.LabelDE != "" {
		keep(a.LabelDE, o.LabelDE)
		a.LabelDE = o.LabelDE
	}
	a.Labels = append(a.Labels, o.Labels...)
	// Drop duplicates and labels equal to the current EN/DE label, keeping order.
	seen := map[string]bool{a.LabelEN: true, a.LabelDE: true, a.Key: true}
	labels := a.Labels[:0]
	for _, l := range a.Labels {
		if !seen[l] {
			seen[l] = true
			labels = append(labels, l)
		}
	}
	a.Labels = labels
	if len(a.Labels) == 0 {
		a.Labels = nil
	}
	if o.Type != "" {
		a.Type = o.Type
	}
	a.Custom = a.Custom || o.Custom
	a.Available = o.Available
	return a
}
