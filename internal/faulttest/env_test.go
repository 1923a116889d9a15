package faulttest

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Sizes of the seeded company and of the pages: small pages, so a sync crosses many page
// boundaries.
const (
	companySeed = 9
	companySize = 150
	pageSize    = 10
	// attemptTimeout is the HTTP client's Timeout, the limit of one attempt.
	attemptTimeout = 750 * time.Millisecond
	// runDeadline bounds every sync, in a bubble's virtual time: a run that reaches it
	// has hung, or waits for what it should not wait for (a Retry-After of an hour).
	runDeadline = 10 * time.Minute
	// hangDeadline bounds a sync over loopback, in real time: only a hang reaches it.
	hangDeadline = 2 * time.Minute
)

// baseCompany is generated once; every server serves its own deep copy.
var baseCompany = sync.OnceValue(func() *fakecompany.Company {
	return fakecompany.Generate(companySeed, companySize, nil)
})

// target is one provider and mode under test.
type target string

const (
	personioV1 target = "personio-v1"
	personioV2 target = "personio-v2"
	latticeAPI target = "lattice"
)

var allTargets = []target{personioV1, personioV2, latticeAPI}

func (t target) personio() bool { return t == personioV1 || t == personioV2 }

// listPath is the path of the list endpoint whose pages a sync walks.
func (t target) listPath() string {
	switch t {
	case personioV1:
		return "/v1/company/employees"
	case personioV2:
		return "/v2/persons"
	}
	return "/v1/users"
}

// clientConfig holds the client settings a row may change.
type clientConfig struct {
	maxAttempts   int
	maxRetryAfter time.Duration
	timeout       time.Duration
}

func defaultClientConfig() clientConfig {
	return clientConfig{maxAttempts: 4, maxRetryAfter: 5 * time.Second, timeout: attemptTimeout}
}

// env is one fake server of one target and a Directory over it.
type env struct {
	t      testing.TB
	target target
	dir    unified.Directory
	ps     *personiotest.Server
	ls     *latticetest.Server
	// initial is the company as it was served when the sync started.
	initial *fakecompany.Company
	// sent logs the requests as the client sends them.
	sent *sendLog
}

// sendLog is a RoundTripper that records the requests the client sends, before passing
// them on, and counts them until the log is marked closed.
type sendLog struct {
	next   http.RoundTripper
	mu     sync.Mutex
	reqs   []string
	closed bool // requests after this are late
	late   []string
}

func (l *sendLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	u := r.Method + " " + r.URL.RequestURI()
	l.reqs = append(l.reqs, u)
	if l.closed {
		l.late = append(l.late, u)
	}
	l.mu.Unlock()
	return l.next.RoundTrip(r)
}

// close marks every request from now on as late, and returns those sent late so far.
func (l *sendLog) close() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return slices.Clone(l.late)
}

// lateRequests returns the requests sent after close.
func (l *sendLog) lateRequests() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.late)
}

// reopen forgets the late requests and stops marking them.
func (l *sendLog) reopen() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed, l.late = false, nil
}

// serverOptions are the options a row passes to the fakes.
type serverOptions struct {
	personio []personiotest.Option
	lattice  []latticetest.Option
	// prepare changes the company before the server starts.
	prepare func(c *fakecompany.Company) error
}

// newEnv starts the fake of tgt. It listens on loopback, so it must start outside a
// synctest bubble; connect makes the directory over it.
func newEnv(t testing.TB, tgt target, so serverOptions) *env {
	t.Helper()
	c := baseCompany().Clone()
	if so.prepare != nil {
		if err := so.prepare(c); err != nil {
			t.Fatalf("preparing the company: %v", err)
		}
	}
	e := &env{t: t, target: tgt, initial: c.Clone()}
	if tgt.personio() {
		e.ps = personiotest.NewTestServer(t, append([]personiotest.Option{personiotest.WithCompany(c)}, so.personio...)...)
	} else {
		e.ls = latticetest.NewTestServer(t, append([]latticetest.Option{latticetest.WithCompany(c)}, so.lattice...)...)
	}
	return e
}

// connect makes e's directory, with tiny backoff waits, reporting to t: over loopback
// when inMemory is false, else through the fake's handler in memory (in a synctest
// bubble, where connect must then be called).
func (e *env) connect(t testing.TB, cc clientConfig, inMem bool) {
	t.Helper()
	e.t = t
	var base, mem *http.Client
	if e.ps != nil {
		base, mem = e.ps.Client(), e.ps.InMemoryClient()
	} else {
		base, mem = e.ls.Client(), e.ls.InMemoryClient()
	}
	e.sent = &sendLog{next: base.Transport}
	if inMem {
		e.sent.next = mem.Transport
	}
	hc := &http.Client{Transport: e.sent, Timeout: cc.timeout}
	if e.ps != nil {
		cfg := e.ps.ClientConfig()
		cfg.HTTPClient = hc
		cfg.MaxAttempts, cfg.MaxRetryAfter = cc.maxAttempts, cc.maxRetryAfter
		cfg.MinWait, cfg.MaxWait = time.Millisecond, 5*time.Millisecond
		cl, err := personio.New(cfg)
		if err != nil {
			t.Fatalf("personio.New: %v", err)
		}
		opts := []personio.DirectoryOption{personio.WithPageSize(pageSize)}
		if e.target == personioV2 {
			opts = append(opts, personio.WithV2())
		}
		e.dir = cl.Directory(opts...)
		return
	}
	cfg := e.ls.ClientConfig()
	cfg.HTTPClient = hc
	cfg.MaxAttempts, cfg.MaxRetryAfter = cc.maxAttempts, cc.maxRetryAfter
	cfg.MinWait, cfg.MaxWait = time.Millisecond, 5*time.Millisecond
	cl, err := lattice.New(cfg)
	if err != nil {
		t.Fatalf("lattice.New: %v", err)
	}
	e.dir = cl.Directory(lattice.WithPageSize(pageSize))
}

// inject queues a fault on the fake.
func (e *env) inject(f fakeserver.Fault) {
	if e.ps != nil {
		e.ps.Inject(f)
		return
	}
	e.ls.Inject(f)
}

// clearFaults removes the injected faults (and hooks); quirks stay.
func (e *env) clearFaults() {
	if e.ps != nil {
		e.ps.ClearFaults()
		return
	}
	e.ls.ClearFaults()
}

// mutate changes the served company under the fake's lock. It may run on a handler's
// goroutine (from onListRequest), so a failure is reported with Errorf.
func (e *env) mutate(f func(c *fakecompany.Company) error) {
	g := func(c *fakecompany.Company) {
		if err := f(c); err != nil {
			e.t.Errorf("changing the company during the sync: %v", err)
		}
	}
	if e.ps != nil {
		e.ps.Mutate(g)
		return
	}
	e.ls.Mutate(g)
}

// company returns a copy of the company the fake serves now.
func (e *env) company() *fakecompany.Company {
	if e.ps != nil {
		return e.ps.Company()
	}
	return e.ls.Company()
}

// listRequests counts the requests of the list endpoint the fake received.
func (e *env) listRequests() int {
	if e.ps != nil {
		return e.ps.Count(http.MethodGet, e.target.listPath())
	}
	return e.ls.Count(http.MethodGet, e.target.listPath())
}

// requests returns the requests the fake received.
func (e *env) requests() []fakeserver.Request {
	if e.ps != nil {
		return e.ps.Requests()
	}
	return e.ls.Requests()
}

// faultsStruck counts the requests an injected fault (or hook) answered.
func (e *env) faultsStruck() int {
	n := 0
	for _, r := range e.requests() {
		if r.Fault != "" {
			n++
		}
	}
	return n
}

// pageRequests counts the requests of the list endpoint the fake received for each page
// (each query).
func (e *env) pageRequests() map[string]int {
	out := map[string]int{}
	for _, r := range e.requests() {
		if r.Path == e.target.listPath() {
			out[r.Query.Encode()]++
		}
	}
	return out
}

// ids returns the user IDs the directory must return for c, sorted.
func (e *env) ids(c *fakecompany.Company) []string {
	out := make([]string, 0, len(c.People))
	for i := range c.People {
		if e.target.personio() {
			out = append(out, strconv.Itoa(c.People[i].ID))
		} else {
			out = append(out, c.People[i].LatticeID)
		}
	}
	slices.Sort(out)
	return out
}

// onListRequest runs hook when the fake receives the n-th request (1-based) of the list
// endpoint, before the request is answered. It is the way to change the company in the
// middle of a sync, between two pages.
func (e *env) onListRequest(n int, hook func()) {
	var seen int
	e.inject(fakeserver.Fault{
		Name: "hook",
		Path: e.target.listPath(),
		Match: func(*http.Request) bool {
			seen++ // Match runs under the fault list's lock: no race
			if seen != n {
				return false
			}
			hook()
			return true
		},
	})
}

// path is how a sync reads the directory.
type path string

const (
	// viaUsers is unified.Users, which uses the directories' Streamer fast path.
	viaUsers path = "Users"
	// viaPages is unified.PagedUsers, one ListUsers call after another.
	viaPages path = "Pages"
)

// syncIDs reads every user of e's directory through p and returns their IDs in the
// order read, and the error that ended the listing.
func syncIDs(ctx context.Context, d unified.Directory, p path) ([]string, error) {
	opts := &unified.ListOptions{PageSize: pageSize}
	seq := unified.Users(ctx, d, opts)
	if p == viaPages {
		seq = unified.PagedUsers(ctx, d, opts)
	}
	var ids []string
	for u, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}
