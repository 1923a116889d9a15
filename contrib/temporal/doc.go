// Package temporalsync runs the directory syncs of many tenants as Temporal workflows
// (https://temporal.io), so that a sync survives the death of the process that runs it:
// a nightly full sync per tenant on a schedule, and manual syncs on demand.
//
// It is a module of its own, github.com/hrisconnect/hrisconnect/contrib/temporal, so
// that users of the core module do not depend on the Temporal SDK. The package is
// named temporalsync so that it does not clash with the SDK's temporal package.
//
// # The workflow
//
// [SyncWorkflow] syncs one tenant: it lists the tenant's directory into a new snapshot,
// compares it with the tenant's current snapshot ([snapshot.Diff]), hands the changes
// (joiners, movers with their field changes, leavers) to the product's [Handler] in
// batches, and makes the new snapshot current only after every batch was handed on.
//
// The listing is one long activity that writes each page to a [SnapshotStore] and then
// heartbeats a [Checkpoint]: the directory's cursor and the pages and users written. If
// the attempt fails, or its worker dies, Temporal retries it and the retry resumes at
// the last checkpoint Temporal recorded. Pages are stored under their page number, so a
// page written after that checkpoint is read again and overwritten, never duplicated.
// An attempt that returns an error, and a worker that shuts down, send their last
// heartbeat before they go, so the retry reads again only the page that was in flight.
// A worker that is killed outright loses the heartbeats the SDK had not sent yet (it
// sends them at most every 0.8 × HeartbeatTimeout, and at least every
// worker.Options.MaxHeartbeatThrottleInterval, 60 s by default): lower that interval
// to bound how many pages such a retry reads again.
//
// # What goes into Temporal's history
//
// Only references and counts: tenant and snapshot IDs, batch numbers, cursors (opaque
// positions in a listing), counts of pages, users and changes, and error messages.
// Users go to the store; the [Handler] receives them from the store, through the
// HandleBatch activity. Credentials never enter an input or a result: the activities
// ask [Directories] for a tenant's directory when they run.
//
// # Delivery
//
// Changes are handed on at least once: a batch whose activity fails is handed on again,
// and when a sync fails after some batches, the previous snapshot stays current, so
// the next sync computes the same changes again. Every change has an idempotency key,
// [snapshot.Change.Key], that is the same wherever and whenever it is computed: a
// handler that records the keys it has applied can drop repeats.
//
// # Errors
//
// Within an activity attempt, the clients retry 429s and 5xx themselves (with
// Retry-After and backoff, up to their MaxAttempts); across attempts, Temporal's retry
// policy does ([DefaultRetryPolicy]). Errors a retry cannot fix fail the sync at once:
// [ActivityError] turns them into non-retryable application errors with a type
// (wrong credentials: ErrTypeUnauthorized; a missing permission: ErrTypeForbidden; an
// invalid cursor; snapshot refusals such as ErrTypeTooManyLeavers; ...).
//
// # Running it
//
// Workers call [Register] with [Activities] that hold the [Directories], the
// [SnapshotStore] and the [Handler]. [ScheduleOptions] describes a tenant's nightly
// schedule (overlap policy skip), and [StartOptions] a manual run with a workflow ID per
// tenant. The examples directory has a worker and a starter; docs/scaling.md in the
// repository says when to use this package and how to run it.
package temporalsync
