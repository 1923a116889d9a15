package lattice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

// statusOf is the unified status a person of the fake company has in Lattice.
func statusOf(p *latticetest.Person) unified.Status {
	switch p.LatticeStatus() {
	case "ACTIVE":
		return unified.StatusActive
	case "INVITED":
		return unified.StatusInvited
	case "CREATED":
		return unified.StatusOnboarding
	case "DEACTIVATED":
		return unified.StatusInactive
	}
	return unified.StatusUnknown
}

// expectation describes what the directory must report for a person, from the company
// data the fake renders.
type expectation struct {
	ID, Email     string
	Status        unified.Status
	Department    *unified.Ref
	Manager       *unified.Ref
	ExternalID    string
	StartDate     *unified.Date
	PreferredName string
}

// expected returns what the directory must report for p. managerKnown says whether the
// directory can know the manager's name and email (see managerSeen).
func expected(srv *latticetest.Server, c *latticetest.Company, p *latticetest.Person, managerKnown bool) expectation {
	e := expectation{ID: p.LatticeID, Email: p.Email, Status: statusOf(p), PreferredName: p.PreferredName}
	if d := c.Department(p.DepartmentID); d != nil {
		e.Department = &unified.Ref{ID: d.LatticeID, Name: d.Name}
	}
	if m := c.Person(p.SupervisorID); m != nil {
		e.Manager = &unified.Ref{ID: m.LatticeID}
		if managerKnown {
			e.Manager.Name, e.Manager.Email = m.DisplayName(), m.Email
		}
	}
	if ext, ok := srv.ExternalUserID(p); ok {
		e.ExternalID = ext
	}
	if !p.HireDate.IsZero() {
		d := p.HireDate
		e.StartDate = &d
	}
	return e
}

func observed(u *unified.User) expectation {
	return expectation{ID: u.ID, Email: u.Email, Status: u.Status, Department: u.Department, Manager: u.Manager,
		ExternalID: u.ExternalID, StartDate: u.StartDate, PreferredName: u.PreferredName}
}

func collect(t *testing.T, seq func(func(unified.User, error) bool)) []unified.User {
	t.Helper()
	var out []unified.User
	for u, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, u)
	}
	return out
}

func userIDs(us []unified.User) []string {
	out := make([]string, len(us))
	for i := range us {
		out[i] = us[i].ID
	}
	return out
}

// TestDirectoryLists1000 checks that a generated 1,000-person company
// lists completely (active, invited, created and deactivated users) exactly once with
// 100-user pages, in 10 list requests plus the department listing.
func TestDirectoryLists1000(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(42, 1000))
	c := fakeClient(t, srv, nil)
	company := srv.Company()
	ctx := context.Background()

	d := c.Directory()
	streamed := collect(t, unified.Users(ctx, d, nil))

	if diff := cmp.Diff(latticeIDs(company, nil), userIDs(streamed)); diff != "" {
		t.Fatalf("listed IDs differ from the company, in order (-want +got):\n%s", diff)
	}
	byID := map[string]*latticetest.Person{}
	index := map[int]int{} // position of each person in the listing, by Personio id
	for i := range company.People {
		byID[company.People[i].LatticeID] = &company.People[i]
		index[company.People[i].ID] = i
	}
	// Managers are referred to by ID only, unless WithManagerNames. A manager is late when
	// listed on a later page of 100 than a report.
	late := func(p *latticetest.Person) bool { return index[p.SupervisorID]/100 > index[p.ID]/100 }
	statuses := map[unified.Status]int{}
	for i := range streamed {
		u := &streamed[i]
		p := byID[u.ID]
		statuses[u.Status]++
		if u.Provider != "lattice" {
			t.Errorf("user %s Provider = %q", u.ID, u.Provider)
		}
		if diff := cmp.Diff(expected(srv, company, p, false), observed(u)); diff != "" {
			t.Errorf("user %s (-want +got):\n%s", u.ID, diff)
		}
	}
	for _, s := range []unified.Status{unified.StatusActive, unified.StatusInvited, unified.StatusOnboarding, unified.StatusInactive} {
		if statuses[s] == 0 {
			t.Errorf("no %s users listed (%v)", s, statuses)
		}
	}
	if got := srv.Count("GET", "/v1/users"); got != 10 {
		t.Errorf("%d list requests, want 10", got)
	}
	if got := srv.Count("GET", "/v1/departments"); got != 1 {
		t.Errorf("%d department list requests, want 1", got)
	}
	if got := srv.Count("GET", "/v1/user/*"); got != 0 {
		t.Errorf("%d single-user requests without WithManagerNames", got)
	}
	for _, r := range srv.Requests() {
		if r.Path == "/v1/users" && (r.Query.Get("limit") != "100" || r.Query.Get("status") != "NULL") {
			t.Errorf("list request query %v, want limit=100 and status=NULL", r.Query)
		}
	}

	// Paging with ListUsers gives the same users.
	srv.ResetRequests()
	paged := collect(t, unified.PagedUsers(ctx, c.Directory(), nil))
	if diff := cmp.Diff(streamed, paged); diff != "" {
		t.Errorf("ListUsers paging differs from StreamUsers (-stream +pages):\n%s", diff)
	}
	if got := srv.Count("GET", "/v1/users"); got != 10 {
		t.Errorf("%d list requests while paging, want 10", got)
	}

	// With WithManagerNames every reference is complete: the stream and paging with
	// ListUsers fetch each manager listed after all of their reports, once; a second
	// listing by the same directory, its cache warm, gives the same references without a
	// request.
	lateManagers := map[int]bool{}
	for i := range company.People {
		if p := &company.People[i]; p.SupervisorID != 0 && late(p) {
			lateManagers[p.SupervisorID] = true
		}
	}
	if len(lateManagers) == 0 {
		t.Fatal("no user has a manager listed on a later page: the test needs some")
	}
	srv.ResetRequests()
	named := c.Directory(lattice.WithManagerNames())
	full := collect(t, unified.Users(ctx, named, nil))
	for i := range full {
		if diff := cmp.Diff(expected(srv, company, byID[full[i].ID], true), observed(&full[i])); diff != "" {
			t.Errorf("user %s (-want +got):\n%s", full[i].ID, diff)
		}
	}
	if got := srv.Count("GET", "/v1/user/*"); got != len(lateManagers) {
		t.Errorf("stream with names: %d single-user requests, want one per late manager (%d)", got, len(lateManagers))
	}
	srv.ResetRequests()
	pagedFull := collect(t, unified.PagedUsers(ctx, c.Directory(lattice.WithManagerNames()), nil))
	if diff := cmp.Diff(full, pagedFull); diff != "" {
		t.Errorf("ListUsers paging with names differs from StreamUsers (-stream +pages):\n%s", diff)
	}
	if got := srv.Count("GET", "/v1/user/*"); got != len(lateManagers) {
		t.Errorf("paging with names: %d single-user requests, want one per late manager (%d)", got, len(lateManagers))
	}
	srv.ResetRequests()
	warm := collect(t, unified.Users(ctx, named, nil))
	if diff := cmp.Diff(full, warm); diff != "" {
		t.Errorf("a listing with a warm cache differs from the cold one (-cold +warm):\n%s", diff)
	}
	if got := srv.Count("GET", "/v1/user/*"); got != 0 {
		t.Errorf("warm listing: %d single-user requests, want none", got)
	}
}

func TestDirectoryConformance(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(7, 40))
	want := latticeIDs(srv.Company(), nil)
	// A listing and GetUser agree on everything, manager references included, with and
	// without WithManagerNames.
	names := lattice.WithManagerNames()
	for name, opts := range map[string][]lattice.DirectoryOption{
		"default":                nil,
		"manager names":          {names},
		"custom attributes, raw": {names, lattice.WithCustomAttributes(), lattice.WithRaw(), lattice.WithConcurrency(2)},
		"small pages":            {names, lattice.WithPageSize(5)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := fakeClient(t, srv, nil)
			directorytest.Run(t, c.Directory(opts...), &directorytest.Options{WantIDs: want, PageSizes: []int{0, 7, 1}})
		})
	}
}

func TestStreamEqualsPages(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(3, 120))
	c := fakeClient(t, srv, nil)
	d := c.Directory()
	ctx := context.Background()
	all := collect(t, unified.PagedUsers(ctx, d, nil))
	filters := map[string]unified.Filter{
		"none":       {},
		"inactive":   {Statuses: []unified.Status{unified.StatusInactive}},
		"department": {Departments: []string{strings.ToLower(all[0].Department.Name)}},
		"updated":    {UpdatedSince: all[len(all)/2].UpdatedAt},
	}
	for name, f := range filters {
		for _, size := range []int{0, 7, 100} {
			lo := &unified.ListOptions{PageSize: size, Filter: f}
			pages := collect(t, unified.PagedUsers(ctx, d, lo))
			stream := collect(t, d.StreamUsers(ctx, lo))
			if diff := cmp.Diff(pages, stream); diff != "" {
				t.Errorf("%s, size %d: stream differs from pages (-pages +stream):\n%s", name, size, diff)
			}
			want := slices.DeleteFunc(slices.Clone(all), func(u unified.User) bool { return !f.Match(&u) })
			if diff := cmp.Diff(userIDs(want), userIDs(stream)); diff != "" {
				t.Errorf("%s, size %d (-want +got):\n%s", name, size, diff)
			}
		}
	}
	// Resuming the stream from a cursor continues where the page left off.
	first, err := d.ListUsers(ctx, &unified.ListOptions{PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	rest := collect(t, d.StreamUsers(ctx, &unified.ListOptions{PageSize: 10, Cursor: first.NextCursor}))
	if diff := cmp.Diff(userIDs(all[10:]), userIDs(rest)); diff != "" {
		t.Errorf("resumed stream (-want +got):\n%s", diff)
	}
}

func TestStatusFilterPushDown(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(11, 150))
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	all := collect(t, unified.Users(ctx, c.Directory(), nil))
	st := func(s ...unified.Status) unified.Filter { return unified.Filter{Statuses: s} }
	titleSpec := lattice.DefaultSpec().With(mapping.Field{Target: "title", Sources: []string{"jobLevel"}})
	defaultMapper, err := mapping.Compile(lattice.DefaultSpec(), lattice.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		opts       []lattice.DirectoryOption
		filter     unified.Filter
		wantStatus []string // status parameters of the list requests; nil: no request
	}{
		{"no filter lists everyone", nil, unified.Filter{}, []string{"NULL"}},
		{"leavers", nil, st(unified.StatusInactive), []string{"DEACTIVATED"}},
		{"onboarding is CREATED", nil, st(unified.StatusOnboarding), []string{"CREATED"}},
		{"invited", nil, st(unified.StatusInvited), []string{"INVITED"}},
		{"leave matches nobody", nil, st(unified.StatusLeave), nil},
		{"leave or invited", nil, st(unified.StatusLeave, unified.StatusInvited), []string{"INVITED"}},
		{"two statuses read everyone", nil, st(unified.StatusActive, unified.StatusInactive), []string{"NULL"}},
		{"a spec that keeps the status mapping", []lattice.DirectoryOption{lattice.WithSpec(titleSpec)}, st(unified.StatusInactive), []string{"DEACTIVATED"}},
		{"a mapper of one's own", []lattice.DirectoryOption{lattice.WithMapper(defaultMapper)}, st(unified.StatusInactive), []string{"NULL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the subtests share the server's request log.
			srv.ResetRequests()
			d := c.Directory(tt.opts...)
			got := collect(t, unified.Users(ctx, d, &unified.ListOptions{Filter: tt.filter}))
			want := slices.DeleteFunc(slices.Clone(all), func(u unified.User) bool { return !tt.filter.Match(&u) })
			if diff := cmp.Diff(userIDs(want), userIDs(got)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
			var sent []string
			for _, r := range srv.Requests() {
				if r.Path == "/v1/users" {
					sent = append(sent, r.Query["status"]...)
				}
			}
			sent = slices.Compact(sent)
			if diff := cmp.Diff(tt.wantStatus, sent); diff != "" {
				t.Errorf("status parameters (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRestrictedKey(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(2, 30))
	c := fakeClient(t, srv, func(cfg *lattice.Config) { cfg.APIKey = srv.RestrictedKey() })
	ctx := context.Background()

	if _, err := c.ListDepartments(ctx, nil); !errors.Is(err, unified.ErrForbidden) {
		t.Errorf("ListDepartments err = %v, want ErrForbidden", err)
	}
	_, err := c.Directory().ListUsers(ctx, nil)
	if !errors.Is(err, unified.ErrForbidden) || !strings.Contains(err.Error(), "WithoutDepartmentNames") || strings.Count(err.Error(), "lattice:") != 1 {
		t.Errorf("ListUsers err = %v, want ErrForbidden suggesting WithoutDepartmentNames, with one provider prefix", err)
	}
	var ae *unified.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden {
		t.Errorf("err = %v, want a 403 *unified.APIError inside", err)
	}

	srv.ResetRequests()
	users := collect(t, unified.Users(ctx, c.Directory(lattice.WithoutDepartmentNames()), nil))
	if len(users) != len(srv.Company().People) {
		t.Errorf("%d users, want %d", len(users), len(srv.Company().People))
	}
	for _, u := range users {
		if u.Department != nil && (u.Department.ID == "" || u.Department.Name != "") {
			t.Errorf("user %s department %+v, want an ID only", u.ID, u.Department)
		}
	}
	if n := srv.Count("", "/v1/department*"); n != 0 {
		t.Errorf("%d department requests with WithoutDepartmentNames", n)
	}

	_, err = c.Directory(lattice.WithoutDepartmentNames(), lattice.WithCustomAttributes()).ListUsers(ctx, nil)
	if !errors.Is(err, unified.ErrForbidden) || !strings.Contains(err.Error(), "WithCustomAttributes") || strings.Count(err.Error(), "lattice:") != 1 {
		t.Errorf("custom attributes err = %v, want ErrForbidden suggesting to drop WithCustomAttributes, with one provider prefix", err)
	}
}

func TestRetryAfterEndToEnd(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{})
		calls := 0
		mt.RegisterResponder("GET", apiBase+"/v1/users", func(*http.Request) (*http.Response, error) {
			if calls++; calls <= 2 {
				resp := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"error":"Rate limit exceeded"}`)
				resp.Header.Set("Retry-After", "2")
				return resp, nil
			}
			return httpmock.NewStringResponse(http.StatusOK, listJSON(false, "", userJSON("u1"), userJSON("u2"))), nil
		})
		start := time.Now()
		users := collect(t, unified.Users(context.Background(), c.Directory(), nil))
		if len(users) != 2 {
			t.Errorf("%d users, want 2", len(users))
		}
		if waited := time.Since(start); waited < 4*time.Second {
			t.Errorf("the listing took %v, want the two Retry-After: 2 honoured", waited)
		}
		if calls != 3 {
			t.Errorf("%d list requests, want 1 page + 2 retries", calls)
		}
	})
}

// TestQuirks runs full listings against a server that misbehaves in the ways that lose or
// duplicate users, through both ListUsers paging and StreamUsers.
func TestQuirks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		quirks  latticetest.Quirks
		wantErr error // nil: every user exactly once
	}{
		{"duplicate across pages", latticetest.Quirks{DuplicateAcrossPages: true}, nil},
		{"oversized pages", latticetest.Quirks{OversizedPages: true}, nil},
		{"empty page with more", latticetest.Quirks{EmptyPageWithMore: true}, nil},
		{"hasMore without cursor", latticetest.Quirks{HasMoreWithoutCursor: true}, nil},
		{"everything benign at once", latticetest.Quirks{DuplicateAcrossPages: true, OversizedPages: true, EmptyPageWithMore: true, HasMoreWithoutCursor: true}, nil},
		{"repeated cursor", latticetest.Quirks{RepeatCursor: true}, unified.ErrCursorLoop},
		{"backwards cursor", latticetest.Quirks{BackwardsCursor: true}, unified.ErrInconsistentListing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := latticetest.NewTestServer(t, latticetest.WithGenerated(9, 230))
			srv.SetQuirks(tt.quirks)
			c := fakeClient(t, srv, nil)
			want := latticeIDs(srv.Company(), nil)
			for mode, list := range map[string]func(context.Context, unified.Directory, *unified.ListOptions) func(func(unified.User, error) bool){
				"pages": func(ctx context.Context, d unified.Directory, o *unified.ListOptions) func(func(unified.User, error) bool) {
					return unified.PagedUsers(ctx, d, o)
				},
				"stream": func(ctx context.Context, d unified.Directory, o *unified.ListOptions) func(func(unified.User, error) bool) {
					return unified.Users(ctx, d, o)
				},
			} {
				var ids []string
				var errs []error
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				for u, err := range list(ctx, c.Directory(lattice.WithPageSize(40)), nil) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					ids = append(ids, u.ID)
				}
				cancel()
				if tt.wantErr != nil {
					if len(errs) != 1 || !errors.Is(errs[0], tt.wantErr) {
						t.Errorf("%s: errors %v, want one %v", mode, errs, tt.wantErr)
					}
					if seen := map[string]bool{}; true {
						for _, id := range ids {
							if seen[id] {
								t.Errorf("%s: user %s listed twice before the error", mode, id)
							}
							seen[id] = true
						}
					}
					continue
				}
				if len(errs) > 0 {
					t.Errorf("%s: errors %v", mode, errs)
				}
				if diff := cmp.Diff(want, ids); diff != "" {
					t.Errorf("%s: listed IDs (-want +got):\n%s", mode, diff)
				}
			}
		})
	}
}

// TestCustomAttributesConcurrency checks that custom attribute values are read one
// request per user, WithConcurrency at a time.
func TestCustomAttributesConcurrency(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{})
		var ids, items []string
		for i := range 10 {
			ids = append(ids, fmt.Sprint("u", i))
			items = append(items, userJSON(ids[i]))
		}
		mt.RegisterResponder("GET", apiBase+"/v1/users", jsonResponder(nil, http.StatusOK, listJSON(false, "", items...)))
		var mu sync.Mutex
		inFlight, peak, calls := 0, 0, 0
		mt.RegisterRegexpResponder("GET", regexp.MustCompile(`/v1/user/[^/]+/customAttributes$`), func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			calls++
			inFlight++
			peak = max(peak, inFlight)
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			id := strings.Split(req.URL.Path, "/")[3]
			return httpmock.NewStringResponse(http.StatusOK, listJSON(false, "",
				`{"id":"v-`+id+`","attribute":{"id":"a1","name":"Shoe size","type":"NUMBER"},"value":`+strings.TrimPrefix(id, "u")+`}`)), nil
		})
		users := collect(t, unified.Users(context.Background(), c.Directory(lattice.WithCustomAttributes(), lattice.WithConcurrency(3)), nil))
		if calls != 10 || peak != 3 {
			t.Errorf("%d custom attribute requests, %d at once; want 10, 3 at once (WithConcurrency(3))", calls, peak)
		}
		for i, u := range users {
			want := map[string]unified.Value{"a1": {Label: "Shoe size", Kind: unified.KindNumber, Number: float64(i)}}
			if diff := cmp.Diff(want, u.Custom); diff != "" {
				t.Errorf("user %s custom attributes (-want +got):\n%s", u.ID, diff)
			}
		}
	})
}

func TestCustomAttributes(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(6, 40))
	c := fakeClient(t, srv, nil)
	company := srv.Company()
	ctx := context.Background()

	users := collect(t, unified.Users(ctx, c.Directory(lattice.WithCustomAttributes(), lattice.WithConcurrency(3)), nil))
	if got := countPaths(srv, "/customAttributes"); got != len(company.People) {
		t.Errorf("%d custom attribute requests, want one per user (%d)", got, len(company.People))
	}
	byID := map[string]*latticetest.Person{}
	for i := range company.People {
		byID[company.People[i].LatticeID] = &company.People[i]
	}
	values := 0
	for _, u := range users {
		p := byID[u.ID]
		want := map[string]unified.Value{}
		for _, a := range company.Attributes {
			raw := p.Custom[a.Key]
			if raw == "" {
				continue
			}
			v := unified.Value{Label: a.LabelEN, Kind: unified.KindText, Text: raw}
			switch a.Type {
			case "date":
				d, err := unified.ParseDate(raw)
				if err != nil {
					t.Fatal(err)
				}
				v = unified.Value{Label: a.LabelEN, Kind: unified.KindDate, Date: d}
			case "integer", "decimal":
				f, err := strconv.ParseFloat(raw, 64)
				if err != nil {
					t.Fatal(err)
				}
				v = unified.Value{Label: a.LabelEN, Kind: unified.KindNumber, Number: f}
			case "tags":
				var l []string
				for _, s := range strings.Split(raw, ",") {
					l = append(l, strings.TrimSpace(s))
				}
				v = unified.Value{Label: a.LabelEN, Kind: unified.KindList, List: l}
			}
			want[a.LatticeID] = v
		}
		values += len(want)
		if diff := cmp.Diff(want, u.Custom, cmpEmptyMap); diff != "" {
			t.Errorf("user %s custom attributes (-want +got):\n%s", u.ID, diff)
		}
	}
	if values == 0 {
		t.Fatal("the company has no custom attribute values to check")
	}

	// A spec may name a custom attribute by its name once it has been seen (a name that
	// is also a label of a standard field, like "Title", names the standard field).
	var attr *fakecompany.CustomAttribute
	for i := range company.Attributes {
		if _, err := lattice.Catalog().Resolve(company.Attributes[i].LabelEN); err != nil {
			attr = &company.Attributes[i]
			break
		}
	}
	if attr == nil {
		t.Fatal("every custom attribute label is also a standard field label")
	}
	spec := lattice.DefaultSpec().With(mapping.Field{Target: "title", Sources: []string{attr.LabelEN}, Transforms: []mapping.Transform{mapping.Text()}})
	users = collect(t, unified.Users(ctx, c.Directory(lattice.WithCustomAttributes(), lattice.WithSpec(spec)), nil))
	matched := 0
	for _, u := range users {
		if v, ok := u.Custom[attr.LatticeID]; ok && v.String() != "" {
			matched++
			if u.Title != v.String() {
				t.Errorf("user %s title %q, want the %q attribute %q", u.ID, u.Title, attr.LabelEN, v.String())
			}
		}
	}
	if matched == 0 {
		t.Errorf("no user has the %q attribute", attr.LabelEN)
	}
}

// countPaths counts the GET requests whose path ends in suffix.
func countPaths(srv *latticetest.Server, suffix string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

var cmpEmptyMap = cmp.FilterValues(func(a, b map[string]unified.Value) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestDepartmentCache(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{})
		user := func(id, dept string) string {
			return strings.Replace(userJSON(id), `"department":null`, `"department":{"object":"department","id":"`+dept+`","url":"/v1/department/`+dept+`"}`, 1)
		}
		var mu sync.Mutex
		page := listJSON(false, "", user("u1", "d1"), user("u2", "d2"))
		mt.RegisterResponder("GET", apiBase+"/v1/users", func(*http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			return httpmock.NewStringResponse(http.StatusOK, page), nil
		})
		mt.RegisterResponder("GET", apiBase+"/v1/user/u1", jsonResponder(nil, http.StatusOK, user("u1", "d1")))
		mt.RegisterResponder("GET", apiBase+"/v1/departments", jsonResponder(nil, http.StatusOK,
			listJSON(false, "", `{"id":"d1","name":"Engineering"}`, `{"id":"d2","name":"Sales"}`)))
		mt.RegisterResponder("GET", apiBase+"/v1/department/d3", jsonResponder(nil, http.StatusOK, `{"id":"d3","name":"Skunkworks"}`))
		d := c.Directory(lattice.WithCacheTTL(time.Hour))
		ctx := context.Background()
		listings := func() int { return mt.GetCallCountInfo()["GET "+apiBase+"/v1/departments"] }
		departments := func() map[string]string {
			out := map[string]string{}
			for _, u := range collect(t, unified.Users(ctx, d, nil)) {
				out[u.ID] = u.Department.Name
			}
			return out
		}

		if diff := cmp.Diff(map[string]string{"u1": "Engineering", "u2": "Sales"}, departments()); diff != "" {
			t.Errorf("departments (-want +got):\n%s", diff)
		}
		departments()
		if _, err := d.GetUser(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		if got := listings(); got != 1 {
			t.Errorf("%d department listings for two listings and a GetUser, want 1", got)
		}
		time.Sleep(time.Hour)
		departments()
		if got := listings(); got != 2 {
			t.Errorf("%d department listings after the TTL, want 2", got)
		}
		d.Refresh()
		departments()
		if got := listings(); got != 3 {
			t.Errorf("%d department listings after Refresh, want 3", got)
		}

		// A department created after the names were cached is fetched on its own, once.
		mu.Lock()
		page = listJSON(false, "", user("u1", "d3"), user("u2", "d2"), user("u3", "d3"))
		mu.Unlock()
		if diff := cmp.Diff(map[string]string{"u1": "Skunkworks", "u2": "Sales", "u3": "Skunkworks"}, departments()); diff != "" {
			t.Errorf("departments (-want +got):\n%s", diff)
		}
		departments()
		if got := mt.GetCallCountInfo()["GET "+apiBase+"/v1/department/d3"]; got != 1 {
			t.Errorf("%d requests for the new department, want 1", got)
		}
		if got := listings(); got != 3 {
			t.Errorf("%d department listings, want still 3", got)
		}
	})
}

// rewriteFirst returns a body rewrite that replaces the first occurrence of old.
func rewriteFirst(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

func TestMappingErrors(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(12, 20))
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	fault := latticetest.Fault{Name: "odd status", Path: "/v1/users", Times: -1, Rewrite: rewriteFirst(`"status":"ACTIVE"`, `"status":"RETIRED"`)}
	srv.Inject(fault)

	var mu sync.Mutex
	var got []*mapping.RecordError
	d := c.Directory(lattice.WithMappingErrors(func(e *mapping.RecordError) {
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	}))
	users := collect(t, unified.Users(ctx, d, nil))
	if len(users) != 20 {
		t.Errorf("lenient: %d users, want all 20", len(users))
	}
	if len(got) != 1 || !strings.Contains(got[0].Error(), "RETIRED") {
		t.Fatalf("lenient: mapping errors %v, want one about the status", got)
	}
	for _, u := range users {
		if u.ID == got[0].RecordID && (u.Status != unified.StatusUnknown || u.Email == "") {
			t.Errorf("lenient: the failing user is %+v, want it with unknown status and the rest mapped", u)
		}
	}

	_, err := c.Directory(lattice.WithStrictMapping(true)).ListUsers(ctx, nil)
	var re *mapping.RecordError
	if !errors.As(err, &re) || re.RecordID != got[0].RecordID {
		t.Errorf("strict: err = %v, want the *mapping.RecordError of user %s", err, got[0].RecordID)
	}
}

func TestDirectoryInvalidOptions(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	badSpec := &mapping.Spec{Fields: []mapping.Field{{Target: "title", Sources: []string{"no such field"}}}}
	for name, opt := range map[string]lattice.DirectoryOption{
		"negative page size":   lattice.WithPageSize(-1),
		"negative concurrency": lattice.WithConcurrency(-1),
		"negative TTL":         lattice.WithCacheTTL(-time.Second),
		"spec that fails":      lattice.WithSpec(badSpec),
	} {
		d := c.Directory(opt)
		ctx := context.Background()
		_, err1 := d.ListUsers(ctx, nil)
		_, err2 := d.GetUser(ctx, "x")
		_, err3 := d.Me(ctx)
		_, err4 := unified.All(ctx, d, nil)
		for _, err := range []error{err1, err2, err3, err4} {
			if !errors.Is(err, unified.ErrInvalidConfig) {
				t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
			}
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests from misconfigured directories", n)
	}
}

func TestDirectoryMeGetUserRaw(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(13, 30))
	c := fakeClient(t, srv, nil)
	d := c.Directory(lattice.WithRaw())
	ctx := context.Background()
	me, err := d.Me(ctx)
	if err != nil || me.ID != srv.MeID() || me.Provider != "lattice" {
		t.Fatalf("Me = %+v, %v; want user %s", me, err, srv.MeID())
	}
	var raw struct {
		ID     string `json:"id"`
		Object string `json:"object"`
	}
	if err := json.Unmarshal(me.Raw, &raw); err != nil || raw.ID != me.ID || raw.Object != "user" {
		t.Errorf("Raw = %s (%v)", me.Raw, err)
	}
	for _, id := range []string{"", "..", "00000000-0000-4000-8000-000000000000"} {
		if _, err := d.GetUser(ctx, id); !errors.Is(err, unified.ErrNotFound) {
			t.Errorf("GetUser(%q) err = %v, want ErrNotFound", id, err)
		}
	}
	company := srv.Company()
	var leaver *latticetest.Person
	for i := range company.People {
		if p := &company.People[i]; p.LatticeStatus() == "DEACTIVATED" && p.SupervisorID != 0 {
			leaver = p
			break
		}
	}
	if leaver == nil {
		t.Fatal("no leaver with a manager in the company")
	}
	for _, names := range []bool{false, true} {
		d := d
		if names {
			d = c.Directory(lattice.WithManagerNames())
		}
		u, err := d.GetUser(ctx, leaver.LatticeID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(expected(srv, company, leaver, names), observed(u)); diff != "" {
			t.Errorf("leaver, manager names %v (-want +got):\n%s", names, diff)
		}
	}
	users := collect(t, unified.Users(ctx, d, nil))
	for _, u := range users {
		if !json.Valid(u.Raw) || !bytes.Contains(u.Raw, []byte(u.ID)) {
			t.Errorf("user %s Raw = %s", u.ID, u.Raw)
		}
	}
}

func TestPageSizes(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(14, 60))
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	limits := func() []string {
		var out []string
		for _, r := range srv.Requests() {
			if r.Path == "/v1/users" {
				out = append(out, r.Query.Get("limit"))
			}
		}
		srv.ResetRequests()
		return slices.Compact(out)
	}
	collect(t, unified.Users(ctx, c.Directory(lattice.WithPageSize(25)), nil))
	if got := limits(); !cmp.Equal(got, []string{"25"}) {
		t.Errorf("WithPageSize(25): limits %v", got)
	}
	collect(t, unified.Users(ctx, c.Directory(lattice.WithPageSize(25)), &unified.ListOptions{PageSize: 500}))
	if got := limits(); !cmp.Equal(got, []string{"100"}) {
		t.Errorf("PageSize 500: limits %v, want capped at 100", got)
	}
	if _, err := c.Directory().ListUsers(ctx, &unified.ListOptions{PageSize: -1}); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("negative page size: err = %v", err)
	}
}

func TestNameSplitIsLossy(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	mt.RegisterResponder("GET", apiBase+"/v1/user/u1", jsonResponder(nil, 200,
		`{"id":"u1","name":"Ada King Lovelace","preferredName":null,"email":"ada@example.com","status":"ACTIVE"}`))
	u, err := c.Directory().GetUser(context.Background(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	want := [3]string{"Ada", "King Lovelace", "Ada King Lovelace"}
	if got := [3]string{u.FirstName, u.LastName, u.DisplayName}; got != want {
		t.Errorf("first, last, display = %q, want %q", got, want)
	}
}

func TestManagerNames(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(15, 300))
	company := srv.Company()
	leavers := unified.Filter{Statuses: []unified.Status{unified.StatusInactive}}
	managers := map[int]bool{}
	for i := range company.People {
		if p := &company.People[i]; p.LatticeStatus() == "DEACTIVATED" && p.SupervisorID != 0 {
			managers[p.SupervisorID] = true
		}
	}
	tests := []struct {
		name        string
		opts        []lattice.DirectoryOption
		wantNames   bool // every manager reference has a name, else none has
		wantLookups int  // at most
	}{
		{"by ID by default", nil, false, 0},
		{"names", []lattice.DirectoryOption{lattice.WithManagerNames()}, true, len(managers)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the subtests share the server's request log.
			c := fakeClient(t, srv, nil)
			d := c.Directory(tt.opts...)
			var first []unified.User
			for run := range 2 { // cold, then warm: the same references
				srv.ResetRequests()
				users := collect(t, unified.Users(context.Background(), d, &unified.ListOptions{Filter: leavers}))
				if len(users) == 0 {
					t.Fatal("no leavers")
				}
				named := 0
				for _, u := range users {
					if u.Manager != nil && u.Manager.Name != "" && u.Manager.Email != "" {
						named++
					}
				}
				if want := map[bool]int{true: len(managersOf(users)), false: 0}[tt.wantNames]; named != want {
					t.Errorf("run %d: %d of %d manager references named, want %d", run, named, len(managersOf(users)), want)
				}
				got := srv.Count("GET", "/v1/user/*")
				switch {
				case run == 0 && (got > tt.wantLookups || (tt.wantNames && got == 0)):
					t.Errorf("%d lookups, want between 1 and %d", got, tt.wantLookups)
				case run == 1 && got != 0:
					t.Errorf("%d lookups with a warm cache, want none", got)
				}
				if run == 0 {
					first = users
				} else if diff := cmp.Diff(first, users); diff != "" {
					t.Errorf("warm listing differs from the cold one (-cold +warm):\n%s", diff)
				}
			}
		})
	}
}

func managersOf(us []unified.User) []string {
	var out []string
	for _, u := range us {
		if u.Manager != nil {
			out = append(out, u.Manager.ID)
		}
	}
	return out
}

func TestUserWithoutID(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	mt.RegisterResponder("GET", apiBase+"/v1/users", jsonResponder(nil, 200,
		listJSON(false, "", userJSON("u1"), `{"id":null,"name":"Ghost","email":"ghost@example.com","status":"ACTIVE"}`, userJSON("u2"))))
	var reported []*mapping.RecordError
	d := c.Directory(lattice.WithMappingErrors(func(e *mapping.RecordError) { reported = append(reported, e) }))
	p, err := d.ListUsers(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := userIDs(p.Users); !cmp.Equal(got, []string{"u1", "u2"}) {
		t.Errorf("users %v, want the two with an ID", got)
	}
	if len(reported) != 1 || !errors.Is(reported[0], mapping.ErrRequiredMissing) {
		t.Errorf("reported %v, want one error for the user without ID", reported)
	}
	if _, err := c.Directory(lattice.WithStrictMapping(true)).ListUsers(context.Background(), nil); !errors.Is(err, mapping.ErrRequiredMissing) {
		t.Errorf("strict: err = %v, want ErrRequiredMissing", err)
	}
}
