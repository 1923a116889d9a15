package temporalsync_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.temporal.io/sdk/temporal"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// changeKeys returns the keys of what snapshot.Diff reports between prev and next, in
// the order Changes.All hands them on.
func changeKeys(t *testing.T, prev, next *snapshot.Snapshot, opts ...snapshot.Option) ([]string, *snapshot.Changes) {
	t.Helper()
	ch, err := snapshot.Diff(prev, next, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for c := range ch.All() {
		keys = append(keys, c.Key())
	}
	return keys, ch
}

// counts returns how often each value occurs.
func counts(vals []string) map[string]int {
	m := map[string]int{}
	for _, v := range vals {
		m[v]++
	}
	return m
}

// TestSyncFull syncs a 1,000-person Lattice company for the first time: every user
// ends up in the current snapshot once, every joiner is handed on once, and every page
// of the listing is requested once.
func TestSyncFull(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1000)
	o := f.mustRun("sync-1", temporalsync.SyncInput{TenantID: tenant, FirstRun: true})

	cur := f.current()
	if diff := cmp.Diff(f.latticeIDs(), sortedIDs(cur.Users)); diff != "" {
		t.Errorf("current snapshot's users (-fake +snapshot):\n%s", diff)
	}
	if cur.Provider != "lattice" || cur.TakenAt.IsZero() {
		t.Errorf("current snapshot: provider %q, taken at %v", cur.Provider, cur.TakenAt)
	}
	want, ch := changeKeys(t, nil, cur, snapshot.FirstRun(true))
	if diff := cmp.Diff(want, f.hand.keys()); diff != "" {
		t.Errorf("keys handed on (-want +got):\n%s", diff)
	}
	wantRes := &temporalsync.SyncResult{
		TenantID:     tenant,
		SnapshotID:   o.res.SnapshotID,
		Provider:     "lattice",
		Pages:        10,
		Users:        1000,
		ListAttempts: 1,
		Joined:       len(ch.Joined),
		Batches:      (len(ch.Joined) + temporalsync.DefaultBatchSize - 1) / temporalsync.DefaultBatchSize,
	}
	if diff := cmp.Diff(wantRes, o.res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	wantStarted := map[string]int{
		temporalsync.ActivityList:        1,
		temporalsync.ActivityDiff:        1,
		temporalsync.ActivityHandleBatch: wantRes.Batches,
		temporalsync.ActivityCommit:      1,
	}
	if diff := cmp.Diff(wantStarted, o.started); diff != "" {
		t.Errorf("activities started (-want +got):\n%s", diff)
	}
	listings := f.userListings()
	if len(listings) != 10 || len(counts(listings)) != 10 {
		t.Errorf("GET /v1/users: %d requests for %d distinct pages, want 10 for 10", len(listings), len(counts(listings)))
	}
	if diff := cmp.Diff([]string{o.res.SnapshotID}, f.snapshotDirs()); diff != "" {
		t.Errorf("snapshots in the store (-want +got):\n%s", diff)
	}
}

// failingStore fails the first Put of keys ending in suffix.
type failingStore struct {
	temporalsync.SnapshotStore
	suffix string
	mu     sync.Mutex
	failed int
}

func (s *failingStore) Put(ctx context.Context, key string, data []byte) error {
	s.mu.Lock()
	fail := strings.HasSuffix(key, s.suffix) && s.failed == 0
	if fail {
		s.failed++
	}
	s.mu.Unlock()
	if fail {
		return fmt.Errorf("disk full writing %s", key)
	}
	return s.SnapshotStore.Put(ctx, key, data)
}

// TestSyncListingResumes makes the listing fail after its fifth page, once in the
// provider and once in the store. Temporal retries the activity, which resumes from the
// cursor it heartbeated after page 5: it asks for page 6 again (the page in flight) and
// for no page before it, and the snapshot holds every user once.
func TestSyncListingResumes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault func(f *fixture)
	}{
		{"provider fails page 6", func(f *fixture) {
			f.srv.Inject(latticetest.Fault{Name: "page 6", Path: "/v1/users", Skip: 5, Status: 500})
		}},
		{"store fails page 6", func(f *fixture) {
			f.acts.Store = &failingStore{SnapshotStore: f.store, suffix: "/pages/00000006.jsonl"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1000)
			tt.fault(f)
			o := f.mustRun("sync-1", temporalsync.SyncInput{TenantID: tenant, FirstRun: true, PageSize: 100})

			if o.started[temporalsync.ActivityList] != 2 || o.res.ListAttempts != 2 || o.res.ResumedPages != 5 {
				t.Errorf("listing: %d attempts started, result says attempt %d resumed after %d pages; want 2, 2, 5",
					o.started[temporalsync.ActivityList], o.res.ListAttempts, o.res.ResumedPages)
			}
			// Requests for the listing, by cursor: 11 requests for 10 pages. The first
			// attempt read pages 1 to 5 and asked for page 6; the second asked for page 6
			// again and went on. No page up to the checkpoint was asked for twice.
			listings := f.userListings()
			if len(listings) != 11 {
				t.Fatalf("GET /v1/users: %d requests, want 11 (10 pages, page 6 twice): %q", len(listings), listings)
			}
			n := counts(listings)
			for i, c := range listings {
				want := 1
				if i == 5 || i == 6 {
					want = 2
				}
				if n[c] != want {
					t.Errorf("request %d (startingAfter=%q) was sent %d times, want %d", i+1, c, n[c], want)
				}
			}
			if listings[5] != listings[6] {
				t.Errorf("the retry asked for startingAfter=%q, want the page in flight, %q", listings[6], listings[5])
			}

			cur := f.current()
			if diff := cmp.Diff(f.latticeIDs(), sortedIDs(cur.Users)); diff != "" {
				t.Errorf("current snapshot's users (-fake +snapshot):\n%s", diff)
			}
			if got := len(counts(ids(cur.Users))); got != len(cur.Users) || o.res.Users != len(cur.Users) {
				t.Errorf("snapshot: %d users, %d distinct, result says %d", len(cur.Users), got, o.res.Users)
			}
			want, _ := changeKeys(t, nil, cur, snapshot.FirstRun(true))
			if diff := cmp.Diff(want, f.hand.keys()); diff != "" {
				t.Errorf("keys handed on (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSyncFailsFast checks that errors a retry cannot fix fail the sync on the first
// attempt, without a second request for anything.
func TestSyncFailsFast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(f *fixture)
		tenant   string
		wantType string
		// requests are all the requests the sync sends: those of one attempt, none of a
		// retry. (The client's transport resends a request answered 401 once, after a
		// credential refresh, which for a Lattice key changes nothing.)
		requests []string
	}{
		{"wrong key", func(f *fixture) { f.apiKey = "not-the-key" }, tenant, temporalsync.ErrTypeUnauthorized,
			[]string{"GET /v1/users 401", "GET /v1/users 401"}},
		{"key without access to departments", func(f *fixture) { f.apiKey = f.srv.RestrictedKey() }, tenant, temporalsync.ErrTypeForbidden,
			[]string{"GET /v1/users 200", "GET /v1/departments 403"}},
		{"unknown tenant", func(*fixture) {}, "globex", temporalsync.ErrTypeUnknownTenant, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1000)
			tt.setup(f)
			o := f.run("sync-1", temporalsync.SyncInput{TenantID: tt.tenant, FirstRun: true})

			typ, nonRetryable := appErrorType(o.err)
			if typ != tt.wantType || !nonRetryable {
				t.Errorf("error %v: type %q, non-retryable %v; want %q, true", o.err, typ, nonRetryable, tt.wantType)
			}
			wantStarted := map[string]int{temporalsync.ActivityList: 1, temporalsync.ActivityDiscard: 1}
			if diff := cmp.Diff(wantStarted, o.started); diff != "" {
				t.Errorf("activities started (-want +got):\n%s", diff)
			}
			var got []string
			for _, r := range f.srv.Requests() {
				got = append(got, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
			}
			if diff := cmp.Diff(tt.requests, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if _, err := temporalsync.Current(context.Background(), f.store, tenant); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("current snapshot after a failed first sync: %v, want fs.ErrNotExist", err)
			}
			if dirs := f.snapshotDirs(); len(dirs) != 0 {
				t.Errorf("snapshots left in the store: %q", dirs)
			}
		})
	}
}

// mutate changes the company as HR would between two syncs: it removes three people,
// deactivates two and moves two to another department.
func mutate(t *testing.T, srv *latticetest.Server) {
	t.Helper()
	at := time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC)
	var err error
	srv.Mutate(func(c *fakecompany.Company) {
		managers := map[int]bool{}
		for _, p := range c.People {
			managers[p.SupervisorID] = true
		}
		var pick []int // active people who manage nobody
		for _, p := range c.People {
			if p.Status == unified.StatusActive && !managers[p.ID] && p.DepartmentID != 0 && p.SupervisorID != 0 {
				pick = append(pick, p.ID)
			}
		}
		for _, id := range pick[10:13] {
			err = errors.Join(err, c.Remove(id))
		}
		for _, id := range pick[20:22] {
			err = errors.Join(err, c.Terminate(id, fakecompany.DefaultToday(), at))
		}
		for _, id := range pick[30:32] {
			p := c.Person(id)
			i := slices.IndexFunc(c.Teams, func(tm fakecompany.Team) bool { return tm.DepartmentID != p.DepartmentID })
			err = errors.Join(err, c.Move(id, c.Teams[i].DepartmentID, c.Teams[i].ID, p.SupervisorID, at))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSyncBatches checks that the changes are handed on in batches of the configured
// size, in order, each change once: on a first sync (joiners) and on the next one
// (movers and leavers).
func TestSyncBatches(t *testing.T) {
	t.Parallel()
	for _, size := range []int{0, 64, 1000} {
		t.Run(fmt.Sprintf("size %d", size), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1000)
			want := size
			if want == 0 {
				want = temporalsync.DefaultBatchSize
			}
			check := func(o *outcome, prev, next *snapshot.Snapshot, first bool) {
				t.Helper()
				keys, ch := changeKeys(t, prev, next, snapshot.FirstRun(first))
				total := len(keys)
				wantBatches := (total + want - 1) / want
				if o.res.Batches != wantBatches || o.started[temporalsync.ActivityHandleBatch] != wantBatches {
					t.Errorf("%d changes: %d batches, %d handled; want %d", total, o.res.Batches, o.started[temporalsync.ActivityHandleBatch], wantBatches)
				}
				for i, b := range f.hand.delivered {
					wantLen := min(want, total-i*want)
					if b.Index != i+1 || b.Count != wantBatches || len(b.Changes) != wantLen || b.TenantID != tenant || b.SnapshotID != o.res.SnapshotID {
						t.Errorf("batch %d: index %d of %d, %d changes, tenant %q, snapshot %q; want %d of %d, %d, %q, %q",
							i+1, b.Index, b.Count, len(b.Changes), b.TenantID, b.SnapshotID, i+1, wantBatches, wantLen, tenant, o.res.SnapshotID)
					}
				}
				if diff := cmp.Diff(keys, f.hand.keys()); diff != "" {
					t.Errorf("keys handed on (-want +got):\n%s", diff)
				}
				if o.res.Joined != len(ch.Joined) || o.res.Moved != len(ch.Moved) || o.res.Changed != len(ch.Changed) || o.res.Left != len(ch.Left) {
					t.Errorf("result counts %d/%d/%d/%d, want %d/%d/%d/%d (joined/moved/changed/left)",
						o.res.Joined, o.res.Moved, o.res.Changed, o.res.Left, len(ch.Joined), len(ch.Moved), len(ch.Changed), len(ch.Left))
				}
			}

			o1 := f.mustRun("sync-1", temporalsync.SyncInput{TenantID: tenant, FirstRun: true, BatchSize: size})
			s1 := f.current()
			check(o1, nil, s1, true)

			mutate(t, f.srv)
			f.hand.reset()
			o2 := f.mustRun("sync-2", temporalsync.SyncInput{TenantID: tenant, BatchSize: size})
			s2 := f.current()
			check(o2, s1, s2, false)
			if o2.res.Left != 5 || o2.res.Moved < 2 || o2.res.PreviousID != o1.res.SnapshotID {
				t.Errorf("second sync: %d left, %d moved, previous %q; want 5, at least 2, %q", o2.res.Left, o2.res.Moved, o2.res.PreviousID, o1.res.SnapshotID)
			}
			if diff := cmp.Diff([]string{o2.res.SnapshotID}, f.snapshotDirs()); diff != "" {
				t.Errorf("snapshots in the store (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSyncHandlerFailureKeepsPrevious fails the handler on the second batch until
// Temporal gives up: the previous snapshot stays current and the new one is deleted.
// The next sync hands on everything again, the changes already handed on included.
func TestSyncHandlerFailureKeepsPrevious(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1000)
	o1 := f.mustRun("sync-1", temporalsync.SyncInput{TenantID: tenant, FirstRun: true})
	s1 := f.current()

	mutate(t, f.srv)
	f.hand.reset()
	f.hand.fail = func(b *temporalsync.Batch, _ int32) error {
		if b.Index == 2 {
			return errors.New("provisioning API unavailable")
		}
		return nil
	}
	in := temporalsync.SyncInput{
		TenantID:    tenant,
		BatchSize:   3,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Minute, MaximumAttempts: 3},
	}
	o2 := f.run("sync-2", in)
	if o2.err == nil || !strings.Contains(o2.err.Error(), "provisioning API unavailable") {
		t.Fatalf("second sync: error %v, want the handler's", o2.err)
	}
	if diff := cmp.Diff(map[int]int{1: 1, 2: 3}, f.hand.attempts); diff != "" {
		t.Errorf("handler calls by batch (-want +got):\n%s", diff)
	}
	if o2.started[temporalsync.ActivityCommit] != 0 || o2.started[temporalsync.ActivityDiscard] != 1 {
		t.Errorf("activities started: %v, want no commit and one discard", o2.started)
	}
	if diff := cmp.Diff(s1, f.current()); diff != "" {
		t.Errorf("current snapshot after the failed sync (-first sync +now):\n%s", diff)
	}
	if diff := cmp.Diff([]string{o1.res.SnapshotID}, f.snapshotDirs()); diff != "" {
		t.Errorf("snapshots in the store (-want +got):\n%s", diff)
	}
	seen2 := slices.Clone(f.hand.seen) // batches 1 and 2: 6 changes

	f.hand.reset()
	o3 := f.mustRun("sync-3", in)
	s3 := f.current()
	want, _ := changeKeys(t, s1, s3)
	got := f.hand.keys()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys handed on by the third sync (-want +got):\n%s", diff)
	}
	if n := len(counts(seen2)); n != 6 {
		t.Errorf("the failed sync handed on %d changes, want 6 (two batches of 3)", n)
	}
	for _, k := range seen2 {
		if !slices.Contains(got, k) {
			t.Errorf("change %s of the failed sync was not handed on again", k)
		}
	}
	if o3.res.PreviousID != o1.res.SnapshotID || o3.res.Left != 5 {
		t.Errorf("third sync: previous %q, %d left; want %q, 5", o3.res.PreviousID, o3.res.Left, o1.res.SnapshotID)
	}
}

// TestSyncRefusals checks that the refusals of snapshot.Diff and invalid inputs fail the
// sync without a retry and leave the current snapshot as it was.
func TestSyncRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 200)

	o := f.run("sync-0", temporalsync.SyncInput{TenantID: tenant})
	if typ, nr := appErrorType(o.err); typ != temporalsync.ErrTypeNoPrevious || !nr || o.started[temporalsync.ActivityDiff] != 1 {
		t.Errorf("first sync without FirstRun: %v (type %q, non-retryable %v), %d diffs", o.err, typ, nr, o.started[temporalsync.ActivityDiff])
	}

	f.mustRun("sync-1", temporalsync.SyncInput{TenantID: tenant, FirstRun: true})
	s1 := f.current()

	o = f.run("sync-2", temporalsync.SyncInput{TenantID: tenant, Filter: s1.Filter, PageSize: 50, MaxLeaverShare: new(0.0)})
	if o.err != nil {
		t.Errorf("sync with no leavers and MaxLeaverShare 0: %v", o.err)
	}
	s2 := f.current()

	var err error
	f.srv.Mutate(func(c *fakecompany.Company) {
		for len(c.People) > 70 {
			err = errors.Join(err, c.Remove(c.People[len(c.People)-1].ID))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	internal := unified.Filter{EmploymentTypes: []unified.EmploymentType{unified.EmploymentInternal}}
	for _, tt := range []struct {
		name string
		in   temporalsync.SyncInput
		want string
		list int
	}{
		{"most users removed", temporalsync.SyncInput{TenantID: tenant}, temporalsync.ErrTypeTooManyLeavers, 1},
		{"another filter", temporalsync.SyncInput{TenantID: tenant, Filter: internal}, temporalsync.ErrTypeMismatch, 1},
		{"tenant ID with a slash", temporalsync.SyncInput{TenantID: "../acme"}, temporalsync.ErrTypeInvalidInput, 0},
		{"batch size too large", temporalsync.SyncInput{TenantID: tenant, BatchSize: temporalsync.MaxBatchSize + 1}, temporalsync.ErrTypeInvalidInput, 0},
	} {
		o := f.run("sync-"+tt.name, tt.in)
		if typ, nr := appErrorType(o.err); typ != tt.want || !nr {
			t.Errorf("%s: %v (type %q, non-retryable %v), want type %q", tt.name, o.err, typ, nr, tt.want)
		}
		if o.started[temporalsync.ActivityList] != tt.list || o.started[temporalsync.ActivityDiff] > 1 || o.started[temporalsync.ActivityCommit] != 0 {
			t.Errorf("%s: activities started %v", tt.name, o.started)
		}
		if diff := cmp.Diff(s2, f.current()); diff != "" {
			t.Errorf("%s: current snapshot changed:\n%s", tt.name, diff)
		}
	}
}
