package transport

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/iotest"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testBase = "https://api.example.com"

// inBubble runs f in parallel with other tests, in a synctest bubble: every wait of the
// client (backoff, Retry-After, pauses, the limiter, timeouts) passes in virtual time, and
// time.Now is the bubble's clock. Mock transports must be created inside f.
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Parallel()
	synctest.Test(t, f)
}

// newMockClient returns a client whose requests go through a bodyCounter to a fresh
// httpmock transport. cfg's zero Provider, BaseURL and HTTPClient are filled in. Call it
// inside a bubble.
func newMockClient(t *testing.T, cfg Config) (*Client, *httpmock.MockTransport, *bodyCounter) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	counter := &bodyCounter{next: mt}
	if cfg.Provider == "" {
		cfg.Provider = "test"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = testBase
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: counter}
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if opened, closed := counter.opened.Load(), counter.closed.Load(); opened != closed {
			t.Errorf("response bodies: %d opened, %d closed", opened, closed)
		}
	})
	return c, mt, counter
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

// cutBody answers 200 with a body that announces more than it sends: the connection
// breaks after prefix.
func cutBody(prefix string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := newResponse(req, 200, prefix)
		resp.Body = io.NopCloser(io.MultiReader(strings.NewReader(prefix), iotest.ErrReader(io.ErrUnexpectedEOF)))
		resp.ContentLength = int64(len(prefix)) + 100
		return resp, nil
	}
}

// Connection failures as net/http reports them.
var (
	connRefused = &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	connReset   = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	connTimeout = &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}

	x509UnknownAuthority = x509.UnknownAuthorityError{}
)

// sequence answers with the given responders in turn, repeating the last one.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := min(int(n.Add(1))-1, len(rs)-1)
		return rs[i](req)
	}
}

// cycle answers with the given responders in turn, starting over after the last one.
func cycle(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		return rs[int(n.Add(1)-1)%len(rs)](req)
	}
}

// clock records when requests reach the mock, in the bubble's virtual time.
type clock struct {
	mu sync.Mutex
	at []time.Time
}

func (c *clock) record(r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		c.mu.Lock()
		c.at = append(c.at, time.Now())
		c.mu.Unlock()
		return r(req)
	}
}

// since returns the request times as offsets from start.
func (c *clock) since(start time.Time) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for _, at := range c.at {
		out = append(out, at.Sub(start))
	}
	return out
}

// gaps returns the durations between consecutive requests.
func (c *clock) gaps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(c.at); i++ {
		out = append(out, c.at[i].Sub(c.at[i-1]))
	}
	return out
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

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func callCount(mt *httpmock.MockTransport) int { return mt.GetTotalCallCount() }

func get(t *testing.T, c *Client, path string) {
	t.Helper()
	if _, err := c.DoJSON(t.Context(), &Request{Path: path}, nil); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
