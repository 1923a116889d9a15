package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestSanitizeURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://api.example.com/v1/x", "https://api.example.com/v1/x"},
		{"https://user:pass@api.example.com/x", "https://api.example.com/x"},
		{"https://api.example.com/x#frag", "https://api.example.com/x"},
		{"https://api.example.com/x?limit=10&cursor=abc", "https://api.example.com/x?limit=10&cursor=abc"},
		{"https://api.example.com/auth?client_id=id&client_secret=s3cr3t", "https://api.example.com/auth?client_id=id&client_secret=[REDACTED]"},
		{"https://x/?access_token=a&refresh_token=b&api_key=c&apiKey=d&key=e&Password=f&sig=g&X-Amz-Signature=h&code=i&session_id=j",
			"https://x/?access_token=[REDACTED]&refresh_token=[REDACTED]&api_key=[REDACTED]&apiKey=[REDACTED]&key=[REDACTED]&Password=[REDACTED]&sig=[REDACTED]&X-Amz-Signature=[REDACTED]&code=[REDACTED]&session_id=[REDACTED]"},
		{"https://x/?token", "https://x/?token"},
		{"https://x/?%74oken=abc", "https://x/?%74oken=[REDACTED]"},
		{"/relative?token=abc", "/relative?token=[REDACTED]"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := SanitizeURL(u); got != tt.want {
			t.Errorf("SanitizeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := SanitizeURL(nil); got != "" {
		t.Errorf("SanitizeURL(nil) = %q", got)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	c, _, _ := newMockClient(t, Config{Secrets: func() []string { return []string{"", "abc", "abcdef", "p@ss word/+"} }})
	tests := []struct{ in, want string }{
		{"", ""},
		{"nothing here", "nothing here"},
		{"Authorization: Bearer eyJhbGciOi.J9.x-y_z", "Authorization: Bearer [REDACTED]"},
		{`{"auth":"bearer tok123"}`, `{"auth":"bearer [REDACTED]"}`},
		{"BEARER\ttok, rest", "BEARER\t[REDACTED], rest"},
		{"Basic dXNlcjpwYXNz", "Basic [REDACTED]"},
		{"Bearer [REDACTED]", "Bearer [REDACTED]"},
		{"the bearer", "the bearer"},
		{"nobearer tok", "nobearer tok"},
		{"xabcdefx and abc", "x[REDACTED]x and [REDACTED]"},
		{"raw p@ss word/+ query p%40ss+word%2F%2B path p@ss%20word%2F+", "raw [REDACTED] query [REDACTED] path [REDACTED]"},
	}
	for _, tt := range tests {
		if got := c.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNoSecretsPrinted puts secrets in a query, an error body, a Bearer header, a redirect
// target and a transport error, and checks errors (%v, %+v, %#v), APIError fields and the
// debug log.
func TestNoSecretsPrinted(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		const apiKey = "lat-KEY-0123456789abcdef"
		const token = "papi-eyJ0eXAiOiJKV1Qi.payload.sig"
		secrets := []string{apiKey, token, url.QueryEscape(apiKey)}

		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		auth := &fakeAuth{token: token}
		c, mt, _ := newMockClient(t, Config{
			Auth:    auth,
			Logger:  logger,
			Secrets: func() []string { return []string{apiKey, token} },
		})
		echo := func(req *http.Request) (*http.Response, error) {
			body := fmt.Sprintf(`{"error":"key %s not valid; you sent %s","request":%q}`, apiKey, req.Header.Get("Authorization"), req.URL.String())
			return newResponse(req, 400, body, "X-Request-Id", "id-"+apiKey), nil
		}
		mt.RegisterResponder("GET", "=~^"+testBase+"/echo", echo)
		mt.RegisterResponder("GET", testBase+"/redirect", func(req *http.Request) (*http.Response, error) {
			return newResponse(req, 302, "", "Location", "https://evil.example/cb?token="+token+"&x="+apiKey), nil
		})
		mt.RegisterResponder("GET", "=~^"+testBase+"/down", httpmock.NewErrorResponder(fmt.Errorf("dial failed for %s with %s", testBase+"/down?api_key="+apiKey, "Bearer "+token)))

		var errs []error
		for _, r := range []*Request{
			{Path: "/echo", Query: url.Values{"api_key": {apiKey}, "q": {apiKey}}},
			{Path: "/echo/" + apiKey},
			{Path: "/redirect"},
			{Path: "/down", Query: url.Values{"api_key": {apiKey}}},
			{Path: "/unregistered?token=" + token},
			{Path: "https://evil.example/?key=" + apiKey},
			{Path: "%zz" + apiKey},
		} {
			_, err := c.Do(t.Context(), r)
			if err == nil {
				t.Fatalf("%s: want an error", r.Path)
			}
			errs = append(errs, err)
		}

		var printed []string
		for _, err := range errs {
			printed = append(printed, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			var apiErr *unified.APIError
			if errors.As(err, &apiErr) {
				printed = append(printed, string(apiErr.Body), apiErr.Message, apiErr.RequestID, apiErr.URL, fmt.Sprintf("%+v", *apiErr))
			}
		}
		printed = append(printed, logs.String(), fmt.Sprintf("%v %+v %#v", c, c, c))
		for _, p := range printed {
			for _, s := range secrets {
				if strings.Contains(p, s) {
					t.Errorf("secret %q printed in:\n%s", s, p)
				}
			}
		}
		if !strings.Contains(logs.String(), "http attempt") || !strings.Contains(logs.String(), "status=400") {
			t.Errorf("debug log lacks the attempt records:\n%s", logs.String())
		}
		// The redacted forms stay informative, and no query string is printed.
		if got, want := errs[0].Error(), "test: GET /echo: 400 Bad Request: key [REDACTED] not valid; you sent Bearer [REDACTED] (request id id-[REDACTED])"; got != want {
			t.Errorf("first error = %q\nwant          %q", got, want)
		}
		if got, want := errs[1].Error(), "test: GET /echo/[REDACTED]: 400 Bad Request: key [REDACTED] not valid; you sent Bearer [REDACTED] (request id id-[REDACTED])"; got != want {
			t.Errorf("second error = %q\nwant           %q", got, want)
		}
		if got, want := errs[3].Error(), "test: GET /down: dial failed for https://api.example.com/down?api_key=[REDACTED] with Bearer [REDACTED]"; got != want {
			t.Errorf("transport error = %q\nwant              %q", got, want)
		}
	})
}

func TestLogRecords(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, mt, _ := newMockClient(t, Config{Logger: logger, Provider: "lattice"})
		mt.RegisterResponder("GET", testBase+"/x", sequence(respond(503, ""), respond(200, `{}`)))
		if _, err := c.DoJSON(t.Context(), &Request{Path: "/x", Query: url.Values{"limit": {"100"}}}, nil); err != nil {
			t.Fatal(err)
		}

		var attempts, retries int
		for line := range strings.Lines(logs.String()) {
			if !strings.Contains(line, "provider=lattice") || !strings.Contains(line, "path=/x ") || strings.Contains(line, "limit=") {
				t.Errorf("log line lacks provider or path, or shows the query: %s", line)
			}
			switch {
			case strings.Contains(line, `level=DEBUG msg="http attempt"`):
				attempts++
				if !strings.Contains(line, "method=GET") || !strings.Contains(line, "duration=") || !strings.Contains(line, "status=") {
					t.Errorf("attempt record lacks fields: %s", line)
				}
			case strings.Contains(line, `level=INFO msg="retrying request"`):
				retries++
				if !strings.Contains(line, "wait=") || !strings.Contains(line, "reason=\"status 503\"") {
					t.Errorf("retry record lacks fields: %s", line)
				}
			}
		}
		if attempts != 2 || retries != 1 {
			t.Errorf("got %d attempt and %d retry records, want 2 and 1:\n%s", attempts, retries, logs.String())
		}
	})
}
