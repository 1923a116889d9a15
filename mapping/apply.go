package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// errNilRecord is returned for a nil record or user.
var errNilRecord = errors.New("mapping: nil record or user")

// ApplyUser sets the mapped fields of u from rec. Fields whose result is empty are left as
// they are; filter-only fields are evaluated (and can fail) but not stored; fields whose
// condition does not hold are skipped.
//
// It returns nil, or a [*RecordError] that lists every failing field of the record; the
// other fields are set all the same. What to do with a partly mapped record is the
// caller's choice (see [Collector]). ApplyUser on a mapper whose spec has output "record"
// fails with [ErrInvalidSpec].
func (m *Mapper) ApplyUser(rec Record, u *unified.User) error {
	if m.userErr != nil {
		return m.userErr
	}
	if rec == nil || u == nil {
		return errNilRecord
	}
	var st applyState
	var v Value
	for i := range m.fields {
		f := &m.fields[i]
		if f.when != nil && !f.when.holds(rec) {
			continue
		}
		var fe *FieldError
		val := &v
		if f.direct != "" {
			// A plain copy of one attribute, as most fields of a preset are: the chain
			// would do nothing but copy the value around.
			x, _ := rec.Lookup(f.direct)
			val = &x
		} else {
			fe = f.eval(rec, &v)
		}
		if fe == nil && !f.filterOnly && !val.empty() {
			if err := st.set(u, f, val); err != nil {
				fe = &FieldError{Field: f.target, Source: f.primary.srcLabel, Value: clip(val.text()), Err: err}
			}
		}
		if fe != nil {
			st.errs = append(st.errs, fe)
		}
	}
	if st.errs != nil {
		return &RecordError{Provider: m.provider, RecordID: rec.ID(), Errors: st.errs}
	}
	return nil
}

// Entry is one key and value of an [Output].
type Entry struct {
	Key   string
	Value Value
}

// Output is a free-form mapped record: the entries of the stored fields in spec order, and
// the values of filter-only fields apart.
type Output struct {
	// Entries are the stored fields, in spec order. A field whose result is empty is
	// present with an empty value (it marshals as null); a field whose condition does not
	// hold, or that failed, is absent.
	Entries []Entry
	// Filters are the values of filter-only fields: read for the caller's selection of
	// records, never part of the record itself.
	Filters []Entry
}

// Get returns the value of the stored field with the given key.
func (o Output) Get(key string) (Value, bool) { return find(o.Entries, key) }

// Filter returns the value of the filter-only field with the given key.
func (o Output) Filter(key string) (Value, bool) { return find(o.Filters, key) }

func find(entries []Entry, key string) (Value, bool) {
	for _, e := range entries {
		if e.Key == key {
			return e.Value, true
		}
	}
	return Value{}, false
}

// MarshalJSON writes the stored entries as one JSON object in spec order; filter-only
// values are left out. Empty values are null, dates "2006-01-02", instants RFC 3339,
// references {"id", "name", "email"} (empty parts left out), lists arrays of strings.
func (o Output) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o.Entries {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, e.Key); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := writeValueJSON(&b, e.Value); err != nil {
			return nil, fmt.Errorf("mapping: output %q: %w", e.Key, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, x any) error {
	enc, err := json.Marshal(x)
	if err != nil {
		return err
	}
	b.Write(enc)
	return nil
}

func writeValueJSON(b *bytes.Buffer, v Value) error {
	if v.IsEmpty() {
		b.WriteString("null")
		return nil
	}
	switch v.Kind {
	case KindString:
		return writeJSON(b, v.Str)
	case KindNumber:
		if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
			return fmt.Errorf("number %v has no JSON form", v.Num)
		}
		return writeJSON(b, v.Num)
	case KindBool:
		return writeJSON(b, v.Bool)
	case KindDate:
		return writeJSON(b, v.date().String())
	case KindTime:
		return writeJSON(b, v.Time.Format(time.RFC3339Nano))
	case KindRef:
		return writeJSON(b, v.Ref)
	case KindList:
		return writeJSON(b, v.List)
	}
	return fmt.Errorf("unknown kind %d", uint8(v.Kind))
}

// Apply maps rec to a free-form [Output], keyed by the fields' targets. It is the entry
// point for specs with output "record" (an import file of another system); on a user spec it
// returns the values that ApplyUser would store, before their conversion to the User's
// types. Errors are as for [Mapper.ApplyUser]: a [*RecordError] with every failing field,
// the others present in the Output.
func (m *Mapper) Apply(rec Record) (Output, error) {
	if rec == nil {
		return Output{}, errNilRecord
	}
	buf := make([]Entry, len(m.fields))
	out := Output{Entries: buf[:0:m.stored], Filters: buf[m.stored:m.stored]}
	var errs []*FieldError
	var v Value
	for i := range m.fields {
		f := &m.fields[i]
		if f.when != nil && !f.when.holds(rec) {
			continue
		}
		if fe := f.eval(rec, &v); fe != nil {
			errs = append(errs, fe)
			continue
		}
		if f.filterOnly {
			out.Filters = append(out.Filters, Entry{Key: f.target, Value: v})
		} else {
			out.Entries = append(out.Entries, Entry{Key: f.target, Value: v})
		}
	}
	if errs != nil {
		return out, &RecordError{Provider: m.provider, RecordID: rec.ID(), Errors: errs}
	}
	return out, nil
}

// holds reports whether the condition lets the field apply to rec.
func (c *compiledCond) holds(rec Record) bool {
	v, _ := rec.Lookup(c.attr.Key)
	s := v.text()
	if v.Kind == KindString {
		s = strings.TrimSpace(s)
	}
	match := false
	if s != "" {
		for _, w := range c.values {
			if strings.EqualFold(w, s) {
				match = true
				break
			}
		}
	}
	return match == c.in
}

// eval computes the field's value into *v: the primary chain, then the fallbacks while
// the value is empty, then the default; a required field with no value fails.
func (f *compiledField) eval(rec Record, v *Value) *FieldError {
	src, err := f.primary.eval(rec, v)
	for i := 0; err == nil && v.empty() && i < len(f.fallback); i++ {
		src, err = f.fallback[i].eval(rec, v)
	}
	if err != nil {
		// A failing step leaves its input in *v.
		return &FieldError{Field: f.target, Source: src, Value: clip(v.text()), Err: err}
	}
	if v.empty() && f.def != nil {
		*v = *f.def
	}
	if v.empty() && f.required {
		return &FieldError{Field: f.target, Source: f.primary.srcLabel, Err: ErrRequiredMissing}
	}
	return nil
}

// eval gathers the chain's sources into *v and runs the transforms on it. It returns the
// source the value came from (for errors).
func (c *chain) eval(rec Record, v *Value) (src string, err error) {
	src = c.srcLabel
	switch c.gather {
	case gatherFirst:
		found := false
		for _, k := range c.keys {
			var ok bool
			if *v, ok = rec.Lookup(k); ok && !v.empty() {
				src, found = k, true
				break
			}
		}
		if !found {
			*v = Value{}
		}
	case gatherJoin:
		*v = Value{}
		c.join(rec, v)
	case gatherRef:
		*v = Value{}
		c.ref(rec, v)
	case gatherUser:
		vals := make([]Value, len(c.keys))
		for i, k := range c.keys {
			vals[i], _ = rec.Lookup(k)
		}
		out, err := c.combine.user(vals)
		*v = out
		if err != nil {
			*v = Value{} // several inputs: the error names the sources, not a value
			return src, wrapUserErr(c.combine.name, err)
		}
	}
	for i := range c.steps {
		if err := c.steps[i].apply(v); err != nil {
			return src, err
		}
	}
	return src, nil
}

// join concatenates the text of the non-empty sources (a list gives its elements). Up to
// four parts it allocates only the result, and nothing when at most one part is
// non-empty.
func (c *chain) join(rec Record, v *Value) {
	var small [4]string
	parts := small[:0]
	n := 0
	for _, k := range c.keys {
		x, _ := rec.Lookup(k)
		if x.Kind == KindList {
			for _, s := range x.List {
				if s != "" {
					parts = append(parts, s)
					n += len(s)
				}
			}
		} else if s := x.text(); s != "" {
			parts = append(parts, s)
			n += len(s)
		}
	}
	switch len(parts) {
	case 0:
		return
	case 1:
		*v = StringValue(parts[0])
		return
	}
	var b strings.Builder
	b.Grow(n + len(c.combine.sep)*(len(parts)-1))
	for i, s := range parts {
		if i > 0 {
			b.WriteString(c.combine.sep)
		}
		b.WriteString(s)
	}
	*v = StringValue(b.String())
}

// ref builds a reference whose parts come from the sources in order. A source that is a
// reference gives the same part of itself.
func (c *chain) ref(rec Record, v *Value) {
	var r unified.Ref
	for i, k := range c.keys {
		x, _ := rec.Lookup(k)
		if x.empty() {
			continue
		}
		p := c.combine.parts[i]
		if x.Kind == KindRef {
			*p.of(&r) = *p.of(&x.Ref)
		} else {
			*p.of(&r) = x.text()
		}
	}
	if r != (unified.Ref{}) {
		*v = RefValue(r)
	}
}
