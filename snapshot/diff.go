package snapshot

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Errors of [Diff] and [Sync] that refuse to compare.
var (
	// ErrMismatch: the two snapshots are not two reads of one listing: they come from
	// different providers, or were listed with different filters. Returned as a
	// [*MismatchError].
	ErrMismatch = errors.New("snapshots of different listings")
	// ErrTooManyLeavers: more of the previous snapshot's users would leave than allowed
	// (see [MaxLeaverShare]). Returned as a [*TooManyLeaversError].
	ErrTooManyLeavers = errors.New("too many leavers")
	// ErrNoPrevious: the previous snapshot is missing or empty, and the caller did not
	// say that this is the first run (see [FirstRun]).
	ErrNoPrevious = errors.New("no previous snapshot")
)

// MismatchError says why two snapshots cannot be compared. It matches [ErrMismatch].
type MismatchError struct {
	// Field is "provider" or "filter".
	Field string
	// Previous and New are the providers of the two snapshots, or the fingerprints of
	// their filters (see [unified.Filter.Fingerprint]).
	Previous, New string
}

// Error returns a description of the mismatch.
func (e *MismatchError) Error() string {
	var what string
	switch {
	case e.Field == "filter":
		what = fmt.Sprintf("the snapshots were listed with different filters (fingerprints %s and %s)",
			e.Previous, e.New)
	case e.Previous == "":
		what = fmt.Sprintf("the previous snapshot names no provider (it has no header), the new one is of %q",
			clip(e.New))
	default:
		what = fmt.Sprintf("the previous snapshot is of %q, the new one of %q", clip(e.Previous), clip(e.New))
	}
	return "snapshot: " + what + ": compare two reads of one listing: " + ErrMismatch.Error()
}

// Is reports whether target is [ErrMismatch].
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// TooManyLeaversError is the error of a comparison that would mark more than the allowed
// share of the previous snapshot's present users as leavers. It matches
// [ErrTooManyLeavers].
type TooManyLeaversError struct {
	// Leavers is the number of users the comparison marks as leavers; Present is the
	// number of users present (not gone) in the previous snapshot.
	Leavers, Present int
	// MaxShare is the share that was allowed.
	MaxShare float64
}

// Error returns the counts, the share and what was allowed.
func (e *TooManyLeaversError) Error() string {
	return fmt.Sprintf("snapshot: %d of %d users would leave (%.0f%%, more than the %.0f%% allowed): "+
		"check the directory and its credentials, or allow it with MaxLeaverShare: %v",
		e.Leavers, e.Present, 100*float64(e.Leavers)/float64(max(e.Present, 1)), 100*e.MaxShare, ErrTooManyLeavers)
}

// Is reports whether target is [ErrTooManyLeavers].
func (e *TooManyLeaversError) Is(target error) bool { return target == ErrTooManyLeavers }

// FirstRun says whether this is the first run, with no previous snapshot to compare with.
// Only then do [Diff] and [Sync] accept a nil or empty previous snapshot, and report
// every present user of the new one as a joiner. Without it they refuse with
// [ErrNoPrevious]: a lost or emptied state file must not make everyone a joiner. A
// caller that keeps its snapshot in a file says so when the operator asks for a first run
// (a flag, a setting), not merely because the file is missing. With a previous snapshot
// that has users, FirstRun has no effect.
func FirstRun(first bool) Option {
	return func(c *config) { c.firstRun = first }
}

// MaxLeaverShare sets the largest share of the previous snapshot's present users (those
// not gone as of the reference day, see [AsOf]) that a comparison may mark as leavers; a
// comparison that marks more fails with a [*TooManyLeaversError]. The default is
// [DefaultMaxLeaverShare] (half). share is clamped to [0, 1]: 0 allows no leaver at all,
// and 1 allows any number, for a run that is known to remove many users. A previous
// snapshot with no present user allows any number.
func MaxLeaverShare(share float64) Option {
	return func(c *config) {
		switch {
		case math.IsNaN(share) || share < 0:
			share = 0
		case share > 1:
			share = 1
		}
		c.maxShare = share
	}
}

// checkLeavers returns a *TooManyLeaversError when leavers is more than the allowed share
// of present. The tolerance keeps a share such as 0.57 from refusing 57 of 100 leavers,
// which 0.57*100 computed in floating point (56.99999999999999) would.
func (c *config) checkLeavers(leavers, present int) error {
	if present > 0 && float64(leavers) > c.maxShare*float64(present)+1e-9 {
		return &TooManyLeaversError{Leavers: leavers, Present: present, MaxShare: c.maxShare}
	}
	return nil
}

// errNoPrevious is the error for an empty previous snapshot without FirstRun.
var errNoPrevious = fmt.Errorf(
	"snapshot: the previous snapshot is missing or empty: on the first run say so with FirstRun(true): %w", ErrNoPrevious)

// Changes is what changed between two reads of a directory: who joined, who left, who
// moved and whose record changed otherwise. See [Diff] for the rules.
type Changes struct {
	// AsOf is the day against which termination dates were judged.
	AsOf unified.Date
	// Joined holds the users who are present and not gone in the new read but were
	// absent or gone in the previous one. A user who was gone and is back is a rehire
	// and counts as a joiner.
	Joined []Change
	// Moved holds the users, present and not gone in both reads, for whom at least one
	// move field changed. Each Change lists all of the user's field changes, moves and
	// others alike.
	Moved []Change
	// Changed holds the other users in both reads whose fields changed: those with no
	// change to a move field, and those gone in both.
	Changed []Change
	// Left holds the users who were present and not gone in the previous read but are
	// absent or gone in the new one, with the reason.
	Left []Change
	// Duplicates lists the IDs that occur more than once in either read. Only the first
	// record of each ID (in slice order) was compared.
	Duplicates []string
}

// IsEmpty reports whether nothing changed.
func (c *Changes) IsEmpty() bool {
	return len(c.Joined) == 0 && len(c.Left) == 0 && len(c.Moved) == 0 && len(c.Changed) == 0
}

// All returns every change in the order a provisioning tool applies them: joiners first
// (so that a mover's new manager exists), then movers, other changes, and leavers last;
// by user ID within each kind.
func (c *Changes) All() iter.Seq[Change] {
	return func(yield func(Change) bool) {
		for _, list := range [...][]Change{c.Joined, c.Moved, c.Changed, c.Left} {
			for i := range list {
				if !yield(list[i]) {
					return
				}
			}
		}
	}
}

// Diff compares two reads of one directory, prev and next, and reports joiners,
// leavers, movers and other changes. It is the step of a provisioning job between
// loading the previous snapshot and saving the new one:
//
//	prev, err := snapshot.Load(path) // fs.ErrNotExist before the first run
//	next, err := snapshot.Take(ctx, dir, opts)
//	changes, err := snapshot.Diff(prev, next, snapshot.FirstRun(*firstRun))
//	// apply changes.All(), then
//	err = snapshot.Save(path, next)
//
// Diff refuses to compare, and returns no changes, when a mistake would make the result
// wrong on a large scale, such as deprovisioning everyone:
//   - the snapshots name different providers, or were listed with different filters
//     (by [unified.Filter.Fingerprint]): a [*MismatchError], matching [ErrMismatch];
//   - prev is nil or has no users and [FirstRun] was not given: [ErrNoPrevious];
//   - more than half of prev's present users would leave (or the share set with
//     [MaxLeaverShare]): a [*TooManyLeaversError], matching [ErrTooManyLeavers].
//
// Users are matched by ID, and each pair is classified as [Compare] does. A user is gone
// when the status is inactive or the termination date (else the last working day) is
// before the reference day (see [AsOf] and [unified.User.IsTerminated]); other users,
// whatever their status, are present. Then, for each ID:
//   - only in next, not gone: joined. Users that appear already gone are not joiners.
//   - gone in prev, present in next: joined (a rehire).
//   - only in prev, not gone: left, [LeaveRemoved]. Users that were already gone are
//     not leavers again.
//   - present in prev, gone in next: left, [LeaveDeactivated] when the status became
//     inactive, else [LeaveTerminated]. The fields of joiners and leavers are not
//     compared.
//   - in both reads, not a joiner or leaver: the fields are compared. A change to a move
//     field makes the user a mover (Moved); any other change puts the user in Changed.
//     A user both moved and changed is in Moved only, with all field changes.
//
// Fields are compared as follows. A reference (department, team, office, legal entity,
// manager) moves when it points elsewhere: another ID, or another name when it has no
// ID. A reference renamed in place (same ID, new name) is a change, not a move, so the
// reports of a manager who changed name do not move. Custom attributes are compared by
// key and by value, not by label; an absent attribute equals a null one. Times are
// compared as instants. Raw is never compared, and updated_at only with
// [IncludeUpdatedAt].
//
// Every list in Changes is sorted by user ID (byte order), so the result does not
// depend on the order of the input. Diff runs in O(n) time for n users, plus sorting the
// changes.
func Diff(prev, next *Snapshot, opts ...Option) (*Changes, error) {
	if next == nil {
		return nil, fmt.Errorf("snapshot: Diff: no new snapshot: %w", unified.ErrInvalidValue)
	}
	cfg := newConfig(opts)
	if prev == nil || len(prev.Users) == 0 {
		if !cfg.firstRun {
			return nil, errNoPrevious
		}
	}
	if prev != nil {
		if err := match(prev, next.Provider, &next.Filter); err != nil {
			return nil, err
		}
	}
	var before []unified.User
	if prev != nil {
		before = prev.Users
	}
	out, present := diff(before, next.Users, cfg)
	if err := cfg.checkLeavers(len(out.Left), present); err != nil {
		return nil, err
	}
	return out, nil
}

// match returns a *MismatchError unless prev is a read of provider with filter f.
func match(prev *Snapshot, provider string, f *unified.Filter) error {
	if prev.Provider != provider {
		return &MismatchError{Field: "provider", Previous: prev.Provider, New: provider}
	}
	if a, b := prev.Filter.Fingerprint(), f.Fingerprint(); a != b {
		return &MismatchError{Field: "filter", Previous: a, New: b}
	}
	return nil
}

// diff compares two lists of users without any check, and returns the changes and the
// number of present users in before.
func diff(before, after []unified.User, cfg *config) (*Changes, int) {
	c := newComparer(cfg)
	out := &Changes{AsOf: cfg.asOf}
	add := func(ch Change) {
		switch ch.Kind {
		case Joined:
			out.Joined = append(out.Joined, ch)
		case Moved:
			out.Moved = append(out.Moved, ch)
		case Changed:
			out.Changed = append(out.Changed, ch)
		case Left:
			out.Left = append(out.Left, ch)
		}
	}

	prev := make(map[string]int32, len(before))
	var dups map[string]bool
	dup := func(id string) {
		if dups == nil {
			dups = make(map[string]bool)
		}
		dups[id] = true
	}
	// state[i] says whether before[i] is a later record of an ID (skipped), or has been
	// matched with a record of after.
	const (
		unmatched = iota
		skipped
		matched
	)
	state := make([]uint8, len(before))
	present := 0
	for i := range before {
		if _, ok := prev[before[i].ID]; ok {
			dup(before[i].ID)
			state[i] = skipped
			continue
		}
		prev[before[i].ID] = int32(i)
		if !before[i].IsTerminated(cfg.asOf) {
			present++
		}
	}
	var fresh map[string]bool // IDs of after that are not in before
	for i := range after {
		a := &after[i]
		// Reads of one directory are often in the same order: try the same position
		// before looking the ID up.
		bi, ok := int32(i), i < len(before) && state[i] != skipped && before[i].ID == a.ID
		if !ok {
			bi, ok = prev[a.ID]
		}
		var b *unified.User
		switch {
		case !ok && fresh[a.ID]:
			dup(a.ID)
			continue
		case !ok:
			if fresh == nil {
				fresh = make(map[string]bool)
			}
			fresh[a.ID] = true
		case state[bi] == matched:
			dup(a.ID)
			continue
		default:
			state[bi] = matched
			b = &before[bi]
		}
		if ch, ok := c.classify(b, a); ok {
			add(ch)
		}
	}
	for i := range before {
		if state[i] != unmatched {
			continue
		}
		if ch, ok := c.classify(&before[i], nil); ok {
			add(ch)
		}
	}

	byID := func(x, y Change) int { return strings.Compare(x.User.ID, y.User.ID) }
	slices.SortFunc(out.Joined, byID)
	slices.SortFunc(out.Moved, byID)
	slices.SortFunc(out.Changed, byID)
	slices.SortFunc(out.Left, byID)
	for id := range dups {
		out.Duplicates = append(out.Duplicates, id)
	}
	slices.Sort(out.Duplicates)
	return out, present
}
