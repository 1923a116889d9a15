package mapping

import (
	"slices"
	"strings"
)

// SpecVersion is the version of the spec format this package reads and writes.
const SpecVersion = 1

// The values of Spec.Output.
const (
	// OutputUser: targets are unified.User paths; use [Mapper.ApplyUser].
	OutputUser = "user"
	// OutputRecord: targets are keys of a free-form output record; use [Mapper.Apply].
	OutputRecord = "record"
)

// Spec is a declarative mapping: a list of fields, each naming a target, the source
// attributes it reads and the transforms that turn them into the target's value. Specs
// load from JSON ([LoadSpec]) or are built in Go; [Compile] turns one into a [Mapper].
//
// A Spec made by [Spec.With] or [Spec.Without] is a layer over another spec: its Fields
// hold only the layer's own fields, and [Spec.Effective] returns the full list. Do not
// modify a spec that another spec was layered over.
type Spec struct {
	// Version is the spec format version; 0 means SpecVersion.
	Version int
	// Name describes the spec (for people; no effect).
	Name string
	// Output is OutputUser ("" means the same) or OutputRecord.
	Output string
	// Fields are the spec's fields (for a layer: the fields it adds or replaces).
	Fields []Field

	base    *Spec    // the spec this one is layered over, or nil
	removed []string // targets a Without layer removes
}

// Field maps one target.
type Field struct {
	// Target is a unified.User path ("title", "manager.email", "custom.dynamic_24407",
	// "custom.*") or, in a spec whose Output is OutputRecord, any key of the output record.
	Target string
	// Sources are attribute keys or labels, resolved against the catalog by [Compile].
	// Several sources without a combining transform (join, ref, first or a transform of
	// your own) mean "the first non-empty one". A field with a Default needs no source.
	Sources []string
	// Transforms are applied in order; the first one receives every source value if it
	// combines them, else the first non-empty source value.
	Transforms []Transform
	// Fallback lists alternatives tried in order while the result is still empty: for
	// example a display name from first and last name when there is no preferred name.
	Fallback []Alternative
	// Default is the value used when the result is still empty after the fallbacks. It
	// goes through the target's conversion (a status default "active" is parsed), but not
	// through the transforms.
	Default *Value
	// Required makes an empty result (after fallbacks and default) a [FieldError] matching
	// [ErrRequiredMissing]. [Check] reports the attributes a required field needs as
	// required.
	Required bool
	// FilterOnly marks a field that is read and checked but never stored: [Mapper.Apply]
	// puts its value into Output.Filters, for the caller's selection of records, and
	// [Mapper.ApplyUser] drops it.
	FilterOnly bool
	// When, if set, applies the field only to records that meet the condition; for other
	// records the target is left alone (Apply leaves the key out).
	When *Condition
	// Note documents the field (for people; no effect).
	Note string
}

// Alternative is a fallback of a [Field]: other sources and transforms.
type Alternative struct {
	Sources    []string
	Transforms []Transform
}

// Condition restricts a field to some records by the text of one source attribute,
// compared case-insensitively. Set exactly one of In and NotIn.
//
// Seed rule "Primary Job Title (Not for contractors)" reads:
//
//	&Condition{Source: "employment_type", NotIn: []string{"external"}}
type Condition struct {
	// Source is the attribute's key or label.
	Source string
	// In applies the field when the value is one of these.
	In []string
	// NotIn applies the field when the value is none of these; an empty value is none of
	// them.
	NotIn []string
}

// Transform is one step of a field's transform chain: a built-in transform or one
// registered with [WithTransform], by name, with its arguments. Args holds JSON-shaped
// values (string, float64, bool, []any, map[string]any); the constructors below ([Join],
// [Split], [Enum], ...) build valid ones. In JSON a transform is {"name": "join", "args":
// {"sep": " "}}, or just "lower" when it has no arguments.
type Transform struct {
	Name string
	Args map[string]any
}

// With returns a layer over s that replaces the fields of s with the same Target by
// fields and adds the others at the end. s is neither copied nor modified.
func (s *Spec) With(fields ...Field) *Spec {
	if s == nil {
		return &Spec{Fields: fields}
	}
	return &Spec{Version: s.Version, Name: s.Name, Output: s.Output, Fields: fields, base: s}
}

// Without returns a layer over s that drops the fields with the given targets. s is
// neither copied nor modified.
func (s *Spec) Without(targets ...string) *Spec {
	if s == nil {
		return &Spec{}
	}
	return &Spec{Version: s.Version, Name: s.Name, Output: s.Output, base: s, removed: slices.Clone(targets)}
}

// Effective returns the spec's full field list: the base spec's fields with this layer's
// replacements, removals and additions applied. The result is a new slice (the fields'
// own slices are shared).
func (s *Spec) Effective() []Field {
	if s.base == nil {
		return slices.Clone(s.Fields)
	}
	fields := s.base.Effective()
	if len(s.removed) > 0 {
		fields = slices.DeleteFunc(fields, func(f Field) bool { return slices.Contains(s.removed, f.Target) })
	}
	for _, f := range s.Fields {
		if i := slices.IndexFunc(fields, func(g Field) bool { return g.Target == f.Target }); i >= 0 {
			fields[i] = f
		} else {
			fields = append(fields, f)
		}
	}
	return fields
}

// output returns the effective output kind.
func (s *Spec) output() string {
	if s.Output == "" {
		return OutputUser
	}
	return s.Output
}

// Join concatenates the text of the sources (or of a list's elements), skipping empty
// ones, with sep between them: first_name + last_name → "Ada Lovelace".
func Join(sep string) Transform { return Transform{Name: "join", Args: map[string]any{"sep": sep}} }

// Split cuts text at sep ("" means runs of white space) and keeps the part at index
// (negative counts from the end); with rest, it keeps everything from that part on:
// "Ada King Lovelace" gives "Ada" at index 0, and "King Lovelace" at index 1 with rest.
// A missing part gives an empty value.
func Split(sep string, index int, rest bool) Transform {
	args := map[string]any{"index": float64(index)}
	if sep != "" {
		args["sep"] = sep
	}
	if rest {
		args["rest"] = true
	}
	return Transform{Name: "split", Args: args}
}

// Lower lower-cases text.
func Lower() Transform { return Transform{Name: "lower"} }

// Upper upper-cases text.
func Upper() Transform { return Transform{Name: "upper"} }

// Trim removes surrounding white space.
func Trim() Transform { return Transform{Name: "trim"} }

// Text turns any value into its text form (see [Value.String]): an id number 1 becomes
// "1", a date "2006-01-02".
func Text() Transform { return Transform{Name: "text"} }

// First picks the first non-empty source. It is what several sources mean without a
// combining transform.
func First() Transform { return Transform{Name: "first"} }

// Email trims and lower-cases an email address and checks it with net/mail; names such as
// "Ada <ada@example.com>" are rejected.
func Email() Transform { return Transform{Name: "email"} }

// Date turns text, an instant or a date into a calendar day. tz, if not "", is an IANA
// zone that instants are converted to before the day is taken; layouts, if any, replace
// the default layouts (see the package documentation).
func Date(tz string, layouts ...string) Transform {
	args := map[string]any{}
	if tz != "" {
		args["tz"] = tz
	}
	if len(layouts) > 0 {
		l := make([]any, len(layouts))
		for i, s := range layouts {
			l[i] = s
		}
		args["layouts"] = l
	}
	if len(args) == 0 {
		args = nil
	}
	return Transform{Name: "date", Args: args}
}

// Enum maps text through values, comparing keys case-insensitively; a value "" maps to an
// empty result. Text that is not a key fails the field.
func Enum(values map[string]string) Transform {
	return Transform{Name: "enum", Args: map[string]any{"values": enumArgs(values)}}
}

// EnumOr is [Enum] with a fallback for text that is not a key.
func EnumOr(values map[string]string, fallback string) Transform {
	return Transform{Name: "enum", Args: map[string]any{"values": enumArgs(values), "fallback": fallback}}
}

// EnumKeep is [Enum] that passes text that is not a key through unchanged.
func EnumKeep(values map[string]string) Transform {
	return Transform{Name: "enum", Args: map[string]any{"values": enumArgs(values), "keep_unknown": true}}
}

func enumArgs(values map[string]string) map[string]any {
	m := make(map[string]any, len(values))
	for k, v := range values {
		m[k] = v
	}
	return m
}

// DefaultTo replaces an empty value by v, at its place in the chain.
func DefaultTo(v Value) Transform {
	lit, err := v.literal()
	if err != nil {
		// Keep the transform invalid rather than silently empty: Compile reports it.
		return Transform{Name: "default", Args: map[string]any{"value": nil}}
	}
	return Transform{Name: "default", Args: map[string]any{"value": lit}}
}

// MakeRef builds a reference from the sources, which fill the given parts ("id", "name",
// "email") in order; no parts means "id", "name".
func MakeRef(parts ...string) Transform {
	if len(parts) == 0 {
		return Transform{Name: "ref"}
	}
	l := make([]any, len(parts))
	for i, p := range parts {
		l[i] = p
	}
	return Transform{Name: "ref", Args: map[string]any{"parts": l}}
}

// Pick takes one part ("id", "name" or "email") of a reference as text: a manager by
// email, a department by name.
func Pick(part string) Transform {
	return Transform{Name: "pick", Args: map[string]any{"part": part}}
}

// isWildcard reports whether a target expands over the catalog's custom attributes.
func isWildcard(target string) bool { return target == "custom.*" }

// globMatch matches s against a pattern in which '*' stands for any run of characters.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}
