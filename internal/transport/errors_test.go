package transport

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/unified"
)

var allSentinels = []error{
	unified.ErrNotFound, unified.ErrUnauthorized, unified.ErrForbidden, unified.ErrRateLimited,
	unified.ErrUnavailable, unified.ErrInvalidRequest, unified.ErrUnsupported, unified.ErrInvalidCursor,
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	const gatewayPage = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
	tests := []struct {
		name     string
		status   int
		body     string
		headers  []string
		sentinel error // nil: no sentinel matches
		want     unified.APIError
	}{
		{
			name: "400 lattice shape", status: 400, body: `{"error":"Invalid value for limit"}`,
			headers: []string{"X-Request-Id", "req-400"}, sentinel: unified.ErrInvalidRequest,
			want: unified.APIError{Message: "Invalid value for limit", RequestID: "req-400"},
		},
		{
			name: "401 personio v1 shape", status: 401, body: `{"success":false,"error":{"code":401,"message":"Wrong credentials"}}`,
			sentinel: unified.ErrUnauthorized,
			want:     unified.APIError{Code: "401", Message: "Wrong credentials"},
		},
		{
			name: "403 personio v2 problem", status: 403,
			body:    `{"personio_trace_id":"aswo3f-a202","timestamp":"2021-05-28T11:17:30+00:00","errors":[{"title":"Insufficient access scope","detail":"Client scope insufficient to access resource","type":"https://developer.personio.de/reference/errors#common.forbidden","_meta":{}}]}`,
			headers: []string{"Content-Type", "application/problem+json"}, sentinel: unified.ErrForbidden,
			want: unified.APIError{Code: "common.forbidden", Message: "Client scope insufficient to access resource", RequestID: "aswo3f-a202"},
		},
		{
			name: "404 request id header wins over body", status: 404, body: `{"message":"Es ist ein Problem aufgetreten","trace_id":"body-id"}`,
			headers: []string{"X-Correlation-Id", "corr-404"}, sentinel: unified.ErrNotFound,
			want: unified.APIError{Message: "Es ist ein Problem aufgetreten", RequestID: "corr-404"},
		},
		{
			name: "400 oauth shape", status: 400, body: `{"error":"invalid_client","error_description":"The credentials were not correct.","trace_id":"baaaaaad-c0de"}`,
			sentinel: unified.ErrInvalidRequest,
			want:     unified.APIError{Code: "invalid_client", Message: "The credentials were not correct.", RequestID: "baaaaaad-c0de"},
		},
		{
			name: "422", status: 422, body: `{"title":"Unprocessable","detail":"start date after end date"}`,
			headers: []string{"X-Trace-Id", "trace-422"}, sentinel: unified.ErrInvalidRequest,
			want: unified.APIError{Message: "start date after end date", RequestID: "trace-422"},
		},
		{
			name: "429 after retries", status: 429, body: `{"success":false,"error":{"code":429,"message":"Too many requests"}}`,
			headers: []string{"Trace-Id", "t-429"}, sentinel: unified.ErrRateLimited,
			want: unified.APIError{Code: "429", Message: "Too many requests", RequestID: "t-429", Attempts: 4},
		},
		{
			name: "500", status: 500, body: `{"message":"Internal Server Error"}`, sentinel: unified.ErrUnavailable,
			want: unified.APIError{Message: "Internal Server Error"},
		},
		{
			name: "502 HTML gateway page", status: 502, body: gatewayPage,
			headers: []string{"Content-Type", "text/html"}, sentinel: unified.ErrUnavailable,
			want: unified.APIError{Attempts: 4},
		},
		{
			name: "503 plain text", status: 503, body: "upstream connect error\nor disconnect/reset before headers",
			headers: []string{"Content-Type", "text/plain; charset=utf-8"}, sentinel: unified.ErrUnavailable,
			want: unified.APIError{Message: "upstream connect error or disconnect/reset before headers", Attempts: 4},
		},
		{
			name: "409 has no sentinel", status: 409, body: `{"error":{"message":"conflict"}}`,
			want: unified.APIError{Message: "conflict"},
		},
		{
			name: "invalid JSON body", status: 400, body: `{"error": "unterminated`, sentinel: unified.ErrInvalidRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt, _ := newMockClient(t, Config{})
			mt.RegisterResponder("GET", testBase+"/v1/thing", respond(tt.status, tt.body, tt.headers...))

			_, err := c.Do(t.Context(), &Request{Path: "/v1/thing"})
			var apiErr *unified.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *unified.APIError", err, err)
			}
			for _, s := range allSentinels {
				if got, want := errors.Is(err, s), s == tt.sentinel; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
			want := tt.want
			want.Provider, want.Method, want.URL, want.StatusCode = "test", "GET", testBase+"/v1/thing", tt.status
			if want.Attempts == 0 {
				want.Attempts = 1
			}
			want.Body = []byte(tt.body)
			if diff := cmp.Diff(want, *apiErr); diff != "" {
				t.Errorf("APIError mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrorHook(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 200)
	c, mt, _ := newMockClient(t, Config{
		Secrets: func() []string { return []string{"hunter22"} },
		DecodeError: func(e *unified.APIError, body []byte) {
			if !strings.Contains(string(body), "hunter22") {
				t.Error("hook did not get the raw body")
			}
			e.Code = "E42"
			e.Message = "token hunter22 rejected\n" + long
			e.RequestID = "from-body"
			e.StatusCode = 200  // ignored
			e.Provider = "evil" // ignored
		},
	})
	mt.RegisterResponder("GET", testBase+"/x", respond(400, `{"secret":"hunter22"}`, "X-Request-Id", "from-header"))
	_, err := c.Do(t.Context(), &Request{Path: "/x"})
	var apiErr *unified.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.Provider != "test" || apiErr.StatusCode != 400 || apiErr.Code != "E42" || apiErr.RequestID != "from-body" {
		t.Errorf("APIError = %+v; want provider test, status 400, code E42, request id from-body", apiErr)
	}
	if n := len([]rune(apiErr.Message)); n > maxMessageLen || !strings.HasPrefix(apiErr.Message, "token [REDACTED] rejected word") || !strings.HasSuffix(apiErr.Message, "…") {
		t.Errorf("Message (%d runes) = %q, want it redacted, on one line and clipped", n, apiErr.Message)
	}
	if strings.Contains(string(apiErr.Body), "hunter22") {
		t.Errorf("Body = %q, want the secret redacted", apiErr.Body)
	}
}

func TestDecodeJSONError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		pre  unified.APIError
		want unified.APIError
	}{
		{"empty", ``, unified.APIError{}, unified.APIError{}},
		{"html", `<html>oops</html>`, unified.APIError{}, unified.APIError{}},
		{"array", `[1,2]`, unified.APIError{}, unified.APIError{}},
		{"error string", `{"error":"nope"}`, unified.APIError{}, unified.APIError{Message: "nope"}},
		{"error object", `{"error":{"code":"E1","message":"bad"}}`, unified.APIError{}, unified.APIError{Code: "E1", Message: "bad"}},
		{"numeric code zero ignored", `{"error":{"code":0,"message":"bad"}}`, unified.APIError{}, unified.APIError{Message: "bad"}},
		{"message and code", `{"message":"m","code":12}`, unified.APIError{}, unified.APIError{Code: "12", Message: "m"}},
		{"errors list", `{"errors":[{"title":"T","detail":"D","code":"c1"},{"detail":"other"}]}`, unified.APIError{}, unified.APIError{Code: "c1", Message: "D"}},
		{"problem type fragment", `{"title":"T","type":"https://x/errors#common.bad_request"}`, unified.APIError{}, unified.APIError{Code: "common.bad_request", Message: "T"}},
		{"keeps what is set", `{"error":"nope","request_id":"r"}`, unified.APIError{Message: "kept", RequestID: "hdr"}, unified.APIError{Message: "kept", RequestID: "hdr"}},
		{"request id keys", `{"requestId":"r1"}`, unified.APIError{}, unified.APIError{RequestID: "r1"}},
		{"trace id suffix", `{"foo_trace_id":"t1"}`, unified.APIError{}, unified.APIError{RequestID: "t1"}},
		{"blank strings ignored", `{"message":"  ","detail":"d"}`, unified.APIError{}, unified.APIError{Message: "d"}},
		{"wrong types ignored", `{"message":{"x":1},"code":true,"error":[1]}`, unified.APIError{}, unified.APIError{}},
	}
	for _, tt := range tests {
		e := tt.pre
		DecodeJSONError(&e, []byte(tt.body))
		if diff := cmp.Diff(tt.want, e); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	DecodeJSONError(nil, []byte(`{"error":"x"}`)) // must not panic
}

func TestErrorBodyCap(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{MaxErrorBodyBytes: 16})
	big := `{"message":"` + strings.Repeat("x", 5000) + `"}`
	mt.RegisterResponder("GET", testBase+"/x", respond(404, big))
	_, err := c.Do(t.Context(), &Request{Path: "/x"})
	var apiErr *unified.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if diff := cmp.Diff([]byte(big[:16]), apiErr.Body); diff != "" {
		t.Errorf("Body mismatch (-want +got):\n%s", diff)
	}
	if apiErr.Message != "" {
		t.Errorf("Message = %q from a cut-off body, want empty", apiErr.Message)
	}
}

// unknownLength hides the body length, as a chunked response does.
func unknownLength(r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp, err := r(req)
		if resp != nil {
			resp.ContentLength = -1
		}
		return resp, err
	}
}

func TestSuccessBodyCap(t *testing.T) {
	t.Parallel()
	body := `{"data":"` + strings.Repeat("x", 90) + `"}` // 101 bytes

	t.Run("Do with Content-Length over the cap", func(t *testing.T) {
		t.Parallel()
		c, mt, _ := newMockClient(t, Config{MaxBodyBytes: 100})
		mt.RegisterResponder("GET", testBase+"/x", respond(200, body))
		_, err := c.Do(t.Context(), &Request{Path: "/x"})
		if !errors.Is(err, unified.ErrResponseTooLarge) {
			t.Fatalf("err = %v, want ErrResponseTooLarge", err)
		}
		for _, s := range []string{"test: GET " + testBase + "/x", "response body of 101 bytes exceeds the limit of 100 bytes", "MaxBodyBytes"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("err = %q, want it to contain %q", err, s)
			}
		}
	})

	t.Run("Do with unknown length fails when read past the cap", func(t *testing.T) {
		t.Parallel()
		c, mt, _ := newMockClient(t, Config{MaxBodyBytes: 100})
		mt.RegisterResponder("GET", testBase+"/x", unknownLength(respond(200, body)))
		resp, err := c.Do(t.Context(), &Request{Path: "/x"})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if !errors.Is(err, unified.ErrResponseTooLarge) || len(got) != 100 {
			t.Fatalf("read %d bytes, err = %v; want 100 bytes then ErrResponseTooLarge", len(got), err)
		}
		if !strings.HasPrefix(err.Error(), "test: GET "+testBase+"/x: response body exceeds the limit of 100 bytes") {
			t.Errorf("err = %q", err)
		}
	})

	t.Run("Do with a body exactly at the cap", func(t *testing.T) {
		t.Parallel()
		c, mt, _ := newMockClient(t, Config{MaxBodyBytes: int64(len(body))})
		mt.RegisterResponder("GET", testBase+"/x", unknownLength(respond(200, body)))
		resp, err := c.Do(t.Context(), &Request{Path: "/x"})
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		defer resp.Body.Close()
		if got, err := io.ReadAll(resp.Body); err != nil || string(got) != body {
			t.Errorf("read %q, %v; want the whole body", got, err)
		}
	})

	t.Run("DoJSON over the cap is not retried", func(t *testing.T) {
		t.Parallel()
		c, mt, _ := newMockClient(t, Config{MaxBodyBytes: 50})
		mt.RegisterResponder("GET", testBase+"/x", unknownLength(respond(200, body)))
		var v map[string]string
		_, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, &v)
		if !errors.Is(err, unified.ErrResponseTooLarge) || callCount(mt) != 1 {
			t.Errorf("err = %v after %d calls, want ErrResponseTooLarge after 1", err, callCount(mt))
		}
	})
}

func TestDoJSONBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		headers     []string
		wantErr     string // substring; "" means success
		wantPayload string
		malformed   bool // the body is not JSON: retried, then ErrUnavailable
	}{
		{name: "object", status: 200, body: `{"name":"Ada"}`, wantPayload: "Ada"},
		{name: "trailing newline", status: 200, body: "{\"name\":\"Ada\"}\n", wantPayload: "Ada"},
		{name: "201", status: 201, body: `{"name":"Bo"}`, wantPayload: "Bo"},
		{name: "204 leaves v alone", status: 204, body: "", wantPayload: "preset"},
		// A body that is not JSON is retried and then matches ErrUnavailable; a JSON body
		// of the wrong shape is not retried.
		{name: "empty body", status: 200, body: "", wantErr: "empty response body", malformed: true},
		{name: "HTML", status: 200, body: "<html></html>", headers: []string{"Content-Type", "text/html; charset=utf-8"}, wantErr: `decoding JSON response (Content-Type "text/html")`, malformed: true},
		{name: "syntax error", status: 200, body: `{"name":`, wantErr: "decoding JSON response: unexpected EOF", malformed: true},
		{name: "trailing data", status: 200, body: `{"name":"Ada"} {"x":1}`, wantErr: "unexpected data after the JSON value", malformed: true},
		{name: "wrong type", status: 200, body: `{"name":5}`, wantErr: "cannot unmarshal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt, _ := newMockClient(t, Config{})
			mt.RegisterResponder("GET", testBase+"/x", respond(tt.status, tt.body, append(tt.headers, "X-Extra", "yes")...))
			v := struct{ Name string }{Name: "preset"}
			h, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, &v)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				wantCalls := 1
				if tt.malformed {
					wantCalls = DefaultMaxAttempts
				}
				if callCount(mt) != wantCalls {
					t.Errorf("calls = %d, want %d (a body that is not JSON is retried, one of the wrong shape is not)", callCount(mt), wantCalls)
				}
				if got := errors.Is(err, unified.ErrUnavailable); got != tt.malformed {
					t.Errorf("errors.Is(err, ErrUnavailable) = %v, want %v", got, tt.malformed)
				}
				return
			}
			if err != nil {
				t.Fatalf("DoJSON: %v", err)
			}
			if v.Name != tt.wantPayload || h.Get("X-Extra") != "yes" {
				t.Errorf("v.Name = %q, header X-Extra = %q; want %q, yes", v.Name, h.Get("X-Extra"), tt.wantPayload)
			}
		})
	}
}

func TestClipText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"  a \n\t b  ", 10, "a b"},
		{"abcdef", 6, "abcdef"},
		{"abcdefg", 6, "abcde…"},
		{"ab cdefg", 4, "ab…"},
		{"äöüßxyz", 4, "äöü…"},
		{"bad \xff byte", 20, "bad \uFFFD byte"},
		{"a\x00b", 5, "a b"},
	}
	for _, tt := range tests {
		if got := clipText(tt.in, tt.n); got != tt.want {
			t.Errorf("clipText(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
