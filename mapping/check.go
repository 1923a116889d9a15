package mapping

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MissingAttribute is a source attribute a mapper reads that the credentials cannot.
type MissingAttribute struct {
	// Key is the attribute's stable key; LabelEN and LabelDE its labels ("" if unknown).
	Key     string
	LabelEN string
	LabelDE string
	// Targets are the fields that stay empty without the attribute.
	Targets []string
	// Degraded are the fields that fall back to other sources or a default, or lose part
	// of a combined value.
	Degraded []string
	// Conditions are the fields whose When condition reads the attribute: it cannot be
	// evaluated, so a not_in condition lets the field apply to every record and an in
	// condition to none.
	Conditions []string
	// Required is set when a required field cannot get a value without the attribute:
	// every record would fail.
	Required bool
	// Absent is set when the catalog does not list the attribute at all (as opposed to
	// listing it as not available).
	Absent bool
}

// Report is the result of [Check].
type Report struct {
	// Provider is the catalog's provider.
	Provider string
	// Advice is the catalog's: how the to-do lines of String are worded.
	Advice Advice
	// Missing lists the missing attributes: required ones first, then in the order the
	// mapper first reads them.
	Missing []MissingAttribute
}

// Check is the preflight check of a mapper against what the credentials can read: every
// source attribute (sources, fallbacks, conditions) that cat marks not Available, or does
// not list, with its key and both labels, and the target fields it leaves empty. Compile
// the mapper with the built-in catalog merged with the tenant's ([Catalog.Merge]) and pass
// the merged catalog here.
//
// An attribute is required when a required field (without default) cannot get a value
// without it: a field's sources are alternatives unless a combining transform (join, ref,
// your own) uses them all, in which case each one is needed; fallbacks are alternatives.
func Check(m *Mapper, cat *Catalog) *Report {
	r := &Report{}
	if m == nil {
		return r
	}
	r.Provider, r.Advice = m.provider, m.advice
	if cat != nil {
		cat = cat.indexed()
		if cat.Provider != "" {
			r.Provider = cat.Provider
		}
		r.Advice = cat.Advice.or(r.Advice)
	}
	avail := func(key string) bool {
		if cat == nil {
			return false
		}
		a, ok := cat.Lookup(key)
		return ok && a.Available
	}
	index := map[string]int{}
	entry := func(a Attribute) *MissingAttribute {
		if i, ok := index[a.Key]; ok {
			return &r.Missing[i]
		}
		ma := MissingAttribute{Key: a.Key, LabelEN: a.LabelEN, LabelDE: a.LabelDE}
		if cat != nil {
			if ca, ok := cat.Lookup(a.Key); ok {
				ma.LabelEN, ma.LabelDE = firstNonEmpty(ca.LabelEN, a.LabelEN), firstNonEmpty(ca.LabelDE, a.LabelDE)
			} else {
				ma.Absent = true
			}
		} else {
			ma.Absent = true
		}
		index[a.Key] = len(r.Missing)
		r.Missing = append(r.Missing, ma)
		return &r.Missing[len(r.Missing)-1]
	}
	for i := range m.fields {
		f := &m.fields[i]
		chains := f.chains()
		produces, satisfied := false, false
		for _, ch := range chains {
			some, all := false, true
			for _, k := range ch.keys {
				if avail(k) {
					some = true
				} else {
					all = false
				}
			}
			produces = produces || some
			if ch.gather == gatherFirst {
				satisfied = satisfied || some
			} else {
				satisfied = satisfied || all
			}
		}
		empty := !produces && f.def == nil
		needed := f.required && f.def == nil && !satisfied
		for _, ch := range chains {
			for _, a := range ch.attrs {
				if avail(a.Key) {
					continue
				}
				e := entry(a)
				if empty {
					addOnce(&e.Targets, f.target)
				} else {
					addOnce(&e.Degraded, f.target)
				}
				e.Required = e.Required || needed
			}
		}
		if f.when != nil && !avail(f.when.attr.Key) {
			addOnce(&entry(f.when.attr).Conditions, f.target)
		}
	}
	// Required first, stable otherwise.
	req := make([]MissingAttribute, 0, len(r.Missing))
	var opt []MissingAttribute
	for _, ma := range r.Missing {
		if ma.Required {
			req = append(req, ma)
		} else {
			opt = append(opt, ma)
		}
	}
	r.Missing = append(req, opt...)
	if len(r.Missing) == 0 {
		r.Missing = nil
	}
	return r
}

func addOnce(list *[]string, s string) {
	for _, x := range *list {
		if x == s {
			return
		}
	}
	*list = append(*list, s)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// OK reports whether nothing is missing.
func (r *Report) OK() bool { return len(r.Missing) == 0 }

// Required returns the missing attributes that required fields need.
func (r *Report) Required() []MissingAttribute { return r.filter(true) }

// Optional returns the missing attributes that only optional fields read.
func (r *Report) Optional() []MissingAttribute { return r.filter(false) }

func (r *Report) filter(required bool) []MissingAttribute {
	var out []MissingAttribute
	for _, ma := range r.Missing {
		if ma.Required == required {
			out = append(out, ma)
		}
	}
	return out
}

// Err returns nil when no required attribute is missing, else an error that matches
// [ErrRequiredMissing] and names them.
func (r *Report) Err() error {
	req := r.Required()
	if len(req) == 0 {
		return nil
	}
	names := make([]string, len(req))
	for i, ma := range req {
		names[i] = fmt.Sprintf("%q%s", ma.Key, ma.labels())
	}
	noun := "attribute is"
	if len(req) > 1 {
		noun = "attributes are"
	}
	return fmt.Errorf("mapping: %d required %s %s not available: %s: %w",
		len(req), r.Provider, noun, strings.Join(names, ", "), ErrRequiredMissing)
}

// labels returns " (Abteilung / Department)", " (Status)" or "".
func (ma MissingAttribute) labels() string {
	switch {
	case ma.LabelDE != "" && ma.LabelEN != "" && ma.LabelDE != ma.LabelEN:
		return " (" + ma.LabelDE + " / " + ma.LabelEN + ")"
	case ma.LabelEN != "":
		return " (" + ma.LabelEN + ")"
	case ma.LabelDE != "":
		return " (" + ma.LabelDE + ")"
	}
	return ""
}

// String returns the to-do line for an HR admin: what is missing, what to do about it, and
// what stays empty without it, in the generic wording (a [Report] uses its catalog's
// [Advice]).
func (ma MissingAttribute) String() string { return ma.todo("", Advice{}) }

func (ma MissingAttribute) todo(provider string, adv Advice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s attribute %q%s ", title(provider, adv), ma.Key, ma.labels())
	switch {
	case ma.Absent && adv.Unlisted != "":
		b.WriteString(adv.Unlisted)
	case ma.Absent:
		b.WriteString("is not in the catalog: check the key")
	case adv.Unavailable != "":
		b.WriteString(adv.Unavailable)
	default:
		b.WriteString("is not available to these credentials: grant read access to it")
	}
	if len(ma.Targets) > 0 {
		verb := "stays"
		if len(ma.Targets) > 1 {
			verb = "stay"
		}
		fmt.Fprintf(&b, "; without it %s %s empty", quoteList(ma.Targets), verb)
	}
	if len(ma.Degraded) > 0 {
		fmt.Fprintf(&b, "; without it %s may be incomplete", quoteList(ma.Degraded))
	}
	if len(ma.Conditions) > 0 {
		fmt.Fprintf(&b, "; without it the condition of %s cannot be checked", quoteList(ma.Conditions))
	}
	return b.String()
}

// title is how the to-do lines name the provider: the advice's Title, else the provider
// name with its first letter in upper case, else "Source".
func title(provider string, adv Advice) string {
	switch {
	case adv.Title != "":
		return adv.Title
	case provider == "":
		return "Source"
	}
	r, size := utf8.DecodeRuneInString(provider)
	return string(unicode.ToUpper(r)) + provider[size:]
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// String returns the report as an HR admin's to-do list, required attributes first, one
// line each.
func (r *Report) String() string {
	if r.OK() {
		return fmt.Sprintf("%s: every attribute the mapping reads is available", title(r.Provider, r.Advice))
	}
	var b strings.Builder
	section := func(title string, list []MissingAttribute) {
		if len(list) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(title)
		for _, ma := range list {
			b.WriteString("\n  - ")
			b.WriteString(ma.todo(r.Provider, r.Advice))
		}
	}
	req, opt := r.Required(), r.Optional()
	section(fmt.Sprintf("%d required %s missing:", len(req), plural(len(req), "attribute is", "attributes are")), req)
	section(fmt.Sprintf("%d optional %s missing:", len(opt), plural(len(opt), "attribute is", "attributes are")), opt)
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
