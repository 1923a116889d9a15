package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"
)

// ErrForeignOrigin is wrapped by the errors for a request URL or redirect that leaves the
// BaseURL's origin (scheme, host and port), including https → http downgrades. The client
// refuses such requests rather than risk sending credentials elsewhere.
var ErrForeignOrigin = errors.New("URL is not on the API origin")

// roundTripper is the inner layer of the stack: retryablehttp → roundTripper → the
// configured transport. For every attempt (and every redirect hop) it refuses other
// origins, waits for the client-wide pause and the rate limiter, applies the per-attempt
// timeout, adds credentials, and observes rate-limit headers and the ResponseObserver.
//
// It deliberately has no CloseIdleConnections method: retryablehttp calls that after
// every failed request, and the configured transport may be shared with other code.
type roundTripper struct{ c *Client }

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	ctx := req.Context()
	st := stateFrom(ctx)
	if originOf(req.URL) != c.origin {
		closeRequestBody(req)
		return nil, permanent(c.foreignOriginError("refusing request to", req.URL))
	}
	if err := c.waitTurn(ctx); err != nil {
		closeRequestBody(req)
		return nil, err
	}
	actx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	out := req.Clone(actx)
	if st != nil {
		st.authorized, st.rejected = false, ""
		if !st.noAuth {
			if err := c.auth.Authorize(ctx, out); err != nil {
				cancel()
				closeRequestBody(req)
				return nil, permanent(fmt.Errorf("authorizing request: %w", err))
			}
			st.authorized = true
			st.rejected = out.Header.Get("Authorization")
		}
		st.sentAt = time.Now()
	}
	resp, err := c.baseRT.RoundTrip(out)
	if err != nil {
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if timedOut {
			err = &attemptTimeoutError{timeout: c.timeout}
		}
		return nil, err
	}
	if c.observer != nil {
		c.observer.ObserveResponse(resp)
	}
	c.observeRate(resp.Header, c.now())
	if c.timeout > 0 {
		resp.Body = &attemptBody{rc: resp.Body, parent: ctx, attempt: actx, cancel: cancel, timeout: c.timeout}
	} else {
		cancel()
	}
	return resp, nil
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// checkRedirect refuses redirects that leave the BaseURL's origin, then applies the
// configured client's own policy (or net/http's default of ten redirects).
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if o := originOf(req.URL); o != c.origin {
			if c.origin.scheme == "https" && o.scheme == "http" {
				return permanent(fmt.Errorf("refusing redirect to %s: it downgrades https to http (the API origin is %s): %w", c.sanitize(req.URL), c.origin, ErrForeignOrigin))
			}
			return permanent(c.foreignOriginError("refusing redirect to", req.URL))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return permanent(errors.New("stopped after 10 redirects"))
		}
		return nil
	}
}

func (c *Client) foreignOriginError(what string, u *url.URL) error {
	return fmt.Errorf("%s %s (the API origin is %s): %w", what, c.sanitize(u), c.origin, ErrForeignOrigin)
}

// permanentError marks an error the client must not retry.
type permanentError struct{ err error }

func permanent(err error) error         { return &permanentError{err: err} }
func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// attemptTimeoutError is one attempt running past the HTTP client's Timeout. It is a
// timeout net.Error that matches os.ErrDeadlineExceeded, never context.DeadlineExceeded,
// so it is not mistaken for the caller's own deadline and is retried.
type attemptTimeoutError struct{ timeout time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s (the HTTP client's Timeout)", e.timeout)
}
func (e *attemptTimeoutError) Timeout() bool   { return true }
func (e *attemptTimeoutError) Temporary() bool { return true }
func (e *attemptTimeoutError) Unwrap() error   { return os.ErrDeadlineExceeded }

// attemptBody ends an attempt's timeout when its body is closed or read to the end, and
// reports a read cut short by that timeout as an attemptTimeoutError.
type attemptBody struct {
	rc      io.ReadCloser
	parent  context.Context
	attempt context.Context
	cancel  context.CancelFunc
	timeout time.Duration
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	switch {
	case err == io.EOF:
		b.cancel()
	case err != nil && b.attempt.Err() != nil && b.parent.Err() == nil:
		err = &attemptTimeoutError{timeout: b.timeout}
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
