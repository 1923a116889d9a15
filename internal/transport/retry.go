package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// noBackoff is retryablehttp's Backoff: the client sleeps in prepareRetry (backoff) and
// in the round tripper (pauses, limiter) instead, where the context, WaitHook and the
// request's own state are at hand.
func noBackoff(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }

// checkRetry is retryablehttp's CheckRetry. It is called once per attempt, and for DoJSON
// a second time after the response handler ran (with its error, if any). It decides
// whether to retry and schedules the wait; it never sleeps.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	if st == nil {
		return false, nil
	}
	afterHandler := st.handled
	st.handled = false
	if !afterHandler {
		c.logAttempt(ctx, st, resp, err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if afterHandler && err == nil {
		return false, nil // the first call already accepted this response
	}
	if err != nil {
		if !st.idempotent {
			return false, nil
		}
		var be *bodyError
		if errors.As(err, &be) {
			if !be.malformed && (be.readErr == nil || !retryableError(be.readErr)) {
				return false, nil
			}
		} else if !retryableError(err) {
			return false, nil
		}
		return c.scheduleRetry(ctx, st, c.scrub(st, causeOf(err)), c.backoff(st.retries), 0), nil
	}

	if resp.StatusCode == http.StatusUnauthorized && st.authorized && !st.refreshed {
		st.refreshPending = true
		st.nextWait = 0
		c.log.LogAttrs(ctx, slog.LevelInfo, "refreshing credentials after 401 and sending the request again",
			slog.String("method", st.method), slog.String("url", st.url), slog.Int("attempt", st.attempts))
		return true, nil
	}

	ra, hasRA := parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	if hasRA && ra > c.maxRetryAfter {
		c.log.LogAttrs(ctx, slog.LevelInfo, "not retrying: the API asked for a longer wait than MaxRetryAfter",
			slog.String("method", st.method), slog.String("url", st.url), slog.Int("status", resp.StatusCode),
			slog.Duration("retry_after", ra), slog.Duration("max_retry_after", c.maxRetryAfter))
		return false, nil
	}
	clientWide := hasRA && ra > 0 && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable)
	if clientWide {
		// The API asked this client to hold off: every request waits, not just this one.
		c.pauseFor(ra)
	}
	if !retryableStatus(resp.StatusCode) || !st.idempotent {
		return false, nil
	}
	reason := "status " + strconv.Itoa(resp.StatusCode)
	switch {
	case clientWide:
		return c.scheduleRetry(ctx, st, reason, 0, ra), nil // the round tripper waits for the pause
	case hasRA && ra > 0:
		return c.scheduleRetry(ctx, st, reason, ra, ra), nil
	default:
		wait := c.backoff(st.retries)
		return c.scheduleRetry(ctx, st, reason, wait, wait), nil
	}
}

// scheduleRetry spends one retry from the budget, if any is left: the next attempt
// sleeps sleep first (in prepareRetry); logged is the wait reported in the log.
func (c *Client) scheduleRetry(ctx context.Context, st *reqState, reason string, sleep, logged time.Duration) bool {
	if st.retries >= c.maxAttempts-1 {
		return false
	}
	if logged == 0 {
		logged = sleep
	}
	st.retries++
	st.nextWait = sleep
	c.log.LogAttrs(ctx, slog.LevelInfo, "retrying request",
		slog.String("method", st.method), slog.String("url", st.url), slog.Int("attempt", st.attempts),
		slog.Int("max_attempts", c.maxAttempts), slog.String("reason", reason), slog.Duration("wait", logged))
	return true
}

// prepareRetry is retryablehttp's PrepareRetry, called before every attempt but the
// first: it sleeps the scheduled backoff and refreshes credentials after a 401.
func (c *Client) prepareRetry(req *http.Request) error {
	ctx := req.Context()
	st := stateFrom(ctx)
	if st == nil {
		return nil
	}
	if d := st.nextWait; d > 0 {
		st.nextWait = 0
		if err := c.sleep(ctx, d); err != nil {
			return err
		}
	}
	if st.refreshPending {
		st.refreshPending, st.refreshed = false, true
		if err := c.auth.Refresh(ctx, st.rejected); err != nil {
			return fmt.Errorf("refreshing credentials after 401 Unauthorized: %w", err)
		}
	}
	st.attempts++
	return nil
}

// backoff returns the wait before retry n (0 for the first retry): a uniformly random
// duration between half of MinWait·2ⁿ and all of it, with MinWait·2ⁿ capped at MaxWait.
func (c *Client) backoff(n int) time.Duration {
	d := c.maxWait
	if n < 62 {
		if b := c.minWait << n; b > 0 && b>>n == c.minWait && b < d {
			d = b
		}
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryableStatus reports the statuses worth another attempt.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether err is a connection failure worth another attempt:
// refused, reset or aborted connections, EOF before or within the response, and timeouts
// of one attempt. Context cancellation, TLS verification failures, malformed URLs and
// everything the client refuses on purpose are not.
func retryableError(err error) bool {
	var pe *permanentError
	var at *attemptTimeoutError
	switch {
	case err == nil, errors.As(err, &pe):
		return false
	case errors.As(err, &at):
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	var ue *url.Error
	if asURLError(err, &ue) {
		err = ue.Err
	}
	var (
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		dnsError *net.DNSError
		netErr   net.Error
		opErr    *net.OpError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &hostErr),
		errors.As(err, &invalid), errors.As(err, &record), errors.As(err, &alert):
		return false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ETIMEDOUT):
		return true
	case errors.As(err, &dnsError):
		return dnsError.IsTimeout || dnsError.IsTemporary
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.As(err, &opErr):
		return true
	}
	return false
}

// parseRetryAfter parses a Retry-After value, in seconds or as an HTTP-date; a date in
// the past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// logAttempt writes the Debug record of one attempt.
func (c *Client) logAttempt(ctx context.Context, st *reqState, resp *http.Response, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.method), slog.String("url", st.url), slog.Int("attempt", st.attempts),
	}
	if !st.sentAt.IsZero() {
		attrs = append(attrs, slog.Duration("duration", time.Since(st.sentAt)))
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.scrub(st, causeOf(err))))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "http attempt", attrs...)
}

func asURLError(err error, target **url.Error) bool { return errors.As(err, target) }
