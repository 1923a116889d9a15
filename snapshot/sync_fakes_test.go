package snapshot_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// syncScenario is what HR changed between two syncs, by Personio employee id.
type syncScenario struct {
	Hired, Terminated, Moved, Removed int
	// ReportsOfRemoved are the removed manager's direct reports, who now report to
	// the removed manager's own manager.
	ReportsOfRemoved []int
}

// latestUpdate returns the latest UpdatedAt of the company's people.
func latestUpdate(c *fakecompany.Company) time.Time {
	var t time.Time
	for i := range c.People {
		if c.People[i].UpdatedAt.After(t) {
			t = c.People[i].UpdatedAt
		}
	}
	return t
}

// applyScenario hires one person, terminates one, moves one to another department and
// removes a manager who has reports, all at the given time. The people are chosen from
// the company's data, so the same company gives the same scenario.
func applyScenario(c *fakecompany.Company, at time.Time) (syncScenario, error) {
	var sc syncScenario
	hasReports := map[int]bool{}
	for i := range c.People {
		hasReports[c.People[i].SupervisorID] = true
	}
	// Active people who manage nobody and have a manager and a department.
	var plain []*fakecompany.Person
	var managers []*fakecompany.Person
	for i := range c.People {
		p := &c.People[i]
		if p.Status != unified.StatusActive || p.SupervisorID == 0 || p.DepartmentID == 0 {
			continue
		}
		if hasReports[p.ID] {
			managers = append(managers, p)
		} else {
			plain = append(plain, p)
		}
	}
	if len(plain) < 2 || len(managers) < 1 {
		return sc, fmt.Errorf("the company has %d plain people and %d managers", len(plain), len(managers))
	}
	terminated, moved, removed := plain[0].ID, plain[1].ID, managers[len(managers)-1].ID
	// The mover goes to a team of another department, under a manager there.
	mover := plain[1]
	var dept, team, boss int
	for _, t := range c.Teams {
		if t.DepartmentID == mover.DepartmentID {
			continue
		}
		for i := range c.People {
			q := &c.People[i]
			if q.DepartmentID == t.DepartmentID && hasReports[q.ID] && q.Status == unified.StatusActive &&
				q.ID != removed && q.ID != mover.SupervisorID {
				dept, team, boss = t.DepartmentID, t.ID, q.ID
				break
			}
		}
		if boss != 0 {
			break
		}
	}
	if boss == 0 {
		return sc, fmt.Errorf("no manager in another department for person %d", moved)
	}
	sc.Terminated, sc.Moved, sc.Removed = terminated, moved, removed
	sc.ReportsOfRemoved = c.DirectReports(removed)
	if err := c.Terminate(terminated, fakecompany.DefaultToday(), at); err != nil {
		return sc, err
	}
	if err := c.Move(moved, dept, team, boss, at); err != nil {
		return sc, err
	}
	if err := c.Remove(removed); err != nil {
		return sc, err
	}
	hired, err := c.Hire(fakecompany.Person{
		FirstName: "Nora", LastName: "Neumeier", Position: "Data Engineer",
		DepartmentID: dept, TeamID: team, SupervisorID: boss,
		HireDate: fakecompany.DefaultToday(), CreatedAt: at, UpdatedAt: at,
	})
	if err != nil {
		return sc, err
	}
	sc.Hired = hired.ID
	return sc, nil
}

// changeSummary is the gist of a Changes: who joined, left (and why), moved or changed
// (and which fields).
type changeSummary struct {
	Joined  []string
	Left    map[string]string
	Moved   map[string][]string
	Changed map[string][]string
}

func summarize(c *snapshot.Changes) changeSummary {
	s := changeSummary{Left: map[string]string{}, Moved: map[string][]string{}, Changed: map[string][]string{}}
	for _, ch := range c.Joined {
		s.Joined = append(s.Joined, ch.User.ID)
	}
	for _, l := range c.Left {
		s.Left[l.User.ID] = l.Reason.String()
	}
	fields := func(ch snapshot.Change) []string {
		var out []string
		for _, f := range ch.Fields {
			out = append(out, f.Field)
		}
		return out
	}
	for _, ch := range c.Moved {
		s.Moved[ch.User.ID] = fields(ch)
	}
	for _, ch := range c.Changed {
		s.Changed[ch.User.ID] = fields(ch)
	}
	return s
}

// want returns the summary of the scenario's changes, with the users' IDs given by id and
// the fields a mover changes.
func (sc syncScenario) want(id func(int) string, moveFields []string, withRemoval bool) changeSummary {
	s := changeSummary{
		Joined:  []string{id(sc.Hired)},
		Left:    map[string]string{id(sc.Terminated): "deactivated"},
		Moved:   map[string][]string{id(sc.Moved): moveFields},
		Changed: map[string][]string{},
	}
	for _, r := range sc.ReportsOfRemoved {
		s.Moved[id(r)] = []string{"manager"}
	}
	if withRemoval {
		s.Left[id(sc.Removed)] = "removed"
	}
	return s
}

// Personio filters by update time on the server: the second sync is incremental, makes
// one updated-since request, and sees everything but the removal, which the third (full)
// sync reports.
func TestSyncPersonio(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 60))
	c, err := personio.New(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Directory()
	t0 := latestUpdate(srv.Company()).Add(time.Hour).Truncate(time.Second)
	opts := &snapshot.SyncOptions{Now: syncClock(t0), Diff: []snapshot.Option{snapshot.AsOf(fakecompany.DefaultToday())}}

	first, err := snapshot.Sync(ctx, dir, nil, firstRun(opts))
	if err != nil {
		t.Fatal(err)
	}
	if first.Mode != snapshot.SyncFull || len(first.Users) != 60 || len(first.Changes.Left) != 0 {
		t.Fatalf("first sync: %s, %d users, %d leavers; want full, 60 users, no leavers", first.Mode, len(first.Users), len(first.Changes.Left))
	}

	var sc syncScenario
	srv.Mutate(func(c *personiotest.Company) { sc, err = applyScenario(c, t0.Add(time.Hour)) })
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	opts.Now = syncClock(t0.Add(2 * time.Hour))
	inc, err := snapshot.Sync(ctx, dir, first.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Mode != snapshot.SyncIncremental || !inc.Since.Equal(t0.Add(-snapshot.DefaultOverlap)) {
		t.Errorf("second sync: %s since %v, want incremental since %v", inc.Mode, inc.Since, t0.Add(-snapshot.DefaultOverlap))
	}
	// One request, for the people updated since the bound (whole seconds, not later
	// than the bound).
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
		if r.Path != "/v1/company/employees" {
			continue
		}
		got, err := time.Parse("2006-01-02T15:04:05", r.Query.Get("updated_since"))
		if err != nil || got.After(inc.Since) || got.Before(inc.Since.Add(-time.Minute)) {
			t.Errorf("updated_since=%q, want a time within a minute before %v", r.Query.Get("updated_since"), inc.Since.UTC())
		}
	}
	if diff := cmp.Diff([]string{"GET /v1/company/employees"}, paths); diff != "" {
		t.Errorf("requests of the incremental sync (-want +got):\n%s", diff)
	}
	// The removed manager's reports were updated (their manager changed); the mover, the
	// leaver and the hire; nobody else.
	if want := 3 + len(sc.ReportsOfRemoved); inc.Fetched != want {
		t.Errorf("incremental sync fetched %d users, want %d", inc.Fetched, want)
	}
	id := strconv.Itoa
	want := sc.want(id, []string{"department", "team", "manager"}, false)
	if diff := cmp.Diff(want, summarize(inc.Changes)); diff != "" {
		t.Errorf("incremental changes (-want +got):\n%s", diff)
	}
	if !slices.ContainsFunc(inc.Users, func(u unified.User) bool { return u.ID == id(sc.Removed) }) {
		t.Errorf("the incremental state lost user %d: an updated-since listing cannot tell it was removed", sc.Removed)
	}

	// The next full pass finds the removal, and nothing else.
	srv.ResetRequests()
	opts.Now, opts.ForceFull = syncClock(t0.Add(3*time.Hour)), true
	full, err := snapshot.Sync(ctx, dir, inc.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want = changeSummary{Left: map[string]string{id(sc.Removed): "removed"}, Moved: map[string][]string{}, Changed: map[string][]string{}}
	if diff := cmp.Diff(want, summarize(full.Changes)); diff != "" {
		t.Errorf("full pass changes (-want +got):\n%s", diff)
	}
	for _, r := range srv.Requests() {
		if r.Query.Has("updated_since") {
			t.Errorf("the full pass sent updated_since: %s %s?%s", r.Method, r.Path, r.Query.Encode())
		}
	}
	if len(full.Users) != 60 { // 60 - 1 removed + 1 hired
		t.Errorf("full pass: %d users, want 60", len(full.Users))
	}
}

// Lattice has no updated-since query: every sync is a full pass, which sees the removal
// at once.
func TestSyncLattice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(3, 60))
	c, err := lattice.New(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	t0 := latestUpdate(srv.Company()).Add(time.Hour).Truncate(time.Second)
	opts := &snapshot.SyncOptions{Now: syncClock(t0), Diff: []snapshot.Option{snapshot.AsOf(fakecompany.DefaultToday())}}
	// A new Directory per run, as a nightly job has: a long-lived one learns more
	// managers' names as it reads, and those would show as changes.
	first, err := snapshot.Sync(ctx, c.Directory(), nil, firstRun(opts))
	if err != nil {
		t.Fatal(err)
	}

	var sc syncScenario
	srv.Mutate(func(c *latticetest.Company) { sc, err = applyScenario(c, t0.Add(time.Hour)) })
	if err != nil {
		t.Fatal(err)
	}
	co := srv.Company()
	latticeID := func(n int) string {
		if p := co.Person(n); p != nil {
			return p.LatticeID
		}
		for _, u := range first.Users { // the removed person
			if u.ExternalID == strconv.Itoa(n) {
				return u.ID
			}
		}
		t.Fatalf("no Lattice user for person %d", n)
		return ""
	}
	srv.ResetRequests()
	opts.Now = syncClock(t0.Add(2 * time.Hour))
	second, err := snapshot.Sync(ctx, c.Directory(), first.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if second.Mode != snapshot.SyncFull || second.Reason != snapshot.FullUnsupported || !second.Since.IsZero() {
		t.Errorf("second sync: %s (%s) since %v, want a full pass because Lattice cannot filter by update time", second.Mode, second.Reason, second.Since)
	}
	want := sc.want(latticeID, []string{"department", "manager"}, true)
	if diff := cmp.Diff(want, summarize(second.Changes)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	listed := 0
	for _, r := range srv.Requests() {
		if r.Path == "/v1/users" {
			listed++
			if got := r.Query["status"]; !slices.Equal(got, []string{"NULL"}) {
				t.Errorf("GET /v1/users status=%v, want NULL (every user)", got)
			}
		}
	}
	if listed == 0 {
		t.Error("the second sync did not list /v1/users")
	}
}
