package latticetest

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Users are the hot path (a page of 100 of them out of 100,000 must render in well under
// a millisecond), so they are appended to a byte slice field by field instead of going
// through encoding/json. The output is the same JSON encoding/json would write for the
// equivalent struct with HTML escaping off.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: quotes, backslashes and control characters
// are escaped, invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped so the
// output is also valid JavaScript.
func appendString(b []byte, s string) []byte {
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
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendKey appends `"name":` preceded by a comma unless it is the first member.
func appendKey(b []byte, name string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

func appendNullableString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

func appendDate(b []byte, d unified.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendPadded(b, d.Year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, '-')
	b = appendPadded(b, d.Day, 2)
	return append(b, '"')
}

// appendPadded appends n in decimal with at least width digits (n >= 0).
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		return strconv.AppendInt(b, int64(n), 10)
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[i:]...)
}

func appendUnix(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, t.Unix(), 10)
}

// appendURL appends the JSON string prefix + path + id + suffix.
func appendURL(b []byte, prefix, path, id, suffix string) []byte {
	// Ids and paths are ASCII without characters that need escaping in generated
	// companies, but a company edited by hand may hold anything: escape the whole.
	if needsEscape(prefix) || needsEscape(id) {
		return appendString(b, prefix+path+id+suffix)
	}
	b = append(b, '"')
	b = append(b, prefix...)
	b = append(b, path...)
	b = append(b, id...)
	b = append(b, suffix...)
	return append(b, '"')
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// appendUser appends the user object of the person at position i, with the fields in
// the order of the API notes.
func (rd *renderer) appendUser(b []byte, i int32) []byte {
	ix := rd.ix
	p := &ix.c.People[i]
	id := p.LatticeID
	b = append(b, '{')
	b = appendKey(b, "id", true)
	b = appendString(b, id)
	b = appendKey(b, "object", false)
	b = append(b, `"user"`...)
	b = appendKey(b, "url", false)
	b = appendURL(b, rd.prefix, "/v1/user/", id, "")
	b = appendKey(b, "name", false)
	b = appendNullableString(b, p.DisplayName())
	b = appendKey(b, "preferredName", false)
	b = appendNullableString(b, p.PreferredName)
	b = appendKey(b, "email", false)
	b = appendString(b, p.Email)
	b = appendKey(b, "title", false)
	b = appendNullableString(b, p.Position)
	b = appendKey(b, "status", false)
	b = appendString(b, statusNames[ix.status[i]])
	b = appendKey(b, "isAdmin", false)
	b = strconv.AppendBool(b, p.IsAdmin)
	b = appendKey(b, "externalUserId", false)
	if rd.externalIDs || !CreatedInLattice(p) {
		b = append(b, '"')
		b = strconv.AppendInt(b, int64(p.ID), 10)
		b = append(b, '"')
	} else {
		b = append(b, "null"...)
	}
	b = appendKey(b, "startDate", false)
	b = appendDate(b, p.HireDate)
	b = appendKey(b, "birthDate", false)
	b = appendDate(b, p.BirthDate)
	b = appendKey(b, "gender", false)
	b = appendString(b, latticeGender(p.Gender))
	b = appendKey(b, "timezone", false)
	b = appendNullableString(b, p.Timezone)
	b = appendKey(b, "jobFunction", false)
	b = append(b, "null"...)
	b = appendKey(b, "jobLevel", false)
	b = appendNullableString(b, ix.jobLevel[i])
	b = appendKey(b, "jobType", false)
	b = append(b, "null"...)
	b = appendKey(b, "manager", false)
	if mid := ix.mgrID[i]; mid != "" {
		b = append(b, `{"object":"user","id":`...)
		b = appendString(b, mid)
		b = appendKey(b, "url", false)
		b = appendURL(b, rd.prefix, "/v1/user/", mid, "")
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = appendKey(b, "department", false)
	if d := ix.dept[i]; d >= 0 {
		did := ix.c.Departments[d].LatticeID
		b = append(b, `{"object":"department","id":`...)
		b = appendString(b, did)
		b = appendKey(b, "url", false)
		b = appendURL(b, rd.prefix, "/v1/department/", did, "")
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	for _, l := range [...]string{"directReports", "tasks", "customAttributes"} {
		b = appendKey(b, l, false)
		b = append(b, `{"object":"list","url":`...)
		b = appendURL(b, rd.prefix, "/v1/user/", id, "/"+l)
		b = append(b, '}')
	}
	b = appendKey(b, "createdAt", false)
	b = appendUnix(b, p.CreatedAt)
	b = appendKey(b, "updatedAt", false)
	b = appendUnix(b, p.UpdatedAt)
	return append(b, '}')
}

// userResponse renders one user.
func (rd *renderer) userResponse(i int32) response {
	b := make([]byte, 0, 1024)
	b = rd.appendUser(b, i)
	return response{status: 200, body: append(b, '\n')}
}

// usersListResponse renders a page of users in the list envelope.
func (rd *renderer) usersListResponse(pg page) response {
	b := getBuffer()
	b = append(b, `{"object":"list","hasMore":`...)
	b = strconv.AppendBool(b, pg.hasMore)
	b = appendKey(b, "endingCursor", false)
	if pg.ending == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *pg.ending)
	}
	b = appendKey(b, "data", false)
	b = append(b, '[')
	for k, i := range pg.items {
		if k > 0 {
			b = append(b, ',')
		}
		b = rd.appendUser(b, i)
	}
	b = append(b, ']', '}', '\n')
	return response{status: 200, body: b, pooled: true}
}

// bufferPool recycles the bodies of user pages, which are large (about 100 KB for 100
// users) and would otherwise keep the garbage collector busy.
var bufferPool = sync.Pool{New: func() any { return new([]byte) }}

func getBuffer() []byte { return (*bufferPool.Get().(*[]byte))[:0] }

func putBuffer(b []byte) {
	if cap(b) > 1<<20 {
		return // keep the pool from pinning unusually large pages
	}
	bufferPool.Put(&b)
}
