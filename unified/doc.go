// Package unified is the provider-neutral model of a people directory: the [User] record,
// the [Directory] interface that every HR provider adapter satisfies, the [Filter] that means
// the same on every provider, opaque resumable cursors, and [Users], an iterator that pages
// for you.
//
// The package imports no provider. A provider adapter (personio, lattice, or your own) turns
// its raw records into [User] values; code written against [Directory] works with all of them.
// Tools built on the model have their own packages: orgchart (reporting lines and their
// drawings) and snapshot (saved reads of a directory, their differences, incremental sync).
//
// # Errors
//
// Provider errors are returned as [*APIError] values that match the sentinel errors of this
// package with [errors.Is]: [ErrNotFound], [ErrUnauthorized], [ErrForbidden],
// [ErrRateLimited], [ErrUnavailable], [ErrInvalidRequest]. Cursor problems are
// [ErrInvalidCursor] (a cursor from another provider, another filter, or tampered with) and
// [ErrCursorLoop] (the provider sent a cursor it already sent).
//
// # Dates
//
// HR systems deal in calendar days. [Date] is a civil date with no time zone; it parses
// RFC 3339 timestamps by the calendar day as written, so "1990-01-01T00:00:00+01:00" is
// 1 January 1990, never 31 December 1989.
package unified
