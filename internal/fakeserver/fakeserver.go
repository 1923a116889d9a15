// Package fakeserver is the machinery the in-process fake API servers (personiotest,
// latticetest) share: request recording, scripted fault injection (status codes, latency,
// truncated bodies, connection resets, invalid JSON), a token-bucket rate limit that
// answers 429 with Retry-After, and [Base], the server lifecycle and test-facing methods
// (Requests, Count, Inject, Close, ...) that each fake embeds.
//
// Everything here is safe for concurrent use by the server's handlers and the test that
// drives it.
package fakeserver

import (
	"bytes"
	"context"
	"fmt"
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
	At    time.Time
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

	// Delay sleeps before answering (ended early if the client goes away).
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

// Limiter answers 429 when a token bucket runs dry.
type Limiter struct {
	// PerMinute and Burst size the bucket.
	PerMinute int
	Burst     int
	// Path restricts the limit ("" = every path; a trailing "*" = prefix).
	Path string
	// RetryAfter, when true, sends Retry-After with the seconds until a token is available
	// (at least 1).
	RetryAfter bool
	// Reject writes the 429 body; nil writes a short JSON error.
	Reject func(w http.ResponseWriter, retryAfter time.Duration)

	once sync.Once
	lim  *rate.Limiter
}

func (l *Limiter) allow(now time.Time) (bool, time.Duration) {
	l.once.Do(func() {
		burst := l.Burst
		if burst <= 0 {
			burst = 1
		}
		l.lim = rate.NewLimiter(rate.Limit(float64(l.PerMinute)/60), burst)
	})
	r := l.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Middleware wraps a fake API handler with recording, faults, rate limits and a fixed
// latency. Any of its fields may be nil or zero.
type Middleware struct {
	Recorder *Recorder
	Faults   *Faults
	// Limiters are checked in order after faults; the first that rejects answers 429.
	Limiters []*Limiter
	// Latency is the response time: the answer (a fault's too) leaves no earlier than
	// Latency after the request arrived, the handler's work included. The wait ends early
	// if the client goes away.
	Latency func() time.Duration
	// Now is the clock (default time.Now).
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
		// The answer leaves no earlier than the latency after the request arrived: the
		// latency is the API's response time, the handler's own work included.
		var until time.Time
		if m.Latency != nil {
			until = time.Now().Add(m.Latency())
		}
		wait := func() bool { return sleep(r.Context(), time.Until(until)) }
		var f *Fault
		if m.Faults != nil {
			f = m.Faults.next(r)
		}
		if f != nil {
			rec.Fault = f.Name
			if rec.Fault == "" {
				rec.Fault = "fault"
			}
			if !wait() || !sleep(r.Context(), f.Delay) {
				return
			}
			if f.ResetBeforeHeaders {
				commit(0)
				resetConn(w, nil)
				return
			}
			if f.Status != 0 {
				for k, v := range f.Header {
					w.Header()[k] = v
				}
				commit(f.Status)
				w.WriteHeader(f.Status)
				_, _ = w.Write([]byte(f.Body))
				return
			}
		}
		for _, l := range m.Limiters {
			if !pathMatch(l.Path, r.URL.Path) {
				continue
			}
			if ok, retry := l.allow(now()); !ok {
				if !wait() {
					return
				}
				if l.RetryAfter {
					w.Header().Set("Retry-After", strconv.Itoa(max(1, int((retry+time.Second-1)/time.Second))))
				}
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

// sleep waits d and reports true, or false when ctx ends first. On Linux it waits on a
// timerfd (timerfdSleep), which ends the wait within about a tenth of a millisecond
// where a Go timer of an idle process can end it a millisecond late: a fake API with a
// 20 ms latency would otherwise add 5 % to every request.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	if ok, handled := timerfdSleep(ctx, d); handled {
		return ok
	}
	return sleepTimer(ctx, d)
}

// sleepTimer is sleep on a Go timer.
func sleepTimer(ctx context.Context, d time.Duration) bool {
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
