package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestRetryCountsPerStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		idempotent  bool
		maxAttempts int
		status      int
		wantCalls   int
		wantErr     error // sentinel; nil means success
	}{
		{name: "200 once", method: "GET", status: 200, wantCalls: 1},
		{name: "429 exhausted", method: "GET", status: 429, wantCalls: 4, wantErr: unified.ErrRateLimited},
		{name: "502 exhausted", method: "GET", status: 502, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "503 exhausted", method: "GET", status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "504 exhausted", method: "GET", status: 504, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "500 not retried", method: "GET", status: 500, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "501 not retried", method: "GET", status: 501, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "400 not retried", method: "GET", status: 400, wantCalls: 1, wantErr: unified.ErrInvalidRequest},
		{name: "403 not retried", method: "GET", status: 403, wantCalls: 1, wantErr: unified.ErrForbidden},
		{name: "404 not retried", method: "GET", status: 404, wantCalls: 1, wantErr: unified.ErrNotFound},
		{name: "HEAD 503", method: "HEAD", status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "PUT 503", method: "PUT", status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "DELETE 504", method: "DELETE", status: 504, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "POST 503 not retried", method: "POST", status: 503, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "POST 429 not retried", method: "POST", status: 429, wantCalls: 1, wantErr: unified.ErrRateLimited},
		{name: "PATCH 502 not retried", method: "PATCH", status: 502, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "idempotent POST 503", method: "POST", idempotent: true, status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "MaxAttempts 1", method: "GET", maxAttempts: 1, status: 503, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "MaxAttempts 2", method: "GET", maxAttempts: 2, status: 429, wantCalls: 2, wantErr: unified.ErrRateLimited},
		{name: "MaxAttempts 6", method: "GET", maxAttempts: 6, status: 502, wantCalls: 6, wantErr: unified.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt, w := newMockClient(t, Config{MaxAttempts: tt.maxAttempts})
			mt.RegisterResponder(tt.method, testBase+"/v1/items", respond(tt.status, `{}`))

			resp, err := c.Do(t.Context(), &Request{Method: tt.method, Path: "/v1/items", Idempotent: tt.idempotent})
			if got := callCount(mt); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if got := len(w.get()); got != tt.wantCalls-1 {
				t.Errorf("backoff waits = %d, want %d", got, tt.wantCalls-1)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				resp.Body.Close()
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Do error = %v, want errors.Is %v", err, tt.wantErr)
			}
			var apiErr *unified.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("Do error %T is not *unified.APIError", err)
			}
			want := unified.APIError{Provider: "test", Method: tt.method, URL: testBase + "/v1/items", StatusCode: tt.status, Attempts: tt.wantCalls}
			got := *apiErr
			got.Body = nil
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("APIError mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{})
	mt.RegisterResponder("GET", testBase+"/v1/items", sequence(
		respond(503, `{}`), respond(502, "<html>bad gateway</html>", "Content-Type", "text/html"), respond(200, `{"ok":true}`)))

	var got struct{ OK bool }
	if _, err := c.DoJSON(t.Context(), &Request{Path: "/v1/items"}, &got); err != nil {
		t.Fatalf("DoJSON: %v", err)
	}
	if !got.OK || callCount(mt) != 3 {
		t.Errorf("got %+v after %d calls, want ok after 3", got, callCount(mt))
	}
}

func TestBackoffIsJitteredExponential(t *testing.T) {
	t.Parallel()
	c, _, _ := newMockClient(t, Config{MinWait: 100 * time.Millisecond, MaxWait: 3 * time.Second})
	for n := range 8 {
		base := min(100*time.Millisecond<<n, 3*time.Second)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := c.backoff(n)
			if d < base/2 || d > base {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", n, d, base/2, base)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("backoff(%d) took only %d distinct values in 200 draws; want jitter", n, len(seen))
		}
	}
	if d := c.backoff(200); d < 1500*time.Millisecond || d > 3*time.Second {
		t.Errorf("backoff(200) = %s, want capped within [1.5s, 3s]", d)
	}
}

func TestRetryWaitsFollowBackoff(t *testing.T) {
	t.Parallel()
	c, mt, w := newMockClient(t, Config{MinWait: time.Second, MaxWait: 3 * time.Second, MaxAttempts: 5})
	mt.RegisterResponder("GET", testBase+"/x", respond(503, ""))
	_, err := c.Do(t.Context(), &Request{Path: "/x"})
	if !errors.Is(err, unified.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	bounds := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}
	got := w.get()
	if len(got) != len(bounds) {
		t.Fatalf("waits = %v, want %d of them", got, len(bounds))
	}
	for i, d := range got {
		if d < bounds[i]/2 || d > bounds[i] {
			t.Errorf("wait %d = %s, want within [%s, %s]", i, d, bounds[i]/2, bounds[i])
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		retryAfter func(now time.Time) string
		want       time.Duration
	}{
		{"429 seconds", 429, func(time.Time) string { return "2" }, 2 * time.Second},
		{"503 seconds", 503, func(time.Time) string { return "7" }, 7 * time.Second},
		{"429 HTTP-date", 429, func(now time.Time) string { return now.Add(3 * time.Second).Format(http.TimeFormat) }, 3 * time.Second},
		{"503 HTTP-date", 503, func(now time.Time) string { return now.Add(90 * time.Second).Format(http.TimeFormat) }, 90 * time.Second},
		{"502 seconds", 502, func(time.Time) string { return "4" }, 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			w := &waits{clock: clock}
			c, mt, _ := newMockClient(t, Config{WaitHook: w.hook})
			c.now = clock.Now
			mt.RegisterResponder("GET", testBase+"/x", sequence(
				func(req *http.Request) (*http.Response, error) {
					return newResponse(req, tt.status, "", "Retry-After", tt.retryAfter(clock.Now())), nil
				},
				respond(200, `{}`)))

			start := time.Now()
			if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, nil); err != nil {
				t.Fatalf("DoJSON: %v", err)
			}
			if diff := cmp.Diff([]time.Duration{tt.want}, w.get()); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("took %s; the hook should have made the wait nearly free", elapsed)
			}
		})
	}
}

func TestRetryAfterAboveMaxFailsAtOnce(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	c, mt, w := newMockClient(t, Config{MaxRetryAfter: time.Minute})
	c.now = clock.Now
	mt.RegisterResponder("GET", testBase+"/x", respond(429, `{"error":"slow down"}`, "Retry-After", "600"))

	_, err := c.Do(t.Context(), &Request{Path: "/x"})
	var apiErr *unified.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, unified.ErrRateLimited) {
		t.Fatalf("err = %v, want *APIError matching ErrRateLimited", err)
	}
	if apiErr.RetryAfter != 10*time.Minute || apiErr.Attempts != 1 || apiErr.Message != "slow down" {
		t.Errorf("RetryAfter = %s, Attempts = %d, Message = %q; want 10m0s, 1, \"slow down\"", apiErr.RetryAfter, apiErr.Attempts, apiErr.Message)
	}
	if callCount(mt) != 1 || len(w.get()) != 0 {
		t.Errorf("calls = %d, waits = %v; want 1 call and no wait", callCount(mt), w.get())
	}
	// A refused Retry-After does not pause the client either.
	mt.RegisterResponder("GET", testBase+"/y", respond(200, `{}`))
	if _, err := c.DoJSON(t.Context(), &Request{Path: "/y"}, nil); err != nil || len(w.get()) != 0 {
		t.Errorf("next request: err = %v, waits = %v; want no error and no wait", err, w.get())
	}
}

func TestRetryAfterPausesWholeClient(t *testing.T) {
	t.Parallel()
	clock := newFakeClock() // not advanced by the waits: the pause stays in force
	c, mt, w := newMockClient(t, Config{MaxAttempts: 1})
	c.now = clock.Now
	mt.RegisterResponder("GET", testBase+"/limited", respond(429, "", "Retry-After", "5"))
	mt.RegisterResponder("GET", testBase+"/other", respond(200, `{}`))

	if _, err := c.Do(t.Context(), &Request{Path: "/limited"}); !errors.Is(err, unified.ErrRateLimited) {
		t.Fatalf("err = %v, want ErrRateLimited", err)
	}
	if len(w.get()) != 0 {
		t.Fatalf("waits before the second request = %v, want none", w.get())
	}
	// Another request, to another path, holds off for the pause too.
	if _, err := c.DoJSON(t.Context(), &Request{Path: "/other"}, nil); err != nil {
		t.Fatalf("DoJSON: %v", err)
	}
	if diff := cmp.Diff([]time.Duration{5 * time.Second}, w.get()); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
}

func TestRetryAfterPauseConcurrent(t *testing.T) {
	t.Parallel()
	// Real time: the first request meets a 429 with Retry-After: 1; a second request,
	// started while the first is paused, must not reach the server before the pause ends.
	var firstAt, secondAt atomic.Int64
	var calls atomic.Int64
	c, mt, _ := newMockClient(t, Config{WaitHook: func(d time.Duration) time.Duration { return d }})
	paused := make(chan struct{})
	mt.RegisterResponder("GET", testBase+"/a", func(req *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			firstAt.Store(time.Now().UnixNano())
			defer close(paused)
			return newResponse(req, 429, "", "Retry-After", "1"), nil
		}
		return newResponse(req, 200, `{}`), nil
	})
	mt.RegisterResponder("GET", testBase+"/b", func(req *http.Request) (*http.Response, error) {
		secondAt.Store(time.Now().UnixNano())
		return newResponse(req, 200, `{}`), nil
	})
	errs := make(chan error, 2)
	go func() { _, err := c.DoJSON(t.Context(), &Request{Path: "/a"}, nil); errs <- err }()
	<-paused
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		c.mu.Lock()
		set := !c.pauseUntil.IsZero()
		c.mu.Unlock()
		if set {
			break // the client has processed the 429
		}
		if time.Now().After(deadline) {
			t.Fatal("the 429 never paused the client")
		}
	}
	go func() { _, err := c.DoJSON(t.Context(), &Request{Path: "/b"}, nil); errs <- err }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("DoJSON: %v", err)
		}
	}
	if gap := time.Duration(secondAt.Load() - firstAt.Load()); gap < 900*time.Millisecond {
		t.Errorf("second request reached the server %s after the 429, want ≥ ~1s", gap)
	}
}

func TestConnectionErrorsRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		wantCalls int
	}{
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, 3},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, 3},
		{"EOF", io.EOF, 3},
		{"unexpected EOF", io.ErrUnexpectedEOF, 3},
		{"attempt timeout", &attemptTimeoutError{timeout: time.Second}, 3},
		{"net timeout", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, 3},
		{"unknown authority", x509.UnknownAuthorityError{}, 1},
		{"hostname mismatch", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "api.example.com"}, 1},
		{"context canceled by transport", context.Canceled, 1},
		{"unclassified", errors.New("something odd"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt, _ := newMockClient(t, Config{})
			mt.RegisterResponder("GET", testBase+"/x", sequence(
				httpmock.NewErrorResponder(tt.err), httpmock.NewErrorResponder(tt.err), respond(200, `{}`)))
			_, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, nil)
			if got := callCount(mt); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if tt.wantCalls == 3 && err != nil {
				t.Errorf("DoJSON: %v, want success after retries", err)
			}
			if tt.wantCalls == 1 && !errors.Is(err, tt.err) {
				var ua x509.UnknownAuthorityError
				var hn x509.HostnameError
				if !errors.As(err, &ua) && !errors.As(err, &hn) {
					t.Errorf("err = %v, want it to wrap %v", err, tt.err)
				}
			}
		})
	}
}

func TestConnectionErrorsExhausted(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{MaxAttempts: 3})
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	mt.RegisterResponder("GET", testBase+"/x", httpmock.NewErrorResponder(reset))
	_, err := c.Do(t.Context(), &Request{Path: "/x"})
	if !errors.Is(err, syscall.ECONNRESET) || !errors.Is(err, unified.ErrUnavailable) {
		t.Fatalf("err = %v, want it to wrap ECONNRESET and match ErrUnavailable", err)
	}
	want := "test: GET " + testBase + "/x: read tcp: read: connection reset by peer (after 3 attempts)"
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	if callCount(mt) != 3 {
		t.Errorf("calls = %d, want 3", callCount(mt))
	}
}

func TestNonIdempotentConnectionErrorNotRetried(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{})
	mt.RegisterResponder("POST", testBase+"/x", httpmock.NewErrorResponder(io.ErrUnexpectedEOF))
	_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/x", Body: []byte(`{}`)})
	if !errors.Is(err, io.ErrUnexpectedEOF) || callCount(mt) != 1 {
		t.Errorf("err = %v after %d calls, want unexpected EOF after 1", err, callCount(mt))
	}
	if errors.Is(err, unified.ErrUnavailable) {
		t.Errorf("err = %v matches ErrUnavailable; a POST cut short may have been processed", err)
	}
}

func TestRequestBodyResentOnRetry(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{})
	var bodies []string
	mt.RegisterResponder("PUT", testBase+"/x", func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		bodies = append(bodies, req.Header.Get("Content-Type")+" "+string(b))
		if len(bodies) < 3 {
			return newResponse(req, 503, ""), nil
		}
		return newResponse(req, 200, `{}`), nil
	})
	if _, err := c.DoJSON(t.Context(), &Request{Method: "PUT", Path: "/x", Body: []byte(`{"a":1}`)}, nil); err != nil {
		t.Fatalf("DoJSON: %v", err)
	}
	want := []string{`application/json {"a":1}`, `application/json {"a":1}`, `application/json {"a":1}`}
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("bodies mismatch (-want +got):\n%s", diff)
	}
}

// Real connections on 127.0.0.1: resets, refused connections, truncated bodies and
// per-attempt timeouts.
func TestRealConnectionFailures(t *testing.T) {
	t.Parallel()

	newLoopbackClient := func(t *testing.T, srvURL string, timeout time.Duration) *Client {
		t.Helper()
		tr := &http.Transport{DisableKeepAlives: true}
		t.Cleanup(tr.CloseIdleConnections)
		c, err := New(Config{
			Provider:   "test",
			BaseURL:    srvURL,
			HTTPClient: &http.Client{Transport: tr, Timeout: timeout},
			WaitHook:   func(time.Duration) time.Duration { return 0 },
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
		c := newLoopbackClient(t, srv.URL, 0)
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
		c := newLoopbackClient(t, "http://"+addr, 0)
		_, err = c.Do(t.Context(), &Request{Path: "/x"})
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("err = %v, want ECONNREFUSED", err)
		}
		if want := fmt.Sprintf("(after %d attempts)", DefaultMaxAttempts); !contains(err.Error(), want) {
			t.Errorf("err = %q, want it to mention %q", err, want)
		}
	})

	t.Run("truncated body retried by DoJSON", func(t *testing.T) {
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
		c := newLoopbackClient(t, srv.URL, 0)
		got := struct{ Items []int }{Items: []int{99}}
		if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, &got); err != nil {
			t.Fatalf("DoJSON: %v", err)
		}
		if diff := cmp.Diff([]int{7}, got.Items); diff != "" || n.Load() != 2 {
			t.Errorf("after %d requests, items mismatch (-want +got):\n%s", n.Load(), diff)
		}
	})

	t.Run("truncated body on Do surfaces to the reader", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			writeRaw(buf, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
			conn.Close()
		}))
		defer srv.Close()
		c := newLoopbackClient(t, srv.URL, 0)
		resp, err := c.Do(t.Context(), &Request{Path: "/x"})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer resp.Body.Close()
		if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("reading body: %v, want unexpected EOF", err)
		}
	})

	t.Run("attempt timeout retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return
			}
			fmt.Fprint(w, `{}`)
		}))
		defer srv.Close()
		c := newLoopbackClient(t, srv.URL, 150*time.Millisecond)
		if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, nil); err != nil {
			t.Fatalf("DoJSON: %v", err)
		}
		if n.Load() != 2 {
			t.Errorf("requests = %d, want 2", n.Load())
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

func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{
		MinWait:  10 * time.Second,
		MaxWait:  10 * time.Second,
		WaitHook: func(d time.Duration) time.Duration { return d }, // really sleep
	})
	mt.RegisterResponder("GET", testBase+"/x", respond(503, ""))

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Do(ctx, &Request{Path: "/x"})
	if !errors.Is(err, context.Canceled) || errors.Is(err, unified.ErrUnavailable) {
		t.Fatalf("err = %v, want context.Canceled (and not ErrUnavailable)", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Do returned after %s, want promptly after cancellation", elapsed)
	}
	if callCount(mt) != 1 {
		t.Errorf("calls = %d, want 1", callCount(mt))
	}
}

func TestDeadlineShorterThanBackoff(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{
		MinWait:  10 * time.Second,
		MaxWait:  10 * time.Second,
		WaitHook: func(d time.Duration) time.Duration { return d },
	})
	mt.RegisterResponder("GET", testBase+"/x", respond(503, ""))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, &Request{Path: "/x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Do returned after %s; a wait past the deadline should fail at once", elapsed)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"  3 ", 3 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second, true},
		{"Saturday, 01-Mar-25 12:01:00 GMT", time.Minute, true}, // RFC 850
		{"Sat Mar  1 12:00:05 2025", 5 * time.Second, true},     // ANSI C
		{"Sat, 01 Mar 2025 11:00:00 GMT", 0, true},              // in the past
		{"99999999999999", 365 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
