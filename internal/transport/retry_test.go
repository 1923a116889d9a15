package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/unified"
)

// failure is one way an attempt can fail, and what the call's error says when it is the
// last one.
type failure struct {
	respond  httpmock.Responder
	status   int    // the APIError's status; 0 for a failure without an answer
	cause    string // the text after "test: GET /v1/items: ", before the attempts
	sentinel error
	wraps    error // for failures without an answer: a cause the error wraps
}

var failures = map[string]failure{
	"refused": {respond: httpmock.NewErrorResponder(connRefused), cause: "connection refused",
		sentinel: unified.ErrUnavailable, wraps: syscall.ECONNREFUSED},
	"reset": {respond: httpmock.NewErrorResponder(connReset), cause: "connection reset by peer",
		sentinel: unified.ErrUnavailable, wraps: syscall.ECONNRESET},
	"429": {respond: respond(429, `{"error":"Too many requests"}`), status: 429,
		cause: "429 Too Many Requests: Too many requests", sentinel: unified.ErrRateLimited},
	"429 Retry-After": {respond: respond(429, "", "Retry-After", "3"), status: 429,
		cause: "429 Too Many Requests", sentinel: unified.ErrRateLimited},
	"502": {respond: respond(502, "<html><h1>502 Bad Gateway</h1></html>", "Content-Type", "text/html"), status: 502,
		cause: "502 Bad Gateway", sentinel: unified.ErrUnavailable},
	"503": {respond: respond(503, ""), status: 503, cause: "503 Service Unavailable", sentinel: unified.ErrUnavailable},
	"504": {respond: respond(504, "upstream timed out", "Content-Type", "text/plain"), status: 504,
		cause: "504 Gateway Timeout: upstream timed out", sentinel: unified.ErrUnavailable},
	"cut body": {respond: cutBody(`{"items":[1,2,`), cause: "response body cut short: unexpected EOF",
		sentinel: unified.ErrUnavailable, wraps: io.ErrUnexpectedEOF},
	"invalid JSON": {respond: respond(200, `{"items":[1,2,`), cause: "response body is not JSON: unexpected end of JSON input",
		sentinel: unified.ErrUnavailable},
	"HTML": {respond: respond(200, "<html><body>Proxy error</body></html>", "Content-Type", "text/html; charset=utf-8"),
		cause: "response body is not JSON (text/html): invalid character '<' looking for beginning of value", sentinel: unified.ErrUnavailable},
}

// TestRetryBudget checks that a call sends exactly MaxAttempts requests whatever fails,
// alone or mixed, and then says how many it sent; and that an answer on the last attempt
// is a success.
func TestRetryBudget(t *testing.T) {
	t.Parallel()
	rows := [][]string{
		{"refused"}, {"reset"}, {"429"}, {"429 Retry-After"}, {"502"}, {"503"}, {"504"},
		{"cut body"}, {"invalid JSON"}, {"HTML"},
		{"502", "cut body"},
		{"refused", "429", "HTML", "503"},
		{"reset", "504", "invalid JSON", "429 Retry-After"},
	}
	for _, kinds := range rows {
		for _, maxAttempts := range []int{1, 2, 4} {
			for _, succeedLast := range []bool{false, true} {
				name := fmt.Sprintf("%s/MaxAttempts %d", strings.Join(kinds, ", "), maxAttempts)
				if succeedLast {
					name += "/success on the last attempt"
				}
				t.Run(name, func(t *testing.T) {
					inBubble(t, func(t *testing.T) {
						testRetryBudget(t, kinds, maxAttempts, succeedLast)
					})
				})
			}
		}
	}
}

func testRetryBudget(t *testing.T, kinds []string, maxAttempts int, succeedLast bool) {
	c, mt, counter := newMockClient(t, Config{MaxAttempts: maxAttempts})
	var rs []httpmock.Responder
	for i := range maxAttempts {
		rs = append(rs, failures[kinds[i%len(kinds)]].respond)
	}
	if succeedLast {
		rs[maxAttempts-1] = respond(200, `{"items":[7]}`)
	}
	rs = append(rs, respond(200, `{"items":[8]}`)) // a request beyond the budget would succeed
	mt.RegisterResponder("GET", testBase+"/v1/items", sequence(rs...))

	var v struct{ Items []int }
	_, err := c.DoJSON(t.Context(), &Request{Path: "/v1/items", Query: map[string][]string{"attributes[]": {"a", "b"}}}, &v)
	if got := callCount(mt); got != maxAttempts {
		t.Errorf("requests = %d, want MaxAttempts = %d", got, maxAttempts)
	}
	if n := counter.opened.Load(); n != counter.closed.Load() {
		t.Errorf("bodies: %d opened, %d closed", n, counter.closed.Load())
	}
	if succeedLast {
		if err != nil || len(v.Items) != 1 || v.Items[0] != 7 {
			t.Fatalf("DoJSON = %v, %+v; want the last attempt's answer", err, v)
		}
		return
	}
	last := failures[kinds[(maxAttempts-1)%len(kinds)]]
	want := "test: GET /v1/items: " + last.cause
	if maxAttempts > 1 {
		var notes []string
		if last.status == 429 && last.cause == "429 Too Many Requests" {
			notes = append(notes, "retry after 3s")
		}
		notes = append(notes, fmt.Sprintf("after %d attempts", maxAttempts))
		want += " (" + strings.Join(notes, ", ") + ")"
	} else if last.status == 429 && last.cause == "429 Too Many Requests" {
		want += " (retry after 3s)"
	}
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant  %s", err, want)
	}
	if len(err.Error()) > 200 {
		t.Errorf("error text is %d characters long", len(err.Error()))
	}
	if !errors.Is(err, last.sentinel) {
		t.Errorf("err = %v, want it to match %v", err, last.sentinel)
	}
	if last.wraps != nil && !errors.Is(err, last.wraps) {
		t.Errorf("err = %v, want it to wrap %v", err, last.wraps)
	}
	var apiErr *unified.APIError
	switch {
	case last.status == 0 && errors.As(err, &apiErr):
		t.Errorf("err is an APIError, want a failure without an answer")
	case last.status != 0 && !errors.As(err, &apiErr):
		t.Errorf("err %T is not an APIError", err)
	case last.status != 0 && (apiErr.StatusCode != last.status || apiErr.Attempts != maxAttempts):
		t.Errorf("APIError status %d, Attempts %d; want %d, %d", apiErr.StatusCode, apiErr.Attempts, last.status, maxAttempts)
	}
}

// TestRetryBudgetDo: Do retries a body cut short within the same budget, and hands any
// complete 2xx body to the caller (it does not ask for JSON).
func TestRetryBudgetDo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		respond   httpmock.Responder
		wantCalls int
		wantBody  string // "" means an error
	}{
		{"cut body", cutBody(`{"a":`), 3, ""},
		{"cut body then success", sequence(cutBody(`{"a":`), respond(200, `{"a":1}`)), 2, `{"a":1}`},
		{"HTML is handed over", respond(200, "<html></html>", "Content-Type", "text/html"), 1, "<html></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				c, mt, _ := newMockClient(t, Config{MaxAttempts: 3})
				mt.RegisterResponder("GET", testBase+"/x", tt.respond)
				resp, err := c.Do(t.Context(), &Request{Path: "/x"})
				if callCount(mt) != tt.wantCalls {
					t.Errorf("requests = %d, want %d", callCount(mt), tt.wantCalls)
				}
				if tt.wantBody == "" {
					if want := "test: GET /x: response body cut short: unexpected EOF (after 3 attempts)"; err == nil || err.Error() != want {
						t.Fatalf("err = %v, want %q", err, want)
					}
					return
				}
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				defer resp.Body.Close()
				if b, err := io.ReadAll(resp.Body); err != nil || string(b) != tt.wantBody || resp.ContentLength != int64(len(tt.wantBody)) {
					t.Errorf("body %q (length %d), %v; want %q", b, resp.ContentLength, err, tt.wantBody)
				}
			})
		})
	}
}

func TestRetriedStatusesAndMethods(t *testing.T) {
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
		{name: "500 not retried", method: "GET", status: 500, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "501 not retried", method: "GET", status: 501, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "400 not retried", method: "GET", status: 400, wantCalls: 1, wantErr: unified.ErrInvalidRequest},
		{name: "403 not retried", method: "GET", status: 403, wantCalls: 1, wantErr: unified.ErrForbidden},
		{name: "404 not retried", method: "GET", status: 404, wantCalls: 1, wantErr: unified.ErrNotFound},
		{name: "304 is not success", method: "GET", status: 304, wantCalls: 1},
		{name: "HEAD 503", method: "HEAD", status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "PUT 503", method: "PUT", status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "DELETE 504", method: "DELETE", status: 504, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "POST 503 not retried", method: "POST", status: 503, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "POST 429 not retried", method: "POST", status: 429, wantCalls: 1, wantErr: unified.ErrRateLimited},
		{name: "PATCH 502 not retried", method: "PATCH", status: 502, wantCalls: 1, wantErr: unified.ErrUnavailable},
		{name: "idempotent POST 503", method: "POST", idempotent: true, status: 503, wantCalls: 4, wantErr: unified.ErrUnavailable},
		{name: "MaxAttempts 6", method: "GET", maxAttempts: 6, status: 502, wantCalls: 6, wantErr: unified.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				c, mt, _ := newMockClient(t, Config{MaxAttempts: tt.maxAttempts})
				mt.RegisterResponder(tt.method, testBase+"/v1/items", respond(tt.status, `{}`))

				resp, err := c.Do(t.Context(), &Request{Method: tt.method, Path: "/v1/items", Idempotent: tt.idempotent})
				if got := callCount(mt); got != tt.wantCalls {
					t.Errorf("calls = %d, want %d", got, tt.wantCalls)
				}
				if tt.status == 200 {
					if err != nil {
						t.Fatalf("Do: %v", err)
					}
					resp.Body.Close()
					return
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
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
		})
	}
}

// TestBackoffInVirtualTime measures the waits between attempts: jittered exponential
// backoff within its bounds, capped at MaxWait, and a Retry-After honoured exactly.
func TestBackoffInVirtualTime(t *testing.T) {
	t.Parallel()
	for run := range 5 {
		t.Run(fmt.Sprint("run ", run), func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				c, mt, _ := newMockClient(t, Config{MinWait: time.Second, MaxWait: 3 * time.Second, MaxAttempts: 6, RateLimit: rate.Inf})
				var clk clock
				mt.RegisterResponder("GET", testBase+"/x", clk.record(respond(503, "")))
				if _, err := c.Do(t.Context(), &Request{Path: "/x"}); !errors.Is(err, unified.ErrUnavailable) {
					t.Fatalf("err = %v, want ErrUnavailable", err)
				}
				bounds := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
				gaps := clk.gaps()
				if len(gaps) != len(bounds) {
					t.Fatalf("gaps = %v, want %d of them", gaps, len(bounds))
				}
				for i, d := range gaps {
					if d < bounds[i]/2 || d > bounds[i] {
						t.Errorf("wait before retry %d = %s, want within [%s, %s]", i+1, d, bounds[i]/2, bounds[i])
					}
				}
			})
		})
	}
}

func TestJitteredBackoff(t *testing.T) {
	t.Parallel()
	for n := range 8 {
		base := min(100*time.Millisecond<<n, 3*time.Second)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := jittered(100*time.Millisecond, 3*time.Second, n)
			if d < base/2 || d > base {
				t.Fatalf("jittered(%d) = %s, want within [%s, %s]", n, d, base/2, base)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("jittered(%d) took only %d distinct values in 200 draws; want jitter", n, len(seen))
		}
	}
	if d := jittered(100*time.Millisecond, 3*time.Second, 200); d < 1500*time.Millisecond || d > 3*time.Second {
		t.Errorf("jittered(200) = %s, want capped within [1.5s, 3s]", d)
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
		{"429 without Retry-After waits RateLimitPause", 429, func(time.Time) string { return "" }, RateLimitPause},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				c, mt, _ := newMockClient(t, Config{MinWait: time.Millisecond, MaxWait: time.Millisecond})
				var clk clock
				mt.RegisterResponder("GET", testBase+"/x", clk.record(sequence(
					func(req *http.Request) (*http.Response, error) {
						return newResponse(req, tt.status, "", "Retry-After", tt.retryAfter(time.Now())), nil
					},
					respond(200, `{}`))))
				get(t, c, "/x")
				if diff := cmp.Diff([]time.Duration{tt.want}, clk.gaps()); diff != "" {
					t.Errorf("wait mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestRetryAfterAboveMaxFailsAtOnce(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{MaxRetryAfter: time.Minute})
		mt.RegisterResponder("GET", testBase+"/x", respond(429, `{"error":"slow down"}`, "Retry-After", "600"))

		start := time.Now()
		_, err := c.Do(t.Context(), &Request{Path: "/x"})
		var apiErr *unified.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, unified.ErrRateLimited) {
			t.Fatalf("err = %v, want *APIError matching ErrRateLimited", err)
		}
		if apiErr.RetryAfter != 10*time.Minute || apiErr.Attempts != 1 || apiErr.Message != "slow down" {
			t.Errorf("RetryAfter = %s, Attempts = %d, Message = %q; want 10m0s, 1, \"slow down\"", apiErr.RetryAfter, apiErr.Attempts, apiErr.Message)
		}
		if want := "test: GET /x: 429 Too Many Requests: slow down (retry after 10m0s)"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
		if callCount(mt) != 1 || time.Since(start) != 0 {
			t.Errorf("calls = %d after %s; want 1 call and no wait", callCount(mt), time.Since(start))
		}
		// A Retry-After the client does not honour does not pause it either.
		mt.RegisterResponder("GET", testBase+"/y", respond(200, `{}`))
		get(t, c, "/y")
		if time.Since(start) != 0 {
			t.Errorf("the next request waited %s, want no wait", time.Since(start))
		}
	})
}

func TestConnectionErrorsClassified(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		wantCalls int
	}{
		{"reset", connReset, 3},
		{"refused", connRefused, 3},
		{"EOF", io.EOF, 3},
		{"unexpected EOF", io.ErrUnexpectedEOF, 3},
		{"attempt timeout", &attemptTimeoutError{timeout: time.Second}, 3},
		{"net timeout", connTimeout, 3},
		{"unknown authority", x509UnknownAuthority, 1},
		{"context canceled by transport", context.Canceled, 1},
		{"unclassified", errors.New("something odd"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
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
					t.Errorf("err = %v, want it to wrap %v", err, tt.err)
				}
			})
		})
	}
}

func TestNonIdempotentConnectionErrorNotRetried(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{})
		mt.RegisterResponder("POST", testBase+"/x", httpmock.NewErrorResponder(io.ErrUnexpectedEOF))
		_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/x", Body: []byte(`{}`)})
		if !errors.Is(err, io.ErrUnexpectedEOF) || callCount(mt) != 1 {
			t.Errorf("err = %v after %d calls, want unexpected EOF after 1", err, callCount(mt))
		}
		if errors.Is(err, unified.ErrUnavailable) {
			t.Errorf("err = %v matches ErrUnavailable; a POST cut short may have been processed", err)
		}
	})
}

func TestRequestBodyResentOnRetry(t *testing.T) {
	inBubble(t, func(t *testing.T) {
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
	})
}

// TestAttemptTimeout: the HTTP client's Timeout bounds each request, waiting for the
// answer and reading its body, and a request that runs out of it is retried.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	hang := func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	hangBody := func(req *http.Request) (*http.Response, error) {
		resp := newResponse(req, 200, "")
		resp.Body = io.NopCloser(ctxReader{req.Context()})
		resp.ContentLength = -1
		return resp, nil
	}
	tests := []struct {
		name    string
		respond httpmock.Responder
	}{{"no answer", hang}, {"body never ends", hangBody}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				mt := httpmock.NewMockTransport()
				c, err := New(Config{Provider: "test", BaseURL: testBase, HTTPClient: &http.Client{Transport: mt, Timeout: 10 * time.Second},
					MinWait: time.Second, MaxWait: time.Second, MaxAttempts: 3})
				if err != nil {
					t.Fatal(err)
				}
				var clk clock
				mt.RegisterResponder("GET", testBase+"/ok", clk.record(sequence(tt.respond, respond(200, `{"a":1}`))))
				mt.RegisterResponder("GET", testBase+"/never", tt.respond)

				start := time.Now()
				var v struct{ A int }
				if _, err := c.DoJSON(t.Context(), &Request{Path: "/ok"}, &v); err != nil || v.A != 1 {
					t.Fatalf("DoJSON = %v, %+v; want the second attempt's answer", err, v)
				}
				if got := clk.since(start); len(got) != 2 || got[1] < 10*time.Second+500*time.Millisecond || got[1] > 11*time.Second {
					t.Errorf("requests at %v; want the second after the 10s timeout and the backoff", got)
				}
				_, err = c.DoJSON(t.Context(), &Request{Path: "/never"}, &v)
				want := "test: GET /never: no answer within 10s (the HTTP client's Timeout) (after 3 attempts)"
				if err == nil || err.Error() != want {
					t.Fatalf("err = %v, want %q", err, want)
				}
				if !errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, unified.ErrUnavailable) {
					t.Errorf("err = %v, want os.ErrDeadlineExceeded and ErrUnavailable, not context.DeadlineExceeded", err)
				}
			})
		})
	}
}

// ctxReader blocks until its context ends.
type ctxReader struct{ ctx context.Context }

func (r ctxReader) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

func TestCancelDuringBackoff(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{MinWait: 10 * time.Second, MaxWait: 10 * time.Second})
		mt.RegisterResponder("GET", testBase+"/x", respond(503, ""))

		ctx, cancel := context.WithCancel(t.Context())
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err = c.Do(ctx, &Request{Path: "/x"})
		}()
		synctest.Wait() // the call waits for its first retry
		start := time.Now()
		cancel()
		<-done
		if !errors.Is(err, context.Canceled) || errors.Is(err, unified.ErrUnavailable) {
			t.Fatalf("err = %v, want context.Canceled (and not ErrUnavailable)", err)
		}
		if want := "test: GET /x: context canceled"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
		if time.Since(start) != 0 || callCount(mt) != 1 {
			t.Errorf("returned %s after the cancellation, after %d calls; want at once, after 1", time.Since(start), callCount(mt))
		}
	})
}

func TestDeadlineDuringBackoff(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{MinWait: 10 * time.Second, MaxWait: 10 * time.Second})
		mt.RegisterResponder("GET", testBase+"/x", respond(503, ""))
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Do(ctx, &Request{Path: "/x"})
		if !errors.Is(err, context.DeadlineExceeded) || callCount(mt) != 1 {
			t.Fatalf("err = %v after %d calls, want context.DeadlineExceeded after 1", err, callCount(mt))
		}
		if elapsed := time.Since(start); elapsed != 2*time.Second {
			t.Errorf("Do returned after %s, want at the deadline (2s)", elapsed)
		}
	})
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
