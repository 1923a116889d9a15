package snapshot

import (
	"context"
	"fmt"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Incremental sync: read a directory, compare it with what the previous run read, report
// the changes, and keep the new snapshot for the next run. See [Sync].

// Sync defaults.
const (
	// DefaultOverlap is how much earlier than the start of the previous sync an
	// incremental sync asks for changes: room for clock skew between this machine and
	// the provider, and for changes committed while the previous sync was reading.
	DefaultOverlap = 10 * time.Minute
	// DefaultFullEvery is how old the last full pass may get before [Sync] makes a
	// full pass again, which is what notices removed users.
	DefaultFullEvery = 7 * 24 * time.Hour
)

// SyncMode says how a sync read the directory.
type SyncMode uint8

// The sync modes.
const (
	// SyncFull: every user was listed, and the result compared with the previous
	// snapshot.
	// Removed users are detected.
	SyncFull SyncMode = iota + 1
	// SyncIncremental: only the users updated since the previous sync (less
	// SyncOptions.Overlap) were listed and laid over the previous snapshot by ID. Removed
	// users are not detected: an updated-since query does not return what is gone.
	SyncIncremental
)

var syncModeNames = [...]string{SyncFull: "full", SyncIncremental: "incremental"}

// String returns "full" or "incremental".
func (m SyncMode) String() string {
	if m > 0 && int(m) < len(syncModeNames) {
		return syncModeNames[m]
	}
	return fmt.Sprintf("SyncMode(%d)", uint8(m))
}

// MarshalText implements [encoding.TextMarshaler].
func (m SyncMode) MarshalText() ([]byte, error) {
	if m == 0 || int(m) >= len(syncModeNames) {
		return nil, fmt.Errorf("snapshot: invalid sync mode %d: %w", uint8(m), unified.ErrInvalidValue)
	}
	return []byte(syncModeNames[m]), nil
}

// FullReason says why a sync made a full pass. It is zero for an incremental pass.
type FullReason uint8

// The reasons for a full pass, in the order [Sync] checks them.
const (
	// FullFirst: there is no previous snapshot, or it does not say when it was taken.
	FullFirst FullReason = iota + 1
	// FullForced: SyncOptions.ForceFull was set.
	FullForced
	// FullUnsupported: the directory does not filter by update time on the server (see
	// [unified.UpdatedSinceSupporter]).
	FullUnsupported
	// FullClock: the previous snapshot was taken later than now by this machine's clock,
	// so the clock went back and no updated-since bound can be trusted.
	FullClock
	// FullDue: the last full pass started SyncOptions.FullEvery or longer ago, or the
	// previous snapshot does not say when it was.
	FullDue
)

var fullReasonNames = [...]string{
	FullFirst:       "first sync",
	FullForced:      "forced",
	FullUnsupported: "provider cannot filter by update time",
	FullClock:       "clock went back",
	FullDue:         "full pass due",
}

// String describes the reason ("first sync", "full pass due", ...); "" for zero.
func (r FullReason) String() string {
	switch {
	case r == 0:
		return ""
	case int(r) < len(fullReasonNames):
		return fullReasonNames[r]
	}
	return fmt.Sprintf("FullReason(%d)", uint8(r))
}

// MarshalText implements [encoding.TextMarshaler] with String.
func (r FullReason) MarshalText() ([]byte, error) {
	if int(r) >= len(fullReasonNames) {
		return nil, fmt.Errorf("snapshot: invalid full-pass reason %d: %w", uint8(r), unified.ErrInvalidValue)
	}
	return []byte(r.String()), nil
}

// SyncOptions adjusts [Sync]. The zero value (and nil) means the defaults.
type SyncOptions struct {
	// ForceFull makes a full pass whatever the schedule.
	ForceFull bool
	// FullEvery is how old the last full pass may get before a sync makes a full pass
	// again; 0 means [DefaultFullEvery]. A negative value never schedules one: only
	// the first sync, ForceFull and directories without [unified.UpdatedSinceSupporter]
	// make full passes.
	FullEvery time.Duration
	// Overlap is subtracted from the previous snapshot's TakenAt to give the
	// updated-since bound of an incremental pass; 0 means [DefaultOverlap], a negative
	// value none.
	// Make it larger than the worst clock skew between this machine and the provider.
	Overlap time.Duration
	// PageSize is passed to ListUsers; 0 means the provider's largest page.
	PageSize int
	// Diff are the options of the comparison with the previous snapshot and of its
	// checks, as for [Diff]: [FirstRun] on the first sync, [AsOf], [IgnoreFields],
	// [MaxLeaverShare], ...
	Diff []Option
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SyncResult is the outcome of one [Sync].
type SyncResult struct {
	// Provider names the directory.
	Provider string
	// Mode says how the directory was read; Reason why a full pass was made.
	Mode   SyncMode
	Reason FullReason
	// Users is the directory as of Started: in a full pass, the users in listing order;
	// in an incremental pass, the previous users with the updated ones replaced in place
	// and the new ones appended in listing order. It shares unchanged records (and their
	// pointers and maps) with the previous snapshot's Users.
	Users []unified.User
	// Changes compares the previous snapshot's Users with Users (see [Diff]). The first
	// sync reports every present user as a joiner. An incremental pass never reports a
	// removed user ([LeaveRemoved]); the next full pass does.
	Changes *Changes
	// Started is when this sync started reading; FullStarted when the last full pass
	// started (Started itself after a full pass).
	Started     time.Time
	FullStarted time.Time
	// Since is the updated-since bound of an incremental pass; zero after a full pass.
	Since time.Time
	// Fetched is the number of users the listing returned.
	Fetched int
}

// Snapshot returns the snapshot to keep for the next sync: Users, taken at Started, with
// FullSyncAt set to FullStarted and no filter.
func (r *SyncResult) Snapshot() *Snapshot {
	return &Snapshot{Provider: r.Provider, Users: r.Users, TakenAt: r.Started, FullSyncAt: r.FullStarted}
}

// Sync reads d, compares it with prev (the snapshot the previous sync left) and returns
// the new snapshot and the changes. It is the loop of a nightly job:
//
//	prev, err := snapshot.Load(path) // fs.ErrNotExist before the first run
//	res, err := snapshot.Sync(ctx, dir, prev, &snapshot.SyncOptions{
//		Diff: []snapshot.Option{snapshot.FirstRun(*firstRun)},
//	})
//	// act on res.Changes, then
//	err = snapshot.Save(path, res.Snapshot())
//
// A sync is full or incremental. A full pass lists every user; comparing with the
// previous snapshot finds joiners, leavers (removed, deactivated or terminated), movers
// and changes. An incremental pass lists only the users updated since the previous
// sync started, less [SyncOptions.Overlap], with [unified.Filter.UpdatedSince], and lays
// them over the previous users by ID: a user updated or added since is replaced or
// appended, everyone else is carried over. Deactivations and terminations are updates,
// so they are seen; but a user removed from the directory does not appear in an
// updated-since listing and stays in the snapshot until the next full pass, which
// reports it as a leaver ([LeaveRemoved]). Likewise a value copied into other users'
// records, such as a manager's or department's name, is refreshed in records that were
// not otherwise updated only by a full pass.
//
// The pass is full when, in this order: prev is nil or has no TakenAt time
// ([FullFirst]); ForceFull is set ([FullForced]); d does not implement
// [unified.UpdatedSinceSupporter] or it returns false ([FullUnsupported]); prev.TakenAt
// is after now ([FullClock]); or the last full pass started FullEvery or longer ago
// ([FullDue]). Otherwise it is incremental.
//
// Sync lists the whole directory, without filters, so that a user who stops matching a
// filter is seen as changed rather than as gone; filter res.Users afterwards. It makes
// the checks of [Diff], before it lists anything where it can: a prev of another
// provider, or listed with a filter, is a [*MismatchError]; a nil or empty prev without
// [FirstRun] is [ErrNoPrevious]; and a result that marks more than the allowed share of
// prev's present users as leavers is a [*TooManyLeaversError].
//
// On error (one of those, a listing that fails, a cancelled ctx) Sync returns no result:
// keep the previous snapshot and try again. Listings that change while they are read may
// fail with [unified.ErrInconsistentListing]; try again.
//
// Memory: the previous users and the new read are held at once. A full pass holds two
// records per user plus the result of [Diff]; an incremental pass one record per user
// plus the updated ones. A User read from Personio with nine custom attributes takes
// about 2.8 KB, one read from Lattice about 1.1 KB; so a full pass over 100,000
// Personio users needs some 600 MB. [Read] and [Write] read and write the snapshot file
// line by line, so the file adds no copy of its own.
func Sync(ctx context.Context, d unified.Directory, prev *Snapshot, opts *SyncOptions) (*SyncResult, error) {
	var o SyncOptions
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FullEvery == 0 {
		o.FullEvery = DefaultFullEvery
	}
	switch {
	case o.Overlap == 0:
		o.Overlap = DefaultOverlap
	case o.Overlap < 0:
		o.Overlap = 0
	}
	cfg := newConfig(o.Diff)
	provider := d.Provider()
	if prev == nil || len(prev.Users) == 0 {
		if !cfg.firstRun {
			return nil, errNoPrevious
		}
	}
	if prev != nil {
		if err := match(prev, provider, &unified.Filter{}); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	started := o.Now()
	res := &SyncResult{Provider: provider, Started: started}
	res.Reason = fullReason(d, prev, &o, started)
	var before []unified.User
	if prev != nil {
		before = prev.Users
	}
	list := unified.ListOptions{PageSize: o.PageSize}
	if res.Reason != 0 {
		res.Mode, res.FullStarted = SyncFull, started
	} else {
		res.Mode, res.FullStarted = SyncIncremental, prev.FullSyncAt
		res.Since = prev.TakenAt.Add(-o.Overlap)
		list.Filter.UpdatedSince = res.Since
	}
	read, err := unified.All(ctx, d, &list)
	if err != nil {
		return nil, fmt.Errorf("snapshot: sync: %s pass: %w", res.Mode, err)
	}
	res.Fetched = len(read)
	if res.Mode == SyncFull {
		res.Users = read
	} else {
		res.Users = overlay(before, read)
	}
	changes, present := diff(before, res.Users, cfg)
	if err := cfg.checkLeavers(len(changes.Left), present); err != nil {
		return nil, err
	}
	res.Changes = changes
	return res, nil
}

// fullReason returns why the sync must be full, or 0 when it can be incremental.
func fullReason(d unified.Directory, prev *Snapshot, o *SyncOptions, now time.Time) FullReason {
	if prev == nil || prev.TakenAt.IsZero() {
		return FullFirst
	}
	if o.ForceFull {
		return FullForced
	}
	if s, ok := d.(unified.UpdatedSinceSupporter); !ok || !s.SupportsUpdatedSince() {
		return FullUnsupported
	}
	if now.Before(prev.TakenAt) {
		return FullClock
	}
	if o.FullEvery > 0 && (prev.FullSyncAt.IsZero() || now.Sub(prev.FullSyncAt) >= o.FullEvery) {
		return FullDue
	}
	return 0
}

// overlay returns prev with the users of updated replaced (by ID) or appended. Of
// several records with one ID in updated, the last wins; of several in prev, the first
// is replaced.
func overlay(prev, updated []unified.User) []unified.User {
	out := make([]unified.User, len(prev), len(prev)+len(updated))
	copy(out, prev)
	at := make(map[string]int, len(prev)+len(updated))
	for i := range out {
		if _, dup := at[out[i].ID]; !dup {
			at[out[i].ID] = i
		}
	}
	for i := range updated {
		if j, ok := at[updated[i].ID]; ok {
			out[j] = updated[i]
			continue
		}
		at[updated[i].ID] = len(out)
		out = append(out, updated[i])
	}
	return out
}
