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
	"testing/synctest"
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
// expires, in virtual time: exactly one token request is made and everyone gets the new
// token.
func TestConcurrentRefreshAtExpiry(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, nil)
		var issued atomic.Int64
		mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth", func(req *http.Request) (*http.Response, error) {
			n := issued.Add(1)
			time.Sleep(time.Second) // the token endpoint's round trip, in the bubble's time
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
		time.Sleep(DefaultV1TokenLifetime - time.Second) // fetched at 0, so it expires now

		const n = 50
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if _, err := c.Attributes(t.Context()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := issued.Load(); got != 2 {
			t.Errorf("token requests = %d, want 2 (the first and exactly one refresh)", got)
		}
		want := map[string]int{"Bearer tok-1": 1, "Bearer tok-2": n}
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Errorf("tokens used (-want +got):\n%s", diff)
		}
	})
}

// TestTokenRefreshedBeforeExpiry uses the token again after some time, in virtual time:
// a token is renewed within its refresh margin (a tenth of its lifetime, at most five
// minutes) and after its expiry, never before. The v2 lifetime comes from expires_in.
func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	const v2Lifetime = time.Hour // expires_in 3600: a margin of 5 minutes
	tests := []struct {
		name    string
		v2      bool
		after   time.Duration
		fetches int64
	}{
		{"v1 fresh", false, time.Hour, 1},
		{"v1 outside the margin", false, DefaultV1TokenLifetime - 10*time.Minute, 1},
		{"v1 inside the margin", false, DefaultV1TokenLifetime - 4*time.Minute, 2},
		{"v1 expired", false, DefaultV1TokenLifetime + time.Second, 2},
		{"v1 long expired", false, 72 * time.Hour, 2},
		{"v2 outside the margin", true, v2Lifetime - 6*time.Minute, 1},
		{"v2 inside the margin", true, v2Lifetime - 4*time.Minute, 2},
		{"v2 expired", true, v2Lifetime, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, mt := mockClient(t, nil)
				var fetches atomic.Int64
				mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth", func(req *http.Request) (*http.Response, error) {
					fetches.Add(1)
					return newResponse(req, 200, `{"success":true,"data":{"token":"`+v1Token+`"}}`), nil
				})
				mt.RegisterResponder(http.MethodPost, testBase+"/v2/auth/token", func(req *http.Request) (*http.Response, error) {
					fetches.Add(1)
					return newResponse(req, 200, `{"access_token":"`+v2Token+`","token_type":"Bearer","expires_in":3600}`), nil
				})
				mt.RegisterResponder(http.MethodGet, attributesURL, respond(200, `{"success":true,"data":[]}`))
				mt.RegisterResponder(http.MethodGet, testBase+"/v2/persons/1", respond(200, `{"id":"1"}`))
				call := func() {
					var err error
					if tt.v2 {
						_, err = c.GetPerson(t.Context(), "1")
					} else {
						_, err = c.Attributes(t.Context())
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				call()
				time.Sleep(tt.after)
				call()
				if got := fetches.Load(); got != tt.fetches {
					t.Errorf("token requests = %d, want %d", got, tt.fetches)
				}
			})
		})
	}
}

// TestTokenLifetimeFromResponse drives a token source whose tokens live one minute
// (margin 6 s): it is reused until the margin, renewed after it.
func TestTokenLifetimeFromResponse(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ts := newTokenSource("v2", func(context.Context) (string, time.Duration, error) { return "t", time.Minute, nil })
		for _, step := range []struct {
			sleep   time.Duration
			fetches int64
		}{{0, 1}, {50 * time.Second, 1}, {5 * time.Second, 2}, {61 * time.Second, 3}} {
			time.Sleep(step.sleep)
			if _, err := ts.get(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := ts.fetches.Load(); got != step.fetches {
				t.Errorf("after %v more: %d fetches, want %d", step.sleep, got, step.fetches)
			}
		}
	})
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
			synctest.Test(t, func(t *testing.T) { testRefreshOn401(t, tt.statuses, tt.wantErr, tt.tokens) })
		})
	}
}

// testRefreshOn401 reads the attributes once while the endpoint answers statuses in turn.
func testRefreshOn401(t *testing.T, statuses []int, wantErr bool, tokens int64) {
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
		st := statuses[min(i, len(statuses)-1)]
		if st == 401 {
			return newResponse(req, 401, `{"success":false,"error":{"code":401,"message":"The token has been blacklisted"}}`), nil
		}
		return newResponse(req, 200, `{"success":true,"data":[]}`), nil
	})
	_, err := c.Attributes(t.Context())
	if (err != nil) != wantErr {
		t.Fatalf("err = %v, wantErr %v", err, wantErr)
	}
	if err != nil && (!strings.Contains(err.Error(), "blacklisted") || strings.Contains(err.Error(), "tok-")) {
		t.Errorf("error should carry Personio's message and no token: %v", err)
	}
	if got := issued.Load(); got != tokens {
		t.Errorf("token requests = %d, want %d", got, tokens)
	}
	for i := 1; i < len(sent); i++ {
		if sent[i] == sent[i-1] {
			t.Errorf("the resend after a 401 reused the rejected token: %v", sent)
		}
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

// TestTokenWaitHonoursContext has a caller wait for a token fetch that another caller
// started: its own deadline ends the wait, not the fetch, whose token the next caller
// gets without another request.
func TestTokenWaitHonoursContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		ts := newTokenSource("v1", func(ctx context.Context) (string, time.Duration, error) {
			<-release
			return "t", time.Hour, nil
		})
		first := make(chan error, 1)
		go func() { _, err := ts.get(t.Context()); first <- err }()
		synctest.Wait() // the fetch is running
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		if _, err := ts.get(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("waiting caller got %v, want its deadline", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Errorf("the caller that fetched: %v", err)
		}
		if tok, err := ts.get(t.Context()); err != nil || tok != "t" || ts.fetches.Load() != 1 {
			t.Errorf("get = %q, %v after %d fetches, want the fetched token after 1", tok, err, ts.fetches.Load())
		}
	})
}

// TestTokenFetchCancelledRetriedByWaiter cancels the caller whose fetch another caller
// waits for: the waiter, whose context is live, fetches a token of its own.
func TestTokenFetchCancelledRetriedByWaiter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		ts := newTokenSource("v1", func(ctx context.Context) (string, time.Duration, error) {
			if n.Add(1) == 1 {
				<-ctx.Done()
				return "", 0, ctx.Err()
			}
			return "t2", time.Hour, nil
		})
		ctx1, cancel1 := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { _, err := ts.get(ctx1); done <- err }()
		synctest.Wait() // the first fetch is running
		got := make(chan string, 1)
		go func() { tok, _ := ts.get(t.Context()); got <- tok }()
		synctest.Wait() // the second caller waits for it
		cancel1()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("first caller: %v", err)
		}
		if tok := <-got; tok != "t2" || n.Load() != 2 {
			t.Errorf("second caller got %q after %d fetches, want a token of its own fetch", tok, n.Load())
		}
	})
}
