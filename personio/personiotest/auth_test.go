package personiotest_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestV1AuthAcceptsQueryJSONAndForm(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithCredentials("my-id", "my-secret"))
	creds := url.Values{"client_id": {"my-id"}, "client_secret": {"my-secret"}}
	tests := []struct {
		name string
		path string
		hdr  http.Header
		body string
	}{
		{"query", "/v1/auth?" + creds.Encode(), nil, ""},
		{"json", "/v1/auth", http.Header{"Content-Type": {"application/json"}}, `{"client_id":"my-id","client_secret":"my-secret"}`},
		{"json with charset", "/v1/auth", http.Header{"Content-Type": {"application/json; charset=utf-8"}}, `{"client_id":"my-id","client_secret":"my-secret"}`},
		{"form", "/v1/auth", formHeader, creds.Encode()},
	}
	var tokens []string
	for _, tt := range tests {
		r := call(t, s, http.MethodPost, tt.path, tt.hdr, tt.body)
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", tt.name, r.status, r.body)
		}
		var out struct {
			Success bool `json:"success"`
			Data    struct {
				Token string `json:"token"`
			} `json:"data"`
		}
		mustDecode(t, r, &out)
		if !out.Success || !strings.HasPrefix(out.Data.Token, "papi-") || len(out.Data.Token) < 30 {
			t.Fatalf("%s: body %s", tt.name, r.body)
		}
		tokens = append(tokens, out.Data.Token)
	}
	// The same credential gets the same token while it is valid.
	for i, tok := range tokens {
		if tok != tokens[0] {
			t.Errorf("%s: token differs from the first one", tests[i].name)
		}
	}
	if n := s.TokensIssued(); n != 1 {
		t.Errorf("TokensIssued = %d, want 1", n)
	}
}

func TestV1AuthErrors(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	bad := url.Values{"client_id": {s.ClientID}, "client_secret": {"wrong"}}
	tests := []struct {
		name   string
		method string
		path   string
		hdr    http.Header
		body   string
		status int
		want   string
	}{
		{"wrong secret in query", "POST", "/v1/auth?" + bad.Encode(), nil, "", 401,
			`{"success":false,"error":{"code":401,"message":"Wrong credentials"}}`},
		{"wrong secret in json", "POST", "/v1/auth", http.Header{"Content-Type": {"application/json"}},
			`{"client_id":"` + s.ClientID + `","client_secret":"nope"}`, 401,
			`{"success":false,"error":{"code":401,"message":"Wrong credentials"}}`},
		{"wrong id in form", "POST", "/v1/auth", formHeader, "client_id=x&client_secret=" + s.ClientSecret, 401,
			`{"success":false,"error":{"code":401,"message":"Wrong credentials"}}`},
		{"missing", "POST", "/v1/auth", nil, "", 400, ""},
		{"broken json", "POST", "/v1/auth", http.Header{"Content-Type": {"application/json"}}, `{"client_id":`, 400, ""},
		{"GET", "GET", "/v1/auth", nil, "", 405, ""},
	}
	for _, tt := range tests {
		r := call(t, s, tt.method, tt.path, tt.hdr, tt.body)
		if r.status != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, r.status, tt.status, r.body)
			continue
		}
		if tt.want != "" && string(r.body) != tt.want {
			t.Errorf("%s: body %s, want %s", tt.name, r.body, tt.want)
		}
		var env struct {
			Success *bool `json:"success"`
			Error   struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		mustDecode(t, r, &env)
		if env.Success == nil || *env.Success || env.Error.Code != tt.status || env.Error.Message == "" {
			t.Errorf("%s: not a v1 error envelope: %s", tt.name, r.body)
		}
		if strings.Contains(string(r.body), s.ClientSecret) {
			t.Errorf("%s: the body reveals the client secret", tt.name)
		}
	}
	if n := s.TokensIssued(); n != 0 {
		t.Errorf("TokensIssued = %d after failed logins, want 0", n)
	}
}

func TestV2Token(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5),
		personiotest.WithScopes(personiotest.ScopePersonsRead, personiotest.ScopeEmploymentsRead))
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	good := []string{"grant_type", "client_credentials", "client_id", s.ClientID, "client_secret", s.ClientSecret}
	type oauthErr struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		URI         string `json:"error_uri"`
		TraceID     string `json:"trace_id"`
		Timestamp   string `json:"timestamp"`
		Meta        struct {
			Missing []string `json:"missing_parameters"`
		} `json:"meta"`
	}
	tests := []struct {
		name        string
		hdr         http.Header
		body        string
		wantError   string
		wantMissing []string
		wantScope   string
	}{
		{name: "all scopes", hdr: formHeader, body: form(good...),
			wantScope: "personio:persons:read personio:employments:read"},
		{name: "one scope", hdr: formHeader, body: form(append(good, "scope", "personio:persons:read")...),
			wantScope: "personio:persons:read"},
		{name: "form with charset", hdr: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=UTF-8"}},
			body: form(good...), wantScope: "personio:persons:read personio:employments:read"},
		{name: "json body", hdr: http.Header{"Content-Type": {"application/json"}},
			body:      `{"grant_type":"client_credentials","client_id":"` + s.ClientID + `","client_secret":"` + s.ClientSecret + `"}`,
			wantError: "invalid_request"},
		{name: "missing grant", hdr: formHeader, body: form(good[2:]...), wantError: "invalid_request",
			wantMissing: []string{"grant_type"}},
		{name: "missing all", hdr: formHeader, body: "", wantError: "invalid_request",
			wantMissing: []string{"grant_type", "client_id", "client_secret"}},
		{name: "password grant", hdr: formHeader, body: form(append([]string{"grant_type", "password"}, good[2:]...)...),
			wantError: "unsupported_grant_type"},
		{name: "wrong secret", hdr: formHeader, body: form(append(good[:4:4], "client_secret", "nope")...),
			wantError: "unauthorized_client"},
		{name: "scope not granted", hdr: formHeader, body: form(append(good, "scope", "personio:org-units:read")...),
			wantError: "invalid_scope"},
		{name: "unknown scope", hdr: formHeader, body: form(append(good, "scope", "personio:persons:read personio:nope")...),
			wantError: "invalid_scope"},
	}
	for _, tt := range tests {
		r := call(t, s, http.MethodPost, "/v2/auth/token", tt.hdr, tt.body)
		if tt.wantError == "" {
			if r.status != http.StatusOK {
				t.Errorf("%s: status %d: %s", tt.name, r.status, r.body)
				continue
			}
			var tok struct {
				AccessToken  string  `json:"access_token"`
				TokenType    string  `json:"token_type"`
				ExpiresIn    int     `json:"expires_in"`
				Scope        string  `json:"scope"`
				RefreshToken *string `json:"refresh_token"`
			}
			mustDecode(t, r, &tok)
			got := []any{strings.HasPrefix(tok.AccessToken, "papi-"), tok.TokenType, tok.ExpiresIn, tok.Scope, tok.RefreshToken}
			want := []any{true, "Bearer", 86400, tt.wantScope, (*string)(nil)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: token response (-want +got):\n%s", tt.name, diff)
			}
			continue
		}
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", tt.name, r.status, r.body)
			continue
		}
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tt.name, ct)
		}
		var e oauthErr
		mustDecode(t, r, &e)
		if e.Error != tt.wantError || e.Description == "" || !strings.HasPrefix(e.URI, "https://developer.personio.de/") ||
			e.TraceID == "" || e.Timestamp == "" {
			t.Errorf("%s: error body %s, want error %q", tt.name, r.body, tt.wantError)
		}
		if diff := cmp.Diff(tt.wantMissing, e.Meta.Missing); diff != "" {
			t.Errorf("%s: missing_parameters (-want +got):\n%s", tt.name, diff)
		}
		if tt.name == "json body" && e.Description != "The content type of the request must be application/x-www-form-urlencoded" {
			t.Errorf("json body: description %q", e.Description)
		}
		if strings.Contains(string(r.body), s.ClientSecret) {
			t.Errorf("%s: the body reveals the client secret", tt.name)
		}
	}
	if n := s.TokensIssued(); n != 3 {
		t.Errorf("TokensIssued = %d, want 3", n)
	}
}

func TestV1BearerChecks(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	tok := v1Token(t, s)
	v2 := v2Token(t, s, "")
	tests := []struct {
		name string
		hdr  http.Header
		want string
	}{
		{"missing", nil, "Authorization is not provided"},
		{"not bearer", http.Header{"Authorization": {"Basic " + tok}}, "Authorization is not provided"},
		{"unknown", bearerHeader("papi-nonsense"), "The token is not valid"},
		{"v2 token", bearerHeader(v2), "The token is not valid"},
	}
	for _, path := range []string{"/v1/company/employees", "/v1/company/employees/10001", "/v1/company/employees/attributes"} {
		for _, tt := range tests {
			r := call(t, s, http.MethodGet, path, tt.hdr, "")
			want := `{"success":false,"error":{"code":401,"message":"` + tt.want + `"}}`
			if r.status != http.StatusUnauthorized || string(r.body) != want {
				t.Errorf("%s %s: %d %s, want 401 %s", path, tt.name, r.status, r.body, want)
			}
			if h := r.header.Get("Authorization"); h != "" {
				t.Errorf("%s %s: a failed call echoes Authorization %q", path, tt.name, h)
			}
		}
		r := get(t, s, tok, path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, clip(r.body))
		}
		if h := r.header.Get("Authorization"); h != "Bearer "+tok {
			t.Errorf("%s: Authorization echo %q, want the token", path, h)
		}
	}
	// The scheme is case-insensitive.
	if r := call(t, s, http.MethodGet, "/v1/company/employees", http.Header{"Authorization": {"bearer " + tok}}, ""); r.status != 200 {
		t.Errorf("lower-case bearer: %d", r.status)
	}
}

func TestV2BearerAndScopes(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	persons := v2Token(t, s, personiotest.ScopePersonsRead)
	all := v2Token(t, s, "")
	v1 := v1Token(t, s)
	paths := map[string]string{
		"/v2/persons":                   personiotest.ScopePersonsRead,
		"/v2/persons/10001":             personiotest.ScopePersonsRead,
		"/v2/persons/10001/employments": personiotest.ScopeEmploymentsRead,
		"/v2/legal-entities":            personiotest.ScopeLegalEntitiesRead,
		"/v2/org-units":                 personiotest.ScopeOrgUnitsRead,
	}
	for path, scope := range paths {
		problem(t, call(t, s, http.MethodGet, path, nil, ""), http.StatusUnauthorized)
		problem(t, get(t, s, "papi-unknown", path), http.StatusUnauthorized)
		problem(t, get(t, s, v1, path), http.StatusUnauthorized)
		if r := get(t, s, all, path); r.status != http.StatusOK {
			t.Errorf("%s with every scope: %d %s", path, r.status, clip(r.body))
		}
		r := get(t, s, persons, path)
		if scope == personiotest.ScopePersonsRead {
			if r.status != http.StatusOK {
				t.Errorf("%s with %s: %d", path, scope, r.status)
			}
			continue
		}
		p := problem(t, r, http.StatusForbidden)
		e := p.Errors[0]
		if e.Title != "Insufficient access scope" || e.Detail != "Client scope insufficient to access resource" ||
			!strings.HasSuffix(e.Type, "#commonforbidden") {
			t.Errorf("%s: 403 body %+v", path, e)
		}
	}
}

func TestLegacyTokenRotation(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithLegacyTokenRotation())
	a := v1Token(t, s)
	if b := v1Token(t, s); b == a {
		t.Fatal("legacy /v1/auth returned the same token twice")
	}
	r := get(t, s, a, "/v1/company/employees?limit=1")
	if r.status != http.StatusOK {
		t.Fatalf("first call: %d", r.status)
	}
	next := strings.TrimPrefix(r.header.Get("Authorization"), "Bearer ")
	if next == "" || next == a || !strings.HasPrefix(next, "papi-") {
		t.Fatalf("rotated token %q", next)
	}
	r = get(t, s, a, "/v1/company/employees?limit=1")
	want := `{"success":false,"error":{"code":401,"message":"The token has been blacklisted"}}`
	if r.status != http.StatusUnauthorized || string(r.body) != want {
		t.Errorf("reusing a consumed token: %d %s", r.status, r.body)
	}
	// Following the chain keeps working.
	for range 3 {
		r = get(t, s, next, "/v1/company/employees/attributes")
		if r.status != http.StatusOK {
			t.Fatalf("chained call: %d %s", r.status, r.body)
		}
		n := strings.TrimPrefix(r.header.Get("Authorization"), "Bearer ")
		if n == next {
			t.Fatal("token did not rotate")
		}
		next = n
	}
	if n := s.TokensIssued(); n != 2 {
		t.Errorf("TokensIssued = %d, want 2 (rotations do not count)", n)
	}
}

func TestTokenTTL(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithClock(clk.Now),
		personiotest.WithTokenTTL(time.Hour))
	v1 := v1Token(t, s)
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	r := call(t, s, http.MethodPost, "/v2/auth/token", formHeader, f.Encode())
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	mustDecode(t, r, &tok)
	if tok.ExpiresIn != 3600 {
		t.Errorf("expires_in = %d, want 3600", tok.ExpiresIn)
	}
	clk.Advance(59 * time.Minute)
	if r := get(t, s, v1, "/v1/company/employees?limit=1"); r.status != http.StatusOK {
		t.Fatalf("v1 token before expiry: %d", r.status)
	}
	if r := get(t, s, tok.AccessToken, "/v2/persons?limit=1"); r.status != http.StatusOK {
		t.Fatalf("v2 token before expiry: %d", r.status)
	}
	if again := v1Token(t, s); again != v1 {
		t.Error("/v1/auth handed out a new token while the old one was valid")
	}
	clk.Advance(2 * time.Minute)
	r = get(t, s, v1, "/v1/company/employees?limit=1")
	if want := `{"success":false,"error":{"code":401,"message":"The token has expired"}}`; r.status != 401 || string(r.body) != want {
		t.Errorf("expired v1 token: %d %s", r.status, r.body)
	}
	problem(t, get(t, s, tok.AccessToken, "/v2/persons?limit=1"), http.StatusUnauthorized)
	fresh := v1Token(t, s)
	if fresh == v1 {
		t.Fatal("/v1/auth returned the expired token")
	}
	if r := get(t, s, fresh, "/v1/company/employees?limit=1"); r.status != http.StatusOK {
		t.Errorf("fresh token: %d", r.status)
	}
	if n := s.TokensIssued(); n != 3 {
		t.Errorf("TokensIssued = %d, want 3", n)
	}
}

func TestExpireTokens(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	v1, v2 := v1Token(t, s), v2Token(t, s, "")
	s.ExpireTokens()
	if r := get(t, s, v1, "/v1/company/employees"); r.status != http.StatusUnauthorized {
		t.Errorf("v1 after ExpireTokens: %d", r.status)
	}
	problem(t, get(t, s, v2, "/v2/persons"), http.StatusUnauthorized)
	v1b := v1Token(t, s)
	if v1b == v1 {
		t.Fatal("re-authentication returned the expired token")
	}
	if r := get(t, s, v1b, "/v1/company/employees"); r.status != http.StatusOK {
		t.Errorf("v1 after re-authentication: %d", r.status)
	}
}

// TestSecretsNotPrinted checks that printing a server never shows its secret.
func TestSecretsNotPrinted(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 1), personiotest.WithCredentials("id", "s3cr3t-value"))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := sprintf(verb, s); strings.Contains(out, "s3cr3t-value") || !strings.Contains(out, s.URL) {
			t.Errorf("%s prints %q", verb, out)
		}
	}
}
