package lattice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

// ProviderName is the name of the provider, as unified.Directory.Provider and
// unified.User.Provider report it.
const ProviderName = "lattice"

// Base URLs of the Lattice Talent API. Request paths ("/v1/users") are appended to them.
const (
	// DefaultBaseURL is the API of Lattice's US region, the default.
	DefaultBaseURL = "https://api.latticehq.com"
	// EMEABaseURL is the API of Lattice's EMEA data-residency region.
	EMEABaseURL = "https://api.emea.latticehq.com"
)

// Client-side rate limit defaults. Lattice allows 240 requests per minute per API key.
const (
	// DefaultRateLimit is 235 requests per minute, a little under Lattice's 240: when the
	// client sends at exactly the API's rate, a request that reaches the API a millisecond
	// sooner after the one before than it left the client finds the API's bucket a
	// fraction of a token short, and is answered 429 (which costs a second at least).
	DefaultRateLimit = 235.0 / 60
	// DefaultBurst is how many requests may go out at once before the rate applies.
	DefaultBurst = 4
)

// NoRateLimit as Config.RateLimit switches the client-side rate limit off: for a fake
// server, or limits lifted by contract.
const NoRateLimit = transport.NoRateLimit

// MaxPageSize is the largest page the API serves (its "limit" parameter). The client asks
// for it whenever no smaller page is requested, because the API's own default is 10.
const MaxPageSize = 100

// Region selects Lattice's data-residency region.
type Region string

// The Lattice regions.
const (
	// RegionUS is the US region (https://api.latticehq.com), the default.
	RegionUS Region = "us"
	// RegionEMEA is the EMEA region (https://api.emea.latticehq.com).
	RegionEMEA Region = "emea"
)

// Config configures a [Client]. Zero values mean the documented defaults; a negative
// number is an error matching unified.ErrInvalidConfig. Only APIKey is required. The
// fields Lattice shares with personio.Config (BaseURL, UserAgent, HTTPClient, RateLimit,
// Burst, Limiter, MaxAttempts, MinWait, MaxWait, MaxRetryAfter, Logger) have the same
// rules in both. latticetest.Server.ClientConfig returns a Config for the fake server.
//
// Config never prints its APIKey: String, GoString, Format (every fmt verb) and LogValue
// show "[REDACTED]" in its place.
type Config struct {
	// APIKey is a Lattice API key, created by an admin under Admin > Settings > Platform >
	// API keys. It inherits the privileges of the admin who created it: a key made by an
	// admin who is not a super admin sees less data, or gets 403 Forbidden on some
	// endpoints. Surrounding white space is ignored. Required.
	APIKey string
	// BaseURL overrides the API location (a proxy, a test server). When it is set, Region
	// is ignored. It must use https, except for loopback hosts. Default: the Region's URL.
	BaseURL string
	// Region is RegionUS (the default) or RegionEMEA. It is ignored when BaseURL is set.
	Region Region
	// HTTPClient sends the requests; it is copied, never modified. nil means a client with
	// a 60 s timeout per attempt that keeps 16 idle connections per host. A client of your
	// own should keep at least as many idle connections per host (http.Transport's
	// MaxIdleConnsPerHost, 2 by default) as the Directory's WithConcurrency, or parallel
	// requests open a new connection each.
	HTTPClient *http.Client
	// RateLimit is the client-side request rate in requests per second; 0 means
	// DefaultRateLimit (just under Lattice's 240 requests per minute), NoRateLimit no
	// limit.
	RateLimit float64
	// Burst is how many requests may go out at once; 0 means DefaultBurst.
	Burst int
	// Limiter, when set, replaces RateLimit and Burst, so that several clients (several
	// directories of one tenant, say) share one budget. Lattice counts its limit per key.
	Limiter *rate.Limiter
	// MaxAttempts is how many requests one call sends at most, whatever fails (429, 502,
	// 503, 504, connection failures, a body cut short or not JSON are retried, with
	// backoff); 0 means 4, 1 disables retries.
	MaxAttempts int
	// MinWait is the first backoff between attempts; 0 means 500 ms, or MaxWait when that
	// is shorter.
	MinWait time.Duration
	// MaxWait caps one backoff; 0 means 30 s.
	MaxWait time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a 429 asking for
	// longer fails at once with an error matching unified.ErrRateLimited. 0 means 2 min.
	MaxRetryAfter time.Duration
	// UserAgent is a product token appended to the User-Agent header ("myapp/1.2").
	UserAgent string
	// Logger receives debug records of every request and info records of retries; nil
	// means silent. Records never contain the API key, headers or bodies.
	Logger *slog.Logger
}

// baseURL returns the URL the client talks to: BaseURL when set, else the Region's.
func (c *Config) baseURL() (string, error) {
	if strings.TrimSpace(c.BaseURL) != "" {
		return strings.TrimSpace(c.BaseURL), nil
	}
	switch c.Region {
	case "", RegionUS:
		return DefaultBaseURL, nil
	case RegionEMEA:
		return EMEABaseURL, nil
	}
	return "", fmt.Errorf("%s: %w: Config.Region %q is not known (want %q or %q, or set BaseURL)",
		ProviderName, unified.ErrInvalidConfig, clip(string(c.Region), 32), RegionUS, RegionEMEA)
}

// String describes c with the API key redacted.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("lattice.Config{APIKey: ")
	b.WriteString(redactedKey(c.APIKey))
	if c.BaseURL != "" {
		b.WriteString(", BaseURL: ")
		b.WriteString(printableURL(c.BaseURL))
	}
	if c.Region != "" {
		fmt.Fprintf(&b, ", Region: %s", clip(string(c.Region), 32))
	}
	switch {
	case c.RateLimit >= NoRateLimit:
		b.WriteString(", RateLimit: NoRateLimit")
	case c.RateLimit != 0:
		fmt.Fprintf(&b, ", RateLimit: %v", c.RateLimit)
	}
	if c.Burst != 0 {
		fmt.Fprintf(&b, ", Burst: %d", c.Burst)
	}
	if c.Limiter != nil {
		b.WriteString(", Limiter: shared")
	}
	if c.MaxAttempts != 0 {
		fmt.Fprintf(&b, ", MaxAttempts: %d", c.MaxAttempts)
	}
	if c.MaxWait != 0 {
		fmt.Fprintf(&b, ", MaxWait: %s", c.MaxWait)
	}
	if c.UserAgent != "" {
		fmt.Fprintf(&b, ", UserAgent: %q", clip(c.UserAgent, 64))
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb (%q quotes it), so that no verb reveals the API key.
func (c Config) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue describes c for log/slog with the API key redacted.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("api_key", redactedKey(c.APIKey))}
	if c.BaseURL != "" {
		attrs = append(attrs, slog.String("base_url", printableURL(c.BaseURL)))
	}
	if c.Region != "" {
		attrs = append(attrs, slog.String("region", clip(string(c.Region), 32)))
	}
	return slog.GroupValue(attrs...)
}

func redactedKey(k string) string {
	if k == "" {
		return `""`
	}
	return "[REDACTED]"
}

// printableURL returns u without userinfo or credential-like query values.
func printableURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "[invalid URL]"
	}
	return transport.SanitizeURL(u)
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	_, _ = io.WriteString(f, s)
}

// Client is a typed client of the Lattice Talent API (v1): users, their direct reports
// and custom attribute values, and departments. Every request goes through one HTTP stack
// with client-side rate limiting (240 requests per minute by default), retries of 429 and
// 5xx answers (honouring Retry-After), error decoding into *unified.APIError, response
// size caps and redaction of the API key.
//
// A Client is safe for concurrent use by multiple goroutines; its configuration cannot
// change after New. It never prints its API key.
type Client struct {
	// The API key is kept only inside the transport (its authorizer and redaction), behind
	// a pointer: printing a value that holds the client by reflection (fmt's %s of a
	// Directory, which cannot call the methods of unexported fields) shows no key.
	tr  *transport.Client
	log *slog.Logger
}

// New validates cfg and returns a Client. Configuration errors wrap
// unified.ErrInvalidConfig and never contain the API key.
func New(cfg Config) (*Client, error) {
	key := strings.TrimSpace(cfg.APIKey)
	switch {
	case key == "":
		return nil, fmt.Errorf("%s: %w: Config.APIKey is required (an admin creates one under Admin > Settings > Platform > API keys)",
			ProviderName, unified.ErrInvalidConfig)
	case strings.IndexFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return nil, fmt.Errorf("%s: %w: Config.APIKey contains white space or control characters; paste the key exactly as Lattice showed it",
			ProviderName, unified.ErrInvalidConfig)
	}
	base, err := cfg.baseURL()
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tr, err := transport.New(transport.Config{
		Provider:      ProviderName,
		BaseURL:       base,
		HTTPClient:    cfg.HTTPClient,
		Logger:        cfg.Logger,
		UserAgent:     cfg.UserAgent,
		RateLimit:     rate.Limit(orDefault(cfg.RateLimit, DefaultRateLimit)),
		Burst:         orDefault(cfg.Burst, DefaultBurst),
		Limiter:       cfg.Limiter,
		MaxAttempts:   cfg.MaxAttempts,
		MinWait:       cfg.MinWait,
		MaxWait:       cfg.MaxWait,
		MaxRetryAfter: cfg.MaxRetryAfter,
		Auth:          bearer("Bearer " + key),
		DecodeError:   decodeError,
		Secrets:       func() []string { return []string{key} },
	})
	if err != nil {
		return nil, scrubKey(err, key)
	}
	return &Client{tr: tr, log: log.With(slog.String("provider", ProviderName))}, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// scrubKey makes sure an error from a dependency cannot carry the key.
func scrubKey(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), key, "[REDACTED]"), err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// BaseURL returns the URL the client sends requests to, without credentials.
func (c *Client) BaseURL() string { return transport.SanitizeURL(c.tr.BaseURL()) }

// Limiter returns the client's rate limiter, shared by every request of the client (and
// by every client configured with the same Config.Limiter).
func (c *Client) Limiter() *rate.Limiter { return c.tr.Limiter() }

// String describes the client without its API key.
func (c *Client) String() string {
	return "lattice.Client{BaseURL: " + c.BaseURL() + ", APIKey: [REDACTED]}"
}

// GoString is String, so that %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb (%q quotes it).
func (c *Client) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue describes the client for log/slog without its API key.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.BaseURL()), slog.String("api_key", "[REDACTED]"))
}

// bearer is the transport's Authorizer: it adds the API key to requests for the API's
// origin only.
type bearer string

func (b bearer) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", string(b))
	return nil
}

// Refresh has nothing to refresh: an API key is static. The transport then sends the
// request once more, and a second 401 is returned as an error matching
// unified.ErrUnauthorized.
func (b bearer) Refresh(context.Context, string) error { return nil }

// decodeError is the transport's DecodeError hook. Lattice documents its error body as
// {"error": "<message>"}; anything else is kept as opaque text (HTML pages are dropped).
// The transport clips and redacts what this sets.
func decodeError(e *unified.APIError, body []byte) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return
	}
	if b[0] == '{' {
		var v struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(b, &v) == nil {
			var s string
			if json.Unmarshal(v.Error, &s) == nil && strings.TrimSpace(s) != "" {
				e.Message = s
				return
			}
		}
	}
	if b[0] == '<' {
		return // an HTML page from a gateway or proxy: no use in a message
	}
	e.Message = string(b)
}

// Hints added to errors that a user can act on.
const (
	hintUnauthorized = "check Config.APIKey (Admin > Settings > Platform > API keys; a deleted key stops working)"
	hintForbidden    = "keys have their creator's privileges: use a super admin's key"
)

// errNilContext is returned for a nil context, instead of a panic.
var errNilContext = fmt.Errorf("%s: nil context: %w", ProviderName, unified.ErrInvalidValue)

// call sends one GET request and decodes the JSON answer into v.
func (c *Client) call(ctx context.Context, path string, q url.Values, v any) error {
	if ctx == nil {
		return errNilContext
	}
	_, err := c.tr.DoJSON(ctx, &transport.Request{Path: path, Query: q}, v)
	if err == nil {
		return nil
	}
	var ae *unified.APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case http.StatusUnauthorized:
			return withHint(err, hintUnauthorized)
		case http.StatusForbidden:
			return withHint(err, hintForbidden)
		}
	}
	return err
}

// hintError adds advice to an error without hiding it from errors.Is and errors.As.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + "; " + e.hint }
func (e *hintError) Unwrap() error { return e.err }

// withHint adds hint to err, after the hint err already has, if any ("use a super admin's
// key, or ...").
func withHint(err error, hint string) error {
	if h, ok := err.(*hintError); ok {
		return &hintError{err: h.err, hint: h.hint + ", " + hint}
	}
	return &hintError{err: err, hint: hint}
}

// clip shortens s to n bytes (on a rune boundary) for error messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// shownPath is path as error messages show it: without its query, clipped.
func shownPath(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return clip(path, 120)
}
