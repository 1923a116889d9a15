package faulttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Distinctive credentials: no output of the module may ever contain them. The secret
// and the key have characters that URL and JSON escaping change.
const (
	secretClientID = "papi-client-id-4711"
	secretClient   = "pers-S3CRET/clnt+Xq=7"
	secretToken    = "papi-TOKEN-9f8e7d6c5b4a"
	secretKey      = "lat-S3CRET-key-2b9a/+="
)

var allSecrets = []string{secretClient, secretToken, secretKey}

// capture collects everything a scenario printed: error texts in every fmt verb, and the
// records of a text and a JSON slog handler.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// logger returns a debug logger that writes text and JSON records into c.
func (c *capture) logger() *slog.Logger {
	text := slog.NewTextHandler(c, &slog.HandlerOptions{Level: slog.LevelDebug})
	js := slog.NewJSONHandler(c, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(teeHandler{text, js})
}

// printAll prints v with every fmt verb a program might use, and logs it.
func (c *capture) printAll(log *slog.Logger, name string, v any) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(c, verb+"\n", v)
	}
	log.Info("value", slog.Any(name, v))
	if err, ok := v.(error); ok {
		log.Error("failed", slog.Any("err", err), slog.String("text", err.Error()))
		var apiErr *unified.APIError
		if errors.As(err, &apiErr) {
			fmt.Fprintf(c, "%s\n%+v\n", apiErr.Body, *apiErr)
		}
	}
}

// assertClean fails the test if the capture holds any secret, in plain or escaped form.
func (c *capture) assertClean(t *testing.T) {
	t.Helper()
	out := c.String()
	for _, s := range allSecrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(fmt.Sprintf("%q", s), `"`)} {
			if i := strings.Index(out, form); i >= 0 {
				lo, hi := max(0, i-120), min(len(out), i+len(form)+40)
				t.Fatalf("output reveals the secret %q:\n…%s…", form, out[lo:hi])
			}
		}
	}
}

// teeHandler sends every record to several handlers.
type teeHandler []slog.Handler

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool { return true }
func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	for _, x := range h {
		if err := x.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}
func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(teeHandler, len(h))
	for i, x := range h {
		out[i] = x.WithAttrs(as)
	}
	return out
}
func (h teeHandler) WithGroup(g string) slog.Handler {
	out := make(teeHandler, len(h))
	for i, x := range h {
		out[i] = x.WithGroup(g)
	}
	return out
}

// echoServer is an API that behaves as badly as possible with credentials: it accepts
// only the secrets above, and every error it sends quotes back the credential it was
// sent, in its body and in its headers.
type echoServer struct {
	*httptest.Server
	status int // the answer to every data request
}

func newEchoServer(t *testing.T, status int) *echoServer {
	s := &echoServer{status: status}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *echoServer) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	auth := r.Header.Get("Authorization")
	tok := strings.TrimPrefix(auth, "Bearer ")
	echo := fmt.Sprintf("credential %s (header %q, client_secret %s) refused", tok, auth, r.Form.Get("client_secret"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Echo", auth)
	w.Header().Set("X-Request-Id", "req-"+tok)
	switch {
	case r.URL.Path == "/v1/auth" || r.URL.Path == "/v2/auth/token":
		if r.Form.Get("client_secret") != secretClient {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"success":false,"error":{"code":401,"message":%q},"error_description":%q}`, echo, echo)
			return
		}
		fmt.Fprintf(w, `{"success":true,"data":{"token":%q},"access_token":%q,"token_type":"Bearer","expires_in":3600}`, secretToken, secretToken)
		return
	case s.status == http.StatusTooManyRequests || s.status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "0")
	}
	w.WriteHeader(s.status)
	fmt.Fprintf(w, `{"success":false,"error":{"code":%d,"message":%q},"errors":[{"title":%q,"detail":%q}],"personio_trace_id":%q}`,
		s.status, echo, echo, echo, "trace-"+tok)
}

// secureTarget builds the directories the security scenarios run against.
type secureTarget struct {
	name string
	open func(base string, hc *http.Client, log *slog.Logger, secret string) (unified.Directory, error)
}

func secureTargets() []secureTarget {
	pers := func(v2 bool) func(string, *http.Client, *slog.Logger, string) (unified.Directory, error) {
		return func(base string, hc *http.Client, log *slog.Logger, secret string) (unified.Directory, error) {
			c, err := personio.New(personio.Config{
				ClientID: secretClientID, ClientSecret: secret, BaseURL: base, HTTPClient: hc, Logger: log,
				RateLimit: personio.NoRateLimit, MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond,
			})
			if err != nil {
				return nil, err
			}
			if v2 {
				return c.Directory(personio.WithV2()), nil
			}
			return c.Directory(), nil
		}
	}
	return []secureTarget{
		{"personio-v1", pers(false)},
		{"personio-v2", pers(true)},
		{"lattice", func(base string, hc *http.Client, log *slog.Logger, secret string) (unified.Directory, error) {
			key := secretKey
			if secret != secretClient {
				key = secret
			}
			c, err := lattice.New(lattice.Config{
				APIKey: key, BaseURL: base, HTTPClient: hc, Logger: log,
				RateLimit: lattice.NoRateLimit, MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond,
			})
			if err != nil {
				return nil, err
			}
			return c.Directory(), nil
		}},
	}
}

// TestNoSecretInErrorsOrLogs runs every error path of both providers against a server
// that echoes credentials, with debug logging on, and checks that neither the errors (in
// every fmt verb, through slog's text and JSON handlers) nor the log records reveal the
// client secret, a token or the API key.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	type scenario struct {
		name   string
		status int    // the echo server's answer to data requests
		secret string // the client secret or key the client is configured with
		call   func(ctx context.Context, d unified.Directory) error
		want   error
	}
	list := func(ctx context.Context, d unified.Directory) error {
		_, err := unified.All(ctx, d, &unified.ListOptions{PageSize: 5})
		return err
	}
	get := func(ctx context.Context, d unified.Directory) error {
		_, err := d.GetUser(ctx, "12")
		return err
	}
	scenarios := []scenario{
		{name: "auth failure", status: 200, secret: "wrong-" + secretClient, call: list, want: unified.ErrUnauthorized},
		{name: "401", status: 401, secret: secretClient, call: list, want: unified.ErrUnauthorized},
		{name: "403", status: 403, secret: secretClient, call: list, want: unified.ErrForbidden},
		{name: "404", status: 404, secret: secretClient, call: get, want: unified.ErrNotFound},
		{name: "429", status: 429, secret: secretClient, call: list, want: unified.ErrRateLimited},
		{name: "500", status: 500, secret: secretClient, call: list, want: unified.ErrUnavailable},
		{name: "503", status: 503, secret: secretClient, call: get, want: unified.ErrUnavailable},
	}
	for _, tgt := range secureTargets() {
		for _, sc := range scenarios {
			if tgt.name == "lattice" && sc.name == "auth failure" {
				continue // Lattice has no token exchange: a rejected key is the 401 row
			}
			t.Run(tgt.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				var out capture
				log := out.logger()
				srv := newEchoServer(t, sc.status)
				d, err := tgt.open(srv.URL, srv.Client(), log, sc.secret)
				if err != nil {
					t.Fatal(err)
				}
				err = sc.call(t.Context(), d)
				if !errors.Is(err, sc.want) {
					t.Fatalf("err = %v, want %v", err, sc.want)
				}
				out.printAll(log, "err", err)
				out.printAll(log, "directory", d)
				out.assertClean(t)
				if !strings.Contains(out.String(), "REDACTED") && sc.status != 200 {
					// The server echoed a credential; redaction must have replaced it.
					t.Errorf("no [REDACTED] marker in the output; was the echoed credential dropped or never printed?\n%s", out.String())
				}
			})
		}
	}
}

// TestNoSecretInTransportErrors lets every target fail to connect (a closed server) with
// debug logging on: the errors and the records of the retries reveal no credential.
func TestNoSecretInTransportErrors(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	base, hc := closed.URL, closed.Client()
	closed.Close()
	for _, tgt := range secureTargets() {
		t.Run(tgt.name, func(t *testing.T) {
			t.Parallel()
			var out capture
			log := out.logger()
			d, err := tgt.open(base+"/?access_token="+url.QueryEscape(secretToken), hc, log, secretClient)
			if err != nil {
				// A base URL with a query is refused: the error must not show it either.
				out.printAll(log, "config error", err)
				d, err = tgt.open(base, hc, log, secretClient)
				if err != nil {
					t.Fatal(err)
				}
			}
			_, err = unified.All(t.Context(), d, nil)
			if !errors.Is(err, unified.ErrUnavailable) {
				t.Errorf("err = %v, want ErrUnavailable (connection refused after the retries)", err)
			}
			out.printAll(log, "err", err)
			out.assertClean(t)
		})
	}
}

// TestNoSecretInConfigsAndClients prints configurations, clients, directories, fakes and
// configuration errors with every fmt verb and both slog handlers.
func TestNoSecretInConfigsAndClients(t *testing.T) {
	t.Parallel()
	var out capture
	log := out.logger()

	pcfg := personio.Config{ClientID: secretClientID, ClientSecret: secretClient, BaseURL: "https://api.personio.de"}
	lcfg := lattice.Config{APIKey: secretKey}
	pc, err := personio.New(pcfg)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := lattice.New(lcfg)
	if err != nil {
		t.Fatal(err)
	}
	// The fakes' String and GoString hide their credentials too (slog's JSON handler, which
	// marshals their exported fields, is not covered: a fake's credentials are not secret).
	ps := personiotest.NewTestServer(t, personiotest.WithCredentials(secretClientID, secretClient))
	ls := latticetest.NewTestServer(t, latticetest.WithAPIKey(secretKey))
	for _, v := range []any{ps, ls} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	for name, v := range map[string]any{
		"personio config": pcfg, "personio config pointer": &pcfg, "personio client": pc,
		"personio directory": pc.Directory(), "personio v2 directory": pc.Directory(personio.WithV2()),
		"lattice config": lcfg, "lattice config pointer": &lcfg, "lattice client": lc, "lattice directory": lc.Directory(),
	} {
		out.printAll(log, name, v)
	}

	// Configuration errors name the field, never its value.
	badConfigs := map[string]func() error{
		"personio id with spaces": func() error {
			_, err := personio.New(personio.Config{ClientID: "id " + secretClient, ClientSecret: secretClient})
			return err
		},
		"personio secret with control character": func() error {
			_, err := personio.New(personio.Config{ClientID: secretClientID, ClientSecret: secretClient + "\x01"})
			return err
		},
		"personio plain http": func() error {
			_, err := personio.New(personio.Config{ClientID: secretClientID, ClientSecret: secretClient, BaseURL: "http://api.example.com/?token=" + secretToken})
			return err
		},
		"personio secret in base URL": func() error {
			_, err := personio.New(personio.Config{ClientID: secretClientID, ClientSecret: secretClient, BaseURL: "ftp://u:" + url.QueryEscape(secretClient) + "@api.example.com"})
			return err
		},
		"lattice key with white space": func() error {
			_, err := lattice.New(lattice.Config{APIKey: secretKey + " " + secretKey})
			return err
		},
		"lattice plain http": func() error {
			_, err := lattice.New(lattice.Config{APIKey: secretKey, BaseURL: "http://api.example.com/?key=" + url.QueryEscape(secretKey)})
			return err
		},
	}
	for name, f := range badConfigs {
		err := f()
		if !errors.Is(err, unified.ErrInvalidConfig) && !errors.Is(err, unified.ErrInvalidValue) {
			t.Errorf("%s: err = %v, want a configuration error", name, err)
		}
		out.printAll(log, name, err)
	}

	// Cursor and mapping errors.
	ctx := t.Context()
	_, err = pc.Directory().ListUsers(ctx, &unified.ListOptions{Cursor: "v1." + secretToken})
	if !errors.Is(err, unified.ErrInvalidCursor) {
		t.Errorf("tampered cursor: err = %v, want ErrInvalidCursor", err)
	}
	out.printAll(log, "cursor error", err)
	_, err = lc.Directory().ListUsers(ctx, &unified.ListOptions{Cursor: secretKey})
	if !errors.Is(err, unified.ErrInvalidCursor) {
		t.Errorf("foreign cursor: err = %v, want ErrInvalidCursor", err)
	}
	out.printAll(log, "cursor error", err)
	_, err = mapping.LoadSpec(strings.NewReader(`{"name":"x","fields":[{"target":"title","source":"dynamic_1","transform":"nope"}]}`))
	out.printAll(log, "mapping error", err)
	out.assertClean(t)
}

// headerRecorder is a server on another origin that records what it receives.
type headerRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // method, URL, headers and body of every request
}

func newHeaderRecorder(t *testing.T) *headerRecorder {
	h := &headerRecorder{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.seen = append(h.seen, fmt.Sprintf("%s %s %v %s", r.Method, r.URL, r.Header, body))
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *headerRecorder) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// TestNoCredentialsAfterCrossOriginRedirect points both providers at an API that
// redirects every authenticated request to another origin (another port of 127.0.0.1),
// which records what it gets: the redirect is refused, and no credential reaches it.
func TestNoCredentialsAfterCrossOriginRedirect(t *testing.T) {
	t.Parallel()
	for _, tgt := range secureTargets() {
		t.Run(tgt.name, func(t *testing.T) {
			t.Parallel()
			other := newHeaderRecorder(t)
			api := newEchoServer(t, http.StatusOK)
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == "" {
					api.Config.Handler.ServeHTTP(w, r) // the token exchange works
					return
				}
				for _, code := range []int{http.StatusFound} {
					http.Redirect(w, r, other.URL+r.URL.RequestURI(), code)
				}
			}))
			t.Cleanup(redirector.Close)
			var out capture
			d, err := tgt.open(redirector.URL, redirector.Client(), out.logger(), secretClient)
			if err != nil {
				t.Fatal(err)
			}
			_, err = unified.All(t.Context(), d, nil)
			if !errors.Is(err, transport.ErrForeignOrigin) {
				t.Errorf("err = %v, want a refused redirect (transport.ErrForeignOrigin)", err)
			}
			if reqs := other.requests(); len(reqs) > 0 {
				for _, r := range reqs {
					if strings.Contains(r, "Authorization") || strings.Contains(r, secretToken) || strings.Contains(r, secretKey) || strings.Contains(r, url.QueryEscape(secretClient)) {
						t.Errorf("credential sent to another origin: %s", r)
					}
				}
			}
			out.printAll(out.logger(), "err", err)
			out.assertClean(t)
		})
	}
}

// TestPlainHTTPOnlyForLoopback checks the base URLs both clients accept: https anywhere,
// plain http only on loopback hosts.
func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base string
		ok   bool
	}{
		{"https://api.example.com", true},
		{"http://127.0.0.1:8080", true},
		{"http://127.9.9.9", true},
		{"http://localhost:1234/prefix", true},
		{"http://[::1]:9000", true},
		{"http://api.example.com", false},
		{"http://10.0.0.1", false},
		{"http://192.168.1.10:8080", false},
		{"http://127.0.0.1.example.com", false},
		{"http://localhost.example.com", false},
		{"http://[::ffff:10.0.0.1]", false},
		{"ftp://127.0.0.1", false},
	}
	for _, tt := range tests {
		_, perr := personio.New(personio.Config{ClientID: secretClientID, ClientSecret: secretClient, BaseURL: tt.base})
		_, lerr := lattice.New(lattice.Config{APIKey: secretKey, BaseURL: tt.base})
		for name, err := range map[string]error{"personio": perr, "lattice": lerr} {
			if (err == nil) != tt.ok {
				t.Errorf("%s BaseURL %s: err = %v, want accepted = %v", name, tt.base, err, tt.ok)
			}
			if err != nil && !errors.Is(err, unified.ErrInvalidConfig) {
				t.Errorf("%s BaseURL %s: err = %v, want it to match ErrInvalidConfig", name, tt.base, err)
			}
		}
	}
}

// TestResponseBodiesCapped serves a success body announced as larger than the clients'
// cap (64 MiB) and an error body of 4 MiB: the first fails with ErrResponseTooLarge
// before it is read, the second is kept only in part. (Bodies without a Content-Length
// are cut at the cap as they are read: see the transport's tests, which use a small cap.)
func TestResponseBodiesCapped(t *testing.T) {
	t.Parallel()
	const chunk = 1 << 20
	spaces := bytes.Repeat([]byte(" "), chunk)
	huge := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/auth" || r.URL.Path == "/v2/auth/token" {
			newEchoServer(t, 200).Config.Handler.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/attributes") { // Personio's catalogue, read first
			_, _ = w.Write([]byte(`{"success":true,"data":[]}`))
			return
		}
		if strings.HasSuffix(r.URL.Path, "/12") { // GetUser: an error with a large body
			w.WriteHeader(http.StatusInternalServerError)
			for range 4 {
				_, _ = w.Write(spaces)
			}
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(transport.DefaultMaxBodyBytes+1))
		_, _ = w.Write(spaces) // and then less than announced: the client must not wait for it
	}
	for _, tgt := range secureTargets() {
		t.Run(tgt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(huge))
			t.Cleanup(srv.Close)
			d, err := tgt.open(srv.URL, srv.Client(), nil, secretClient)
			if err != nil {
				t.Fatal(err)
			}
			_, err = unified.All(t.Context(), d, nil)
			if !errors.Is(err, unified.ErrResponseTooLarge) {
				t.Errorf("listing: err = %v, want ErrResponseTooLarge", err)
			}
			_, err = d.GetUser(t.Context(), "12")
			var apiErr *unified.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("GetUser: err = %v, want an *unified.APIError", err)
			}
			if int64(len(apiErr.Body)) > transport.DefaultMaxErrorBodyBytes {
				t.Errorf("APIError.Body holds %d bytes, want at most %d", len(apiErr.Body), transport.DefaultMaxErrorBodyBytes)
			}
		})
	}
}

// TestTokenNotUsedBeyondItsLifetime gives Personio tokens a lifetime of one second, in a
// synctest bubble with the fake in memory: after it, the client fetches a new token before
// its next request instead of sending the expired one (the fake would answer 401).
func TestTokenNotUsedBeyondItsLifetime(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	for _, v2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("v2=%v", v2), func(t *testing.T) {
			t.Parallel()
			s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 20), personiotest.WithTokenTTL(ttl))
			synctest.Test(t, func(t *testing.T) {
				cfg := s.ClientConfig()
				cfg.HTTPClient = s.InMemoryClient()
				cfg.V1TokenLifetime = ttl
				c, err := personio.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				var opts []personio.DirectoryOption
				if v2 {
					opts = append(opts, personio.WithV2())
				}
				d := c.Directory(opts...)
				id := fmt.Sprint(s.Company().People[0].ID)
				if _, err := d.GetUser(t.Context(), id); err != nil {
					t.Fatal(err)
				}
				issued := s.TokensIssued()
				time.Sleep(ttl + 100*time.Millisecond) // the bubble's clock
				if _, err := d.GetUser(t.Context(), id); err != nil {
					t.Fatal(err)
				}
				if got := s.TokensIssued(); got != issued+1 {
					t.Errorf("tokens issued = %d after the lifetime, want %d (one new token)", got, issued+1)
				}
				for _, r := range s.Requests() {
					if r.Status == http.StatusUnauthorized {
						t.Errorf("%s %s was answered 401: an expired token was sent", r.Method, r.Path)
					}
				}
			})
		})
	}
}

// TestConcurrentTokenRefreshOnFake has 50 goroutines ask for users just after the
// Personio token expired, in a synctest bubble with the fake in memory (20 ms a request):
// exactly one new token is fetched. (The unit test personio.TestConcurrentRefreshAtExpiry
// proves the same with a fake clock.)
func TestConcurrentTokenRefreshOnFake(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 20), personiotest.WithTokenTTL(ttl),
		personiotest.WithLatency(20*time.Millisecond))
	synctest.Test(t, func(t *testing.T) {
		cfg := s.ClientConfig()
		cfg.HTTPClient = s.InMemoryClient()
		cfg.V1TokenLifetime = ttl
		c, err := personio.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		d := c.Directory()
		id := fmt.Sprint(s.Company().People[0].ID)
		if _, err := d.GetUser(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		issued := s.TokensIssued()
		time.Sleep(ttl) // the bubble's clock
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for range 50 {
			wg.Go(func() {
				if _, err := d.GetUser(t.Context(), id); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got := s.TokensIssued() - issued; got != 1 {
			t.Errorf("tokens fetched by 50 concurrent callers at expiry = %d, want exactly 1", got)
		}
	})
}

// TestForgedCursorCannotRedirectCredentials hands the Personio v2 directory a cursor
// forged (with the codec, which is not a secret) to carry a next link on another origin:
// the client refuses to follow it, and the other server receives nothing.
func TestForgedCursorCannotRedirectCredentials(t *testing.T) {
	t.Parallel()
	other := newHeaderRecorder(t)
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 20))
	c, err := personio.New(s.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, href := range []string{other.URL + "/v2/persons?cursor=x", "//" + strings.TrimPrefix(other.URL, "http://") + "/v2/persons"} {
		forged, err := cursor.Encode("personio", (&unified.Filter{}).Fingerprint(), map[string]string{"h": href})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Directory(personio.WithV2()).ListUsers(t.Context(), &unified.ListOptions{Cursor: forged})
		if !errors.Is(err, transport.ErrForeignOrigin) {
			t.Errorf("next link %s: err = %v, want the link refused (transport.ErrForeignOrigin)", href, err)
		}
	}
	if reqs := other.requests(); len(reqs) > 0 {
		t.Errorf("the other origin received %d requests: %v", len(reqs), reqs)
	}
}
