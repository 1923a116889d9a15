package personio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/textclip"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Personio sends numbers as JSON numbers in some places and as strings in others (ids,
// offset and limit of some endpoints, weekly hours, metadata under load). The types and
// helpers here accept both, and null, everywhere. Everything is decoded with
// encoding/json; a value of the wrong kind is a *json.UnmarshalTypeError, so that a
// response of the wrong shape fails at once instead of being fetched again.

// flexInt is an integer that decodes from a JSON number, a string holding one, or null.
type flexInt struct {
	V   int
	Set bool // false for null or a missing field
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	v, ok, err := intFromJSON(b)
	if err != nil {
		return typeError(b, reflect.TypeFor[int]())
	}
	f.V, f.Set = v, ok
	return nil
}

// flexFloat is a number that decodes from a JSON number, a string holding one, or null.
type flexFloat struct {
	V   float64
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexFloat) UnmarshalJSON(b []byte) error {
	v, ok, err := floatFromJSON(b)
	if err != nil {
		return typeError(b, reflect.TypeFor[float64]())
	}
	f.V, f.Set = v, ok
	return nil
}

// flexString is a string that also accepts a JSON number or boolean (ids sent as numbers)
// and null.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	s, _, err := textFromJSON(b)
	if err != nil {
		return typeError(b, reflect.TypeFor[string]())
	}
	*f = flexString(s)
	return nil
}

// typeError describes a JSON value that does not fit t, as encoding/json does.
func typeError(raw []byte, t reflect.Type) error {
	return &json.UnmarshalTypeError{Value: clipJSON(bytes.TrimSpace(raw)), Type: t}
}

// isNullJSON reports whether raw is absent, null, "", [] or {}: the forms Personio uses for
// "no value".
func isNullJSON(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0, string(raw) == "null", string(raw) == `""`:
		return true
	case len(raw) >= 2 && (raw[0] == '[' && raw[len(raw)-1] == ']' || raw[0] == '{' && raw[len(raw)-1] == '}'):
		return len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0 // [], {}, [ ], ...
	}
	return false
}

// decodeValue decodes a JSON value into an any (nil for no bytes at all).
func decodeValue(raw []byte) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("invalid JSON value %s: %w", clipJSON(bytes.TrimSpace(raw)), unified.ErrInvalidValue)
	}
	return v, nil
}

// isEmpty reports whether a decoded value is "no value": null, "", [] or {}.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// textFromJSON returns a scalar as text: a string as is, a number in decimal, a boolean
// as "true"/"false". ok is false for no value; objects and lists are errors.
func textFromJSON(raw []byte) (s string, ok bool, err error) {
	v, err := decodeValue(raw)
	if err != nil {
		return "", false, err
	}
	return textOf(v)
}

// textOf is textFromJSON for a decoded value.
func textOf(v any) (s string, ok bool, err error) {
	if isEmpty(v) {
		return "", false, nil
	}
	switch v := v.(type) {
	case string:
		return v, true, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true, nil
	case bool:
		return strconv.FormatBool(v), true, nil
	}
	return "", false, fmt.Errorf("want text, got %s: %w", clipText(jsonText(v)), unified.ErrInvalidValue)
}

// jsonText is a decoded value as JSON, for messages and for values handed on as text.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// floatFromJSON decodes a JSON number or a string holding one ("40", "40.5", "40,5").
func floatFromJSON(raw []byte) (v float64, ok bool, err error) {
	d, err := decodeValue(raw)
	if err != nil {
		return 0, false, err
	}
	return numberOf(d)
}

// numberOf is floatFromJSON for a decoded value.
func numberOf(v any) (float64, bool, error) {
	if f, isNum := v.(float64); isNum {
		return f, true, nil
	}
	s, ok, err := textOf(v)
	if err != nil || !ok {
		return 0, false, err
	}
	f, err := parseNumber(s)
	return f, err == nil, err
}

// intFromJSON decodes a whole number sent as a JSON number or a string.
func intFromJSON(raw []byte) (v int, ok bool, err error) {
	d, err := decodeValue(raw)
	if err != nil {
		return 0, false, err
	}
	return intOf(d)
}

// intOf is intFromJSON for a decoded value.
func intOf(v any) (int, bool, error) {
	s, ok, err := textOf(v)
	if err != nil || !ok {
		return 0, false, err
	}
	n, err := parseInt(s)
	return n, err == nil, err
}

// parseNumber parses a decimal number written with a '.' or a single ',' as the decimal
// separator.
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		f, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	}
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a number: %w", clipText(s), unified.ErrInvalidValue)
	}
	return f, nil
}

// parseInt parses a whole number; "12.0" is accepted, "12.5" is not.
func parseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("%q is not a whole number: %w", clipText(s), unified.ErrInvalidValue)
	}
	return int(f), nil
}

// parseInstant parses the timestamps Personio sends: RFC 3339 with or without fraction
// ("2014-11-08T23:00:00.000Z", "2017-05-23T09:49:03+02:00"), and local date-times without
// zone ("2017-05-23T09:49:03", "2017-05-23 09:49:03"), which are read in loc.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp (want RFC 3339): %w", clipText(s), unified.ErrInvalidValue)
}

// parseDay turns a Personio calendar-day value into a unified.Date: a plain "YYYY-MM-DD" is
// taken as written; an instant is converted to loc before the day is taken, because
// Personio renders a day as the instant of its midnight in the company's time zone.
func parseDay(s string, loc *time.Location) (unified.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) == 10 {
		return unified.ParseDate(s)
	}
	t, err := parseInstant(s, loc)
	if err != nil {
		return unified.Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or an RFC 3339 instant): %w", clipText(s), unified.ErrInvalidValue)
	}
	d := unified.DateIn(t, loc)
	if !d.IsValid() { // year 0, or a day moved out of the years 1 to 9999 by the zone
		return unified.Date{}, fmt.Errorf("%q is not a calendar day between the years 1 and 9999: %w", clipText(s), unified.ErrInvalidValue)
	}
	return d, nil
}

// clipJSON shortens raw JSON quoted in an error message.
func clipJSON(raw []byte) string { return clipText(string(raw)) }

// clipText shortens text quoted in an error message.
func clipText(s string) string { return textclip.Text(s, 64) }
