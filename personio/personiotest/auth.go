package personiotest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// tokenKind tells v1 tokens from v2 access tokens: each API accepts only its own.
type tokenKind uint8

const (
	tokenV1 tokenKind = iota + 1
	tokenV2
)

type token struct {
	kind        tokenKind
	expires     time.Time
	scopes      []string // v2
	blacklisted bool     // consumed by legacy rotation
	revoked     bool     // expired by ExpireTokens
}

// tokenStore holds the tokens a server has issued.
type tokenStore struct {
	mu        sync.Mutex
	m         map[string]*token
	v1Current string // the token /v1/auth hands out again while it is valid
}

// maxTokens bounds the store; beyond it, tokens that can no longer be used are dropped
// (they then count as unknown rather than blacklisted or expired).
const maxTokens = 50000

func newTokenStore() *tokenStore { return &tokenStore{m: make(map[string]*token)} }

// newToken returns a fresh random token in Personio's "papi-" form.
func newToken() string { return "papi-" + rand.Text() + rand.Text() }

// mintLocked issues a token; ts.mu must be held.
func (ts *tokenStore) mintLocked(t *token, now time.Time) string {
	if len(ts.m) >= maxTokens {
		for k, v := range ts.m {
			if v.blacklisted || v.revoked || !now.Before(v.expires) {
				delete(ts.m, k)
			}
		}
	}
	key := newToken()
	ts.m[key] = t
	return key
}

func (ts *tokenStore) expireAll() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, t := range ts.m {
		t.revoked = true
	}
	ts.v1Current = ""
}

// checkLocked looks tok up for kind at now and returns it, or the reason it is
// unusable; ts.mu must be held.
func (ts *tokenStore) checkLocked(tok string, kind tokenKind, now time.Time) (*token, string) {
	t, ok := ts.m[tok]
	switch {
	case !ok || t.kind != kind:
		return nil, "The token is not valid"
	case t.blacklisted:
		return nil, "The token has been blacklisted"
	case t.revoked || !now.Before(t.expires):
		return nil, "The token has expired"
	}
	return t, ""
}

// bearer returns the token of an "Authorization: Bearer <token>" header, or "".
func bearer(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// sameSecret compares credentials in constant time.
func sameSecret(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// v1Auth serves POST /v1/auth. The credential may come as query parameters, a JSON body
// or a form body.
func (s *Server) v1Auth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, secret := q.Get("client_id"), q.Get("client_secret")
	if id == "" && secret == "" && r.Body != nil {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch ct {
		case "application/json":
			var body struct {
				ClientID     string `json:"client_id"`
				ClientSecret string `json:"client_secret"`
			}
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
				s.writeV1Error(w, http.StatusBadRequest, "The request body is not valid JSON")
				return
			}
			id, secret = body.ClientID, body.ClientSecret
		default:
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if ct == "" {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if err := r.ParseForm(); err != nil {
				s.writeV1Error(w, http.StatusBadRequest, "The request body could not be read")
				return
			}
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
	}
	if id == "" || secret == "" {
		s.writeV1Error(w, http.StatusBadRequest, "The fields client_id and client_secret are required")
		return
	}
	if !sameSecret(id, s.ClientID) || !sameSecret(secret, s.ClientSecret) {
		s.writeV1Error(w, http.StatusUnauthorized, "Wrong credentials")
		return
	}
	now := s.now()
	ts := s.tokens
	ts.mu.Lock()
	tok := ts.v1Current
	if tok != "" && !s.cfg.legacyRotation {
		if _, why := ts.checkLocked(tok, tokenV1, now); why != "" {
			tok = ""
		}
	} else {
		tok = ""
	}
	if tok == "" {
		tok = ts.mintLocked(&token{kind: tokenV1, expires: now.Add(s.cfg.ttl)}, now)
		ts.v1Current = tok
		s.issued.Add(1)
	}
	ts.mu.Unlock()
	var body struct {
		Success bool `json:"success"`
		Data    struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	body.Success, body.Data.Token = true, tok
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json", body)
}

// v1Authorize checks the bearer token of a v1 data request. It returns the token the
// response must echo (a new one under legacy rotation, when rotate is set), or answers
// 401 and returns false. A request whose answer echoes no token (the profile picture)
// passes rotate false: it consumes no token.
func (s *Server) v1Authorize(w http.ResponseWriter, r *http.Request, rotate bool) (string, bool) {
	tok := bearer(r)
	if tok == "" {
		s.writeV1Error(w, http.StatusUnauthorized, "Authorization is not provided")
		return "", false
	}
	now := s.now()
	ts := s.tokens
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, why := ts.checkLocked(tok, tokenV1, now)
	if t == nil {
		s.writeV1Error(w, http.StatusUnauthorized, why)
		return "", false
	}
	if !s.cfg.legacyRotation || !rotate {
		return tok, true
	}
	t.blacklisted = true
	next := ts.mintLocked(&token{kind: tokenV1, expires: now.Add(s.cfg.ttl)}, now)
	ts.v1Current = next
	return next, true
}

// v2Token serves POST /v2/auth/token (OAuth2 client credentials, form-encoded only).
func (s *Server) v2Token(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request",
			"The content type of the request must be application/x-www-form-urlencoded",
			"credentials.oauth2.invalid_request.content_type", nil)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request",
			"The request body could not be read.", "credentials.oauth2.invalid_request", nil)
		return
	}
	f := r.PostForm
	var missing []string
	for _, k := range []string{"grant_type", "client_id", "client_secret"} {
		if f.Get(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		s.writeOAuthError(w, http.StatusBadRequest, "invalid_request",
			"The request has missing or invalid required parameters.",
			"credentials.oauth2.invalid_request.required_parameters_missing", missing)
		return
	}
	if g := f.Get("grant_type"); g != "client_credentials" {
		s.writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type",
			"The grant type is not supported. Use client_credentials.",
			"credentials.oauth2.unsupported_grant_type", nil)
		return
	}
	if !sameSecret(f.Get("client_id"), s.ClientID) || !sameSecret(f.Get("client_secret"), s.ClientSecret) {
		s.writeOAuthError(w, http.StatusBadRequest, "unauthorized_client",
			"The credentials were not correct or the client is not authorized.",
			"credentials.oauth2.unauthorized_client", nil)
		return
	}
	scopes := s.cfg.scopes
	if sc := strings.Fields(f.Get("scope")); len(sc) > 0 {
		for _, x := range sc {
			if !slices.Contains(s.cfg.scopes, x) {
				s.writeOAuthError(w, http.StatusBadRequest, "invalid_scope",
					"The requested scope is invalid, unknown or not granted to the client.",
					"credentials.oauth2.invalid_scope", nil)
				return
			}
		}
		scopes = slices.Compact(slices.Sorted(slices.Values(sc)))
	}
	now := s.now()
	s.tokens.mu.Lock()
	tok := s.tokens.mintLocked(&token{kind: tokenV2, expires: now.Add(s.cfg.ttl), scopes: scopes}, now)
	s.tokens.mu.Unlock()
	s.issued.Add(1)

	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json", struct {
		AccessToken  string  `json:"access_token"`
		TokenType    string  `json:"token_type"`
		ExpiresIn    int64   `json:"expires_in"`
		Scope        string  `json:"scope"`
		RefreshToken *string `json:"refresh_token"`
	}{tok, "Bearer", int64(s.cfg.ttl / time.Second), strings.Join(scopes, " "), nil})
}

// v2Authorize checks the bearer token and scope of a v2 resource request; on failure it
// answers 401 or 403 and returns false.
func (s *Server) v2Authorize(w http.ResponseWriter, r *http.Request, scope string) bool {
	tok := bearer(r)
	if tok == "" {
		s.writeProblem(w, http.StatusUnauthorized, "Unauthorized",
			"The request has no access token. Send Authorization: Bearer <token>.", "common.unauthorized")
		return false
	}
	s.tokens.mu.Lock()
	t, why := s.tokens.checkLocked(tok, tokenV2, s.now())
	var ok bool
	if t != nil {
		ok = slices.Contains(t.scopes, scope)
	}
	s.tokens.mu.Unlock()
	switch {
	case t == nil:
		s.writeProblem(w, http.StatusUnauthorized, "Unauthorized", why+".", "common.unauthorized")
		return false
	case !ok:
		s.writeProblem(w, http.StatusForbidden, "Insufficient access scope",
			"Client scope insufficient to access resource", forbiddenType)
		return false
	}
	return true
}
