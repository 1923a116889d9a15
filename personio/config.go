package personio

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must load on machines without a zoneinfo database

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

// ProviderName is the name of this provider: the value of unified.User.Provider and of
// [Directory.Provider].
const ProviderName = "personio"

// Defaults applied to zero Config fields.
const (
	// DefaultBaseURL is Personio's API host. Paths start with /v1/ or /v2/.
	DefaultBaseURL = "https://api.personio.de"
	// DefaultRateLimit is the client-side request rate, in requests per second: Personio's
	// documented 300 requests per minute for the employees endpoint.
	DefaultRateLimit = 5.0
	// DefaultBurst is how many requests may be sent at once: one less than Personio's
	// documented burst of 15, so that a request that reaches Personio a little sooner after
	// the one before it than it left the client does not find Personio's bucket empty.
	DefaultBurst = 14
	// DefaultLocation is the name of the company time zone used when Config.Location is
	// nil.
	DefaultLocation = "Europe/Berlin"
	// DefaultV1TokenLifetime is how long a v1 token is assumed to be valid: Personio's v1
	// tokens are stable for 24 hours.
	DefaultV1TokenLifetime = 24 * time.Hour
	// DefaultV2TokenLifetime is assumed when a v2 token response has no expires_in.
	DefaultV2TokenLifetime = 24 * time.Hour
)

// NoRateLimit as Config.RateLimit switches the client-side rate limit off: for a fake
// server, or limits lifted by contract.
const NoRateLimit = transport.NoRateLimit

// Config configures a [Client]. Zero values mean the documented defaults; a negative
// number is an error matching unified.ErrInvalidConfig. Only ClientID and ClientSecret
// are required. The fields Personio shares with lattice.Config (BaseURL, UserAgent,
// HTTPClient, RateLimit, Burst, Limiter, MaxAttempts, MinWait, MaxWait, MaxRetryAfter,
// Logger) have the same rules in both. personiotest.Server.ClientConfig returns a Config
// for the fake server.
//
// Config is safe to print and log: String, GoString, Format and LogValue redact the client
// secret.
type Config struct {
	// ClientID and ClientSecret are the API credentials (Settings → Integrations → API
	// credentials). Required. The same credentials serve v1 and v2.
	ClientID     string
	ClientSecret string
	// BaseURL is the API origin, default DefaultBaseURL. It must use https except for
	// loopback hosts (tests and fakes). A path prefix (for a proxy) is kept.
	BaseURL string
	// PartnerID and AppID, when set, are sent as the X-Personio-Partner-ID and
	// X-Personio-App-ID headers on every request (Personio asks integrations to identify
	// themselves with UPPER_SNAKE_CASE ids).
	PartnerID string
	AppID     string
	// UserAgent is a product token appended to the User-Agent header ("myapp/1.2").
	UserAgent string
	// HTTPClient sends the requests; it is copied, never modified. nil means a client with
	// a 60 s timeout per attempt that keeps 16 idle connections per host. A client of your own
	// should keep at least as many idle connections per host (http.Transport's
	// MaxIdleConnsPerHost, 2 by default) as the Directory's WithConcurrency, or parallel
	// requests open a new connection each.
	HTTPClient *http.Client
	// RateLimit is the client-side request rate in requests per second, shared by all
	// requests of the client (v1 and v2); 0 means DefaultRateLimit, NoRateLimit no limit.
	RateLimit float64
	// Burst is how many requests may be sent at once; 0 means DefaultBurst.
	Burst int
	// Limiter, when set, replaces RateLimit and Burst, so that clients of the same tenant
	// share one budget. Personio counts its limits per credential.
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
	// Logger receives debug records of every request, info records of retries and
	// warnings of records that did not map cleanly; nil means silent. Records never
	// contain secrets, headers or bodies.
	Logger *slog.Logger
	// Location is the company's time zone: Personio renders a calendar day as the instant
	// of its midnight there. nil means Europe/Berlin.
	Location *time.Location
	// Scopes are the OAuth2 scopes requested for v2 tokens ("personio:persons:read"); empty
	// means every scope the credentials hold.
	Scopes []string
	// V1TokenLifetime is how long a v1 token is trusted when Personio does not say; 0
	// means DefaultV1TokenLifetime.
	V1TokenLifetime time.Duration
}

// withDefaults checks c and returns it with defaults applied. Errors wrap
// unified.ErrInvalidConfig and name the field.
func (c Config) withDefaults() (Config, error) {
	c.ClientID = strings.TrimSpace(c.ClientID)
	switch {
	case c.ClientID == "":
		return c, invalidConfig("ClientID", "is required (Settings → Integrations → API credentials)")
	case c.ClientSecret == "":
		return c, invalidConfig("ClientSecret", "is required (Settings → Integrations → API credentials)")
	case strings.ContainsFunc(c.ClientID, isSpaceOrControl):
		return c, invalidConfig("ClientID", "must not contain spaces or control characters")
	case strings.ContainsFunc(c.ClientSecret, isControl):
		return c, invalidConfig("ClientSecret", "must not contain control characters")
	case strings.ContainsFunc(c.PartnerID, isControl):
		return c, invalidConfig("PartnerID", "must not contain control characters")
	case strings.ContainsFunc(c.AppID, isControl):
		return c, invalidConfig("AppID", "must not contain control characters")
	case c.V1TokenLifetime < 0:
		return c, invalidConfig("V1TokenLifetime", "must not be negative")
	}
	for i, s := range c.Scopes {
		if s == "" || strings.ContainsFunc(s, isSpaceOrControl) {
			return c, invalidConfig(fmt.Sprintf("Scopes[%d]", i), "must be one non-empty scope without spaces, such as personio:persons:read")
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Location == nil {
		loc, err := time.LoadLocation(DefaultLocation)
		if err != nil {
			return c, invalidConfig("Location", "is nil and "+DefaultLocation+" could not be loaded: "+err.Error())
		}
		c.Location = loc
	}
	// RateLimit, Burst, Limiter, MaxAttempts, the waits, BaseURL and UserAgent are
	// checked by the transport, with the same rules and words for every provider.
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.Burst == 0 {
		c.Burst = DefaultBurst
	}
	if c.V1TokenLifetime == 0 {
		c.V1TokenLifetime = DefaultV1TokenLifetime
	}
	return c, nil
}

func isControl(r rune) bool        { return r < 0x20 || r == 0x7f }
func isSpaceOrControl(r rune) bool { return r == ' ' || isControl(r) }

// redacted is printed in place of every secret.
const redacted = "[REDACTED]"

// String describes the configuration with the client secret redacted.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("personio.Config{ClientID: ")
	b.WriteString(fmt.Sprintf("%q", c.ClientID))
	b.WriteString(", ClientSecret: ")
	if c.ClientSecret == "" {
		b.WriteString(`""`)
	} else {
		b.WriteString(redacted)
	}
	if c.BaseURL != "" {
		fmt.Fprintf(&b, ", BaseURL: %q", sanitizeBase(c.BaseURL))
	}
	if c.PartnerID != "" {
		fmt.Fprintf(&b, ", PartnerID: %q", c.PartnerID)
	}
	if c.AppID != "" {
		fmt.Fprintf(&b, ", AppID: %q", c.AppID)
	}
	if c.Location != nil {
		fmt.Fprintf(&b, ", Location: %s", c.Location)
	}
	if len(c.Scopes) > 0 {
		fmt.Fprintf(&b, ", Scopes: %q", c.Scopes)
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v redacts the secret too.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb, so that no verb (%v, %+v, %#v, %s, %q, %x, %d...)
// can print the secret.
func (c Config) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue implements slog.LogValuer: the configuration as a group, secret redacted.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", secretMark(c.ClientSecret)),
	}
	if c.BaseURL != "" {
		attrs = append(attrs, slog.String("base_url", sanitizeBase(c.BaseURL)))
	}
	if c.PartnerID != "" {
		attrs = append(attrs, slog.String("partner_id", c.PartnerID))
	}
	if c.AppID != "" {
		attrs = append(attrs, slog.String("app_id", c.AppID))
	}
	if c.Location != nil {
		attrs = append(attrs, slog.String("location", c.Location.String()))
	}
	return slog.GroupValue(attrs...)
}

func secretMark(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// formatRedacted writes s for any verb; %q quotes it.
func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

// sanitizeBase drops userinfo and query from a configured base URL before it is printed.
func sanitizeBase(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		host := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			host = rest[:j]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			raw = raw[:i+3] + rest[at+1:]
		}
	}
	return raw
}

// invalidConfig returns an error naming the field, wrapping unified.ErrInvalidConfig.
func invalidConfig(field, msg string) error {
	return fmt.Errorf("personio: %w: Config.%s %s", unified.ErrInvalidConfig, field, msg)
}
