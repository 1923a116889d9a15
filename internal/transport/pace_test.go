package transport

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

// advance moves the bubble's virtual clock forward by d; nothing really sleeps.
func advance(d time.Duration) { time.Sleep(d) }

// approx compares durations to the microsecond (the limiter computes in floating point).
var approx = cmp.Comparer(func(a, b time.Duration) bool { return (a - b).Abs() <= time.Microsecond })

func TestLimiterPacing(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{RateLimit: 20, Burst: 1})
		var clk clock
		mt.RegisterResponder("GET", testBase+"/x", clk.record(respond(200, `{}`)))
		start := time.Now()
		for range 5 {
			get(t, c, "/x")
		}
		want := []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond}
		if diff := cmp.Diff(want, clk.since(start), approx); diff != "" {
			t.Errorf("request times at 20/s with burst 1 (-want +got):\n%s", diff)
		}
	})
}

func TestLimiterWaitsEveryAttempt(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{RateLimit: 2, Burst: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond})
		var clk clock
		mt.RegisterResponder("GET", testBase+"/x", clk.record(sequence(respond(503, ""), respond(503, ""), respond(200, `{}`))))
		start := time.Now()
		get(t, c, "/x")
		// Each retry waits its backoff (0.5–1 ms) and then the rest of the limiter's 500 ms.
		want := []time.Duration{0, 500 * time.Millisecond, time.Second}
		if diff := cmp.Diff(want, clk.since(start), approx); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}
	})
}

func TestAdaptivePacing(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{}) // 10/s, burst 10
		var clk clock
		mt.RegisterResponder("GET", testBase+"/low", clk.record(respond(200, `{}`,
			"X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "10")))
		mt.RegisterResponder("GET", testBase+"/plain", respond(200, `{}`))
		mt.RegisterResponder("GET", testBase+"/plenty", respond(200, `{}`,
			"X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "80", "X-RateLimit-Reset", "10"))

		start := time.Now()
		for range 4 {
			get(t, c, "/low")
		}
		// 5 requests left for the next 10 s: one every 2 s. The first paced request may use
		// the one token of the lowered burst.
		want := []time.Duration{0, 0, 2 * time.Second, 4 * time.Second}
		if diff := cmp.Diff(want, clk.since(start), approx); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}
		if l, b := c.Limiter().Limit(), c.Limiter().Burst(); math.Abs(float64(l)-0.5) > 1e-9 || b != 1 {
			t.Errorf("paced limiter = %v/s burst %d, want 0.5/s burst 1", l, b)
		}

		// After the reset the configured pace comes back.
		advance(11 * time.Second)
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
	})
}

func TestAdaptivePacingNeverSpeedsUp(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{RateLimit: 1, Burst: 1})
		// 5 left in 1 s would allow 5/s, faster than configured.
		mt.RegisterResponder("GET", testBase+"/x", respond(200, `{}`,
			"X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "1"))
		get(t, c, "/x")
		if l, b := c.Limiter().Limit(), c.Limiter().Burst(); l != 1 || b != 1 {
			t.Errorf("limiter = %v/s burst %d, want the configured 1/s burst 1", l, b)
		}
	})
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
			inBubble(t, func(t *testing.T) {
				advance(time.Until(time.Unix(1_700_000_000, 0))) // from 2000, the bubble's epoch, to 2023: past 1e9 Unix seconds
				c, mt, _ := newMockClient(t, Config{MaxRetryAfter: tt.maxRetryAfter})
				var clk clock
				mt.RegisterResponder("GET", testBase+"/empty", clk.record(func(req *http.Request) (*http.Response, error) {
					return newResponse(req, 200, `{}`, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", tt.reset(time.Now())), nil
				}))
				mt.RegisterResponder("GET", testBase+"/next", clk.record(respond(200, `{}`)))
				get(t, c, "/empty")
				get(t, c, "/next")
				if diff := cmp.Diff([]time.Duration{tt.want}, clk.gaps()); diff != "" {
					t.Errorf("wait mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestRateReported(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{})
		if got := c.Rate(); got != (Rate{}) {
			t.Fatalf("Rate before any response = %+v, want zero", got)
		}
		mt.RegisterResponder("GET", testBase+"/x", respond(200, `{}`,
			"X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "42", "X-RateLimit-Reset", "60"))
		get(t, c, "/x")
		now := time.Now()
		want := Rate{Limit: 100, Remaining: 42, Reset: now.Add(time.Minute), Observed: now}
		if diff := cmp.Diff(want, c.Rate()); diff != "" {
			t.Errorf("Rate mismatch (-want +got):\n%s", diff)
		}
		// A response without X-RateLimit-Remaining leaves the reported state alone.
		mt.RegisterResponder("GET", testBase+"/partial", respond(200, `{}`, "X-RateLimit-Limit", "7"))
		advance(time.Second)
		get(t, c, "/partial")
		if diff := cmp.Diff(want, c.Rate()); diff != "" {
			t.Errorf("Rate after a partial report mismatch (-want +got):\n%s", diff)
		}
	})
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
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{RateLimit: 0.1, Burst: 1})
		mt.RegisterResponder("GET", testBase+"/x", respond(200, `{}`))
		first := time.Now()
		get(t, c, "/x") // spends the only token; the next one is 10 s away

		ctx, cancel := context.WithCancel(t.Context())
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err = c.Do(ctx, &Request{Path: "/x"})
		}()
		synctest.Wait()
		start := time.Now()
		cancel()
		<-done
		if !errors.Is(err, context.Canceled) || time.Since(start) != 0 {
			t.Errorf("err = %v after %s, want context.Canceled at once", err, time.Since(start))
		}

		ctx, cancel = context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start = time.Now()
		_, err = c.Do(ctx, &Request{Path: "/x"})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
			t.Errorf("err = %v after %s, want context.DeadlineExceeded at the deadline", err, time.Since(start))
		}
		if callCount(mt) != 1 {
			t.Errorf("calls = %d, want 1", callCount(mt))
		}
		// The cancelled waits gave their tokens back: the next token is still 10 s after
		// the first request.
		get(t, c, "/x")
		if diff := cmp.Diff(10*time.Second, time.Since(first), approx); diff != "" {
			t.Errorf("next request after the first (-want +got):\n%s", diff)
		}
	})
}

func TestSharedLimiter(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		shared := rate.NewLimiter(2, 1)
		var clk clock
		var clients []*Client
		for range 2 {
			c, mt, _ := newMockClient(t, Config{Limiter: shared, RateLimit: 100, Burst: 100})
			mt.RegisterResponder("GET", testBase+"/x", clk.record(respond(200, `{}`)))
			clients = append(clients, c)
		}
		start := time.Now()
		for _, c := range []*Client{clients[0], clients[1], clients[0]} {
			get(t, c, "/x")
		}
		if clients[0].Limiter() != shared || clients[1].Limiter() != shared {
			t.Error("Limiter() does not return the shared limiter")
		}
		if diff := cmp.Diff([]time.Duration{0, 500 * time.Millisecond, time.Second}, clk.since(start), approx); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		auth := observingAuth{&fakeAuth{token: "t0"}}
		c, mt, _ := newMockClient(t, Config{Auth: auth, RateLimit: rate.Inf})
		mt.RegisterResponder("GET", "=~^"+testBase+"/items/", sequence(
			respond(503, ""),
			respond(200, `{"ok":true}`, "X-RateLimit-Limit", "1000", "X-RateLimit-Remaining", "999", "X-RateLimit-Reset", "60")))
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				var v struct{ OK bool }
				if _, err := c.DoJSON(t.Context(), &Request{Path: fmt.Sprintf("/items/%d", i)}, &v); err != nil || !v.OK {
					t.Errorf("DoJSON = %v, %+v", err, v)
				}
				_ = c.Rate()
			})
		}
		wg.Wait()
		if got := auth.observed.Load(); got != int64(callCount(mt)) || got != 41 {
			t.Errorf("observer saw %d responses, transport sent %d requests; want 41 (one retry)", got, callCount(mt))
		}
	})
}

// TestPauseAfter429: after a 429, no request of any goroutine of the client goes out
// before the pause ends, the requests it held leave one by one at the limiter's rate, and
// the configured burst comes back after RateLimitQuietPeriod without a 429.
func TestPauseAfter429(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		limitedAt  int64         // which request meets the 429
		pauseEnds  time.Duration // from the start
	}{
		// The second request (at 200 ms, the others queued on the limiter behind it)
		// meets a 429 asking for 2 s.
		{"Retry-After", "2", 2, 2200 * time.Millisecond},
		// Without Retry-After the pause is RateLimitPause (longer than the 200 ms interval).
		{"no Retry-After", "", 2, 200*time.Millisecond + RateLimitPause},
		// The client's very first request meets the 429; the others have not gone out.
		{"first request", "", 1, RateLimitPause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				const goroutines, each = 6, 2
				c, mt, _ := newMockClient(t, Config{RateLimit: 5, Burst: 5})
				if tt.limitedAt > 1 {
					c.pace.lim.SetBurst(1) // queue the goroutines behind each other from the start
					c.pace.baseBurst = 1
				}
				var n, limited atomic.Int64
				var clk clock
				mt.RegisterResponder("GET", testBase+"/x", clk.record(func(req *http.Request) (*http.Response, error) {
					if n.Add(1) == tt.limitedAt {
						limited.Add(1)
						return newResponse(req, 429, "", "Retry-After", tt.retryAfter), nil
					}
					return newResponse(req, 200, `{}`), nil
				}))
				start := time.Now()
				var wg sync.WaitGroup
				for range goroutines {
					wg.Go(func() {
						for range each {
							get(t, c, "/x")
						}
					})
				}
				wg.Wait()
				times := clk.since(start)
				if len(times) != goroutines*each+1 || limited.Load() != 1 {
					t.Fatalf("%d requests, %d answered 429; want %d and 1", len(times), limited.Load(), goroutines*each+1)
				}
				after := times[tt.limitedAt:]
				for i, at := range after {
					if at < tt.pauseEnds {
						t.Errorf("request %d went out at %s, during the pause (until %s)", int(tt.limitedAt)+i+1, at, tt.pauseEnds)
					}
					if i > 0 && at-after[i-1] < 200*time.Millisecond-time.Millisecond {
						t.Errorf("request %d went out %s after the one before; want the limiter's 200 ms (burst 1)", int(tt.limitedAt)+i+1, at-after[i-1])
					}
				}
				if b := c.Limiter().Burst(); b != 1 {
					t.Errorf("burst after a 429 = %d, want 1", b)
				}
				advance(RateLimitQuietPeriod)
				get(t, c, "/x")
				if b := c.Limiter().Burst(); b != c.pace.baseBurst {
					t.Errorf("burst after a quiet period = %d, want the configured %d", b, c.pace.baseBurst)
				}
			})
		})
	}
}

// TestSpentBudget runs 8 goroutines of 5 requests each against a server that enforces
// 5 requests/s with bursts of 15 (Personio's documented limit): a client that starts
// while another one has just spent the budget meets one 429 and then paces itself; a
// client on fresh credentials meets none and sends no request more than needed.
func TestSpentBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		spent       bool
		retryAfter  bool
		clientRate  rate.Limit
		want429     int64
		wantRequest int
	}{
		{"spent, no Retry-After", true, false, 5, 1, 41},
		{"spent, Retry-After", true, true, 5, 1, 41},
		{"fresh", false, false, 4.5, 0, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				server := rate.NewLimiter(5, 15)
				if tt.spent {
					server.AllowN(time.Now(), 15)
				}
				var limited atomic.Int64
				var mu sync.Mutex
				c, mt, _ := newMockClient(t, Config{RateLimit: tt.clientRate, Burst: 15})
				// The server decides when a request arrives and answers 100 ms later, so that
				// requests overlap as they do over a network.
				mt.RegisterResponder("GET", testBase+"/page", func(req *http.Request) (*http.Response, error) {
					defer advance(100 * time.Millisecond)
					mu.Lock()
					defer mu.Unlock()
					now := time.Now()
					r := server.ReserveN(now, 1)
					if d := r.DelayFrom(now); d > 0 {
						r.CancelAt(now)
						limited.Add(1)
						var h []string
						if tt.retryAfter {
							h = []string{"Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))}
						}
						return newResponse(req, 429, `{"error":"Too Many Requests"}`, h...), nil
					}
					return newResponse(req, 200, `{"ok":true}`), nil
				})
				var wg sync.WaitGroup
				for range 8 {
					wg.Go(func() {
						for range 5 {
							if _, err := c.DoJSON(t.Context(), &Request{Path: "/page"}, nil); err != nil {
								t.Error(err)
							}
						}
					})
				}
				wg.Wait()
				if limited.Load() != tt.want429 || callCount(mt) != tt.wantRequest {
					t.Errorf("%d requests, %d answered 429; want %d and %d", callCount(mt), limited.Load(), tt.wantRequest, tt.want429)
				}
			})
		})
	}
}

// TestSharedLimiterAdaptsOnce: when one of two clients sharing a limiter meets a 429, the
// other leaves the lowered burst alone; the first restores it after the quiet period.
func TestSharedLimiterAdaptsOnce(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		shared := rate.NewLimiter(10, 5)
		a, mta, _ := newMockClient(t, Config{Limiter: shared})
		b, mtb, _ := newMockClient(t, Config{Limiter: shared})
		mta.RegisterResponder("GET", testBase+"/x", sequence(respond(429, ""), respond(200, `{}`)))
		mtb.RegisterResponder("GET", testBase+"/x", respond(200, `{}`))
		get(t, a, "/x")
		for range 3 {
			get(t, b, "/x")
		}
		if got := shared.Burst(); got != 1 {
			t.Errorf("burst after a 429 of one client and requests of the other = %d, want 1", got)
		}
		advance(RateLimitQuietPeriod)
		get(t, b, "/x")
		if got := shared.Burst(); got != 1 {
			t.Errorf("burst after the other client's request = %d, want 1 until the first client restores it", got)
		}
		get(t, a, "/x")
		if got := shared.Burst(); got != 5 {
			t.Errorf("burst after the quiet period = %d, want 5", got)
		}
	})
}
