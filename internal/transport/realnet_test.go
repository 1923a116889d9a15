package transport

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Real connections on 127.0.0.1: resets, refused connections, truncated bodies and TLS
// failures, as net/http reports them. The waits between attempts are kept tiny; nothing
// here depends on how long anything takes.
func TestRealConnectionFailures(t *testing.T) {
	t.Parallel()

	newLoopbackClient := func(t *testing.T, srvURL string) *Client {
		t.Helper()
		tr := &http.Transport{DisableKeepAlives: true}
		t.Cleanup(tr.CloseIdleConnections)
		c, err := New(Config{
			Provider:   "test",
			BaseURL:    srvURL,
			HTTPClient: &http.Client{Transport: tr},
			MinWait:    time.Millisecond,
			MaxWait:    time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("reset then success", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= 2 {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				_ = conn.(*net.TCPConn).SetLinger(0) // close with RST
				conn.Close()
				return
			}
			fmt.Fprint(w, `{"n":3}`)
		}))
		defer srv.Close()
		c := newLoopbackClient(t, srv.URL)
		var got struct{ N int }
		if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, &got); err != nil {
			t.Fatalf("DoJSON: %v", err)
		}
		if got.N != 3 || n.Load() != 3 {
			t.Errorf("got %+v after %d requests, want n=3 after 3", got, n.Load())
		}
	})

	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c := newLoopbackClient(t, "http://"+addr)
		_, err = c.Do(t.Context(), &Request{Path: "/x", Query: map[string][]string{"limit": {"100"}}})
		if !errors.Is(err, syscall.ECONNREFUSED) || !errors.Is(err, unified.ErrUnavailable) {
			t.Fatalf("err = %v, want ECONNREFUSED matching ErrUnavailable", err)
		}
		if want := fmt.Sprintf("test: GET /x: connection refused (after %d attempts)", DefaultMaxAttempts); err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
	})

	t.Run("truncated body retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				writeRaw(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"items\":[1,2,")
				conn.Close()
				return
			}
			fmt.Fprint(w, `{"items":[7]}`)
		}))
		defer srv.Close()
		c := newLoopbackClient(t, srv.URL)
		got := struct{ Items []int }{}
		if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, &got); err != nil {
			t.Fatalf("DoJSON: %v", err)
		}
		if diff := cmp.Diff([]int{7}, got.Items); diff != "" || n.Load() != 2 {
			t.Errorf("after %d requests, items mismatch (-want +got):\n%s", n.Load(), diff)
		}
	})

	t.Run("truncated body on Do", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			writeRaw(buf, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
			conn.Close()
		}))
		defer srv.Close()
		c := newLoopbackClient(t, srv.URL)
		_, err := c.Do(t.Context(), &Request{Path: "/x"})
		want := fmt.Sprintf("test: GET /x: response body cut short: unexpected EOF (after %d attempts)", DefaultMaxAttempts)
		if err == nil || err.Error() != want || !errors.Is(err, unified.ErrUnavailable) {
			t.Errorf("err = %v, want %q matching ErrUnavailable", err, want)
		}
		if n.Load() != DefaultMaxAttempts {
			t.Errorf("requests = %d, want %d", n.Load(), DefaultMaxAttempts)
		}
	})

	t.Run("TLS verification failure not retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
		srv.Config.ErrorLog = discardLogger()
		defer srv.Close()
		base := &http.Transport{DisableKeepAlives: true}
		var attempts atomic.Int64
		c, err := New(Config{
			Provider: "test",
			BaseURL:  srv.URL,
			HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				attempts.Add(1)
				return base.RoundTrip(r)
			})},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(t.Context(), &Request{Path: "/x"})
		var unknown x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		if !errors.As(err, &unknown) && !errors.As(err, &verify) {
			t.Fatalf("err = %v, want a certificate verification error", err)
		}
		if !strings.HasPrefix(err.Error(), "test: GET /x: tls: failed to verify certificate") {
			t.Errorf("err = %q", err)
		}
		if attempts.Load() != 1 || n.Load() != 0 {
			t.Errorf("attempts = %d, handler calls = %d; want 1 and 0", attempts.Load(), n.Load())
		}
	})
}

func writeRaw(buf *bufio.ReadWriter, s string) {
	_, _ = buf.WriteString(s)
	_ = buf.Flush()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
