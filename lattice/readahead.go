package lattice

import (
	"context"
	"io"
	"net/http"
	"slices"
)

// maxReadAhead bounds the body readAheadTransport reads ahead: far more than a page of
// 100 users, and far less than the transport's cap on response bodies.
const maxReadAhead = 8 << 20

// headKey is the context key of the hook withListHead installs.
type headKey struct{}

// withListHead returns ctx carrying head, which receives the top-level hasMore and
// endingCursor of a 2xx list page requested with that context, as soon as the whole body
// is in and before it is decoded (see readAheadTransport). head is called at most once
// per attempt, and only when scanListHead can tell them, on the goroutine that reads the
// body, which waits for it to return.
func withListHead(ctx context.Context, head func(listHead)) context.Context {
	return context.WithValue(ctx, headKey{}, head)
}

// readAheadTransport is the HTTP transport under the client's own stack (which
// wraps it with retries, rate limiting and authorization). It passes every request to
// base, and changes nothing but this: for a request whose context carries a head hook
// (withListHead) and a 2xx answer, the first read of the body reads all of it (up to
// maxReadAhead), reports the hasMore and endingCursor that scanListHead finds in it to
// the hook, and then hands the same bytes, and the same error if the read failed, to the
// reader.
type readAheadTransport struct{ base http.RoundTripper }

func (t *readAheadTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.ContentLength > maxReadAhead {
		return resp, err
	}
	if head, ok := req.Context().Value(headKey{}).(func(listHead)); ok && head != nil {
		resp.Body = &readAheadBody{rc: resp.Body, head: head, size: resp.ContentLength}
	}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of base, if it can.
func (t *readAheadTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// readAheadBody is a response body whose first Read reads ahead (see
// readAheadTransport).
type readAheadBody struct {
	rc      io.ReadCloser
	head    func(listHead)
	size    int64 // Content-Length, or -1
	started bool
	buf     []byte // read ahead and not handed on yet
	err     error  // the error that ended the read-ahead, returned after buf
}

func (b *readAheadBody) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		b.readAhead()
	}
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		if b.buf = b.buf[n:]; len(b.buf) == 0 {
			b.buf = nil // the reader has its own copy: let the memory go
		}
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.rc.Read(p)
}

func (b *readAheadBody) readAhead() {
	size := 64 << 10
	if b.size >= 0 {
		size = int(b.size) + 1 // room to read the end of the body
	}
	data := make([]byte, 0, size)
	for len(data) < maxReadAhead {
		if len(data) == cap(data) {
			data = slices.Grow(data, len(data)) // doubles the capacity
		}
		n, err := b.rc.Read(data[len(data):min(cap(data), maxReadAhead)])
		data = data[:len(data)+n]
		if err != nil {
			b.buf, b.err = data, err
			if err == io.EOF {
				if h, ok := scanListHead(data); ok {
					b.head(h)
				}
			}
			return
		}
	}
	b.buf = data // too long to read ahead: the rest is read as it comes
}

func (b *readAheadBody) Close() error { return b.rc.Close() }
