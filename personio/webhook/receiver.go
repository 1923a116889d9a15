package webhook

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Defaults applied to zero Config fields.
const (
	// DefaultMaxBodyBytes caps a delivery's body (1 MiB). Personio's envelopes are
	// dataless and small.
	DefaultMaxBodyBytes int64 = 1 << 20
	// DefaultQueueSize is how many events wait for the consumer before deliveries are
	// answered 503.
	DefaultQueueSize = 1024
)

// ErrUnknownCompany is returned by a Config.AuthFor lookup for a company the receiver
// does not serve; such deliveries are answered 401.
var ErrUnknownCompany = errors.New("webhook: unknown company")

// AuthType is how a delivery authenticates: the auth_type configured on the webhook in
// Personio.
type AuthType string

// Auth types, as Personio names them.
const (
	// AuthNone accepts deliveries without credentials. It must be chosen explicitly;
	// prefer a token.
	AuthNone AuthType = "NONE"
	// AuthToken requires the Authorization header to be exactly the webhook's token:
	// Personio adds no prefix, so a token configured as "Bearer abc" arrives as
	// "Bearer abc" and one configured as "abc" arrives as "abc".
	AuthToken AuthType = "TOKEN"
	// AuthCustom requires every one of the webhook's custom headers (1 to 3) with its
	// exact value.
	AuthCustom AuthType = "CUSTOM"
)

// Verifier checks the signature of a delivery, over the request headers and the raw
// body bytes exactly as received. It must not modify either, and must be safe for
// concurrent use. An error rejects the delivery with 401.
//
// The scheme is unconfirmed. Personio's webhooks guide (developer.personio.de/docs/webhooks)
// says only that deliveries are signed with HMAC-SHA256 over the request timestamp and
// the body, keyed with a secret shared between Personio and the receiver. Which headers
// carry the timestamp and the signature, how the two are joined, the encoding, how the
// secret is issued and rotated, and what timestamp tolerance to allow are not published
// (see api-notes/personio-webhooks.md §4). This package therefore ships no
// implementation: plug one in once the scheme is known, from a live delivery or the full
// guide. Signatures that public code checks as a hex HMAC of the body alone in an
// X-Personio-Signature header contradict the guide and cite no source.
type Verifier interface {
	Verify(header http.Header, body []byte) error
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(header http.Header, body []byte) error

// Verify calls f.
func (f VerifierFunc) Verify(header http.Header, body []byte) error { return f(header, body) }

// Auth is what a delivery must carry: the authentication configured on the webhook in
// Personio, and optionally a signature check.
//
// Token and the Headers values are secrets: String, GoString, Format, LogValue and
// MarshalJSON print them as [REDACTED], and the receiver never logs them.
type Auth struct {
	// Type is required: AuthToken, AuthCustom or, explicitly, AuthNone.
	Type AuthType
	// Token is the webhook's token, for AuthToken.
	Token string
	// Headers are the webhook's custom headers, for AuthCustom: 1 to 3, all required.
	// Names must not equal or start with host, content-length, transfer-encoding,
	// connection, upgrade, te, trailer, expect or content-type (any case), which Personio
	// does not allow either.
	Headers map[string]string
	// Verifier, when set, also checks the delivery's signature. See Verifier.
	Verifier Verifier
}

// check validates a, naming field in errors. It never quotes a secret.
func (a *Auth) check(field string) error {
	bad := func(msg string) error {
		return fmt.Errorf("webhook: %w: %s %s", unified.ErrInvalidConfig, field, msg)
	}
	switch a.Type {
	case AuthNone:
		if a.Token != "" || a.Headers != nil {
			return bad("has Type NONE but a Token or Headers: choose TOKEN or CUSTOM")
		}
	case AuthToken:
		if a.Headers != nil {
			return bad("has Type TOKEN but Headers: Headers are for CUSTOM")
		}
		if err := checkSecret(a.Token); err != "" {
			return bad("Token " + err)
		}
	case AuthCustom:
		if a.Token != "" {
			return bad("has Type CUSTOM but a Token: the Token is for TOKEN")
		}
		if len(a.Headers) == 0 || len(a.Headers) > 3 {
			return bad(fmt.Sprintf("has %d Headers; CUSTOM needs 1 to 3", len(a.Headers)))
		}
		for _, name := range sortedNames(a.Headers) {
			if err := personio.CheckWebhookHeaderName(name); err != nil {
				return bad("Headers: " + err.Error())
			}
			if err := checkSecret(a.Headers[name]); err != "" {
				return bad(fmt.Sprintf("Headers: the value of %q %s", name, err))
			}
		}
	case "":
		return bad("has no Type: set TOKEN, CUSTOM or, for deliveries without credentials, NONE")
	default:
		return bad(fmt.Sprintf("Type %q: want NONE, TOKEN or CUSTOM", clip(string(a.Type))))
	}
	return nil
}

// checkSecret says what is wrong with a credential that must arrive as a header value,
// without quoting it.
func checkSecret(s string) string {
	switch {
	case s == "":
		return "is empty"
	case strings.TrimSpace(s) != s:
		return "starts or ends with spaces, which HTTP drops"
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "contains control characters"
	}
	return ""
}

func sortedNames(h map[string]string) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// String describes a with its secrets redacted.
func (a Auth) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "webhook.Auth{Type: %s", a.Type)
	if a.Token != "" {
		b.WriteString(", Token: " + redacted)
	}
	if a.Headers != nil {
		names := sortedNames(a.Headers)
		for i, n := range names {
			names[i] = strconv.Quote(n) + ":" + redacted
		}
		b.WriteString(", Headers: map[" + strings.Join(names, " ") + "]")
	}
	fmt.Fprintf(&b, ", Verifier: %t}", a.Verifier != nil)
	return b.String()
}

// GoString is String, so that %#v redacts the secrets too.
func (a Auth) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Auth) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a.String()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (a Auth) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("type", string(a.Type)),
		slog.Bool("token", a.Token != ""),
		slog.Any("headers", sortedNames(a.Headers)),
		slog.Bool("verifier", a.Verifier != nil),
	)
}

// MarshalJSON encodes a with its secrets redacted, so that structured logs of values
// holding an Auth reveal nothing either.
func (a Auth) MarshalJSON() ([]byte, error) {
	out := struct {
		Type     AuthType          `json:"type"`
		Token    string            `json:"token,omitempty"`
		Headers  map[string]string `json:"headers,omitempty"`
		Verifier bool              `json:"verifier"`
	}{Type: a.Type, Verifier: a.Verifier != nil}
	if a.Token != "" {
		out.Token = redacted
	}
	if a.Headers != nil {
		out.Headers = make(map[string]string, len(a.Headers))
		for k := range a.Headers {
			out.Headers[k] = redacted
		}
	}
	return json.Marshal(out)
}

const redacted = "[REDACTED]"

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// Config configures a [Receiver]. Set exactly one of Auth (one webhook, one company) and
// AuthFor (many companies).
//
// Config is safe to print and log: String, GoString, Format and LogValue redact the
// secrets of Auth.
type Config struct {
	// Auth is what every delivery must carry. It is checked before the body is read.
	Auth Auth
	// AuthFor returns the Auth of a company, for a receiver that serves many companies
	// (one webhook each) on one URL. It is called with the request's context and the
	// delivery's company_id, after the body is read and decoded (the company is only
	// known from the body) and before anything is queued; keep it fast, since Personio
	// waits at most 3 seconds for the answer. Return an error wrapping ErrUnknownCompany
	// for a company that is not served (answered 401); any other error is answered 503,
	// so Personio retries later.
	AuthFor func(ctx context.Context, companyID string) (Auth, error)
	// CompanyID, when set, is the only company_id accepted; deliveries for any other
	// company are answered 403.
	CompanyID string
	// MaxBodyBytes caps a delivery's body; larger ones are answered 413. 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// QueueSize is how many events wait for the consumer; when it is full deliveries are
	// answered 503 and Personio retries them. 0 means DefaultQueueSize.
	QueueSize int
	// Logger receives a record for every delivery rejected (Warn, or Error for a failed
	// AuthFor) and accepted (Debug), with the event name and company; nil means silent.
	// Tokens, header values and bodies are never logged.
	Logger *slog.Logger
}

// String describes the configuration with the secrets redacted.
func (c Config) String() string {
	return fmt.Sprintf("webhook.Config{Auth: %s, AuthFor: %t, CompanyID: %q, MaxBodyBytes: %d, QueueSize: %d}",
		c.Auth, c.AuthFor != nil, c.CompanyID, c.MaxBodyBytes, c.QueueSize)
}

// GoString is String, so that %#v redacts the secrets too.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Config) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("auth", c.Auth),
		slog.Bool("auth_for", c.AuthFor != nil),
		slog.String("company_id", c.CompanyID),
	)
}

// Receiver is an http.Handler for Personio webhook deliveries. For every POST it checks
// the credentials, the content type (application/json), the size and the envelope, and
// queues the decoded [Event] for the consumer, which reads [Receiver.Events] on its own
// goroutines. It answers as soon as the event is queued, whatever the consumer is doing,
// so that Personio's 3-second acknowledgement deadline is always met.
//
// Answers, and what Personio does with them (it retries on 5xx other than 501 and on
// timeouts, for up to 3 days, and never on 4xx):
//
//   - 202 Accepted: the event is queued.
//   - 401 Unauthorized: missing or wrong credentials or signature, or a company that
//     AuthFor does not know. Nothing is queued.
//   - 400 Bad Request: the body is not a valid envelope. Personio does not retry, so the
//     event is lost to this receiver; catch up from the Events API
//     (personio.Client.WebhookEvents), which keeps 30 days.
//   - 403 Forbidden: a company_id other than Config.CompanyID.
//   - 405, 413, 415: not a POST, a body over Config.MaxBodyBytes, not application/json.
//   - 503 Service Unavailable: the queue is full or the receiver is closed, or AuthFor
//     failed; Personio delivers the event again later. 500 when AuthFor returns an
//     invalid Auth.
//
// Personio acknowledges before anything is processed: an event still queued when the
// process stops is lost to it, and so is one the consumer fails to handle. Recover both
// from the Events API. A Receiver is safe for concurrent use and starts no goroutines.
type Receiver struct {
	auth      *Auth // nil when authFor is set
	authFor   func(ctx context.Context, companyID string) (Auth, error)
	companyID string
	maxBody   int64
	log       *slog.Logger
	// equal compares a credential received with the one expected in constant time.
	equal func(got, want []byte) bool

	mu     sync.RWMutex // guards closed; held for reading while an event is queued
	closed bool
	queue  chan Event
}

// New checks cfg and returns a Receiver. Errors wrap unified.ErrInvalidConfig and never
// quote a secret.
func New(cfg Config) (*Receiver, error) {
	r := &Receiver{
		authFor:   cfg.AuthFor,
		companyID: cfg.CompanyID,
		maxBody:   cfg.MaxBodyBytes,
		log:       cfg.Logger,
		equal:     constantTimeEqual,
	}
	switch {
	case cfg.AuthFor == nil && cfg.Auth.Type == "" && cfg.Auth.Token == "" && cfg.Auth.Headers == nil:
		return nil, fmt.Errorf("webhook: %w: set Config.Auth (one webhook) or Config.AuthFor (one webhook per company)", unified.ErrInvalidConfig)
	case cfg.AuthFor != nil && (cfg.Auth.Type != "" || cfg.Auth.Token != "" || cfg.Auth.Headers != nil || cfg.Auth.Verifier != nil):
		return nil, fmt.Errorf("webhook: %w: set Config.Auth or Config.AuthFor, not both", unified.ErrInvalidConfig)
	case cfg.MaxBodyBytes < 0:
		return nil, fmt.Errorf("webhook: %w: Config.MaxBodyBytes must not be negative", unified.ErrInvalidConfig)
	case cfg.QueueSize < 0:
		return nil, fmt.Errorf("webhook: %w: Config.QueueSize must not be negative", unified.ErrInvalidConfig)
	}
	if cfg.AuthFor == nil {
		if err := cfg.Auth.check("Config.Auth"); err != nil {
			return nil, err
		}
		a := cfg.Auth
		r.auth = &a
	}
	if r.maxBody == 0 {
		r.maxBody = DefaultMaxBodyBytes
	}
	size := cfg.QueueSize
	if size == 0 {
		size = DefaultQueueSize
	}
	r.queue = make(chan Event, size)
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

// Events returns the queue of accepted events. Read it on goroutines of your own; it is
// closed by Close, after which the events still in it can be read.
func (r *Receiver) Events() <-chan Event { return r.queue }

// Close stops accepting deliveries (they are answered 503, so Personio retries them) and
// closes the Events channel, so that a consumer ranging over it ends once the queue is
// drained. Stop the HTTP server first (http.Server.Shutdown), then Close. Close is
// idempotent and always returns nil.
func (r *Receiver) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	return nil
}

// String describes the receiver without its secrets.
func (r *Receiver) String() string {
	return fmt.Sprintf("webhook.Receiver{PerCompany: %t, CompanyID: %q, MaxBodyBytes: %d, QueueSize: %d}",
		r.authFor != nil, r.companyID, r.maxBody, cap(r.queue))
}

// GoString is String.
func (r *Receiver) GoString() string { return r.String() }

// Format prints String for every verb.
func (r *Receiver) Format(f fmt.State, verb rune) { formatRedacted(f, verb, r.String()) }

var (
	errQueueFull = errors.New("queue full")
	errClosed    = errors.New("receiver closed")
)

// enqueue hands ev to the consumer without waiting.
func (r *Receiver) enqueue(ev Event) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return errClosed
	}
	select {
	case r.queue <- ev:
		return nil
	default:
		return errQueueFull
	}
}

// ServeHTTP handles one delivery; see Receiver for the answers.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.reject(ctx, w, req, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if r.auth != nil && !r.credentialsMatch(r.auth, req.Header) {
		r.reject(ctx, w, req, http.StatusUnauthorized, "missing or wrong credentials")
		return
	}
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		r.reject(ctx, w, req, http.StatusUnsupportedMediaType, "content type is not application/json")
		return
	}
	if req.ContentLength > r.maxBody {
		r.reject(ctx, w, req, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			r.reject(ctx, w, req, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		r.reject(ctx, w, req, http.StatusBadRequest, "body could not be read")
		return
	}
	if r.auth != nil && r.auth.Verifier != nil && r.auth.Verifier.Verify(req.Header, body) != nil {
		r.reject(ctx, w, req, http.StatusUnauthorized, "signature rejected")
		return
	}
	ev, err := ParseEvent(body)
	if err != nil {
		r.reject(ctx, w, req, http.StatusBadRequest, err.Error())
		return
	}
	if r.companyID != "" && ev.CompanyID != r.companyID {
		r.reject(ctx, w, req, http.StatusForbidden, "delivery for another company", slog.String("company_id", ev.CompanyID))
		return
	}
	if r.authFor != nil {
		a, err := r.authFor(ctx, ev.CompanyID)
		switch {
		case errors.Is(err, ErrUnknownCompany):
			r.reject(ctx, w, req, http.StatusUnauthorized, "unknown company", slog.String("company_id", ev.CompanyID))
			return
		case err != nil:
			r.log.LogAttrs(ctx, slog.LevelError, "personio webhook: credentials lookup failed",
				slog.String("company_id", ev.CompanyID), slog.String("error", err.Error()))
			http.Error(w, "credentials lookup failed", http.StatusServiceUnavailable)
			return
		}
		if err := a.check("AuthFor(" + strconv.Quote(clip(ev.CompanyID)) + ")"); err != nil {
			r.log.LogAttrs(ctx, slog.LevelError, "personio webhook: invalid credentials configured",
				slog.String("company_id", ev.CompanyID), slog.String("error", err.Error()))
			http.Error(w, "receiver misconfigured", http.StatusInternalServerError)
			return
		}
		if !r.credentialsMatch(&a, req.Header) {
			r.reject(ctx, w, req, http.StatusUnauthorized, "missing or wrong credentials", slog.String("company_id", ev.CompanyID))
			return
		}
		if a.Verifier != nil && a.Verifier.Verify(req.Header, body) != nil {
			r.reject(ctx, w, req, http.StatusUnauthorized, "signature rejected", slog.String("company_id", ev.CompanyID))
			return
		}
	}
	if err := r.enqueue(ev); err != nil {
		r.log.LogAttrs(ctx, slog.LevelWarn, "personio webhook: delivery deferred",
			slog.String("reason", err.Error()), slog.String("event", ev.Name), slog.String("company_id", ev.CompanyID))
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	r.log.LogAttrs(ctx, slog.LevelDebug, "personio webhook: event queued",
		slog.String("event", ev.Name), slog.String("company_id", ev.CompanyID))
	w.WriteHeader(http.StatusAccepted)
}

// reject answers status and logs why, never with a header value or the body.
func (r *Receiver) reject(ctx context.Context, w http.ResponseWriter, req *http.Request, status int, reason string, attrs ...slog.Attr) {
	r.log.LogAttrs(ctx, slog.LevelWarn, "personio webhook: delivery rejected",
		append([]slog.Attr{slog.Int("status", status), slog.String("reason", reason), slog.String("remote", req.RemoteAddr)}, attrs...)...)
	http.Error(w, http.StatusText(status), status)
}

// credentialsMatch checks the headers a requires. Every configured credential is
// compared, in constant time, whatever the outcome of the others; a header sent more than
// once does not match.
func (r *Receiver) credentialsMatch(a *Auth, h http.Header) bool {
	switch a.Type {
	case AuthNone:
		return true
	case AuthToken:
		return r.matchHeader(h.Values("Authorization"), a.Token)
	case AuthCustom:
		ok := true
		for _, name := range sortedNames(a.Headers) {
			if !r.matchHeader(h.Values(name), a.Headers[name]) {
				ok = false
			}
		}
		return ok
	}
	return false
}

func (r *Receiver) matchHeader(values []string, want string) bool {
	got := ""
	if len(values) == 1 {
		got = values[0]
	}
	eq := r.equal([]byte(got), []byte(want))
	return eq && len(values) == 1
}

// constantTimeEqual compares the SHA-256 digests of got and want with
// crypto/subtle.ConstantTimeCompare, so that neither the content nor the length of the
// expected credential shows in the time taken.
func constantTimeEqual(got, want []byte) bool {
	g, w := sha256.Sum256(got), sha256.Sum256(want)
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
