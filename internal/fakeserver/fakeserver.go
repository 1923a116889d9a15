// Package fakeserver is the machinery the in-process fake API servers (personiotest,
// latticetest) share: request recording, scripted fault injection (status codes, latency,
// truncated bodies, connection resets, invalid JSON), token-bucket rate limits that answer
// 429, a fixed response time, and [Base], the server lifecycle and test-facing methods
// (Requests, Count, RateLimited, Inject, Close, ...) that each fake embeds.
//
// Every wait (latency, a fault's delay) is an ordinary Go timer, so inside a
// testing/synctest bubble it runs on the bubble's virtual clock when the handler is
// called in memory ([Base.Handler]).
//
// Everything here is safe for concurrent use by the server's handlers and the test that
// drives it.
package fakeserver

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Request is one request as the server saw it.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Status is the status the server answered with (0 if the connection was reset).
	Status int
	// Fault is the name of the fault that answered the request, or "".
	Fault string
	// RateLimited is true when a [Limiter] answered the request with 429.
	RateLimited bool
	At          time.Time
}

// Recorder keeps the requests a server received.
type Recorder struct {
	mu   sync.Mutex
	reqs []Request
}

// Requests returns a copy of the recorded requests, oldest first.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Request, len(r.reqs))
	copy(out, r.reqs)
	return out
}

// Count returns how many requests had the given method and path. An empty method matches
// every method; a path ending in "*" matches by prefix.
func (r *Recorder) Count(method, path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.reqs {
		if (method == "" || q.Method == method) && pathMatch(path, q.Path) {
			n++
		}
	}
	return n
}

// RateLimited returns how many requests a [Limiter] answered with 429.
func (r *Recorder) RateLimited() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.reqs {
		if q.RateLimited {
			n++
		}
	}
	return n
}

// Reset forgets every recorded request.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.reqs = nil
	r.mu.Unlock()
}

func (r *Recorder) add(q Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, q)
	r.mu.Unlock()
}

func pathMatch(pattern, path string) bool {
	if pattern == "" || pattern == "*" {
		return true
	}
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(path, p)
	}
	return pattern == path
}

// Fault describes how to answer matching requests instead of (or on top of) the real
// handler. Zero fields do nothing, so a Fault can combine effects, e.g. Delay with Status.
type Fault struct {
	// Name labels the fault in the request log.
	Name string
	// Method restricts the fault to one method ("" = any).
	Method string
	// Path restricts the fault to one path, or a prefix when it ends in "*" ("" = any).
	Path string
	// Match, when set, must also return true for the request.
	Match func(*http.Request) bool
	// Skip lets this many matching requests through untouched before the fault applies.
	Skip int
	// Times is how many matching requests the fault applies to: 0 means once, a negative
	// number means forever.
	Times int

	// Delay holds the request this long before the server handles it, as a queue in
	// front of the API would; the latency counts from then. If the client goes away
	// during the delay, the request is not handled at all.
	Delay time.Duration
	// Status, when non-zero, answers with this status, Header and Body instead of calling
	// the real handler.
	Status int
	Header http.Header
	Body   string

	// TruncateAfter, when positive, sends the real response with its full Content-Length
	// but closes the connection after this many body bytes.
	TruncateAfter int
	// ResetAfter, when positive, sends this many body bytes of the real response and then
	// resets the TCP connection (RST).
	ResetAfter int
	// ResetBeforeHeaders resets the connection without answering at all.
	ResetBeforeHeaders bool
	// InvalidJSON replaces the real body with a document that is not valid JSON.
	InvalidJSON bool
	// Rewrite, when set, receives the real response body and returns the body to send.
	Rewrite func(body []byte) []byte
}

type activeFault struct {
	Fault
	seen, applied int
}

// Faults is a list of faults consulted in order; the first that applies to a request
// answers it.
type Faults struct {
	mu   sync.Mutex
	list []*activeFault
}

// Add queues f.
func (fs *Faults) Add(f Fault) {
	fs.mu.Lock()
	fs.list = append(fs.list, &activeFault{Fault: f})
	fs.mu.Unlock()
}

// Clear removes every fault.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	fs.list = nil
	fs.mu.Unlock()
}

// Pending returns how many faults still have applications left.
func (fs *Faults) Pending() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := 0
	for _, f := range fs.list {
		if !f.done() {
			n++
		}
	}
	return n
}

func (f *activeFault) done() bool {
	times := f.Times
	if times == 0 {
		times = 1
	}
	return times > 0 && f.applied >= times
}

func (fs *Faults) next(r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.list {
		if f.done() || (f.Method != "" && f.Method != r.Method) || !pathMatch(f.Path, r.URL.Path) {
			continue
		}
		if f.Match != nil && !f.Match(r) {
			continue
		}
		f.seen++
		if f.seen <= f.Skip {
			continue
		}
		f.applied++
		cp := f.Fault
		return &cp
	}
	return nil
}

// Limiter is a token bucket that answers 429 when it runs dry, as a rate-limited API
// does: it holds at most Burst tokens, gains PerMinute of them a minute (one every
// minute/PerMinute, continuously), and every request it counts takes one. The bucket
// belongs to the server, not to a client: a second client of the same credentials finds
// it as the first one left it.
type Limiter struct {
	// PerMinute and Burst size the bucket (a Burst below 1 counts as 1).
	PerMinute int
	Burst     int
	// Path restricts the limit ("" = every path; a trailing "*" = prefix).
	Path string
	// Key, when set, gives every credential a bucket of its own: it returns the
	// credential a request presents, or false for a request the limit does not count
	// (one the API refuses before it counts, such as one without a valid key). Nil means
	// one bucket for every request.
	Key func(*http.Request) (string, bool)
	// RetryAfter, when true, sends Retry-After with the whole seconds until a token is
	// available (at least 1).
	RetryAfter bool
	// Headers, when true, sends X-RateLimit-Limit (PerMinute), X-RateLimit-Remaining
	// (whole tokens left) and X-RateLimit-Reset (the Unix second at which the bucket is
	// full again) on every answer to a request the limit counts, 429s included.
	Headers bool
	// Reject writes the 429 body; nil writes {"error":"rate limit exceeded"}.
	Reject func(w http.ResponseWriter, retryAfter time.Duration)

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// take counts r at now. It reports whether r was counted at all, whether a token was
// left for it, how long until the next token when none was, and the tokens left.
func (l *Limiter) take(r *http.Request, now time.Time) (counted, ok bool, wait time.Duration, left float64) {
	key := ""
	if l.Key != nil {
		var known bool
		if key, known = l.Key(r); !known {
			return false, true, 0, 0
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if l.buckets == nil {
			l.buckets = make(map[string]*rate.Limiter)
		}
		b = rate.NewLimiter(l.perSecond(), max(l.Burst, 1))
		l.buckets[key] = b
	}
	ok = b.AllowN(now, 1)
	left = b.TokensAt(now)
	if !ok {
		wait = seconds((1 - left) / float64(l.perSecond()))
	}
	return true, ok, wait, left
}

func (l *Limiter) perSecond() rate.Limit { return rate.Limit(float64(l.PerMinute) / 60) }

// setHeaders writes the X-RateLimit headers for a bucket with left tokens at now.
func (l *Limiter) setHeaders(h http.Header, now time.Time, left float64) {
	full := now.Add(seconds((float64(max(l.Burst, 1)) - left) / float64(l.perSecond())))
	reset := full.Unix()
	if full.Nanosecond() > 0 {
		reset++
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.PerMinute))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, int(math.Floor(left)))))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
}

// seconds converts s seconds to a Duration, 0 for s <= 0.
func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// Middleware wraps a fake API handler with recording, faults, rate limits and a fixed
// latency. Any of its fields may be nil or zero.
type Middleware struct {
	Recorder *Recorder
	Faults   *Faults
	// Limiters are checked in order after faults; the first that rejects answers 429.
	Limiters []*Limiter
	// Latency is the response time: the answer (a fault's too) leaves no earlier than
	// Latency after the request arrived, the handler's work included. The wait is a Go
	// timer, accurate to about a millisecond on an idle machine, and ends early if the
	// client goes away.
	Latency func() time.Duration
	// Now is the clock of the request log and the rate limits (default time.Now).
	Now func() time.Time
}

// Wrap returns h wrapped by m.
func (m *Middleware) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now
		if m.Now != nil {
			now = m.Now
		}
		rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), At: now()}
		// The request is recorded before the first byte of the answer leaves, so a client
		// that has read its response always finds the request in the log.
		recorded := false
		commit := func(status int) {
			if recorded {
				return
			}
			recorded = true
			rec.Status = status
			if m.Recorder != nil {
				m.Recorder.add(rec)
			}
		}
		defer func() { commit(rec.Status) }()
		var f *Fault
		if m.Faults != nil {
			f = m.Faults.next(r)
		}
		if f != nil {
			rec.Fault = f.Name
			if rec.Fault == "" {
				rec.Fault = "fault"
			}
			if !sleep(r.Context(), f.Delay) {
				return
			}
		}
		// The answer leaves no earlier than the latency after the request arrived (or
		// after a fault's delay released it): the latency is the API's response time, the
		// handler's own work included.
		until := time.Now()
		if m.Latency != nil {
			until = until.Add(m.Latency())
		}
		wait := func() bool { return sleep(r.Context(), time.Until(until)) }
		if f != nil && f.ResetBeforeHeaders {
			if wait() {
				commit(0)
				resetConn(w, nil)
			}
			return
		}
		if f != nil && f.Status != 0 {
			if !wait() {
				return
			}
			for k, v := range f.Header {
				w.Header()[k] = v
			}
			commit(f.Status)
			w.WriteHeader(f.Status)
			_, _ = w.Write([]byte(f.Body))
			return
		}
		for _, l := range m.Limiters {
			if !pathMatch(l.Path, r.URL.Path) {
				continue
			}
			at := now()
			counted, ok, retry, left := l.take(r, at)
			if counted && l.Headers {
				l.setHeaders(w.Header(), at, left)
			}
			if !ok {
				if !wait() {
					return
				}
				if l.RetryAfter {
					w.Header().Set("Retry-After", strconv.Itoa(max(1, int((retry+time.Second-1)/time.Second))))
				}
				rec.RateLimited = true
				commit(http.StatusTooManyRequests)
				if l.Reject != nil {
					l.Reject(w, retry)
				} else {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = w.Write([]byte(`{"error":"rate limit exceeded"}`))
				}
				return
			}
		}
		if f == nil || (f.TruncateAfter <= 0 && f.ResetAfter <= 0 && !f.InvalidJSON && f.Rewrite == nil) {
			sw := &statusWriter{ResponseWriter: w, onHeader: commit, until: until, ctx: r.Context()}
			h.ServeHTTP(sw, r)
			if sw.code == 0 {
				wait() // net/http writes the header of an empty answer after the handler returns
			}
			commit(sw.status())
			return
		}
		// Faults that alter the real response: render it first.
		cap := httptest.NewRecorder()
		h.ServeHTTP(cap, r)
		if !wait() {
			return
		}
		body := cap.Body.Bytes()
		if f.Rewrite != nil {
			body = f.Rewrite(body)
		}
		if f.InvalidJSON {
			body = invalidJSON(body)
		}
		switch {
		case f.ResetAfter > 0:
			commit(0)
			resetConn(w, rawResponse(cap, body, min(f.ResetAfter, len(body))))
		case f.TruncateAfter > 0:
			commit(cap.Code)
			closeConn(w, rawResponse(cap, body, min(f.TruncateAfter, len(body))))
		default:
			commit(cap.Code)
			for k, v := range cap.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(cap.Code)
			_, _ = w.Write(body)
		}
	})
}

// invalidJSON cuts a document in the middle of a value so no decoder accepts it.
func invalidJSON(body []byte) []byte {
	if len(body) < 2 {
		return []byte(`{"data": [`)
	}
	return append(bytes.Clone(body[:len(body)/2]), []byte(`,,"`)...)
}

// rawResponse renders the status line and headers of cap, announcing the full body length,
// followed by the first n bytes of body.
func rawResponse(cap *httptest.ResponseRecorder, body []byte, n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", cap.Code, http.StatusText(cap.Code))
	for k, vs := range cap.Header() {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	b.Write(body[:n])
	return b.Bytes()
}

func hijack(w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return nil
	}
	return conn
}

// resetConn writes raw (if any) and resets the connection.
func resetConn(w http.ResponseWriter, raw []byte) {
	conn := hijack(w)
	if conn == nil {
		return
	}
	if len(raw) > 0 {
		_, _ = conn.Write(raw)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// closeConn writes raw and closes the connection cleanly, so the client sees an early EOF.
func closeConn(w http.ResponseWriter, raw []byte) {
	conn := hijack(w)
	if conn == nil {
		return
	}
	_, _ = conn.Write(raw)
	_ = conn.Close()
}

// sleep waits d on a Go timer and reports true, or false when ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusWriter remembers the status of the real handler's answer and reports it through
// onHeader before the header is written, which it holds back until the time until (or
// the end of ctx).
type statusWriter struct {
	http.ResponseWriter
	code     int
	onHeader func(int)
	until    time.Time
	ctx      context.Context
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
		sleep(s.ctx, time.Until(s.until))
		s.onHeader(code)
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Flush passes flushes through the wrapper.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// RetryAfterDate formats t as an HTTP-date for a Retry-After header.
func RetryAfterDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }
