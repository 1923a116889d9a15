package latticetest_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

type scimUser struct {
	ID         string  `json:"id"`
	ExternalID *string `json:"externalId"`
	UserName   string  `json:"userName"`
	Active     bool    `json:"active"`
	Emails     []struct {
		Value   string `json:"value"`
		Primary bool   `json:"primary"`
	} `json:"emails"`
	Meta struct {
		Location string `json:"location"`
	} `json:"meta"`
}

type scimList struct {
	Schemas      []string   `json:"schemas"`
	TotalResults int        `json:"totalResults"`
	ItemsPerPage int        `json:"itemsPerPage"`
	StartIndex   int        `json:"startIndex"`
	Resources    []scimUser `json:"Resources"`
}

type scimErr struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType"`
	Detail   string   `json:"detail"`
}

func TestSCIMList(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(12, 150), latticetest.WithSCIM())
	c := srv.Company()
	p := &c.People[17]
	tests := []struct {
		query string
		want  []string // ids
		total int
		start int
	}{
		{"filter=" + url.QueryEscape(`userName eq "`+p.Email+`"`), []string{p.LatticeID}, 1, 1},
		{"filter=" + url.QueryEscape(`userName eq "`+strings.ToUpper(p.Email)+`"`), []string{p.LatticeID}, 1, 1},
		{"filter=" + url.QueryEscape(`emails eq "`+p.Email+`"`), []string{p.LatticeID}, 1, 1},
		{"filter=" + url.QueryEscape(`emails.value Eq "`+p.Email+`"`), []string{p.LatticeID}, 1, 1},
		{"filter=" + url.QueryEscape(`externalId eq "`+strconv.Itoa(p.ID)+`"`), []string{p.LatticeID}, 1, 1},
		{"filter=" + url.QueryEscape(`userName eq "nobody@example.com"`), nil, 0, 1},
		{"startIndex=11&count=5", latticeIDs(c)[10:15], 150, 11},
		{"count=0", nil, 150, 1},
		{"startIndex=0&count=2", latticeIDs(c)[:2], 150, 1},
		{"startIndex=149&count=10", latticeIDs(c)[148:], 150, 149},
		{"startIndex=500", nil, 150, 500},
		{"", latticeIDs(c)[:100], 150, 1},
		{"count=1000", latticeIDs(c)[:100], 150, 1},
	}
	for _, tt := range tests {
		r := get(t, srv, "/scim/v2/Users?"+tt.query)
		if r.status != 200 {
			t.Errorf("%s: %d %s", tt.query, r.status, r.body)
			continue
		}
		if ct := r.header.Get("Content-Type"); ct != "application/scim+json" {
			t.Errorf("Content-Type %q", ct)
		}
		var l scimList
		r.decode(t, &l)
		var ids []string
		for _, u := range l.Resources {
			ids = append(ids, u.ID)
		}
		if diff := cmp.Diff(tt.want, ids, cmpEmpty); diff != "" {
			t.Errorf("%s: resources (-want +got):\n%s", tt.query, diff)
		}
		if l.TotalResults != tt.total || l.ItemsPerPage != len(tt.want) || l.StartIndex != tt.start ||
			!slices.Equal(l.Schemas, []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"}) {
			t.Errorf("%s: total=%d perPage=%d start=%d schemas=%v", tt.query, l.TotalResults, l.ItemsPerPage, l.StartIndex, l.Schemas)
		}
	}
	for _, bad := range []string{
		"filter=" + url.QueryEscape(`title eq "x"`),
		"filter=" + url.QueryEscape(`userName co "x"`),
		"filter=" + url.QueryEscape(`userName eq x`),
		"filter=nonsense",
		"count=abc",
		"startIndex=x",
	} {
		r := get(t, srv, "/scim/v2/Users?"+bad)
		var e scimErr
		r.decode(t, &e)
		if r.status != 400 || e.Status != "400" || e.Detail == "" || e.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestSCIMGetAndAuth(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithSCIM())
	c := srv.Company()
	p := &c.People[2]
	var u scimUser
	r := get(t, srv, "/scim/v2/Users/"+p.LatticeID)
	r.decode(t, &u)
	if r.status != 200 || u.ID != p.LatticeID || u.UserName != p.Email || len(u.Emails) != 1 || !u.Emails[0].Primary ||
		u.Meta.Location != srv.URL+"/scim/v2/Users/"+p.LatticeID || u.Active != (p.LatticeStatus() != "DEACTIVATED") {
		t.Errorf("GET user: %d %s", r.status, r.body)
	}
	// "/scim/V2" as some clients spell it.
	if r := get(t, srv, "/scim/V2/Users/"+p.LatticeID); r.status != 200 {
		t.Errorf("/scim/V2: %d", r.status)
	}
	tests := []struct {
		method, key, path string
		want              int
	}{
		{"GET", srv.APIKey, "/scim/v2/Users/nope", 404},
		{"GET", srv.APIKey, "/scim/v2/Groups", 404},
		{"GET", "", "/scim/v2/Users", 401},
		{"GET", "bad", "/scim/v2/Users", 401},
		{"POST", srv.APIKey, "/scim/v2/Users", 405},
		{"DELETE", srv.APIKey, "/scim/v2/Users/" + p.LatticeID, 405},
	}
	for _, tt := range tests {
		r := do(t, srv, tt.method, tt.key, tt.path, nil)
		var e scimErr
		r.decode(t, &e)
		if r.status != tt.want || e.Status != strconv.Itoa(tt.want) {
			t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, r.status, r.body, tt.want)
		}
	}
}

func TestSCIMDeactivate(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(13, 80), latticetest.WithSCIM())
	c := srv.Company()
	var target *fakecompany.Person
	for i := range c.People {
		if c.People[i].LatticeStatus() == "ACTIVE" && c.People[i].SupervisorID != 0 {
			target = &c.People[i]
			break
		}
	}
	patch := func(body string) reply {
		return do(t, srv, http.MethodPatch, srv.APIKey, "/scim/v2/Users/"+target.LatticeID, strings.NewReader(body))
	}
	const deactivate = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`
	r := patch(deactivate)
	var u scimUser
	r.decode(t, &u)
	if r.status != 200 || u.Active {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	var rest user
	get(t, srv, "/v1/user/"+target.LatticeID).decode(t, &rest)
	if rest.Status != "DEACTIVATED" || rest.Manager == nil {
		t.Errorf("REST status after SCIM deactivation = %s (manager %v), want DEACTIVATED with the manager kept", rest.Status, rest.Manager)
	}
	if ids := listAll(t, srv, "/v1/users?limit=100", 5).ids; slices.Contains(ids, target.LatticeID) {
		t.Error("the deactivated user is still in the default (ACTIVE) listing")
	}
	if ids := listAll(t, srv, "/v1/users?limit=100&status=DEACTIVATED", 5).ids; !slices.Contains(ids, target.LatticeID) {
		t.Error("the deactivated user is not in the DEACTIVATED listing")
	}
	if p := srv.Company().Person(target.ID); p.Status != unified.StatusInactive {
		t.Errorf("company status %s, want inactive", p.Status)
	}
	// Idempotent, and the Okta form (no path, object value, string boolean) reactivates.
	if r := patch(deactivate); r.status != 200 {
		t.Errorf("second PATCH: %d", r.status)
	}
	r = patch(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","value":{"active":"True"}}]}`)
	r.decode(t, &u)
	if r.status != 200 || !u.Active {
		t.Errorf("reactivation: %d %s", r.status, r.body)
	}
	for _, bad := range []string{
		`not json`,
		`{"Operations":[{"op":"replace","path":"active","value":false}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"active","value":false}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":"maybe"}]}`,
	} {
		if r := patch(bad); r.status != 400 {
			t.Errorf("PATCH %s: %d, want 400", bad, r.status)
		}
	}
	if r := do(t, srv, http.MethodPatch, srv.APIKey, "/scim/v2/Users/nope", strings.NewReader(deactivate)); r.status != 404 {
		t.Errorf("PATCH unknown user: %d", r.status)
	}
}
