package transport

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testBase = "https://api.example.com"

// fakeClock is a manual clock. Used together with waits.hook, which advances it by every
// wait, the client runs in virtual time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// waits records the waits the client asks for and sleeps none of them.
type waits struct {
	mu    sync.Mutex
	list  []time.Duration
	clock *fakeClock // advanced by each wait when set
}

func (w *waits) hook(d time.Duration) time.Duration {
	w.mu.Lock()
	w.list = append(w.list, d)
	w.mu.Unlock()
	if w.clock != nil {
		w.clock.Advance(d)
	}
	return 0
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.list...)
}

func (w *waits) total() time.Duration {
	var sum time.Duration
	for _, d := range w.get() {
		sum += d
	}
	return sum
}

// newMockClient returns a client whose requests go to a fresh httpmock transport. cfg's
// zero Provider, BaseURL, HTTPClient and WaitHook are filled in; the returned waits
// records every wait (and sleeps none) unless cfg has its own hook.
func newMockClient(t *testing.T, cfg Config) (*Client, *httpmock.MockTransport, *waits) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	if cfg.Provider == "" {
		cfg.Provider = "test"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = testBase
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: mt}
	}
	w := &waits{}
	if cfg.WaitHook == nil {
		cfg.WaitHook = w.hook
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mt, w
}

// respond returns a fresh response for every call.
func respond(status int, body string, headers ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		return newResponse(req, status, body, headers...), nil
	}
}

func newResponse(req *http.Request, status int, body string, headers ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Add(headers[i], headers[i+1])
	}
	if h.Get("Content-Type") == "" && body != "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// sequence answers with the given responders in turn, repeating the last one.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		if i >= len(rs) {
			i = len(rs) - 1
		}
		return rs[i](req)
	}
}

// bodyCounter wraps a transport and counts the response bodies it hands out and how many
// of them were closed.
type bodyCounter struct {
	next   http.RoundTripper
	opened atomic.Int64
	closed atomic.Int64
}

func (b *bodyCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.next.RoundTrip(req)
	if resp != nil && resp.Body != nil {
		b.opened.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, onClose: func() { b.closed.Add(1) }}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	once    sync.Once
	onClose func()
}

func (c *countedBody) Close() error {
	c.once.Do(c.onClose)
	return c.ReadCloser.Close()
}

// fakeAuth is an Authorizer whose token changes on Refresh.
type fakeAuth struct {
	mu        sync.Mutex
	token     string
	next      string
	refreshes []string
	hosts     []string
	observed  atomic.Int64
}

func (a *fakeAuth) Authorize(_ context.Context, req *http.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.hosts = append(a.hosts, req.URL.Host)
	req.Header.Set("Authorization", "Bearer "+a.token)
	return nil
}

func (a *fakeAuth) Refresh(_ context.Context, rejected string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshes = append(a.refreshes, rejected)
	if rejected == "Bearer "+a.token && a.next != "" {
		a.token = a.next
	}
	return nil
}

type observingAuth struct{ *fakeAuth }

func (a observingAuth) ObserveResponse(*http.Response) { a.observed.Add(1) }

// syncBuffer is a bytes.Buffer safe for concurrent writes (a log sink).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func callCount(mt *httpmock.MockTransport) int { return mt.GetTotalCallCount() }
