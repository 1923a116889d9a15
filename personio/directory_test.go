package personio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/mapping"
	. "github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

// modes are the two ways a Directory reads Personio.
var modes = []struct {
	name string
	opts []DirectoryOption
}{
	{"v1", nil},
	{"v2", []DirectoryOption{WithV2()}},
}

func companyIDs(c *personiotest.Company) []string {
	ids := make([]string, len(c.People))
	for i, p := range c.People {
		ids[i] = strconv.Itoa(p.ID)
	}
	return ids
}

func userIDs(us []unified.User) []string {
	ids := make([]string, len(us))
	for i := range us {
		ids[i] = us[i].ID
	}
	return ids
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

// checkResolved compares every user with the company the fake serves: each person exactly
// once, with manager, department, team, office and legal entity resolved.
func checkResolved(t *testing.T, users []unified.User, co *personiotest.Company, v2 bool) {
	t.Helper()
	if diff := cmp.Diff(slices.Sorted(slices.Values(companyIDs(co))), slices.Sorted(slices.Values(userIDs(users)))); diff != "" {
		t.Fatalf("listed ids (-want +got):\n%s", diff)
	}
	ref := func(id int, name string) *unified.Ref {
		if id == 0 {
			return nil
		}
		return &unified.Ref{ID: strconv.Itoa(id), Name: name}
	}
	bad := 0
	for i := range users {
		u := &users[i]
		id, _ := strconv.Atoi(u.ID)
		p := co.Person(id)
		want := struct{ Manager, Department, Team, Office, LegalEntity *unified.Ref }{}
		if s := co.Person(p.SupervisorID); s != nil {
			want.Manager = &unified.Ref{ID: strconv.Itoa(s.ID), Name: s.FullName(), Email: s.Email}
		}
		if d := co.Department(p.DepartmentID); d != nil {
			want.Department = ref(d.ID, d.Name)
		}
		if tm := co.Team(p.TeamID); tm != nil {
			want.Team = ref(tm.ID, tm.Name)
		}
		if o := co.Office(p.OfficeID); o != nil {
			want.Office = ref(o.ID, o.Name)
			if v2 {
				want.Office.Name = "" // v2 has no office endpoint: the id only
			}
		}
		if le := co.LegalEntity(p.LegalEntityID); le != nil {
			want.LegalEntity = ref(le.ID, le.Name)
		}
		got := struct{ Manager, Department, Team, Office, LegalEntity *unified.Ref }{u.Manager, u.Department, u.Team, u.Office, u.LegalEntity}
		if diff := cmp.Diff(want, got); diff != "" {
			if bad++; bad <= 3 {
				t.Errorf("user %s references (-want +got):\n%s", u.ID, diff)
			}
		}
		if u.Status != p.Status || u.EmploymentType.String() != p.EmploymentType || u.Email != p.Email || u.Provider != ProviderName {
			if bad++; bad <= 3 {
				t.Errorf("user %s: status %s/%s type %s/%s email %s/%s", u.ID, u.Status, p.Status, u.EmploymentType, p.EmploymentType, u.Email, p.Email)
			}
		}
	}
	if bad > 3 {
		t.Errorf("%d users differ in all", bad)
	}
}

// TestThousandPeople lists a generated 1,000-person company through unified.Users in
// both modes, and counts the requests of v1.
func TestThousandPeople(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(7, 1000))
	co := srv.Company()
	if n := len(co.People); n != 1000 {
		t.Fatalf("company has %d people", n)
	}
	t.Run("v2", func(t *testing.T) {
		c := fakeClient(t, srv, nil)
		users := collect(t, unified.Users(t.Context(), c.Directory(WithV2()), nil))
		checkResolved(t, users, co, true)
	})
	for name, seq := range map[string]func(d unified.Directory) func(func(unified.User, error) bool){
		"Users": func(d unified.Directory) func(func(unified.User, error) bool) {
			return unified.Users(t.Context(), d, nil)
		},
		"Pages": func(d unified.Directory) func(func(unified.User, error) bool) {
			return unified.PagedUsers(t.Context(), d, nil)
		},
	} {
		t.Run("v1/"+name, func(t *testing.T) {
			srv := newServer(t, personiotest.WithCompany(co))
			c := fakeClient(t, srv, nil)
			users := collect(t, seq(c.Directory()))
			checkResolved(t, users, co, false)
			counts := map[string]int{
				"auth":      srv.Count("POST", "/v1/auth"),
				"catalog":   srv.Count("GET", "/v1/company/employees/attributes"),
				"employees": srv.Count("GET", "/v1/company/employees"),
				"total":     len(srv.Requests()),
			}
			want := map[string]int{"auth": 1, "catalog": 1, "employees": 10, "total": 12}
			if diff := cmp.Diff(want, counts); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			for _, r := range srv.Requests() {
				if r.Path == "/v1/company/employees" && (r.Query.Get("limit") != "100" || r.Query.Get("offset") == "") {
					t.Errorf("list request without explicit limit and offset: %v", r.Query)
				}
			}
		})
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(3, 40))
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			c := fakeClient(t, srv, nil)
			directorytest.Run(t, c.Directory(m.opts...), &directorytest.Options{WantIDs: companyIDs(srv.Company())})
		})
	}
}

// TestStreamEqualsPages compares the fast path with plain paging, filters included.
func TestStreamEqualsPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(11, 230))
	filters := map[string]unified.Filter{
		"none":     {},
		"active":   {Statuses: []unified.Status{unified.StatusActive}},
		"external": {EmploymentTypes: []unified.EmploymentType{unified.EmploymentExternal}},
	}
	for _, m := range modes {
		for _, size := range []int{0, 17} {
			for fname, f := range filters {
				t.Run(fmt.Sprintf("%s/size%d/%s", m.name, size, fname), func(t *testing.T) {
					t.Parallel()
					c := fakeClient(t, srv, nil)
					d := c.Directory(append(slices.Clone(m.opts), WithConcurrency(3))...)
					opts := &unified.ListOptions{PageSize: size, Filter: f}
					want := collect(t, unified.PagedUsers(t.Context(), d, opts))
					got := collect(t, d.StreamUsers(t.Context(), opts))
					if len(want) == 0 {
						t.Fatal("empty listing")
					}
					if diff := cmp.Diff(userIDs(want), userIDs(got)); diff != "" {
						t.Errorf("stream vs pages (-pages +stream):\n%s", diff)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("users differ (-pages +stream):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestStreamStopsGoroutines breaks out of a stream while pages are in flight, and checks
// that nothing is left running.
func TestStreamStopsGoroutines(t *testing.T) {
	srv := newServer(t, personiotest.WithGenerated(5, 400), personiotest.WithLatency(5*time.Millisecond))
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			c := fakeClient(t, srv, nil)
			d := c.Directory(append(slices.Clone(m.opts), WithConcurrency(4))...)
			if _, err := d.Catalog(t.Context()); err != nil { // warm up outside the check
				t.Fatal(err)
			}
			ignore := goleak.IgnoreCurrent()
			n := 0
			for _, err := range d.StreamUsers(t.Context(), &unified.ListOptions{PageSize: 10}) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 15 {
					break // page 2 is being consumed; later pages are in flight
				}
			}
			CloseIdleConnections(c)
			goleak.VerifyNone(t, ignore,
				goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
				goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
				goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
		})
	}
}

func TestStreamCancellation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(5, 300), personiotest.WithLatency(2*time.Millisecond))
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			c := fakeClient(t, srv, nil)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var errs []error
			n := 0
			for _, err := range c.Directory(m.opts...).StreamUsers(ctx, &unified.ListOptions{PageSize: 10}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if n++; n == 12 {
					cancel()
				}
			}
			if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
				t.Errorf("errors = %v, want one context.Canceled", errs)
			}
			if n > 20 {
				t.Errorf("%d users, want none after the page being yielded when ctx ended (the 20th)", n)
			}
		})
	}
}

// TestPushDown checks which filters reach the API, and that the result is exact anyway.
func TestPushDown(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(2, 60))
	co := srv.Company()
	someone := co.People[len(co.People)/2]
	since := someone.UpdatedAt
	tests := []struct {
		name   string
		v2     bool
		filter unified.Filter
		path   string
		query  map[string]string // parameters the list request must carry ("" = must be absent)
	}{
		{"v1 one email", false, unified.Filter{Emails: []string{strings.ToUpper(someone.Email)}}, "/v1/company/employees",
			map[string]string{"email": someone.Email, "updated_since": ""}},
		{"v1 two emails", false, unified.Filter{Emails: []string{someone.Email, "nobody@example.com"}}, "/v1/company/employees",
			map[string]string{"email": ""}},
		{"v1 updated since", false, unified.Filter{UpdatedSince: since}, "/v1/company/employees",
			map[string]string{"updated_since": since.Add(-time.Second).UTC().Format(updatedSinceLayout), "attributes[]": ""}},
		{"v1 status stays client-side", false, unified.Filter{Statuses: []unified.Status{unified.StatusInactive}}, "/v1/company/employees",
			map[string]string{"status": "", "email": ""}},
		{"v2 status", true, unified.Filter{Statuses: []unified.Status{unified.StatusActive, unified.StatusLeave}}, "/v2/persons",
			map[string]string{"status": "ACTIVE"}},
		{"v2 inactive", true, unified.Filter{Statuses: []unified.Status{unified.StatusInactive}}, "/v2/persons",
			map[string]string{"status": "INACTIVE"}},
		{"v2 mixed status not pushed", true, unified.Filter{Statuses: []unified.Status{unified.StatusActive, unified.StatusInactive}}, "/v2/persons",
			map[string]string{"status": ""}},
		{"v2 updated since", true, unified.Filter{UpdatedSince: since}, "/v2/persons",
			map[string]string{"updated_at.gt": since.Add(-time.Second).UTC().Format(time.RFC3339)}},
		{"v2 emails", true, unified.Filter{Emails: []string{strings.ToUpper(someone.Email)}}, "/v2/persons",
			map[string]string{"email": strings.ToUpper(someone.Email) + "," + someone.Email}},
	}
	// The reference: every user, filtered client-side.
	all := map[bool][]unified.User{}
	for _, v2 := range []bool{false, true} {
		var opts []DirectoryOption
		if v2 {
			opts = append(opts, WithV2())
		}
		all[v2] = collect(t, unified.PagedUsers(t.Context(), fakeClient(t, srv, nil).Directory(opts...), nil))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, personiotest.WithCompany(co))
			var opts []DirectoryOption
			if tt.v2 {
				opts = append(opts, WithV2())
			}
			got := collect(t, unified.Users(t.Context(), fakeClient(t, srv, nil).Directory(opts...), &unified.ListOptions{Filter: tt.filter}))
			want := slices.DeleteFunc(slices.Clone(all[tt.v2]), func(u unified.User) bool { return !tt.filter.Match(&u) })
			if len(want) == 0 {
				t.Fatal("the filter selects nobody; the test data is too small")
			}
			if diff := cmp.Diff(userIDs(want), userIDs(got)); diff != "" {
				t.Errorf("filtered users (-want +got):\n%s", diff)
			}
			var list []personiotest.Request
			for _, r := range srv.Requests() {
				if r.Path == tt.path {
					list = append(list, r)
				}
			}
			if len(list) == 0 {
				t.Fatalf("no request to %s", tt.path)
			}
			q := list[0].Query
			for k, v := range tt.query {
				if got := q.Get(k); got != v {
					t.Errorf("%s = %q, want %q (query %v)", k, got, v, q)
				}
			}
		})
	}
}

// TestPagingHealsDeletion removes a person who was already listed, between two pages:
// everyone else is still listed exactly once.
func TestPagingHealsDeletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(c *personiotest.Company, read []unified.User) int // returns the id removed or hired
		hire    bool
		wantErr bool
	}{
		{"remove a person already read", func(c *personiotest.Company, read []unified.User) int {
			id, _ := strconv.Atoi(read[3].ID)
			mustDo(c.Remove(id))
			return id
		}, false, false},
		{"remove a person not yet read", func(c *personiotest.Company, read []unified.User) int {
			id := c.People[len(c.People)-3].ID
			mustDo(c.Remove(id))
			return id
		}, false, false},
		{"hire at the end", func(c *personiotest.Company, read []unified.User) int {
			return hire(c, 0)
		}, true, false},
		{"hire before the offset", func(c *personiotest.Company, read []unified.User) int {
			return hire(c, gapBefore(c, read))
		}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, personiotest.WithGenerated(4, 40))
			before := companyIDs(srv.Company())
			d := fakeClient(t, srv, nil).Directory()
			opts := &unified.ListOptions{PageSize: 10}
			p, err := d.ListUsers(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Clone(p.Users)
			var changed int
			srv.Mutate(func(c *personiotest.Company) { changed = tt.edit(c, got) })
			opts.Cursor = p.NextCursor
			var listErr error
			for opts.Cursor != "" {
				p, err := d.ListUsers(t.Context(), opts)
				if err != nil {
					listErr = err
					break
				}
				got = append(got, p.Users...)
				opts.Cursor = p.NextCursor
			}
			if tt.wantErr {
				if !errors.Is(listErr, unified.ErrInconsistentListing) {
					t.Fatalf("err = %v, want ErrInconsistentListing", listErr)
				}
				return
			}
			if listErr != nil {
				t.Fatal(listErr)
			}
			checkOnce(t, userIDs(got), before, strconv.Itoa(changed), tt.hire)
		})
	}
}

// TestStreamHealsDeletion removes people while parallel pages are in flight: whatever the
// timing, everyone who was never removed is listed exactly once.
func TestStreamHealsDeletion(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(6, 120), personiotest.WithLatency(time.Millisecond))
	before := companyIDs(srv.Company())
	d := fakeClient(t, srv, nil).Directory(WithConcurrency(4))
	var got []string
	var removed []string
	for u, err := range d.StreamUsers(t.Context(), &unified.ListOptions{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u.ID)
		if len(got) == 5 {
			srv.Mutate(func(c *personiotest.Company) {
				for _, i := range []int{2, 40} { // one read, one not yet read
					removed = append(removed, strconv.Itoa(c.People[i].ID))
					mustDo(c.Remove(c.People[i].ID))
				}
			})
		}
	}
	survivors := slices.DeleteFunc(slices.Clone(before), func(id string) bool { return slices.Contains(removed, id) })
	for _, id := range survivors {
		if n := count(got, id); n != 1 {
			t.Errorf("person %s listed %d times", id, n)
		}
	}
	for _, id := range removed {
		if n := count(got, id); n > 1 {
			t.Errorf("removed person %s listed %d times", id, n)
		}
	}
}

func count(ids []string, id string) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

// checkOnce checks that every id of before is listed once, except changed: a removed
// person may be listed once or not at all, a hired one must be listed once.
func checkOnce(t *testing.T, got, before []string, changed string, hired bool) {
	t.Helper()
	want := slices.Clone(before)
	if hired {
		want = append(want, changed)
	}
	for _, id := range want {
		n := count(got, id)
		if id == changed && !hired {
			if n > 1 {
				t.Errorf("removed person %s listed %d times", id, n)
			}
			continue
		}
		if n != 1 {
			t.Errorf("person %s listed %d times", id, n)
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			t.Errorf("unknown person %s listed", id)
		}
	}
}

func mustDo(err error) {
	if err != nil {
		panic(err)
	}
}

// hire adds a copy of the first person under a new id (0: after the last) and returns
// the id.
func hire(c *personiotest.Company, id int) int {
	p := c.People[len(c.People)-1]
	p.ID = id
	p.Email = fmt.Sprintf("new.hire.%d@%s", id, c.Domain)
	p.LatticeID, p.EmployeeNumber = "", ""
	p.FirstName, p.LastName = "New", fmt.Sprintf("Hire%d", id)
	hired, err := c.Hire(p)
	mustDo(err)
	return hired.ID
}

// gapBefore returns an unused id smaller than the largest id already read.
func gapBefore(c *personiotest.Company, read []unified.User) int {
	last, _ := strconv.Atoi(read[len(read)-1].ID)
	for id := last - 1; id > 0; id-- {
		if c.Person(id) == nil {
			return id
		}
	}
	panic("no gap in the ids")
}

// TestQuirks runs full listings against the known misbehaviours of the real API.
func TestQuirks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v2      bool
		quirks  personiotest.Quirks
		size    int
		loopErr bool
	}{
		{"v1 duplicate across pages", false, personiotest.Quirks{DuplicateAcrossPages: true}, 7, false},
		{"v1 string numbers", false, personiotest.Quirks{StringNumbers: true}, 0, false},
		{"v1 oversized pages", false, personiotest.Quirks{OversizedPages: true}, 7, false},
		{"v2 duplicate across pages", true, personiotest.Quirks{DuplicateAcrossPages: true}, 7, false},
		{"v2 relative next", true, personiotest.Quirks{RelativeNext: true}, 7, false},
		{"v2 upper-case custom types", true, personiotest.Quirks{}, 7, false},
		{"v2 oversized pages", true, personiotest.Quirks{OversizedPages: true}, 7, false},
		{"v2 empty page with next", true, personiotest.Quirks{EmptyPageWithNext: true}, 7, false},
		{"v2 last_working_date", true, personiotest.Quirks{LastWorkingDate: true}, 0, false},
		{"v2 self-referencing next", true, personiotest.Quirks{SelfReferencingNext: true}, 7, true},
		{"v2 backwards cursor", true, personiotest.Quirks{BackwardsCursor: true}, 7, true},
	}
	ref := newServer(t, personiotest.WithGenerated(8, 45))
	co := ref.Company()
	want := map[bool][]unified.User{}
	for _, v2 := range []bool{false, true} {
		var opts []DirectoryOption
		if v2 {
			opts = append(opts, WithV2())
		}
		want[v2] = collect(t, unified.PagedUsers(t.Context(), fakeClient(t, ref, nil).Directory(opts...), nil))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, personiotest.WithCompany(co), personiotest.WithQuirks(tt.quirks))
			var opts []DirectoryOption
			if tt.v2 {
				opts = append(opts, WithV2())
			}
			d := fakeClient(t, srv, nil).Directory(opts...)
			for name, seq := range map[string]func(func(unified.User, error) bool){
				"Pages": unified.PagedUsers(t.Context(), d, &unified.ListOptions{PageSize: tt.size}),
				"Users": unified.Users(t.Context(), d, &unified.ListOptions{PageSize: tt.size}),
			} {
				var got []unified.User
				var err error
				for u, e := range seq {
					if e != nil {
						err = e
						break
					}
					got = append(got, u)
				}
				if tt.loopErr {
					if !errors.Is(err, unified.ErrCursorLoop) {
						t.Errorf("%s: err = %v, want ErrCursorLoop", name, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if diff := cmp.Diff(want[tt.v2], got); diff != "" {
					t.Errorf("%s: users differ from a listing without quirks (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

func TestLegacyTokenRotation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(9, 250), personiotest.WithLegacyTokenRotation())
	d := fakeClient(t, srv, nil).Directory()
	users := collect(t, unified.Users(t.Context(), d, &unified.ListOptions{PageSize: 50}))
	if len(users) != 250 {
		t.Errorf("%d users, want 250", len(users))
	}
	if n := srv.Count("POST", "/v1/auth"); n != 1 {
		t.Errorf("%d token requests: rotated tokens should be adopted, not re-requested", n)
	}
}

func TestTokenExpiresMidListing(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			// 20 pages: more than the v1 listing reads ahead, so that pages are still to be
			// requested when the token expires.
			srv := newServer(t, personiotest.WithGenerated(9, 200))
			d := fakeClient(t, srv, nil).Directory(m.opts...)
			n := 0
			for _, err := range unified.Users(t.Context(), d, &unified.ListOptions{PageSize: 10}) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 15 {
					srv.ExpireTokens()
				}
			}
			if n != 200 {
				t.Errorf("%d users, want 200", n)
			}
			if got := srv.TokensIssued(); got < 2 || got > 3 {
				t.Errorf("%d tokens issued, want a refresh after the expiry", got)
			}
		})
	}
}

func TestMappingPolicy(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(10, 40))
	co := srv.Company()
	noTeam := 0
	for _, p := range co.People {
		if p.TeamID == 0 {
			noTeam++
		}
	}
	if noTeam == 0 {
		t.Fatal("everyone has a team; the test needs someone without")
	}
	spec := DefaultSpec().With(mapping.Field{Target: "team", Sources: []string{"team"}, Required: true})
	for _, m := range modes {
		t.Run(m.name+"/lenient", func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var reported []string
			d := fakeClient(t, srv, nil).Directory(append(slices.Clone(m.opts), WithSpec(spec), WithMappingErrors(func(e *mapping.RecordError) {
				mu.Lock()
				reported = append(reported, e.RecordID)
				mu.Unlock()
			}))...)
			users := collect(t, unified.Users(t.Context(), d, nil))
			if len(users) != len(co.People) {
				t.Errorf("%d users, want every one of %d", len(users), len(co.People))
			}
			if len(reported) != noTeam {
				t.Errorf("%d records reported, want %d", len(reported), noTeam)
			}
			for _, u := range users {
				if slices.Contains(reported, u.ID) && (u.Email == "" || u.Status == unified.StatusUnknown) {
					t.Errorf("user %s lost the fields that did map: %+v", u.ID, u)
				}
			}
		})
		t.Run(m.name+"/strict", func(t *testing.T) {
			t.Parallel()
			d := fakeClient(t, srv, nil).Directory(append(slices.Clone(m.opts), WithSpec(spec), WithStrictMapping(true))...)
			_, err := unified.All(t.Context(), d, nil)
			var re *mapping.RecordError
			if !errors.As(err, &re) || !errors.Is(err, mapping.ErrRequiredMissing) {
				t.Errorf("err = %v, want a *mapping.RecordError for the missing team", err)
			}
		})
	}
}

func TestRawAndProjection(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(12, 20))
	for _, raw := range []bool{false, true} {
		for _, m := range modes {
			t.Run(fmt.Sprintf("%s/raw=%v", m.name, raw), func(t *testing.T) {
				srv.ResetRequests()
				opts := slices.Clone(m.opts)
				if raw {
					opts = append(opts, WithRaw())
				}
				users := collect(t, unified.PagedUsers(t.Context(), fakeClient(t, srv, nil).Directory(opts...), nil))
				for _, u := range users {
					if raw != (len(u.Raw) > 0) {
						t.Fatalf("user %s Raw = %q", u.ID, u.Raw)
					}
					if raw {
						var probe map[string]json.RawMessage
						if err := json.Unmarshal(u.Raw, &probe); err != nil {
							t.Fatalf("Raw is not JSON: %v", err)
						}
						key := "attributes"
						if m.name == "v2" {
							key = "person"
						}
						if _, ok := probe[key]; !ok {
							t.Errorf("Raw lacks %q: %s", key, u.Raw)
						}
					}
				}
				if m.name != "v1" {
					return
				}
				for _, r := range srv.Requests() {
					if r.Path != "/v1/company/employees" {
						continue
					}
					attrs := r.Query["attributes[]"]
					if raw {
						if len(attrs) != 0 {
							t.Errorf("WithRaw still projects: %v", attrs)
						}
						continue
					}
					for _, k := range []string{"id", "first_name", "status", "supervisor", "department", "hire_date", "dynamic_24407"} {
						if !slices.Contains(attrs, k) {
							t.Errorf("attributes[] lacks %s: %v", k, attrs)
						}
					}
					for _, k := range []string{"fix_salary", "absence_entitlement", "work_schedule"} {
						if slices.Contains(attrs, k) {
							t.Errorf("attributes[] asks for %s, which the mapping does not read", k)
						}
					}
				}
			})
		}
	}
}

func TestGetUserAndMe(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(13, 20))
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			c := fakeClient(t, srv, nil)
			d := c.Directory(m.opts...)
			if _, err := d.Me(t.Context()); !errors.Is(err, unified.ErrUnsupported) {
				t.Errorf("Me: %v", err)
			}
			before := len(srv.Requests())
			for _, id := range []string{"abc", "-1", "0", "0010001", "1e3", "", "10001/../1", " 10001"} {
				if _, err := d.GetUser(t.Context(), id); !errors.Is(err, unified.ErrNotFound) {
					t.Errorf("GetUser(%q) = %v, want ErrNotFound", id, err)
				}
			}
			if n := len(srv.Requests()) - before; n != 0 {
				t.Errorf("%d requests for ids that cannot exist", n)
			}
			if _, err := d.GetUser(t.Context(), "999999"); !errors.Is(err, unified.ErrNotFound) {
				t.Errorf("unknown id: %v", err)
			}
			id := strconv.Itoa(srv.Company().People[2].ID)
			u, err := d.GetUser(t.Context(), id)
			if err != nil || u.ID != id || u.Provider != ProviderName {
				t.Errorf("GetUser(%s) = %+v, %v", id, u, err)
			}
		})
	}
}

func TestWithoutOrgUnitList(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(14, 80), personiotest.WithoutOrgUnitList())
	d := fakeClient(t, srv, nil).Directory(WithV2())
	users := collect(t, unified.Users(t.Context(), d, nil))
	checkResolved(t, users, srv.Company(), true)
	units := map[string]bool{}
	for _, u := range users {
		if u.Department != nil {
			units["d"+u.Department.ID] = true
		}
		if u.Team != nil {
			units["t"+u.Team.ID] = true
		}
	}
	if got := srv.Count("GET", "/v2/org-units/*"); got != len(units) {
		t.Errorf("%d org-unit requests, want one per unit (%d): names must be cached", got, len(units))
	}
}

// TestRateLimitedServer lists, in virtual time, through a server that allows 20
// requests/s (burst 2) with a client that sends up to 30/s (burst 4), four at once: the
// server answers 429 now and then, every page gets through on a retry, within its budget
// of attempts, and every person is listed once, in order.
func TestRateLimitedServer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, func(c *Config) {
			c.MaxAttempts, c.MinWait, c.MaxWait = 10, 20*time.Millisecond, 100*time.Millisecond
			c.RateLimit, c.Burst = 30, 4
		})
		server := rate.NewLimiter(20, 2)
		log := mockEmployees(mt, 150, func(req *http.Request, _ int) *http.Response {
			if !server.Allow() {
				return newResponse(req, 429, `{"success":false,"error":{"code":429,"message":"Too Many Requests"}}`)
			}
			return nil
		})
		users := collect(t, unified.Users(t.Context(), c.Directory(WithConcurrency(4)), &unified.ListOptions{PageSize: 10}))
		if diff := cmp.Diff(seqIDs(1, 150), userIDs(users)); diff != "" {
			t.Errorf("ids (-want +got):\n%s", diff)
		}
		if log.Status(429) == 0 {
			t.Error("the server never answered 429; the test does not exercise retries")
		}
		for off, n := range log.ByOffset() {
			if n > 10 {
				t.Errorf("offset %d requested %d times, more than MaxAttempts", off, n)
			}
		}
	})
}

// TestPageRetryBudget fails one page of a parallel v1 listing in each way a response can
// fail: the page is requested at most MaxAttempts (3) times in all, or once when its body
// is JSON of the wrong shape, and the listing ends with one error.
func TestPageRetryBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string // the answer for offset 20; "" is a 502 gateway page
		sentinel error
		requests int
	}{
		{"bad gateway", "", unified.ErrUnavailable, 3},
		{"cut body", `{"success":true,"metadata":{"total_elements":50},"data":[{"type":"Employee","attr`, unified.ErrUnavailable, 3},
		{"not JSON", `<html><body>Service Unavailable</body></html>`, unified.ErrUnavailable, 3},
		{"wrong shape", `{"success":true,"metadata":{"total_elements":50},"data":[{"type":"Employee","attributes":{"id":5}}]}`, nil, 1},
		{"bad total", `{"success":true,"metadata":{"total_elements":"many"},"data":[]}`, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, mt := mockClient(t, nil)
				log := mockEmployees(mt, 50, func(req *http.Request, off int) *http.Response {
					switch {
					case off != 20:
						return nil
					case tt.body == "":
						return newResponse(req, 502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, "Content-Type", "text/html")
					}
					return newResponse(req, 200, tt.body)
				})
				var errs []error
				n := 0
				for _, err := range unified.Users(t.Context(), c.Directory(WithConcurrency(4)), &unified.ListOptions{PageSize: 10}) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					n++
				}
				if len(errs) != 1 {
					t.Fatalf("errors = %v, want one", errs)
				}
				if tt.sentinel != nil && !errors.Is(errs[0], tt.sentinel) {
					t.Errorf("err = %v, want %v", errs[0], tt.sentinel)
				}
				if n != 20 {
					t.Errorf("%d users before the error, want the 20 of the pages before", n)
				}
				if got := log.ByOffset()[20]; got != tt.requests {
					t.Errorf("offset 20 requested %d times, want %d", got, tt.requests)
				}
				if s := errs[0].Error(); strings.Count(s, "personio:") != 1 {
					t.Errorf("error text should have one provider prefix: %s", s)
				}
			})
		})
	}
}

func TestWhitelistAndCheck(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(16, 10),
		personiotest.WithAttributes("first_name", "last_name", "email", "employment_type", "department"),
		personiotest.WithLanguage("de"))
	var reported int
	d := fakeClient(t, srv, nil).Directory(WithMappingErrors(func(*mapping.RecordError) { reported++ }))
	rep, err := d.Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !strings.Contains(rep.String(), "status") {
		t.Errorf("Check should report the missing status attribute:\n%s", rep)
	}
	users := collect(t, unified.Users(t.Context(), d, nil))
	if len(users) != 10 || reported != 10 {
		t.Errorf("%d users, %d reported; want all 10 returned and reported (status is required)", len(users), reported)
	}
	if users[0].Email == "" || users[0].Department == nil || users[0].Manager != nil {
		t.Errorf("whitelisted fields should map, the others stay empty: %+v", users[0])
	}
}

// TestStreamShortFirstPage serves a first page one record short of its limit while its
// total says there is more: the pages requested ahead from that total (a step of a full
// page) do not fit, and the listing plans again from where the first page really ended.
// Every person is listed once, in order.
func TestStreamShortFirstPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(17, 230), personiotest.WithLatency(2*time.Millisecond))
	srv.Inject(personiotest.Fault{
		Method: "GET", Path: "/v1/company/employees",
		Match: func(r *http.Request) bool { return r.URL.Query().Get("offset") == "0" },
		Rewrite: func(body []byte) []byte {
			var page map[string]json.RawMessage
			var data []json.RawMessage
			if json.Unmarshal(body, &page) != nil || json.Unmarshal(page["data"], &data) != nil || len(data) == 0 {
				return body
			}
			page["data"], _ = json.Marshal(data[:len(data)-1]) // metadata now follows data
			out, _ := json.Marshal(page)
			return out
		},
	})
	d := fakeClient(t, srv, nil).Directory(WithConcurrency(4))
	users := collect(t, unified.Users(t.Context(), d, &unified.ListOptions{PageSize: 20}))
	if diff := cmp.Diff(companyIDs(srv.Company()), userIDs(users)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if n := srv.PendingFaults(); n != 0 {
		t.Errorf("%d faults not applied", n)
	}
}

// TestStreamParallelWithRepeatedRecords lists through a server that starts every page
// after the first with the last record of the page before (one record more than asked
// for): the listing stays parallel, so every page is requested once, and every person is
// listed once, in order.
func TestStreamParallelWithRepeatedRecords(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(18, 120), personiotest.WithLatency(2*time.Millisecond),
		personiotest.WithQuirks(personiotest.Quirks{DuplicateAcrossPages: true}))
	d := fakeClient(t, srv, nil).Directory(WithConcurrency(4))
	users := collect(t, unified.Users(t.Context(), d, &unified.ListOptions{PageSize: 10}))
	if diff := cmp.Diff(companyIDs(srv.Company()), userIDs(users)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	offsets := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Method == "GET" && r.Path == "/v1/company/employees" {
			offsets[r.Query.Get("offset")]++
		}
	}
	if len(offsets) != 12 {
		t.Errorf("requested offsets %v, want the 12 pages", offsets)
	}
	for off, n := range offsets {
		if n != 1 {
			t.Errorf("offset %s requested %d times, want once", off, n)
		}
	}
}

// TestFollowNext drives the one next-link follower of the v2 lookups and the webhook
// lists through GET /v2/legal-entities: it follows relative and absolute links on the API
// origin until there is none, starting from a given link; it fails with ErrCursorLoop on
// a link that comes again (however it is spelled) or after maxLinkPages pages, and with
// ErrInvalidCursor, sending nothing there, on a link to another origin.
func TestFollowNext(t *testing.T) {
	t.Parallel()
	const path = "/v2/legal-entities"
	tests := []struct {
		name     string
		start    string
		next     map[string]string // the next link of the page of each cursor ("" for the first)
		endless  bool              // every page links to a new one
		want     []string          // the cursors of the pages read, in order
		wantErr  []error
		requests int
	}{
		{name: "relative and absolute links",
			next: map[string]string{"": path + "?cursor=c2", "c2": testBase + path + "?cursor=c3", "c3": "v2/legal-entities?cursor=c4", "c4": ""},
			want: []string{"", "c2", "c3", "c4"}, requests: 4},
		{name: "one page", next: map[string]string{"": ""}, want: []string{""}, requests: 1},
		{name: "from a given link", start: testBase + path + "?cursor=c3",
			next: map[string]string{"c3": path + "?cursor=c4", "c4": ""},
			want: []string{"c3", "c4"}, requests: 2},
		{name: "a link that repeats, spelled otherwise",
			next:    map[string]string{"": path + "?cursor=c2", "c2": path + "?cursor=c3", "c3": "HTTPS://API.Personio.de:443" + path + "?cursor=c2#x"},
			want:    []string{"", "c2", "c3"},
			wantErr: []error{unified.ErrCursorLoop}, requests: 3},
		{name: "a link back to the start", start: path + "?cursor=c2",
			next:    map[string]string{"c2": path + "?cursor=c3", "c3": testBase + path + "?cursor=c2"},
			want:    []string{"c2", "c3"},
			wantErr: []error{unified.ErrCursorLoop}, requests: 2},
		{name: "a link to itself", next: map[string]string{"": path + "?cursor=c2", "c2": path + "?cursor=c2"},
			want: []string{"", "c2"}, wantErr: []error{unified.ErrCursorLoop}, requests: 2},
		{name: "a link to another host", next: map[string]string{"": "https://evil.example" + path + "?cursor=c2"},
			want: []string{""}, wantErr: []error{unified.ErrInvalidCursor, transport.ErrForeignOrigin}, requests: 1},
		{name: "a link to another scheme", next: map[string]string{"": "http://api.personio.de" + path + "?cursor=c2"},
			want: []string{""}, wantErr: []error{unified.ErrInvalidCursor, transport.ErrForeignOrigin}, requests: 1},
		{name: "a scheme-relative link to another host", next: map[string]string{"": "//evil.example" + path + "?cursor=c2"},
			want: []string{""}, wantErr: []error{unified.ErrInvalidCursor, transport.ErrForeignOrigin}, requests: 1},
		{name: "a start on another host", start: "https://evil.example" + path + "?cursor=c2",
			wantErr: []error{unified.ErrInvalidCursor, transport.ErrForeignOrigin}, requests: 0},
		{name: "links without end", endless: true, wantErr: []error{unified.ErrCursorLoop}, requests: maxLinkPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, func(c *Config) { c.MaxAttempts = 1 })
			registerTokens(mt)
			mt.RegisterResponder(http.MethodGet, testBase+path, func(req *http.Request) (*http.Response, error) {
				cur := req.URL.Query().Get("cursor")
				next, ok := tt.next[cur]
				if tt.endless {
					n, _ := strconv.Atoi(cur)
					next, ok = path+"?cursor="+strconv.Itoa(n+1), true
				}
				if !ok {
					return newResponse(req, 404, `{"errors":[{"title":"Not Found"}]}`), nil
				}
				body := `{"_data":[{"id":"` + cur + `","name":"n"}]`
				if next != "" {
					body += `,"_meta":{"links":{"next":{"href":"` + next + `"}}}`
				}
				return newResponse(req, 200, body+"}"), nil
			})
			var got []string
			var err error
			errs := 0
			for le, e := range followNext(t.Context(), c, "GET "+path, tt.start, func(ctx context.Context, next string) ([]LegalEntity, string, error) {
				p, err := c.ListLegalEntities(ctx, &ListLegalEntitiesOptions{Next: next})
				if err != nil {
					return nil, "", err
				}
				return p.LegalEntities, p.Next, nil
			}) {
				if e != nil {
					err, errs = e, errs+1
					continue
				}
				got = append(got, le.ID)
			}
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if tt.wantErr == nil && err != nil {
				t.Errorf("err = %v, want nil", err)
			}
			if errs > 1 {
				t.Errorf("%d errors yielded, want one at most", errs)
			}
			if tt.endless && len(got) != maxLinkPages {
				t.Errorf("%d pages read, want %d", len(got), maxLinkPages)
			} else if diff := cmp.Diff(tt.want, got); !tt.endless && diff != "" {
				t.Errorf("pages read (-want +got):\n%s", diff)
			}
			// Every request but the token's, those to other hosts included.
			if n := mt.GetTotalCallCount() - mt.GetCallCountInfo()["POST "+testBase+"/v2/auth/token"]; n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

// TestCatalogReadOnce has 20 goroutines ask a new Directory for its catalog at once, in
// virtual time: one request reads it, and a read that failed is not kept.
func TestCatalogReadOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, func(c *Config) { c.MaxAttempts = 1 })
		registerTokens(mt)
		var calls atomic.Int64
		mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees/attributes", func(req *http.Request) (*http.Response, error) {
			time.Sleep(time.Second) // the round trip, in the bubble's time
			if calls.Add(1) == 1 {
				return newResponse(req, 503, `{"success":false,"error":{"code":503,"message":"Service Unavailable"}}`), nil
			}
			return newResponse(req, 200, `{"success":true,"data":[{"key":"dynamic_1","label":"Titel","type":"standard"}]}`), nil
		})
		d := c.Directory()
		for round, wantErr := range []bool{true, false} {
			var wg sync.WaitGroup
			var failed atomic.Int64
			for range 20 {
				wg.Go(func() {
					if _, err := d.Catalog(t.Context()); err != nil {
						failed.Add(1)
					}
				})
			}
			wg.Wait()
			if got, want := failed.Load(), map[bool]int64{true: 20, false: 0}[wantErr]; got != want {
				t.Errorf("round %d: %d callers failed, want %d", round, got, want)
			}
			if got := calls.Load(); got != int64(round+1) {
				t.Errorf("round %d: %d catalog requests, want %d", round, got, round+1)
			}
		}
		if _, err := d.Catalog(t.Context()); err != nil || calls.Load() != 2 {
			t.Errorf("a later call: %v after %d requests, want the kept catalog", err, calls.Load())
		}
	})
}

// inflight is a transport that records the most requests it has had in flight at once.
type inflight struct {
	rt       http.RoundTripper
	mu       sync.Mutex
	now, max int
}

func (f *inflight) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	return f.rt.RoundTrip(req)
}

// TestConcurrencyBound streams both modes with WithConcurrency 1 and 3 and checks the
// most requests in flight at once: the bound, and in v2 one more for the next persons
// page; WithConcurrency 1 runs one request at a time.
func TestConcurrencyBound(t *testing.T) {
	t.Parallel()
	srv := newServer(t, personiotest.WithGenerated(19, 200), personiotest.WithLatency(2*time.Millisecond))
	for _, m := range modes {
		for _, conc := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d", m.name, conc), func(t *testing.T) {
				t.Parallel()
				tr := &inflight{rt: srv.Client().Transport}
				d := fakeClient(t, srv, func(c *Config) { c.HTTPClient = &http.Client{Transport: tr} }).Directory(append(slices.Clone(m.opts), WithConcurrency(conc))...)
				users := collect(t, d.StreamUsers(t.Context(), &unified.ListOptions{PageSize: 20}))
				if len(users) != 200 {
					t.Errorf("%d users, want 200", len(users))
				}
				limit := conc
				if m.name == "v2" && conc > 1 {
					limit++ // the next persons page
				}
				if tr.max > limit {
					t.Errorf("%d requests in flight at once, want at most %d", tr.max, limit)
				}
			})
		}
	}
}
