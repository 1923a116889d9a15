package fakeserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
)

const realBody = `{"data":[{"id":1},{"id":2},{"id":3}]}`

func newServer(t *testing.T, m *fakeserver.Middleware) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, realBody)
	})
	srv := httptest.NewServer(m.Wrap(h))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func get(t *testing.T, url string) (int, string, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestFaultsApplyInOrderAndCount(t *testing.T) {
	t.Parallel()
	rec := &fakeserver.Recorder{}
	faults := &fakeserver.Faults{}
	srv, calls := newServer(t, &fakeserver.Middleware{Recorder: rec, Faults: faults})

	faults.Add(fakeserver.Fault{Name: "503x2", Path: "/v1/*", Skip: 1, Times: 2, Status: 503, Body: "busy",
		Header: http.Header{"Retry-After": {"1"}}})
	var got []int
	for range 5 {
		code, _, err := get(t, srv.URL+"/v1/users")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, code)
	}
	if diff := cmp.Diff([]int{200, 503, 503, 200, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if calls.Load() != 3 {
		t.Errorf("real handler called %d times, want 3", calls.Load())
	}
	if n := rec.Count("GET", "/v1/*"); n != 5 {
		t.Errorf("recorded %d", n)
	}
	if faults.Pending() != 0 {
		t.Errorf("pending = %d", faults.Pending())
	}
	reqs := rec.Requests()
	if reqs[1].Fault != "503x2" || reqs[0].Fault != "" {
		t.Errorf("fault names not recorded: %+v", reqs[:2])
	}
	// Other paths are untouched.
	faults.Add(fakeserver.Fault{Path: "/other", Status: 500})
	if code, _, _ := get(t, srv.URL+"/v1/users"); code != 200 {
		t.Errorf("fault on /other hit /v1/users")
	}
}

func TestBodyFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fault   fakeserver.Fault
		wantErr bool
		check   func(body string) bool
	}{
		{"truncated", fakeserver.Fault{TruncateAfter: 10}, true, nil},
		{"reset mid-body", fakeserver.Fault{ResetAfter: 5}, true, nil},
		{"reset before headers", fakeserver.Fault{ResetBeforeHeaders: true}, true, nil},
		{"invalid json", fakeserver.Fault{InvalidJSON: true}, false, func(b string) bool { return b != realBody && strings.HasPrefix(realBody, b[:5]) }},
		{"rewrite", fakeserver.Fault{Rewrite: func(b []byte) []byte { return []byte(strings.ReplaceAll(string(b), `"id":2`, `"id":"2"`)) }}, false,
			func(b string) bool { return strings.Contains(b, `"id":"2"`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			faults := &fakeserver.Faults{}
			srv, _ := newServer(t, &fakeserver.Middleware{Faults: faults})
			faults.Add(tt.fault)
			_, body, err := get(t, srv.URL+"/x")
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, body %q", body)
				}
				if tt.fault.TruncateAfter > 0 && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want unexpected EOF", err)
				}
			} else if err != nil || !tt.check(body) {
				t.Fatalf("body %q, err %v", body, err)
			}
			// The fault applied once; the next request is clean.
			if _, body, err := get(t, srv.URL+"/x"); err != nil || body != realBody {
				t.Errorf("second request: %q, %v", body, err)
			}
		})
	}
}

// clock is a settable clock for Middleware.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// serve calls h in memory and returns its answer.
func serve(ctx context.Context, h http.Handler, target string, hdr http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	for k, v := range hdr {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestLimiterAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	clk := newClock()
	lim := &fakeserver.Limiter{PerMinute: 60, Burst: 2, RetryAfter: true}
	srv, _ := newServer(t, &fakeserver.Middleware{Limiters: []*fakeserver.Limiter{lim}, Now: clk.Now})
	var codes []int
	var retry, body string
	for range 3 {
		resp, err := http.Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		retry, body = resp.Header.Get("Retry-After"), string(b)
	}
	if diff := cmp.Diff([]int{200, 200, 429}, codes); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if retry != "1" || body != `{"error":"rate limit exceeded"}` {
		t.Errorf("Retry-After %q, body %s; want 1 and the default body", retry, body)
	}
}

// The bucket refills at PerMinute a minute, holds at most Burst, and belongs to the
// server: whoever asks next finds it as the last request left it.
func TestLimiterRefill(t *testing.T) {
	t.Parallel()
	clk := newClock()
	var rejected []time.Duration
	lim := &fakeserver.Limiter{PerMinute: 300, Burst: 15, Path: "/v1/*",
		Reject: func(w http.ResponseWriter, retryAfter time.Duration) {
			rejected = append(rejected, retryAfter)
			w.WriteHeader(http.StatusTooManyRequests)
		}}
	rec := &fakeserver.Recorder{}
	h := (&fakeserver.Middleware{Recorder: rec, Limiters: []*fakeserver.Limiter{lim}, Now: clk.Now}).Wrap(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	ok := func(n int) int { // sends n requests, returns how many got through
		t.Helper()
		got := 0
		for range n {
			switch c := serve(t.Context(), h, "/v1/users", nil).Code; c {
			case 200:
				got++
			case 429:
			default:
				t.Fatalf("status %d", c)
			}
		}
		return got
	}
	steps := []struct {
		advance time.Duration
		send    int
		want    int
	}{
		{0, 20, 15},                    // a full burst, then nothing
		{199 * time.Millisecond, 1, 0}, // a token every 200ms (300 a minute)
		{time.Millisecond, 2, 1},       // ... here it is, and only one
		{time.Second, 10, 5},           // five a second
		{time.Hour, 30, 15},            // never more than the burst
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		if got := ok(st.send); got != st.want {
			t.Errorf("step %d: %d of %d requests got through, want %d", i, got, st.send, st.want)
		}
	}
	if len(rejected) == 0 || rejected[0] != 200*time.Millisecond {
		t.Errorf("first Reject got retryAfter %v, want 200ms", rejected)
	}
	if n, want := rec.RateLimited(), 5+1+1+5+15; n != want {
		t.Errorf("RateLimited = %d, want %d", n, want)
	}
	// Other paths are not limited.
	if c := serve(t.Context(), h, "/v2/persons", nil).Code; c != 200 {
		t.Errorf("/v2/persons: %d", c)
	}
}

// With Key, every credential has a bucket; requests the limit does not count take no
// token. Headers reports the bucket on every counted answer.
func TestLimiterPerKeyAndHeaders(t *testing.T) {
	t.Parallel()
	clk := newClock()
	lim := &fakeserver.Limiter{PerMinute: 6, Burst: 2, RetryAfter: true, Headers: true,
		Key: func(r *http.Request) (string, bool) {
			k := r.Header.Get("Key")
			return k, k == "a" || k == "b"
		}}
	h := (&fakeserver.Middleware{Limiters: []*fakeserver.Limiter{lim}, Now: clk.Now}).Wrap(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	type answer struct {
		Code                                int
		Limit, Remaining, Reset, RetryAfter string
	}
	send := func(key string) answer {
		w := serve(t.Context(), h, "/x", http.Header{"Key": {key}})
		hd := w.Header()
		return answer{w.Code, hd.Get("X-RateLimit-Limit"), hd.Get("X-RateLimit-Remaining"), hd.Get("X-RateLimit-Reset"), hd.Get("Retry-After")}
	}
	now := clk.Now().Unix()
	reset := func(secs int64) string { return strconv.FormatInt(now+secs, 10) }
	got := []answer{send("a"), send("a"), send("a"), send("b"), send("x"), send("x"), send("x")}
	want := []answer{
		{200, "6", "1", reset(10), ""},
		{200, "6", "0", reset(20), ""},
		{429, "6", "0", reset(20), "10"},
		{200, "6", "1", reset(10), ""},
		{200, "", "", "", ""}, {200, "", "", "", ""}, {200, "", "", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	clk.Advance(10 * time.Second)
	if a := send("a"); a.Code != 200 || a.Remaining != "0" {
		t.Errorf("after 10s: %+v, want 200 with the one token that came back taken", a)
	}
}

// A fault's delay ends when the request's context does.
func TestDelayEndsWhenClientLeaves(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		faults := &fakeserver.Faults{}
		faults.Add(fakeserver.Fault{Delay: time.Hour, Status: 503})
		called := false
		h := (&fakeserver.Middleware{Faults: faults}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		w := serve(ctx, h, "/slow", nil)
		if el := time.Since(start); el != time.Second {
			t.Errorf("the handler returned after %v, want 1s (when the client left)", el)
		}
		if called || w.Code != 200 || w.Body.Len() != 0 {
			t.Errorf("answered %d %q after the client left (handler called: %v)", w.Code, w.Body, called)
		}
	})
}

// A client that has read a large response finds its request in the log, while the
// handler is still running.
func TestRecordedBeforeLargeResponseArrives(t *testing.T) {
	t.Parallel()
	rec := &fakeserver.Recorder{}
	big := strings.Repeat("x", 1<<20)
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		_, _ = io.WriteString(w, big)
		w.(http.Flusher).Flush()
		<-release // the handler is still running when the client has read
	})
	srv := httptest.NewServer((&fakeserver.Middleware{Recorder: rec}).Wrap(h))
	t.Cleanup(srv.Close)
	defer close(release)
	for i := 1; i <= 3; i++ {
		code, body, err := get(t, srv.URL+"/big")
		if err != nil || code != 200 || len(body) != len(big) {
			t.Fatalf("get: %d, %d bytes, %v", code, len(body), err)
		}
		if n := rec.Count("GET", "/big"); n != i {
			t.Fatalf("after %d responses the log holds %d", i, n)
		}
		release <- struct{}{}
	}
	if got := rec.Requests()[0].Status; got != 200 {
		t.Errorf("recorded status %d", got)
	}
}

// The latency is the response time: the handler's own work is part of it, not added to
// it, and an empty answer, a fault and a 429 wait too.
func TestLatency(t *testing.T) {
	t.Parallel()
	const latency = 150 * time.Millisecond
	tests := []struct {
		name  string
		path  string
		fault *fakeserver.Fault
		want  time.Duration
		code  int
	}{
		{"body", "/body", nil, latency, 200},
		{"empty", "/empty", nil, latency, 200},
		{"work longer than the latency", "/slow", nil, 400 * time.Millisecond, 200},
		{"status fault", "/body", &fakeserver.Fault{Status: 503}, latency, 503},
		{"status fault with a delay", "/body", &fakeserver.Fault{Status: 502, Delay: time.Second}, time.Second + latency, 502},
		{"body fault", "/body", &fakeserver.Fault{InvalidJSON: true}, latency, 200},
		{"body fault with a delay", "/body", &fakeserver.Fault{InvalidJSON: true, Delay: time.Second}, time.Second + latency, 200},
		{"delay alone", "/body", &fakeserver.Fault{Delay: time.Second}, time.Second + latency, 200},
		{"rate limited", "/limited", nil, latency, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch r.URL.Path {
					case "/slow":
						time.Sleep(400 * time.Millisecond) // work that takes longer than the latency
					case "/empty":
						time.Sleep(100 * time.Millisecond)
					default:
						time.Sleep(100 * time.Millisecond)
						_, _ = io.WriteString(w, realBody)
					}
				})
				faults := &fakeserver.Faults{}
				if tt.fault != nil {
					faults.Add(*tt.fault)
				}
				lim := &fakeserver.Limiter{PerMinute: 1, Burst: 1, Path: "/limited"}
				m := &fakeserver.Middleware{Faults: faults, Limiters: []*fakeserver.Limiter{lim},
					Latency: func() time.Duration { return latency }}
				wrapped := m.Wrap(h)
				if tt.path == "/limited" {
					serve(t.Context(), wrapped, "/limited", nil) // takes the one token
				}
				start := time.Now()
				w := serve(t.Context(), wrapped, tt.path, nil)
				if el := time.Since(start); el != tt.want || w.Code != tt.code {
					t.Errorf("%d after %v, want %d after %v", w.Code, el, tt.code, tt.want)
				}
			})
		})
	}
}
