package lattice

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// usersPageSeeds are list pages in the forms the API sends and in forms it does not, for
// the tests and fuzzers of scanListHead and decodeUsersPage.
var usersPageSeeds = []string{
	`{"object":"list","hasMore":false,"endingCursor":null,"data":[]}`,
	`{"object":"list","data":[{"id":"u1","name":"Ada Lovelace","manager":{"object":"user","id":"m","url":"/v1/user/m"}}],"hasMore":true,"endingCursor":"c1"}`,
	` { "data" : [ ] , "hasMore" : true , "endingCursor" : "c\"1\\" } `,
	`{"hasMore":true,"endingCursor":"\u00e9t\u00e9","data":[{"id":"u\n1","name":"Zo\u00eb","email":"z\u0040x"}]}`,
	`{"HASMORE":true,"EndingCursor":"c","DATA":[{"ID":"u1","Name":"x","MANAGER":{"ID":"m","Url":"/m"}}]}`,
	`{"hasMore":true,"hasMore":false,"endingCursor":"a","endingCursor":"b","data":[]}`,
	`{"has\u004dore":true,"endingCursor":"c","data":[]}`,
	`{"haſMore":true,"endingCurſor":"c","data":[]}`,
	`{"hasMore":null,"endingCursor":null,"data":null,"object":null}`,
	`{"hasMore":"true","endingCursor":"c","data":[]}`,
	`{"hasMore":true,"endingCursor":7,"data":[]}`,
	`{"hasMore":true,"endingCursor":"c","data":{}}`,
	`{"hasMore":true,"endingCursor":"c","data":[null]}`,
	`{"hasMore":true,"endingCursor":"c","data":[1]}`,
	`{"hasMore":true,"endingCursor":"c","data":[{"id":5}]}`,
	`{"hasMore":true,"endingCursor":"c","data":[{"id":"u1","id":"u2"}]}`,
	`{"hasMore":true,"endingCursor":"c","data":[{"id":"u1","createdAt":"yesterday"}]}`,
	`{"hasMore":true,"endingCursor":"c","data":[{"id":"u1","startDate":"2021-02-30"}]}`,
	`{"hasMore":true,"endingCursor":"c","data":[{"id":"u1","isAdmin":1}]}`,
	`{"hasMore":true,"endingCursor":"c","data":[{"id":"u1","manager":"m"}]}`,
	`{"data":[{"id":"u1","name":null,"status":"DEACTIVATED","birthDate":"1990-12-10T00:00:00+01:00","updatedAt":"1654125498","externalUserId":42,"jobLevel":{"name":"L3"},"jobType":[1,"a",{"name":"b"}],"jobFunction":true}]}`,
	`{"data":[{"id":"u1","createdAt":1e300}]}`,
	`{"data":[{"id":"u1","createdAt":-1.5e-3,"updatedAt":1651584000000,"startDate":"","birthDate":null}]}`,
	`{"data":[{"id":"u1","manager":{},"department":{"object":"department"},"tasks":null,"extra":{"a":[{"b":"]}"}],"c":"\"{"}}]}`,
	`{"data":[{"id":"u1","manager":{"id":"a","id":"b"}}]}`,
	`{"data":[{"id":"u1","name":"` + "\xff\xfe bad utf-8" + `"}],"endingCursor":"` + "\xc3" + `"}`,
	`{"object":"user"}`,
	`{"object":"list","object":"list"}`,
	`[]`,
	`null`,
	`"list"`,
	`{"data":[{"id":"u1"}]} `,
	`{"data":[{"id":"u1"},]}`,
	`{"data":[{"id":"u1"}`,
	`{"hasMore":tru}`,
	`{"a":"\`,
	`{"a`,
	`{`,
	``,
}

func equalPages(a, b *usersPage) bool {
	norm := func(p *usersPage) usersPage {
		q := *p
		if len(q.users) == 0 {
			q.users = nil
		}
		if len(q.raws) == 0 {
			q.raws = nil
		}
		return q
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// checkHead checks scanListHead on data against encoding/json.
func checkHead(t *testing.T, data []byte) {
	t.Helper()
	h, ok := scanListHead(data)
	if !ok || !json.Valid(data) {
		return
	}
	var env struct {
		HasMore      bool    `json:"hasMore"`
		EndingCursor *string `json:"endingCursor"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatalf("scanListHead(%q) = %+v, but encoding/json fails: %v", data, h, err)
	}
	want := listHead{more: env.HasMore}
	if env.EndingCursor != nil {
		want.cursor = *env.EndingCursor
	}
	if h != want {
		t.Fatalf("scanListHead(%q) = %+v, encoding/json reads %+v", data, h, want)
	}
}

// checkDecode checks decodeUsersPage on data against encoding/json.
func checkDecode(t *testing.T, data []byte, keepRaw bool) {
	t.Helper()
	var fast usersPage
	if !decodeUsersPage(data, keepRaw, &fast) || !json.Valid(data) {
		return
	}
	var slow usersPage
	if err := decodeUsersPageJSON(data, keepRaw, &slow); err != nil {
		t.Fatalf("decodeUsersPage(%q) succeeded, encoding/json fails: %v", data, err)
	}
	if !equalPages(&fast, &slow) {
		t.Fatalf("decodeUsersPage(%q) differs from encoding/json:\n%s", data, cmp.Diff(slow, fast, cmp.AllowUnexported(usersPage{})))
	}
}

func TestScanAndDecodeAgreeWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range usersPageSeeds {
		checkHead(t, []byte(s))
		checkDecode(t, []byte(s), false)
		checkDecode(t, []byte(s), true)
	}
}

// TestScanAndDecodeTakeTheUsualForms checks that the fast paths do not give up on the
// pages the API sends (here: the fake server's) and on JSON spelt differently but read
// the same.
func TestScanAndDecodeTakeTheUsualForms(t *testing.T) {
	t.Parallel()
	pages := [][]byte{serverPage(t, 120)}
	for _, i := range []int{1, 2, 3, 4, 8, 20, 22, 23, 25, 26, 31} {
		pages = append(pages, []byte(usersPageSeeds[i]))
	}
	for _, p := range pages {
		if _, ok := scanListHead(p); !ok {
			t.Errorf("scanListHead gives up on %.200s", p)
		}
		for _, raw := range []bool{false, true} {
			var pg usersPage
			if !decodeUsersPage(p, raw, &pg) {
				t.Errorf("decodeUsersPage (raw %t) gives up on %.200s", raw, p)
			}
			checkDecode(t, p, raw)
		}
	}
	for _, s := range []string{usersPageSeeds[5], usersPageSeeds[6], usersPageSeeds[7], usersPageSeeds[9]} {
		if h, ok := scanListHead([]byte(s)); ok {
			t.Errorf("scanListHead(%s) = %+v, want it to give up", s, h)
		}
	}
	for _, i := range []int{5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 24, 27, 28, 29, 30} {
		var pg usersPage
		if decodeUsersPage([]byte(usersPageSeeds[i]), false, &pg) {
			t.Errorf("decodeUsersPage(%s) = %+v, want it to give up", usersPageSeeds[i], pg)
		}
	}
}

// TestUsersBodyErrors checks that a page decoded through usersBody fails as one decoded
// into the envelope directly, so that the transport maps and retries the error the same
// way.
func TestUsersBodyErrors(t *testing.T) {
	t.Parallel()
	for _, s := range usersPageSeeds {
		var env envelope[wireUser]
		want := json.NewDecoder(strings.NewReader(s)).Decode(&env)
		var body usersBody
		got := json.NewDecoder(strings.NewReader(s)).Decode(&body)
		if (want == nil) != (got == nil) || (want != nil && want.Error() != got.Error()) ||
			reflect.TypeOf(want) != reflect.TypeOf(got) {
			t.Errorf("%s: usersBody error %v (%T), envelope error %v (%T)", s, got, got, want, want)
		}
		if want == nil {
			users := make([]User, len(env.Data))
			for i := range env.Data {
				users[i] = env.Data[i].user()
			}
			wantPage := usersPage{object: env.Object, more: env.HasMore, cursor: env.cursor(), users: users}
			if !equalPages(&body.page, &wantPage) {
				t.Errorf("%s: usersBody decoded\n%+v, want\n%+v", s, body.page, wantPage)
			}
		}
	}
}

// serverPage returns the JSON of a page of n users, as the fake server renders them.
func serverPage(t testing.TB, n int) []byte {
	t.Helper()
	srv := latticetest.NewServer(latticetest.WithGenerated(3, n))
	defer srv.Close()
	c, err := New(Config{APIKey: srv.APIKey, BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	if err := c.call(t.Context(), "/v1/users", map[string][]string{"limit": {"100"}, "status": {"NULL"}}, &raw); err != nil {
		t.Fatal(err)
	}
	return raw
}

func FuzzScanListHead(f *testing.F) {
	for _, s := range usersPageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkHead(t, data)
	})
}

// FuzzDecodeUsersPageFast compares decodeUsersPage with encoding/json: whatever it
// decodes, encoding/json decodes the same way, and it never panics.
func FuzzDecodeUsersPageFast(f *testing.F) {
	for _, s := range usersPageSeeds {
		f.Add([]byte(s), false)
	}
	f.Add(serverPage(f, 3), true)
	f.Fuzz(func(t *testing.T, data []byte, keepRaw bool) {
		checkDecode(t, data, keepRaw)
		// A page that only differs in white space decodes the same.
		var buf bytes.Buffer
		if json.Indent(&buf, data, "", "\t") == nil {
			checkDecode(t, buf.Bytes(), keepRaw)
		}
	})
}

// TestFieldTablesMatchTheStructs checks that the fast decoder knows every field of the
// structs encoding/json decodes into, under the same JSON name.
func TestFieldTablesMatchTheStructs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		typ    reflect.Type
		fields *fieldTable
	}{
		{reflect.TypeFor[wireUser](), userFields},
		{reflect.TypeFor[Ref](), refFields},
		{reflect.TypeFor[envelope[wireUser]](), envelopeFields},
	} {
		n := 0
		for _, names := range tt.fields {
			n += len(names)
		}
		if n != tt.typ.NumField() {
			t.Errorf("%s has %d fields, the table %d", tt.typ, tt.typ.NumField(), n)
		}
		for i := range tt.typ.NumField() {
			name, _, _ := strings.Cut(tt.typ.Field(i).Tag.Get("json"), ",")
			if f := tt.fields.lookup([]byte(name)); f < 0 {
				t.Errorf("%s.%s (%q) is not in the table", tt.typ, tt.typ.Field(i).Name, name)
			}
		}
	}
	// The user fields are grouped by type in the order readUser expects.
	wantType := func(f int) reflect.Type {
		switch {
		case f == uStatus:
			return reflect.TypeFor[UserStatus]()
		case f <= uTimezone:
			return reflect.TypeFor[string]()
		case f == uIsAdmin:
			return reflect.TypeFor[bool]()
		case f <= uJobType:
			return reflect.TypeFor[flexString]()
		case f <= uBirthDate:
			return reflect.TypeFor[wireDate]()
		case f <= uUpdatedAt:
			return reflect.TypeFor[wireTime]()
		}
		return reflect.TypeFor[*Ref]()
	}
	for i := range reflect.TypeFor[wireUser]().NumField() {
		sf := reflect.TypeFor[wireUser]().Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if f := userFields.lookup([]byte(name)); f >= 0 && sf.Type != wantType(f) {
			t.Errorf("wireUser.%s is field %d, of type %s: readUser decodes it as %s", sf.Name, f, sf.Type, wantType(f))
		}
	}
}
