package unified

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Provider errors match them with [errors.Is], whatever the provider.
var (
	// ErrNotFound: the requested user (or other object) does not exist (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the credentials were rejected (HTTP 401), even after one refresh.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the credentials are valid but lack access to the resource (HTTP 403).
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: the provider kept answering HTTP 429 after all retries, or asked the
	// client to wait longer than it is configured to.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the provider kept failing with a server error (HTTP 5xx), could not
	// be reached, or kept sending answers that could not be read, after all retries.
	ErrUnavailable = errors.New("provider unavailable")
	// ErrInvalidRequest: the provider rejected the request as malformed (HTTP 400, 422).
	ErrInvalidRequest = errors.New("invalid request")
	// ErrUnsupported: the provider's API cannot do what was asked (for example Me on an
	// API that has no "current user" endpoint). It also matches the standard library's
	// [errors.ErrUnsupported].
	ErrUnsupported error = unsupported{}
	// ErrInvalidCursor: a cursor was malformed, tampered with, made by another provider,
	// or made for another filter. Start again with an empty cursor.
	ErrInvalidCursor = errors.New("invalid cursor")
	// ErrCursorLoop: the provider returned a page cursor it had already returned, so paging
	// would never end.
	ErrCursorLoop = errors.New("provider returned a repeated page cursor")
	// ErrInconsistentListing: the provider's listing changed under a paginated read in a
	// way that could not be healed (records would have been skipped or repeated).
	ErrInconsistentListing = errors.New("listing changed during pagination")
	// ErrInvalidValue: a value (status, date, configuration field) could not be parsed.
	ErrInvalidValue = errors.New("invalid value")
	// ErrInvalidConfig: a client or directory was configured wrongly.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrResponseTooLarge: a response body exceeded the client's size cap.
	ErrResponseTooLarge = errors.New("response body too large")
)

// unsupported is the type of ErrUnsupported, which unwraps to errors.ErrUnsupported.
type unsupported struct{}

func (unsupported) Error() string { return "not supported by this provider" }
func (unsupported) Unwrap() error { return errors.ErrUnsupported }

// APIError is an error response from a provider's API, after retries.
//
// It matches the sentinel error for its status code with [errors.Is]: 401 is
// [ErrUnauthorized], 403 [ErrForbidden], 404 [ErrNotFound], 429 [ErrRateLimited], 400 and
// 422 [ErrInvalidRequest], 5xx [ErrUnavailable]. It never contains credentials: URL is
// sanitised and Body is bounded and redacted.
type APIError struct {
	// Provider names the API that answered ("personio", "lattice").
	Provider string
	// Method and URL of the request; the URL has credentials removed from its query.
	Method string
	URL    string
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Code is the provider's own error code, when it sends one ("invalid_client",
	// "common.resource_not_found", "404").
	Code string
	// Message is the provider's human-readable explanation, when it sends one.
	Message string
	// RequestID identifies the request in the provider's logs (a request or trace id
	// header, or a trace id in the body), when there is one.
	RequestID string
	// RetryAfter is how long the provider asked the client to wait (429, 503), if it said.
	RetryAfter time.Duration
	// Attempts is how many times the request was sent.
	Attempts int
	// Body is the start of the response body (bounded, credentials redacted).
	Body []byte
}

// Error returns a one-line description: provider, method and path (without the query
// string), then the status, code and message, then the request id, the Retry-After and
// the number of attempts:
//
//	personio: GET /v1/company/employees/9: 404 Not Found: Es ist ein Problem aufgetreten (request id 4f2a, after 2 attempts)
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	if e.Method != "" {
		b.WriteString(e.Method)
		if p := urlPath(e.URL); p != "" {
			b.WriteString(" ")
			b.WriteString(p)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" && e.Code != strconv.Itoa(e.StatusCode) { // "401 Unauthorized (401)" says it twice
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var notes []string
	if e.RequestID != "" {
		notes = append(notes, "request id "+e.RequestID)
	}
	if e.RetryAfter > 0 {
		notes = append(notes, "retry after "+e.RetryAfter.String())
	}
	if e.Attempts > 1 {
		notes = append(notes, fmt.Sprintf("after %d attempts", e.Attempts))
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, ", ") + ")")
	}
	return b.String()
}

// urlPath returns the path of a URL, without scheme, host, query and fragment.
func urlPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		s, _, _ = strings.Cut(s, "?")
		return s
	}
	if u.Host != "" && u.Path == "" {
		return "/"
	}
	return u.EscapedPath()
}

// Is reports whether target is the sentinel error for e's status code.
func (e *APIError) Is(target error) bool {
	s := SentinelFor(e.StatusCode)
	return s != nil && s == target
}

// SentinelFor returns the sentinel error that matches an HTTP status code, or nil for
// statuses that have none.
func SentinelFor(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return ErrInvalidRequest
	case status >= 500 && status <= 599:
		return ErrUnavailable
	}
	return nil
}
