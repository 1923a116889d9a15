package temporalsync_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"go.temporal.io/sdk/temporal"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestActivityError(t *testing.T) {
	t.Parallel()
	apiErr := func(status int) error {
		return fmt.Errorf("lattice: listing users: %w", &unified.APIError{Provider: "lattice", Method: "GET", URL: "/v1/users", StatusCode: status})
	}
	app := temporal.NewApplicationError("mine", "Mine")
	plain := errors.New("disk full")
	tests := []struct {
		name      string
		err       error
		typ       string // "" = returned as it is
		retryable bool
	}{
		{"401", apiErr(http.StatusUnauthorized), temporalsync.ErrTypeUnauthorized, false},
		{"403", apiErr(http.StatusForbidden), temporalsync.ErrTypeForbidden, false},
		{"404", apiErr(http.StatusNotFound), temporalsync.ErrTypeNotFound, false},
		{"422", apiErr(http.StatusUnprocessableEntity), temporalsync.ErrTypeInvalidRequest, false},
		{"429", apiErr(http.StatusTooManyRequests), temporalsync.ErrTypeRateLimited, true},
		{"503", apiErr(http.StatusServiceUnavailable), temporalsync.ErrTypeUnavailable, true},
		{"invalid cursor", fmt.Errorf("lattice: %w: another filter", unified.ErrInvalidCursor), temporalsync.ErrTypeInvalidCursor, false},
		{"cursor loop", unified.ErrCursorLoop, temporalsync.ErrTypeCursorLoop, false},
		{"inconsistent listing", unified.ErrInconsistentListing, temporalsync.ErrTypeInconsistentListing, true},
		{"mismatch", &snapshot.MismatchError{Field: "provider", Previous: "personio", New: "lattice"}, temporalsync.ErrTypeMismatch, false},
		{"no previous", snapshot.ErrNoPrevious, temporalsync.ErrTypeNoPrevious, false},
		{"too many leavers", &snapshot.TooManyLeaversError{Leavers: 9, Present: 10, MaxShare: 0.5}, temporalsync.ErrTypeTooManyLeavers, false},
		{"unreadable snapshot", &snapshot.LineError{Line: 3, Err: snapshot.ErrInvalid}, temporalsync.ErrTypeInvalidSnapshot, false},
		{"unknown tenant", fmt.Errorf("tenant x: %w", temporalsync.ErrUnknownTenant), temporalsync.ErrTypeUnknownTenant, false},
		{"concurrent sync", temporalsync.ErrConcurrentSync, temporalsync.ErrTypeConcurrentSync, false},
		{"cancelled", fmt.Errorf("listing: %w", context.Canceled), "", true},
		{"cancelled during a 503", errors.Join(context.Canceled, apiErr(503)), "", true},
		{"an application error", app, "", true},
		{"another error", plain, "", true},
	}
	for _, tt := range tests {
		got := temporalsync.ActivityError(tt.err)
		if tt.typ == "" {
			if got != tt.err {
				t.Errorf("%s: ActivityError(%v) = %v, want it unchanged", tt.name, tt.err, got)
			}
			continue
		}
		var a *temporal.ApplicationError
		if !errors.As(got, &a) || a.Type() != tt.typ || a.NonRetryable() == tt.retryable || a.Message() != tt.err.Error() {
			t.Errorf("%s: ActivityError(%v) = %#v, want type %q, retryable %v, the error's text", tt.name, tt.err, got, tt.typ, tt.retryable)
		}
	}
	if temporalsync.ActivityError(nil) != nil {
		t.Error("ActivityError(nil) != nil")
	}
}
