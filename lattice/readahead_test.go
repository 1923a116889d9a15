package lattice

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/transport"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// closeRecorder records whether a body was closed.
type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestReadAheadTransport(t *testing.T) {
	t.Parallel()
	page := `{"object":"list","data":[{"id":"u1","name":"Ada"}],"hasMore":true,"endingCursor":"c1"}`
	errCut := errors.New("connection reset")
	long := bytes.Repeat([]byte(" "), maxReadAhead+10)
	tests := []struct {
		name     string
		status   int
		length   int64 // Content-Length; 0 means -1
		body     func() io.Reader
		hook     bool
		wantBody string
		wantErr  error
		wantHead *listHead
		wrapped  bool
	}{
		{"a page", 200, 0, func() io.Reader { return strings.NewReader(page) }, true, page, nil, &listHead{more: true, cursor: "c1"}, true},
		{"a page with its length", 200, int64(len(page)), func() io.Reader { return strings.NewReader(page) }, true, page, nil, &listHead{more: true, cursor: "c1"}, true},
		{"a page read a byte at a time", 200, 0, func() io.Reader { return iotest.OneByteReader(strings.NewReader(page)) }, true, page, nil, &listHead{more: true, cursor: "c1"}, true},
		{"a body cut short", 200, 0, func() io.Reader {
			return io.MultiReader(strings.NewReader(page[:40]), iotest.ErrReader(errCut))
		}, true, page[:40], errCut, nil, true},
		{"a body that is not a page", 200, 0, func() io.Reader { return strings.NewReader(`{"hasMore":true} trailing`) }, true, `{"hasMore":true} trailing`, nil, nil, true},
		{"an error answer", 404, 0, func() io.Reader { return strings.NewReader(`{"error":"Not found"}`) }, true, `{"error":"Not found"}`, nil, nil, false},
		{"no hook", 200, 0, func() io.Reader { return strings.NewReader(page) }, false, page, nil, nil, false},
		{"too long to read ahead", 200, maxReadAhead + 1, func() io.Reader { return strings.NewReader(page) }, true, page, nil, nil, false},
		{"longer than the read-ahead", 200, 0, func() io.Reader { return bytes.NewReader(long) }, true, string(long), nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := &closeRecorder{Reader: tt.body()}
			rt := &readAheadTransport{base: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				length := tt.length
				if length == 0 {
					length = -1
				}
				return &http.Response{StatusCode: tt.status, Body: base, ContentLength: length, Request: r}, nil
			})}
			var heads []listHead
			ctx := context.Background()
			if tt.hook {
				ctx = withListHead(ctx, func(h listHead) { heads = append(heads, h) })
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.latticehq.com/v1/users", nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if wrapped := resp.Body != io.ReadCloser(base); wrapped != tt.wrapped {
				t.Errorf("body wrapped: %t, want %t", wrapped, tt.wrapped)
			}
			var got bytes.Buffer
			buf := make([]byte, 7)
			n, err := resp.Body.Read(buf)
			got.Write(buf[:n])
			if tt.wantHead != nil && len(heads) != 1 {
				t.Errorf("after the first read, the hook was called %d times, want once", len(heads))
			}
			if err == nil {
				_, err = got.ReadFrom(resp.Body)
			} else if err == io.EOF {
				err = nil
			}
			if got.String() != tt.wantBody {
				t.Errorf("read %d bytes %.60q, want %d bytes %.60q", got.Len(), got.String(), len(tt.wantBody), tt.wantBody)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("read error %v, want %v", err, tt.wantErr)
			}
			switch {
			case tt.wantHead == nil && len(heads) > 0:
				t.Errorf("hook called with %+v", heads)
			case tt.wantHead != nil && (len(heads) != 1 || heads[0] != *tt.wantHead):
				t.Errorf("hook called with %+v, want %+v once", heads, *tt.wantHead)
			}
			if err := resp.Body.Close(); err != nil || !base.closed {
				t.Errorf("Close: %v, closed %t", err, base.closed)
			}
		})
	}
}

type idleCloser struct {
	http.RoundTripper
	closed bool
}

func (c *idleCloser) CloseIdleConnections() { c.closed = true }

func TestReadAheadClient(t *testing.T) {
	t.Parallel()
	c := readAheadClient(nil)
	rt, ok := c.Transport.(*readAheadTransport)
	if !ok || c.Timeout != transport.DefaultTimeout || rt.base == http.DefaultTransport {
		t.Errorf("default client: timeout %s, transport %T (base is the shared default: %t)", c.Timeout, c.Transport, ok && rt.base == http.DefaultTransport)
	}

	base := &idleCloser{RoundTripper: http.DefaultTransport}
	redirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	orig := &http.Client{Timeout: time.Second, Transport: base, CheckRedirect: redirect}
	c = readAheadClient(orig)
	if orig.Transport != base {
		t.Error("the configured client was modified")
	}
	rt, ok = c.Transport.(*readAheadTransport)
	if !ok || rt.base != base || c.Timeout != time.Second || c.CheckRedirect == nil {
		t.Errorf("client %+v does not wrap the configured one", c)
	}
	rt.CloseIdleConnections()
	if !base.closed {
		t.Error("CloseIdleConnections was not passed on")
	}
	if c := readAheadClient(&http.Client{}); c.Transport.(*readAheadTransport).base != http.DefaultTransport {
		t.Error("a client without a transport does not use http.DefaultTransport")
	}
}
