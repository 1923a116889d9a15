package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/unified"
)

// tokenServer answers 200 to "Bearer <valid>" and 401 otherwise, and records the
// Authorization header of every request.
type tokenServer struct {
	mu    sync.Mutex
	valid string
	seen  []string
}

func (s *tokenServer) record(req *http.Request) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := req.Header.Get("Authorization")
	s.seen = append(s.seen, got)
	return got
}

func (s *tokenServer) responder(req *http.Request) (*http.Response, error) {
	if got := s.record(req); s.valid != "" && got == "Bearer "+s.valid {
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
		before      []httpmock.Responder
		wantErr     error
		wantSeen    []string
		wantAttempt int // APIError.Attempts
	}{
		{name: "then success", method: "GET", next: "new", valid: "new", wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "POST is resent too", method: "POST", next: "new", valid: "new", wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "even with retries disabled", method: "GET", maxAttempts: 1, next: "new", valid: "new", wantSeen: []string{"Bearer old", "Bearer new"}},
		{name: "then unauthorized", method: "GET", next: "new", valid: "", wantErr: unified.ErrUnauthorized,
			wantSeen: []string{"Bearer old", "Bearer new"}, wantAttempt: 2},
		{name: "refresh keeps the token", method: "GET", next: "", valid: "new", wantErr: unified.ErrUnauthorized,
			wantSeen: []string{"Bearer old", "Bearer old"}, wantAttempt: 2},
		// The resend does not count against MaxAttempts: 401, resend 503, retry 200.
		{name: "resend outside the budget", method: "GET", maxAttempts: 2, next: "new", valid: "new",
			before: []httpmock.Responder{nil, respond(503, "")}, wantSeen: []string{"Bearer old", "Bearer new", "Bearer new"}},
		// A 401 after a retry: 503, 401, resend 200.
		{name: "401 on a retry", method: "GET", maxAttempts: 2, next: "new", valid: "new",
			before: []httpmock.Responder{respond(503, "")}, wantSeen: []string{"Bearer old", "Bearer old", "Bearer new"}},
		// Only one refresh per call: 401, resend 503, retry 401 is the answer.
		{name: "one refresh per call", method: "GET", maxAttempts: 2, next: "new", valid: "",
			before: []httpmock.Responder{nil, respond(503, "")}, wantErr: unified.ErrUnauthorized,
			wantSeen: []string{"Bearer old", "Bearer new", "Bearer new"}, wantAttempt: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				auth := &fakeAuth{token: "old", next: tt.next}
				srv := &tokenServer{valid: tt.valid}
				c, mt, _ := newMockClient(t, Config{Auth: auth, MaxAttempts: tt.maxAttempts})
				// Responders in before answer the first requests (nil: the token server),
				// after recording their Authorization header.
				var rs []httpmock.Responder
				for _, r := range tt.before {
					if r == nil {
						rs = append(rs, srv.responder)
						continue
					}
					rs = append(rs, func(req *http.Request) (*http.Response, error) {
						srv.record(req)
						return r(req)
					})
				}
				mt.RegisterResponder(tt.method, testBase+"/v1/me", sequence(append(rs, srv.responder)...))

				_, err := c.DoJSON(t.Context(), &Request{Method: tt.method, Path: "/v1/me"}, nil)
				if tt.wantErr == nil && err != nil {
					t.Fatalf("DoJSON: %v", err)
				}
				if tt.wantErr != nil {
					var apiErr *unified.APIError
					if !errors.Is(err, tt.wantErr) || !errors.As(err, &apiErr) || apiErr.Attempts != tt.wantAttempt {
						t.Fatalf("err = %v, want %v after %d attempts", err, tt.wantErr, tt.wantAttempt)
					}
				}
				if diff := cmp.Diff([]string{"Bearer old"}, auth.refreshes); diff != "" {
					t.Errorf("Refresh calls mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantSeen, srv.seen); diff != "" {
					t.Errorf("Authorization headers mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

type failingRefresh struct{ fakeAuth }

func (a *failingRefresh) Refresh(context.Context, string) error {
	return &unified.APIError{Provider: "test", StatusCode: 401, Message: "Wrong credentials"}
}

func TestRefreshFailure(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		auth := &failingRefresh{fakeAuth{token: "old"}}
		c, mt, _ := newMockClient(t, Config{Auth: auth})
		mt.RegisterResponder("GET", testBase+"/v1/me", (&tokenServer{}).responder)
		_, err := c.Do(t.Context(), &Request{Path: "/v1/me"})
		if !errors.Is(err, unified.ErrUnauthorized) {
			t.Errorf("err = %v, want a refresh failure matching ErrUnauthorized", err)
		}
		if want := "test: GET /v1/me: refreshing credentials after 401 Unauthorized: 401 Unauthorized: Wrong credentials"; err.Error() != want {
			t.Errorf("err = %q\nwant  %q", err, want)
		}
		if callCount(mt) != 1 {
			t.Errorf("calls = %d, want 1", callCount(mt))
		}
	})
}

func TestNoAuthRequest(t *testing.T) {
	inBubble(t, func(t *testing.T) {
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
	})
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
			inBubble(t, func(t *testing.T) {
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
		})
	}
}

func TestResponseObserverSeesEveryResponse(t *testing.T) {
	inBubble(t, func(t *testing.T) {
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
	})
}

// tokenFetcher is an Authorizer that fetches its token through the client it authorizes,
// as Personio's does, with NoAuth requests.
type tokenFetcher struct {
	c     *Client
	mu    sync.Mutex
	token string
}

func (a *tokenFetcher) Authorize(ctx context.Context, req *http.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == "" {
		var v struct{ Token string }
		if _, err := a.c.DoJSON(ctx, &Request{Method: "POST", Path: "/auth", NoAuth: true}, &v); err != nil {
			return err
		}
		a.token = v.Token
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	return nil
}

func (a *tokenFetcher) Refresh(context.Context, string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token = ""
	return nil
}

// TestAuthorizerSendsThroughTheClient: the client's first request, which goes alone,
// may need a token request of the same client to be authorized.
func TestAuthorizerSendsThroughTheClient(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		auth := &tokenFetcher{}
		c, mt, _ := newMockClient(t, Config{Auth: auth})
		auth.c = c
		mt.RegisterResponder("POST", testBase+"/auth", respond(200, `{"token":"t1"}`))
		srv := &tokenServer{valid: "t1"}
		mt.RegisterResponder("GET", testBase+"/x", srv.responder)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() { get(t, c, "/x") })
		}
		wg.Wait()
		if diff := cmp.Diff([]string{"Bearer t1", "Bearer t1", "Bearer t1"}, srv.seen); diff != "" {
			t.Errorf("Authorization headers mismatch (-want +got):\n%s", diff)
		}
		if n := mt.GetCallCountInfo()["POST "+testBase+"/auth"]; n != 1 {
			t.Errorf("token requests = %d, want 1", n)
		}
	})
}
