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
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/hrisconnect/hrisconnect/internal/transport"
)

// tokenSource caches one access token and fetches a new one when there is none, when it is
// about to expire, or when the API rejected it. Concurrent callers share one fetch
// (singleflight): while it runs, everyone who needs a token waits for it, or for their
// context.
//
// A token is never used after its expiry: an expired token is dropped from the cache the
// first time the cache is consulted after the expiry.
type tokenSource struct {
	api   string // "v1" or "v2", for errors
	fetch func(ctx context.Context) (token string, lifetime time.Duration, err error)
	sf    singleflight.Group

	fetches atomic.Int64 // token requests made, for tests

	mu        sync.Mutex
	token     string
	expires   time.Time // the token must not be used from then on
	refreshAt time.Time // fetch a new token from then on
	rotated   bool      // a token was adopted from a response header (legacy v1 rotation)
}

// refreshMargin is how long before its expiry a token is replaced: a tenth of its
// lifetime, at most five minutes.
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(5*time.Minute, lifetime/10)
}

func newTokenSource(api string, fetch func(context.Context) (string, time.Duration, error)) *tokenSource {
	return &tokenSource{api: api, fetch: fetch}
}

// get returns a valid token, fetching one if needed.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	if tok := s.cached(); tok != "" {
		return tok, nil
	}
	return shared(ctx, &s.sf, "token", func(ctx context.Context) (string, error) {
		if tok := s.cached(); tok != "" { // fetched by a call that ended meanwhile
			return tok, nil
		}
		start := time.Now()
		s.fetches.Add(1)
		tok, life, err := s.fetch(ctx)
		if err == nil && tok == "" {
			err = fmt.Errorf("personio: %s authentication returned no token", s.api)
		}
		if err != nil {
			return "", err
		}
		s.mu.Lock()
		s.setLocked(tok, start, life)
		s.mu.Unlock()
		return tok, nil
	})
}

// cached returns the cached token if it may still be used without a refresh, else "".
func (s *tokenSource) cached() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.token != "" && !now.Before(s.expires) {
		s.token = "" // never keep a token beyond its lifetime
	}
	if now.Before(s.refreshAt) {
		return s.token
	}
	return ""
}

func (s *tokenSource) setLocked(tok string, at time.Time, life time.Duration) {
	s.token = tok
	s.expires = at.Add(life)
	s.refreshAt = s.expires.Add(-refreshMargin(life))
}

// refresh replaces the token after the API rejected rejected, unless another caller
// already replaced it.
func (s *tokenSource) refresh(ctx context.Context, rejected string) error {
	s.mu.Lock()
	if s.token == rejected && rejected != "" {
		s.token, s.refreshAt = "", time.Time{}
	}
	s.mu.Unlock()
	_, err := s.get(ctx)
	return err
}

// adopt takes over a token the API sent back in place of sent (v1 legacy rotation). A
// token echoed for a request made with an older token is ignored.
func (s *tokenSource) adopt(tok, sent string, lifetime time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != sent && s.token != "" {
		return
	}
	s.setLocked(tok, time.Now(), lifetime)
	s.rotated = true
}

// current returns the cached token ("" if none), for redaction.
func (s *tokenSource) current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// rotating reports whether the API has rotated the token in a response header.
func (s *tokenSource) rotating() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rotated
}

// bearerToken returns the token of an "Authorization: Bearer <token>" value, or "".
func bearerToken(h string) string {
	const prefix = "bearer "
	h = strings.TrimSpace(h)
	if len(h) > len(prefix) && strings.EqualFold(h[:len(prefix)], prefix) {
		return strings.TrimSpace(h[len(prefix):])
	}
	return ""
}

// bearerAuth is the transport.Authorizer of one API version.
type bearerAuth struct {
	ts *tokenSource
	// adoptLifetime > 0 makes the authorizer a transport.ResponseObserver that adopts a
	// token echoed in the Authorization response header (v1).
	adoptLifetime time.Duration
}

// Authorize implements transport.Authorizer.
func (a *bearerAuth) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := a.ts.get(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Refresh implements transport.Authorizer.
func (a *bearerAuth) Refresh(ctx context.Context, rejected string) error {
	return a.ts.refresh(ctx, bearerToken(rejected))
}

// v1Auth adds ObserveResponse to bearerAuth: Personio v1 echoes the token in the
// Authorization header of successful responses, and in legacy mode rotates it there.
type v1Auth struct{ bearerAuth }

// ObserveResponse implements transport.ResponseObserver.
func (a *v1Auth) ObserveResponse(resp *http.Response) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Request == nil {
		return
	}
	sent := bearerToken(resp.Request.Header.Get("Authorization"))
	if sent == "" {
		return // the token request itself, or a request without credentials
	}
	echoed := bearerToken(resp.Header.Get("Authorization"))
	if echoed == "" || echoed == sent {
		return
	}
	a.ts.adopt(echoed, sent, a.adoptLifetime)
}

var (
	_ transport.Authorizer       = (*bearerAuth)(nil)
	_ transport.ResponseObserver = (*v1Auth)(nil)
)

const formContentType = "application/x-www-form-urlencoded"

// v1TokenResponse is the answer of POST /v1/auth.
type v1TokenResponse struct {
	Success *bool `json:"success"`
	Data    struct {
		Token     string  `json:"token"`
		ExpiresIn flexInt `json:"expires_in"`
	} `json:"data"`
}

// fetchV1Token requests a v1 token. The credentials travel in a form body, never in the
// query string, which is logged.
func (c *Client) fetchV1Token(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"client_id": {c.clientID}, "client_secret": {string(*c.secret)}}
	var resp v1TokenResponse
	_, err := c.v1.DoJSON(ctx, c.request(&transport.Request{
		Method:      http.MethodPost,
		Path:        "/v1/auth",
		Body:        []byte(form.Encode()),
		ContentType: formContentType,
		Idempotent:  true,
		NoAuth:      true,
	}), &resp)
	if err != nil {
		return "", 0, &AuthError{API: "v1", Err: err}
	}
	if (resp.Success != nil && !*resp.Success) || resp.Data.Token == "" {
		return "", 0, &AuthError{API: "v1", Err: errors.New("the response holds no token")}
	}
	life := c.v1TokenLifetime
	if resp.Data.ExpiresIn.Set && resp.Data.ExpiresIn.V > 0 {
		life = time.Duration(resp.Data.ExpiresIn.V) * time.Second
	}
	return resp.Data.Token, life, nil
}

// v2TokenResponse is the answer of POST /v2/auth/token.
type v2TokenResponse struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresIn   flexInt `json:"expires_in"`
	Scope       string  `json:"scope"`
}

// fetchV2Token requests a v2 OAuth2 token with the client-credentials grant.
func (c *Client) fetchV2Token(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.clientID},
		"client_secret": {string(*c.secret)},
	}
	if len(c.scopes) > 0 {
		form.Set("scope", strings.Join(c.scopes, " "))
	}
	var resp v2TokenResponse
	_, err := c.v2.DoJSON(ctx, c.request(&transport.Request{
		Method:      http.MethodPost,
		Path:        "/v2/auth/token",
		Body:        []byte(form.Encode()),
		ContentType: formContentType,
		Idempotent:  true,
		NoAuth:      true,
	}), &resp)
	if err != nil {
		return "", 0, &AuthError{API: "v2", Err: err}
	}
	if resp.AccessToken == "" {
		return "", 0, &AuthError{API: "v2", Err: errors.New("the response holds no access_token")}
	}
	if tt := resp.TokenType; tt != "" && !strings.EqualFold(tt, "bearer") {
		return "", 0, &AuthError{API: "v2", Err: fmt.Errorf("unsupported token_type %q", clipText(tt))}
	}
	life := DefaultV2TokenLifetime
	if resp.ExpiresIn.Set && resp.ExpiresIn.V > 0 {
		life = time.Duration(resp.ExpiresIn.V) * time.Second
	}
	return resp.AccessToken, life, nil
}
