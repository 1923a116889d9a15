package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

// tokenServer answers 200 to "Bearer <valid>" and 401 otherwise, and records the
// Authorization header of every request.
type tokenServer struct {
	mu    sync.Mutex
	valid string
	seen  []string
}

func (s *tokenServer) responder(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := req.Header.Get("Authorization")
	s.seen = append(s.seen, got)
	if s.valid != "" && got == "Bearer "+s.valid {
		return newResponse(req, 200, `{"ok":true}`), nil
	}
	return newResponse(req, 401, `{"error":"invalid token"}`), nil
}

func TestRefreshOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		maxAttempts int
		next        string // token after Refresh
		valid       string // token the server accepts
		wantErr     error
		wantSeen    []string
	}{
		{name: "then success", method: "GET", next: "new", valid: "new", wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "POST is resent too", method: "POST", next: "new", valid: "new", wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "even with retries disabled", method: "GET", maxAttempts: 1, next: "new", valid: "new", wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "then unauthorized", method: "GET", next: "new", valid: "", wantErr: unified.ErrUnauthorized, wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "refresh keeps the token", method: "GET", next: "", valid: "new", wantErr: unified.ErrUnauthorized, wantSeen: []string{"Bearer old", "Bearer old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			auth := &fakeAuth{token: "old", next: tt.next}
			srv := &tokenServer{valid: tt.valid}
			c, mt, _ := newMockClient(t, Config{Auth: auth, MaxAttempts: tt.maxAttempts})
			mt.RegisterResponder(tt.method, testBase+"/v1/me", srv.responder)

			_, err := c.DoJSON(t.Context(), &Request{Method: tt.method, Path: "/v1/me"}, nil)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("DoJSON: %v", err)
			}
			if tt.wantErr != nil {
				var apiErr *unified.APIError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &apiErr) || apiErr.Attempts != 2 {
					t.Fatalf("err = %v, want %v after 2 attempts", err, tt.wantErr)
				}
			}
			if diff := cmp.Diff([]string{"Bearer old"}, auth.refreshes); diff != "" {
				t.Errorf("Refresh calls mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSeen, srv.seen); diff != "" {
				t.Errorf("Authorization headers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

type failingRefresh struct{ fakeAuth }

func (a *failingRefresh) Refresh(context.Context, string) error {
	return &unified.APIError{Provider: "test", StatusCode: 401, Message: "Wrong credentials"}
}

func TestRefreshFailure(t *testing.T) {
	t.Parallel()
	auth := &failingRefresh{fakeAuth{token: "old"}}
	c, mt, _ := newMockClient(t, Config{Auth: auth})
	mt.RegisterResponder("GET", testBase+"/v1/me", (&tokenServer{}).responder)
	_, err := c.Do(t.Context(), &Request{Path: "/v1/me"})
	if !errors.Is(err, unified.ErrUnauthorized) || !strings.Contains(err.Error(), "refreshing credentials") {
		t.Errorf("err = %v, want a refresh failure matching ErrUnauthorized", err)
	}
	if callCount(mt) != 1 {
		t.Errorf("calls = %d, want 1", callCount(mt))
	}
}

func TestNoAuthRequest(t *testing.T) {
	t.Parallel()
	auth := &fakeAuth{token: "old", next: "new"}
	srv := &tokenServer{}
	c, mt, _ := newMockClient(t, Config{Auth: auth})
	mt.RegisterResponder("POST", testBase+"/v1/auth", srv.responder)
	_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/v1/auth", NoAuth: true, Body: []byte("client_id=x"), ContentType: "application/x-www-form-urlencoded"})
	if !errors.Is(err, unified.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if len(auth.hosts) != 0 || len(auth.refreshes) != 0 || callCount(mt) != 1 {
		t.Errorf("Authorize calls %v, Refresh calls %v, requests %d; want none, none, 1", auth.hosts, auth.refreshes, callCount(mt))
	}
	if diff := cmp.Diff([]string{""}, srv.seen); diff != "" {
		t.Errorf("Authorization headers mismatch (-want +got):\n%s", diff)
	}
}

func TestCredentialsStayOnOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		path        string
		location    string // redirect target, if the API redirects
		wantErr     error
		wantContain string
	}{
		{name: "absolute URL on another host", path: "https://evil.example/steal", wantErr: ErrForeignOrigin},
		{name: "absolute URL on another port", path: "https://api.example.com:8443/x", wantErr: ErrForeignOrigin},
		{name: "scheme-relative URL on another host", path: "//evil.example/steal", wantErr: ErrForeignOrigin},
		{name: "absolute URL over http", path: "http://api.example.com/x", wantErr: ErrForeignOrigin},
		{name: "redirect to another host", path: "/start", location: "https://evil.example/steal", wantErr: ErrForeignOrigin},
		{name: "redirect downgrading to http", path: "/start", location: "http://api.example.com/x", wantErr: ErrForeignOrigin, wantContain: "downgrades https to http"},
		{name: "redirect on the same origin", path: "/start", location: "/x"},
		{name: "absolute next-page link on the origin", path: "https://API.example.com:443/x?cursor=abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			auth := &fakeAuth{token: "tok"}
			c, mt, _ := newMockClient(t, Config{Auth: auth})
			var leaked []string
			record := func(req *http.Request) (*http.Response, error) {
				leaked = append(leaked, req.URL.String()+" "+req.Header.Get("Authorization"))
				return newResponse(req, 200, `{}`), nil
			}
			mt.RegisterResponder("GET", "https://evil.example/steal", record)
			mt.RegisterResponder("GET", "http://api.example.com/x", record)
			mt.RegisterResponder("GET", "https://api.example.com:8443/x", record)
			var seen []string
			mt.RegisterResponder("GET", testBase+"/start", func(req *http.Request) (*http.Response, error) {
				seen = append(seen, req.Header.Get("Authorization"))
				return newResponse(req, http.StatusFound, "", "Location", tt.location), nil
			})
			mt.RegisterResponder("GET", testBase+"/x", func(req *http.Request) (*http.Response, error) {
				seen = append(seen, req.Header.Get("Authorization"))
				return newResponse(req, 200, `{}`), nil
			})

			_, err := c.DoJSON(t.Context(), &Request{Path: tt.path}, nil)
			if len(leaked) != 0 {
				t.Errorf("requests off the origin: %v", leaked)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("DoJSON: %v", err)
				}
				for i, h := range seen {
					if h != "Bearer tok" {
						t.Errorf("same-origin hop %d carried Authorization %q, want the token", i, h)
					}
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantContain) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantContain)
			}
			for _, h := range auth.hosts {
				if h != "api.example.com" {
					t.Errorf("Authorize called for host %q", h)
				}
			}
		})
	}
}

func TestResponseObserverSeesEveryResponse(t *testing.T) {
	t.Parallel()
	auth := observingAuth{&fakeAuth{token: "t"}}
	c, mt, _ := newMockClient(t, Config{Auth: auth})
	mt.RegisterResponder("GET", testBase+"/x", sequence(respond(503, ""), respond(429, ""), respond(200, `{}`)))
	mt.RegisterResponder("POST", testBase+"/token", respond(200, `{}`))
	get(t, c, "/x")
	if _, err := c.DoJSON(t.Context(), &Request{Method: "POST", Path: "/token", NoAuth: true}, nil); err != nil {
		t.Fatal(err)
	}
	if got := auth.observed.Load(); got != 4 {
		t.Errorf("ObserveResponse called %d times, want 4", got)
	}
}
