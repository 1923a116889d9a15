package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
	prev := &snapshot.State{Provider: "hr", Users: users, Started: syncT0, FullStarted: syncT0.Add(-48 * time.Hour)}
	later := syncT0.Add(24 * time.Hour)
	tests := []struct {
		name     string
		supports bool
		prev     *snapshot.State
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
		{name: "no previous state", supports: true, now: later, mode: snapshot.SyncFull, reason: snapshot.FullFirst},
		{name: "state without a time", supports: true, prev: &snapshot.State{Users: users}, now: later,
			mode: snapshot.SyncFull, reason: snapshot.FullFirst},
		{name: "forced", supports: true, prev: prev, now: later, opts: snapshot.SyncOptions{ForceFull: true},
			mode: snapshot.SyncFull, reason: snapshot.FullForced},
		{name: "provider filters on the client", supports: false, prev: prev, now: later,
			mode: snapshot.SyncFull, reason: snapshot.FullUnsupported},
		{name: "clock went back", supports: true, prev: prev, now: syncT0.Add(-time.Minute),
			mode: snapshot.SyncFull, reason: snapshot.FullClock},
		{name: "full pass due", supports: true, prev: prev, now: syncT0.Add(5 * 24 * time.Hour), opts: snapshot.SyncOptions{FullEvery: 7 * 24 * time.Hour},
			mode: snapshot.SyncFull, reason: snapshot.FullDue},
		{name: "full pass due by default", supports: true, prev: prev, now: prev.FullStarted.Add(snapshot.DefaultFullEvery),
			mode: snapshot.SyncFull, reason: snapshot.FullDue},
		{name: "full pass not yet due", supports: true, prev: prev, now: prev.FullStarted.Add(snapshot.DefaultFullEvery - time.Second),
			mode: snapshot.SyncIncremental, since: syncT0.Add(-snapshot.DefaultOverlap)},
		{name: "never due", supports: true, prev: prev, now: syncT0.Add(365 * 24 * time.Hour), opts: snapshot.SyncOptions{FullEvery: -1},
			mode: snapshot.SyncIncremental, since: syncT0.Add(-snapshot.DefaultOverlap)},
		{name: "unknown last full pass", supports: true, prev: &snapshot.State{Users: users, Started: syncT0}, now: later,
			mode: snapshot.SyncFull, reason: snapshot.FullDue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newSyncDir(tc.supports, users)
			opts := tc.opts
			opts.Now = syncClock(tc.now)
			res, err := snapshot.Sync(context.Background(), d, tc.prev, &opts)
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
				want.FullStarted = tc.prev.FullStarted
				want.Fetched = 0 // the user was updated before the bound
			}
			g := got{Mode: res.Mode, Reason: res.Reason, Since: res.Since, Started: res.Started, FullStarted: res.FullStarted,
				Filters: d.takeFilters(), Provider: res.Provider, Fetched: res.Fetched, Remaining: len(res.Users)}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("sync (-want +got):\n%s", diff)
			}
			st := res.State()
			if st.Started != res.Started || st.FullStarted != res.FullStarted || st.Provider != "hr" || len(st.Users) != len(res.Users) {
				t.Errorf("State() = %+v, want the result's times, provider and users", st)
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
	first, err := snapshot.Sync(ctx, d, nil, &snapshot.SyncOptions{Now: syncClock(syncT0), Diff: []snapshot.Option{asOf}})
	if err != nil {
		t.Fatal(err)
	}
	if first.Mode != snapshot.SyncFull || first.Reason != snapshot.FullFirst {
		t.Fatalf("first sync: %s (%s), want a full pass for the first sync", first.Mode, first.Reason)
	}
	if got := userIDs(first.Changes.Joined); !slices.Equal(got, userIDs(day1)) {
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
	inc, err := snapshot.Sync(ctx, d, first.State(), opts)
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
		t.Errorf("incremental state (-want +got):\n%s", diff)
	}
	wantChanges := &snapshot.Changes{
		AsOf:   unified.NewDate(2026, 3, 1),
		Joined: []unified.User{hired},
		Left:   []snapshot.Leaver{{User: gone, Reason: snapshot.LeaveDeactivated}},
		Moved: []snapshot.Change{{ID: "2", Name: "User 2", Fields: []snapshot.FieldChange{
			{Field: "department", Old: "A (a)", New: "B (b)"},
		}}},
	}
	if diff := cmp.Diff(wantChanges, inc.Changes); diff != "" {
		t.Errorf("incremental changes (-want +got):\n%s", diff)
	}

	// The next full pass notices that 4 is gone, and nothing else.
	opts.Now, opts.ForceFull = syncClock(now.Add(time.Hour)), true
	full, err := snapshot.Sync(ctx, d, inc.State(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unified.Filter{{}}, d.takeFilters()); diff != "" {
		t.Errorf("full listing filters (-want +got):\n%s", diff)
	}
	wantChanges = &snapshot.Changes{
		AsOf: unified.NewDate(2026, 3, 1),
		Left: []snapshot.Leaver{{User: day1[3], Reason: snapshot.LeaveRemoved}},
	}
	if diff := cmp.Diff(wantChanges, full.Changes); diff != "" {
		t.Errorf("full pass changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(day2, full.Users); diff != "" {
		t.Errorf("full pass state (-want +got):\n%s", diff)
	}
	if full.FullStarted != now.Add(time.Hour) || inc.FullStarted != syncT0 {
		t.Errorf("FullStarted: incremental %v, full %v; want %v and %v", inc.FullStarted, full.FullStarted, syncT0, now.Add(time.Hour))
	}
}

func TestSyncErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	users := []unified.User{syncUser("1", "a", 0)}

	t.Run("another provider", func(t *testing.T) {
		t.Parallel()
		prev := &snapshot.State{Provider: "other", Users: users, Started: syncT0, FullStarted: syncT0}
		d := newSyncDir(true, users)
		res, err := snapshot.Sync(ctx, d, prev, nil)
		if !errors.Is(err, unified.ErrInvalidValue) || res != nil {
			t.Errorf("Sync = %v, %v; want no result and ErrInvalidValue", res, err)
		}
		if f := d.takeFilters(); len(f) != 0 {
			t.Errorf("Sync listed users (%d calls) with a state of another provider", len(f))
		}
	})
	t.Run("listing fails", func(t *testing.T) {
		t.Parallel()
		d := newSyncDir(true, users)
		d.fail = unified.ErrUnavailable
		res, err := snapshot.Sync(ctx, d, nil, nil)
		if !errors.Is(err, unified.ErrUnavailable) || res != nil {
			t.Errorf("Sync = %v, %v; want no result and the listing's error", res, err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		d := newSyncDir(true, users)
		res, err := snapshot.Sync(cctx, d, nil, nil)
		if !errors.Is(err, context.Canceled) || res != nil {
			t.Errorf("Sync = %v, %v; want no result and context.Canceled", res, err)
		}
	})
}

// Of several records with one ID in an incremental listing, the last wins.
func TestSyncOverlayDuplicates(t *testing.T) {
	t.Parallel()
	prev := &snapshot.State{Provider: "hr", Started: syncT0, FullStarted: syncT0,
		Users: []unified.User{syncUser("1", "a", 0), syncUser("2", "a", 0)}}
	a, b := syncUser("2", "b", time.Hour), syncUser("2", "c", 2*time.Hour)
	d := newSyncDir(true, []unified.User{prev.Users[0], a, b})
	res, err := snapshot.Sync(context.Background(), d, prev, &snapshot.SyncOptions{Now: syncClock(syncT0.Add(3 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unified.User{prev.Users[0], b}, res.Users); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
}

func TestSyncStateFiles(t *testing.T) {
	t.Parallel()
	st := &snapshot.State{
		Provider:    "hr",
		Users:       []unified.User{syncUser("1", "a", 0), syncUser("2", "b", time.Hour)},
		Started:     syncT0.Add(90 * time.Minute),
		FullStarted: syncT0,
	}
	var buf bytes.Buffer
	if err := snapshot.WriteState(&buf, st); err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.ReadState(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, got); diff != "" {
		t.Errorf("ReadSyncState (-want +got):\n%s", diff)
	}

	// A plain snapshot without a header is a state without times: the next sync is full.
	buf.Reset()
	if _, err := snapshot.WriteUsers(&buf, synthSeq(st.Users)); err != nil {
		t.Fatal(err)
	}
	got, err = snapshot.ReadState(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&snapshot.State{Users: st.Users}, got); diff != "" {
		t.Errorf("ReadSyncState of a plain snapshot (-want +got):\n%s", diff)
	}
	if _, err := snapshot.ReadState(strings.NewReader("{\"id\":\"1\"}\nnot json\n")); !errors.Is(err, snapshot.ErrInvalid) {
		t.Errorf("ReadSyncState of bad data: %v, want ErrInvalidSnapshot", err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "state.jsonl")
	if _, err := snapshot.LoadState(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadSyncState of a missing file: %v, want fs.ErrNotExist", err)
	}
	for range 2 { // the second save replaces the first
		if err := snapshot.SaveState(path, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err = snapshot.LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, got); diff != "" {
		t.Errorf("LoadSyncState (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode %v, want 0600", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after saving, want only the state file", len(entries))
	}
	if err := snapshot.SaveState(filepath.Join(dir, "missing", "state.jsonl"), st); err == nil {
		t.Error("SaveSyncState into a missing directory succeeded")
	}
	if err := snapshot.SaveState(path, nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("SaveSyncState(nil) = %v, want ErrInvalidValue", err)
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
