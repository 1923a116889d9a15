package unified

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Value is a typed custom-attribute value, with the label an HR admin sees. Exactly one of
// the payload fields is meaningful, as Kind says. The attribute's stable key (Personio
// "dynamic_24407", a Lattice attribute id) is the value's key in [User.Custom].
//
// A Value is 120 bytes, within the 128 a Go map stores inline: a user's custom attributes
// cost the map's own allocations, not one more per attribute. (Bool sits next to Kind so
// that the two share a word; in JSON only the payload field of the kind is written, so its
// place there does not show.)
type Value struct {
	// Label is the attribute's name as shown to people, in the provider's language.
	Label string `json:"label,omitempty"`
	// Kind says which payload field holds the value.
	Kind ValueKind `json:"kind"`
	Bool bool      `json:"bool,omitempty"`

	Text   string    `json:"text,omitempty"`
	Number float64   `json:"number,omitempty"`
	Date   Date      `json:"date,omitzero"`
	Time   time.Time `json:"time,omitzero"`
	List   []string  `json:"list,omitempty"`
}

// ValueKind says what type of data a [Value] holds. The zero value is KindNull.
type ValueKind uint8

// The kinds of custom-attribute value.
const (
	KindNull ValueKind = iota
	KindText
	KindNumber
	KindBool
	KindDate
	KindTime
	KindList
)

var kindNames = [...]string{
	KindNull:   "null",
	KindText:   "text",
	KindNumber: "number",
	KindBool:   "bool",
	KindDate:   "date",
	KindTime:   "time",
	KindList:   "list",
}

// String returns the lower-case name of the kind.
func (k ValueKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ValueKind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler].
func (k ValueKind) MarshalText() ([]byte, error) {
	if int(k) >= len(kindNames) {
		return nil, fmt.Errorf("unified: invalid value kind %d: %w", uint8(k), ErrInvalidValue)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *ValueKind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if strings.EqualFold(string(b), name) {
			*k = ValueKind(i)
			return nil
		}
	}
	return fmt.Errorf("unified: unknown value kind %q: %w", clip(string(b)), ErrInvalidValue)
}

// IsNull reports whether the value is empty: KindNull, or an empty text or list.
func (v Value) IsNull() bool {
	switch v.Kind {
	case KindNull:
		return true
	case KindText:
		return v.Text == ""
	case KindList:
		return len(v.List) == 0
	case KindDate:
		return v.Date.IsZero()
	case KindTime:
		return v.Time.IsZero()
	}
	return false
}

// String renders the value as text: numbers without trailing zeros, dates as 2006-01-02,
// times in RFC 3339, lists joined by ", ", null as "".
func (v Value) String() string {
	switch v.Kind {
	case KindText:
		return v.Text
	case KindNumber:
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindDate:
		return v.Date.String()
	case KindTime:
		if v.Time.IsZero() {
			return ""
		}
		return v.Time.Format(time.RFC3339)
	case KindList:
		return strings.Join(v.List, ", ")
	}
	return ""
}
