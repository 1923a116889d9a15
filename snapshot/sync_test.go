package snapshot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

// syncDir is a directory for the sync tests: it serves a list of users that the test can
// replace between syncs, says whether it supports updated-since queries, and records the
// filter of every ListUsers call.
type syncDir struct {
	supports bool

	mu      sync.Mutex
	dir     unified.Directory
	filters []unified.Filter
	fail    error
}

func newSyncDir(supports bool, users []unified.User) *syncDir {
	d := &syncDir{supports: supports}
	d.set(users)
	return d
}

func (d *syncDir) set(users []unified.User) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dir = directorytest.NewMemory("hr", users)
}

func (d *syncDir) current() unified.Directory {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dir
}

func (d *syncDir) SupportsUpdatedSince() bool { return d.supports }
func (d *syncDir) Provider() string           { return "hr" }
func (d *syncDir) Me(ctx context.Context) (*unified.User, error) {
	return d.current().Me(ctx)
}
func (d *syncDir) GetUser(ctx context.Context, id string) (*unified.User, error) {
	return d.current().GetUser(ctx, id)
}
func (d *syncDir) ListUsers(ctx context.Context, opts *unified.ListOptions) (*unified.Page, error) {
	d.mu.Lock()
	if opts != nil {
		d.filters = append(d.filters, opts.Filter)
	} else {
		d.filters = append(d.filters, unified.Filter{})
	}
	fail := d.fail
	d.mu.Unlock()
	if fail != nil {
		return nil, fail
	}
	return d.current().ListUsers(ctx, opts)
}

// takeFilters returns the filters recorded since the last call.
func (d *syncDir) takeFilters() []unified.Filter {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.filters
	d.filters = nil
	return f
}

var syncT0 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// syncUser is an active user of department dept, last updated at syncT0 + updated.
func syncUser(id, dept string, updated time.Duration) unified.User {
	return unified.User{
		ID: id, Provider: "hr", DisplayName: "User " + id, Status: unified.StatusActive,
		Department: &unified.Ref{ID: dept, Name: strings.ToUpper(dept)},
		UpdatedAt:  syncT0.Add(updated),
	}
}

func syncClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestSyncChooses(t *testing.T) {
	t.Parallel()
	users := []unified.User{syncUser("1", "a", -2*time.Hour)}
	prev := &snapshot.Snapshot{Provider: "hr", Users: users, TakenAt: syncT0, FullSyncAt: syncT0.Add(-48 * time.Hour)}
	later := syncT0.Add(24 * time.Hour)
	tests := []struct {
		name     string
		supports bool
		prev     *snapshot.Snapshot
		opts     snapshot.SyncOptions
		now      time.Time
		mode     snapshot.SyncMode
		reason   snapshot.FullReason
		since    time.Time
	}{
		{name: "incremental", supports: true, prev: prev, now: later,
			mode: snapshot.SyncIncremental, since: syncT0.Add(-snapshot.DefaultOverlap)},
		{name: "own overlap", supports: true, prev: prev, now: later, opts: snapshot.SyncOptions{Overlap: time.Hour},
			mode: snapshot.SyncIncremental, since: syncT0.Add(-time.Hour)},
		{name: "no overlap", supports: true, prev: prev, now: later, opts: snapshot.SyncOptions{Overlap: -1},
			mode: snapshot.SyncIncremental, since: syncT0},
		{name: "no previous snapshot", supports: true, now: later, mode: snapshot.SyncFull, reason: snapshot.FullFirst},
		{name: "snapshot without a time", supports: true, prev: &snapshot.Snapshot{Provider: "hr", Users: users}, now: later,
			mode: snapshot.SyncFull, reason: snapshot.FullFirst},
		{name: "forced", supports: true, prev: prev, now: later, opts: snapshot.SyncOptions{ForceFull: true},
			mode: snapshot.SyncFull, reason: snapshot.FullForced},
		{name: "provider filters on the client", supports: false, prev: prev, now: later,
			mode: snapshot.SyncFull, reason: snapshot.FullUnsupported},
		{name: "clock went back", supports: true, prev: prev, now: syncT0.Add(-time.Minute),
			mode: snapshot.SyncFull, reason: snapshot.FullClock},
		{name: "full pass due", supports: true, prev: prev, now: syncT0.Add(5 * 24 * time.Hour), opts: snapshot.SyncOptions{FullEvery: 7 * 24 * time.Hour},
			mode: snapshot.SyncFull, reason: snapshot.FullDue},
		{name: "full pass due by default", supports: true, prev: prev, now: prev.FullSyncAt.Add(snapshot.DefaultFullEvery),
			mode: snapshot.SyncFull, reason: snapshot.FullDue},
		{name: "full pass not yet due", supports: true, prev: prev, now: prev.FullSyncAt.Add(snapshot.DefaultFullEvery - time.Second),
			mode: snapshot.SyncIncremental, since: syncT0.Add(-snapshot.DefaultOverlap)},
		{name: "never due", supports: true, prev: prev, now: syncT0.Add(365 * 24 * time.Hour), opts: snapshot.SyncOptions{FullEvery: -1},
			mode: snapshot.SyncIncremental, since: syncT0.Add(-snapshot.DefaultOverlap)},
		{name: "unknown last full pass", supports: true, prev: &snapshot.Snapshot{Provider: "hr", Users: users, TakenAt: syncT0}, now: later,
			mode: snapshot.SyncFull, reason: snapshot.FullDue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newSyncDir(tc.supports, users)
			opts := tc.opts
			opts.Now = syncClock(tc.now)
			res, err := snapshot.Sync(context.Background(), d, tc.prev, firstRun(&opts))
			if err != nil {
				t.Fatal(err)
			}
			type got struct {
				Mode               snapshot.SyncMode
				Reason             snapshot.FullReason
				Since, Started     time.Time
				FullStarted        time.Time
				Filters            []unified.Filter
				Provider           string
				Fetched, Remaining int
			}
			want := got{Mode: tc.mode, Reason: tc.reason, Since: tc.since, Started: tc.now, Provider: "hr", Fetched: 1, Remaining: 1,
				Filters: []unified.Filter{{UpdatedSince: tc.since}}}
			if tc.mode == snapshot.SyncFull {
				want.FullStarted = tc.now
			} else {
				want.FullStarted = tc.prev.FullSyncAt
				want.Fetched = 0 // the user was updated before the bound
			}
			g := got{Mode: res.Mode, Reason: res.Reason, Since: res.Since, Started: res.Started, FullStarted: res.FullStarted,
				Filters: d.takeFilters(), Provider: res.Provider, Fetched: res.Fetched, Remaining: len(res.Users)}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("sync (-want +got):\n%s", diff)
			}
			st := res.Snapshot()
			if st.TakenAt != res.Started || st.FullSyncAt != res.FullStarted || st.Provider != "hr" || !st.Filter.IsZero() ||
				len(st.Users) != len(res.Users) {
				t.Errorf("Snapshot() = %+v, want the result's times, provider and users, and no filter", st)
			}
		})
	}
}

// Between two syncs one user is hired, one moved, one deactivated and one removed: the
// incremental pass sees all but the removal, which the next full pass reports.
func TestSyncIncrementalThenFull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	asOf := snapshot.AsOf(unified.NewDate(2026, 3, 1))
	day1 := []unified.User{
		syncUser("1", "a", -48*time.Hour),
		syncUser("2", "a", -48*time.Hour),
		syncUser("3", "b", -30*time.Hour),
		syncUser("4", "b", -30*time.Hour),
		syncUser("5", "b", -2*time.Hour),
	}
	d := newSyncDir(true, day1)
	first, err := snapshot.Sync(ctx, d, nil, &snapshot.SyncOptions{Now: syncClock(syncT0), Diff: []snapshot.Option{asOf, snapshot.FirstRun(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if first.Mode != snapshot.SyncFull || first.Reason != snapshot.FullFirst {
		t.Fatalf("first sync: %s (%s), want a full pass for the first sync", first.Mode, first.Reason)
	}
	if got := changeIDs(first.Changes.Joined); !slices.Equal(got, userIDs(day1)) {
		t.Errorf("first sync joiners = %v, want everyone %v", got, userIDs(day1))
	}

	// A day later: 2 moves to b, 3 is deactivated, 4 is removed, 6 is hired; 5 was
	// updated shortly before the first sync (inside the overlap) without a change.
	moved := syncUser("2", "b", 20*time.Hour)
	gone := syncUser("3", "b", 21*time.Hour)
	gone.Status = unified.StatusInactive
	hired := syncUser("6", "a", 22*time.Hour)
	day2 := []unified.User{day1[0], moved, gone, day1[4], hired}
	d.set(day2)
	d.takeFilters()
	now := syncT0.Add(24 * time.Hour)
	opts := &snapshot.SyncOptions{Now: syncClock(now), Overlap: 3 * time.Hour, Diff: []snapshot.Option{asOf}}
	inc, err := snapshot.Sync(ctx, d, first.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantFilters := []unified.Filter{{UpdatedSince: syncT0.Add(-3 * time.Hour)}}
	if diff := cmp.Diff(wantFilters, d.takeFilters()); diff != "" {
		t.Errorf("incremental listing filters (-want +got):\n%s", diff)
	}
	if inc.Mode != snapshot.SyncIncremental || inc.Fetched != 4 {
		t.Errorf("incremental sync: %s, %d fetched; want incremental, 4 fetched (2, 3, 5, 6)", inc.Mode, inc.Fetched)
	}
	// The removed user 4 is still there; 6 is appended.
	if diff := cmp.Diff([]unified.User{day1[0], moved, gone, day1[3], day1[4], hired}, inc.Users); diff != "" {
		t.Errorf("incremental snapshot (-want +got):\n%s", diff)
	}
	wantChanges := &snapshot.Changes{
		AsOf:   unified.NewDate(2026, 3, 1),
		Joined: []snapshot.Change{joiner(hired)},
		Left:   []snapshot.Change{leaver(gone, snapshot.LeaveDeactivated)},
		Moved: []snapshot.Change{{Kind: snapshot.Moved, User: moved, Fields: []snapshot.FieldChange{
			{Field: "department", Old: "A (a)", New: "B (b)"},
		}}},
	}
	if diff := cmp.Diff(wantChanges, inc.Changes); diff != "" {
		t.Errorf("incremental changes (-want +got):\n%s", diff)
	}

	// The next full pass notices that 4 is gone, and nothing else.
	opts.Now, opts.ForceFull = syncClock(now.Add(time.Hour)), true
	full, err := snapshot.Sync(ctx, d, inc.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unified.Filter{{}}, d.takeFilters()); diff != "" {
		t.Errorf("full listing filters (-want +got):\n%s", diff)
	}
	wantChanges = &snapshot.Changes{
		AsOf: unified.NewDate(2026, 3, 1),
		Left: []snapshot.Change{leaver(day1[3], snapshot.LeaveRemoved)},
	}
	if diff := cmp.Diff(wantChanges, full.Changes); diff != "" {
		t.Errorf("full pass changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(day2, full.Users); diff != "" {
		t.Errorf("full pass snapshot (-want +got):\n%s", diff)
	}
	if full.FullStarted != now.Add(time.Hour) || inc.FullStarted != syncT0 {
		t.Errorf("FullStarted: incremental %v, full %v; want %v and %v", inc.FullStarted, full.FullStarted, syncT0, now.Add(time.Hour))
	}
}

func TestSyncErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	users := []unified.User{syncUser("1", "a", 0), syncUser("2", "a", 0), syncUser("3", "b", 0)}
	prev := &snapshot.Snapshot{Provider: "hr", Users: users, TakenAt: syncT0, FullSyncAt: syncT0}
	first := []snapshot.Option{snapshot.FirstRun(true)}
	tests := []struct {
		name    string
		prev    *snapshot.Snapshot
		dir     []unified.User // the directory now
		fail    error          // the listing's error
		cancel  bool
		diff    []snapshot.Option
		want    error
		listing bool // whether the directory was listed
	}{
		{name: "another provider", prev: &snapshot.Snapshot{Provider: "other", Users: users, TakenAt: syncT0}, dir: users,
			want: snapshot.ErrMismatch},
		{name: "no provider", prev: &snapshot.Snapshot{Users: users, TakenAt: syncT0}, dir: users, want: snapshot.ErrMismatch},
		{name: "listed with a filter",
			prev: &snapshot.Snapshot{Provider: "hr", Filter: unified.Filter{Departments: []string{"a"}}, Users: users, TakenAt: syncT0},
			dir:  users, want: snapshot.ErrMismatch},
		{name: "no previous snapshot", dir: users, want: snapshot.ErrNoPrevious},
		{name: "empty previous snapshot", prev: &snapshot.Snapshot{Provider: "hr", TakenAt: syncT0}, dir: users,
			want: snapshot.ErrNoPrevious},
		{name: "listing fails", dir: users, fail: unified.ErrUnavailable, diff: first, want: unified.ErrUnavailable, listing: true},
		{name: "cancelled", dir: users, cancel: true, diff: first, want: context.Canceled},
		{name: "everyone removed", prev: prev, want: snapshot.ErrTooManyLeavers, listing: true},
		{name: "two of three removed", prev: prev, dir: users[:1], want: snapshot.ErrTooManyLeavers, listing: true},
		{name: "two of three removed, a lower limit", prev: prev, dir: users[:1], listing: true,
			diff: []snapshot.Option{snapshot.MaxLeaverShare(0.25)}, want: snapshot.ErrTooManyLeavers},
		{name: "two of three removed, allowed", prev: prev, dir: users[:1], diff: []snapshot.Option{snapshot.MaxLeaverShare(1)}, listing: true},
		{name: "one of three removed", prev: prev, dir: users[:2], listing: true},
		{name: "first run", dir: users, diff: first, listing: true},
		{name: "first run with an empty previous snapshot", prev: &snapshot.Snapshot{Provider: "hr"}, dir: users, diff: first, listing: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newSyncDir(false, tc.dir)
			d.fail = tc.fail
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			if tc.cancel {
				cancel()
			}
			res, err := snapshot.Sync(cctx, d, tc.prev, &snapshot.SyncOptions{Now: syncClock(syncT0.Add(time.Hour)), Diff: tc.diff})
			if !errors.Is(err, tc.want) || (err == nil) != (res != nil) {
				t.Errorf("Sync = %v, %v; want %v and a result only without an error", res, err, tc.want)
			}
			if listed := len(d.takeFilters()) > 0; listed != tc.listing {
				t.Errorf("listed the directory: %v, want %v", listed, tc.listing)
			}
		})
	}
}

// Of several records with one ID in an incremental listing, the last wins.
func TestSyncOverlayDuplicates(t *testing.T) {
	t.Parallel()
	prev := &snapshot.Snapshot{Provider: "hr", TakenAt: syncT0, FullSyncAt: syncT0,
		Users: []unified.User{syncUser("1", "a", 0), syncUser("2", "a", 0)}}
	a, b := syncUser("2", "b", time.Hour), syncUser("2", "c", 2*time.Hour)
	d := newSyncDir(true, []unified.User{prev.Users[0], a, b})
	res, err := snapshot.Sync(context.Background(), d, prev, &snapshot.SyncOptions{Now: syncClock(syncT0.Add(3 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unified.User{prev.Users[0], b}, res.Users); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
}

func TestSyncModeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		got, want string
	}{
		{snapshot.SyncFull.String(), "full"},
		{snapshot.SyncIncremental.String(), "incremental"},
		{snapshot.SyncMode(9).String(), "SyncMode(9)"},
		{snapshot.FullReason(0).String(), ""},
		{snapshot.FullDue.String(), "full pass due"},
		{snapshot.FullReason(42).String(), "FullReason(42)"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if b, err := snapshot.SyncIncremental.MarshalText(); err != nil || string(b) != "incremental" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if _, err := snapshot.SyncMode(0).MarshalText(); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("MarshalText of 0: %v, want ErrInvalidValue", err)
	}
	if b, err := snapshot.FullUnsupported.MarshalText(); err != nil || string(b) != "provider cannot filter by update time" {
		t.Errorf("FullUnsupported.MarshalText = %q, %v", b, err)
	}
	if _, err := snapshot.FullReason(42).MarshalText(); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("MarshalText of 42: %v, want ErrInvalidValue", err)
	}
}

func userIDs(users []unified.User) []string {
	out := make([]string, len(users))
	for i := range users {
		out[i] = users[i].ID
	}
	return out
}

func changeIDs(changes []snapshot.Change) []string {
	out := make([]string, len(changes))
	for i := range changes {
		out[i] = changes[i].User.ID
	}
	return out
}

// firstRun returns a copy of opts that says it is the first run.
func firstRun(opts *snapshot.SyncOptions) *snapshot.SyncOptions {
	o := *opts
	o.Diff = append(slices.Clip(o.Diff), snapshot.FirstRun(true))
	return &o
}
