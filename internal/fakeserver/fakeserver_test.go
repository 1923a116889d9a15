package fakeserver_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
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

func TestLimiterAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	lim := &fakeserver.Limiter{PerMinute: 60, Burst: 2, RetryAfter: true}
	srv, _ := newServer(t, &fakeserver.Middleware{Limiters: []*fakeserver.Limiter{lim}})
	var codes []int
	var retry string
	for range 3 {
		resp, err := http.Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		retry = resp.Header.Get("Retry-After")
	}
	if diff := cmp.Diff([]int{200, 200, 429}, codes); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if retry != "1" {
		t.Errorf("Retry-After = %q, want 1", retry)
	}
}

func TestDelayEndsWhenClientLeaves(t *testing.T) {
	t.Parallel()
	faults := &fakeserver.Faults{}
	srv, _ := newServer(t, &fakeserver.Middleware{Faults: faults})
	faults.Add(fakeserver.Fault{Delay: 10 * time.Second})
	client := &http.Client{Timeout: 100 * time.Millisecond}
	start := time.Now()
	if _, err := client.Get(srv.URL + "/slow"); err == nil {
		t.Fatal("no timeout")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v", el)
	}
}

// A client that has read a large response finds its request in the log.
func TestRecordedBeforeLargeResponseArrives(t *testing.T) {
	t.Parallel()
	rec := &fakeserver.Recorder{}
	big := strings.Repeat("x", 1<<20)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big)))
		_, _ = io.WriteString(w, big)
		time.Sleep(20 * time.Millisecond) // the handler is still running when the client has read
	})
	srv := httptest.NewServer((&fakeserver.Middleware{Recorder: rec}).Wrap(h))
	t.Cleanup(srv.Close)
	for i := 1; i <= 3; i++ {
		code, body, err := get(t, srv.URL+"/big")
		if err != nil || code != 200 || len(body) != len(big) {
			t.Fatalf("get: %d, %d bytes, %v", code, len(body), err)
		}
		if n := rec.Count("GET", "/big"); n != i {
			t.Fatalf("after %d responses the log holds %d", i, n)
		}
	}
	if got := rec.Requests()[0].Status; got != 200 {
		t.Errorf("recorded status %d", got)
	}
}

// The latency is the response time: the handler's own work is part of it, not added to
// it, and an empty answer waits too.
func TestLatencyIncludesHandlerWork(t *testing.T) {
	t.Parallel()
	const latency, work = 150 * time.Millisecond, 100 * time.Millisecond
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(work)
		if r.URL.Path == "/body" {
			_, _ = io.WriteString(w, realBody)
		}
	})
	srv := httptest.NewServer((&fakeserver.Middleware{Latency: func() time.Duration { return latency }}).Wrap(h))
	t.Cleanup(srv.Close)
	for _, path := range []string{"/body", "/empty"} {
		start := time.Now()
		code, _, err := get(t, srv.URL+path)
		el := time.Since(start)
		if err != nil || code != 200 {
			t.Fatalf("%s: %d, %v", path, code, err)
		}
		if el < latency || el >= latency+work {
			t.Errorf("%s took %v, want at least the %v latency and less than latency + handler work (%v)", path, el, latency, latency+work)
		}
	}
}
