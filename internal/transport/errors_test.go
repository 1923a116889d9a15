package transport

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
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
			inBubble(t, func(t *testing.T) {
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
				if diff := gocmp.Diff(want, *apiErr); diff != "" {
					t.Errorf("APIError mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestDecodeErrorHook(t *testing.T) {
	inBubble(t, func(t *testing.T) {
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
	})
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
		if diff := gocmp.Diff(tt.want, e); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	DecodeJSONError(nil, []byte(`{"error":"x"}`)) // must not panic
}

func TestErrorBodyCap(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{MaxErrorBodyBytes: 16})
		big := `{"message":"` + strings.Repeat("x", 5000) + `"}`
		mt.RegisterResponder("GET", testBase+"/x", respond(404, big))
		_, err := c.Do(t.Context(), &Request{Path: "/x"})
		var apiErr *unified.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want *APIError", err)
		}
		if diff := gocmp.Diff([]byte(big[:16]), apiErr.Body); diff != "" {
			t.Errorf("Body mismatch (-want +got):\n%s", diff)
		}
		if apiErr.Message != "" {
			t.Errorf("Message = %q from a cut-off body, want empty", apiErr.Message)
		}
	})
}

func TestSuccessBodyCap(t *testing.T) {
	t.Parallel()
	body := `{"data":"` + strings.Repeat("x", 90) + `"}` // 101 bytes
	tests := []struct {
		name    string
		json    bool
		maxBody int64
		respond httpmock.Responder
		wantErr string // "" means the whole body is returned
	}{
		{"Do, Content-Length over the cap", false, 100, respond(200, body),
			"test: GET /x: response body of 101 bytes exceeds the 100-byte limit (raise MaxBodyBytes if answers this large are expected)"},
		{"Do, unknown length over the cap", false, 100, unknownLength(respond(200, body)),
			"test: GET /x: response body exceeds the 100-byte limit (raise MaxBodyBytes if answers this large are expected)"},
		{"Do, exactly at the cap", false, 101, unknownLength(respond(200, body)), ""},
		{"DoJSON, over the cap", true, 50, unknownLength(respond(200, body)),
			"test: GET /x: response body exceeds the 50-byte limit (raise MaxBodyBytes if answers this large are expected)"},
		{"DoJSON, exactly at the cap", true, 101, respond(200, body), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				c, mt, _ := newMockClient(t, Config{MaxBodyBytes: tt.maxBody})
				mt.RegisterResponder("GET", testBase+"/x", tt.respond)
				var got []byte
				var err error
				if tt.json {
					var v json.RawMessage
					_, err = c.DoJSON(t.Context(), &Request{Path: "/x"}, &v)
					got = v
				} else {
					var resp *http.Response
					if resp, err = c.Do(t.Context(), &Request{Path: "/x"}); err == nil {
						got, err = io.ReadAll(resp.Body)
						resp.Body.Close()
					}
				}
				if callCount(mt) != 1 {
					t.Errorf("requests = %d, want 1: a body over the cap is not retried", callCount(mt))
				}
				if tt.wantErr == "" {
					if err != nil || string(got) != body {
						t.Errorf("got %q, %v; want the whole body", got, err)
					}
					return
				}
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, unified.ErrResponseTooLarge) {
					t.Errorf("err = %v\nwant  %q, matching ErrResponseTooLarge", err, tt.wantErr)
				}
			})
		})
	}
}

func TestDoJSONBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		status      int
		body        string
		headers     []string
		wantErr     string // the whole error; "" means success
		wantPayload string
		malformed   bool // the body is not JSON: retried, then ErrUnavailable
	}{
		{name: "object", status: 200, body: `{"name":"Ada"}`, wantPayload: "Ada"},
		{name: "trailing newline", status: 200, body: "{\"name\":\"Ada\"}\n", wantPayload: "Ada"},
		{name: "problem+json", status: 200, body: `{"name":"Ada"}`, headers: []string{"Content-Type", "application/problem+json"}, wantPayload: "Ada"},
		{name: "201", status: 201, body: `{"name":"Bo"}`, wantPayload: "Bo"},
		{name: "204 leaves v alone", status: 204, body: "", wantPayload: "preset"},
		{name: "HEAD leaves v alone", method: "HEAD", status: 200, body: "", wantPayload: "preset"},
		// A body that is not JSON is retried and then matches ErrUnavailable; a JSON body
		// of the wrong shape is not retried.
		{name: "empty body", status: 200, body: "", malformed: true,
			wantErr: "test: GET /x: empty response body (after 4 attempts)"},
		{name: "HTML", status: 200, body: "<html></html>", headers: []string{"Content-Type", "text/html; charset=utf-8"}, malformed: true,
			wantErr: "test: GET /x: response body is not JSON (text/html): invalid character '<' looking for beginning of value (after 4 attempts)"},
		{name: "syntax error", status: 200, body: `{"name":`, malformed: true,
			wantErr: "test: GET /x: response body is not JSON: unexpected end of JSON input (after 4 attempts)"},
		{name: "trailing data", status: 200, body: `{"name":"Ada"} {"x":1}`, malformed: true,
			wantErr: "test: GET /x: response body is not JSON: invalid character '{' after top-level value (after 4 attempts)"},
		{name: "wrong type", status: 200, body: `{"name":5}`,
			wantErr: "test: GET /x: decoding the JSON response: json: cannot unmarshal number into Go struct field .Name of type string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				c, mt, _ := newMockClient(t, Config{})
				method := cmp.Or(tt.method, "GET")
				mt.RegisterResponder(method, testBase+"/x", respond(tt.status, tt.body, append(tt.headers, "X-Extra", "yes")...))
				v := struct{ Name string }{Name: "preset"}
				h, err := c.DoJSON(t.Context(), &Request{Method: method, Path: "/x"}, &v)
				if tt.wantErr != "" {
					if err == nil || err.Error() != tt.wantErr {
						t.Fatalf("err = %v\nwant  %s", err, tt.wantErr)
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
				if v.Name != tt.wantPayload || h.Get("X-Extra") != "yes" || callCount(mt) != 1 {
					t.Errorf("v.Name = %q, header X-Extra = %q after %d calls; want %q, yes after 1", v.Name, h.Get("X-Extra"), callCount(mt), tt.wantPayload)
				}
			})
		})
	}
}

// TestDoJSONDecodesOnlyAGoodBody: a body that is not JSON leaves the target as it was,
// and the retry's good body is decoded alone, not merged into a partial first decoding.
func TestDoJSONDecodesOnlyAGoodBody(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{})
		mt.RegisterResponder("GET", testBase+"/x", sequence(
			respond(200, `{"first":1,"second":[`),
			respond(200, `{"third":3}`),
		))
		v := map[string]int{}
		if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, &v); err != nil {
			t.Fatalf("DoJSON: %v", err)
		}
		if diff := gocmp.Diff(map[string]int{"third": 3}, v); diff != "" || callCount(mt) != 2 {
			t.Errorf("after %d calls, v (-want +got):\n%s", callCount(mt), diff)
		}
	})
}

// TestErrorTextHasNoQuery: a page URL with many query parameters is printed as its path.
func TestErrorTextHasNoQuery(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		c, mt, _ := newMockClient(t, Config{MaxAttempts: 2})
		mt.RegisterResponder("GET", "=~^"+testBase+"/v1/company/employees", respond(503, ""))
		mt.RegisterResponder("GET", "=~^"+testBase+"/v1/company/broken", httpmock.NewErrorResponder(connReset))
		q := url.Values{"limit": {"100"}, "offset": {"200"}, "email": {"ada@example.com"}}
		for i := range 30 {
			q.Add("attributes[]", fmt.Sprintf("dynamic_%d", 100000+i))
		}
		_, err := c.Do(t.Context(), &Request{Path: "/v1/company/employees", Query: q})
		var apiErr *unified.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v, want an APIError", err)
		}
		if want := "test: GET /v1/company/employees: 503 Service Unavailable (after 2 attempts)"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
		if want := testBase + "/v1/company/employees"; apiErr.URL != want {
			t.Errorf("APIError.URL = %q, want %q", apiErr.URL, want)
		}
		_, err = c.Do(t.Context(), &Request{Path: "/v1/company/broken", Query: q})
		if want := "test: GET /v1/company/broken: connection reset by peer (after 2 attempts)"; err == nil || err.Error() != want {
			t.Errorf("err = %v, want %q", err, want)
		}
	})
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
