package transport

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// waitTurn blocks until the client may send one more request: first until any
// client-wide pause ends (a 429/503 Retry-After, or an exhausted X-RateLimit budget), then
// until the rate limiter grants a token. It returns early, with an error wrapping
// context.Canceled or context.DeadlineExceeded, when ctx ends or would end first.
func (c *Client) waitTurn(ctx context.Context) error {
	now := c.now()
	c.mu.Lock()
	c.restoreIfDueLocked(now)
	pause := c.pauseUntil.Sub(now)
	c.mu.Unlock()
	if pause > 0 {
		c.log.LogAttrs(ctx, slog.LevelDebug, "waiting for rate-limit pause", slog.Duration("wait", pause))
		if err := c.sleep(ctx, pause); err != nil {
			return err
		}
		now = c.now()
	}
	r := c.lim.ReserveN(now, 1)
	if !r.OK() {
		return permanent(fmt.Errorf("rate limiter with burst %d allows no requests", c.lim.Burst()))
	}
	if d := r.DelayFrom(now); d > 0 {
		if err := c.sleep(ctx, d); err != nil {
			r.CancelAt(c.now())
			return err
		}
	}
	return nil
}

// sleep waits d (as adjusted by WaitHook) or until ctx ends. A wait that would outlast
// ctx's deadline fails at once.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.waitHook != nil {
		d = c.waitHook(d)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return permanent(&waitError{wait: d})
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitError is a wait that could not finish before the context's deadline.
type waitError struct{ wait time.Duration }

func (e *waitError) Error() string {
	return fmt.Sprintf("waiting %s for a retry or the rate limit would exceed the context deadline: %v", e.wait.Round(time.Millisecond), context.DeadlineExceeded)
}
func (e *waitError) Unwrap() error { return context.DeadlineExceeded }

// pauseFor holds every request of the client back for d from now.
func (c *Client) pauseFor(d time.Duration) {
	until := c.now().Add(d)
	c.mu.Lock()
	if until.After(c.pauseUntil) {
		c.pauseUntil = until
	}
	c.mu.Unlock()
}

// observeRate records the X-RateLimit-* headers of a response and adapts the pace:
//
//   - X-RateLimit-Reset is read as seconds until the reset when below 1e9, and as a Unix
//     time in seconds otherwise (both forms are in use);
//   - when X-RateLimit-Remaining drops to max(1, X-RateLimit-Limit/10) or below, the
//     remaining budget is spread evenly until the reset: the limiter's rate is lowered to
//     Remaining/secondsUntilReset with a burst of 1, never above the configured rate, and
//     the configured rate and burst are restored at the reset (or as soon as a response
//     reports a comfortable budget again);
//   - when Remaining is 0, the whole client pauses until the reset (at most MaxRetryAfter).
func (c *Client) observeRate(h http.Header, now time.Time) {
	limS, remS, resetS := h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset")
	if limS == "" && remS == "" && resetS == "" {
		return
	}
	limit, _ := parseCount(limS)
	remaining, okR := parseCount(remS)
	reset, okT := parseReset(resetS, now)
	if !okR {
		return // without Remaining there is nothing to report or act on
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rate = Rate{Limit: limit, Remaining: remaining, Reset: reset, Observed: now}
	threshold := max(1, limit/10)
	switch {
	case remaining > threshold:
		if c.paced {
			c.restoreLocked(now)
		}
	case !okT || !reset.After(now):
		// Without a reset time in the future there is nothing to spread the budget over.
	case remaining == 0:
		until := reset
		if latest := now.Add(c.maxRetryAfter); until.After(latest) {
			until = latest
		}
		if until.After(c.pauseUntil) {
			c.pauseUntil = until
		}
	default:
		paced := rate.Limit(float64(remaining) / reset.Sub(now).Seconds())
		if paced < c.baseLimit {
			c.lim.SetLimitAt(now, paced)
			c.lim.SetBurstAt(now, 1)
			c.paced, c.pacedUntil = true, reset
		}
	}
}

// restoreIfDueLocked restores the configured pace once the reset time has passed.
func (c *Client) restoreIfDueLocked(now time.Time) {
	if c.paced && !now.Before(c.pacedUntil) {
		c.restoreLocked(now)
	}
}

func (c *Client) restoreLocked(now time.Time) {
	c.lim.SetLimitAt(now, c.baseLimit)
	c.lim.SetBurstAt(now, c.baseBurst)
	c.paced = false
}

// parseCount parses a non-negative count, ignoring parameters after ',' or ';'
// ("100, 100;w=60").
func parseCount(s string) (int, bool) {
	if i := strings.IndexAny(s, ",;"); i >= 0 {
		s = s[:i]
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// parseReset parses X-RateLimit-Reset: seconds until the reset when below 1e9, else Unix
// seconds. Fractions are allowed.
func parseReset(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || f > 1e12 {
		return time.Time{}, false
	}
	if f < 1e9 {
		return now.Add(time.Duration(f * float64(time.Second))), true
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}
