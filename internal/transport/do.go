package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/hrisconnect/hrisconnect/unified"
)

// stateKey carries a *reqState in the request context, where retryablehttp's CheckRetry
// and PrepareRetry hooks and the inner round tripper find it.
type stateKey struct{}

// reqState is the state of one Do call across its attempts. Only the goroutine running
// Do touches it: retryablehttp calls CheckRetry, PrepareRetry and the round tripper from
// that goroutine, one after the other.
type reqState struct {
	method     string
	url        string // sanitised and redacted, for errors and logs
	rawURL     string // as sent, to scrub out of error messages
	idempotent bool
	noAuth     bool

	attempts       int           // attempts started
	retries        int           // retries spent from the MaxAttempts budget
	nextWait       time.Duration // backoff to sleep before the next attempt
	refreshPending bool          // the next attempt follows a 401: refresh first
	refreshed      bool          // Refresh was called (at most once per Do)
	authorized     bool          // Auth was applied to the last attempt
	rejected       string        // Authorization value sent with the last attempt
	sentAt         time.Time     // when the last attempt went out, for logs

	decoded bool // decoding into target was started (reset it before a retry)
	handled bool // DoJSON's response handler just ran: checkRetry's next call follows it
}

func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// isIdempotent reports whether method may be retried without Request.Idempotent.
func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// Do sends r with retries, rate limiting and authorization. For a 2xx answer it returns
// the response, whose Body is capped at MaxBodyBytes (reading past the cap fails with an
// error wrapping unified.ErrResponseTooLarge); the caller must close it. For any other
// status it drains and closes the body and returns a *unified.APIError. Other failures
// (connection errors after all retries, refused redirects, cancellation) are returned as
// errors that name the provider, method and sanitised URL and wrap the cause, so
// errors.Is(err, context.Canceled) and the like work.
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	return c.do(ctx, r, nil, false)
}

// DoJSON is Do plus JSON decoding of a 2xx body into v (a pointer, or nil to discard the
// body), streamed from the capped body, after which the body is drained and closed. It
// returns the response header. For an idempotent request, a body cut off by a connection
// failure, or one that is not JSON at all (garbled, cut short, a proxy's HTML page), is
// retried like a failed attempt; *v is then reset to its zero value before it is decoded
// again. When the attempts are spent, a body that is not JSON fails with an error matching
// unified.ErrUnavailable; a JSON body of the wrong shape fails at once, without a
// sentinel. A 204 No Content answer or a HEAD request leaves v untouched.
func (c *Client) DoJSON(ctx context.Context, r *Request, v any) (http.Header, error) {
	resp, err := c.do(ctx, r, v, true)
	if err != nil {
		return nil, err
	}
	return resp.Header, nil
}

func (c *Client) do(ctx context.Context, r *Request, v any, decode bool) (*http.Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: nil context: %w", c.provider, unified.ErrInvalidValue)
	}
	if r == nil {
		return nil, fmt.Errorf("%s: nil request: %w", c.provider, unified.ErrInvalidValue)
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	u, err := c.ResolveURL(r.Path)
	if err != nil {
		return nil, err
	}
	if len(r.Query) > 0 {
		if q := r.Query.Encode(); u.RawQuery == "" {
			u.RawQuery = q
		} else {
			u.RawQuery += "&" + q
		}
	}
	st := &reqState{
		method:     method,
		url:        c.sanitize(u),
		rawURL:     u.String(),
		idempotent: r.Idempotent || isIdempotent(method),
		noAuth:     r.NoAuth || c.auth == nil,
		attempts:   1,
	}
	var body any
	if len(r.Body) > 0 {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), method, st.rawURL, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %s: %w", c.provider, c.redact(method), st.url, c.scrub(st, err), unified.ErrInvalidValue)
	}
	for k, vs := range r.Header {
		for _, hv := range vs {
			req.Header.Add(k, hv)
		}
	}
	req.Header.Set("User-Agent", c.userAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	} else if len(r.Body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if decode {
		req.SetResponseHandler(func(resp *http.Response) error { return c.decodeBody(st, resp, v) })
	}

	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			drainClose(resp.Body)
		}
		return nil, c.requestError(st, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.apiError(st, resp)
	}
	if decode {
		return resp, nil // the response handler decoded and closed the body
	}
	if resp.ContentLength > c.maxBody {
		drainClose(resp.Body)
		return nil, c.requestError(st, &tooLargeError{limit: c.maxBody, length: resp.ContentLength})
	}
	resp.Body = &cappedBody{rc: resp.Body, n: c.maxBody, limit: c.maxBody, prefix: c.provider + ": " + method + " " + st.url + ": "}
	return resp, nil
}

// decodeBody is DoJSON's response handler. retryablehttp calls it for the final answer of
// an attempt; for a 2xx answer it decodes into v and always drains and closes the body. A
// returned error goes through checkRetry, which retries connection failures mid-body.
func (c *Client) decodeBody(st *reqState, resp *http.Response, v any) error {
	st.handled = true
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil
	}
	defer drainClose(resp.Body)
	if resp.ContentLength > c.maxBody {
		return &bodyError{err: &tooLargeError{limit: c.maxBody, length: resp.ContentLength}}
	}
	if v == nil || resp.StatusCode == http.StatusNoContent || st.method == http.MethodHead {
		return nil
	}
	if st.decoded {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv.Elem().SetZero()
		}
	}
	st.decoded = true
	body := &cappedBody{rc: resp.Body, n: c.maxBody, limit: c.maxBody}
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON value")
	}
	if err == nil {
		return nil
	}
	if body.readErr != nil {
		return &bodyError{err: fmt.Errorf("reading response body: %w", body.readErr), readErr: body.readErr}
	}
	if errors.Is(err, unified.ErrResponseTooLarge) {
		return &bodyError{err: err}
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("empty response body")
	}
	// A body that is not JSON at all (cut short, garbled, an HTML page from a proxy) is
	// retried like a failed attempt and, once the attempts are spent, matches
	// unified.ErrUnavailable. A well-formed body of the wrong shape is neither.
	var typeErr *json.UnmarshalTypeError
	malformed := !errors.As(err, &typeErr)
	ct := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); ct != "" && mt != "application/json" {
		err = fmt.Errorf("decoding JSON response (Content-Type %q): %w", mt, err)
	} else {
		err = fmt.Errorf("decoding JSON response: %w", err)
	}
	if malformed {
		err = &malformedError{err: err}
	}
	return &bodyError{err: err, malformed: malformed}
}

// bodyError is an error met while DoJSON read a 2xx body. readErr is set when the body
// could not be read (as opposed to read but not decoded), which may be worth a retry;
// malformed when it was read but is not JSON, which is retried too.
type bodyError struct {
	err       error
	readErr   error
	malformed bool
}

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// malformedError is a 2xx body that is not JSON. It matches unified.ErrUnavailable: the
// provider (or something between it and the client) failed to send a usable answer.
type malformedError struct{ err error }

func (e *malformedError) Error() string   { return e.err.Error() }
func (e *malformedError) Unwrap() []error { return []error{e.err, unified.ErrUnavailable} }

// drainClose reads what is left of a body, up to a bound, so the connection can be reused,
// and closes it. It is the one place the package closes response bodies it does not hand
// to the caller.
func drainClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit))
	_ = body.Close()
}

// drainLimit bounds how much of an unread body is discarded to keep a connection alive.
const drainLimit = 64 << 10

// cappedBody fails with an error wrapping unified.ErrResponseTooLarge when more than limit
// bytes are read, and records the first read error of the underlying body.
type cappedBody struct {
	rc      io.ReadCloser
	n       int64 // bytes left before the cap
	limit   int64
	prefix  string // "personio: GET <url>: " for bodies handed to the caller
	tooBig  error
	readErr error
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.tooBig != nil {
		return 0, b.tooBig
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.n <= 0 {
		var probe [1]byte
		n, err := b.rc.Read(probe[:])
		if n > 0 {
			b.tooBig = &tooLargeError{limit: b.limit, prefix: b.prefix}
			return 0, b.tooBig
		}
		b.noteErr(err)
		return 0, err
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.rc.Read(p)
	b.n -= int64(n)
	b.noteErr(err)
	return n, err
}

func (b *cappedBody) noteErr(err error) {
	if err != nil && err != io.EOF && b.readErr == nil {
		b.readErr = err
	}
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// tooLargeError reports a body over the configured cap.
type tooLargeError struct {
	limit  int64
	length int64  // Content-Length, when that is how it was detected
	prefix string // provider, method and URL, when returned to a caller reading the body
}

func (e *tooLargeError) Error() string {
	what := "response body"
	if e.length > 0 {
		what = fmt.Sprintf("response body of %d bytes", e.length)
	}
	return fmt.Sprintf("%s%s exceeds the limit of %d bytes; raise MaxBodyBytes in the client configuration if responses this large are expected: %v",
		e.prefix, what, e.limit, unified.ErrResponseTooLarge)
}

func (e *tooLargeError) Unwrap() error { return unified.ErrResponseTooLarge }
