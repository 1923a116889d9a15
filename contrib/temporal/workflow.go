package temporalsync

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Names under which [Register] registers the workflow and the activities. Activity
// names are the prefix "hrisconnect." and the method name of [Activities].
const (
	WorkflowName        = "hrisconnect.Sync"
	ActivityList        = "hrisconnect.List"
	ActivityDiff        = "hrisconnect.Diff"
	ActivityHandleBatch = "hrisconnect.HandleBatch"
	ActivityCommit      = "hrisconnect.Commit"
	ActivityDiscard     = "hrisconnect.Discard"
)

// Defaults of [SyncInput].
const (
	DefaultBatchSize        = 500
	DefaultListTimeout      = 12 * time.Hour
	DefaultHeartbeatTimeout = 5 * time.Minute
	DefaultHandleTimeout    = 10 * time.Minute
	// MaxBatchSize bounds SyncInput.BatchSize.
	MaxBatchSize = 10000
)

// DefaultRetryPolicy is the retry policy of every activity of a sync unless
// SyncInput.RetryPolicy replaces it: ten attempts, the first retry after 30 s, the
// wait doubling up to 10 min (some 40 min of waiting in all). Errors of the types that
// [ActivityError] makes non-retryable are never retried.
func DefaultRetryPolicy() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:    30 * time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    10 * time.Minute,
		MaximumAttempts:    10,
	}
}

// SyncInput is the input of [SyncWorkflow]. It names the tenant and says how to sync;
// it holds no credentials ([Directories] resolves them at run time) and no user data.
type SyncInput struct {
	// TenantID names the tenant for [Directories] and in the store's keys: 1 to 128
	// letters, digits, '.', '_' and '-'. Required.
	TenantID string `json:"tenant_id"`
	// Filter selects the users to sync (employment types, statuses, legal entities, ...).
	// It is stored in the workflow's history like the rest of the input, so prefer
	// filters that are not personal data (Emails are). UpdatedSince is refused: a sync
	// lists the whole selection.
	Filter unified.Filter `json:"filter,omitzero"`
	// PageSize is the page size of the listing; 0 means the provider's largest.
	PageSize int `json:"page_size,omitempty"`
	// BatchSize is the most changes the [Handler] receives at once; 0 means
	// DefaultBatchSize.
	BatchSize int `json:"batch_size,omitempty"`
	// FirstRun says that the tenant has no current snapshot yet, so that every user is
	// a joiner (see [snapshot.FirstRun]); set it on the tenant's first sync only.
	FirstRun bool `json:"first_run,omitempty"`
	// MaxLeaverShare, when set, replaces [snapshot.DefaultMaxLeaverShare] for this sync.
	MaxLeaverShare *float64 `json:"max_leaver_share,omitempty"`
	// ListTimeout bounds one attempt of the listing; 0 means DefaultListTimeout.
	ListTimeout time.Duration `json:"list_timeout,omitempty"`
	// HeartbeatTimeout is how long the listing may go without a heartbeat before
	// Temporal considers its worker dead and retries it elsewhere; 0 means
	// DefaultHeartbeatTimeout. It heartbeats after every page, so it must exceed the
	// longest time one page can take, the client's own retries and waits included.
	HeartbeatTimeout time.Duration `json:"heartbeat_timeout,omitempty"`
	// HandleTimeout bounds one attempt of the [Handler] on one batch, and one attempt of
	// the steps that compare, commit and discard snapshots; 0 means DefaultHandleTimeout.
	HandleTimeout time.Duration `json:"handle_timeout,omitempty"`
	// RetryPolicy replaces DefaultRetryPolicy for every activity of the sync.
	RetryPolicy *temporal.RetryPolicy `json:"retry_policy,omitempty"`
}

func (in *SyncInput) check() error {
	if err := checkID("tenant ID", in.TenantID); err != nil {
		return err
	}
	switch {
	case in.PageSize < 0:
		return fmt.Errorf("page size %d is negative: %w", in.PageSize, ErrInvalidInput)
	case in.BatchSize < 0 || in.BatchSize > MaxBatchSize:
		return fmt.Errorf("batch size %d is not between 0 and %d: %w", in.BatchSize, MaxBatchSize, ErrInvalidInput)
	case in.MaxLeaverShare != nil && !(*in.MaxLeaverShare >= 0 && *in.MaxLeaverShare <= 1):
		return fmt.Errorf("max leaver share %v is not between 0 and 1: %w", *in.MaxLeaverShare, ErrInvalidInput)
	case in.ListTimeout < 0 || in.HeartbeatTimeout < 0 || in.HandleTimeout < 0:
		return fmt.Errorf("a negative timeout: %w", ErrInvalidInput)
	case !in.Filter.UpdatedSince.IsZero():
		return fmt.Errorf("an updated-since filter lists part of the directory, not a snapshot: %w", ErrInvalidInput)
	}
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// SyncResult is the result of [SyncWorkflow]: references and counts only.
type SyncResult struct {
	TenantID string `json:"tenant_id"`
	// SnapshotID is the tenant's current snapshot now; PreviousID the one before, ""
	// after a first run.
	SnapshotID string `json:"snapshot_id"`
	PreviousID string `json:"previous_id,omitempty"`
	Provider   string `json:"provider"`
	// Pages and Users are what the listing read; ListAttempts how many attempts it took,
	// and ResumedPages how many pages the last attempt did not read again.
	Pages        int `json:"pages"`
	Users        int `json:"users"`
	ListAttempts int `json:"list_attempts"`
	ResumedPages int `json:"resumed_pages,omitempty"`
	// Joined, Moved, Changed and Left count the changes handed on, in Batches batches.
	Joined     int `json:"joined"`
	Moved      int `json:"moved"`
	Changed    int `json:"changed"`
	Left       int `json:"left"`
	Duplicates int `json:"duplicates,omitempty"`
	Batches    int `json:"batches"`
}

// SnapshotID returns the ID of the snapshot a run of [SyncWorkflow] takes: a digest of
// the workflow ID and run ID, so that every run has its own and every attempt of a run
// the same.
func SnapshotID(workflowID, runID string) string {
	h := sha256.Sum256([]byte(workflowID + "\x00" + runID))
	return hex.EncodeToString(h[:16])
}

// SyncWorkflow syncs one tenant's directory:
//
//  1. List: one long activity lists the directory into the store page by page,
//     heartbeating a [Checkpoint] after each page; a retry resumes at the checkpoint.
//  2. Diff: compares the listing with the tenant's current snapshot and writes the
//     changes to the store in batches.
//  3. HandleBatch: hands each batch to the [Handler], one after the other.
//  4. Commit: makes the new snapshot current, only after every batch was handed on,
//     and deletes the previous one.
//
// When a step fails for good, the new snapshot is deleted and the previous one stays
// current, so that the next sync computes and hands on the same changes again (with the
// same [snapshot.Change.Key]) along with any newer ones: delivery is at least once.
//
// Inputs and results of the workflow and its activities carry tenant and snapshot IDs,
// cursors and counts, never credentials or users. Errors are described at
// [ActivityError]; the workflow fails with the activity's error.
func SyncWorkflow(ctx workflow.Context, in SyncInput) (*SyncResult, error) {
	if err := in.check(); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("temporalsync: "+err.Error(), ErrTypeInvalidInput, nil)
	}
	info := workflow.GetInfo(ctx)
	res := &SyncResult{
		TenantID:   in.TenantID,
		SnapshotID: SnapshotID(info.WorkflowExecution.ID, info.WorkflowExecution.RunID),
	}
	retry := in.RetryPolicy
	if retry == nil {
		retry = DefaultRetryPolicy()
	}
	listCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: orDefault(in.ListTimeout, DefaultListTimeout),
		HeartbeatTimeout:    orDefault(in.HeartbeatTimeout, DefaultHeartbeatTimeout),
		RetryPolicy:         retry,
	})
	// The other steps read and write the store; Diff holds two snapshots in memory.
	stepCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: orDefault(in.HandleTimeout, DefaultHandleTimeout),
		RetryPolicy:         retry,
	})

	var lr ListResult
	err := workflow.ExecuteActivity(listCtx, ActivityList, ListInput{
		TenantID:   in.TenantID,
		SnapshotID: res.SnapshotID,
		Filter:     in.Filter,
		PageSize:   in.PageSize,
	}).Get(ctx, &lr)
	if err != nil {
		return nil, discard(ctx, stepCtx, res, err)
	}
	res.Provider, res.Pages, res.Users = lr.Provider, lr.Pages, lr.Users
	res.ListAttempts, res.ResumedPages = lr.Attempt, lr.Resumed

	var dr DiffResult
	err = workflow.ExecuteActivity(stepCtx, ActivityDiff, DiffInput{
		TenantID:       in.TenantID,
		SnapshotID:     res.SnapshotID,
		BatchSize:      orDefault(in.BatchSize, DefaultBatchSize),
		FirstRun:       in.FirstRun,
		MaxLeaverShare: in.MaxLeaverShare,
	}).Get(ctx, &dr)
	if err != nil {
		return nil, discard(ctx, stepCtx, res, err)
	}
	res.PreviousID = dr.PreviousID
	res.Joined, res.Moved, res.Changed, res.Left = dr.Joined, dr.Moved, dr.Changed, dr.Left
	res.Duplicates, res.Batches = dr.Duplicates, dr.Batches

	for i := 1; i <= dr.Batches; i++ {
		ref := BatchRef{TenantID: in.TenantID, SnapshotID: res.SnapshotID, Index: i, Count: dr.Batches}
		if err := workflow.ExecuteActivity(stepCtx, ActivityHandleBatch, ref).Get(ctx, nil); err != nil {
			return nil, discard(ctx, stepCtx, res, err)
		}
	}

	commit := CommitInput{TenantID: in.TenantID, SnapshotID: res.SnapshotID, PreviousID: dr.PreviousID}
	if err := workflow.ExecuteActivity(stepCtx, ActivityCommit, commit).Get(ctx, nil); err != nil {
		return nil, discard(ctx, stepCtx, res, err)
	}
	return res, nil
}

// discard deletes the snapshot of a failed sync, also when the workflow was cancelled,
// and returns the error that failed it.
func discard(ctx, stepCtx workflow.Context, res *SyncResult, cause error) error {
	dctx, cancel := workflow.NewDisconnectedContext(stepCtx)
	defer cancel()
	dctx = workflow.WithRetryPolicy(dctx, temporal.RetryPolicy{InitialInterval: 10 * time.Second, MaximumAttempts: 3})
	in := CommitInput{TenantID: res.TenantID, SnapshotID: res.SnapshotID}
	if err := workflow.ExecuteActivity(dctx, ActivityDiscard, in).Get(dctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("Could not delete the snapshot of a failed sync.", "SnapshotID", res.SnapshotID, "Error", err)
	}
	return cause
}

// Register registers [SyncWorkflow] and the activities of a on a worker (or a test
// environment) under the names WorkflowName and Activity….
func Register(r worker.Registry, a *Activities) {
	r.RegisterWorkflowWithOptions(SyncWorkflow, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterActivityWithOptions(a, activity.RegisterOptions{Name: "hrisconnect."})
}
