package lattice

import (
	"encoding/json"
	"unicode/utf8"
)

// A page of GET /v1/users is read from the raw bytes of its body in two passes, each
// without reflection:
//
//   - scanListHead finds the page's top-level hasMore and endingCursor without decoding
//     anything else, as soon as the body is in (see readAheadTransport), so that the
//     request for the next page can start while this one is decoded;
//   - decodeUsersPage decodes the page (usersBody.UnmarshalJSON, which the transport's
//     JSON decoder calls with the body once it has checked that it is one well-formed
//     JSON value). It accepts the JSON the API sends, and any other input it can decode
//     exactly as encoding/json would; anything else (an escaped or non-ASCII object key,
//     a key given twice, a value of an unexpected type, a null user) makes it give up,
//     and the page is decoded with encoding/json, which also reports the errors.
//
// Neither panics on any input. On input that is not well-formed JSON what they report is
// unspecified: scanListHead only informs a speculative request, which the decoded page
// confirms or cancels, and decodeUsersPage only sees checked input.

// listHead is the top-level hasMore and endingCursor of a list page.
type listHead struct {
	more   bool
	cursor string // "" when null or missing
}

// usersPage is a decoded page of GET /v1/users.
type usersPage struct {
	object string
	more   bool
	cursor string // "" when null or missing
	users  []User
	raws   []json.RawMessage // with rawUsersBody only
}

// usersBody is what DoJSON decodes a page of GET /v1/users into.
type usersBody struct{ page usersPage }

func (u *usersBody) UnmarshalJSON(b []byte) error { return u.decode(b, false) }

// rawUsersBody is usersBody that also keeps each user's JSON (WithRaw).
type rawUsersBody struct{ usersBody }

func (u *rawUsersBody) UnmarshalJSON(b []byte) error { return u.decode(b, true) }

func (u *usersBody) decode(b []byte, keepRaw bool) error {
	u.page = usersPage{}
	if decodeUsersPage(b, keepRaw, &u.page) {
		return nil
	}
	u.page = usersPage{}
	return decodeUsersPageJSON(b, keepRaw, &u.page)
}

// decodeUsersPageJSON decodes a page with encoding/json.
func decodeUsersPageJSON(b []byte, keepRaw bool, pg *usersPage) error {
	if keepRaw {
		var env envelope[rawUser]
		if err := json.Unmarshal(b, &env); err != nil {
			return err
		}
		pg.object, pg.more, pg.cursor = env.Object, env.HasMore, env.cursor()
		pg.users = make([]User, len(env.Data))
		pg.raws = make([]json.RawMessage, len(env.Data))
		for i := range env.Data {
			pg.users[i], pg.raws[i] = env.Data[i].user(), env.Data[i].raw
		}
		return nil
	}
	var env envelope[wireUser]
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	pg.object, pg.more, pg.cursor = env.Object, env.HasMore, env.cursor()
	pg.users = make([]User, len(env.Data))
	for i := range env.Data {
		pg.users[i] = env.Data[i].user()
	}
	return nil
}

// scanListHead returns the top-level hasMore and endingCursor of the list page b, skipping
// every other value (data above all) without decoding it. ok is false when b is not one
// object, or when scanListHead cannot be sure to read them as encoding/json does: a
// top-level key escaped or not ASCII, hasMore or endingCursor given twice or with a value
// of another type. Keys match as for encoding/json, exactly or else ignoring ASCII case.
func scanListHead(b []byte) (h listHead, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return h, false
	}
	end, ok := readMembers(b, i, envelopeFields, 1<<envMore|1<<envCursor, func(f, j int) (int, bool) {
		switch f {
		case envMore:
			return readBool(b, j, &h.more)
		case envCursor:
			return readNullableString(b, j, &h.cursor)
		}
		j = valueEnd(b, j)
		return j, j >= 0
	})
	return h, ok && skipSpace(b, end) == len(b)
}

// decodeUsersPage decodes the list page b into pg, as json.Unmarshal into an
// envelope[wireUser] (envelope[rawUser] with keepRaw) followed by wireUser.user would. It
// returns false, leaving pg partly set, when it cannot decode b exactly so (see the top of
// this file).
func decodeUsersPage(b []byte, keepRaw bool, pg *usersPage) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	end, ok := readMembers(b, i, envelopeFields, allFields, func(f, j int) (int, bool) {
		switch f {
		case envObject:
			return readString(b, j, &pg.object)
		case envMore:
			return readBool(b, j, &pg.more)
		case envCursor:
			return readNullableString(b, j, &pg.cursor)
		}
		return readUsers(b, j, keepRaw, pg)
	})
	return ok && skipSpace(b, end) == len(b)
}

// readUsers decodes the data array that starts at b[i], or null.
func readUsers(b []byte, i int, keepRaw bool, pg *usersPage) (int, bool) {
	if b[i] == 'n' {
		return readNull(b, i)
	}
	if b[i] != '[' {
		return -1, false
	}
	// Room for the users the rest of the body can hold at 512 bytes each (a Lattice user
	// takes about 1 KB), up to a page.
	n := min(MaxPageSize, (len(b)-i)/512+1)
	pg.users = make([]User, 0, n)
	if keepRaw {
		pg.raws = make([]json.RawMessage, 0, n)
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '{' {
			return -1, false // null users and values of other types are left to encoding/json
		}
		var w wireUser
		end, ok := readUser(b, i, &w)
		if !ok {
			return -1, false
		}
		pg.users = append(pg.users, w.user())
		if keepRaw {
			pg.raws = append(pg.raws, append(json.RawMessage(nil), b[i:end]...))
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return -1, false
		}
		switch b[i] {
		case ']':
			return i + 1, true
		case ',':
			i = skipSpace(b, i+1)
		default:
			return -1, false
		}
	}
}

// The fields of wireUser, in the order of userFields.
const (
	uID = iota
	uObject
	uURL
	uName
	uPreferredName
	uEmail
	uTitle
	uStatus
	uGender
	uTimezone
	uIsAdmin
	uExternalUserID
	uJobFunction
	uJobLevel
	uJobType
	uStartDate
	uBirthDate
	uCreatedAt
	uUpdatedAt
	uManager
	uDepartment
	uDirectReports
	uTasks
	uCustomAttributes
)

// userFields are the JSON names of wireUser's fields.
var userFields = newFieldTable("id", "object", "url", "name", "preferredName", "email", "title", "status",
	"gender", "timezone", "isAdmin", "externalUserId", "jobFunction", "jobLevel", "jobType", "startDate",
	"birthDate", "createdAt", "updatedAt", "manager", "department", "directReports", "tasks", "customAttributes")

// The fields of envelope, in the order of envelopeFields.
const (
	envObject = iota
	envMore
	envCursor
	envData
)

var envelopeFields = newFieldTable("object", "hasMore", "endingCursor", "data")

// The fields of Ref, in the order of refFields.
const (
	refObject = iota
	refID
	refURL
)

var refFields = newFieldTable("object", "id", "url")

// readUser decodes the user object that starts at b[i] == '{' into w.
func readUser(b []byte, i int, w *wireUser) (int, bool) {
	var refs *[uCustomAttributes - uManager + 1]Ref // the user's references, allocated together
	return readMembers(b, i, userFields, allFields, func(f, j int) (int, bool) {
		switch {
		case f <= uTimezone:
			return readString(b, j, w.stringField(f))
		case f == uIsAdmin:
			return readBool(b, j, &w.IsAdmin)
		// Fields of types with an UnmarshalJSON method get the bytes of their value, as
		// encoding/json hands them over.
		case f <= uJobType:
			end := valueEnd(b, j)
			return end, end >= 0 && w.flexField(f).UnmarshalJSON(b[j:end]) == nil
		case f <= uBirthDate:
			end := valueEnd(b, j)
			return end, end >= 0 && w.dateField(f).UnmarshalJSON(b[j:end]) == nil
		case f <= uUpdatedAt:
			end := valueEnd(b, j)
			return end, end >= 0 && w.timeField(f).UnmarshalJSON(b[j:end]) == nil
		}
		switch b[j] {
		case 'n':
			return readNull(b, j) // the reference stays nil
		case '{':
			if refs == nil {
				refs = new([uCustomAttributes - uManager + 1]Ref)
			}
			r := &refs[f-uManager]
			j, ok := readRef(b, j, r)
			if ok {
				*w.refField(f) = r
			}
			return j, ok
		}
		return -1, false
	})
}

// stringField, flexField, dateField, timeField and refField return the field of w whose
// index (a uXxx constant) is f.
func (w *wireUser) stringField(f int) *string {
	switch f {
	case uID:
		return &w.ID
	case uObject:
		return &w.Object
	case uURL:
		return &w.URL
	case uName:
		return &w.Name
	case uPreferredName:
		return &w.PreferredName
	case uEmail:
		return &w.Email
	case uTitle:
		return &w.Title
	case uStatus:
		return (*string)(&w.Status)
	case uGender:
		return &w.Gender
	}
	return &w.Timezone
}

func (w *wireUser) flexField(f int) *flexString {
	switch f {
	case uExternalUserID:
		return &w.ExternalUserID
	case uJobFunction:
		return &w.JobFunction
	case uJobLevel:
		return &w.JobLevel
	}
	return &w.JobType
}

func (w *wireUser) dateField(f int) *wireDate {
	if f == uStartDate {
		return &w.StartDate
	}
	return &w.BirthDate
}

func (w *wireUser) timeField(f int) *wireTime {
	if f == uCreatedAt {
		return &w.CreatedAt
	}
	return &w.UpdatedAt
}

func (w *wireUser) refField(f int) **Ref {
	switch f {
	case uManager:
		return &w.Manager
	case uDepartment:
		return &w.Department
	case uDirectReports:
		return &w.DirectReports
	case uTasks:
		return &w.Tasks
	}
	return &w.CustomAttributes
}

// readRef decodes the reference object that starts at b[i] == '{' into r.
func readRef(b []byte, i int, r *Ref) (int, bool) {
	return readMembers(b, i, refFields, allFields, func(f, j int) (int, bool) {
		switch f {
		case refObject:
			return readString(b, j, &r.Object)
		case refID:
			return readString(b, j, &r.ID)
		}
		return readString(b, j, &r.URL)
	})
}

// allFields asks readMembers to refuse every field of its table given twice.
const allFields = ^uint32(0)

// readMembers reads the members of the object that starts at b[i] == '{' and returns the
// index just past it. The value of a key of t is read by field, with the key's index in
// t and the start of the value, and returns the end of the value; the value of any other
// key is skipped. It fails when a member or field fails, or when a key of t whose bit is
// set in once is given twice (encoding/json would keep the last, which a one-pass read
// cannot promise).
func readMembers(b []byte, i int, t *fieldTable, once uint32, field func(f, j int) (int, bool)) (int, bool) {
	var seen uint32
	i++
	for first := true; ; first = false {
		key, j, done, ok := member(b, i, first)
		if !ok {
			return -1, false
		}
		if done {
			return j, true
		}
		f := t.lookup(key)
		if f < 0 {
			j = valueEnd(b, j)
			ok = j >= 0
		} else {
			if bit := uint32(1) << f; once&bit != 0 {
				if seen&bit != 0 {
					return -1, false
				}
				seen |= bit
			}
			j, ok = field(f, j)
		}
		if !ok {
			return -1, false
		}
		i = j
	}
}

// readString decodes the string or null that starts at b[i] into *dst, as encoding/json
// decodes into a string: null leaves *dst as it is.
func readString(b []byte, i int, dst *string) (int, bool) {
	switch b[i] {
	case '"':
		end, flags := scanString(b, i)
		if end < 0 {
			return -1, false
		}
		s, ok := stringValue(b[i:end], flags)
		if !ok {
			return -1, false
		}
		*dst = s
		return end, true
	case 'n':
		return readNull(b, i)
	}
	return -1, false
}

// readNullableString decodes the string or null that starts at b[i] into *dst, as
// encoding/json decodes into a *string read back with "" for nil.
func readNullableString(b []byte, i int, dst *string) (int, bool) {
	if b[i] == 'n' {
		*dst = ""
		return readNull(b, i)
	}
	return readString(b, i, dst)
}

// readBool decodes the true, false or null that starts at b[i] into *dst; null leaves
// *dst as it is.
func readBool(b []byte, i int, dst *bool) (int, bool) {
	switch {
	case hasLiteral(b, i, "true"):
		*dst = true
		return i + 4, true
	case hasLiteral(b, i, "false"):
		*dst = false
		return i + 5, true
	}
	return readNull(b, i)
}

func readNull(b []byte, i int) (int, bool) {
	if hasLiteral(b, i, "null") {
		return i + 4, true
	}
	return -1, false
}

func hasLiteral(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// member reads the next member of an object. i is just after the object's '{' when first
// is set, else just after the previous member's value. It returns the member's key (the
// bytes between its quotes) and the index of its value, or done and the index after the
// object's '}'. ok is false when the input is malformed, or the key holds an escape or a
// byte that is not ASCII: encoding/json would unescape and fold it, which member does not.
func member(b []byte, i int, first bool) (key []byte, j int, done, ok bool) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return nil, -1, false, false
	}
	if b[i] == '}' {
		return nil, i + 1, true, true
	}
	if !first {
		if b[i] != ',' {
			return nil, -1, false, false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return nil, -1, false, false
		}
	}
	if b[i] != '"' {
		return nil, -1, false, false
	}
	end, flags := scanString(b, i)
	if end < 0 || flags != 0 {
		return nil, -1, false, false
	}
	key = b[i+1 : end-1]
	i = skipSpace(b, end)
	if i >= len(b) || b[i] != ':' {
		return nil, -1, false, false
	}
	i = skipSpace(b, i+1)
	if i >= len(b) {
		return nil, -1, false, false
	}
	return key, i, false, true
}

// fieldTable finds struct fields by JSON key as encoding/json does for ASCII keys: the
// exact name, or else the name ignoring ASCII case. Names are grouped by length, which
// case folding keeps.
type fieldTable [maxFieldName + 1][]fieldName

type fieldName struct {
	name  string
	index int
}

// maxFieldName bounds the length of the names of a fieldTable.
const maxFieldName = 32

func newFieldTable(names ...string) *fieldTable {
	var t fieldTable
	for i, n := range names {
		if len(n) > maxFieldName {
			panic("lattice: field name too long: " + n)
		}
		t[len(n)] = append(t[len(n)], fieldName{n, i})
	}
	return &t
}

// lookup returns the index of the field key names, or -1.
func (t *fieldTable) lookup(key []byte) int {
	if len(key) > maxFieldName {
		return -1
	}
	names := t[len(key)]
	for _, n := range names {
		if string(key) == n.name {
			return n.index
		}
	}
	for _, n := range names {
		if equalFoldASCII(key, n.name) {
			return n.index
		}
	}
	return -1
}

// equalFoldASCII reports whether key and name, of the same length, are equal ignoring the
// case of ASCII letters.
func equalFoldASCII(key []byte, name string) bool {
	for i, c := range key {
		d := name[i]
		if c == d {
			continue
		}
		if lc := c | 0x20; lc != d|0x20 || lc < 'a' || lc > 'z' {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// What a string literal holds, as scanString reports it.
const (
	strEscaped  = 1 << iota // a backslash escape
	strNonASCII             // bytes of 0x80 and above
)

// strClass classifies the bytes of a string literal: 0 for the plain ones.
var strClass = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = 1 // control characters are not allowed
	}
	t['"'], t['\\'] = 2, 3
	for c := 0x80; c < 0x100; c++ {
		t[c] = 4
	}
	return t
}()

// scanString returns the index after the string literal that starts at b[i] == '"' and
// what it holds (strEscaped, strNonASCII), or -1 when the literal does not end or holds
// a control character.
func scanString(b []byte, i int) (int, int) {
	flags := 0
	j := i + 1
	for {
		for j < len(b) && strClass[b[j]] == 0 {
			j++
		}
		if j >= len(b) {
			return -1, 0
		}
		switch strClass[b[j]] {
		case 1:
			return -1, 0
		case 2:
			return j + 1, flags
		case 3:
			flags |= strEscaped
			j += 2 // the escaped byte cannot end the literal
		default:
			flags |= strNonASCII
			j++
		}
	}
}

// stringValue returns the string the literal lit (quotes included) holds, as
// encoding/json decodes it: escapes resolved and invalid UTF-8 replaced by U+FFFD. Plain
// literals are copied out directly, common values without an allocation.
func stringValue(lit []byte, flags int) (string, bool) {
	s := lit[1 : len(lit)-1]
	if flags&strEscaped == 0 && (flags&strNonASCII == 0 || utf8.Valid(s)) {
		return intern(s), true
	}
	var v string
	if json.Unmarshal(lit, &v) != nil {
		return "", false
	}
	return v, true
}

// intern returns s as a string, without allocating for the values many users share.
func intern(s []byte) string {
	switch string(s) {
	case "user":
		return "user"
	case "list":
		return "list"
	case "department":
		return "department"
	case "ACTIVE":
		return "ACTIVE"
	case "INVITED":
		return "INVITED"
	case "CREATED":
		return "CREATED"
	case "DEACTIVATED":
		return "DEACTIVATED"
	case "Female":
		return "Female"
	case "Male":
		return "Male"
	case "NonBinary":
		return "NonBinary"
	case "NotSet":
		return "NotSet"
	}
	return string(s)
}

// valueEnd returns the index after the JSON value that starts at b[i], or -1 when none
// does. It checks strings and literals, and that brackets balance; not the commas and
// colons inside objects and arrays.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := scanString(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	case 't':
		if hasLiteral(b, i, "true") {
			return i + 4
		}
	case 'f':
		if hasLiteral(b, i, "false") {
			return i + 5
		}
	case 'n':
		if hasLiteral(b, i, "null") {
			return i + 4
		}
	default:
		return numberEnd(b, i)
	}
	return -1
}

// numberEnd returns the index after the JSON number that starts at b[i], or -1.
func numberEnd(b []byte, i int) int {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		j = digitsEnd(b, j)
	default:
		return -1
	}
	if j < len(b) && b[j] == '.' {
		k := digitsEnd(b, j+1)
		if k == j+1 {
			return -1
		}
		j = k
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := digitsEnd(b, j)
		if k == j {
			return -1
		}
		j = k
	}
	return j
}

func digitsEnd(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
