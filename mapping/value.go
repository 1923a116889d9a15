package mapping

import (
	"fmt"
	"math"
	"slices"
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
	// KindDate: a calendar day, read with Value.Date.
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
// says; the calendar day of a KindDate value is read with [Value.Date]. It is a plain
// struct: building one does not allocate, and it is passed by value.
//
// A Value is 128 bytes, the most a Go map stores in its slots and a cheap copy: a
// map[string]Value (such as [MapRecord]'s) keeps values inline and reads them on the
// map's fast path. To stay within that, the day is packed into the word Kind and Bool
// share, and compared by [Value.Equal] (which go-cmp uses).
type Value struct {
	Kind Kind
	Bool bool

	// The day of a KindDate value (see DateValue): month 255 marks a day whose parts do
	// not fit, which is not a calendar day either.
	month, day uint8
	year       int32

	Str  string
	Num  float64
	Time time.Time
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

// DateValue returns a KindDate value. A date that is not a calendar day stays one that
// is not (the mapper reports it); only its parts are lost when they are out of all range
// (a month above 254, a day above 255, a year beyond 32 bits).
func DateValue(d unified.Date) Value {
	v := Value{Kind: KindDate}
	if d.Year >= math.MinInt32 && d.Year <= math.MaxInt32 && d.Month >= 0 && d.Month < badMonth && d.Day >= 0 && d.Day <= math.MaxUint8 {
		v.year, v.month, v.day = int32(d.Year), uint8(d.Month), uint8(d.Day)
	} else {
		v.month = badMonth
	}
	return v
}

// badMonth is the month of a packed date whose parts do not fit.
const badMonth = math.MaxUint8

// Date returns the calendar day of a KindDate value, and the zero Date for any other kind.
func (v Value) Date() unified.Date { return v.date() }

// date is Date without copying the value.
func (v *Value) date() unified.Date {
	if v.Kind != KindDate {
		return unified.Date{}
	}
	return unified.Date{Year: int(v.year), Month: time.Month(v.month), Day: int(v.day)}
}

// Equal reports whether v and w are the same: the same kind and fields, instants by
// [time.Time.Equal], lists element by element (nil and empty alike).
func (v Value) Equal(w Value) bool {
	return v.Kind == w.Kind && v.Bool == w.Bool && v.date() == w.date() && v.Str == w.Str &&
		v.Num == w.Num && v.Time.Equal(w.Time) && v.Ref == w.Ref && slices.Equal(v.List, w.List)
}

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
		return v.month == 0 && v.day == 0 && v.year == 0
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
		return v.date().String()
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
		u.Kind, u.Date = unified.KindDate, v.date()
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
		d := v.date()
		if !d.IsValid() {
			return nil, fmt.Errorf("invalid date %04d-%02d-%02d", d.Year, int(d.Month), d.Day)
		}
		return map[string]any{"date": d.String()}, nil
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
