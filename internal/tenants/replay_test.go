package tenants

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// answer is one response as a fake server sent it, kept whole in memory.
type answer struct {
	status int
	proto  string // "200 OK"
	header http.Header
	body   []byte

	captured int          // how many times one sync asked for it
	served   atomic.Int64 // how many times the replay served it
}

// requestKey identifies a request by method, path and query, with the query's keys and
// each key's values sorted: the same request of two clients has the same key whatever
// order they wrote the query in. Bodies (credentials) and headers (tokens) are not part
// of it.
func requestKey(r *http.Request) string {
	q := r.URL.Query()
	for _, vs := range q {
		slices.Sort(vs)
	}
	return r.Method + " " + r.URL.Path + "?" + q.Encode()
}

// rawKey is a request's method, path and query as the client wrote it: the replay's
// cheap first lookup, since every tenant's client writes the same request the same way.
func rawKey(r *http.Request) string { return r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery }

// recorder is an http.RoundTripper that sends requests through next and keeps every
// answer by requestKey. A request asked for again must get the same answer.
type recorder struct {
	next http.RoundTripper

	mu      sync.Mutex
	answers map[string]*answer
	raw     map[string]*answer // by rawKey
	order   []string           // keys, first request first
	err     error              // the first answer that differed from an earlier one of the same key
}

func newRecorder(next http.RoundTripper) *recorder {
	return &recorder{next: next, answers: make(map[string]*answer), raw: make(map[string]*answer)}
}

func (c *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	key := requestKey(req)
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.answers[key]; ok {
		a.captured++
		if (a.status != resp.StatusCode || !bytes.Equal(a.body, body)) && c.err == nil {
			c.err = fmt.Errorf("%s: a second, different answer (%d, %d bytes; first %d, %d bytes)",
				key, resp.StatusCode, len(body), a.status, len(a.body))
		}
		c.raw[rawKey(req)] = a
		return resp, nil
	}
	h := resp.Header.Clone()
	h.Del("Date")
	a := &answer{status: resp.StatusCode, proto: resp.Status, header: h, body: body, captured: 1}
	c.answers[key], c.raw[rawKey(req)] = a, a
	c.order = append(c.order, key)
	return resp, nil
}

// capture is what one sync asked for and got.
type capture struct {
	origin  string // the API's origin, as the fake served it
	answers map[string]*answer
	raw     map[string]*answer // the same answers by rawKey
	order   []string           // keys, first request first
}

// capture returns what the recorder kept, or the error of an answer that changed.
func (c *recorder) capture() (*capture, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	for _, k := range c.order {
		if a := c.answers[k]; a.status != http.StatusOK {
			return nil, fmt.Errorf("%s: captured status %d, want 200", k, a.status)
		}
	}
	return &capture{answers: c.answers, raw: c.raw, order: c.order}, nil
}

// requests is how many requests one sync makes.
func (c *capture) requests() int {
	n := 0
	for _, a := range c.answers {
		n += a.captured
	}
	return n
}

// resetServed sets every served count to zero.
func (c *capture) resetServed() {
	for _, a := range c.answers {
		a.served.Store(0)
	}
}

// servedAsCaptured checks that the replay served every answer syncs times as often as
// one sync asked for it, and nothing else.
func (c *capture) servedAsCaptured(r *replay, syncs int) error {
	if m := r.misses.Load(); m > 0 {
		return fmt.Errorf("%d requests had no captured answer", m)
	}
	for _, k := range c.order {
		a := c.answers[k]
		if got, want := a.served.Load(), int64(syncs*a.captured); got != want {
			return fmt.Errorf("%s: served %d times, want %d (%d syncs)", k, got, want, syncs)
		}
	}
	return nil
}

// replay is an http.RoundTripper that answers from a capture, each answer latency after
// its request, so that every client of many tenants sees the API the fake served to one,
// and the server side costs next to nothing: a map lookup, a timer and a reader over
// bytes shared by every tenant. A request that was not captured is answered 404.
type replay struct {
	cap     *capture
	latency time.Duration
	misses  atomic.Int64
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	if r.latency > 0 {
		t := time.NewTimer(r.latency)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		}
	}
	a, ok := r.cap.raw[rawKey(req)]
	if !ok {
		a, ok = r.cap.answers[requestKey(req)]
	}
	if !ok {
		r.misses.Add(1)
		body := []byte(`{"success":false,"error":{"code":404,"message":"not captured"}}`)
		return response(req, http.StatusNotFound, "404 Not Found", http.Header{"Content-Type": {"application/json"}}, body), nil
	}
	a.served.Add(1)
	return response(req, a.status, a.proto, a.header.Clone(), a.body), nil
}

func response(req *http.Request, status int, proto string, h http.Header, body []byte) *http.Response {
	return &http.Response{
		Status:        proto,
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
