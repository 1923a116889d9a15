package fakeserver

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Base is what the fake API servers have in common, for them to embed: a loopback
// httptest server wrapped by a [Middleware], its request log and fault queue, and a
// String that shows the URL only, so that printing a server never reveals its
// credentials. Start it with [Start]. The zero value is an unstarted server; after Start
// every method is safe for concurrent use with the others and with the requests it
// serves.
type Base struct {
	name      string
	url       string
	srv       *httptest.Server
	closeOnce sync.Once
	rec       Recorder
	faults    Faults
	handler   http.Handler
}

// Options configures [Start].
type Options struct {
	// Name is the server's type as String shows it ("personiotest.Server").
	Name string
	// TLS serves HTTPS with httptest's self-signed certificate, which [Base.Client]
	// trusts.
	TLS bool
	// Latency, Now and Limiters are those of the [Middleware].
	Latency  func() time.Duration
	Now      func() time.Time
	Limiters []*Limiter
}

// Start serves h on a loopback address, wrapped by a [Middleware] that records requests
// in b's log, applies b's faults and has the latency, clock and rate limits of o. It
// returns the server's base URL ("http://127.0.0.1:port", "https://..." with TLS). Start
// b once, before sharing it; a second call does nothing and returns the same URL.
func Start(b *Base, h http.Handler, o Options) string {
	if b.srv != nil {
		return b.url
	}
	mw := &Middleware{Recorder: &b.rec, Faults: &b.faults, Latency: o.Latency, Now: o.Now, Limiters: o.Limiters}
	b.name = o.Name
	b.handler = mw.Wrap(h)
	b.srv = httptest.NewUnstartedServer(b.handler)
	if o.TLS {
		b.srv.StartTLS()
	} else {
		b.srv.Start()
	}
	b.url = b.srv.URL
	// Keep as many idle connections as a client runs requests at once, so that parallel
	// requests do not open a connection each (net/http keeps 2 per host by default).
	if t, ok := b.srv.Client().Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = IdleConnsPerHost
	}
	return b.url
}

// IdleConnsPerHost is how many idle connections the client of Client keeps.
const IdleConnsPerHost = 64

// Close shuts the server down and waits for the requests in flight. It may be called
// more than once.
func (b *Base) Close() {
	b.closeOnce.Do(func() {
		if b.srv != nil {
			b.srv.Close()
		}
	})
}

// Client returns an HTTP client configured for the server; it trusts the certificate of
// a TLS server.
func (b *Base) Client() *http.Client {
	if b.srv == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	return b.srv.Client()
}

// Handler returns what the server serves at its URL: the fake API wrapped by its request
// log, faults, rate limits and latency. Calling it in memory (with
// httptest.NewRecorder, or from an http.RoundTripper) runs the fake without a socket, for
// example inside a testing/synctest bubble, where the latency and the rate limits then
// follow the bubble's virtual clock. Faults that act on the connection (ResetAfter,
// TruncateAfter, ResetBeforeHeaders) need the real listener. Nil before Start.
func (b *Base) Handler() http.Handler { return b.handler }

// InMemoryClient returns an HTTP client that calls Handler in memory, without a socket:
// give it to a client under test inside a testing/synctest bubble (Config.HTTPClient),
// and every wait of the client and of the fake (backoff, Retry-After, latency, rate
// limits) passes on the bubble's clock. A request whose context ends while the fake
// serves it fails with the context's error. Faults that act on the connection need Client.
func (b *Base) InMemoryClient() *http.Client { return &http.Client{Transport: inMemory{b.handler}} }

// inMemory is an http.RoundTripper that serves requests with a handler.
type inMemory struct{ h http.Handler }

func (t inMemory) RoundTrip(req *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, req)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

// Requests returns the requests the server received, oldest first.
func (b *Base) Requests() []Request { return b.rec.Requests() }

// Count returns how many requests had the given method ("" for any) and path (a
// trailing "*" matches by prefix).
func (b *Base) Count(method, path string) int { return b.rec.Count(method, path) }

// RateLimited returns how many requests the server's rate limits answered with 429
// (injected faults not included), since the start or the last ResetRequests.
func (b *Base) RateLimited() int { return b.rec.RateLimited() }

// ResetRequests forgets the recorded requests.
func (b *Base) ResetRequests() { b.rec.Reset() }

// Inject queues a fault. Faults are consulted in the order they were injected; the first
// that matches a request applies to it (see [Fault] for Skip and Times). Faults act
// before the server's own authentication and rate limits, so a Fault{Status: 401}
// models an expired credential.
func (b *Base) Inject(f Fault) { b.faults.Add(f) }

// ClearFaults removes every injected fault.
func (b *Base) ClearFaults() { b.faults.Clear() }

// PendingFaults returns how many injected faults have applications left.
func (b *Base) PendingFaults() int { return b.faults.Pending() }

// String describes the server by its type and URL only: "personiotest.Server{URL:
// http://127.0.0.1:41234}". Credentials are never part of it.
func (b *Base) String() string { return b.name + "{URL: " + b.url + "}" }

// GoString is String, so that %#v cannot print credentials either.
func (b *Base) GoString() string { return b.String() }
