package temporalsync

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Errors of this package. The activities return them as Temporal application errors
// with the types below; errors.Is works on the errors of the functions that are not
// activities ([Current], the [FileStore] methods).
var (
	// ErrInvalidInput: a workflow or activity input is malformed, such as a tenant ID
	// that cannot name a key in the store (see [SyncInput]).
	ErrInvalidInput = errors.New("invalid sync input")
	// ErrUnknownTenant is for [Directories] to return (wrapped) when it has no
	// directory for a tenant; the sync fails without a retry.
	ErrUnknownTenant = errors.New("unknown tenant")
	// ErrConcurrentSync: another sync of the tenant made its snapshot current while
	// this one was running. Schedules with the skip overlap policy and [StartOptions]
	// prevent it; the commit refuses rather than put an older snapshot back.
	ErrConcurrentSync = errors.New("another sync of the tenant committed first")
)

// The types of the application errors the activities return, for retry policies,
// alerts and errors.As(err, &appErr) with appErr.Type(). Types marked "retried" are
// retried by Temporal's retry policy; the others are non-retryable, because a retry
// cannot succeed without someone changing something (credentials, permissions,
// configuration, a snapshot refused as unsafe).
const (
	ErrTypeUnauthorized        = "hrisconnect.Unauthorized"        // unified.ErrUnauthorized: wrong or revoked credentials
	ErrTypeForbidden           = "hrisconnect.Forbidden"           // unified.ErrForbidden: credentials lack a permission
	ErrTypeNotFound            = "hrisconnect.NotFound"            // unified.ErrNotFound: wrong base URL or account
	ErrTypeInvalidRequest      = "hrisconnect.InvalidRequest"      // unified.ErrInvalidRequest: the provider refused the request
	ErrTypeInvalidCursor       = "hrisconnect.InvalidCursor"       // unified.ErrInvalidCursor: a checkpoint's cursor is not valid
	ErrTypeCursorLoop          = "hrisconnect.CursorLoop"          // unified.ErrCursorLoop: the provider repeats a cursor
	ErrTypeInvalidConfig       = "hrisconnect.InvalidConfig"       // unified.ErrInvalidConfig: a client is configured wrongly
	ErrTypeInvalidValue        = "hrisconnect.InvalidValue"        // unified.ErrInvalidValue: a record or option cannot be read
	ErrTypeUnsupported         = "hrisconnect.Unsupported"         // unified.ErrUnsupported
	ErrTypeResponseTooLarge    = "hrisconnect.ResponseTooLarge"    // unified.ErrResponseTooLarge
	ErrTypeMismatch            = "hrisconnect.SnapshotMismatch"    // snapshot.ErrMismatch: another provider or filter than the current snapshot
	ErrTypeNoPrevious          = "hrisconnect.NoPrevious"          // snapshot.ErrNoPrevious: no current snapshot and not a first run
	ErrTypeTooManyLeavers      = "hrisconnect.TooManyLeavers"      // snapshot.ErrTooManyLeavers: the diff would remove too many users
	ErrTypeInvalidSnapshot     = "hrisconnect.InvalidSnapshot"     // snapshot.ErrInvalid: a stored snapshot cannot be read
	ErrTypeUnknownTenant       = "hrisconnect.UnknownTenant"       // ErrUnknownTenant
	ErrTypeInvalidInput        = "hrisconnect.InvalidInput"        // ErrInvalidInput
	ErrTypeConcurrentSync      = "hrisconnect.ConcurrentSync"      // ErrConcurrentSync
	ErrTypeRateLimited         = "hrisconnect.RateLimited"         // unified.ErrRateLimited: retried
	ErrTypeUnavailable         = "hrisconnect.Unavailable"         // unified.ErrUnavailable (5xx, network): retried
	ErrTypeInconsistentListing = "hrisconnect.InconsistentListing" // unified.ErrInconsistentListing: retried
)

// errorTypes maps errors to application error types, first match wins. The order
// matters only where an error matches two entries.
var errorTypes = []struct {
	err       error
	typ       string
	retryable bool
}{
	{unified.ErrUnauthorized, ErrTypeUnauthorized, false},
	{unified.ErrForbidden, ErrTypeForbidden, false},
	{unified.ErrNotFound, ErrTypeNotFound, false},
	{unified.ErrInvalidRequest, ErrTypeInvalidRequest, false},
	{unified.ErrInvalidCursor, ErrTypeInvalidCursor, false},
	{unified.ErrCursorLoop, ErrTypeCursorLoop, false},
	{unified.ErrInvalidConfig, ErrTypeInvalidConfig, false},
	{unified.ErrInvalidValue, ErrTypeInvalidValue, false},
	{unified.ErrUnsupported, ErrTypeUnsupported, false},
	{unified.ErrResponseTooLarge, ErrTypeResponseTooLarge, false},
	{snapshot.ErrMismatch, ErrTypeMismatch, false},
	{snapshot.ErrNoPrevious, ErrTypeNoPrevious, false},
	{snapshot.ErrTooManyLeavers, ErrTypeTooManyLeavers, false},
	{snapshot.ErrInvalid, ErrTypeInvalidSnapshot, false},
	{ErrUnknownTenant, ErrTypeUnknownTenant, false},
	{ErrInvalidInput, ErrTypeInvalidInput, false},
	{ErrConcurrentSync, ErrTypeConcurrentSync, false},
	{unified.ErrRateLimited, ErrTypeRateLimited, true},
	{unified.ErrUnavailable, ErrTypeUnavailable, true},
	{unified.ErrInconsistentListing, ErrTypeInconsistentListing, true},
}

// ActivityError returns err as an activity should return it: an error of this library
// becomes a Temporal application error of the matching ErrType… type, non-retryable
// when retrying cannot help (wrong credentials, a missing permission, an invalid
// cursor, a snapshot refused by [snapshot.Diff], ...). Other errors, a nil error,
// context errors and errors that already are application errors are returned as they
// are. A [Handler] may use it for the errors of its own calls to a provider.
//
// The error's text becomes the application error's message; this library's errors
// never contain credentials.
func ActivityError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return err
	}
	for _, t := range errorTypes {
		if errors.Is(err, t.err) {
			if t.retryable {
				return temporal.NewApplicationError(err.Error(), t.typ)
			}
			return temporal.NewNonRetryableApplicationError(err.Error(), t.typ, nil)
		}
	}
	return err
}
