package personio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

const attributesURL = testBase + "/v1/company/employees/attributes"

func TestTokenRequestsAreForms(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, func(c *Config) {
		c.Scopes = []string{"personio:persons:read", "personio:org-units:read"}
		c.PartnerID, c.AppID = "ACME_PARTNER", "ACME_SYNC"
	})
	var mu sync.Mutex
	got := map[string]url.Values{}
	capture := func(token string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			if req.URL.RawQuery != "" {
				t.Errorf("%s carries a query string %q: credentials belong in the body", req.URL.Path, req.URL.RawQuery)
			}
			if ct := req.Header.Get("Content-Type"); ct != formContentType {
				t.Errorf("%s Content-Type = %q", req.URL.Path, ct)
			}
			if req.Header.Get("Authorization") != "" {
				t.Errorf("%s carries an Authorization header", req.URL.Path)
			}
			if req.Header.Get("X-Personio-Partner-ID") != "ACME_PARTNER" || req.Header.Get("X-Personio-App-ID") != "ACME_SYNC" {
				t.Errorf("%s lacks the partner/app headers: %v", req.URL.Path, req.Header)
			}
			form, err := url.ParseQuery(readBody(t, req))
			if err != nil {
				t.Errorf("body is not a form: %v", err)
			}
			got[req.URL.Path] = form
			if token == v1Token {
				return newResponse(req, 200, `{"success":true,"data":{"token":"`+token+`"}}`), nil
			}
			return newResponse(req, 200, `{"access_token":"`+token+`","token_type":"Bearer","expires_in":"3600"}`), nil
		}
	}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth", capture(v1Token))
	mt.RegisterResponder(http.MethodPost, testBase+"/v2/auth/token", capture(v2Token))
	mt.RegisterResponder(http.MethodGet, attributesURL, func(req *http.Request) (*http.Response, error) {
		if h := req.Header.Get("Authorization"); h != "Bearer "+v1Token {
			t.Errorf("v1 data call Authorization = %q", h)
		}
		return newResponse(req, 200, `{"success":true,"data":[]}`), nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/persons/7", func(req *http.Request) (*http.Response, error) {
		if h := req.Header.Get("Authorization"); h != "Bearer "+v2Token {
			t.Errorf("v2 data call Authorization = %q", h)
		}
		return newResponse(req, 200, `{"id":"7"}`), nil
	})
	if _, err := c.Attributes(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPerson(t.Context(), "7"); err != nil {
		t.Fatal(err)
	}
	want := map[string]url.Values{
		"/v1/auth":       {"client_id": {testID}, "client_secret": {testSecret}},
		"/v2/auth/token": {"client_id": {testID}, "client_secret": {testSecret}, "grant_type": {"client_credentials"}, "scope": {"personio:persons:read personio:org-units:read"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("token request forms (-want +got):\n%s", diff)
	}
}

func TestTokenIsCached(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	tc := registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, attributesURL, respond(200, `{"success":true,"data":[]}`))
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/persons/1", respond(200, `{"id":"1"}`))
	for range 5 {
		if _, err := c.Attributes(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetPerson(t.Context(), "1"); err != nil {
			t.Fatal(err)
		}
	}
	if tc.v1.Load() != 1 || tc.v2.Load() != 1 {
		t.Errorf("token requests v1=%d v2=%d, want one each", tc.v1.Load(), tc.v2.Load())
	}
}

// TestConcurrentRefreshAtExpiry has 50 goroutines ask for the token the moment it
// expires: exactly one token request is made and everyone gets the new token.
func TestConcurrentRefreshAtExpiry(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	clock := newFakeClock()
	c.v1tok.now = clock.Now
	var issued atomic.Int64
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth", func(req *http.Request) (*http.Response, error) {
		n := issued.Add(1)
		time.Sleep(20 * time.Millisecond) // keep the fetch in flight while the others arrive
		return newResponse(req, 200, fmt.Sprintf(`{"success":true,"data":{"token":"tok-%d"}}`, n)), nil
	})
	var seenMu sync.Mutex
	seen := map[string]int{}
	mt.RegisterResponder(http.MethodGet, attributesURL, func(req *http.Request) (*http.Response, error) {
		seenMu.Lock()
		seen[req.Header.Get("Authorization")]++
		seenMu.Unlock()
		return newResponse(req, 200, `{"success":true,"data":[]}`), nil
	})
	if _, err := c.Attributes(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultV1TokenLifetime) // the token is now exactly expired

	const n = 50
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			<-start
			if _, err := c.Attributes(t.Context()); err != nil {
				errs <- err
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := issued.Load(); got != 2 {
		t.Errorf("token requests = %d, want 2 (the first and exactly one refresh)", got)
	}
	want := map[string]int{"Bearer tok-1": 1, "Bearer tok-2": n}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("tokens used (-want +got):\n%s", diff)
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		after   time.Duration
		fetches int64
	}{
		{"fresh", time.Hour, 1},
		{"outside the margin", DefaultV1TokenLifetime - 10*time.Minute, 1},
		{"inside the margin", DefaultV1TokenLifetime - 4*time.Minute, 2},
		{"expired", DefaultV1TokenLifetime + time.Second, 2},
		{"long expired", 72 * time.Hour, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			clock := newFakeClock()
			c.v1tok.now = clock.Now
			tc := registerTokens(mt)
			mt.RegisterResponder(http.MethodGet, attributesURL, respond(200, `{"success":true,"data":[]}`))
			for _, step := range []time.Duration{0, tt.after} {
				clock.Advance(step)
				if _, err := c.Attributes(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			if got := tc.v1.Load(); got != tt.fetches {
				t.Errorf("token requests = %d, want %d", got, tt.fetches)
			}
		})
	}
}

func TestTokenLifetimeFromResponse(t *testing.T) {
	t.Parallel()
	ts := newTokenSource("v2", func(context.Context) (string, time.Duration, error) { return "t", time.Minute, nil })
	clock := newFakeClock()
	ts.now = clock.Now
	if _, err := ts.get(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(61 * time.Second)
	ts.mu.Lock()
	expired := !clock.Now().Before(ts.expires)
	ts.mu.Unlock()
	if !expired {
		t.Fatal("a one-minute token is still valid after 61 s")
	}
	if _, err := ts.get(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ts.fetches.Load(); got != 2 {
		t.Errorf("fetches = %d, want 2: an expired token must not be reused", got)
	}
}

// TestRefreshOn401 checks the 401 → refresh → resend path, once.
func TestRefreshOn401(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		statuses []int // answers of the data endpoint, in turn
		wantErr  bool
		tokens   int64
	}{
		{"401 then ok", []int{401, 200}, false, 2},
		{"401 twice", []int{401, 401}, true, 2},
		{"ok", []int{200}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			var issued atomic.Int64
			mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth", func(req *http.Request) (*http.Response, error) {
				return newResponse(req, 200, fmt.Sprintf(`{"success":true,"data":{"token":"tok-%d"}}`, issued.Add(1))), nil
			})
			var calls atomic.Int64
			var sent []string
			var mu sync.Mutex
			mt.RegisterResponder(http.MethodGet, attributesURL, func(req *http.Request) (*http.Response, error) {
				i := int(calls.Add(1)) - 1
				mu.Lock()
				sent = append(sent, req.Header.Get("Authorization"))
				mu.Unlock()
				st := tt.statuses[min(i, len(tt.statuses)-1)]
				if st == 401 {
					return newResponse(req, 401, `{"success":false,"error":{"code":401,"message":"The token has been blacklisted"}}`), nil
				}
				return newResponse(req, 200, `{"success":true,"data":[]}`), nil
			})
			_, err := c.Attributes(t.Context())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && (!strings.Contains(err.Error(), "blacklisted") || strings.Contains(err.Error(), "tok-")) {
				t.Errorf("error should carry Personio's message and no token: %v", err)
			}
			if got := issued.Load(); got != tt.tokens {
				t.Errorf("token requests = %d, want %d", got, tt.tokens)
			}
			for i := 1; i < len(sent); i++ {
				if sent[i] == sent[i-1] {
					t.Errorf("the resend after a 401 reused the rejected token: %v", sent)
				}
			}
		})
	}
}

func TestRefreshKeepsNewerToken(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	ts := newTokenSource("v1", func(context.Context) (string, time.Duration, error) {
		return fmt.Sprintf("t%d", n.Add(1)), time.Hour, nil
	})
	if _, err := ts.get(t.Context()); err != nil { // t1
		t.Fatal(err)
	}
	if err := ts.refresh(t.Context(), "t1"); err != nil { // t1 rejected: t2
		t.Fatal(err)
	}
	if err := ts.refresh(t.Context(), "t1"); err != nil { // a late 401 for t1: keep t2
		t.Fatal(err)
	}
	if got, _ := ts.get(t.Context()); got != "t2" || n.Load() != 2 {
		t.Errorf("token = %s after %d fetches, want t2 after 2", got, n.Load())
	}
}

func TestRotatedTokenAdopted(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	tc := registerTokens(mt)
	var calls atomic.Int64
	var sent []string
	mt.RegisterResponder(http.MethodGet, attributesURL, func(req *http.Request) (*http.Response, error) {
		n := calls.Add(1)
		sent = append(sent, req.Header.Get("Authorization"))
		return newResponse(req, 200, `{"success":true,"data":[]}`, "Authorization", fmt.Sprintf("Bearer rotated-%d", n)), nil
	})
	for range 3 {
		if _, err := c.Attributes(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"Bearer " + v1Token, "Bearer rotated-1", "Bearer rotated-2"}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("tokens sent (-want +got):\n%s", diff)
	}
	if tc.v1.Load() != 1 || !c.v1tok.rotating() {
		t.Errorf("token requests = %d, rotating = %v; want 1 and true", tc.v1.Load(), c.v1tok.rotating())
	}
}

func TestStableTokenEchoIsNotRotation(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, attributesURL, respond(200, `{"success":true,"data":[]}`, "Authorization", "Bearer "+v1Token))
	for range 2 {
		if _, err := c.Attributes(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if c.v1tok.rotating() {
		t.Error("an echoed, unchanged token was taken for rotation")
	}
}

func TestTokenWaitHonoursContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	ts := newTokenSource("v1", func(ctx context.Context) (string, time.Duration, error) {
		<-release
		return "t", time.Hour, nil
	})
	go func() { _, _ = ts.get(context.Background()) }()
	for ts.fetches.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := ts.get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting caller got %v, want its deadline", err)
	}
	close(release)
	if tok, err := ts.get(t.Context()); err != nil || tok != "t" {
		t.Errorf("get = %q, %v", tok, err)
	}
}

func TestTokenFetchCancelledRetriedByWaiter(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	started := make(chan struct{})
	ts := newTokenSource("v1", func(ctx context.Context) (string, time.Duration, error) {
		if n.Add(1) == 1 {
			close(started)
			<-ctx.Done()
			return "", 0, ctx.Err()
		}
		return "t2", time.Hour, nil
	})
	ctx1, cancel1 := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := ts.get(ctx1); done <- err }()
	<-started
	got := make(chan string, 1)
	go func() { tok, _ := ts.get(t.Context()); got <- tok }()
	time.Sleep(10 * time.Millisecond) // let the second caller wait on the first fetch
	cancel1()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: %v", err)
	}
	if tok := <-got; tok != "t2" {
		t.Errorf("second caller got %q, want a token of its own fetch", tok)
	}
}
