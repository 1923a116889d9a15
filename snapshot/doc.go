// Package snapshot keeps reads of a directory and tells what changed between them: who
// joined, who moved, whose record changed and who left. It is the core of a provisioning
// job that keeps a product's accounts in step with an HR system.
//
// A [Snapshot] is one complete read: the users, the provider and [unified.Filter] they
// were listed with, and when. [Take] lists a [unified.Directory] into one; [Save] and
// [Load] keep it in a file. [Diff] compares the previous snapshot with the new one and
// returns [Changes]; [Sync] does the listing and the comparison in one call, and reads
// only the users changed since the previous run where the provider can filter by update
// time.
//
// # Safety
//
// A comparison that goes wrong can deprovision everyone, so Diff and Sync refuse to
// compare, with a typed error and no changes, when:
//   - the two snapshots come from different providers or were listed with different
//     filters ([ErrMismatch], a [*MismatchError]);
//   - the previous snapshot is missing or empty and the caller did not say that this is
//     the first run ([ErrNoPrevious]; see [FirstRun]);
//   - more than half of the previous snapshot's users would leave, or the share set with
//     [MaxLeaverShare] ([ErrTooManyLeavers], a [*TooManyLeaversError] with the counts).
//
// # Changes
//
// A [Change] is the common currency of everything that reports what happened to people:
// a diff of two snapshots, a provider's webhook events, a workflow that hands changes on in
// batches. It holds its kind ([Joined], [Moved], [Changed], [Left]), the user's record,
// the changed fields of a mover, the reason of a leaver, and has a stable idempotency
// [Change.Key]. [Compare] classifies one person from two records, by the rules Diff
// applies to every user.
//
// # File format
//
// A snapshot file is JSON Lines: a header line, then one [unified.User] per line as
// encoding/json writes it.
//
//	{"$snapshot":{"version":1,"provider":"personio","filter":{"statuses":["active"]},"taken_at":"2025-03-01T02:00:00Z"}}
//	{"id":"1","provider":"personio","email":"ada@example.com","status":"active",...}
//
// A header is told apart from a user by its only top-level key, "$snapshot"; User has no
// such field. The filter is left out when it selects every user. Blank lines are skipped;
// lines may end in "\r\n". [Writer] and [Reader] write and read a file line by line, so
// that memory use depends on the longest line, not on the number of users.
//
// The package imports no provider: it works on [unified.Directory] and [unified.User]
// alone.
package snapshot
