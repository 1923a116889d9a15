package fakeserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
)

// base is embedded under an unexported name, as the fakes embed it.
type base = fakeserver.Base

// fake is a minimal fake server built on Base.
type fake struct {
	URL    string
	Secret string
	base
}

func newFake(t *testing.T, o fakeserver.Options) *fake {
	t.Helper()
	f := &fake{Secret: "s3cr3t-value"}
	f.URL = fakeserver.Start(&f.base, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"path":"`+r.URL.Path+`"}`)
	}), o)
	t.Cleanup(f.Close)
	return f
}

func fetch(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestBaseServesAndRecords(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	f := newFake(t, fakeserver.Options{Name: "fake.Server", Now: func() time.Time { return at }})
	if !strings.HasPrefix(f.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want a loopback http URL", f.URL)
	}
	if code, body := fetch(t, f.Client(), f.URL+"/v1/users?limit=2"); code != 200 || body != `{"path":"/v1/users"}` {
		t.Errorf("GET = %d %s", code, body)
	}
	fetch(t, f.Client(), f.URL+"/v1/me")
	want := []fakeserver.Request{
		{Method: "GET", Path: "/v1/users", Query: map[string][]string{"limit": {"2"}}, Status: 200, At: at},
		{Method: "GET", Path: "/v1/me", Query: map[string][]string{}, Status: 200, At: at},
	}
	if diff := cmp.Diff(want, f.Requests(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		method, path string
		want         int
	}{{"", "/v1/*", 2}, {"GET", "/v1/me", 1}, {"POST", "", 0}, {"", "/v2/*", 0}} {
		if got := f.Count(tt.method, tt.path); got != tt.want {
			t.Errorf("Count(%q, %q) = %d, want %d", tt.method, tt.path, got, tt.want)
		}
	}
	f.ResetRequests()
	if n := len(f.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestBaseFaults(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeserver.Options{Name: "fake.Server"})
	f.Inject(fakeserver.Fault{Name: "down", Path: "/v1/*", Times: 2, Status: 503, Body: "busy"})
	f.Inject(fakeserver.Fault{Name: "other", Path: "/v2/*", Status: 500})
	if n := f.PendingFaults(); n != 2 {
		t.Errorf("PendingFaults = %d, want 2", n)
	}
	var got []int
	for range 3 {
		code, _ := fetch(t, f.Client(), f.URL+"/v1/users")
		got = append(got, code)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if n := f.PendingFaults(); n != 1 {
		t.Errorf("PendingFaults = %d, want 1", n)
	}
	f.ClearFaults()
	if code, _ := fetch(t, f.Client(), f.URL+"/v2/persons"); code != 200 || f.PendingFaults() != 0 {
		t.Errorf("after ClearFaults: status %d, %d pending", code, f.PendingFaults())
	}
	if reqs := f.Requests(); reqs[0].Fault != "down" || reqs[2].Fault != "" {
		t.Errorf("fault names not recorded: %+v", reqs)
	}
}

func TestBaseLimitsAndRateLimited(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	lim := &fakeserver.Limiter{PerMinute: 1, Burst: 1, Path: "/v1/*", RetryAfter: true}
	f := newFake(t, fakeserver.Options{
		Name:     "fake.Server",
		Now:      func() time.Time { return at },
		Limiters: []*fakeserver.Limiter{lim},
	})
	f.Inject(fakeserver.Fault{Name: "injected", Path: "/v3/*", Status: 429})
	var codes []int
	for _, p := range []string{"/v1/users", "/v1/users", "/v2/persons", "/v1/me", "/v3/x"} {
		c, _ := fetch(t, f.Client(), f.URL+p)
		codes = append(codes, c)
	}
	if diff := cmp.Diff([]int{200, 429, 200, 429, 429}, codes); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// The injected 429 is not the rate limit's.
	if n := f.RateLimited(); n != 2 {
		t.Errorf("RateLimited = %d, want 2", n)
	}
	if n := f.Count("", "/v1/*"); n != 3 {
		t.Errorf("Count(/v1/*) = %d, want 3 (429s included)", n)
	}
	f.ResetRequests()
	if n := f.RateLimited(); n != 0 {
		t.Errorf("RateLimited = %d after ResetRequests", n)
	}
}

// The handler of a Base serves in memory what its URL serves, so it runs inside a
// synctest bubble, where the latency takes no real time.
func TestBaseHandlerInBubble(t *testing.T) {
	t.Parallel()
	const latency = 150 * time.Millisecond
	f := newFake(t, fakeserver.Options{Name: "fake.Server", Latency: func() time.Duration { return latency }})
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		w := httptest.NewRecorder()
		f.Handler().ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/v1/me", nil))
		if el := time.Since(start); el != latency {
			t.Errorf("answered after %v, want the %v latency", el, latency)
		}
		if w.Code != 200 || w.Body.String() != `{"path":"/v1/me"}` {
			t.Errorf("in memory: %d %s", w.Code, w.Body)
		}
	})
	if n := f.Count("GET", "/v1/me"); n != 1 {
		t.Errorf("the in-memory request was not recorded: Count = %d", n)
	}
	var idle base
	if idle.Handler() != nil {
		t.Error("an unstarted Base has a handler")
	}
}

// InMemoryClient calls the handler without a socket, on the bubble's clock, and a
// request whose context ends while it is served fails with the context's error.
func TestBaseInMemoryClient(t *testing.T) {
	t.Parallel()
	const latency = 150 * time.Millisecond
	f := newFake(t, fakeserver.Options{Name: "fake.Server", Latency: func() time.Duration { return latency }})
	synctest.Test(t, func(t *testing.T) {
		c := f.InMemoryClient()
		start := time.Now()
		resp, err := c.Get(f.URL + "/v1/me")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if el := time.Since(start); el != latency || resp.StatusCode != 200 || string(body) != `{"path":"/v1/me"}` || resp.Request == nil {
			t.Errorf("after %v: %d %s (request %v); want %v, 200 and the fake's answer", el, resp.StatusCode, body, resp.Request, latency)
		}
		ctx, cancel := context.WithTimeout(t.Context(), latency/2)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.URL+"/v1/me", nil)
		if _, err := c.Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a request whose context ends while it is served: err = %v, want context.DeadlineExceeded", err)
		}
	})
	if n := f.Count("GET", "/v1/me"); n != 2 {
		t.Errorf("Count = %d, want both requests recorded", n)
	}
}

func TestBaseTLS(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeserver.Options{Name: "fake.Server", TLS: true})
	if !strings.HasPrefix(f.URL, "https://127.0.0.1:") {
		t.Fatalf("URL = %q, want https", f.URL)
	}
	if code, _ := fetch(t, f.Client(), f.URL+"/x"); code != 200 {
		t.Errorf("status %d", code)
	}
	plain := &http.Client{Timeout: 5 * time.Second}
	if resp, err := plain.Get(f.URL + "/x"); err == nil {
		resp.Body.Close()
		t.Error("a client that does not trust the test certificate got through")
	}
}

func TestBaseLifecycle(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeserver.Options{Name: "fake.Server"})
	again := fakeserver.Start(&f.base, http.NotFoundHandler(), fakeserver.Options{Name: "other"})
	if again != f.URL {
		t.Errorf("second Start = %q, want the first URL %q", again, f.URL)
	}
	if code, _ := fetch(t, f.Client(), f.URL+"/x"); code != 200 {
		t.Errorf("second Start replaced the handler: status %d", code)
	}
	f.Close()
	f.Close() // and once more by the cleanup
	if resp, err := f.Client().Get(f.URL + "/x"); err == nil {
		resp.Body.Close()
		t.Error("server still answers after Close")
	}

	var idle base // never started
	idle.Close()
	if idle.Client() == nil || len(idle.Requests()) != 0 {
		t.Error("an unstarted Base misbehaves")
	}
}

func TestBasePrintsNoSecret(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeserver.Options{Name: "fake.Server"})
	want := "fake.Server{URL: " + f.URL + "}"
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, f); got != want {
			t.Errorf("%s prints %q, want %q", verb, got, want)
		}
	}
}
