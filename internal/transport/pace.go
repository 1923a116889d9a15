package transport

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer is the client-wide pacing state: the limiter, the pause after a 429, and what the
// API's X-RateLimit-* headers said. Every request of the client, retries and redirect hops
// included, waits its turn in [pacer.wait].
type pacer struct {
	lim       *rate.Limiter
	baseLimit rate.Limit // as configured
	baseBurst int
	heard     chan struct{} // closed once the client's first request is over
	heardOnce sync.Once

	mu         sync.Mutex
	probing    bool       // the first request has started
	last       Rate       // what the API last reported
	pauseUntil time.Time  // no request goes out before
	calmUntil  time.Time  // the burst stays at 1 until then
	pacedLimit rate.Limit // the rate X-RateLimit-* headers allow, until pacedUntil
	pacedUntil time.Time
	tuned      bool // the limiter is set from calmUntil or pacedUntil, not as configured
}

func (p *pacer) init(lim *rate.Limiter) {
	p.lim, p.baseLimit, p.baseBurst = lim, lim.Limit(), lim.Burst()
	p.heard = make(chan struct{})
}

// first holds every request but one until the client's first request is over, so that a
// client whose budget another client already spent learns it from one 429 rather than a
// burst of them. It reports whether this request is the first; its sender then calls
// p.answered when it is over. NoAuth requests (token requests, which an Authorizer may
// send while the first request waits for its credentials) bypass it.
func (p *pacer) first(ctx context.Context) (bool, error) {
	select {
	case <-p.heard:
		return false, nil
	default:
	}
	p.mu.Lock()
	isFirst := !p.probing
	p.probing = true
	p.mu.Unlock()
	if isFirst {
		return true, nil
	}
	select {
	case <-p.heard:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (p *pacer) answered() { p.heardOnce.Do(func() { close(p.heard) }) }

// wait blocks until the client may send one more request: until a client-wide pause is
// over, then until the limiter grants a token. A request whose token comes due during a
// pause that began while it waited goes back behind the pause for a new token, so that no
// request goes out during a pause and the requests it held leave at the limiter's pace. It
// returns ctx's error as soon as ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	var r *rate.Reservation // the token this request waits for
	for {
		now := time.Now()
		p.mu.Lock()
		p.tuneLocked(now)
		d := p.pauseUntil.Sub(now)
		p.mu.Unlock()
		switch {
		case d > 0:
			r = nil
		case r != nil:
			return nil
		default:
			if r = p.lim.ReserveN(now, 1); !r.OK() {
				return fmt.Errorf("the rate limiter (burst %d) allows no requests", p.lim.Burst())
			}
			if d = r.DelayFrom(now); d <= 0 {
				return nil
			}
		}
		if err := sleep(ctx, d); err != nil {
			if r != nil {
				r.Cancel()
			}
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pauseLeft returns how long the client-wide pause still lasts.
func (p *pacer) pauseLeft() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(time.Until(p.pauseUntil), 0)
}

// observe learns from a response's status and headers, before its body is read:
//
//   - a 429, or a 503 with Retry-After, pauses the whole client for the Retry-After (when
//     it is at most maxRetryAfter; a longer one fails the request instead), or else for
//     the limiter's interval between two tokens but at least RateLimitPause; and it keeps
//     the limiter's burst at 1 until RateLimitQuietPeriod has passed without another one;
//   - X-RateLimit-Remaining (with X-RateLimit-Limit and X-RateLimit-Reset, in seconds
//     until the reset when below 1e9 and as a Unix time otherwise) is recorded for
//     Client.Rate. When it drops to max(1, Limit/10) or below, the rest of the budget is
//     spread evenly until the reset (never faster than configured, burst 1); when it is
//     0, the client pauses until the reset (at most maxRetryAfter). A response reporting
//     more ends the spreading.
func (p *pacer) observe(resp *http.Response, maxRetryAfter time.Duration) {
	now := time.Now()
	h := resp.Header
	ra, hasRA := parseRetryAfter(h.Get("Retry-After"), now)
	limited := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable && hasRA
	remaining, hasRemaining := parseCount(h.Get("X-RateLimit-Remaining"))
	if !limited && !hasRemaining {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if limited {
		p.calmUntil = now.Add(RateLimitQuietPeriod)
		if !hasRA {
			ra = max(RateLimitPause, interval(p.lim.Limit()))
		}
		if ra <= maxRetryAfter {
			p.pauseLocked(now.Add(ra))
		}
	}
	if hasRemaining {
		limit, _ := parseCount(h.Get("X-RateLimit-Limit"))
		reset, hasReset := parseReset(h.Get("X-RateLimit-Reset"), now)
		p.last = Rate{Limit: limit, Remaining: remaining, Reset: reset, Observed: now}
		switch {
		case remaining > max(1, limit/10):
			p.pacedUntil = time.Time{}
		case !hasReset || !reset.After(now):
			// Nothing to spread the budget over.
		case remaining == 0:
			if latest := now.Add(maxRetryAfter); reset.After(latest) {
				reset = latest
			}
			p.pauseLocked(reset)
		default:
			p.pacedLimit, p.pacedUntil = rate.Limit(float64(remaining)/reset.Sub(now).Seconds()), reset
		}
	}
	p.tuneLocked(now)
}

func (p *pacer) pauseLocked(until time.Time) {
	if until.After(p.pauseUntil) {
		p.pauseUntil = until
	}
}

// tuneLocked sets the limiter's rate and burst from the state at now. A client that has
// nothing to adapt leaves the limiter alone, so that it does not undo what another client
// sharing it (Config.Limiter) has set.
func (p *pacer) tuneLocked(now time.Time) {
	paced, calm := now.Before(p.pacedUntil), now.Before(p.calmUntil)
	if !paced && !calm && !p.tuned {
		return
	}
	p.tuned = paced || calm
	limit, burst := p.baseLimit, p.baseBurst
	if paced {
		limit, burst = min(limit, p.pacedLimit), 1
	}
	if calm {
		burst = min(burst, 1)
	}
	if p.lim.Limit() != limit {
		p.lim.SetLimitAt(now, limit)
	}
	if p.lim.Burst() != burst {
		p.lim.SetBurstAt(now, burst)
	}
}

// interval is the time the limiter takes to grant one token.
func interval(l rate.Limit) time.Duration {
	if l <= 0 || l == rate.Inf {
		return 0
	}
	return time.Duration(float64(time.Second) / float64(l))
}

// parseRetryAfter parses a Retry-After value, in seconds or as an HTTP-date; a date in
// the past means no wait. Waits are capped at a year.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	const year = 365 * 24 * time.Hour
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(year/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
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
