package transport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Defaults applied to zero Config fields.
const (
	// DefaultRateLimit is the client-side request rate, in requests per second.
	DefaultRateLimit rate.Limit = 10
	// DefaultBurst is how many requests may be sent at once before the rate applies.
	DefaultBurst = 10
	// DefaultMaxAttempts is how many requests one call sends at most (the first attempt
	// and three retries).
	DefaultMaxAttempts = 4
	// DefaultMinWait is the first backoff between attempts.
	DefaultMinWait = 500 * time.Millisecond
	// DefaultMaxWait caps one backoff.
	DefaultMaxWait = 30 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After the client waits for.
	DefaultMaxRetryAfter = 2 * time.Minute
	// DefaultMaxBodyBytes caps a successful response body (64 MiB).
	DefaultMaxBodyBytes int64 = 64 << 20
	// DefaultMaxErrorBodyBytes caps how much of an error response is read (64 KiB).
	DefaultMaxErrorBodyBytes int64 = 64 << 10
	// DefaultTimeout is the per-attempt timeout of the HTTP client built when
	// Config.HTTPClient is nil.
	DefaultTimeout = 60 * time.Second
)

// NoRateLimit as Config.RateLimit (or a provider's Config.RateLimit) switches the
// client-side rate limit off. It is rate.Inf, so a provider converts its float64 field
// with rate.Limit(x) alone.
const NoRateLimit = math.MaxFloat64

// Pacing after a 429 (see the package documentation).
const (
	// RateLimitPause is the shortest client-wide pause after a 429 without Retry-After
	// (Personio advises waiting at least a second).
	RateLimitPause = time.Second
	// RateLimitQuietPeriod is how long a client keeps its limiter's burst at 1 after a 429
	// (or a 503 with Retry-After): the configured burst comes back once this long has
	// passed without another one. Both APIs count their limits per minute.
	RateLimitQuietPeriod = time.Minute
)

// DefaultRequestIDHeaders returns the response headers searched for a request id when
// Config.RequestIDHeaders is empty, in order of preference.
func DefaultRequestIDHeaders() []string {
	return []string{"X-Request-Id", "X-Correlation-Id", "X-Trace-Id", "Trace-Id"}
}

// userAgentBase starts every User-Agent header the package sends.
const userAgentBase = "hrisconnect/" + hrisconnect.Version + " (+https://github.com/hrisconnect/hrisconnect)"

// Config configures a Client. Zero values mean the documented defaults.
type Config struct {
	// Provider names the API ("personio"). It starts every error message
	// ("personio: GET ...") and is attached to every log record. Required.
	Provider string
	// BaseURL is scheme://host[:port][/prefix]. Relative request paths resolve against it,
	// and its origin (scheme, host, port) is the only one credentials are sent to. It must
	// use https, except for loopback hosts (localhost, 127.0.0.0/8, ::1), which may use plain
	// http for tests and fakes. Required.
	BaseURL string
	// HTTPClient sends the requests. nil means a client with a 60 s timeout and its own
	// connection pool. The client is never modified: it is copied and its Transport is
	// wrapped. Its Timeout applies to each attempt (sending, waiting for and reading the
	// response) and not to rate-limit or backoff waits; bound a whole call with the
	// context. Its CheckRedirect, if any, runs after the client's own origin check.
	HTTPClient *http.Client
	// Logger receives one Debug record per attempt and one Info record per retry. nil
	// means silent. Records never contain headers, bodies or credentials.
	// go-retryablehttp's own logger is always silenced (it does not redact query strings).
	Logger *slog.Logger
	// UserAgent is a product token appended to the User-Agent header,
	// "hrisconnect/<Version> (+https://github.com/hrisconnect/hrisconnect) <UserAgent>".
	UserAgent string
	// RateLimit is the client-side request rate in requests per second; 0 means
	// DefaultRateLimit, NoRateLimit (rate.Inf, or anything as large, +Inf included) no
	// limit.
	RateLimit rate.Limit
	// Burst is how many requests may be sent at once; 0 means DefaultBurst.
	Burst int
	// Limiter, when set, is used instead of a limiter built from RateLimit and Burst, so
	// several clients can share one budget (one per tenant, say). The client lowers and
	// restores the rate and burst of this limiter (after a 429, and when X-RateLimit-*
	// headers say the budget runs low), so clients sharing it are paced together.
	Limiter *rate.Limiter
	// MaxAttempts is how many requests one call (Do or DoJSON) sends at most, the first
	// one included, whatever fails: connection errors, 429, 502, 503, 504, bodies cut
	// short or (DoJSON) not JSON. 0 means DefaultMaxAttempts, 1 disables retries. The one
	// resend after a credential refresh (see Authorizer) does not count.
	MaxAttempts int
	// MinWait is the first backoff; 0 means DefaultMinWait, or MaxWait when that is
	// shorter.
	MinWait time.Duration
	// MaxWait caps one backoff; 0 means DefaultMaxWait.
	MaxWait time.Duration
	// MaxRetryAfter is the longest Retry-After the client honours. When the API asks for
	// a longer wait the request fails at once with the *unified.APIError, whose RetryAfter
	// says how long the API asked for. 0 means DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// MaxBodyBytes caps a successful response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxErrorBodyBytes caps how much of an error response body is read for decoding and
	// kept in APIError.Body; 0 means DefaultMaxErrorBodyBytes.
	MaxErrorBodyBytes int64
	// Auth adds credentials to requests to the BaseURL's origin. Optional.
	Auth Authorizer
	// DecodeError is the provider's hook that fills Code, Message and, if it finds one,
	// RequestID of e from the error body (at most MaxErrorBodyBytes, not yet redacted). It
	// must tolerate bodies that are not JSON (HTML gateway pages). nil means
	// DecodeJSONError. Whatever the hook sets is redacted and clipped afterwards.
	DecodeError func(e *unified.APIError, body []byte)
	// Secrets returns the current secret strings (client secret, tokens, API keys). Every
	// one of them, and any token after "Bearer " or "Basic ", is replaced with
	// "[REDACTED]" in errors, log records and APIError.Body. It may be called concurrently.
	Secrets func() []string
	// RequestIDHeaders are the response headers that carry a request id, in order of
	// preference; empty means DefaultRequestIDHeaders.
	RequestIDHeaders []string
}

// String describes the configuration without anything that could hold a credential:
// Auth, Secrets and the hooks are only reported as set or not.
func (cfg Config) String() string {
	return fmt.Sprintf("transport.Config{Provider: %q, BaseURL: %q, RateLimit: %v, Burst: %d, SharedLimiter: %t, MaxAttempts: %d, Auth: %t, Secrets: %t}",
		cfg.Provider, sanitizeString(cfg.BaseURL), cfg.RateLimit, cfg.Burst, cfg.Limiter != nil, cfg.MaxAttempts, cfg.Auth != nil, cfg.Secrets != nil)
}

// GoString is String, so that %#v prints no credentials either.
func (cfg Config) GoString() string { return cfg.String() }

// LogValue describes the configuration for slog, like String.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("provider", cfg.Provider),
		slog.String("base_url", sanitizeString(cfg.BaseURL)),
		slog.Bool("auth", cfg.Auth != nil),
	)
}

// Authorizer adds credentials to requests. Implementations must be safe for concurrent
// use.
type Authorizer interface {
	// Authorize adds credentials to req, a clone owned by the transport, for one attempt.
	// It is called only for requests to the BaseURL's origin (scheme, host, port), never
	// for another host, including after a redirect. Requests it sends through the same
	// Client (to fetch a token) must set Request.NoAuth.
	Authorize(ctx context.Context, req *http.Request) error
	// Refresh is called at most once per call (Do or DoJSON) when the API answers 401 to
	// a request that carried the Authorization header value rejected; it should obtain new
	// credentials unless another goroutine already replaced rejected. The request is then
	// sent once more, outside the MaxAttempts budget.
	Refresh(ctx context.Context, rejected string) error
}

// ResponseObserver is an optional extension of Authorizer: when Config.Auth implements
// it, ObserveResponse is called with every response from the API origin, before its body
// is read (to adopt a rotated token echoed in a response header, say). It must not read or
// close the body.
type ResponseObserver interface {
	ObserveResponse(resp *http.Response)
}

// Request describes one API call.
type Request struct {
	// Method is the HTTP method; "" means GET.
	Method string
	// Path is relative to BaseURL ("/v1/company/employees" and "v1/me" both resolve under
	// the BaseURL's path prefix), or an absolute URL on the BaseURL's origin such as a
	// next-page link. A path that already starts with the prefix is used as it is. URLs on
	// other origins are refused with an error wrapping ErrForeignOrigin.
	Path string
	// Query is added to the URL's query (after any query already in Path).
	Query url.Values
	// Header holds extra request headers.
	Header http.Header
	// Body is the request body, sent again on retries.
	Body []byte
	// ContentType of Body; when empty and Body is not, "application/json".
	ContentType string
	// Idempotent allows retries for a method that is not idempotent (a token POST, say).
	// GET, HEAD, OPTIONS, TRACE, PUT and DELETE are always retried.
	Idempotent bool
	// NoAuth skips Config.Auth (for the token endpoints themselves).
	NoAuth bool
}

// Rate is the rate-limit state an API last reported in its X-RateLimit-* headers.
type Rate struct {
	// Limit is the request budget of the current window (X-RateLimit-Limit).
	Limit int
	// Remaining is what is left of it (X-RateLimit-Remaining).
	Remaining int
	// Reset is when the window ends (X-RateLimit-Reset).
	Reset time.Time
	// Observed is when the headers were received.
	Observed time.Time
}

// Client sends API requests with retries, rate limiting, authorization, error decoding,
// body-size caps and secret redaction. It is safe for concurrent use by multiple
// goroutines; its configuration cannot change after New.
type Client struct {
	provider      string
	base          *url.URL // path without trailing slash
	origin        origin
	log           *slog.Logger
	userAgent     string
	maxAttempts   int
	minWait       time.Duration
	maxWait       time.Duration
	maxRetryAfter time.Duration
	maxBody       int64
	maxErrBody    int64
	auth          Authorizer
	observer      ResponseObserver
	decodeError   func(*unified.APIError, []byte)
	secrets       func() []string
	reqIDHeaders  []string
	timeout       time.Duration     // per attempt
	baseRT        http.RoundTripper // the configured transport
	hc            http.Client       // the configured client without Timeout; each call sets Transport
	pace          pacer
}

// New validates cfg and returns a Client. Configuration errors wrap
// unified.ErrInvalidConfig.
func New(cfg Config) (*Client, error) {
	provider := strings.TrimSpace(cfg.Provider)
	if provider == "" {
		return nil, fmt.Errorf("transport: %w: Provider is required", unified.ErrInvalidConfig)
	}
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: %s", provider, unified.ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, invalid("%v", err)
	}
	// The messages name the fields of the providers' Config types, which share these
	// fields and their rules: 0 is the default, a negative value is an error.
	switch {
	case strings.ContainsFunc(cfg.UserAgent, isControl):
		return nil, invalid("Config.UserAgent must not contain control characters")
	case cfg.RateLimit < 0 || math.IsNaN(float64(cfg.RateLimit)):
		return nil, invalid("Config.RateLimit must be a number of requests per second, not %v (0 means the default, NoRateLimit no limit)", float64(cfg.RateLimit))
	case cfg.Burst < 0:
		return nil, invalid("Config.Burst must not be negative (0 means the default)")
	case cfg.MaxAttempts < 0:
		return nil, invalid("Config.MaxAttempts must not be negative (0 means %d, 1 disables retries)", DefaultMaxAttempts)
	case cfg.MinWait < 0:
		return nil, invalid("Config.MinWait must not be negative (0 means %s)", DefaultMinWait)
	case cfg.MaxWait < 0:
		return nil, invalid("Config.MaxWait must not be negative (0 means %s)", DefaultMaxWait)
	case cfg.MaxRetryAfter < 0:
		return nil, invalid("Config.MaxRetryAfter must not be negative (0 means %s)", DefaultMaxRetryAfter)
	case cfg.MaxBodyBytes < 0, cfg.MaxErrorBodyBytes < 0:
		return nil, invalid("MaxBodyBytes and MaxErrorBodyBytes must not be negative")
	}
	if cfg.RateLimit >= NoRateLimit {
		cfg.RateLimit = rate.Inf // +Inf too
	}
	maxWait := cmp.Or(cfg.MaxWait, DefaultMaxWait)

	c := &Client{
		provider:      provider,
		base:          base,
		origin:        originOf(base),
		userAgent:     userAgentBase,
		maxAttempts:   cmp.Or(cfg.MaxAttempts, DefaultMaxAttempts),
		minWait:       cmp.Or(cfg.MinWait, min(DefaultMinWait, maxWait)),
		maxWait:       maxWait,
		maxRetryAfter: cmp.Or(cfg.MaxRetryAfter, DefaultMaxRetryAfter),
		maxBody:       cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
		maxErrBody:    cmp.Or(cfg.MaxErrorBodyBytes, DefaultMaxErrorBodyBytes),
		auth:          cfg.Auth,
		decodeError:   cfg.DecodeError,
		secrets:       cfg.Secrets,
	}
	if c.decodeError == nil {
		c.decodeError = DecodeJSONError
	}
	if c.minWait > c.maxWait {
		return nil, invalid("Config.MinWait (%s) must not exceed MaxWait (%s)", c.minWait, c.maxWait)
	}
	if cfg.UserAgent != "" {
		c.userAgent += " " + strings.TrimSpace(cfg.UserAgent)
	}
	c.observer, _ = cfg.Auth.(ResponseObserver)
	for _, h := range cfg.RequestIDHeaders {
		if h = strings.TrimSpace(h); h != "" {
			c.reqIDHeaders = append(c.reqIDHeaders, http.CanonicalHeaderKey(h))
		}
	}
	if len(c.reqIDHeaders) == 0 {
		c.reqIDHeaders = DefaultRequestIDHeaders()
	}

	lim := cfg.Limiter
	if lim == nil {
		lim = rate.NewLimiter(cmp.Or(cfg.RateLimit, DefaultRateLimit), cmp.Or(cfg.Burst, DefaultBurst))
	} else if lim.Burst() < 1 && lim.Limit() != rate.Inf {
		return nil, invalid("Config.Limiter has burst %d and would never allow a request", lim.Burst())
	}
	c.pace.init(lim)

	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c.log = logger.With(slog.String("provider", provider))

	// The configured client is copied, never modified. Its Timeout moves into the round
	// tripper of each call so that it bounds each attempt but not the waits between them.
	if cfg.HTTPClient != nil {
		c.hc = *cfg.HTTPClient
	} else {
		c.hc = *NewDefaultClient()
	}
	c.timeout, c.baseRT = c.hc.Timeout, c.hc.Transport
	if c.baseRT == nil {
		c.baseRT = http.DefaultTransport
	}
	c.hc.Timeout = 0
	c.hc.CheckRedirect = c.checkRedirect(c.hc.CheckRedirect)
	return c, nil
}

// DefaultIdleConnsPerHost is how many idle connections to the API the default transport
// keeps: more than a client runs requests at once, so that parallel requests reuse their
// connections instead of opening (and handshaking) new ones; net/http keeps 2.
const DefaultIdleConnsPerHost = 16

// NewDefaultClient returns the client used when Config.HTTPClient is nil: DefaultTimeout
// per attempt, and a connection pool of its own (see NewDefaultTransport).
func NewDefaultClient() *http.Client {
	return &http.Client{Timeout: DefaultTimeout, Transport: NewDefaultTransport()}
}

// NewDefaultTransport returns the transport of the default client: a clone of
// http.DefaultTransport that keeps DefaultIdleConnsPerHost idle connections per host.
func NewDefaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t = t.Clone()
		t.MaxIdleConnsPerHost = DefaultIdleConnsPerHost
		return t
	}
	return http.DefaultTransport
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// parseBaseURL validates and normalises Config.BaseURL. Its errors never echo the URL, which
// may hold credentials.
func parseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("BaseURL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("BaseURL is not a valid URL: %v", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("BaseURL must be an https URL such as https://api.example.com, not %q", u.Scheme+":")
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("BaseURL has no host")
	case u.User != nil:
		return nil, fmt.Errorf("BaseURL %s must not contain credentials (user:password@); configure them on the provider client", SanitizeURL(u))
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("BaseURL %s must not have a query or fragment", SanitizeURL(u))
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("BaseURL %s uses plain http: use https (plain http is only allowed for loopback hosts: localhost, 127.0.0.0/8, ::1)", SanitizeURL(u))
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// origin is the (scheme, host, port) triple credentials are bound to.
type origin struct{ scheme, host, port string }

func originOf(u *url.URL) origin {
	o := origin{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if o.port == "" {
		switch o.scheme {
		case "https":
			o.port = "443"
		case "http":
			o.port = "80"
		}
	}
	return o
}

// ResolveURL resolves ref (a path relative to BaseURL or an absolute URL) and checks
// that the result is on the BaseURL's origin. Relative paths keep the BaseURL's path
// prefix whether or not they start with "/", unless they already start with it. Errors
// wrap ErrForeignOrigin (another origin) or unified.ErrInvalidValue (not a usable URL).
func (c *Client) ResolveURL(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: request URL is not valid: %s: %w", c.provider, c.redact(err.Error()), unified.ErrInvalidValue)
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Scheme != "" || u.Host != "" {
		if u.Scheme == "" {
			u.Scheme = c.base.Scheme
		}
		if u.User != nil {
			return nil, fmt.Errorf("%s: request URL %s must not contain credentials (user:password@): %w", c.provider, c.sanitize(u), unified.ErrInvalidValue)
		}
		if o := originOf(u); o != c.origin {
			return nil, fmt.Errorf("%s: %w", c.provider, c.foreignOriginError("refusing request to", u))
		}
		u.Scheme, u.Host = c.base.Scheme, c.base.Host // same origin, spelled as configured
		return u, nil
	}
	prefix := c.base.EscapedPath()
	if ep := u.EscapedPath(); prefix == "" || !(ep == prefix || strings.HasPrefix(ep, prefix+"/")) {
		u.Path = strings.TrimLeft(u.Path, "/")
		u.RawPath = strings.TrimLeft(u.RawPath, "/")
	}
	dir := *c.base
	dir.Path += "/"
	if dir.RawPath != "" {
		dir.RawPath += "/"
	}
	return dir.ResolveReference(u), nil
}

// BaseURL returns a copy of the configured base URL (without a trailing slash).
func (c *Client) BaseURL() *url.URL {
	u := *c.base
	return &u
}

// Provider returns the configured provider name.
func (c *Client) Provider() string { return c.provider }

// Limiter returns the client's rate limiter, so that a caller fanning out work can wait on
// the same budget.
func (c *Client) Limiter() *rate.Limiter { return c.pace.lim }

// Rate returns the rate-limit state the API last reported in X-RateLimit-* headers; the
// zero Rate if it never did. Responses without X-RateLimit-Remaining leave it unchanged.
func (c *Client) Rate() Rate {
	c.pace.mu.Lock()
	defer c.pace.mu.Unlock()
	return c.pace.last
}

// CloseIdleConnections closes idle connections of the underlying transport, if it
// supports that. The transport's own retry machinery never does so, because the
// transport may be shared with other code.
func (c *Client) CloseIdleConnections() {
	if t, ok := c.baseRT.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// String describes the client without any credentials.
func (c *Client) String() string {
	return fmt.Sprintf("transport.Client{provider: %s, base: %s}", c.provider, SanitizeURL(c.base))
}

// GoString is String, so that %#v prints no credentials either.
func (c *Client) GoString() string { return c.String() }

// LogValue describes the client for slog without any credentials.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("provider", c.provider), slog.String("base", SanitizeURL(c.base)))
}
