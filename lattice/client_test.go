package lattice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestNewValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  lattice.Config
		want string // in the error
	}{
		{"no key", lattice.Config{}, "APIKey is required"},
		{"blank key", lattice.Config{APIKey: "  \t "}, "APIKey is required"},
		{"key with inner space", lattice.Config{APIKey: "abc def"}, "white space"},
		{"key with newline", lattice.Config{APIKey: "abc\ndef"}, "white space"},
		{"unknown region", lattice.Config{APIKey: testKey, Region: "apac"}, `Region "apac" is not known`},
		{"plain http", lattice.Config{APIKey: testKey, BaseURL: "http://api.example.com"}, "plain http"},
		{"not a URL scheme", lattice.Config{APIKey: testKey, BaseURL: "ftp://api.example.com"}, "https URL"},
		{"negative rate", lattice.Config{APIKey: testKey, RateLimit: -1}, "RateLimit"},
		{"negative attempts", lattice.Config{APIKey: testKey, MaxAttempts: -1}, "MaxAttempts"},
		{"credentials in base URL", lattice.Config{APIKey: testKey, BaseURL: "https://u:" + testKey + "@api.example.com"}, "must not contain credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := lattice.New(tt.cfg)
			if err == nil {
				t.Fatalf("New = %v, want an error", c)
			}
			if !errors.Is(err, unified.ErrInvalidConfig) {
				t.Errorf("err = %v, want ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("err reveals the API key: %q", err)
			}
		})
	}
}

func TestNewTrimsKeyAndAcceptsLoopback(t *testing.T) {
	t.Parallel()
	c, err := lattice.New(lattice.Config{APIKey: "  " + testKey + "\n", BaseURL: "http://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != "http://127.0.0.1:1" {
		t.Errorf("BaseURL = %q", got)
	}
}

func TestRegionAndBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  lattice.Config
		want string // URL of GET /v1/me
	}{
		{"default is US", lattice.Config{}, "https://api.latticehq.com/v1/me"},
		{"US", lattice.Config{Region: lattice.RegionUS}, "https://api.latticehq.com/v1/me"},
		{"EMEA", lattice.Config{Region: lattice.RegionEMEA}, "https://api.emea.latticehq.com/v1/me"},
		{"BaseURL wins over Region", lattice.Config{Region: lattice.RegionEMEA, BaseURL: "https://proxy.example.com/lattice"}, "https://proxy.example.com/lattice/v1/me"},
		{"BaseURL with /v1", lattice.Config{BaseURL: "https://proxy.example.com/v1"}, "https://proxy.example.com/v1/me"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, tt.cfg)
			rec := &recorder{}
			mt.RegisterResponder("GET", tt.want, jsonResponder(rec, 200, userJSON("me")))
			if _, err := c.Me(context.Background()); err != nil {
				t.Fatalf("Me: %v", err)
			}
			if n := len(rec.all()); n != 1 {
				t.Fatalf("%d requests to %s, want 1", n, tt.want)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{UserAgent: "myapp/1.0"})
	rec := &recorder{}
	mt.RegisterResponder("GET", apiBase+"/v1/me", jsonResponder(rec, 200, userJSON("me")))
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := rec.all()[0]
	if got, want := req.Header.Get("Authorization"), "Bearer "+testKey; got != want {
		t.Errorf("Authorization = %q, want the bearer key", got)
	}
	if got := req.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if ua := req.Header.Get("User-Agent"); !strings.HasPrefix(ua, "hrisconnect/") || !strings.HasSuffix(ua, " myapp/1.0") {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		ctype       string
		body        string
		sentinel    error
		wantMessage string
		wantInError string
		wantCalls   int
	}{
		{"401 error body", 401, "application/json", `{"error":"Invalid API key"}`, unified.ErrUnauthorized, "Invalid API key", "check Config.APIKey", 2},
		{"403 scope", 403, "application/json", `{"error":"Forbidden"}`, unified.ErrForbidden, "Forbidden", "use a super admin's key", 1},
		{"404", 404, "application/json", `{"error":"Not found: no user"}`, unified.ErrNotFound, "Not found: no user", "404 Not Found", 1},
		{"400", 400, "application/json", `{"error":"limit must be a positive integer"}`, unified.ErrInvalidRequest, "limit must be a positive integer", "limit must be", 1},
		{"422", 422, "application/json", `{"error":"cannot process"}`, unified.ErrInvalidRequest, "cannot process", "cannot process", 1},
		{"other JSON shape is opaque text", 400, "application/json", `{"message":"x"}`, unified.ErrInvalidRequest, `{"message":"x"}`, `{"message":"x"}`, 1},
		{"plain text", 500, "text/plain", "upstream exploded", unified.ErrUnavailable, "upstream exploded", "upstream exploded", 1},
		{"HTML gateway page", 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>", unified.ErrUnavailable, "", "502 Bad Gateway", 2},
		{"empty body", 404, "", "", unified.ErrNotFound, "", "404 Not Found", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Retries wait in virtual time.
			synctest.Test(t, func(t *testing.T) {
				c, mt := mockClient(t, lattice.Config{MaxAttempts: 2})
				rec := &recorder{}
				mt.RegisterResponder("GET", apiBase+"/v1/user/abc", func(req *http.Request) (*http.Response, error) {
					rec.add(req)
					resp := httpmock.NewStringResponse(tt.status, tt.body)
					if tt.ctype != "" {
						resp.Header.Set("Content-Type", tt.ctype)
					}
					resp.Header.Set("X-Request-Id", "req-42")
					return resp, nil
				})
				_, err := c.GetUser(context.Background(), "abc")
				if !errors.Is(err, tt.sentinel) {
					t.Fatalf("err = %v, want %v", err, tt.sentinel)
				}
				var ae *unified.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %T, want a *unified.APIError inside", err)
				}
				if ae.Provider != "lattice" || ae.StatusCode != tt.status || ae.Message != tt.wantMessage || ae.RequestID != "req-42" {
					t.Errorf("APIError = {Provider %q, Status %d, Message %q, RequestID %q}, want lattice, %d, %q, req-42",
						ae.Provider, ae.StatusCode, ae.Message, ae.RequestID, tt.status, tt.wantMessage)
				}
				if !strings.Contains(err.Error(), tt.wantInError) {
					t.Errorf("err = %q, want it to contain %q", err, tt.wantInError)
				}
				if n := len(rec.all()); n != tt.wantCalls {
					t.Errorf("%d requests, want %d", n, tt.wantCalls)
				}
			})
		})
	}
}

func TestRateLimitedRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{})
		calls := 0
		mt.RegisterResponder("GET", apiBase+"/v1/me", func(req *http.Request) (*http.Response, error) {
			calls++
			if calls <= 2 {
				resp := httpmock.NewStringResponse(429, `{"error":"Too many requests"}`)
				resp.Header.Set("Retry-After", "3")
				return resp, nil
			}
			return httpmock.NewStringResponse(200, userJSON("me")), nil
		})
		start := time.Now()
		u, err := c.Me(context.Background())
		if err != nil {
			t.Fatalf("Me: %v", err)
		}
		if u.ID != "me" || calls != 3 {
			t.Errorf("user %q after %d calls, want me after 3", u.ID, calls)
		}
		if waited := time.Since(start); waited < 6*time.Second {
			t.Errorf("waited %v in all, want the two Retry-After: 3 honoured", waited)
		}
	})
}

func TestRateLimitedGivesUp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{MaxAttempts: 2})
		mt.RegisterResponder("GET", apiBase+"/v1/me", func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(429, `{"error":"Too many requests"}`)
			resp.Header.Set("Retry-After", "1")
			return resp, nil
		})
		_, err := c.Me(context.Background())
		if !errors.Is(err, unified.ErrRateLimited) {
			t.Fatalf("err = %v, want ErrRateLimited", err)
		}
		if got := mt.GetTotalCallCount(); got != 2 {
			t.Errorf("%d calls, want MaxAttempts = 2", got)
		}
	})
}

func TestClientRateLimitPaces(t *testing.T) {
	t.Parallel()
	// The default limiter allows 235 requests per minute with a burst of 4: the fifth
	// request waits 60/235 s.
	synctest.Test(t, func(t *testing.T) {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder("GET", apiBase+"/v1/me", httpmock.NewStringResponder(200, userJSON("me")))
		c, err := lattice.New(lattice.Config{APIKey: testKey, HTTPClient: &http.Client{Transport: mt}})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Limiter().Limit(); got != lattice.DefaultRateLimit || c.Limiter().Burst() != lattice.DefaultBurst {
			t.Errorf("limit = %v, burst %d, want %v, %d", got, c.Limiter().Burst(), lattice.DefaultRateLimit, lattice.DefaultBurst)
		}
		start := time.Now()
		for i := range lattice.DefaultBurst + 1 {
			if _, err := c.Me(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := time.Duration(0)
			if i == lattice.DefaultBurst {
				want = time.Minute / 235
			}
			if el := time.Since(start); el < want-time.Millisecond || el > want+time.Millisecond {
				t.Errorf("request %d went out after %v, want %v", i+1, el, want)
			}
		}
	})
}

func TestSharedLimiter(t *testing.T) {
	t.Parallel()
	lim := rate.NewLimiter(1, 1)
	c1, _ := mockClient(t, lattice.Config{Limiter: lim})
	c2, _ := mockClient(t, lattice.Config{Limiter: lim})
	if c1.Limiter() != lim || c2.Limiter() != lim {
		t.Error("clients do not share the configured limiter")
	}
}

func TestForeignOriginRefused(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request to %s (Authorization %q)", req.URL, req.Header.Get("Authorization"))
		return httpmock.NewStringResponse(500, ""), nil
	})
	refs := []lattice.Ref{
		{Object: "list", URL: "https://evil.example.com/v1/user/x/directReports"},
		{Object: "list", URL: "http://api.latticehq.com/v1/user/x/directReports"}, // https → http
		{Object: "list", URL: "https://api.latticehq.com:8443/v1/user/x/directReports"},
	}
	for _, r := range refs {
		if _, err := c.FollowUsers(context.Background(), r, nil); err == nil {
			t.Errorf("FollowUsers(%s) succeeded, want a refusal", r.URL)
		} else if strings.Contains(err.Error(), testKey) {
			t.Errorf("error reveals the key: %v", err)
		}
	}
}

func TestRedirectToOtherOriginRefused(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	mt.RegisterResponder("GET", apiBase+"/v1/me", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusFound, "")
		resp.Header.Set("Location", "https://collector.example.net/steal")
		return resp, nil
	})
	mt.RegisterResponder("GET", "https://collector.example.net/steal", func(req *http.Request) (*http.Response, error) {
		t.Errorf("redirect followed to another origin (Authorization %q)", req.Header.Get("Authorization"))
		return httpmock.NewStringResponse(200, userJSON("x")), nil
	})
	if _, err := c.Me(context.Background()); err == nil {
		t.Fatal("Me succeeded through a cross-origin redirect")
	}
}

// TestRedaction checks every way a Config or Client is printed, and errors and logs, for
// the API key.
func TestRedaction(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := lattice.Config{APIKey: testKey, Region: lattice.RegionEMEA, Logger: logger, MaxAttempts: 2}
	c, mt := mockClient(t, cfg)
	// The API echoes the key in its error (as some gateways do) and in a request id.
	mt.RegisterResponder("GET", "https://api.emea.latticehq.com/v1/me", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(401, `{"error":"key `+testKey+` is not valid; sent `+req.Header.Get("Authorization")+`"}`)
		resp.Header.Set("X-Request-Id", testKey)
		return resp, nil
	})
	mt.RegisterResponder("GET", "https://api.emea.latticehq.com/v1/users", func(req *http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(400, `{"error":"bad cursor `+req.URL.Query().Get("startingAfter")+`"}`), nil
	})
	_, meErr := c.Me(context.Background())
	if !errors.Is(meErr, unified.ErrUnauthorized) {
		t.Fatalf("Me err = %v, want ErrUnauthorized", meErr)
	}
	_, listErr := c.ListUsers(context.Background(), &lattice.ListUsersOptions{StartingAfter: testKey})
	if listErr == nil {
		t.Fatal("ListUsers succeeded")
	}

	var outputs []string
	for _, v := range []any{cfg, &cfg, c, struct{ Cfg lattice.Config }{cfg}, []lattice.Config{cfg}, map[string]any{"c": cfg}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			outputs = append(outputs, verb+" "+fmt.Sprintf(verb, v))
		}
		outputs = append(outputs, fmt.Sprint(v), fmt.Sprintln(v))
	}
	// %p is only valid for pointers (go vet rejects it for other values, and fmt then
	// prints the operand without calling any method).
	outputs = append(outputs, fmt.Sprintf("%p", &cfg), fmt.Sprintf("%p", c))
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", cfg, "client", c, "ptr", &cfg)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "cfg", cfg, "client", c)
	var ae *unified.APIError
	errors.As(meErr, &ae)
	outputs = append(outputs, meErr.Error(), fmt.Sprintf("%+v", meErr), fmt.Sprintf("%#v", meErr), string(ae.Body), ae.RequestID,
		listErr.Error(), fmt.Sprintf("%+v", listErr), logs.String())
	for _, o := range outputs {
		if strings.Contains(o, testKey) || strings.Contains(o, "S3cr3tK3y") {
			t.Errorf("output reveals the API key: %s", o)
		}
	}
	if !strings.Contains(cfg.String(), "[REDACTED]") || !strings.Contains(logs.String(), "[REDACTED]") {
		t.Errorf("String %q / logs do not mark the redacted key", cfg.String())
	}
	if !strings.Contains(logs.String(), `"base_url":"https://api.emea.latticehq.com"`) {
		t.Errorf("log of the client lacks its base URL:\n%s", logs.String())
	}
}

func TestConfigStringShowsSettings(t *testing.T) {
	t.Parallel()
	cfg := lattice.Config{APIKey: testKey, BaseURL: "https://proxy.example.com/x?token=abc", RateLimit: 2, Burst: 3, MaxAttempts: 5}
	got := cfg.String()
	for _, want := range []string{"APIKey: [REDACTED]", "RateLimit: 2", "Burst: 3", "MaxAttempts: 5", "proxy.example.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("String() = %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "abc") {
		t.Errorf("String() = %q shows a credential-like query value", got)
	}
	if got := (lattice.Config{RateLimit: lattice.NoRateLimit}).String(); !strings.Contains(got, "RateLimit: NoRateLimit") {
		t.Errorf("String() = %q, want NoRateLimit by name", got)
	}
	if got := (lattice.Config{}).String(); !strings.Contains(got, `APIKey: ""`) {
		t.Errorf("empty config String() = %q", got)
	}
}
