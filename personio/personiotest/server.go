package personiotest

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
)

// Company is the company model a server renders: a [fakecompany.Company].
type Company = fakecompany.Company

// Person is one person of a [Company].
type Person = fakecompany.Person

// Request is one request as the server recorded it.
type Request = fakeserver.Request

// Fault describes a scripted misbehaviour: a status burst, latency, a truncated body, a
// connection reset, invalid JSON or a rewritten body. See [Server] for Inject.
type Fault = fakeserver.Fault

// serverBase is the part of a Server that the fakes share; it is embedded under this
// unexported name so that it adds methods, not an exported field.
type serverBase = fakeserver.Base

// GenerateCompany returns the deterministic company of n people generated from seed
// (fakecompany.Generate with default options).
func GenerateCompany(seed uint64, n int) *Company { return fakecompany.Generate(seed, n, nil) }

// The default credentials of a server.
const (
	DefaultClientID     = "personiotest-client-id"
	DefaultClientSecret = "personiotest-client-secret"
)

// The v2 scopes the fake knows. A credential holds all of them unless [WithScopes] says
// otherwise; each v2 resource endpoint requires one.
const (
	// ScopePersonsRead grants GET /v2/persons and /v2/persons/{id}.
	ScopePersonsRead = "personio:persons:read"
	// ScopeEmploymentsRead grants GET /v2/persons/{id}/employments[/{id}].
	ScopeEmploymentsRead = "personio:employments:read"
	// ScopeLegalEntitiesRead grants GET /v2/legal-entities[/{id}].
	ScopeLegalEntitiesRead = "personio:legal-entities:read"
	// ScopeOrgUnitsRead grants GET /v2/org-units[/{id}].
	ScopeOrgUnitsRead = "personio:org-units:read"
)

// AllScopes returns every scope the fake knows, in a fixed order.
func AllScopes() []string {
	return []string{ScopePersonsRead, ScopeEmploymentsRead, ScopeLegalEntitiesRead, ScopeOrgUnitsRead,
		ScopeWebhooksRead, ScopeWebhooksWrite}
}

// DefaultTokenTTL is how long a token lives unless [WithTokenTTL] says otherwise: 24
// hours, as Personio's v1 tokens and v2 access tokens do.
const DefaultTokenTTL = 24 * time.Hour

// Quirks are known misbehaviours of the real API that a server can reproduce. The zero
// value is the documented behaviour; [DefaultQuirks] is what the real service does, and
// what a new server starts with. Change them at any time with [Server.SetQuirks] (which
// replaces the whole set).
type Quirks struct {
	// DuplicateAcrossPages repeats the last record of a page as the first of the next.
	// v1: a page at offset > 0 starts with the record at offset-1 and then holds limit
	// records, so it has one record more than asked for and no record is ever skipped.
	// v2: the next cursor resumes at the last record of the page (pages of one record
	// advance normally, or they would never end).
	DuplicateAcrossPages bool
	// SelfReferencingNext makes every v2 next link point at the page it is on, so a
	// listing never advances.
	SelfReferencingNext bool
	// RelativeNext renders v2 next and self links as relative paths
	// ("/v2/persons?cursor=...").
	RelativeNext bool
	// StringNumbers renders v1 numbers as JSON strings: ids (attributes, supervisor and
	// nested entities), top-level offset and limit, and the metadata counters.
	// (weekly_working_hours is a string in any case.)
	StringNumbers bool
	// LowercaseCustomTypes renders v2 custom_attributes[].type in lower case ("string",
	// "date"), as Personio's own examples and the real service do; off, the types are the
	// schema's upper-case enum (STRING, INT, DOUBLE, DATE, STRING_LIST). On by default.
	LowercaseCustomTypes bool
	// LastWorkingDate names the v2 termination field last_working_date (as Personio's
	// example does) instead of last_working_day (as its schema does).
	LastWorkingDate bool
	// OversizedPages returns more records than the limit asked for: half as many again
	// (at least one more). v1 pages stay at their offset, so consecutive pages overlap;
	// v2 cursors resume after the last record sent, so nothing is repeated.
	OversizedPages bool
	// EmptyPageWithNext makes the first page of every v2 listing empty, with a next link
	// that serves the real first page.
	EmptyPageWithNext bool
	// BackwardsCursor makes the next link of the second page of every v2 listing point
	// back at the first page, once; the listing proceeds normally afterwards.
	BackwardsCursor bool

	// The quirks below reproduce shapes of Personio's own documented examples that
	// differ from what the fake sends by default.

	// ColonlessOffsets renders the v1 standard dates and timestamps as local times with
	// an offset without a colon, as the examples of the v1 description's Employee
	// attributes do: a calendar day (hire_date, contract_end_date, date_of_birth, …) as
	// midnight in the company's zone, "2012-02-01T00:00:00+0100", instead of the UTC
	// instant "2012-01-31T23:00:00.000Z"; created_at and last_modified_at as
	// "2018-02-01T10:32:18+0100" instead of "…+01:00". Custom dates keep their form.
	ColonlessOffsets bool
	// NumericWeeklyHours renders the v1 weekly_working_hours as a JSON number (40, 32.5),
	// as the example of the v1 description's Employee attribute does, instead of the
	// string ("40") of its list example and of the real service.
	NumericWeeklyHours bool
	// RelationsWithoutIDs renders the v1 office and team relations with their name only,
	// {"type":"Office","attributes":{"name":"Munich"}}, as the v1 description's Office
	// and Team schemas and their examples have them. Department and subcompany keep
	// their id.
	RelationsWithoutIDs bool
	// ZeroErrorCodes gives every v1 error the fake answers (400, 401, 404, 405, 429, and
	// the profile picture's 404) error.code 0 instead of the HTTP status, and an
	// error_data object: {"success":false,"error":{"code":0,"message":"…",
	// "error_data":{}}}, as the v1 description's examples of 404, 422 and 500 answers
	// have them.
	ZeroErrorCodes bool
	// EmploymentLinksAtRoot makes the self and next links of v2 employment listings
	// point at /v2/employments (".../v2/employments?cursor=cur_…"), as the examples of
	// Personio's employments description do. The server serves GET
	// /v2/employments?cursor=… with the page of any employments cursor, so such a link
	// can be followed; without a cursor that path answers 404.
	EmploymentLinksAtRoot bool
	// TotalElementsOff is added to the v1 metadata.total_elements (negative: taken
	// away; the result is at least 0), and total_pages follows the reported total, so
	// the totals disagree with the records, as in the v1 description's list example
	// (total_elements 2, total_pages 3, one record). 0 reports the true count.
	TotalElementsOff int
	// DynamicDateOfBirth delivers the birthday under the custom key
	// [DateOfBirthDynamicKey] with universal_id "date_of_birth", as the v1
	// description's "get employee" example does: "dynamic_180883": {"label":
	// "Birthday", "value": "1983-08-18T00:00:00.000Z", "universal_id": "date_of_birth",
	// "type": "date"}. The value is midnight UTC, as for custom dates, and the standard
	// date_of_birth key is gone from records and from the attribute list. Whitelisting
	// or projecting either key selects it.
	DynamicDateOfBirth bool
	// NumericCustomValues renders v2 INT and DOUBLE custom attribute values as JSON
	// numbers (2, 2.5) instead of the strings the schema allows ("2", "2.5"), as some
	// clients model them.
	NumericCustomValues bool
	// UnlabeledCustomAttributes leaves the label out of v2 custom attributes, as users
	// report of the real service (forum: "custom_attributes do not have labels").
	UnlabeledCustomAttributes bool
}

// DefaultQuirks returns the quirks of the real service: lower-case custom attribute
// types, nothing else.
func DefaultQuirks() Quirks { return Quirks{LowercaseCustomTypes: true} }

// config holds the options of a server.
type config struct {
	company        *Company
	clientID       string
	clientSecret   string
	attrs          []string // nil: every attribute
	lang           int
	scopes         []string
	ratePerMinute  int // GET /v1/company/employees* and GET /v2/persons*, each its own bucket
	rateBurst      int
	rateRetryAfter bool
	v1AuthPerMin   int // POST /v1/auth
	v2AuthPerMin   int // POST /v2/auth/token
	latency        func() time.Duration
	legacyRotation bool
	ttl            time.Duration
	noOrgUnitList  bool
	tls            bool
	quirks         Quirks
	now            func() time.Time
	loc            *time.Location
	locSet         bool
	maxCursors     int
	hooks          hookOptions
}

// Option configures a [Server].
type Option func(*config)

// WithCompany serves c (the server keeps its own deep copy). The default is
// GenerateCompany(1, 50). The company's people must be ordered by ID, as fakecompany
// keeps them.
func WithCompany(c *Company) Option {
	return func(cf *config) {
		if c != nil {
			cf.company = c.Clone()
		}
	}
}

// WithGenerated serves GenerateCompany(seed, n).
func WithGenerated(seed uint64, n int) Option {
	return func(cf *config) { cf.company = GenerateCompany(seed, n) }
}

// WithCredentials sets the one credential the server accepts. The defaults are
// [DefaultClientID] and [DefaultClientSecret].
func WithCredentials(clientID, clientSecret string) Option {
	return func(cf *config) { cf.clientID, cf.clientSecret = clientID, clientSecret }
}

// WithAttributes restricts the credential to the given v1 attribute keys ("first_name",
// "department", "dynamic_24407", [PersonnelNumberKey], ...), as the attribute whitelist
// of Personio's API credentials does. Other attributes are silently omitted: v1 leaves
// them out of employee objects and of the attribute catalogue (id is always present); v2
// leaves out the person and employment fields they feed (email, names, custom
// attributes, supervisor, org units, ...). Without this option every attribute is
// readable.
func WithAttributes(keys ...string) Option {
	return func(cf *config) { cf.attrs = append([]string{}, keys...) }
}

// WithLanguage sets the language of attribute labels: "en" (the default) or "de". Any
// other value means English. The v1 404 message is German in both, as Personio's is.
func WithLanguage(lang string) Option {
	return func(cf *config) {
		cf.lang = langEN
		if l := strings.ToLower(lang); l == "de" || strings.HasPrefix(l, "de-") || strings.HasPrefix(l, "de_") {
			cf.lang = langDE
		}
	}
}

// WithScopes sets the v2 scopes the credential holds (see [AllScopes], the default). A
// token request for any other scope fails with invalid_scope, and a resource outside the
// token's scopes answers 403 "Insufficient access scope".
func WithScopes(scopes ...string) Option {
	return func(cf *config) { cf.scopes = append([]string{}, scopes...) }
}

// WithRateLimit limits GET /v1/company/employees* and GET /v2/persons* (each its own
// token bucket, employments included in the second) to perMinute requests per minute
// with bursts of burst; beyond it they answer 429. The buckets belong to the server, as
// Personio's belong to the credential: a client that starts right after another finds
// them as the first one left them. Off by default; perMinute <= 0 turns it off.
// [WithDocumentedRateLimits] sets Personio's documented limits.
func WithRateLimit(perMinute, burst int) Option {
	return func(cf *config) { cf.ratePerMinute, cf.rateBurst = perMinute, burst }
}

// WithRateLimitRetryAfter makes the 429 answers of the rate limits carry a Retry-After
// header (whole seconds). Personio documents none, so by default there is none, and a
// client must not depend on it.
func WithRateLimitRetryAfter() Option {
	return func(cf *config) { cf.rateRetryAfter = true }
}

// WithAuthRateLimit limits POST /v1/auth and POST /v2/auth/token (each its own bucket,
// with bursts of a whole minute's worth) to perMinute requests per minute. Off by
// default.
func WithAuthRateLimit(perMinute int) Option {
	return func(cf *config) { cf.v1AuthPerMin, cf.v2AuthPerMin = perMinute, perMinute }
}

// WithDocumentedRateLimits enforces the rate limits Personio documents, and assumes the
// ones it does not:
//
//   - GET /v1/company/employees (and /{id}, /attributes): 300 requests per minute in
//     bursts of at most 15, as Personio's changelog of 6 May 2024 states.
//   - POST /v1/auth: 60 requests per minute (bursts of 60). Personio then refuses for
//     a 60-second cool-down; the fake instead lets one request through per second.
//   - POST /v2/auth/token: 150 requests per minute (bursts of 150), as reported for the
//     v2 token endpoint; the 1-request-a-second throttling after it is not modelled.
//   - GET /v2/persons and the employments under it: Personio documents no limit (its
//     forum reports throttling); the fake assumes the v1 employee list's, 300 per
//     minute in bursts of 15, in a bucket of its own.
//
// The 429 answers have the body of the API they belong to (see the package
// documentation) and no Retry-After unless [WithRateLimitRetryAfter]. Personio's limit
// of 2,000 requests per minute per source IP over every v1 endpoint is not modelled: the
// limits above always bind first on the endpoints the fake serves. Options after this
// one override it.
func WithDocumentedRateLimits() Option {
	return func(cf *config) {
		cf.ratePerMinute, cf.rateBurst = 300, 15
		cf.v1AuthPerMin, cf.v2AuthPerMin = 60, 150
	}
}

// WithLatency makes d the response time of every request: the answer leaves no earlier
// than d after the request arrived, the server's own work included, as with an API whose
// round trip is d. The wait is a Go timer, accurate to about a millisecond on an idle
// machine (later on a busy one).
func WithLatency(d time.Duration) Option {
	return func(cf *config) {
		cf.latency = nil
		if d > 0 {
			cf.latency = func() time.Duration { return d }
		}
	}
}

// WithLatencyFunc is WithLatency with the response time f() drawn for each request (for
// jitter). f is called concurrently.
func WithLatencyFunc(f func() time.Duration) Option {
	return func(cf *config) { cf.latency = f }
}

// WithLegacyTokenRotation reproduces Personio's original v1 token behaviour: /v1/auth
// hands out a new token on every call, every authenticated v1 call consumes its token and
// answers with a new one in the Authorization response header, and a consumed token is
// rejected with 401 "The token has been blacklisted".
func WithLegacyTokenRotation() Option {
	return func(cf *config) { cf.legacyRotation = true }
}

// WithTokenTTL sets the lifetime of v1 and v2 tokens ([DefaultTokenTTL] by default); v2
// reports it in expires_in. Values below one second count as one second.
func WithTokenTTL(d time.Duration) Option {
	return func(cf *config) { cf.ttl = max(d, time.Second) }
}

// WithoutOrgUnitList makes GET /v2/org-units (the list; single org units still work)
// answer 404, as it does for tenants it has not been rolled out to.
func WithoutOrgUnitList() Option {
	return func(cf *config) { cf.noOrgUnitList = true }
}

// WithTLS serves HTTPS with httptest's self-signed certificate; Server.Client trusts
// it.
func WithTLS() Option {
	return func(cf *config) { cf.tls = true }
}

// WithQuirks sets the initial quirks ([DefaultQuirks] by default).
func WithQuirks(q Quirks) Option {
	return func(cf *config) { cf.quirks = q }
}

// WithClock sets the server's clock (token expiry, rate limits, request timestamps,
// error timestamps). The default is time.Now. now is called concurrently.
func WithClock(now func() time.Time) Option {
	return func(cf *config) {
		if now != nil {
			cf.now = now
		}
	}
}

// WithTimeZone sets the company's time zone, in which calendar days are rendered as
// instants and v1 timestamps as local times. The default is Europe/Berlin (from the
// system's time zone database, or built-in Central European rules when it has none).
func WithTimeZone(loc *time.Location) Option {
	return func(cf *config) { cf.loc, cf.locSet = loc, loc != nil }
}

// WithMaxCursors bounds how many v2 cursors the server remembers
// ([DefaultMaxCursors] by default); the oldest are evicted first.
func WithMaxCursors(n int) Option {
	return func(cf *config) { cf.maxCursors = n }
}

// Server is an in-process fake of the Personio API (v1 and v2), served by an
// httptest.Server on 127.0.0.1. Its methods are safe for concurrent use with each other
// and with the requests it serves.
//
// It shares part of its API with the Lattice fake:
//
//	Requests() []Request            // the requests received, oldest first
//	Count(method, path string) int  // how many had method ("" = any) and path ("/v2/*" = prefix)
//	RateLimited() int               // how many the rate limits answered with 429
//	ResetRequests()
//	Inject(f Fault)                 // queue a fault; the first that matches a request applies
//	ClearFaults()
//	PendingFaults() int             // faults with applications left
//	Client() *http.Client           // trusts the certificate of a WithTLS server
//	Handler() http.Handler          // the same API in memory, e.g. inside a synctest bubble
//	Close()                         // waits for requests in flight; may be called again
//
// and its String and GoString print the URL, never the client secret.
type Server struct {
	// URL is the base URL (http://127.0.0.1:port); the API lives under /v1/ and /v2/.
	URL string
	// ClientID and ClientSecret are the credential the server accepts.
	ClientID     string
	ClientSecret string

	serverBase
	cfg     config
	zone    zone
	tokens  *tokenStore
	cursors *cursorStore
	issued  atomic.Int64
	traces  atomic.Uint64

	mu      sync.RWMutex // guards company
	company *Company

	qmu    sync.Mutex
	quirks Quirks

	hooks *hookStore // webhooks, their events and deliveries

	// whitelist, resolved from cfg.attrs.
	std      [numStdAttrs]bool
	dynAllow map[string]bool // nil: every custom attribute
}

// NewServer starts a fake Personio server. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := config{
		clientID:     DefaultClientID,
		clientSecret: DefaultClientSecret,
		scopes:       AllScopes(),
		ttl:          DefaultTokenTTL,
		quirks:       DefaultQuirks(),
		now:          time.Now,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.company == nil {
		cfg.company = GenerateCompany(1, 50)
	}
	s := &Server{
		ClientID:     cfg.clientID,
		ClientSecret: cfg.clientSecret,
		cfg:          cfg,
		company:      cfg.company,
		quirks:       cfg.quirks,
		tokens:       newTokenStore(),
		cursors:      newCursorStore(cfg.maxCursors),
	}
	s.cfg.company = nil
	s.zone = zone{loc: cfg.loc}
	if !cfg.locSet {
		if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
			s.zone.loc = loc
		}
	}
	s.resolveWhitelist()
	s.hooks = newHookStore(cfg.hooks, s.company.Seed)

	s.URL = fakeserver.Start(&s.serverBase, http.HandlerFunc(s.route), fakeserver.Options{
		Name:     "personiotest.Server",
		TLS:      cfg.tls,
		Latency:  cfg.latency,
		Now:      cfg.now,
		Limiters: s.limiters(),
	})
	return s
}

// NewTestServer starts a server with [NewServer] and closes it when tb's test ends.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// Company returns a deep copy of the company as the server currently serves it.
func (s *Server) Company() *Company {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.company.Clone()
}

// Mutate calls f with the served company under the server's write lock, so requests see
// the company either before or after the change, never during it. f must keep People
// ordered by ID and must not keep c after it returns. The change fires the webhook events
// Personio would (see [Server.SetWebhookDelivery] and the package documentation), which
// are delivered on other goroutines: Mutate does not wait for them.
func (s *Server) Mutate(f func(c *Company)) {
	events := func() []firedEvent {
		s.mu.Lock()
		defer s.mu.Unlock()
		before := s.beforeMutate()
		f(s.company)
		return s.afterMutate(before)
	}()
	s.hooks.publish(s, events)
}

// ExpireTokens makes every token issued so far invalid: the next request that presents
// one gets a 401, and /v1/auth hands out a new token.
func (s *Server) ExpireTokens() { s.tokens.expireAll() }

// SetQuirks replaces the server's quirks. Start from [DefaultQuirks] (or [Server.Quirks])
// to keep the real service's behaviour:
//
//	q := s.Quirks()
//	q.DuplicateAcrossPages = true
//	s.SetQuirks(q)
func (s *Server) SetQuirks(q Quirks) {
	s.qmu.Lock()
	s.quirks = q
	s.qmu.Unlock()
}

// Quirks returns the server's current quirks.
func (s *Server) Quirks() Quirks {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return s.quirks
}

// TokensIssued returns how many distinct tokens POST /v1/auth and POST /v2/auth/token
// have handed out. A /v1/auth call that returns the credential's current token again
// does not count, and neither do the tokens of legacy rotation.
func (s *Server) TokensIssued() int { return int(s.issued.Load()) }

func (s *Server) now() time.Time { return s.cfg.now() }

// resolveWhitelist turns cfg.attrs into per-attribute flags.
func (s *Server) resolveWhitelist() {
	if s.cfg.attrs == nil {
		for i := range s.std {
			s.std[i] = true
		}
		return
	}
	s.dynAllow = make(map[string]bool)
	for _, k := range s.cfg.attrs {
		found := false
		for i := range stdAttrs {
			if stdAttrs[i].key == k {
				s.std[i] = true
				found = true
			}
		}
		if !found {
			s.dynAllow[k] = true
		}
	}
	s.std[aID] = true
}

// allowedDyn reports whether the credential may read the custom attribute key.
func (s *Server) allowedDyn(key string) bool { return s.dynAllow == nil || s.dynAllow[key] }

// limiters builds the rate limits of the configuration.
func (s *Server) limiters() []*fakeserver.Limiter {
	var ls []*fakeserver.Limiter
	add := func(perMinute, burst int, path string, reject func(http.ResponseWriter, time.Duration)) *fakeserver.Limiter {
		if perMinute <= 0 {
			return nil
		}
		l := &fakeserver.Limiter{PerMinute: perMinute, Burst: burst, Path: path,
			RetryAfter: s.cfg.rateRetryAfter, Reject: reject}
		ls = append(ls, l)
		return l
	}
	add(s.cfg.v1AuthPerMin, s.cfg.v1AuthPerMin, "/v1/auth", s.rejectV1)
	add(s.cfg.v2AuthPerMin, s.cfg.v2AuthPerMin, "/v2/auth/token", s.rejectOAuth)
	add(s.cfg.ratePerMinute, s.cfg.rateBurst, "/v1/company/employees*", s.rejectV1)
	if l := add(s.cfg.ratePerMinute, s.cfg.rateBurst, "/v2/*", s.rejectV2); l != nil {
		// One bucket for persons and employments, also when an employments page is
		// read through /v2/employments (the EmploymentLinksAtRoot quirk).
		l.Key = func(r *http.Request) (string, bool) {
			p := r.URL.Path
			return "", strings.HasPrefix(p, "/v2/persons") || p == employmentsRootPath
		}
	}
	return ls
}

func (s *Server) rejectV1(w http.ResponseWriter, _ time.Duration) {
	s.writeV1Error(w, http.StatusTooManyRequests, "Too Many Requests")
}

func (s *Server) rejectV2(w http.ResponseWriter, _ time.Duration) {
	s.writeProblem(w, http.StatusTooManyRequests, "Too many requests",
		"The rate limit for this endpoint has been exceeded. Retry later.", "common.too_many_requests")
}

func (s *Server) rejectOAuth(w http.ResponseWriter, _ time.Duration) {
	s.writeOAuthError(w, http.StatusTooManyRequests, "temporarily_unavailable",
		"Too many token requests. Retry later.", "credentials.oauth2.temporarily_unavailable", nil)
}

// route dispatches a request. Unknown paths answer 404, known paths with another
// method 405 with an Allow header.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v1/auth":
		if s.method(w, r, http.MethodPost, false) {
			s.v1Auth(w, r)
		}
	case p == "/v2/auth/token":
		if s.method(w, r, http.MethodPost, true) {
			s.v2Token(w, r)
		}
	case strings.HasPrefix(p, "/v1/"):
		s.routeV1(w, r, strings.TrimPrefix(p, "/v1/"))
	case strings.HasPrefix(p, "/v2/"):
		s.routeV2(w, r, strings.TrimPrefix(p, "/v2/"))
	default:
		s.writeV1Error(w, http.StatusNotFound, "Not Found")
	}
}

// method checks the request method; on a mismatch it answers 405 and returns false.
func (s *Server) method(w http.ResponseWriter, r *http.Request, want string, v2 bool) bool {
	if r.Method == want {
		return true
	}
	w.Header().Set("Allow", want)
	if v2 {
		s.writeProblem(w, http.StatusMethodNotAllowed, "Method not allowed",
			"The method "+r.Method+" is not allowed for this resource.", "common.method_not_allowed")
	} else {
		s.writeV1Error(w, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	return false
}

// routeV1 serves /v1/company/... .
func (s *Server) routeV1(w http.ResponseWriter, r *http.Request, rest string) {
	parts := strings.Split(rest, "/")
	if len(parts) < 2 || parts[0] != "company" || parts[1] != "employees" || len(parts) > 5 {
		s.writeV1Error(w, http.StatusNotFound, "Not Found")
		return
	}
	if len(parts) >= 4 {
		// /company/employees/{id}/profile-picture[/{width}]: the picture answer carries
		// no Authorization header and consumes no token (see picture.go).
		if parts[3] != "profile-picture" || parts[2] == "" {
			s.writeV1Error(w, http.StatusNotFound, "Not Found")
			return
		}
		width := ""
		if len(parts) == 5 {
			width = parts[4]
		}
		if !s.method(w, r, http.MethodGet, false) {
			return
		}
		if _, ok := s.v1Authorize(w, r, false); ok {
			s.v1Picture(w, r, parts[2], width)
		}
		return
	}
	var h func(http.ResponseWriter, *http.Request, string)
	arg := ""
	switch {
	case len(parts) == 2:
		h = s.v1ListEmployees
	case parts[2] == "attributes" || parts[2] == "custom-attributes":
		h = s.v1Attributes
	case parts[2] != "":
		h, arg = s.v1GetEmployee, parts[2]
	default:
		s.writeV1Error(w, http.StatusNotFound, "Not Found")
		return
	}
	if !s.method(w, r, http.MethodGet, false) {
		return
	}
	tok, ok := s.v1Authorize(w, r, true)
	if !ok {
		return
	}
	w.Header().Set("Authorization", "Bearer "+tok)
	h(w, r, arg)
}

// routeV2 serves the v2 resources.
func (s *Server) routeV2(w http.ResponseWriter, r *http.Request, rest string) {
	parts := strings.Split(rest, "/")
	for _, p := range parts {
		if p == "" {
			s.notFoundV2(w)
			return
		}
	}
	if parts[0] == "webhooks" {
		s.routeWebhooks(w, r, parts)
		return
	}
	var scope string
	var h func(http.ResponseWriter, *http.Request, []string)
	switch {
	case parts[0] == "persons" && len(parts) <= 2:
		scope, h = ScopePersonsRead, s.v2Persons
	case parts[0] == "persons" && len(parts) <= 4 && parts[2] == "employments":
		scope, h = ScopeEmploymentsRead, s.v2Employments
	case parts[0] == "employments" && len(parts) == 1:
		scope, h = ScopeEmploymentsRead, s.v2EmploymentsRoot
	case parts[0] == "legal-entities" && len(parts) <= 2:
		scope, h = ScopeLegalEntitiesRead, s.v2LegalEntities
	case parts[0] == "org-units" && len(parts) <= 2:
		if len(parts) == 1 && s.cfg.noOrgUnitList {
			s.notFoundV2(w)
			return
		}
		scope, h = ScopeOrgUnitsRead, s.v2OrgUnits
	default:
		s.notFoundV2(w)
		return
	}
	if !s.method(w, r, http.MethodGet, true) {
		return
	}
	if !s.v2Authorize(w, r, scope) {
		return
	}
	h(w, r, parts)
}
