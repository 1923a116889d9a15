package latticetest_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAuth(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	tests := []struct {
		name   string
		header string // Authorization; "-" for none
		want   int
	}{
		{"missing", "-", 401},
		{"empty bearer", "Bearer ", 401},
		{"wrong scheme", "Basic " + srv.APIKey, 401},
		{"unknown key", "Bearer not-a-key", 401},
		{"valid", "Bearer " + srv.APIKey, 200},
		{"scheme case-insensitive", "bearer " + srv.APIKey, 200},
		{"restricted key on users", "Bearer " + srv.RestrictedKey(), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := must(http.NewRequest(http.MethodGet, srv.URL+"/v1/users", nil))
			if tt.header != "-" {
				req.Header.Set("Authorization", tt.header)
			}
			resp := must(srv.Client().Do(req))
			defer resp.Body.Close()
			r := reply{status: resp.StatusCode}
			r.body = must(ioReadAll(resp))
			if r.status != tt.want {
				t.Fatalf("status %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == 401 {
				r.errorMessage(t)
				if strings.Contains(string(r.body), srv.APIKey) {
					t.Errorf("401 body reveals the key: %s", r.body)
				}
			}
		})
	}
}

func TestRestrictedKey(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	c := srv.Company()
	someone := c.People[len(c.People)-1].LatticeID
	dept := c.Departments[1].LatticeID
	key := srv.RestrictedKey()
	if key == srv.APIKey || key == "" {
		t.Fatalf("RestrictedKey() = %q", key)
	}
	tests := []struct {
		path string
		want int
	}{
		{"/v1/departments", 403},
		{"/v1/department/" + dept, 403},
		{"/v1/user/" + someone + "/customAttributes", 403},
		{"/v1/users", 200},
		{"/v1/user/" + someone, 200},
		{"/v1/user/" + someone + "/directReports", 200},
		{"/v1/me", 200},
		{"/v1/nope", 404}, // unknown routes stay 404
	}
	for _, tt := range tests {
		r := do(t, srv, http.MethodGet, key, tt.path, nil)
		if r.status != tt.want {
			t.Errorf("GET %s with the restricted key: %d, want %d (%s)", tt.path, r.status, tt.want, r.body)
		}
		if r.status >= 400 {
			r.errorMessage(t)
		}
	}
	// The restricted key belongs to someone who is not an admin.
	var me user
	do(t, srv, http.MethodGet, key, "/v1/me", nil).decode(t, &me)
	if me.IsAdmin || me.Status != "ACTIVE" || me.ID == srv.MeID() {
		t.Errorf("restricted key's user: admin=%v status=%s id=%s (default me %s)", me.IsAdmin, me.Status, me.ID, srv.MeID())
	}
}

func TestAddKey(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	c := srv.Company()
	target := c.People[3].LatticeID
	srv.AddKey("k-target", latticetest.Key{MeID: target, Forbidden: []string{"/v1/users"}})
	srv.AddKey("k-default", latticetest.Key{})
	srv.AddKey("k-gone", latticetest.Key{MeID: "no-such-user"})

	var me user
	do(t, srv, http.MethodGet, "k-target", "/v1/me", nil).decode(t, &me)
	if me.ID != target {
		t.Errorf("me of k-target = %s, want %s", me.ID, target)
	}
	if r := do(t, srv, http.MethodGet, "k-target", "/v1/users", nil); r.status != 403 {
		t.Errorf("k-target on /v1/users: %d, want 403", r.status)
	}
	if r := do(t, srv, http.MethodGet, "k-target", "/v1/user/"+target, nil); r.status != 200 {
		t.Errorf("k-target on /v1/user/{id}: %d, want 200 (forbidden entries match whole segments)", r.status)
	}
	do(t, srv, http.MethodGet, "k-default", "/v1/me", nil).decode(t, &me)
	if me.ID != srv.MeID() {
		t.Errorf("me of a key without MeID = %s, want the default %s", me.ID, srv.MeID())
	}
	if r := do(t, srv, http.MethodGet, "k-gone", "/v1/me", nil); r.status != 404 {
		t.Errorf("me of a key whose user does not exist: %d, want 404", r.status)
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(3, 200))
	var me user
	r := get(t, srv, "/v1/me")
	r.decode(t, &me)
	if r.status != 200 || me.ID != srv.MeID() || me.Object != "user" {
		t.Fatalf("GET /v1/me: %d id=%s object=%s, want id %s", r.status, me.ID, me.Object, srv.MeID())
	}
	if !me.IsAdmin || me.Status != "ACTIVE" {
		t.Errorf("default key's user: admin=%v status=%s, want an active admin", me.IsAdmin, me.Status)
	}
	var byID user
	get(t, srv, "/v1/user/"+me.ID).decode(t, &byID)
	if diff := cmp.Diff(byID, me); diff != "" {
		t.Errorf("/v1/me differs from /v1/user/{id} (-user +me):\n%s", diff)
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	c := srv.Company()
	u := c.People[0].LatticeID
	d := c.Departments[0].LatticeID
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/v1/me", 200},
		{"GET", "/v1/users", 200},
		{"GET", "/v1/user/" + u, 200},
		{"GET", "/v1/user/" + u + "/directReports", 200},
		{"GET", "/v1/user/" + u + "/customAttributes", 200},
		{"GET", "/v1/departments", 200},
		{"GET", "/v1/department/" + d, 200},
		// Plural item paths do not exist in Lattice.
		{"GET", "/v1/users/" + u, 404},
		{"GET", "/v1/departments/" + d, 404},
		{"GET", "/v1/users/", 404},
		{"GET", "/v1/user/", 404},
		{"GET", "/v1/user/" + u + "/tasks", 200},
		{"GET", "/v1/user/" + u + "/goals", 404},
		{"GET", "/v1/user/00000000-0000-4000-8000-000000000000/tasks", 404},
		{"GET", "/v1/people", 404},
		{"GET", "/users", 404},
		{"GET", "/", 404},
		{"GET", "/scim/v2/Users", 404}, // SCIM is off by default
		// Unknown ids.
		{"GET", "/v1/user/00000000-0000-4000-8000-000000000000", 404},
		{"GET", "/v1/user/00000000-0000-4000-8000-000000000000/directReports", 404},
		{"GET", "/v1/user/00000000-0000-4000-8000-000000000000/customAttributes", 404},
		{"GET", "/v1/department/" + u, 404},
		// Other methods.
		{"POST", "/v1/users", 405},
		{"DELETE", "/v1/user/" + u, 405},
		{"PUT", "/v1/department/" + d, 405},
		{"HEAD", "/v1/me", 405},
		{"POST", "/v1/nope", 404},
	}
	for _, tt := range tests {
		r := do(t, srv, tt.method, srv.APIKey, tt.path, nil)
		if r.status != tt.want {
			t.Errorf("%s %s: %d, want %d (%s)", tt.method, tt.path, r.status, tt.want, r.body)
			continue
		}
		if tt.want >= 400 && tt.method != "HEAD" {
			r.errorMessage(t)
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s %s: Content-Type %q", tt.method, tt.path, ct)
			}
		}
		if tt.want == 405 && r.header.Get("Allow") != "GET" {
			t.Errorf("%s %s: Allow %q, want GET", tt.method, tt.path, r.header.Get("Allow"))
		}
	}
}

func TestTasksIsAnEmptyList(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	l := get(t, srv, "/v1/user/"+srv.MeID()+"/tasks").list(t)
	if len(l.Data) != 0 || *l.HasMore || l.EndingCursor != nil {
		t.Errorf("tasks: %+v", l)
	}
}

func TestParametersOfOtherEndpointsIgnoreStatus(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	if r := get(t, srv, "/v1/departments?status=whatever"); r.status != 200 {
		t.Errorf("departments with a status parameter: %d", r.status)
	}
	if r := get(t, srv, "/v1/user/"+srv.MeID()+"/directReports?status=whatever"); r.status != 400 {
		t.Errorf("direct reports with an invalid status: %d, want 400", r.status)
	}
}

func TestPrintingRevealsNoKey(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, srv)
		if strings.Contains(out, srv.APIKey) || strings.Contains(out, srv.RestrictedKey()) || !strings.Contains(out, srv.URL) {
			t.Errorf("%s of the server = %q", verb, out)
		}
	}
}

func TestListEnvelopeAndLimit(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(5, 400))
	active := latticeIDs(srv.Company(), "ACTIVE")
	if len(active) < 200 {
		t.Fatalf("only %d active users; the test needs more than 200", len(active))
	}
	tests := []struct {
		query string
		want  int // page size
	}{
		{"", 10}, // Lattice's default
		{"?limit=1", 1},
		{"?limit=37", 37},
		{"?limit=100", 100},
		{"?limit=101", 100}, // clamped to the maximum
		{"?limit=100000", 100},
		{"?limit=+5", 5},
	}
	for _, tt := range tests {
		l := get(t, srv, "/v1/users"+tt.query).list(t)
		if diff := cmp.Diff(active[:tt.want], l.ids(t)); diff != "" {
			t.Errorf("GET /v1/users%s: items differ (-want +got):\n%s", tt.query, diff)
		}
		if !*l.HasMore || l.EndingCursor == nil || *l.EndingCursor != active[tt.want-1] {
			t.Errorf("GET /v1/users%s: hasMore=%v endingCursor=%v, want true and the last item's id", tt.query, *l.HasMore, l.EndingCursor)
		}
	}
	for _, bad := range []string{"0", "-1", "abc", "", "1.5", "10abc"} {
		r := get(t, srv, "/v1/users?limit="+url.QueryEscape(bad))
		if r.status != 400 {
			t.Errorf("limit=%q: status %d, want 400", bad, r.status)
			continue
		}
		if msg := r.errorMessage(t); !strings.Contains(msg, "limit") {
			t.Errorf("limit=%q: error %q does not name the parameter", bad, msg)
		}
	}
	// A malformed query string is a client error too.
	if r := get(t, srv, "/v1/users?limit=%zz"); r.status != 400 {
		t.Errorf("malformed query: %d, want 400", r.status)
	}
}

func TestFullListingThousandPeople(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(1000, 1000))
	c := srv.Company()
	if len(c.People) != 1000 {
		t.Fatalf("company has %d people", len(c.People))
	}
	lg := listAll(t, srv, "/v1/users?limit=100&status=NULL", 20)
	want := latticeIDs(c)
	if diff := cmp.Diff(want, lg.ids); diff != "" {
		t.Fatalf("listing differs from the company (-want +got):\n%s", diff)
	}
	if lg.pages != 10 || lg.cursors[9] != "" {
		t.Errorf("%d pages, last cursor %q; want 10 pages ending with a null cursor", lg.pages, lg.cursors[9])
	}
	seen := map[string]bool{}
	for _, id := range lg.ids {
		if seen[id] {
			t.Fatalf("user %s listed twice", id)
		}
		seen[id] = true
	}
	// Every status is represented, so the status=NULL listing is not a disguised default.
	for _, st := range []string{"ACTIVE", "INVITED", "CREATED", "DEACTIVATED"} {
		if len(latticeIDs(c, st)) == 0 {
			t.Errorf("the generated company has no %s user", st)
		}
	}
}

func TestStatusFilter(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(9, 600))
	c := srv.Company()
	tests := []struct {
		query string
		want  []string
	}{
		{"", latticeIDs(c, "ACTIVE")},
		{"state=DEACTIVATED", latticeIDs(c, "ACTIVE")}, // unknown parameters are ignored
		{"status=ACTIVE", latticeIDs(c, "ACTIVE")},
		{"status=INVITED", latticeIDs(c, "INVITED")},
		{"status=CREATED", latticeIDs(c, "CREATED")},
		{"status=DEACTIVATED", latticeIDs(c, "DEACTIVATED")},
		{"status=NULL", latticeIDs(c)},
		{"status=DEACTIVATED&status=INVITED", latticeIDs(c, "DEACTIVATED", "INVITED")},
		{"status=CREATED&status=ACTIVE&status=CREATED", latticeIDs(c, "CREATED", "ACTIVE")},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			if len(tt.want) == 0 {
				t.Fatal("no users expected; the test cannot tell filters apart")
			}
			path := "/v1/users?limit=100"
			if tt.query != "" {
				path += "&" + tt.query
			}
			lg := listAll(t, srv, path, 50)
			if diff := cmp.Diff(tt.want, lg.ids); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{
		"status=active", "status=ACTIVE,INVITED", "status=ACTIVE%2CINVITED", "status=FOO",
		"status=", "status=null", "status=NULL&status=ACTIVE",
	} {
		r := get(t, srv, "/v1/users?"+bad)
		if r.status != 400 {
			t.Errorf("%s: %d, want 400", bad, r.status)
			continue
		}
		if msg := r.errorMessage(t); !strings.Contains(msg, "status") {
			t.Errorf("%s: error %q does not name the parameter", bad, msg)
		}
	}
}

func TestUnknownCursor(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	c := srv.Company()
	tests := []struct{ path, cursor string }{
		{"/v1/users", "not-a-cursor"},
		{"/v1/users", c.Departments[0].LatticeID}, // a department id is no user cursor
		{"/v1/departments", c.People[0].LatticeID},
		{"/v1/user/" + c.People[0].LatticeID + "/customAttributes", "nope"},
		{"/v1/user/" + c.People[0].LatticeID + "/directReports", "nope"},
	}
	for _, tt := range tests {
		r := get(t, srv, tt.path+"?startingAfter="+url.QueryEscape(tt.cursor))
		if r.status != 400 {
			t.Errorf("%s?startingAfter=%s: %d, want 400", tt.path, tt.cursor, r.status)
			continue
		}
		r.errorMessage(t)
	}
	// An empty startingAfter is the first page.
	first := get(t, srv, "/v1/users").list(t)
	again := get(t, srv, "/v1/users?startingAfter=").list(t)
	if diff := cmp.Diff(first.ids(t), again.ids(t)); diff != "" {
		t.Errorf("startingAfter= differs from no cursor:\n%s", diff)
	}
}

// TestUsersMatchCompany renders every user of a generated company and checks each
// field against the person it comes from.
func TestUsersMatchCompany(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(11, 300))
	c := srv.Company()
	byLattice := map[string]*fakecompany.Person{}
	byID := map[int]*fakecompany.Person{}
	for i := range c.People {
		byLattice[c.People[i].LatticeID] = &c.People[i]
		byID[c.People[i].ID] = &c.People[i]
	}
	deptByID := map[int]string{}
	for _, d := range c.Departments {
		deptByID[d.ID] = d.LatticeID
	}
	var users []user
	cursor := ""
	for {
		path := "/v1/users?limit=100&status=NULL"
		if cursor != "" {
			path += "&startingAfter=" + cursor
		}
		l := get(t, srv, path).list(t)
		for _, raw := range l.Data {
			var u user
			if err := jsonUnmarshal(raw, &u); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		if !*l.HasMore {
			break
		}
		cursor = *l.EndingCursor
	}
	if len(users) != len(c.People) {
		t.Fatalf("%d users, want %d", len(users), len(c.People))
	}
	deactivatedWithManager, nullExternal := 0, 0
	for _, u := range users {
		p := byLattice[u.ID]
		if p == nil {
			t.Fatalf("user %s is not in the company", u.ID)
		}
		name := p.FirstName
		if p.PreferredName != "" {
			name = p.PreferredName
		}
		name += " " + p.LastName
		checks := []struct {
			field     string
			got, want any
		}{
			{"object", u.Object, "user"},
			{"url", u.URL, "/v1/user/" + p.LatticeID},
			{"name", deref(u.Name), name},
			{"email", u.Email, p.Email},
			{"title", deref(u.Title), p.Position},
			{"status", u.Status, p.LatticeStatus()},
			{"isAdmin", u.IsAdmin, p.IsAdmin},
			{"startDate", deref(u.StartDate), dateString(p.HireDate.String(), p.HireDate.IsZero())},
			{"birthDate", deref(u.BirthDate), dateString(p.BirthDate.String(), p.BirthDate.IsZero())},
			{"createdAt", *u.CreatedAt, p.CreatedAt.Unix()},
			{"updatedAt", *u.UpdatedAt, p.UpdatedAt.Unix()},
			{"directReports.url", u.DirectReports.URL, "/v1/user/" + p.LatticeID + "/directReports"},
			{"customAttributes.url", u.CustomAttrs.URL, "/v1/user/" + p.LatticeID + "/customAttributes"},
		}
		for _, ck := range checks {
			if ck.got != ck.want {
				t.Errorf("user %d %s = %v, want %v", p.ID, ck.field, ck.got, ck.want)
			}
		}
		switch ext, ok := srv.ExternalUserID(p); {
		case ok && (ext != strconv.Itoa(p.ID) || deref(u.ExternalUserID) != ext):
			t.Errorf("user %d externalUserId = %v, want %q", p.ID, u.ExternalUserID, strconv.Itoa(p.ID))
		case !ok && u.ExternalUserID != nil:
			t.Errorf("user %d externalUserId = %q, want null", p.ID, *u.ExternalUserID)
		}
		if u.ExternalUserID == nil {
			nullExternal++
		}
		wantGender := map[string]string{"male": "Male", "female": "Female", "diverse": "NonBinary", "": "NotSet"}[p.Gender]
		if deref(u.Gender) != wantGender {
			t.Errorf("user %d gender = %v, want %s", p.ID, deref(u.Gender), wantGender)
		}
		switch {
		case p.SupervisorID == 0 && u.Manager != nil:
			t.Errorf("user %d has manager %v, want none", p.ID, u.Manager)
		case p.SupervisorID != 0:
			sup := byID[p.SupervisorID]
			if u.Manager == nil || u.Manager.ID != sup.LatticeID || u.Manager.Object != "user" || u.Manager.URL != "/v1/user/"+sup.LatticeID {
				t.Errorf("user %d manager = %+v, want a stub of %s", p.ID, u.Manager, sup.LatticeID)
			}
			if u.Status == "DEACTIVATED" {
				deactivatedWithManager++
			}
		}
		if want := deptByID[p.DepartmentID]; (want == "") != (u.Department == nil) || (u.Department != nil && (u.Department.ID != want || u.Department.Object != "department")) {
			t.Errorf("user %d department = %+v, want %q", p.ID, u.Department, want)
		}
	}
	if deactivatedWithManager == 0 {
		t.Error("no deactivated user kept a manager")
	}
	if nullExternal == 0 || nullExternal > len(users)/10 {
		t.Errorf("%d users have a null externalUserId; want a few", nullExternal)
	}
}

func TestAllExternalIDs(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(11, 300), latticetest.WithAllExternalIDs())
	lg := listAll(t, srv, "/v1/users?limit=100&status=NULL", 10)
	if len(lg.ids) != 300 {
		t.Fatalf("%d users", len(lg.ids))
	}
	c := srv.Company()
	for i := range c.People {
		p := &c.People[i]
		var u user
		get(t, srv, "/v1/user/"+p.LatticeID).decode(t, &u)
		if u.ExternalUserID == nil || *u.ExternalUserID != strconv.Itoa(p.ID) {
			t.Fatalf("user %d externalUserId = %v", p.ID, u.ExternalUserID)
		}
	}
}

func TestDirectReports(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(4, 250))
	c := srv.Company()
	reports := map[int][]string{}
	for i := range c.People {
		if s := c.People[i].SupervisorID; s != 0 {
			reports[s] = append(reports[s], c.People[i].LatticeID)
		}
	}
	checked := 0
	for i := range c.People {
		p := &c.People[i]
		// limit=3 makes managers' lists span several pages.
		lg := listAll(t, srv, "/v1/user/"+p.LatticeID+"/directReports?limit=3", 100)
		if diff := cmp.Diff(reports[p.ID], lg.ids, cmpEmpty); diff != "" {
			t.Errorf("direct reports of %d (-want +got):\n%s", p.ID, diff)
		}
		if len(reports[p.ID]) > 3 {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no manager with more than 3 reports; paging was not exercised")
	}
	// The status filter narrows the list.
	var mgr *fakecompany.Person
	for i := range c.People {
		p := &c.People[i]
		for _, r := range reports[p.ID] {
			for j := range c.People {
				if c.People[j].LatticeID == r && c.People[j].LatticeStatus() == "DEACTIVATED" {
					mgr = p
				}
			}
		}
	}
	if mgr == nil {
		t.Fatal("no manager with a deactivated report")
	}
	var want []string
	for _, r := range reports[mgr.ID] {
		for j := range c.People {
			if c.People[j].LatticeID == r && c.People[j].LatticeStatus() == "DEACTIVATED" {
				want = append(want, r)
			}
		}
	}
	lg := listAll(t, srv, "/v1/user/"+mgr.LatticeID+"/directReports?status=DEACTIVATED", 10)
	if diff := cmp.Diff(want, lg.ids); diff != "" {
		t.Errorf("deactivated reports (-want +got):\n%s", diff)
	}
}

func TestCustomAttributes(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(6, 80))
	c := srv.Company()
	attrByLattice := map[string]fakecompany.CustomAttribute{}
	for _, a := range c.Attributes {
		attrByLattice[a.LatticeID] = a
	}
	valueIDs := map[string]bool{}
	sawTypes := map[string]bool{}
	for i := range c.People {
		p := &c.People[i]
		// Page with limit=2 and collect.
		var items []attrValue
		cursor := ""
		for pages := 0; ; pages++ {
			path := "/v1/user/" + p.LatticeID + "/customAttributes?limit=2"
			if cursor != "" {
				path += "&startingAfter=" + cursor
			}
			l := get(t, srv, path).list(t)
			if len(l.Data) > 2 {
				t.Fatalf("page of %d items for limit=2", len(l.Data))
			}
			for _, raw := range l.Data {
				var v attrValue
				if err := jsonUnmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				items = append(items, v)
			}
			if !*l.HasMore {
				break
			}
			cursor = *l.EndingCursor
		}
		got := map[string]string{}
		for _, v := range items {
			a, ok := attrByLattice[v.Attribute.ID]
			if !ok || v.Object != "customAttributeValue" || v.Attribute.Object != "customAttribute" || v.Attribute.Name != a.LabelEN {
				t.Fatalf("person %d: bad value %+v", p.ID, v)
			}
			if valueIDs[v.ID] {
				t.Fatalf("value id %s repeats", v.ID)
			}
			valueIDs[v.ID] = true
			sawTypes[v.Attribute.Type] = true
			got[a.Key] = valueText(t, a, v.Value)
		}
		if diff := cmp.Diff(p.Custom, got, cmpEmpty); diff != "" {
			t.Errorf("person %d custom values (-company +served):\n%s", p.ID, diff)
		}
	}
	for _, typ := range []string{"TEXT", "DATE", "NUMBER", "SINGLE_SELECT", "MULTI_SELECT"} {
		if !sawTypes[typ] {
			t.Errorf("no value of type %s served", typ)
		}
	}
}

type attrValue struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	Attribute struct {
		ID          string  `json:"id"`
		Object      string  `json:"object"`
		Name        string  `json:"name"`
		Description *string `json:"description"`
		Type        string  `json:"type"`
	} `json:"attribute"`
	Value any `json:"value"`
}

// valueText turns a served value back into the company's text form, checking its JSON
// type against the attribute type.
func valueText(t *testing.T, a fakecompany.CustomAttribute, v any) string {
	t.Helper()
	switch a.Type {
	case fakecompany.AttrInteger, fakecompany.AttrDecimal:
		f, ok := v.(float64)
		if !ok {
			t.Fatalf("%s: value %#v is not a number", a.Key, v)
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	case fakecompany.AttrTags:
		l, ok := v.([]any)
		if !ok {
			t.Fatalf("%s: value %#v is not an array", a.Key, v)
		}
		parts := make([]string, len(l))
		for i, x := range l {
			parts[i] = x.(string)
		}
		return strings.Join(parts, ", ")
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s: value %#v is not a string", a.Key, v)
	}
	return s
}

func TestDepartments(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	c := srv.Company()
	var want []string
	for _, d := range c.Departments {
		want = append(want, d.LatticeID)
	}
	lg := listAll(t, srv, "/v1/departments?limit=3", 20)
	if diff := cmp.Diff(want, lg.ids); diff != "" {
		t.Errorf("departments (-want +got):\n%s", diff)
	}
	if lg.pages < 2 {
		t.Errorf("%d departments fit one page of 3", len(want))
	}
	for _, d := range c.Departments {
		var got struct {
			ID, Object, URL, Name string
			Description           *string
			CreatedAt             *int64
		}
		r := get(t, srv, "/v1/department/"+d.LatticeID)
		r.decode(t, &got)
		if r.status != 200 || got.ID != d.LatticeID || got.Object != "department" || got.Name != d.Name ||
			got.URL != "/v1/department/"+d.LatticeID || got.Description != nil || got.CreatedAt == nil {
			t.Errorf("department %d: %d %s", d.ID, r.status, r.body)
		}
	}
}

// The rate limit runs on the bubble's clock when the server is called in memory, so its
// refill is exact.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithRateLimit(6, 2))
	synctest.Test(t, func(t *testing.T) {
		for i := range 2 {
			if r := serve(t, srv, srv.APIKey, "/v1/me"); r.status != 200 {
				t.Fatalf("request %d: %d", i, r.status)
			}
		}
		r := serve(t, srv, srv.APIKey, "/v1/me")
		if r.status != 429 || r.header.Get("Retry-After") != "10" {
			t.Fatalf("third request: %d with Retry-After %q, want 429 with 10 (6 a minute)", r.status, r.header.Get("Retry-After"))
		}
		if msg := r.errorMessage(t); !strings.Contains(msg, "6 requests per minute") {
			t.Errorf("429 message %q", msg)
		}
		if r.header.Get("X-RateLimit-Remaining") != "" {
			t.Error("X-RateLimit headers sent without WithRateLimitHeaders")
		}
		// Each key has its own bucket.
		if r := serve(t, srv, srv.RestrictedKey(), "/v1/me"); r.status != 200 {
			t.Errorf("another key: %d, want 200", r.status)
		}
		// Unauthenticated requests are refused before they touch a bucket.
		for _, key := range []string{"", "lat_unknown"} {
			if r := serve(t, srv, key, "/v1/me"); r.status != 401 {
				t.Errorf("key %q: %d, want 401", key, r.status)
			}
		}
		time.Sleep(9 * time.Second) // virtual time: the bubble's clock advances
		if r := serve(t, srv, srv.APIKey, "/v1/me"); r.status != 429 || r.header.Get("Retry-After") != "1" {
			t.Errorf("after 9s: %d with Retry-After %q, want 429 with 1", r.status, r.header.Get("Retry-After"))
		}
		time.Sleep(time.Second)
		if r := serve(t, srv, srv.APIKey, "/v1/me"); r.status != 200 {
			t.Errorf("after 10s: %d, want the token that came back", r.status)
		}
	})
	if n := srv.RateLimited(); n != 2 {
		t.Errorf("RateLimited = %d, want 2", n)
	}
	if n := srv.Count("GET", "/v1/me"); n != 8 {
		t.Errorf("Count = %d, want 8 (401s and 429s included)", n)
	}
}

// WithDocumentedRateLimit is 240 a minute per key with bursts of 4: a client that paces
// itself to 4 requests a second is never refused, a burst beyond 4 is, and the bucket
// belongs to the key, so a second client right after a first finds it spent.
func TestDocumentedRateLimit(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(3, 20), latticetest.WithDocumentedRateLimit())
	synctest.Test(t, func(t *testing.T) {
		var codes []int
		for range 5 {
			codes = append(codes, serve(t, srv, srv.APIKey, "/v1/users").status)
		}
		if diff := cmp.Diff([]int{200, 200, 200, 200, 429}, codes); diff != "" {
			t.Errorf("a burst of 5 (-want +got):\n%s", diff)
		}
		time.Sleep(time.Minute) // in the bubble: a minute of virtual time, the bucket is full again
		srv.ResetRequests()
		for i := range 240 {
			if r := serve(t, srv, srv.APIKey, "/v1/users"); r.status != 200 {
				t.Fatalf("paced request %d: %d", i, r.status)
			}
			time.Sleep(time.Minute / 240)
		}
		// A minute's worth at a steady pace leaves a full bucket: a second client of the
		// same key may burst 4, and then finds the bucket spent.
		codes = codes[:0]
		for range 5 {
			codes = append(codes, serve(t, srv, srv.APIKey, "/v1/users").status)
		}
		if diff := cmp.Diff([]int{200, 200, 200, 200, 429}, codes); diff != "" {
			t.Errorf("a second client (-want +got):\n%s", diff)
		}
		if r := serve(t, srv, srv.APIKey, "/v1/users"); r.status != 429 || r.header.Get("Retry-After") != "1" {
			t.Errorf("429 with Retry-After %q, want 1", r.header.Get("Retry-After"))
		}
	})
	if n, total := srv.RateLimited(), srv.Count("GET", "/v1/users"); n != 2 || total != 246 {
		t.Errorf("RateLimited = %d of %d requests, want 2 of 246", n, total)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithRateLimit(6, 3), latticetest.WithRateLimitHeaders())
	synctest.Test(t, func(t *testing.T) {
		now := time.Now().Unix()
		type headers struct{ Limit, Remaining, Reset string }
		var got []headers
		for range 4 {
			r := serve(t, srv, srv.APIKey, "/v1/me")
			got = append(got, headers{r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), r.header.Get("X-RateLimit-Reset")})
		}
		reset := func(secs int64) string { return strconv.FormatInt(now+secs, 10) }
		want := []headers{{"6", "2", reset(10)}, {"6", "1", reset(20)}, {"6", "0", reset(30)}, {"6", "0", reset(30)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("X-RateLimit headers (-want +got):\n%s", diff)
		}
	})
}

func TestFaultsAndRecording(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	srv.Inject(latticetest.Fault{Name: "expired", Path: "/v1/users", Status: 401, Body: `{"error":"expired"}`})
	srv.Inject(latticetest.Fault{Name: "burst", Path: "/v1/user/*", Times: 2, Status: 503})
	u := srv.Company().People[0].LatticeID
	var got []int
	for _, p := range []string{"/v1/users", "/v1/users", "/v1/user/" + u, "/v1/user/" + u, "/v1/user/" + u} {
		got = append(got, get(t, srv, p).status)
	}
	if diff := cmp.Diff([]int{401, 200, 503, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if n := srv.Count("GET", "/v1/user/*"); n != 3 {
		t.Errorf("Count(GET, /v1/user/*) = %d, want 3", n)
	}
	reqs := srv.Requests()
	if len(reqs) != 5 || reqs[0].Fault != "expired" || reqs[2].Fault != "burst" || reqs[1].Status != 200 {
		t.Errorf("Requests() = %+v", reqs)
	}
	if srv.PendingFaults() != 0 {
		t.Errorf("PendingFaults() = %d", srv.PendingFaults())
	}
	srv.Inject(latticetest.Fault{Status: 500, Times: -1})
	if r := get(t, srv, "/v1/me"); r.status != 500 {
		t.Errorf("with a permanent fault: %d", r.status)
	}
	srv.ClearFaults()
	srv.ResetRequests()
	if r := get(t, srv, "/v1/me"); r.status != 200 {
		t.Errorf("after ClearFaults: %d", r.status)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("after ResetRequests, %d requests recorded", n)
	}
}

// TestFaultKinds checks that each kind of fault reaches the client as it should.
func TestFaultKinds(t *testing.T) {
	t.Parallel()
	retryAt := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		fault latticetest.Fault
		check func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{"invalid JSON", latticetest.Fault{InvalidJSON: true}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || jsonValid(body) {
				t.Errorf("status %v err %v, body valid JSON: %v", resp.StatusCode, err, jsonValid(body))
			}
		}},
		{"truncated", latticetest.Fault{TruncateAfter: 100}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err == nil {
				t.Errorf("no error reading a truncated body of %d bytes", len(body))
			}
		}},
		{"reset mid-body", latticetest.Fault{ResetAfter: 50}, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err == nil {
				t.Error("no error after a connection reset")
			}
		}},
		{"429 with an HTTP-date", latticetest.Fault{Status: 429, Header: http.Header{"Retry-After": {latticetest.RetryAfterDate(retryAt)}}, Body: `{"error":"slow down"}`},
			func(t *testing.T, resp *http.Response, body []byte, err error) {
				if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "Wed, 02 Jan 2030 03:04:05 GMT" {
					t.Errorf("status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := latticetest.NewTestServer(t)
			tt.fault.Path = "/v1/users"
			srv.Inject(tt.fault)
			req := must(http.NewRequest(http.MethodGet, srv.URL+"/v1/users?limit=100", nil))
			req.Header.Set("Authorization", "Bearer "+srv.APIKey)
			resp, err := srv.Client().Do(req)
			if err != nil {
				tt.check(t, &http.Response{}, nil, err)
				return
			}
			body, err := ioReadAll(resp)
			resp.Body.Close()
			tt.check(t, resp, body, err)
			// The next request is fine.
			get(t, srv, "/v1/users").list(t)
		})
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithLatency(50*time.Millisecond))
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if r := serve(t, srv, srv.APIKey, "/v1/me"); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Errorf("request took %v, want the 50ms latency", d)
		}
	})
}

func TestAbsoluteURLs(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithAbsoluteURLs())
	var withManager *user
	lg := get(t, srv, "/v1/users?limit=100").list(t)
	for _, raw := range lg.Data {
		var u user
		if err := jsonUnmarshal(raw, &u); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{u.URL, u.DirectReports.URL, u.CustomAttrs.URL} {
			if !strings.HasPrefix(s, srv.URL+"/v1/user/") {
				t.Fatalf("url %q is not absolute", s)
			}
		}
		if u.Manager != nil && u.Department != nil {
			withManager = &u
		}
	}
	if withManager == nil {
		t.Fatal("no user with manager and department")
	}
	// The URLs work as they are.
	for _, s := range []string{withManager.Manager.URL, withManager.Department.URL, withManager.DirectReports.URL} {
		if !strings.HasPrefix(s, srv.URL+"/v1/") {
			t.Errorf("reference url %q is not absolute", s)
		}
		if r := get(t, srv, strings.TrimPrefix(s, srv.URL)); r.status != 200 {
			t.Errorf("GET %s: %d", s, r.status)
		}
	}
}

func TestMutateDuringPaging(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(21, 100))
	before := latticeIDs(srv.Company())
	path := "/v1/users?limit=10&status=NULL"
	p1 := get(t, srv, path).list(t)
	p2 := get(t, srv, path+"&startingAfter="+*p1.EndingCursor).list(t)
	cursor := *p2.EndingCursor
	if cursor != before[19] {
		t.Fatalf("cursor after two pages = %s, want %s", cursor, before[19])
	}

	var hired fakecompany.Person
	srv.Mutate(func(c *latticetest.Company) {
		// Remove the person the cursor names, and one further on.
		c.People = slices.Delete(c.People, 50, 51)
		c.People = slices.Delete(c.People, 19, 20)
		// Deactivate someone further on (still listed with status=NULL).
		c.People[60].Status = unified.StatusInactive
		// Hire someone: a new, higher ID, and no Lattice id yet.
		hired = c.People[len(c.People)-1]
		hired.ID += 100
		hired.LatticeID = ""
		hired.Email = "new.hire@example.com"
		hired.SupervisorID = c.People[0].ID
		c.People = append(c.People, hired)
	})
	if err := srv.Err(); err != nil {
		t.Fatal(err)
	}
	after := srv.Company()
	newID := after.People[len(after.People)-1].LatticeID
	if newID == "" {
		t.Fatal("the hired person got no Lattice id")
	}

	lg := listFrom(t, srv, path, cursor, 20)
	want := append(slices.Clone(before[20:50]), before[51:]...)
	want = append(want, newID)
	if diff := cmp.Diff(want, lg.ids); diff != "" {
		t.Errorf("rest of the listing after the change (-want +got):\n%s", diff)
	}
	// The removed user is gone from item routes.
	if r := get(t, srv, "/v1/user/"+before[19]); r.status != 404 {
		t.Errorf("removed user: %d, want 404", r.status)
	}
	// Everyone who remains is listed exactly once from the start.
	full := listAll(t, srv, path, 20)
	if diff := cmp.Diff(latticeIDs(after), full.ids); diff != "" {
		t.Errorf("fresh listing (-want +got):\n%s", diff)
	}
}

func TestMutateInvalidCompany(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t)
	var saved fakecompany.Person
	srv.Mutate(func(c *latticetest.Company) {
		saved = c.People[1]
		c.People[1].LatticeID = c.People[0].LatticeID
	})
	if err := srv.Err(); !errors.Is(err, latticetest.ErrInvalidCompany) {
		t.Fatalf("Err() = %v, want ErrInvalidCompany", err)
	}
	r := get(t, srv, "/v1/users")
	if r.status != 500 || !strings.Contains(r.errorMessage(t), "Lattice id") {
		t.Errorf("while invalid: %d %s", r.status, r.body)
	}
	srv.Mutate(func(c *latticetest.Company) { c.People[1] = saved })
	if err := srv.Err(); err != nil {
		t.Fatalf("after the repair: %v", err)
	}
	if r := get(t, srv, "/v1/users"); r.status != 200 {
		t.Errorf("after the repair: %d", r.status)
	}
}

func TestInvalidCompanyAtStart(t *testing.T) {
	t.Parallel()
	c := latticetest.GenerateCompany(2, 10)
	c.People[2].ID = c.People[1].ID
	srv := latticetest.NewTestServer(t, latticetest.WithCompany(c))
	if err := srv.Err(); !errors.Is(err, latticetest.ErrInvalidCompany) || !strings.Contains(err.Error(), strconv.Itoa(c.People[1].ID)) {
		t.Fatalf("Err() = %v, want ErrInvalidCompany naming ID %d", err, c.People[1].ID)
	}
	if r := get(t, srv, "/v1/me"); r.status != 500 {
		t.Errorf("GET /v1/me: %d, want 500", r.status)
	}
}

func TestCompanyIsACopy(t *testing.T) {
	t.Parallel()
	c := latticetest.GenerateCompany(2, 30)
	srv := latticetest.NewTestServer(t, latticetest.WithCompany(c))
	c.People[0].Email = "changed.by.caller@example.com"
	got := srv.Company()
	if got.People[0].Email == "changed.by.caller@example.com" {
		t.Error("the server shares the company passed to WithCompany")
	}
	got.People[0].Email = "changed.again@example.com"
	if srv.Company().People[0].Email == "changed.again@example.com" {
		t.Error("Company() does not return a copy")
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a := latticetest.NewTestServer(t, latticetest.WithGenerated(77, 120))
	b := latticetest.NewTestServer(t, latticetest.WithGenerated(77, 120))
	for _, p := range []string{"/v1/users?limit=100&status=NULL", "/v1/departments", "/v1/me"} {
		ra, rb := get(t, a, p), get(t, b, p)
		if string(ra.body) != string(rb.body) {
			t.Errorf("GET %s differs between two servers of the same company", p)
		}
	}
	other := latticetest.NewTestServer(t, latticetest.WithGenerated(78, 120))
	if string(get(t, a, "/v1/users").body) == string(get(t, other, "/v1/users").body) {
		t.Error("different seeds serve the same users")
	}
}

func TestEmptyCompany(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(1, 0))
	l := get(t, srv, "/v1/users?status=NULL").list(t)
	if len(l.Data) != 0 || *l.HasMore || l.EndingCursor != nil {
		t.Errorf("empty company: %+v", l)
	}
	if r := get(t, srv, "/v1/me"); r.status != 404 {
		t.Errorf("/v1/me without people: %d, want 404", r.status)
	}
	if l := get(t, srv, "/v1/departments").list(t); len(l.Data) == 0 {
		t.Error("no departments")
	}
}

// TestConcurrentUse pages through users from several goroutines while the company
// changes, for the race detector.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(8, 300))
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := range 6 {
		wg.Go(func() {
			cursor := ""
			for range 40 {
				path := "/v1/users?limit=25&status=NULL"
				if cursor != "" {
					path += "&startingAfter=" + url.QueryEscape(cursor)
				}
				req := must(http.NewRequest(http.MethodGet, srv.URL+path, nil))
				req.Header.Set("Authorization", "Bearer "+srv.APIKey)
				resp, err := srv.Client().Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				var l list
				err = jsonDecode(resp, &l)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					errs <- "goroutine " + strconv.Itoa(g) + ": status " + strconv.Itoa(resp.StatusCode)
					return
				}
				cursor = ""
				if l.EndingCursor != nil {
					cursor = *l.EndingCursor
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 30 {
			srv.Mutate(func(c *latticetest.Company) {
				c.People[i%len(c.People)].Position = "Changed " + strconv.Itoa(i)
			})
			srv.SetQuirks(latticetest.Quirks{})
			_ = srv.Company()
		}
	})
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
