package transport

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/time/rate"
)

// virtualClient returns a client in virtual time: every wait is recorded and advances the
// fake clock instead of sleeping.
func virtualClient(t *testing.T, cfg Config) (*Client, *fakeClock, *waits, func(path string, h func(*http.Request) *http.Response)) {
	t.Helper()
	clock := newFakeClock()
	w := &waits{clock: clock}
	cfg.WaitHook = w.hook
	c, mt, _ := newMockClient(t, cfg)
	c.now = clock.Now
	handle := func(path string, h func(*http.Request) *http.Response) {
		mt.RegisterResponder("GET", testBase+path, func(req *http.Request) (*http.Response, error) { return h(req), nil })
	}
	return c, clock, w, handle
}

func get(t *testing.T, c *Client, path string) {
	t.Helper()
	if _, err := c.DoJSON(t.Context(), &Request{Path: path}, nil); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func TestLimiterPacingRealTime(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{RateLimit: 20, Burst: 1, WaitHook: func(d time.Duration) time.Duration { return d }})
	mt.RegisterResponder("GET", testBase+"/x", respond(200, `{}`))
	const n = 5
	start := time.Now()
	for range n {
		get(t, c, "/x")
	}
	if elapsed, min := time.Since(start), time.Duration(n-1)*time.Second/20; elapsed < min-5*time.Millisecond {
		t.Errorf("%d requests at 20/s with burst 1 took %s, want at least %s", n, elapsed, min)
	}
}

func TestLimiterWaitsEveryAttempt(t *testing.T) {
	t.Parallel()
	c, _, w, handle := virtualClient(t, Config{RateLimit: 2, Burst: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond})
	calls := 0
	handle("/x", func(req *http.Request) *http.Response {
		if calls++; calls <= 2 {
			return newResponse(req, 503, "")
		}
		return newResponse(req, 200, `{}`)
	})
	get(t, c, "/x")
	// Three attempts at 2/s with burst 1: each retry waits its backoff (0.5–1 ms) and then
	// the rest of the limiter's 500 ms interval.
	got := w.get()
	if len(got) != 4 {
		t.Fatalf("waits = %v, want backoff and limiter wait for each of 2 retries", got)
	}
	for i := 0; i < 4; i += 2 {
		backoff, limiter := got[i], got[i+1]
		if sum := backoff + limiter; backoff > time.Millisecond || sum < 500*time.Millisecond-time.Microsecond || sum > 500*time.Millisecond {
			t.Errorf("retry %d waited backoff %s + limiter %s, want ≤1ms + the rest of 500ms", i/2+1, backoff, limiter)
		}
	}
}

func TestAdaptivePacing(t *testing.T) {
	t.Parallel()
	c, clock, w, handle := virtualClient(t, Config{}) // 10/s, burst 10
	handle("/low", func(req *http.Request) *http.Response {
		return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "10")
	})
	handle("/plain", func(req *http.Request) *http.Response { return newResponse(req, 200, `{}`) })
	handle("/plenty", func(req *http.Request) *http.Response {
		return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "80", "X-RateLimit-Reset", "10")
	})

	for range 4 {
		get(t, c, "/low")
	}
	// 5 requests left for the next 10 s: one every 2 s. The first paced request may use
	// the one token of the lowered burst.
	if diff := cmp.Diff([]time.Duration{2 * time.Second, 2 * time.Second}, w.get(), cmpopts.EquateApprox(0, float64(time.Millisecond))); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
	if l, b := c.Limiter().Limit(), c.Limiter().Burst(); math.Abs(float64(l)-0.5) > 1e-9 || b != 1 {
		t.Errorf("paced limiter = %v/s burst %d, want 0.5/s burst 1", l, b)
	}

	// After the reset the configured pace comes back.
	clock.Advance(11 * time.Second)
	get(t, c, "/plain")
	if l, b := c.Limiter().Limit(), c.Limiter().Burst(); l != DefaultRateLimit || b != DefaultBurst {
		t.Errorf("after reset limiter = %v/s burst %d, want %v/s burst %d", l, b, DefaultRateLimit, DefaultBurst)
	}

	// A response reporting a comfortable budget also restores it at once.
	get(t, c, "/low")
	get(t, c, "/plenty")
	if l := c.Limiter().Limit(); l != DefaultRateLimit {
		t.Errorf("after a comfortable budget limiter = %v/s, want %v/s", l, DefaultRateLimit)
	}
}

func TestAdaptivePacingNeverSpeedsUp(t *testing.T) {
	t.Parallel()
	c, _, _, handle := virtualClient(t, Config{RateLimit: 1, Burst: 1})
	// 5 left in 1 s would allow 5/s, faster than configured.
	handle("/x", func(req *http.Request) *http.Response {
		return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "1")
	})
	get(t, c, "/x")
	if l, b := c.Limiter().Limit(), c.Limiter().Burst(); l != 1 || b != 1 {
		t.Errorf("limiter = %v/s burst %d, want the configured 1/s burst 1", l, b)
	}
}

func TestPauseWhenBudgetExhausted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		reset         func(now time.Time) string
		maxRetryAfter time.Duration
		want          time.Duration
	}{
		{"relative reset", func(time.Time) string { return "30" }, 0, 30 * time.Second},
		{"unix reset", func(now time.Time) string { return strconv.FormatInt(now.Add(45*time.Second).Unix(), 10) }, 0, 45 * time.Second},
		{"capped by MaxRetryAfter", func(time.Time) string { return "3600" }, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, clock, w, handle := virtualClient(t, Config{MaxRetryAfter: tt.maxRetryAfter})
			handle("/empty", func(req *http.Request) *http.Response {
				return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", tt.reset(clock.Now()))
			})
			handle("/next", func(req *http.Request) *http.Response { return newResponse(req, 200, `{}`) })
			get(t, c, "/empty")
			get(t, c, "/next")
			if diff := cmp.Diff([]time.Duration{tt.want}, w.get()); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRateReported(t *testing.T) {
	t.Parallel()
	c, clock, _, handle := virtualClient(t, Config{})
	if got := c.Rate(); got != (Rate{}) {
		t.Fatalf("Rate before any response = %+v, want zero", got)
	}
	handle("/x", func(req *http.Request) *http.Response {
		return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "42", "X-RateLimit-Reset", "60")
	})
	get(t, c, "/x")
	now := clock.Now()
	want := Rate{Limit: 100, Remaining: 42, Reset: now.Add(time.Minute), Observed: now}
	if diff := cmp.Diff(want, c.Rate()); diff != "" {
		t.Errorf("Rate mismatch (-want +got):\n%s", diff)
	}
	// A response without X-RateLimit-Remaining leaves the reported state alone.
	handle("/partial", func(req *http.Request) *http.Response {
		return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "7")
	})
	clock.Advance(time.Second)
	get(t, c, "/partial")
	if diff := cmp.Diff(want, c.Rate()); diff != "" {
		t.Errorf("Rate after a partial report mismatch (-want +got):\n%s", diff)
	}
}

func TestParseRateHeaders(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	resets := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"30", now.Add(30 * time.Second), true},
		{"0", now, true},
		{"1.5", now.Add(1500 * time.Millisecond), true},
		{"999999999", now.Add(999999999 * time.Second), true},
		{"1740830460", time.Unix(1740830460, 0), true},
		{"1740830460.25", time.Unix(1740830460, 250e6), true},
		{"", time.Time{}, false},
		{"-5", time.Time{}, false},
		{"soon", time.Time{}, false},
		{"NaN", time.Time{}, false},
	}
	for _, tt := range resets {
		got, ok := parseReset(tt.in, now)
		if !got.Equal(tt.want) || ok != tt.wantOK {
			t.Errorf("parseReset(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
	counts := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"100", 100, true}, {" 7 ", 7, true}, {"100, 100;w=60", 100, true}, {"-1", 0, false}, {"x", 0, false}, {"", 0, false},
	}
	for _, tt := range counts {
		got, ok := parseCount(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseCount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCancelDuringLimiterWait(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{RateLimit: 0.1, Burst: 1, WaitHook: func(d time.Duration) time.Duration { return d }})
	mt.RegisterResponder("GET", testBase+"/x", respond(200, `{}`))
	get(t, c, "/x") // spends the only token; the next one is 10 s away

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, &Request{Path: "/x"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %s, want context.Canceled promptly", err, time.Since(start))
	}

	ctx, cancel = context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	start = time.Now()
	_, err = c.Do(ctx, &Request{Path: "/x"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 500*time.Millisecond {
		t.Errorf("err = %v after %s, want context.DeadlineExceeded at once", err, time.Since(start))
	}
	if callCount(mt) != 1 {
		t.Errorf("calls = %d, want 1", callCount(mt))
	}
}

func TestSharedLimiter(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	w := &waits{clock: clock}
	shared := rate.NewLimiter(2, 1)
	var clients []*Client
	for range 2 {
		c, mt, _ := newMockClient(t, Config{Limiter: shared, RateLimit: 100, Burst: 100, WaitHook: w.hook})
		c.now = clock.Now
		mt.RegisterResponder("GET", testBase+"/x", respond(200, `{}`))
		clients = append(clients, c)
	}
	for _, c := range []*Client{clients[0], clients[1], clients[0]} {
		get(t, c, "/x")
	}
	if clients[0].Limiter() != shared || clients[1].Limiter() != shared {
		t.Error("Limiter() does not return the shared limiter")
	}
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, w.get()); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	auth := observingAuth{&fakeAuth{token: "t0"}}
	c, mt, _ := newMockClient(t, Config{Auth: auth, RateLimit: rate.Inf})
	mt.RegisterResponder("GET", "=~^"+testBase+"/items/", sequence(
		respond(503, ""),
		respond(200, `{"ok":true}`, "X-RateLimit-Limit", "1000", "X-RateLimit-Remaining", "999", "X-RateLimit-Reset", "60")))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			var v struct{ OK bool }
			if _, err := c.DoJSON(t.Context(), &Request{Path: fmt.Sprintf("/items/%d", i)}, &v); err != nil {
				errs <- err
			}
			_ = c.Rate()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := auth.observed.Load(); got != int64(callCount(mt)) {
		t.Errorf("observer saw %d responses, transport sent %d requests", got, callCount(mt))
	}
}
