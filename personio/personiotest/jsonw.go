package personiotest

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The fake renders its JSON by appending to byte slices rather than through
// encoding/json: a page of 100 v1 employees carries some 4,000 attribute objects, and
// building them as maps would cost more than the whole budget of a page.

const hexDigits = "0123456789abcdef"

// appendStr appends s as a JSON string. Invalid UTF-8 is replaced by U+FFFD so the
// document stays valid whatever a test put into the company.
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendKey appends `"k":`; k must need no escaping.
func appendKey(b []byte, k string) []byte {
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

// appendInt appends n as a JSON number, or as a JSON string when asString is set (the
// StringNumbers quirk).
func appendInt(b []byte, n int, asString bool) []byte {
	if asString {
		b = append(b, '"')
		b = strconv.AppendInt(b, int64(n), 10)
		return append(b, '"')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// appendIDStr appends n as a JSON string ("170"), the form v2 uses for every id.
func appendIDStr(b []byte, n int) []byte { return appendInt(b, n, true) }

// appendFloat appends f in its shortest form ("40", "37.5").
func appendFloat(b []byte, f float64) []byte { return strconv.AppendFloat(b, f, 'f', -1, 64) }

// appendStrOrNull appends s, or null when s is empty.
func appendStrOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendStr(b, s)
}

// appendDay appends d as "2006-01-02", or null for the zero date.
func appendDay(b []byte, d unified.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendDigits(b, d.Year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(d.Month), 2)
	b = append(b, '-')
	b = appendDigits(b, d.Day, 2)
	return append(b, '"')
}

func appendDigits(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for n > 0 || i == len(tmp) {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	for pad := width - (len(tmp) - i); pad > 0; pad-- {
		b = append(b, '0')
	}
	return append(b, tmp[i:]...)
}

// Timestamp layouts.
const (
	// layoutV2Time is how v2 renders timestamps: UTC, second precision, "Z".
	layoutV2Time = "2006-01-02T15:04:05Z07:00"
	// layoutProblemTime is the timestamp of v2 error envelopes ("2021-05-28T11:17:30+00:00").
	layoutProblemTime = "2006-01-02T15:04:05+00:00"
)

// appendClock appends "2006-01-02T15:04:05" for t in its own location.
func appendClock(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	b = appendDigits(b, y, 4)
	b = append(b, '-', byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10),
		'T', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+sec/10), byte('0'+sec%10))
	return b
}

// appendInstant appends t in UTC with milliseconds: "2014-11-08T23:00:00.000Z".
func appendInstant(b []byte, t time.Time) []byte {
	t = t.UTC()
	b = appendClock(b, t)
	ms := t.Nanosecond() / 1e6
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// appendOffsetTime appends t in its location with a numeric offset:
// "2017-05-23T09:49:03+02:00".
func appendOffsetTime(b []byte, t time.Time) []byte {
	b = appendClock(b, t)
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	off /= 60
	return append(b, sign, byte('0'+off/600), byte('0'+off/60%10), ':', byte('0'+off%60/10), byte('0'+off%10))
}

// zone converts calendar days to instants and instants to local time in the company's
// time zone. It uses the IANA database when it is available and, failing that, the
// Central European rules (CET/CEST as observed in Germany since 1980), so the fake
// renders Berlin days correctly even on a machine without time zone data.
type zone struct {
	loc *time.Location // nil: the built-in Central European rules
}

// midnight returns the instant at which d begins in the zone.
func (z zone) midnight(d unified.Date) time.Time {
	if z.loc != nil {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, z.loc)
	}
	// Midnight is never inside a CET/CEST transition (they happen at 02:00/03:00 local),
	// so the offset at midnight UTC of that day minus one hour decides.
	guess := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(-time.Hour)
	return guess.Add(time.Hour - time.Duration(cetOffset(guess))*time.Second)
}

// local returns t in the zone.
func (z zone) local(t time.Time) time.Time {
	if z.loc != nil {
		return t.In(z.loc)
	}
	off := cetOffset(t)
	name := "CET"
	if off == 7200 {
		name = "CEST"
	}
	return t.In(time.FixedZone(name, off))
}

// cetOffset returns the UTC offset in seconds of German civil time at instant t: +1h,
// or +2h during summer time. Summer time runs from 1980: 6 April to 28 September 1980;
// 1981–1995 last Sunday of March to last Sunday of September; since 1996 last Sunday of
// March to last Sunday of October; the changes happen at 01:00 UTC (1980: 01:00 UTC in
// spring, 01:00 UTC in autumn as well). Earlier summer times (1940s) are not modelled.
func cetOffset(t time.Time) int {
	t = t.UTC()
	y := t.Year()
	var start, end time.Time
	switch {
	case y < 1980:
		return 3600
	case y == 1980:
		start = time.Date(1980, time.April, 6, 1, 0, 0, 0, time.UTC)
		end = time.Date(1980, time.September, 28, 1, 0, 0, 0, time.UTC)
	case y <= 1995:
		start = lastSunday(y, time.March)
		end = lastSunday(y, time.September)
	default:
		start = lastSunday(y, time.March)
		end = lastSunday(y, time.October)
	}
	if !t.Before(start) && t.Before(end) {
		return 7200
	}
	return 3600
}

// lastSunday returns 01:00 UTC on the last Sunday of the month.
func lastSunday(y int, m time.Month) time.Time {
	last := time.Date(y, m+1, 0, 1, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}
