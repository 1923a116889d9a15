package mapping

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Kind says which field of a [Value] holds the value. The zero value is KindNull.
type Kind uint8

// The kinds of source value.
const (
	// KindNull: no value (an absent attribute, a JSON null).
	KindNull Kind = iota
	// KindString: text, in Value.Str.
	KindString
	// KindNumber: a number, in Value.Num.
	KindNumber
	// KindBool: a boolean, in Value.Bool.
	KindBool
	// KindTime: an instant, in Value.Time.
	KindTime
	// KindDate: a calendar day, in Value.Date.
	KindDate
	// KindRef: a reference to a person or an object (id, name, email), in Value.Ref.
	KindRef
	// KindList: a list of strings, in Value.List.
	KindList
)

// String returns the lower-case name of the kind ("string", "date", ...).
func (k Kind) String() string {
	names := [...]string{
		KindNull:   "null",
		KindString: "string",
		KindNumber: "number",
		KindBool:   "bool",
		KindTime:   "time",
		KindDate:   "date",
		KindRef:    "ref",
		KindList:   "list",
	}
	if int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is one source attribute value. Exactly one payload field is meaningful, as Kind
// says. It is a plain struct: building one does not allocate, and it is passed by value.
type Value struct {
	Kind Kind
	Str  string
	Num  float64
	Bool bool
	Time time.Time
	Date unified.Date
	Ref  unified.Ref
	List []string
}

// StringValue returns a KindString value.
func StringValue(s string) Value { return Value{Kind: KindString, Str: s} }

// NumberValue returns a KindNumber value.
func NumberValue(f float64) Value { return Value{Kind: KindNumber, Num: f} }

// BoolValue returns a KindBool value.
func BoolValue(b bool) Value { return Value{Kind: KindBool, Bool: b} }

// TimeValue returns a KindTime value.
func TimeValue(t time.Time) Value { return Value{Kind: KindTime, Time: t} }

// DateValue returns a KindDate value.
func DateValue(d unified.Date) Value { return Value{Kind: KindDate, Date: d} }

// RefValue returns a KindRef value.
func RefValue(r unified.Ref) Value { return Value{Kind: KindRef, Ref: r} }

// ListValue returns a KindList value. The slice is not copied.
func ListValue(l []string) Value { return Value{Kind: KindList, List: l} }

// IsEmpty reports whether v holds no value: KindNull, an empty string, an empty list, the
// zero date or time, or a reference with no id, name and email. Numbers and booleans are
// never empty.
func (v Value) IsEmpty() bool { return v.empty() }

// empty is IsEmpty without copying the value.
func (v *Value) empty() bool {
	switch v.Kind {
	case KindNull:
		return true
	case KindString:
		return v.Str == ""
	case KindTime:
		return v.Time.IsZero()
	case KindDate:
		return v.Date.IsZero()
	case KindRef:
		return v.Ref == unified.Ref{}
	case KindList:
		return len(v.List) == 0
	}
	return false
}

// String returns the text form of v: strings as they are, numbers in the shortest form
// without exponent ("40", "3000.5"), booleans as "true"/"false", instants in RFC 3339,
// dates as "2006-01-02", references by name (else id, else email), lists joined by ", ",
// and "" for an empty value.
func (v Value) String() string { return v.text() }

// text is String without copying the value.
func (v *Value) text() string {
	switch v.Kind {
	case KindString:
		return v.Str
	case KindNumber:
		return formatNumber(v.Num)
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindTime:
		if v.Time.IsZero() {
			return ""
		}
		return v.Time.Format(time.RFC3339Nano)
	case KindDate:
		return v.Date.String()
	case KindRef:
		switch {
		case v.Ref.Name != "":
			return v.Ref.Name
		case v.Ref.ID != "":
			return v.Ref.ID
		}
		return v.Ref.Email
	case KindList:
		return strings.Join(v.List, ", ")
	}
	return ""
}

// formatNumber is strconv.FormatFloat(f, 'f', -1, 64), with integers (ids, counts) by the
// much cheaper integer formatting. Integers of magnitude up to 2^53 are exact in a float64
// and print the same either way; negative zero keeps its sign.
func formatNumber(f float64) string {
	const exact = 1 << 53
	if i := int64(f); float64(i) == f && i >= -exact && i <= exact && (i != 0 || !math.Signbit(f)) {
		return strconv.FormatInt(i, 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// toUnified converts v into the typed custom-attribute value of a unified.User. A
// reference becomes its text form, since unified.Value has no reference kind.
func (v *Value) toUnified(key, label string) unified.Value {
	u := unified.Value{Label: label}
	switch v.Kind {
	case KindString:
		u.Kind, u.Text = unified.KindText, v.Str
	case KindNumber:
		u.Kind, u.Number = unified.KindNumber, v.Num
	case KindBool:
		u.Kind, u.Bool = unified.KindBool, v.Bool
	case KindTime:
		u.Kind, u.Time = unified.KindTime, v.Time
	case KindDate:
		u.Kind, u.Date = unified.KindDate, v.Date
	case KindRef:
		u.Kind, u.Text = unified.KindText, v.text()
	case KindList:
		u.Kind, u.List = unified.KindList, v.List
	}
	return u
}

// literal returns the JSON form of v as used for defaults in a spec: a string, number,
// boolean or array of strings as is; {"date": "2006-01-02"}, {"time": "<RFC 3339>"} and
// {"ref": {"id", "name", "email"}} for the other kinds; nil for KindNull.
func (v Value) literal() (any, error) {
	switch v.Kind {
	case KindNull:
		return nil, nil
	case KindString:
		return v.Str, nil
	case KindNumber:
		if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
			return nil, fmt.Errorf("number %v has no JSON form", v.Num)
		}
		return v.Num, nil
	case KindBool:
		return v.Bool, nil
	case KindList:
		l := make([]any, len(v.List))
		for i, s := range v.List {
			l[i] = s
		}
		return l, nil
	case KindDate:
		if !v.Date.IsValid() {
			return nil, fmt.Errorf("invalid date %04d-%02d-%02d", v.Date.Year, int(v.Date.Month), v.Date.Day)
		}
		return map[string]any{"date": v.Date.String()}, nil
	case KindTime:
		return map[string]any{"time": v.Time.Format(time.RFC3339Nano)}, nil
	case KindRef:
		r := map[string]any{}
		if v.Ref.ID != "" {
			r["id"] = v.Ref.ID
		}
		if v.Ref.Name != "" {
			r["name"] = v.Ref.Name
		}
		if v.Ref.Email != "" {
			r["email"] = v.Ref.Email
		}
		return map[string]any{"ref": r}, nil
	}
	return nil, fmt.Errorf("unknown kind %d", uint8(v.Kind))
}

// parseLiteral is the inverse of Value.literal for a JSON-decoded value (string, float64,
// bool, []any, map[string]any or nil). Errors are reported at path.
func parseLiteral(path string, x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Value{}, nil
	case string:
		return StringValue(x), nil
	case float64:
		return NumberValue(x), nil
	case bool:
		return BoolValue(x), nil
	case []any:
		l := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return Value{}, specErr(fmt.Sprintf("%s[%d]", path, i), "want a string, got %s", jsonType(e))
			}
			l[i] = s
		}
		return ListValue(l), nil
	case map[string]any:
		if len(x) != 1 {
			return Value{}, specErr(path, `want an object with exactly one of "date", "time" or "ref"`)
		}
		for k, e := range x {
			p := path + "." + k
			switch k {
			case "date":
				s, ok := e.(string)
				if !ok {
					return Value{}, specErr(p, "want a string, got %s", jsonType(e))
				}
				d, err := unified.ParseDate(s)
				if err != nil || len(s) != 10 {
					return Value{}, specErr(p, "want a date as YYYY-MM-DD, got %q", clip(s))
				}
				return DateValue(d), nil
			case "time":
				s, ok := e.(string)
				if !ok {
					return Value{}, specErr(p, "want a string, got %s", jsonType(e))
				}
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return Value{}, specErr(p, "want an RFC 3339 timestamp, got %q", clip(s))
				}
				return TimeValue(t), nil
			case "ref":
				m, ok := e.(map[string]any)
				if !ok {
					return Value{}, specErr(p, "want an object, got %s", jsonType(e))
				}
				var r unified.Ref
				for _, rk := range sortedKeys(m) {
					re := m[rk]
					s, ok := re.(string)
					if !ok {
						return Value{}, specErr(p+"."+rk, "want a string, got %s", jsonType(re))
					}
					switch rk {
					case "id":
						r.ID = s
					case "name":
						r.Name = s
					case "email":
						r.Email = s
					default:
						return Value{}, specErr(p+"."+rk, `unknown key (want "id", "name" or "email")`)
					}
				}
				return RefValue(r), nil
			}
			return Value{}, specErr(p, `unknown key (want "date", "time" or "ref")`)
		}
	}
	return Value{}, specErr(path, "want a string, number, boolean, list of strings or object, got %s", jsonType(x))
}

// jsonType names the JSON type of a decoded value for error messages.
func jsonType(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", x)
}
