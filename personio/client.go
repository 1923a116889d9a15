package personio

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/transport"
)

// Client is a Personio API client for v1 and v2. It is safe for concurrent use by
// multiple goroutines, and its configuration cannot change after New. Printing or logging
// a Client never reveals the client secret or a token.
type Client struct {
	clientID string
	// secret is a pointer so that printing a value that holds the client by reflection
	// (fmt's %s or %q of a Directory, which cannot call the methods of unexported
	// fields) shows an address, never the secret.
	secret          *secretString
	baseURL         string
	partnerID       string
	appID           string
	scopes          []string
	loc             *time.Location
	log             *slog.Logger
	v1TokenLifetime time.Duration

	lim *rate.Limiter
	// v1 and v2 are two transports over one HTTP client and one rate limiter: each has
	// the authorizer of its API version.
	v1, v2       *transport.Client
	v1tok, v2tok *tokenSource
}

// secretString holds a secret and never prints it.
type secretString string

func (s secretString) String() string                { return secretMark(string(s)) }
func (s secretString) GoString() string              { return secretMark(string(s)) }
func (s secretString) Format(f fmt.State, verb rune) { formatRedacted(f, verb, secretMark(string(s))) }
func (s secretString) LogValue() slog.Value          { return slog.StringValue(secretMark(string(s))) }

// New validates cfg and returns a Client. It makes no request: tokens are fetched when
// first needed. Configuration errors wrap unified.ErrInvalidConfig and name the field.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	secret := secretString(cfg.ClientSecret)
	c := &Client{
		clientID:        cfg.ClientID,
		secret:          &secret,
		baseURL:         sanitizeBase(cfg.BaseURL),
		partnerID:       cfg.PartnerID,
		appID:           cfg.AppID,
		scopes:          slices.Clone(cfg.Scopes),
		loc:             cfg.Location,
		log:             cfg.Logger,
		v1TokenLifetime: cfg.V1TokenLifetime,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.v1tok = newTokenSource("v1", c.fetchV1Token)
	c.v2tok = newTokenSource("v2", c.fetchV2Token)
	tcfg := transport.Config{
		Provider:      ProviderName,
		BaseURL:       cfg.BaseURL,
		HTTPClient:    cfg.HTTPClient,
		Logger:        cfg.Logger,
		UserAgent:     cfg.UserAgent,
		RateLimit:     rate.Limit(cfg.RateLimit),
		Burst:         cfg.Burst,
		Limiter:       cfg.Limiter,
		MaxAttempts:   cfg.MaxAttempts,
		MinWait:       cfg.MinWait,
		MaxWait:       cfg.MaxWait,
		MaxRetryAfter: cfg.MaxRetryAfter,
		DecodeError:   DecodeError,
		Secrets:       c.secrets,
	}
	tcfg.Auth = &v1Auth{bearerAuth{ts: c.v1tok, adoptLifetime: cfg.V1TokenLifetime}}
	if c.v1, err = transport.New(tcfg); err != nil {
		return nil, err
	}
	// v2 shares v1's limiter: one budget for every request of the client.
	c.lim = c.v1.Limiter()
	tcfg.Auth, tcfg.Limiter = &bearerAuth{ts: c.v2tok}, c.lim
	if c.v2, err = transport.New(tcfg); err != nil {
		return nil, err
	}
	return c, nil
}

// secrets returns what the transport must redact: the client secret and the current
// tokens.
func (c *Client) secrets() []string {
	out := make([]string, 0, 3)
	out = append(out, string(*c.secret))
	if t := c.v1tok.current(); t != "" {
		out = append(out, t)
	}
	if t := c.v2tok.current(); t != "" {
		out = append(out, t)
	}
	return out
}

// request adds the partner and app headers to r.
func (c *Client) request(r *transport.Request) *transport.Request {
	if c.partnerID == "" && c.appID == "" {
		return r
	}
	if r.Header == nil {
		r.Header = make(http.Header, 2)
	}
	if c.partnerID != "" {
		r.Header.Set("X-Personio-Partner-ID", c.partnerID)
	}
	if c.appID != "" {
		r.Header.Set("X-Personio-App-ID", c.appID)
	}
	return r
}

// Location returns the company time zone calendar days are converted in.
func (c *Client) Location() *time.Location { return c.loc }

// Limiter returns the client's rate limiter, shared by all its requests.
func (c *Client) Limiter() *rate.Limiter { return c.lim }

// Rate is the rate-limit state Personio reported in X-RateLimit-* headers: Limit and
// Remaining of the current window, its Reset time, and when it was Observed.
type Rate = transport.Rate

// Rate returns the rate-limit state Personio last reported in X-RateLimit-* headers on v1
// or v2, whichever is more recent; the zero value when it never did.
func (c *Client) Rate() Rate {
	r1, r2 := c.v1.Rate(), c.v2.Rate()
	if r2.Observed.After(r1.Observed) {
		return r2
	}
	return r1
}

// String describes the client without credentials.
func (c *Client) String() string {
	return fmt.Sprintf("personio.Client{ClientID: %q, ClientSecret: %s, BaseURL: %q, Location: %s}",
		c.clientID, c.secret, c.baseURL, c.loc)
}

// GoString is String, so that %#v prints no credentials either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Client) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue implements slog.LogValuer without credentials.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_id", c.clientID),
		slog.String("client_secret", c.secret.String()),
		slog.String("base_url", c.baseURL),
		slog.String("location", c.loc.String()),
	)
}
