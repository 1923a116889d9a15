package transport

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Do sends r and returns the response to a 2xx answer, its body read into memory (at most
// MaxBodyBytes; a larger one fails at once with an error wrapping
// unified.ErrResponseTooLarge). Closing the body is optional: nothing is left open.
//
// Connection failures, 429, 502, 503 and 504 answers and 2xx bodies cut short are
// retried (idempotent requests only) until MaxAttempts requests have been sent; see the
// package documentation. Any other status, or the last one, is returned as a
// *unified.APIError. Other failures are returned as errors that name the provider, method
// and path and wrap the cause, so that errors.Is(err, context.Canceled) and the like work.
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	return c.do(ctx, r, nil)
}

// DoJSON is Do for a JSON answer: it decodes the 2xx body into v (a pointer) with
// encoding/json, inside the attempt that read it, and returns the response header. A body
// that is not JSON at all (garbled, cut short, a proxy's HTML page) fails its attempt like
// a 502 does, and once MaxAttempts requests have been sent the error matches
// unified.ErrUnavailable; such a body leaves v untouched (encoding/json checks the whole
// document before it writes anything). Valid JSON that does not decode into v (the wrong
// shape, or an UnmarshalJSON method's error) fails at once, without a sentinel. A 204 No
// Content answer or a HEAD request leaves v untouched; a nil v discards the body
// unchecked.
func (c *Client) DoJSON(ctx context.Context, r *Request, v any) (http.Header, error) {
	resp, err := c.do(ctx, r, v)
	if err != nil {
		return nil, err
	}
	return resp.Header, nil
}

// isIdempotent reports whether method may be retried without Request.Idempotent.
func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// do runs one call; target, when not nil, receives the decoded 2xx body (see DoJSON).
func (c *Client) do(ctx context.Context, r *Request, target any) (*http.Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: nil context: %w", c.provider, unified.ErrInvalidValue)
	}
	if r == nil {
		return nil, fmt.Errorf("%s: nil request: %w", c.provider, unified.ErrInvalidValue)
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
	cl := &call{
		c:      c,
		method: cmp.Or(r.Method, http.MethodGet),
		url:    u,
		path:   c.redact(cmp.Or(u.EscapedPath(), "/")),
		target: target,
		noAuth: r.NoAuth || c.auth == nil,
		gated:  !r.NoAuth,
	}
	cl.idempotent = r.Idempotent || isIdempotent(cl.method)
	var body any
	if len(r.Body) > 0 {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u.String(), body)
	if err != nil {
		return nil, cl.fail(fmt.Errorf("%w: %w", err, unified.ErrInvalidValue), 0)
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

	retries := c.maxAttempts - 1
	if !cl.idempotent {
		retries = 0
	}
	hc := c.hc
	hc.Transport = cl
	rc := &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil, // silent: it would log URLs with their query strings
		RetryWaitMin: c.minWait,
		RetryWaitMax: c.maxWait,
		RetryMax:     retries,
		CheckRetry:   c.checkRetry,
		Backoff:      cl.backoff,
		ErrorHandler: cl.giveUp,
	}
	resp, err := rc.Do(req)
	var re *requestError
	var ae *unified.APIError
	switch {
	case err == nil:
		return resp, nil
	case errors.As(err, &re), errors.As(err, &ae):
		return nil, err // made by giveUp
	default:
		return nil, cl.fail(err, cl.attempts) // the context ended between two attempts
	}
}

// call is one logical call (one Do or DoJSON) and the state of its attempts. It is the
// round tripper of the call's own http.Client, under retryablehttp, and supplies that
// call's Backoff and ErrorHandler. retryablehttp, net/http and the hooks use it from the
// caller's goroutine only, one step after the other, so it needs no lock.
type call struct {
	c          *Client
	method     string
	url        *url.URL // as sent
	path       string   // escaped and redacted, for errors and logs
	target     any      // DoJSON's v: a 2xx body is decoded into it
	idempotent bool
	noAuth     bool
	gated      bool // waits for the client's first answer (see pacer.first)

	attempts   int    // requests sent, not counting redirect hops
	authorized bool   // the last request carried credentials,
	sentAuth   string // and this Authorization header
	refreshed  bool   // Authorizer.Refresh was called
	resent     bool   // and the request sent again
	lastStatus int    // outcome of the last request, for the retry log
	lastErr    error
}

// RoundTrip sends one attempt (or one redirect hop) of the call: see send. On a 401 to a
// request that carried credentials it refreshes them once per call and sends the request
// once more, within the same attempt as far as retryablehttp can tell, so that the resend
// does not count against MaxAttempts.
func (cl *call) RoundTrip(req *http.Request) (*http.Response, error) {
	c := cl.c
	if originOf(req.URL) != c.origin {
		closeRequestBody(req)
		return nil, c.foreignOriginError("refusing request to", req.URL)
	}
	if req.Response == nil { // not a redirect hop
		cl.attempts++
	}
	resp, err := cl.send(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !cl.authorized || cl.refreshed {
		return resp, err
	}
	cl.refreshed = true
	ctx := req.Context()
	c.log.LogAttrs(ctx, slog.LevelInfo, "refreshing credentials after 401 and sending the request again",
		slog.String("method", cl.method), slog.String("path", cl.path), slog.Int("attempt", cl.attempts))
	if err := c.auth.Refresh(ctx, cl.sentAuth); err != nil {
		return nil, permanent(fmt.Errorf("refreshing credentials after 401 Unauthorized: %w", err))
	}
	again := req.Clone(ctx)
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	cl.resent = true
	return cl.send(again)
}

// send waits for the client's turn (see pacer), then sends req within the per-attempt
// timeout, adds credentials (the origin was checked), lets the client learn from the
// answer, and reads its body into memory (and decodes it, for DoJSON).
func (cl *call) send(req *http.Request) (*http.Response, error) {
	c := cl.c
	ctx := req.Context()
	var err error
	if cl.gated {
		var isFirst bool
		if isFirst, err = c.pace.first(ctx); isFirst {
			defer c.pace.answered()
		}
	}
	if err == nil {
		err = c.pace.wait(ctx)
	}
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	actx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	defer cancel()
	out := req.Clone(actx)
	cl.authorized, cl.sentAuth = false, ""
	if !cl.noAuth {
		if err := c.auth.Authorize(ctx, out); err != nil {
			closeRequestBody(req)
			return nil, permanent(&authorizeError{err: err})
		}
		cl.authorized, cl.sentAuth = true, out.Header.Get("Authorization")
	}
	start := time.Now()
	resp, err := c.baseRT.RoundTrip(out)
	if err == nil {
		if c.observer != nil {
			c.observer.ObserveResponse(resp)
		}
		c.pace.observe(resp, c.maxRetryAfter)
		err = cl.read(resp)
	}
	if err != nil && actx.Err() != nil && ctx.Err() == nil {
		err = &attemptTimeoutError{timeout: c.timeout}
	}
	cl.logAttempt(ctx, start, resp, err)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// read reads resp's body into memory and closes the connection's body: a 2xx body whole
// (at most MaxBodyBytes), any other up to MaxErrorBodyBytes (the rest is discarded). A 2xx
// body that cannot be read, or (DoJSON) that is not JSON, fails the attempt; one that is
// JSON of the wrong shape fails the call.
func (cl *call) read(resp *http.Response) error {
	c := cl.c
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, c.maxErrBody))
		drainClose(resp.Body)
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		return nil
	}
	if resp.ContentLength > c.maxBody {
		resp.Body.Close()
		return &tooLargeError{limit: c.maxBody, length: resp.ContentLength}
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxBody+1))
	resp.Body.Close()
	switch {
	case err != nil:
		return &bodyError{err: err}
	case n > c.maxBody:
		return &tooLargeError{limit: c.maxBody}
	}
	b := buf.Bytes()
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	if cl.target == nil || resp.StatusCode == http.StatusNoContent || cl.method == http.MethodHead {
		return nil
	}
	err = json.Unmarshal(b, cl.target)
	var se *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return notJSON(resp.Header.Get("Content-Type"), b, err)
	}
	return permanent(fmt.Errorf("decoding the JSON response: %w", err))
}

// errAnswer is CheckRetry's verdict on an API answer that is final (not 2xx, and not to
// be retried). It routes the answer to the ErrorHandler, which turns it into the
// *unified.APIError; callers never see it.
var errAnswer = errors.New("final answer")

// checkRetry is retryablehttp's CheckRetry. It depends on nothing but its arguments and
// the client's configuration: it retries connection failures and failed bodies (see
// retryableError), and 429, 502, 503 and 504 answers unless their Retry-After exceeds
// MaxRetryAfter. retryablehttp stops anyway when the call's budget is spent.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	switch {
	case err != nil:
		return ctx.Err() == nil && retryableError(err), nil
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return false, nil
	case !retryableStatus(resp.StatusCode):
		return false, errAnswer
	}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && ra > c.maxRetryAfter {
		return false, errAnswer
	}
	return true, nil
}

// backoff is retryablehttp's Backoff for the call, called once before each retry: the
// answer's Retry-After if it has one, else a random duration between half of
// MinWait·2ⁿ and all of it (n = 0 for the first retry; MinWait·2ⁿ capped at MaxWait); and
// at least what is left of a client-wide pause. It logs the retry.
func (cl *call) backoff(lo, hi time.Duration, n int, resp *http.Response) time.Duration {
	c := cl.c
	d := jittered(lo, hi, n)
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			d = ra
		}
	}
	d = max(d, c.pace.pauseLeft())
	if c.log.Enabled(context.Background(), slog.LevelInfo) {
		reason := "status " + strconv.Itoa(cl.lastStatus)
		if cl.lastErr != nil {
			reason = c.scrub(cl.url, causeOf(cl.lastErr))
		}
		c.log.LogAttrs(context.Background(), slog.LevelInfo, "retrying request",
			slog.String("method", cl.method), slog.String("path", cl.path), slog.Int("attempt", cl.attempts),
			slog.Int("max_attempts", c.maxAttempts), slog.String("reason", reason), slog.Duration("wait", d))
	}
	return d
}

// jittered returns a random duration between half of lo·2ⁿ and all of it, with lo·2ⁿ
// capped at hi (retryablehttp.DefaultBackoff without a response).
func jittered(lo, hi time.Duration, n int) time.Duration {
	d := retryablehttp.DefaultBackoff(lo, hi, n, nil)
	return d/2 + rand.N(d-d/2+1)
}

// giveUp is retryablehttp's ErrorHandler for the call: it turns the last answer into a
// *unified.APIError, or the last failure into a *requestError, saying how many requests
// were sent (tries, plus the resend after a credential refresh).
func (cl *call) giveUp(resp *http.Response, err error, tries int) (*http.Response, error) {
	if cl.resent {
		tries++
	}
	if resp != nil && (err == nil || err == errAnswer) {
		return nil, cl.apiError(resp, tries)
	}
	if resp != nil {
		drainClose(resp.Body)
	}
	var ae *authorizeError
	if errors.As(err, &ae) && ae.describesItself() {
		return nil, ae.err
	}
	return nil, cl.fail(err, tries)
}

// logAttempt writes the Debug record of one request and remembers its outcome.
func (cl *call) logAttempt(ctx context.Context, start time.Time, resp *http.Response, err error) {
	cl.lastStatus, cl.lastErr = 0, err
	if resp != nil {
		cl.lastStatus = resp.StatusCode
	}
	c := cl.c
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", cl.method), slog.String("path", cl.path), slog.Int("attempt", cl.attempts),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.scrub(cl.url, causeOf(err))))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "http attempt", attrs...)
}

// checkRedirect refuses redirects that leave the BaseURL's origin, then applies the
// configured client's own policy (or net/http's default of ten redirects).
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if o := originOf(req.URL); o != c.origin {
			if c.origin.scheme == "https" && o.scheme == "http" {
				return fmt.Errorf("refusing redirect to %s: it downgrades https to http: %w", c.sanitize(req.URL), ErrForeignOrigin)
			}
			return c.foreignOriginError("refusing redirect to", req.URL)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// ErrForeignOrigin is wrapped by the errors for a request URL or redirect that leaves the
// BaseURL's origin (scheme, host and port), including https → http downgrades. The client
// refuses such requests rather than risk sending credentials elsewhere.
var ErrForeignOrigin = errors.New("URL is not on the API origin")

func (c *Client) foreignOriginError(what string, u *url.URL) error {
	return fmt.Errorf("%s %s (the API origin is %s://%s): %w", what, c.sanitize(u), c.base.Scheme, c.base.Host, ErrForeignOrigin)
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// drainClose reads what is left of a body, up to 64 KiB, so that the connection can be
// reused, and closes it.
func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// notJSON describes a 2xx body that is not JSON, and err, the syntax error encoding/json
// found in it.
func notJSON(contentType string, b []byte, err error) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return &malformedError{msg: "empty response body", err: err}
	}
	msg := "response body is not JSON"
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "" && !strings.HasSuffix(mt, "json") {
		msg += " (" + mt + ")"
	}
	return &malformedError{msg: msg + ": " + err.Error(), err: err}
}
