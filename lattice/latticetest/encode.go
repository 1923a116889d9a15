package latticetest

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/internal/jsonw"
)

// Users are the hot path (a page of 100 of them out of 100,000 must render in well under
// a millisecond), so they are appended to a byte slice field by field with package jsonw
// instead of going through encoding/json. The output is the same JSON encoding/json would
// write for the equivalent struct with HTML escaping off.

// appendUnix appends t as Unix seconds, or null for the zero time.
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
		return jsonw.AppendString(b, prefix+path+id+suffix)
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
	b = jsonw.AppendKey(b, "id")
	b = jsonw.AppendString(b, id)
	b = jsonw.AppendNextKey(b, "object")
	b = append(b, `"user"`...)
	b = jsonw.AppendNextKey(b, "url")
	b = appendURL(b, rd.prefix, "/v1/user/", id, "")
	b = jsonw.AppendNextKey(b, "name")
	b = jsonw.AppendStringOrNull(b, p.DisplayName())
	b = jsonw.AppendNextKey(b, "preferredName")
	b = jsonw.AppendStringOrNull(b, p.PreferredName)
	b = jsonw.AppendNextKey(b, "email")
	b = jsonw.AppendString(b, p.Email)
	b = jsonw.AppendNextKey(b, "title")
	b = jsonw.AppendStringOrNull(b, p.Position)
	b = jsonw.AppendNextKey(b, "status")
	b = jsonw.AppendString(b, statusNames[ix.status[i]])
	b = jsonw.AppendNextKey(b, "isAdmin")
	b = strconv.AppendBool(b, p.IsAdmin)
	b = jsonw.AppendNextKey(b, "externalUserId")
	if rd.externalIDs || !CreatedInLattice(p) {
		b = jsonw.AppendInt(b, p.ID, true)
	} else {
		b = append(b, "null"...)
	}
	b = jsonw.AppendNextKey(b, "startDate")
	b = jsonw.AppendDate(b, p.HireDate)
	b = jsonw.AppendNextKey(b, "birthDate")
	b = jsonw.AppendDate(b, p.BirthDate)
	b = jsonw.AppendNextKey(b, "gender")
	b = jsonw.AppendString(b, latticeGender(p.Gender))
	b = jsonw.AppendNextKey(b, "timezone")
	b = jsonw.AppendStringOrNull(b, p.Timezone)
	b = jsonw.AppendNextKey(b, "jobFunction")
	b = append(b, "null"...)
	b = jsonw.AppendNextKey(b, "jobLevel")
	b = jsonw.AppendStringOrNull(b, ix.jobLevel[i])
	b = jsonw.AppendNextKey(b, "jobType")
	b = append(b, "null"...)
	b = jsonw.AppendNextKey(b, "manager")
	if mid := ix.mgrID[i]; mid != "" {
		b = append(b, `{"object":"user","id":`...)
		b = jsonw.AppendString(b, mid)
		b = jsonw.AppendNextKey(b, "url")
		b = appendURL(b, rd.prefix, "/v1/user/", mid, "")
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = jsonw.AppendNextKey(b, "department")
	if d := ix.dept[i]; d >= 0 {
		did := ix.c.Departments[d].LatticeID
		b = append(b, `{"object":"department","id":`...)
		b = jsonw.AppendString(b, did)
		b = jsonw.AppendNextKey(b, "url")
		b = appendURL(b, rd.prefix, "/v1/department/", did, "")
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	for _, l := range [...]string{"directReports", "tasks", "customAttributes"} {
		b = jsonw.AppendNextKey(b, l)
		b = append(b, `{"object":"list","url":`...)
		b = appendURL(b, rd.prefix, "/v1/user/", id, "/"+l)
		b = append(b, '}')
	}
	b = jsonw.AppendNextKey(b, "createdAt")
	b = appendUnix(b, p.CreatedAt)
	b = jsonw.AppendNextKey(b, "updatedAt")
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
	b = jsonw.AppendNextKey(b, "endingCursor")
	if pg.ending == nil {
		b = append(b, "null"...)
	} else {
		b = jsonw.AppendString(b, *pg.ending)
	}
	b = jsonw.AppendNextKey(b, "data")
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
