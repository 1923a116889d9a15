package transport

import (
	stdcmp "cmp"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestNewValidation(t *testing.T) {
	t.Parallel()
	ok := Config{Provider: "p", BaseURL: "https://api.example.com"}
	with := func(f func(*Config)) Config { c := ok; f(&c); return c }
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" means valid
	}{
		{"https", ok, ""},
		{"https with prefix and port", with(func(c *Config) { c.BaseURL = "https://api.example.com:8443/api/v1/" }), ""},
		{"http localhost", with(func(c *Config) { c.BaseURL = "http://localhost:8080" }), ""},
		{"http LOCALHOST", with(func(c *Config) { c.BaseURL = "http://LOCALHOST" }), ""},
		{"http 127.0.0.1", with(func(c *Config) { c.BaseURL = "http://127.0.0.1:1234/base" }), ""},
		{"http 127.9.8.7", with(func(c *Config) { c.BaseURL = "http://127.9.8.7" }), ""},
		{"http ::1", with(func(c *Config) { c.BaseURL = "http://[::1]:9000" }), ""},
		{"http public host", with(func(c *Config) { c.BaseURL = "http://api.example.com" }), "uses plain http"},
		{"http private address", with(func(c *Config) { c.BaseURL = "http://10.0.0.1" }), "uses plain http"},
		{"http localhost lookalike", with(func(c *Config) { c.BaseURL = "http://localhost.example.com" }), "uses plain http"},
		{"http 128.0.0.1", with(func(c *Config) { c.BaseURL = "http://128.0.0.1" }), "uses plain http"},
		{"missing provider", with(func(c *Config) { c.Provider = " " }), "Provider is required"},
		{"missing base URL", with(func(c *Config) { c.BaseURL = "" }), "BaseURL is required"},
		{"ftp", with(func(c *Config) { c.BaseURL = "ftp://api.example.com" }), "must be an https URL"},
		{"no scheme", with(func(c *Config) { c.BaseURL = "api.example.com" }), "must be an https URL"},
		{"no host", with(func(c *Config) { c.BaseURL = "https:///v1" }), "has no host"},
		{"credentials", with(func(c *Config) { c.BaseURL = "https://user:pw@api.example.com" }), "must not contain credentials"},
		{"query", with(func(c *Config) { c.BaseURL = "https://api.example.com/?token=x" }), "must not have a query"},
		{"unparsable", with(func(c *Config) { c.BaseURL = "https://api.example.com/%zz" }), "not a valid URL"},
		{"negative attempts", with(func(c *Config) { c.MaxAttempts = -1 }), "MaxAttempts"},
		{"negative wait", with(func(c *Config) { c.MinWait = -time.Second }), "must not be negative"},
		{"min above max", with(func(c *Config) { c.MinWait, c.MaxWait = time.Minute, time.Second }), "must not exceed MaxWait"},
		{"negative body cap", with(func(c *Config) { c.MaxBodyBytes = -1 }), "MaxBodyBytes"},
		{"negative rate", with(func(c *Config) { c.RateLimit = -1 }), "RateLimit"},
		{"negative burst", with(func(c *Config) { c.Burst = -1 }), "Burst"},
		{"limiter with burst 0", with(func(c *Config) { c.Limiter = rate.NewLimiter(1, 0) }), "burst 0"},
		{"unlimited limiter with burst 0", with(func(c *Config) { c.Limiter = rate.NewLimiter(rate.Inf, 0) }), ""},
		{"user agent with newline", with(func(c *Config) { c.UserAgent = "x\r\nX-Evil: 1" }), "control characters"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: New: %v", tt.name, err)
		case tt.wantErr != "" && (!errors.Is(err, unified.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want ErrInvalidConfig containing %q", tt.name, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("%s: error %q echoes credentials", tt.name, err)
		}
	}
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		req  Request
		want http.Header
	}{
		{
			name: "defaults",
			req:  Request{Path: "/x"},
			want: http.Header{"User-Agent": {"hrisconnect/" + hrisconnect.Version + " (+https://github.com/hrisconnect/hrisconnect)"}, "Accept": {"application/json"}},
		},
		{
			name: "product token, own Accept, extra header and JSON body",
			cfg:  Config{UserAgent: "acme-sync/2.1"},
			req:  Request{Method: "PUT", Path: "/x", Header: http.Header{"Accept": {"text/csv"}, "X-Personio-App-Id": {"ACME"}}, Body: []byte(`{}`)},
			want: http.Header{
				"User-Agent":        {"hrisconnect/" + hrisconnect.Version + " (+https://github.com/hrisconnect/hrisconnect) acme-sync/2.1"},
				"Accept":            {"text/csv"},
				"X-Personio-App-Id": {"ACME"},
				"Content-Type":      {"application/json"},
			},
		},
		{
			name: "form body",
			req:  Request{Method: "POST", Path: "/x", Body: []byte("a=b"), ContentType: "application/x-www-form-urlencoded"},
			want: http.Header{
				"User-Agent":   {"hrisconnect/" + hrisconnect.Version + " (+https://github.com/hrisconnect/hrisconnect)"},
				"Accept":       {"application/json"},
				"Content-Type": {"application/x-www-form-urlencoded"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt, _ := newMockClient(t, tt.cfg)
			var got http.Header
			mt.RegisterResponder(stdcmp.Or(tt.req.Method, "GET"), testBase+"/x", func(req *http.Request) (*http.Response, error) {
				got = req.Header.Clone()
				return newResponse(req, 200, `{}`), nil
			})
			if _, err := c.DoJSON(t.Context(), &tt.req, nil); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("headers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHTTPClientNotModified(t *testing.T) {
	t.Parallel()
	tr := &http.Transport{}
	redirect := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{Transport: tr, Timeout: 5 * time.Second, CheckRedirect: redirect}
	c, err := New(Config{Provider: "p", BaseURL: testBase, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if hc.Transport != tr || hc.Timeout != 5*time.Second || hc.CheckRedirect == nil {
		t.Errorf("configured client changed: %+v", hc)
	}
	if c.timeout != 5*time.Second || c.baseRT != tr {
		t.Errorf("attempt timeout %s, base transport %T; want 5s and the configured transport", c.timeout, c.baseRT)
	}
	d, err := New(Config{Provider: "p", BaseURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	if d.timeout != DefaultTimeout || d.baseRT == http.DefaultTransport {
		t.Errorf("default client: timeout %s, shares http.DefaultTransport %v; want %s and its own pool", d.timeout, d.baseRT == http.DefaultTransport, DefaultTimeout)
	}
	d.CloseIdleConnections()
}

func TestResolveURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, ref string
		want      string
		wantErr   error
	}{
		{"https://api.example.com", "/v1/company/employees", "https://api.example.com/v1/company/employees", nil},
		{"https://api.example.com", "v1/me", "https://api.example.com/v1/me", nil},
		{"https://api.example.com/", "", "https://api.example.com/", nil},
		{"https://api.example.com/api-v3", "/v1/me", "https://api.example.com/api-v3/v1/me", nil},
		{"https://api.example.com/api-v3/", "v1/me?limit=5", "https://api.example.com/api-v3/v1/me?limit=5", nil},
		{"https://api.latticehq.com/v1", "users", "https://api.latticehq.com/v1/users", nil},
		{"https://api.latticehq.com/v1", "/v1/user/42/directReports", "https://api.latticehq.com/v1/user/42/directReports", nil},
		{"https://api.latticehq.com/v1", "/v1", "https://api.latticehq.com/v1", nil},
		{"https://api.latticehq.com/v1", "/v10/x", "https://api.latticehq.com/v1/v10/x", nil},
		{"https://api.example.com/p", "/a%2Fb/c", "https://api.example.com/p/a%2Fb/c", nil},
		{"https://api.example.com", "https://api.example.com/v2/persons?cursor=cur_1#top", "https://api.example.com/v2/persons?cursor=cur_1", nil},
		{"https://api.example.com", "HTTPS://Api.Example.com:443/v2/x", "https://api.example.com/v2/x", nil},
		{"http://127.0.0.1:8080/base", "http://127.0.0.1:8080/other", "http://127.0.0.1:8080/other", nil},
		{"https://api.example.com", "https://api.example.com.evil.example/x", "", ErrForeignOrigin},
		{"https://api.example.com", "//evil.example/x", "", ErrForeignOrigin},
		{"https://api.example.com", "http://api.example.com/x", "", ErrForeignOrigin},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/x", "", ErrForeignOrigin},
		{"https://api.example.com", "https://u:p@api.example.com/x", "", unified.ErrInvalidValue},
		{"https://api.example.com", "/%zz", "", unified.ErrInvalidValue},
	}
	for _, tt := range tests {
		c, err := New(Config{Provider: "p", BaseURL: tt.base})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.ResolveURL(tt.ref)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ResolveURL(%q) against %s: err = %v, want %v", tt.ref, tt.base, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ResolveURL(%q) against %s = %v, %v; want %s", tt.ref, tt.base, got, err, tt.want)
		}
	}
}

func TestQueryMerged(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{})
	var got string
	mt.RegisterResponder("GET", "=~^"+testBase+"/v2/persons", func(req *http.Request) (*http.Response, error) {
		got = req.URL.RawQuery
		return newResponse(req, 200, `{}`), nil
	})
	req := &Request{Path: testBase + "/v2/persons?cursor=cur%2B1", Query: url.Values{"limit": {"50"}, "status": {"ACTIVE", "LEAVE"}}}
	if _, err := c.DoJSON(t.Context(), req, nil); err != nil {
		t.Fatal(err)
	}
	if want := "cursor=cur%2B1&limit=50&status=ACTIVE&status=LEAVE"; got != want {
		t.Errorf("query = %q, want %q", got, want)
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	c, mt, _ := newMockClient(t, Config{})
	if _, err := c.Do(nil, &Request{Path: "/x"}); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("nil context: err = %v, want ErrInvalidValue", err)
	}
	if _, err := c.Do(t.Context(), nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("nil request: err = %v, want ErrInvalidValue", err)
	}
	if _, err := c.Do(t.Context(), &Request{Method: "BAD METHOD", Path: "/x"}); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("bad method: err = %v, want ErrInvalidValue", err)
	}
	if callCount(mt) != 0 {
		t.Errorf("calls = %d, want 0", callCount(mt))
	}
}

func TestClientStringers(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Provider: "personio", BaseURL: "https://api.personio.de/"})
	if err != nil {
		t.Fatal(err)
	}
	want := "transport.Client{provider: personio, base: https://api.personio.de}"
	if got := c.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := c.GoString(); got != want {
		t.Errorf("GoString() = %q, want %q", got, want)
	}
	if got := c.LogValue().String(); !strings.Contains(got, "personio") {
		t.Errorf("LogValue() = %q", got)
	}
	if c.Provider() != "personio" || c.BaseURL().String() != "https://api.personio.de" {
		t.Errorf("Provider() = %q, BaseURL() = %v", c.Provider(), c.BaseURL())
	}
	type valueAuth struct{ fakeAuth } // a struct value: %v would print its token
	cfg := Config{Provider: "personio", BaseURL: "https://id:pw@api.personio.de?token=t0k3n", Auth: &valueAuth{fakeAuth{token: "t0k3n"}}}
	for _, got := range []string{fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), cfg.LogValue().String()} {
		if strings.Contains(got, "t0k3n") || strings.Contains(got, "pw") {
			t.Errorf("Config printed a credential: %s", got)
		}
	}
	c.BaseURL().Path = "/changed"
	if c.BaseURL().Path != "" {
		t.Error("BaseURL() returned the client's own URL")
	}
}

// The default client keeps its connections when requests run in parallel: a first request
// (which a new client sends alone) and rounds of 8 parallel requests open 8 connections in
// all, not a new one for most requests.
func TestDefaultClientReusesParallelConnections(t *testing.T) {
	t.Parallel()
	var opened atomic.Int32
	release := make(chan struct{})
	var arrived atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hold each request until all of its round have arrived, so that they overlap.
		if r.URL.Path == "/first" {
			return
		}
		if arrived.Add(1)%8 == 0 {
			close(release)
		}
		<-release
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := New(Config{Provider: "p", BaseURL: srv.URL, RateLimit: rate.Inf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	if _, err := c.Do(t.Context(), &Request{Path: "/first"}); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		if round > 0 {
			release = make(chan struct{})
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := c.DoJSON(t.Context(), &Request{Path: "/x"}, nil); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n != 8 {
		t.Errorf("3 rounds of 8 parallel requests opened %d connections, want 8", n)
	}
}
