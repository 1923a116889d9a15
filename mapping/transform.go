package mapping

import (
	"errors"
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/hrisconnect/hrisconnect/unified"
)

// TransformFunc is a transform of your own, registered with [WithTransform]. When it is
// the first transform of a field, in holds one value per source (empty values included, in
// source order); later in the chain, in holds the previous step's result. It must be safe
// for concurrent use. An error fails the field; it is wrapped so that it matches
// [ErrTransform]. Each call costs one small allocation (the slice in).
type TransformFunc func(in []Value) (Value, error)

// gatherKind says how a chain turns its sources into one value.
type gatherKind uint8

const (
	gatherFirst gatherKind = iota // first non-empty source
	gatherJoin                    // text of the non-empty sources, joined by sep
	gatherRef                     // sources fill the parts of a reference
	gatherUser                    // all source values go to a TransformFunc
)

// stepOp names a compiled transform. Steps run through a switch on it, with the value
// passed by pointer, so that the hot path neither copies values nor allocates.
type stepOp uint8

const (
	opLower stepOp = iota
	opUpper
	opTrim
	opText
	opFirst
	opEmail
	opJoin
	opSplit
	opDate
	opEnum
	opDefault
	opRef
	opPick
	opUser
)

// compiledStep is one transform, ready to run. Which fields are used depends on op.
type compiledStep struct {
	op     stepOp
	name   string
	gather gatherKind // how the step combines several sources when it comes first

	sep   string // join, split
	index int    // split
	rest  bool   // split

	layouts []string       // date
	zoned   []bool         // date: the layout reads a zone
	loc     *time.Location // date: convert instants to this zone, if set

	keys, vals  []string // enum, in the same order
	keep        bool     // enum: pass unknown text through
	hasFallback bool     // enum
	fallback    string   // enum
	known       string   // enum: the keys, for errors

	def   Value     // default
	parts []refPart // ref
	part  refPart   // pick

	user TransformFunc // a registered transform
}

// apply runs the step on *v. On error *v is left as it was, so that the error can quote
// the value that failed.
func (s *compiledStep) apply(v *Value) error {
	switch s.op {
	case opLower:
		return textStep(s.name, v, strings.ToLower)
	case opUpper:
		return textStep(s.name, v, strings.ToUpper)
	case opTrim:
		return textStep(s.name, v, strings.TrimSpace)
	case opText:
		if v.empty() {
			*v = Value{}
		} else if v.Kind != KindString {
			*v = StringValue(v.text())
		}
	case opFirst:
	case opEmail:
		return emailStep(v)
	case opJoin:
		if v.Kind == KindList {
			*v = joinStrings(v.List, s.sep)
			return nil
		}
		str, err := textOf(s.name, v)
		if err != nil {
			return err
		}
		setText(v, str)
	case opSplit:
		str, err := textOf(s.name, v)
		if err != nil {
			return err
		}
		setText(v, splitPart(str, s.sep, s.index, s.rest))
	case opDate:
		return s.date(v)
	case opEnum:
		return s.enum(v)
	case opDefault:
		if v.empty() {
			*v = s.def
		}
	case opRef:
		if v.Kind == KindRef || v.empty() {
			return nil
		}
		var r unified.Ref
		*s.parts[0].of(&r) = v.text()
		*v = RefValue(r)
	case opPick:
		switch v.Kind {
		case KindNull:
		case KindRef:
			setText(v, *s.part.of(&v.Ref))
		default:
			return stepErr(s.name, "want a reference, got %s", v.Kind)
		}
	case opUser:
		out, err := s.user([]Value{*v})
		if err != nil {
			return wrapUserErr(s.name, err)
		}
		*v = out
	}
	return nil
}

// setText stores text as a KindString value, or the empty value for "". A string value
// only has its text replaced (its other fields carry no meaning), and an unchanged string
// is not written at all: most trims and case changes find nothing to do, and writing a
// whole Value is a copy of a large struct.
func setText(v *Value, s string) {
	switch {
	case s == "":
		*v = Value{}
	case v.Kind != KindString:
		*v = StringValue(s)
	case v.Str != s:
		v.Str = s
	}
}

// refPart names a part of a unified.Ref.
type refPart uint8

const (
	partID refPart = iota
	partName
	partEmail
)

func parseRefPart(s string) (refPart, bool) {
	switch s {
	case "id":
		return partID, true
	case "name":
		return partName, true
	case "email":
		return partEmail, true
	}
	return 0, false
}

func (p refPart) of(r *unified.Ref) *string {
	switch p {
	case partID:
		return &r.ID
	case partName:
		return &r.Name
	}
	return &r.Email
}

// builtinNames lists the built-in transforms.
func builtinNames() []string {
	return []string{"date", "default", "email", "enum", "first", "join", "lower", "pick", "ref", "split", "text", "trim", "upper"}
}

// buildBuiltin compiles the built-in transform a names, checking its arguments. ok is
// false when there is no such built-in.
func buildBuiltin(a *argSet) (st compiledStep, ok bool, err error) {
	st.name = a.name
	switch a.name {
	case "lower":
		st.op = opLower
	case "upper":
		st.op = opUpper
	case "trim":
		st.op = opTrim
	case "text":
		st.op = opText
	case "first":
		st.op = opFirst
	case "email":
		st.op = opEmail
	case "join":
		st.op, st.gather = opJoin, gatherJoin
		st.sep, err = a.str("sep", " ")
	case "split":
		st.op = opSplit
		st.sep, err = a.str("sep", "")
		if err == nil {
			st.index, err = a.integer("index", 0)
		}
		if err == nil {
			st.rest, err = a.boolean("rest")
		}
	case "date":
		st.op = opDate
		err = st.buildDate(a)
	case "enum":
		st.op = opEnum
		err = st.buildEnum(a)
	case "default":
		st.op = opDefault
		st.def, err = a.literal("value")
	case "ref":
		st.op, st.gather = opRef, gatherRef
		st.parts, err = a.refParts("parts")
	case "pick":
		st.op = opPick
		var s string
		s, err = a.str("part", "")
		var okPart bool
		st.part, okPart = parseRefPart(s)
		if err == nil && !okPart {
			err = a.errAt("part", `want "id", "name" or "email", got %q`, clip(s))
		}
	default:
		return compiledStep{}, false, nil
	}
	if err == nil {
		err = a.finish()
	}
	return st, true, err
}

// stepErr builds a transform error that matches ErrTransform.
func stepErr(name, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", name, fmt.Sprintf(format, args...), ErrTransform)
}

// wrapUserErr makes the error of a registered transform match ErrTransform.
func wrapUserErr(name string, err error) error {
	if err == nil || errors.Is(err, ErrTransform) {
		return err
	}
	return fmt.Errorf("%s: %w: %w", name, err, ErrTransform)
}

// textOf returns the text of v: strings as they are, numbers and booleans in text form,
// "" for an empty value. Instants, dates, references and lists fail.
func textOf(name string, v *Value) (string, error) {
	switch v.Kind {
	case KindNull:
		return "", nil
	case KindString:
		return v.Str, nil
	case KindNumber, KindBool:
		return v.text(), nil
	}
	return "", stepErr(name, "want text, got %s", v.Kind)
}

// textStep applies f to text, or to every element of a list.
func textStep(name string, v *Value, f func(string) string) error {
	if v.Kind == KindList {
		out := make([]string, len(v.List))
		for i, s := range v.List {
			out[i] = f(s)
		}
		*v = ListValue(out)
		return nil
	}
	s, err := textOf(name, v)
	if err != nil {
		return err
	}
	if s != "" {
		s = f(s)
	}
	setText(v, s)
	return nil
}

func joinStrings(parts []string, sep string) Value {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return Value{}
	}
	return StringValue(b.String())
}

// splitPart returns part index of s cut at sep ("" = runs of white space), or, with rest,
// s from the start of that part on; "" for a missing part. It does not allocate: parts
// are substrings of s.
func splitPart(s, sep string, index int, rest bool) string {
	if s == "" {
		return ""
	}
	n := countParts(s, sep)
	if index < 0 {
		index += n
	}
	if index < 0 || index >= n {
		return ""
	}
	start, end := partBounds(s, sep, index)
	if rest {
		end = len(s)
		if sep == "" {
			end = len(strings.TrimRightFunc(s, isSpace))
		}
	}
	return s[start:end]
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

func countParts(s, sep string) int {
	if sep != "" {
		return strings.Count(s, sep) + 1
	}
	n := 0
	inField := false
	for _, r := range s {
		if isSpace(r) {
			inField = false
		} else if !inField {
			inField = true
			n++
		}
	}
	return n
}

func partBounds(s, sep string, index int) (int, int) {
	if sep != "" {
		start := 0
		for range index {
			start += strings.Index(s[start:], sep) + len(sep)
		}
		end := strings.Index(s[start:], sep)
		if end < 0 {
			return start, len(s)
		}
		return start, start + end
	}
	n := -1
	inField := false
	start := 0
	for i, r := range s {
		if isSpace(r) {
			if inField && n == index {
				return start, i
			}
			inField = false
		} else if !inField {
			inField = true
			n++
			start = i
		}
	}
	return start, len(s)
}

func emailStep(v *Value) error {
	s, err := textOf("email", v)
	if err != nil {
		return err
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		*v = Value{}
		return nil
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return stepErr("email", "invalid address %q: %v", clip(s), err)
	}
	if addr.Name != "" || addr.Address != s {
		return stepErr("email", "want a bare address, got %q", clip(s))
	}
	*v = StringValue(s)
	return nil
}

// defaultDateLayouts returns the layouts a date transform tries, in order, when it names
// none. Slash forms are left out on purpose: "01/02/2006" is 2 January in the US and
// 1 February almost everywhere else; name the layout you mean. (An array, so that callers
// range over it without allocating.)
func defaultDateLayouts() [6]string {
	return [6]string{
		"2006-01-02",
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999",
		"2.1.2006",
	}
}

// hasZone reports whether a time layout reads a zone or offset.
func hasZone(layout string) bool {
	return strings.Contains(layout, "Z07") || strings.Contains(layout, "-07") || strings.Contains(layout, "MST")
}

func (st *compiledStep) buildDate(a *argSet) error {
	layouts, given, err := a.strList("layouts")
	if err != nil {
		return err
	}
	if !given {
		d := defaultDateLayouts()
		layouts = d[:]
	} else if len(layouts) == 0 {
		return a.errAt("layouts", "want at least one layout")
	}
	st.layouts = layouts
	st.zoned = make([]bool, len(layouts))
	for i, l := range layouts {
		if l == "" {
			return a.errAt(fmt.Sprintf("layouts[%d]", i), "want a non-empty layout")
		}
		st.zoned[i] = hasZone(l)
	}
	tzName, err := a.str("tz", "")
	if err != nil {
		return err
	}
	if _, set := a.m["tz"]; set {
		if tzName == "" {
			return a.errAt("tz", "want an IANA time zone name")
		}
		if st.loc, err = time.LoadLocation(tzName); err != nil {
			return a.errAt("tz", "unknown time zone %q", clip(tzName))
		}
	}
	return nil
}

func (st *compiledStep) date(v *Value) error {
	switch v.Kind {
	case KindNull, KindDate:
		return nil
	case KindTime:
		if v.Time.IsZero() {
			*v = Value{}
			return nil
		}
		d := unified.DateOf(v.Time)
		if st.loc != nil {
			d = unified.DateIn(v.Time, st.loc)
		}
		if !d.IsValid() { // year 0 or beyond 9999, possibly after the move to st.loc
			return stepErr("date", "instant %s is not on a calendar day between the years 1 and 9999", v.Time.Format(time.RFC3339))
		}
		*v = DateValue(d)
		return nil
	case KindString:
	default:
		return stepErr("date", "want text, an instant or a date, got %s", v.Kind)
	}
	s := strings.TrimSpace(v.Str)
	if s == "" {
		*v = Value{}
		return nil
	}
	for i, l := range st.layouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		d := unified.DateOf(t)
		if st.loc != nil && st.zoned[i] {
			d = unified.DateIn(t, st.loc)
		}
		if d.IsValid() {
			*v = DateValue(d)
			return nil
		}
	}
	return stepErr("date", "cannot read %q as a date", clip(s))
}

func (st *compiledStep) buildEnum(a *argSet) error {
	keys, vals, err := a.strMap("values")
	if err != nil {
		return err
	}
	for i, k := range keys {
		if strings.TrimSpace(k) == "" {
			return a.errAt("values", "empty key never matches")
		}
		for _, prev := range keys[:i] {
			if strings.EqualFold(prev, k) {
				return a.errAt("values."+k, "duplicate key (keys are compared case-insensitively with %q)", prev)
			}
		}
	}
	st.keys, st.vals = keys, vals
	if st.fallback, err = a.str("fallback", ""); err != nil {
		return err
	}
	_, st.hasFallback = a.m["fallback"]
	if st.keep, err = a.boolean("keep_unknown"); err != nil {
		return err
	}
	if st.keep && st.hasFallback {
		return a.errAt("keep_unknown", `cannot be combined with "fallback"`)
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	st.known = strings.Join(sorted, ", ")
	return nil
}

func (st *compiledStep) enum(v *Value) error {
	t, err := textOf("enum", v)
	if err != nil || t == "" {
		if err == nil {
			*v = Value{}
		}
		return err
	}
	s := strings.TrimSpace(t)
	// Most values are spelled as in the table: compare exactly first, which is a length
	// check for most keys, and only then without case.
	for i, k := range st.keys {
		if k == s {
			setText(v, st.vals[i])
			return nil
		}
	}
	for i, k := range st.keys {
		if strings.EqualFold(k, s) {
			setText(v, st.vals[i])
			return nil
		}
	}
	switch {
	case st.keep:
		setText(v, t)
	case st.hasFallback:
		setText(v, st.fallback)
	default:
		return stepErr("enum", "no mapping for %q (known: %s)", clip(s), st.known)
	}
	return nil
}

// argSet reads and checks the arguments of one transform. Errors name the JSON path of
// the argument.
type argSet struct {
	path string // JSON path of the transform, e.g. "fields[3].transforms[1]"
	name string
	m    map[string]any
	used map[string]bool
}

func (a *argSet) errAt(key, format string, args ...any) error {
	return specErr(a.path+".args."+key, format, args...)
}

func (a *argSet) get(key string) (any, bool) {
	if a.used == nil {
		a.used = map[string]bool{}
	}
	a.used[key] = true
	x, ok := a.m[key]
	return x, ok
}

func (a *argSet) str(key, def string) (string, error) {
	x, ok := a.get(key)
	if !ok {
		return def, nil
	}
	s, ok := x.(string)
	if !ok {
		return "", a.errAt(key, "want a string, got %s", jsonType(x))
	}
	return s, nil
}

func (a *argSet) integer(key string, def int) (int, error) {
	x, ok := a.get(key)
	if !ok {
		return def, nil
	}
	var f float64
	switch n := x.(type) {
	case float64:
		f = n
	case int:
		return n, nil
	default:
		return 0, a.errAt(key, "want an integer, got %s", jsonType(x))
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, a.errAt(key, "want an integer, got %v", f)
	}
	return int(f), nil
}

func (a *argSet) boolean(key string) (bool, error) {
	x, ok := a.get(key)
	if !ok {
		return false, nil
	}
	b, ok := x.(bool)
	if !ok {
		return false, a.errAt(key, "want a boolean, got %s", jsonType(x))
	}
	return b, nil
}

func (a *argSet) strList(key string) ([]string, bool, error) {
	x, ok := a.get(key)
	if !ok {
		return nil, false, nil
	}
	switch l := x.(type) {
	case []string:
		return slices.Clone(l), true, nil
	case []any:
		out := make([]string, len(l))
		for i, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, true, a.errAt(fmt.Sprintf("%s[%d]", key, i), "want a string, got %s", jsonType(e))
			}
			out[i] = s
		}
		return out, true, nil
	}
	return nil, true, a.errAt(key, "want a list of strings, got %s", jsonType(x))
}

// strMap reads an object of strings, returning keys (sorted) and values in the same order.
func (a *argSet) strMap(key string) ([]string, []string, error) {
	x, ok := a.get(key)
	if !ok {
		return nil, nil, a.errAt(key, "missing (want an object of strings)")
	}
	var keys, vals []string
	switch m := x.(type) {
	case map[string]string:
		for _, k := range sortedKeys(m) {
			keys, vals = append(keys, k), append(vals, m[k])
		}
	case map[string]any:
		for _, k := range sortedKeys(m) {
			s, ok := m[k].(string)
			if !ok {
				return nil, nil, a.errAt(key+"."+k, "want a string, got %s", jsonType(m[k]))
			}
			keys, vals = append(keys, k), append(vals, s)
		}
	default:
		return nil, nil, a.errAt(key, "want an object of strings, got %s", jsonType(x))
	}
	if len(keys) == 0 {
		return nil, nil, a.errAt(key, "want at least one entry")
	}
	return keys, vals, nil
}

func (a *argSet) literal(key string) (Value, error) {
	x, ok := a.get(key)
	if !ok || x == nil {
		return Value{}, a.errAt(key, "missing (want the default value)")
	}
	v, err := parseLiteral(a.path+".args."+key, x)
	if err != nil {
		return Value{}, err
	}
	if v.IsEmpty() {
		return Value{}, a.errAt(key, "want a non-empty value")
	}
	return v, nil
}

func (a *argSet) refParts(key string) ([]refPart, error) {
	l, given, err := a.strList(key)
	if err != nil {
		return nil, err
	}
	if !given {
		return []refPart{partID, partName}, nil
	}
	if len(l) == 0 || len(l) > 3 {
		return nil, a.errAt(key, `want one to three of "id", "name", "email"`)
	}
	parts := make([]refPart, len(l))
	for i, s := range l {
		p, ok := parseRefPart(s)
		if !ok {
			return nil, a.errAt(fmt.Sprintf("%s[%d]", key, i), `want "id", "name" or "email", got %q`, clip(s))
		}
		if slices.Contains(parts[:i], p) {
			return nil, a.errAt(fmt.Sprintf("%s[%d]", key, i), "duplicate part %q", s)
		}
		parts[i] = p
	}
	return parts, nil
}

// finish fails on the first (in sorted order) argument no reader asked for.
func (a *argSet) finish() error {
	for _, k := range sortedKeys(a.m) {
		if !a.used[k] {
			var known []string
			for u := range a.used {
				known = append(known, u)
			}
			slices.Sort(known)
			if len(known) == 0 {
				return a.errAt(k, "unknown argument: %s takes no arguments", a.name)
			}
			return a.errAt(k, "unknown argument of %s (known: %s)", a.name, strings.Join(known, ", "))
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
