package latticetest

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
)

// Company is the company model the server renders; it is shared with the Personio fake,
// so the same people can exist in both.
type Company = fakecompany.Company

// Person is one person of a [Company].
type Person = fakecompany.Person

// Request is one request as the server saw it (method, path, query, status, fault).
type Request = fakeserver.Request

// serverBase is the part of a Server that the fakes share; it is embedded under this
// unexported name so that it adds methods, not an exported field.
type serverBase = fakeserver.Base

// Fault describes how to answer matching requests instead of (or on top of) the real
// handler: a status burst, latency, a truncated body, a connection reset, invalid JSON or
// a rewritten body. See [Server] for Inject.
type Fault = fakeserver.Fault

// GenerateCompany returns the deterministic company of n people generated from seed, the
// same one the Personio fake serves for the same arguments.
func GenerateCompany(seed uint64, n int) *Company { return fakecompany.Generate(seed, n, nil) }

// Key describes an API key added with [Server.AddKey].
type Key struct {
	// MeID is the Lattice user id of the key's creator, the user GET /v1/me returns and
	// whose privileges the key inherits. "" means the server's default admin.
	MeID string
	// Forbidden lists the paths this key gets 403 on, to model a key whose creator lacks
	// access. An entry matches a request path when its segments are a prefix of the
	// path's segments; a "*" segment matches any one segment. "/v1/departments" matches
	// "/v1/departments" only (not "/v1/department/{id}"), "/v1/user/*/customAttributes"
	// matches every user's custom attributes.
	Forbidden []string
}

// Quirks switch on misbehaviours of the list endpoints that real APIs show now and then
// and that a robust client must survive (or report). They apply to every list endpoint
// (users, direct reports, custom attributes, departments). The "once" quirks fire once per
// listing: a listing starts with a request without startingAfter and is told apart from
// other listings by API key, path and status filter.
type Quirks struct {
	// RepeatCursor makes every page asked for with a cursor answer that same cursor as its
	// endingCursor (while it has more), so a client that does not detect repeats loops
	// forever.
	RepeatCursor bool
	// BackwardsCursor makes the first page asked for with a cursor answer an endingCursor
	// that points back to the start of the listing (once per listing): items are served
	// again.
	BackwardsCursor bool
	// DuplicateAcrossPages makes every page asked for with a cursor start with the user
	// the cursor names (the last user of the previous page). Pages keep their size but
	// hold at least one new item, so a listing still ends.
	DuplicateAcrossPages bool
	// OversizedPages makes pages hold half as many items again (plus one) as asked for.
	OversizedPages bool
	// EmptyPageWithMore makes the first page asked for with a cursor come back with
	// data:[] and hasMore:true (once per listing). Its endingCursor is a fresh cursor for
	// the same place, so following it loses nothing.
	EmptyPageWithMore bool
	// HasMoreWithoutCursor makes the last page of a listing say hasMore:true with
	// endingCursor:null.
	HasMoreWithoutCursor bool
}

// Option configures [NewServer].
type Option func(*config)

type config struct {
	company          *Company
	apiKey           string
	ratePerMinute    int
	rateBurst        int
	rateHeaders      bool
	latency          time.Duration
	absoluteURLs     bool
	scim             bool
	allExternalIDs   bool
	generateSeed     uint64
	generateN        int
	generateExplicit bool
}

// WithCompany serves a deep copy of c. Without it (or with nil) the server serves
// GenerateCompany(1, 50).
func WithCompany(c *Company) Option {
	return func(cfg *config) {
		cfg.company = c
		cfg.generateExplicit = false
	}
}

// WithGenerated serves GenerateCompany(seed, n).
func WithGenerated(seed uint64, n int) Option {
	return func(cfg *config) {
		cfg.company = nil
		cfg.generateSeed, cfg.generateN, cfg.generateExplicit = seed, n, true
	}
}

// WithAPIKey sets the full-access key ([Server.APIKey]); "" keeps a random one.
func WithAPIKey(key string) Option { return func(cfg *config) { cfg.apiKey = key } }

// WithRateLimit limits every API key to perMinute requests per minute with bursts of up to
// burst requests (a token bucket per key; burst <= 0 means 1). Over the limit the server
// answers 429 with Retry-After (whole seconds, at least 1, as Lattice sends it) and an
// {"error": ...} body. The bucket belongs to the key, not to a client: a client that
// starts right after another one with the same key finds the bucket as the first left
// it. Requests without a known key are refused with 401 and take no token.
// perMinute <= 0 means no limit, the default. [WithDocumentedRateLimit] sets Lattice's
// documented limit.
func WithRateLimit(perMinute, burst int) Option {
	return func(cfg *config) { cfg.ratePerMinute, cfg.rateBurst = perMinute, burst }
}

// WithDocumentedRateLimit enforces Lattice's documented limit: 240 requests per minute
// per API key. Lattice documents no burst; the fake assumes one second's worth, 4, so a
// client that paces itself to 240 a minute passes and one that sends a minute's worth
// at once is refused. It is WithRateLimit(240, 4).
func WithDocumentedRateLimit() Option { return WithRateLimit(240, 4) }

// WithRateLimitHeaders makes the server send X-RateLimit-Limit (requests per minute),
// X-RateLimit-Remaining (whole tokens left in the key's bucket) and X-RateLimit-Reset (the
// Unix time, in seconds, at which the bucket is full again) on every authenticated
// response, 429s included. Real Lattice documents no such headers; this is for testing a
// client's adaptive pacing. It has no effect without [WithRateLimit].
func WithRateLimitHeaders() Option { return func(cfg *config) { cfg.rateHeaders = true } }

// WithLatency makes d the response time of every request: the answer leaves no earlier
// than d after the request arrived, the server's own work included, as with an API whose
// round trip is d. The wait is a Go timer, accurate to about a millisecond on an idle
// machine (later on a busy one).
func WithLatency(d time.Duration) Option { return func(cfg *config) { cfg.latency = max(d, 0) } }

// WithAbsoluteURLs renders the url of objects, reference stubs and list references as
// absolute URLs (the server's URL followed by the path) instead of "/v1/..." paths. The
// API notes leave the form open; clients must handle both.
func WithAbsoluteURLs() Option { return func(cfg *config) { cfg.absoluteURLs = true } }

// WithSCIM serves the SCIM 2.0 subset: GET /scim/v2/Users (filter, startIndex, count),
// GET /scim/v2/Users/{id} and PATCH /scim/v2/Users/{id} setting active.
func WithSCIM() Option { return func(cfg *config) { cfg.scim = true } }

// WithAllExternalIDs renders the externalUserId of every user, including the few that
// [CreatedInLattice] reports as created directly in Lattice (whose externalUserId is null
// by default).
func WithAllExternalIDs() Option { return func(cfg *config) { cfg.allExternalIDs = true } }

// Server is an in-process fake of the Lattice Talent API (v1) serving a [Company] on a
// loopback address. It is safe for concurrent use: handlers run concurrently with each
// other and with the test's calls to Mutate, Inject and the rest.
//
// It shares part of its API with the Personio fake:
//
//	Requests() []Request            // the requests received, oldest first
//	Count(method, path string) int  // how many had method ("" = any) and path ("/v1/*" = prefix)
//	RateLimited() int               // how many the rate limit answered with 429
//	ResetRequests()
//	Inject(f Fault)                 // queue a fault; the first that matches a request applies
//	ClearFaults()
//	PendingFaults() int             // faults with applications left
//	Client() *http.Client
//	Handler() http.Handler          // the same API in memory, e.g. inside a synctest bubble
//	Close()                         // waits for requests in flight; may be called again
//
// and its String and GoString print the URL, never a key. Faults act before
// authentication and rate limiting, so a Fault{Status: 401} models an expired key.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234; the API lives under /v1.
	URL string
	// APIKey is a full-access key bound to the default "me" user, an active admin.
	APIKey string

	serverBase
	cfg      config
	restrict string

	mu      sync.RWMutex
	company *Company
	ix      *index
	invalid error
	keys    map[string]Key
	meID    string // Lattice id of the default "me" user, "" for none
	// restrictedMeID is the user the restricted key belongs to.
	restrictedMeID string

	qmu      sync.Mutex
	quirks   Quirks
	listings map[string]*listingState
}

// NewServer starts a fake Lattice server. Close it when done (or use [NewTestServer]).
func NewServer(opts ...Option) *Server {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	var c *Company
	switch {
	case cfg.company != nil:
		c = cfg.company.Clone()
	case cfg.generateExplicit:
		c = GenerateCompany(cfg.generateSeed, cfg.generateN)
	default:
		c = GenerateCompany(1, 50)
	}
	s := &Server{
		cfg:      cfg,
		company:  c,
		keys:     make(map[string]Key),
		listings: make(map[string]*listingState),
		APIKey:   cfg.apiKey,
	}
	if s.APIKey == "" {
		s.APIKey = newKey("lat_test_")
	}
	s.restrict = newKey("lat_restricted_")
	s.reindexLocked()
	s.meID, s.restrictedMeID = s.chooseMe()
	s.keys[s.APIKey] = Key{MeID: s.meID}
	s.keys[s.restrict] = Key{
		MeID:      s.restrictedMeID,
		Forbidden: []string{"/v1/departments", "/v1/department", "/v1/user/*/customAttributes"},
	}

	o := fakeserver.Options{Name: "latticetest.Server"}
	if cfg.latency > 0 {
		d := cfg.latency
		o.Latency = func() time.Duration { return d }
	}
	if cfg.ratePerMinute > 0 {
		o.Limiters = []*fakeserver.Limiter{{
			PerMinute: cfg.ratePerMinute, Burst: cfg.rateBurst, Key: s.knownKey,
			RetryAfter: true, Headers: cfg.rateHeaders, Reject: s.rejectRate,
		}}
	}
	s.URL = fakeserver.Start(&s.serverBase, http.HandlerFunc(s.serveHTTP), o)
	return s
}

// NewTestServer is [NewServer] for tests: it closes the server when tb's test ends.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// knownKey returns the API key of a request, or false when it has none the server knows:
// such a request is refused with 401 and never reaches the rate limit.
func (s *Server) knownKey(r *http.Request) (string, bool) {
	key, ok := bearer(r)
	if !ok {
		return "", false
	}
	s.mu.RLock()
	_, known := s.keys[key]
	s.mu.RUnlock()
	return key, known
}

// rejectRate writes the 429 of an exhausted bucket (Retry-After is already set).
func (s *Server) rejectRate(w http.ResponseWriter, retryAfter time.Duration) {
	secs := max(1, int((retryAfter+time.Second-1)/time.Second))
	writeError(w, http.StatusTooManyRequests, "Rate limit exceeded: "+strconv.Itoa(s.cfg.ratePerMinute)+
		" requests per minute per API key. Retry after "+strconv.Itoa(secs)+" seconds.")
}

// chooseMe picks the default "me" user (the first active admin, else the first active
// user, else the first user) and the restricted key's user (the first active user who is
// not an admin, else the default one).
func (s *Server) chooseMe() (me, restricted string) {
	ix := s.ix
	if ix == nil || len(ix.c.People) == 0 {
		return "", ""
	}
	ps := ix.c.People
	for i := range ps {
		if ps[i].IsAdmin && ix.status[i] == stActive {
			me = ps[i].LatticeID
			break
		}
	}
	if me == "" && len(ix.lists[stActive]) > 0 {
		me = ps[ix.lists[stActive][0]].LatticeID
	}
	if me == "" {
		me = ps[0].LatticeID
	}
	restricted = me
	for _, i := range ix.lists[stActive] {
		if !ps[i].IsAdmin {
			restricted = ps[i].LatticeID
			break
		}
	}
	return me, restricted
}

// RestrictedKey returns a key whose creator lacks access to departments and custom
// attributes: it gets 403 on /v1/departments, /v1/department/{id} and
// /v1/user/{id}/customAttributes, and works everywhere else. GET /v1/me with it returns
// an active user who is not an admin.
func (s *Server) RestrictedKey() string { return s.restrict }

// AddKey adds (or replaces) an API key.
func (s *Server) AddKey(key string, k Key) {
	k.Forbidden = slices.Clone(k.Forbidden)
	s.mu.Lock()
	s.keys[key] = k
	s.mu.Unlock()
}

// Company returns a deep copy of the company as the server currently serves it.
func (s *Server) Company() *Company {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.company.Clone()
}

// Mutate calls f with the company under the server's lock, so f can change anything
// (hire, terminate, move, remove people, edit fields) while requests wait. Afterwards the
// server re-sorts People by ID, gives people, departments and attributes without a
// Lattice id a derived one, and re-indexes. Listings in progress continue from where they
// were: a cursor naming a user removed since still marks its place. If the company can
// no longer be rendered (duplicate IDs), [Server.Err] reports why and API requests answer
// 500 until a later Mutate repairs it.
func (s *Server) Mutate(f func(c *Company)) {
	s.mu.Lock()
	defer func() {
		s.reindexLocked()
		s.mu.Unlock()
	}()
	f(s.company)
}

// Err returns the reason the company cannot be served after a [Server.Mutate] (wrapping
// [ErrInvalidCompany]), or nil.
func (s *Server) Err() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.invalid
}

// reindexLocked rebuilds the index; s.mu must be held for writing (or s not yet shared).
func (s *Server) reindexLocked() {
	if err := normalize(s.company); err != nil {
		s.invalid = wrapInvalid(err)
		return
	}
	ix, err := buildIndex(s.company, s.ix)
	if err != nil {
		s.invalid = err
		return
	}
	s.ix, s.invalid = ix, nil
}

// SetQuirks replaces the list quirks and forgets which "once" quirks have fired.
func (s *Server) SetQuirks(q Quirks) {
	s.qmu.Lock()
	s.quirks = q
	clear(s.listings)
	s.qmu.Unlock()
}

// ExternalUserID returns the externalUserId the server renders for p, or false when it
// renders null (see [CreatedInLattice] and [WithAllExternalIDs]).
func (s *Server) ExternalUserID(p *Person) (string, bool) {
	if !s.cfg.allExternalIDs && CreatedInLattice(p) {
		return "", false
	}
	return personIDString(p), true
}

// RetryAfterDate formats t as an HTTP-date for a Retry-After header, for faults such as
// Fault{Status: 429, Header: http.Header{"Retry-After": {RetryAfterDate(t)}}}.
func RetryAfterDate(t time.Time) string { return fakeserver.RetryAfterDate(t) }

// MeID returns the Lattice user id GET /v1/me returns for [Server.APIKey].
func (s *Server) MeID() string { return s.meID }
