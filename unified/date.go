package unified

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/textclip"
)

// Date is a calendar day with no time zone, as HR systems use for hire dates, birthdays and
// termination dates. The zero value is the "no date" value and reports IsZero.
//
// Date marshals to JSON as "2006-01-02". It unmarshals from that form and from RFC 3339
// timestamps, taking the calendar day as written in the timestamp: "1990-01-01T00:00:00+01:00"
// is 1990-01-01, whatever the local time zone. Providers that render a day as an instant in
// another zone (Personio renders 9 November in Berlin as "2014-11-08T23:00:00.000Z") must
// convert the instant with [DateIn] instead.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date of the given year, month and day. It does not normalise: use
// [Date.IsValid] to check a date built from untrusted parts.
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// DateIn returns the calendar day that the instant t falls on in loc. It is the conversion
// for providers that send a calendar day as the instant of its midnight in the company's
// time zone.
func DateIn(t time.Time, loc *time.Location) Date {
	return DateOf(t.In(loc))
}

// errDateSyntax is wrapped by every parse error of [ParseDate].
var errDateSyntax = errors.New("want YYYY-MM-DD or an RFC 3339 timestamp")

// ParseDate parses a calendar day. It accepts "2006-01-02" and timestamps that start with
// one: RFC 3339 with or without fractional seconds and zone ("2006-01-02T15:04:05Z07:00",
// "2006-01-02T15:04:05", "2006-01-02 15:04:05"). For a timestamp the day is the one written
// in it; the zone is checked for syntax but never applied. Errors wrap [ErrInvalidValue].
func ParseDate(s string) (Date, error) {
	d, ok := parseDay(s)
	if !ok {
		return Date{}, fmt.Errorf("unified: invalid date %q: %w: %w", clip(s), errDateSyntax, ErrInvalidValue)
	}
	return d, nil
}

func parseDay(s string) (Date, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	dd, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, false
	}
	d := Date{Year: y, Month: time.Month(m), Day: dd}
	if !d.IsValid() {
		return Date{}, false
	}
	if len(s) == 10 {
		return d, true
	}
	if s[10] != 'T' && s[10] != 't' && s[10] != ' ' {
		return Date{}, false
	}
	// Validate the time part: it must be a real clock time with an optional fraction and an
	// optional zone. The zone is not applied.
	rest := s[11:]
	for _, layout := range timeLayouts {
		if _, err := time.Parse(layout, rest); err == nil {
			return d, true
		}
	}
	return Date{}, false
}

var timeLayouts = []string{
	"15:04:05Z07:00",
	"15:04:05.999999999Z07:00",
	"15:04:05",
	"15:04:05.999999999",
	"15:04Z07:00",
	"15:04",
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// clip shortens untrusted input quoted in an error message to 64 bytes, on a rune
// boundary.
func clip(s string) string { return textclip.Text(s, 64) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d names a real calendar day (year 1 to 9999).
func (d Date) IsValid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Month, d.Year)
}

// daysIn returns the number of days of month m (January to December) of year, in the
// proleptic Gregorian calendar.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
}

// String returns the date as "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(make([]byte, 0, 10)))
}

func (d Date) appendTo(b []byte) []byte {
	b = appendPadded(b, d.Year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, '-')
	return appendPadded(b, d.Day, 2)
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	buf[i] = byte('0' + n)
	return append(b, buf[i:]...)
}

// Time returns midnight at the start of d in loc. A nil loc means UTC.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// AppendText implements [encoding.TextAppender]: it appends d as "2006-01-02" to b, and
// nothing for the zero Date. A Date that is not a real calendar day (see [Date.IsValid])
// fails with an error wrapping [ErrInvalidValue].
func (d Date) AppendText(b []byte) ([]byte, error) {
	if d.IsZero() {
		return b, nil
	}
	if !d.IsValid() {
		return nil, fmt.Errorf("unified: invalid date %04d-%02d-%02d: %w", d.Year, int(d.Month), d.Day, ErrInvalidValue)
	}
	return d.appendTo(b), nil
}

// MarshalText implements [encoding.TextMarshaler] with the rules of [Date.AppendText].
// The zero Date marshals as "".
func (d Date) MarshalText() ([]byte, error) {
	return d.AppendText(make([]byte, 0, 10))
}

// UnmarshalText implements [encoding.TextUnmarshaler] with the rules of [ParseDate]. Empty
// text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON implements [json.Marshaler]: "2006-01-02", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b, err := d.MarshalText()
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+2)
	out = append(out, '"')
	out = append(out, b...)
	return append(out, '"'), nil
}

// UnmarshalJSON implements [json.Unmarshaler]. It accepts a JSON string in any form
// [ParseDate] accepts, "" and null (both give the zero Date).
func (d *Date) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("unified: invalid date %s: want a JSON string: %w", clip(string(b)), ErrInvalidValue)
	}
	if bytes.IndexByte(b, '\\') >= 0 {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("unified: invalid date %s: %w", clip(string(b)), ErrInvalidValue)
		}
		return d.UnmarshalText([]byte(s))
	}
	return d.UnmarshalText(b[1 : len(b)-1])
}
