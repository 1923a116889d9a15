package temporalsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Directories gives the activities a tenant's directory at run time. This is where
// credentials come from: a secret manager, the product's encrypted settings, a vault.
// They never enter workflow or activity inputs, which Temporal stores in its history in
// clear; the inputs name the tenant only.
//
// Return the same directory (the same client) for a tenant while its credentials are
// unchanged, so that every sync of the tenant in this process shares the client's rate
// limit. Wrap [ErrUnknownTenant] for a tenant that has no directory: the sync fails
// without a retry. Other errors are retried.
type Directories interface {
	Directory(ctx context.Context, tenantID string) (unified.Directory, error)
}

// DirectoriesFunc is a function that is a [Directories].
type DirectoriesFunc func(ctx context.Context, tenantID string) (unified.Directory, error)

// Directory calls f.
func (f DirectoriesFunc) Directory(ctx context.Context, tenantID string) (unified.Directory, error) {
	return f(ctx, tenantID)
}

// Batch is one batch of a sync's changes, as a [Handler] receives it.
type Batch struct {
	// TenantID names the tenant; SnapshotID the snapshot whose changes these are.
	TenantID   string
	SnapshotID string
	// Index is the batch's number, from 1 to Count.
	Index, Count int
	// Changes are the changes in the order of [snapshot.Changes.All]: joiners first,
	// then movers, other changes, and leavers last, across the batches.
	Changes []snapshot.Change
}

// Handler acts on one batch of changes: it creates, updates and deactivates the
// product's accounts. It runs inside an activity (ctx is the activity's context, see
// the Temporal activity package) and is retried by Temporal's retry policy when it
// returns an error; return an error made by temporal.NewNonRetryableApplicationError
// for failures a retry cannot fix, or use [ActivityError] on errors of this library.
//
// Delivery is at least once: a batch is handed on again when the handler fails, when
// its worker dies before Temporal records the result, and (with every other change of
// the sync) when a later step of the sync fails and a later sync computes the same
// changes. Make the handler idempotent: record [snapshot.Change.Key] with the effect of
// each change, in the same transaction where possible, and skip changes whose key is
// already recorded. A batch is never handed on before the batches before it succeeded.
type Handler func(ctx context.Context, b *Batch) error

// Activities are the activities of [SyncWorkflow]. Register them with [Register] on the
// workers of the sync's task queue. Set the fields before registering and do not change
// them afterwards; the activities are safe for concurrent use when Directories, Store
// and Handler are.
type Activities struct {
	// Directories resolves a tenant's directory and its credentials. Required.
	Directories Directories
	// Store keeps snapshots and batches of changes. Required.
	Store SnapshotStore
	// Handler acts on the changes. Required.
	Handler Handler
	// DiffOptions adjust how snapshots are compared, for every tenant: IgnoreFields,
	// MoveFields, IncludeUpdatedAt. FirstRun and MaxLeaverShare come from [SyncInput].
	DiffOptions []snapshot.Option
}

// Checkpoint is what the listing activity records with every heartbeat, after a page
// has been written to the store: where a retried attempt resumes. It holds no user data;
// the cursor is the directory's opaque position (for some providers the ID of the last
// user listed).
type Checkpoint struct {
	// Started is when the first attempt started listing: the snapshot's TakenAt.
	Started time.Time `json:"started"`
	// Pages and Users are the pages and users written so far.
	Pages int `json:"pages"`
	Users int `json:"users"`
	// Cursor reads the next page; it is "" before the first page and after the last.
	Cursor string `json:"cursor,omitempty"`
	// Done is true once the last page has been written.
	Done bool `json:"done,omitempty"`
}

// ListInput is the input of the listing activity.
type ListInput struct {
	TenantID   string         `json:"tenant_id"`
	SnapshotID string         `json:"snapshot_id"`
	Filter     unified.Filter `json:"filter,omitzero"`
	PageSize   int            `json:"page_size,omitempty"`
}

// ListResult is the result of the listing activity.
type ListResult struct {
	Provider string `json:"provider"`
	Pages    int    `json:"pages"`
	Users    int    `json:"users"`
	// Attempt is the attempt that completed the listing (1 when nothing was retried), and
	// Resumed the number of pages it did not read again.
	Attempt int `json:"attempt"`
	Resumed int `json:"resumed,omitempty"`
}

// DiffInput is the input of the comparison activity.
type DiffInput struct {
	TenantID       string   `json:"tenant_id"`
	SnapshotID     string   `json:"snapshot_id"`
	BatchSize      int      `json:"batch_size"`
	FirstRun       bool     `json:"first_run,omitempty"`
	MaxLeaverShare *float64 `json:"max_leaver_share,omitempty"`
}

// DiffResult is the result of the comparison activity: counts and references only.
type DiffResult struct {
	// PreviousID is the snapshot compared with, "" on a first run.
	PreviousID string `json:"previous_id,omitempty"`
	Batches    int    `json:"batches"`
	Joined     int    `json:"joined"`
	Moved      int    `json:"moved"`
	Changed    int    `json:"changed"`
	Left       int    `json:"left"`
	Duplicates int    `json:"duplicates,omitempty"`
}

// BatchRef names a batch of changes in the store: the input of the activity that hands
// it to the [Handler].
type BatchRef struct {
	TenantID   string `json:"tenant_id"`
	SnapshotID string `json:"snapshot_id"`
	Index      int    `json:"index"`
	Count      int    `json:"count"`
}

// CommitInput is the input of the activity that makes a snapshot current, and of the
// one that discards the snapshot of a failed sync.
type CommitInput struct {
	TenantID   string `json:"tenant_id"`
	SnapshotID string `json:"snapshot_id"`
	// PreviousID is the snapshot the changes were computed against, "" on a first run.
	PreviousID string `json:"previous_id,omitempty"`
}

func (a *Activities) check(needHandler bool) error {
	switch {
	case a == nil || a.Store == nil:
		return fmt.Errorf("temporalsync: Activities.Store is nil: %w", unified.ErrInvalidConfig)
	case a.Directories == nil:
		return fmt.Errorf("temporalsync: Activities.Directories is nil: %w", unified.ErrInvalidConfig)
	case needHandler && a.Handler == nil:
		return fmt.Errorf("temporalsync: Activities.Handler is nil: %w", unified.ErrInvalidConfig)
	}
	return nil
}

func checkIDs(tenant, snap string) error {
	if err := checkID("tenant ID", tenant); err != nil {
		return fmt.Errorf("temporalsync: %w", err)
	}
	if err := checkID("snapshot ID", snap); err != nil {
		return fmt.Errorf("temporalsync: %w", err)
	}
	return nil
}

// List lists the tenant's directory into the store, one object per page, and records a
// [Checkpoint] with a heartbeat after every page it has written. A retried attempt
// resumes from the last checkpoint Temporal recorded: it reads the page after it again
// and writes it under the same key, replacing what an earlier attempt may have written
// there, so pages written after the checkpoint are overwritten, never duplicated.
// When the last page is written, List writes the snapshot's manifest, which marks the
// listing complete.
func (a *Activities) List(ctx context.Context, in ListInput) (*ListResult, error) {
	if err := a.check(false); err != nil {
		return nil, ActivityError(err)
	}
	if err := checkIDs(in.TenantID, in.SnapshotID); err != nil {
		return nil, ActivityError(err)
	}
	if in.PageSize < 0 || !in.Filter.UpdatedSince.IsZero() {
		return nil, ActivityError(fmt.Errorf("temporalsync: a page size below 0 or an updated-since filter: %w", ErrInvalidInput))
	}
	var cp Checkpoint
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &cp); err != nil {
			// Details of another shape (an older version of this code): list again.
			activity.GetLogger(ctx).Warn("Ignoring a checkpoint that cannot be read; listing from the start.", "Error", err)
			cp = Checkpoint{}
		}
	}
	if cp.Pages <= 0 || cp.Users < 0 || cp.Cursor == "" && !cp.Done {
		// Nothing written yet, or a checkpoint that cannot have been recorded: start over.
		cp = Checkpoint{Started: time.Now().UTC()}
	}
	res := &ListResult{Attempt: int(activity.GetInfo(ctx).Attempt), Resumed: cp.Pages}

	dir, err := a.Directories.Directory(ctx, in.TenantID)
	if err != nil {
		return nil, ActivityError(fmt.Errorf("temporalsync: directory of tenant %s: %w", in.TenantID, err))
	}
	opts := unified.ListOptions{Cursor: cp.Cursor, PageSize: in.PageSize, Filter: in.Filter}
	for !cp.Done {
		page, err := dir.ListUsers(ctx, &opts)
		if err != nil {
			return nil, ActivityError(fmt.Errorf("temporalsync: listing tenant %s, page %d: %w", in.TenantID, cp.Pages+1, err))
		}
		if page.NextCursor != "" && page.NextCursor == opts.Cursor {
			return nil, ActivityError(fmt.Errorf("temporalsync: listing tenant %s, page %d: %w", in.TenantID, cp.Pages+1, unified.ErrCursorLoop))
		}
		data, err := encodeUsers(page.Users)
		if err != nil {
			return nil, ActivityError(fmt.Errorf("temporalsync: listing tenant %s, page %d: %w", in.TenantID, cp.Pages+1, err))
		}
		if err := a.Store.Put(ctx, pageKey(in.TenantID, in.SnapshotID, cp.Pages+1), data); err != nil {
			return nil, ActivityError(fmt.Errorf("temporalsync: writing page %d of tenant %s: %w", cp.Pages+1, in.TenantID, err))
		}
		cp.Pages++
		cp.Users += len(page.Users)
		cp.Cursor = page.NextCursor
		cp.Done = page.NextCursor == ""
		activity.RecordHeartbeat(ctx, cp)
		opts.Cursor = page.NextCursor
	}

	m := manifest{
		Header: snapshot.Header{Version: snapshot.FormatVersion, Provider: dir.Provider(), Filter: in.Filter, TakenAt: cp.Started},
		Pages:  cp.Pages,
		Users:  cp.Users,
	}
	if err := a.putJSON(ctx, manifestKey(in.TenantID, in.SnapshotID), m); err != nil {
		return nil, ActivityError(fmt.Errorf("temporalsync: writing the manifest of tenant %s: %w", in.TenantID, err))
	}
	res.Provider, res.Pages, res.Users = m.Header.Provider, m.Pages, m.Users
	return res, nil
}

// Diff compares the listed snapshot with the tenant's current one (see
// [snapshot.Diff], whose refusals fail the sync without a retry) and writes the
// changes to the store in batches of in.BatchSize, in the order of
// [snapshot.Changes.All]. Running it again writes the same batches again.
func (a *Activities) Diff(ctx context.Context, in DiffInput) (*DiffResult, error) {
	if err := a.check(false); err != nil {
		return nil, ActivityError(err)
	}
	if err := checkIDs(in.TenantID, in.SnapshotID); err != nil {
		return nil, ActivityError(err)
	}
	if in.BatchSize < 1 {
		return nil, ActivityError(fmt.Errorf("temporalsync: batch size %d: %w", in.BatchSize, ErrInvalidInput))
	}
	prevID, err := currentID(ctx, a.Store, in.TenantID)
	if err != nil {
		return nil, ActivityError(fmt.Errorf("temporalsync: %w", err))
	}
	if prevID == in.SnapshotID {
		return nil, ActivityError(fmt.Errorf("temporalsync: snapshot %s of tenant %s is already current: %w", in.SnapshotID, in.TenantID, ErrConcurrentSync))
	}
	var prev *snapshot.Snapshot
	if prevID != "" {
		if prev, err = loadSnapshot(ctx, a.Store, in.TenantID, prevID); err != nil {
			return nil, ActivityError(fmt.Errorf("temporalsync: %w", err))
		}
	}
	next, err := loadSnapshot(ctx, a.Store, in.TenantID, in.SnapshotID)
	if err != nil {
		return nil, ActivityError(fmt.Errorf("temporalsync: %w", err))
	}
	opts := append(slices.Clip(a.DiffOptions), snapshot.FirstRun(in.FirstRun))
	if in.MaxLeaverShare != nil {
		opts = append(opts, snapshot.MaxLeaverShare(*in.MaxLeaverShare))
	}
	changes, err := snapshot.Diff(prev, next, opts...)
	if err != nil {
		return nil, ActivityError(fmt.Errorf("temporalsync: comparing snapshots of tenant %s: %w", in.TenantID, err))
	}
	res := &DiffResult{
		PreviousID: prevID,
		Joined:     len(changes.Joined),
		Moved:      len(changes.Moved),
		Changed:    len(changes.Changed),
		Left:       len(changes.Left),
		Duplicates: len(changes.Duplicates),
	}
	batch := make([]snapshot.Change, 0, min(in.BatchSize, res.Joined+res.Moved+res.Changed+res.Left))
	flush := func() error {
		res.Batches++
		data, err := encodeChanges(batch)
		if err == nil {
			err = a.Store.Put(ctx, batchKey(in.TenantID, in.SnapshotID, res.Batches), data)
		}
		if err != nil {
			return fmt.Errorf("temporalsync: writing batch %d of tenant %s: %w", res.Batches, in.TenantID, err)
		}
		batch = batch[:0]
		return nil
	}
	for c := range changes.All() {
		batch = append(batch, c)
		if len(batch) == in.BatchSize {
			if err := flush(); err != nil {
				return nil, ActivityError(err)
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return nil, ActivityError(err)
		}
	}
	return res, nil
}

// HandleBatch loads a batch of changes from the store and hands it to the [Handler].
// The handler's error is returned as it is, for Temporal's retry policy.
func (a *Activities) HandleBatch(ctx context.Context, ref BatchRef) error {
	if err := a.check(true); err != nil {
		return ActivityError(err)
	}
	if err := checkIDs(ref.TenantID, ref.SnapshotID); err != nil {
		return ActivityError(err)
	}
	if ref.Index < 1 || ref.Index > ref.Count {
		return ActivityError(fmt.Errorf("temporalsync: batch %d of %d: %w", ref.Index, ref.Count, ErrInvalidInput))
	}
	data, err := a.Store.Get(ctx, batchKey(ref.TenantID, ref.SnapshotID, ref.Index))
	if err != nil {
		return ActivityError(fmt.Errorf("temporalsync: reading batch %d of tenant %s: %w", ref.Index, ref.TenantID, err))
	}
	changes, err := decodeChanges(data)
	if err != nil {
		return ActivityError(fmt.Errorf("temporalsync: reading batch %d of tenant %s: %w", ref.Index, ref.TenantID, err))
	}
	return a.Handler(ctx, &Batch{
		TenantID:   ref.TenantID,
		SnapshotID: ref.SnapshotID,
		Index:      ref.Index,
		Count:      ref.Count,
		Changes:    changes,
	})
}

// Commit makes the snapshot the tenant's current one, once every batch has been handed
// on, and then deletes the previous snapshot and the batches. It refuses, with
// [ErrConcurrentSync], when the current snapshot is no longer the one the changes were
// computed against. Running it again after it succeeded does nothing more.
func (a *Activities) Commit(ctx context.Context, in CommitInput) error {
	if err := a.check(false); err != nil {
		return ActivityError(err)
	}
	if err := checkIDs(in.TenantID, in.SnapshotID); err != nil {
		return ActivityError(err)
	}
	if in.PreviousID != "" {
		if err := checkID("previous snapshot ID", in.PreviousID); err != nil {
			return ActivityError(fmt.Errorf("temporalsync: %w", err))
		}
	}
	cur, err := currentID(ctx, a.Store, in.TenantID)
	if err != nil {
		return ActivityError(fmt.Errorf("temporalsync: %w", err))
	}
	switch cur {
	case in.SnapshotID: // an earlier attempt committed
	case in.PreviousID:
		if _, err := a.Store.Get(ctx, manifestKey(in.TenantID, in.SnapshotID)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("%w: the snapshot's listing is not complete", ErrInvalidInput)
			}
			return ActivityError(fmt.Errorf("temporalsync: committing snapshot %s of tenant %s: %w", in.SnapshotID, in.TenantID, err))
		}
		if err := a.putJSON(ctx, currentKey(in.TenantID), current{Snapshot: in.SnapshotID}); err != nil {
			return ActivityError(fmt.Errorf("temporalsync: committing snapshot %s of tenant %s: %w", in.SnapshotID, in.TenantID, err))
		}
	default:
		return ActivityError(fmt.Errorf("temporalsync: committing snapshot %s of tenant %s: the current snapshot is %s, not %s: %w",
			in.SnapshotID, in.TenantID, cur, orNone(in.PreviousID), ErrConcurrentSync))
	}
	if in.PreviousID != "" {
		if err := a.Store.Delete(ctx, snapshotPrefix(in.TenantID, in.PreviousID)); err != nil {
			return ActivityError(fmt.Errorf("temporalsync: deleting snapshot %s of tenant %s: %w", in.PreviousID, in.TenantID, err))
		}
	}
	if err := a.Store.Delete(ctx, changesPrefix(in.TenantID, in.SnapshotID)); err != nil {
		return ActivityError(fmt.Errorf("temporalsync: deleting the changes of tenant %s: %w", in.TenantID, err))
	}
	return nil
}

// Discard deletes the snapshot of a sync that failed, unless it is current.
func (a *Activities) Discard(ctx context.Context, in CommitInput) error {
	if err := a.check(false); err != nil {
		return ActivityError(err)
	}
	if err := checkIDs(in.TenantID, in.SnapshotID); err != nil {
		return ActivityError(err)
	}
	cur, err := currentID(ctx, a.Store, in.TenantID)
	if err != nil {
		return ActivityError(fmt.Errorf("temporalsync: %w", err))
	}
	if cur == in.SnapshotID {
		return nil
	}
	if err := a.Store.Delete(ctx, snapshotPrefix(in.TenantID, in.SnapshotID)); err != nil {
		return ActivityError(fmt.Errorf("temporalsync: deleting snapshot %s of tenant %s: %w", in.SnapshotID, in.TenantID, err))
	}
	return nil
}

func orNone(id string) string {
	if id == "" {
		return "none"
	}
	return id
}

func (a *Activities) putJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return a.Store.Put(ctx, key, b)
}
