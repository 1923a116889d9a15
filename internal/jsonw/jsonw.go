// Package jsonw appends JSON values to byte slices, in the manner of strconv.AppendInt.
//
// The in-process fake servers (personiotest, latticetest) render their hot paths (pages of
// 100 users out of 100,000) field by field with these functions instead of going through
// encoding/json, which would cost more than the whole budget of a page. Strings come out
// as encoding/json writes them with HTML escaping off (but for \b and \f, which are
// written \u0008 and \u000c), so a document built here decodes to the same values as one
// that encoding/json would build.
package jsonw

import (
	"strconv"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

const hexDigits = "0123456789abcdef"

// null is the JSON null literal.
const null = "null"

// AppendString appends s as a JSON string. Quotes, backslashes and control characters
// are escaped, invalid UTF-8 becomes U+FFFD (written as \ufffd), and U+2028 and U+2029
// are escaped so the output is also valid JavaScript.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
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
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendStringOrNull appends s as a JSON string, or null when s is empty.
func AppendStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, null...)
	}
	return AppendString(b, s)
}

// AppendKey appends the member name k and its colon: `"k":`. k is written as it is, so
// it must need no escaping (the fakes' keys are constants).
func AppendKey(b []byte, k string) []byte {
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

// AppendNextKey appends a comma and then the member name k as [AppendKey] does:
// `,"k":`, for every member of an object but the first.
func AppendNextKey(b []byte, k string) []byte {
	return AppendKey(append(b, ','), k)
}

// AppendInt appends n as a JSON number, or as a JSON string holding the number ("170")
// when quoted is set, the form in which some APIs send ids.
func AppendInt(b []byte, n int, quoted bool) []byte {
	if !quoted {
		return strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '"')
}

// AppendFloat appends f as a JSON number in its shortest decimal form without an
// exponent ("40", "37.5"). f must be finite: JSON has no NaN or infinity.
func AppendFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// AppendDate appends d as a JSON string "2006-01-02", or null for the zero Date. A date
// that is not a real calendar day (which only a hand-edited company holds) is written as
// its parts all the same, as [unified.Date.String] writes it, so that a fake can serve one
// to the client under test.
func AppendDate(b []byte, d unified.Date) []byte {
	if d.IsZero() {
		return append(b, null...)
	}
	b = append(b, '"')
	if out, err := d.AppendText(b); err == nil {
		b = out
	} else {
		b = append(b, d.String()...)
	}
	return append(b, '"')
}
