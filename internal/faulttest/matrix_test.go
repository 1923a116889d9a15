package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// outcome is what a row expects of a full sync: exactly the IDs of the initial or of the
// final company, or an error matching a sentinel.
type outcome struct {
	// ids, when set, returns the company whose people the sync must return, each once.
	ids func(e *env) *fakecompany.Company
	// err is the sentinel the sync's error must match; also lists more errors it must
	// match too (the cause under the sentinel).
	err  error
	also []error
	// desc describes the outcome in test names and failure messages.
	desc string
}

var (
	// allInitial: every person of the company as it was when the sync started.
	allInitial = outcome{desc: "exact IDs (company at start)", ids: func(e *env) *fakecompany.Company { return e.initial }}
	// allFinal: every person of the company as it is after the sync.
	allFinal = outcome{desc: "exact IDs (company at end)", ids: func(e *env) *fakecompany.Company { return e.company() }}
)

func failsWith(err error, also ...error) outcome {
	return outcome{err: err, also: also, desc: "error matching " + fmt.Sprintf("%q", err)}
}

// fault is one row group of the matrix: a misbehaviour of the API and what each target
// must make of it. Targets missing from want do not have the fault (v1 has no cursor).
type fault struct {
	name string
	// server options and company preparation, applied before the server starts.
	opts func(t target) serverOptions
	// setup injects faults and quirks into a running fake.
	setup func(e *env)
	// cfg changes the client configuration.
	cfg func(c *clientConfig)
	// want maps each target to the outcome it must produce.
	want map[target]outcome
	// conn marks faults that act on the connection (resets, bodies cut short): they need
	// the fake's loopback listener, so the row runs over it, in real time. Every other
	// row runs in a synctest bubble, with the fake in memory, in virtual time.
	conn bool
	// retryAfter, when set, is the least time between an answer with Retry-After and the
	// next request for the same page.
	retryAfter time.Duration
	// maxPerPage bounds the requests for any one page; 0 means MaxAttempts, plus one for
	// the resend after a credential refresh or the read again of a page that changed.
	maxPerPage int
	// extra is how many list requests more than a sync without the fault the row may
	// send besides one for each answer of the fault: the pages a parallel listing read
	// ahead and reads again when the listing changes under it.
	extra int
	// noInjection marks rows made of quirks or server options alone; every other row must
	// see at least one request answered by an injected fault or hook, or it tested
	// nothing.
	noInjection bool
}

// readAhead is how many pages a parallel v1 listing reads ahead of the caller at most.
const readAhead = 2 * personio.DefaultConcurrency

// every gives all targets the same outcome.
func every(o outcome) map[target]outcome {
	return map[target]outcome{personioV1: o, personioV2: o, latticeAPI: o}
}

// onList is a fault on the list endpoint that leaves the first two list requests alone,
// so it strikes in the middle of the sync, at a page boundary.
func onList(e *env, f fakeserver.Fault) {
	f.Path = e.target.listPath()
	if f.Skip == 0 {
		f.Skip = 2
	}
	e.inject(f)
}

const htmlGateway = "<html><body><h1>502 Bad Gateway</h1></body></html>"

// statusBurst answers n list requests with status (n < 0: forever).
func statusBurst(status, n int) func(e *env) {
	return func(e *env) {
		onList(e, fakeserver.Fault{Name: fmt.Sprint(status), Status: status, Times: n,
			Header: http.Header{"Content-Type": {"text/html"}}, Body: htmlGateway})
	}
}

func errorBody(t target, status int) string {
	if t.personio() {
		return fmt.Sprintf(`{"success":false,"error":{"code":%d,"message":"%s"}}`, status, http.StatusText(status))
	}
	return fmt.Sprintf(`{"error":%q}`, http.StatusText(status))
}

func jsonStatus(status, n int, hdr http.Header) func(e *env) {
	return func(e *env) {
		h := http.Header{"Content-Type": {"application/json"}}
		for k, v := range hdr {
			h[k] = v
		}
		onList(e, fakeserver.Fault{Name: fmt.Sprint(status), Status: status, Times: n, Header: h, Body: errorBody(e.target, status)})
	}
}

// setQuirks switches quirks on for the targets that have them (nil: none).
func setQuirks(p func(q *personiotest.Quirks), l func(q *latticetest.Quirks)) func(e *env) {
	return func(e *env) {
		if e.ps != nil && p != nil {
			q := personiotest.DefaultQuirks()
			p(&q)
			e.ps.SetQuirks(q)
		}
		if e.ls != nil && l != nil {
			var q latticetest.Quirks
			l(&q)
			e.ls.SetQuirks(q)
		}
	}
}

// removeAt removes the person at index i of the company (index 1 is on the first page,
// which a sync has read by its third list request).
func removeAt(i int) func(c *fakecompany.Company) error {
	return func(c *fakecompany.Company) error { return c.Remove(c.People[i].ID) }
}

// gapIndex is where the company has a hole in its IDs, made before the sync, that a hire
// during the sync fills: an insertion before the offset the sync has reached.
const gapIndex = 5

func hireInto(id int) func(c *fakecompany.Company) error {
	return func(c *fakecompany.Company) error {
		p := c.People[gapIndex] // a valid template: same department, office, supervisor
		p.ID, p.Email, p.LatticeID = id, "", ""
		p.FirstName, p.LastName, p.PreferredName = "Nadia", "Neuzugang", ""
		if _, err := c.Hire(p); err != nil {
			return err
		}
		slices.SortFunc(c.People, func(a, b fakecompany.Person) int { return a.ID - b.ID })
		return nil
	}
}

// faults is the matrix. Expected outcomes are written down per target; see
// docs/reliability.md for why each one is right.
func faults() []fault {
	return []fault{
		{name: "baseline", setup: func(*env) {}, want: every(allInitial), noInjection: true},

		// 429 and Retry-After.
		{
			name:       "429 Retry-After seconds",
			setup:      jsonStatus(429, 1, http.Header{"Retry-After": {"1"}}),
			want:       every(allInitial),
			retryAfter: time.Second,
		},
		{
			name: "429 Retry-After HTTP-date",
			setup: func(e *env) {
				at := fakeserver.RetryAfterDate(time.Now().Add(2 * time.Second)) // the bubble's clock
				jsonStatus(429, 1, http.Header{"Retry-After": {at}})(e)
			},
			want:       every(allInitial),
			retryAfter: time.Second, // the date has whole seconds
		},
		{name: "429 without Retry-After burst", setup: jsonStatus(429, 3, nil), want: every(allInitial)},
		{name: "429 sustained", setup: jsonStatus(429, -1, nil), want: every(failsWith(unified.ErrRateLimited))},
		{
			// Not waited for: no page is asked for again.
			name:       "429 Retry-After beyond MaxRetryAfter",
			setup:      jsonStatus(429, -1, http.Header{"Retry-After": {"3600"}}),
			want:       every(failsWith(unified.ErrRateLimited)),
			maxPerPage: 1,
		},

		// Server errors.
		{name: "500 once", setup: jsonStatus(500, 1, nil), want: every(failsWith(unified.ErrUnavailable)), maxPerPage: 1},
		{name: "502 burst", setup: statusBurst(502, 3), want: every(allInitial)},
		{name: "503 burst", setup: jsonStatus(503, 3, nil), want: every(allInitial)},
		{name: "504 burst", setup: statusBurst(504, 3), want: every(allInitial)},
		{name: "503 with Retry-After", setup: jsonStatus(503, 1, http.Header{"Retry-After": {"1"}}), want: every(allInitial), retryAfter: time.Second},
		{name: "502 sustained", setup: statusBurst(502, -1), want: every(failsWith(unified.ErrUnavailable))},

		// Broken connections and bodies.
		{name: "connection reset before headers", conn: true, setup: func(e *env) { onList(e, fakeserver.Fault{ResetBeforeHeaders: true, Times: 2}) }, want: every(allInitial)},
		{name: "connection reset mid-body", conn: true, setup: func(e *env) { onList(e, fakeserver.Fault{ResetAfter: 200, Times: 2}) }, want: every(allInitial)},
		{name: "truncated body", conn: true, setup: func(e *env) { onList(e, fakeserver.Fault{TruncateAfter: 300, Times: 2}) }, want: every(allInitial)},
		{name: "invalid JSON once", setup: func(e *env) { onList(e, fakeserver.Fault{InvalidJSON: true}) }, want: every(allInitial)},
		{name: "invalid JSON sustained", setup: func(e *env) { onList(e, fakeserver.Fault{InvalidJSON: true, Times: -1}) }, want: every(failsWith(unified.ErrUnavailable))},
		{name: "connection reset sustained", conn: true, setup: func(e *env) { onList(e, fakeserver.Fault{ResetAfter: 100, Times: -1}) }, want: every(failsWith(unified.ErrUnavailable, syscall.ECONNRESET))},

		// Slow responses.
		{
			name:  "response slower than the timeout once",
			setup: func(e *env) { onList(e, fakeserver.Fault{Delay: 3 * attemptTimeout}) },
			want:  every(allInitial),
		},
		{
			name:  "responses slower than the timeout",
			setup: func(e *env) { onList(e, fakeserver.Fault{Delay: 3 * attemptTimeout, Times: -1}) },
			cfg:   func(c *clientConfig) { c.maxAttempts = 2 },
			// The attempt timeout is not the caller's context.DeadlineExceeded.
			want:       every(failsWith(unified.ErrUnavailable, os.ErrDeadlineExceeded)),
			maxPerPage: 2,
		},

		// Credentials.
		{
			name: "token expires mid-sync",
			setup: func(e *env) {
				if e.ps != nil {
					e.onListRequest(3, e.ps.ExpireTokens)
					return
				}
				jsonStatus(401, 1, nil)(e) // Lattice keys do not expire: one 401, then fine
			},
			want: every(allInitial),
		},
		{name: "401 sustained", setup: jsonStatus(401, -1, nil), want: every(failsWith(unified.ErrUnauthorized)), maxPerPage: 2},
		{name: "403 mid-sync", setup: jsonStatus(403, 1, nil), want: every(failsWith(unified.ErrForbidden)), maxPerPage: 1},
		{
			name: "v1 token rotation on every response",
			opts: func(target) serverOptions {
				return serverOptions{personio: []personiotest.Option{personiotest.WithLegacyTokenRotation()}}
			},
			setup:       func(*env) {},
			want:        map[target]outcome{personioV1: allInitial},
			noInjection: true,
		},

		// Cursors and pages.
		{
			name:        "cursor repeats",
			noInjection: true,
			setup:       setQuirks(func(q *personiotest.Quirks) { q.SelfReferencingNext = true }, func(q *latticetest.Quirks) { q.RepeatCursor = true }),
			want:        map[target]outcome{personioV2: failsWith(unified.ErrCursorLoop), latticeAPI: failsWith(unified.ErrCursorLoop)},
		},
		{
			name:        "cursor points backwards",
			noInjection: true,
			setup:       setQuirks(func(q *personiotest.Quirks) { q.BackwardsCursor = true }, func(q *latticetest.Quirks) { q.BackwardsCursor = true }),
			// Lattice cursors are user ids: one that does not name the last user of its
			// page is caught before it is followed.
			want: map[target]outcome{personioV2: failsWith(unified.ErrCursorLoop), latticeAPI: failsWith(unified.ErrInconsistentListing)},
		},
		{
			name:        "page larger than requested",
			noInjection: true,
			setup:       setQuirks(func(q *personiotest.Quirks) { q.OversizedPages = true }, func(q *latticetest.Quirks) { q.OversizedPages = true }),
			want:        every(allInitial),
		},
		{
			name:        "empty page with a next cursor",
			noInjection: true,
			setup:       setQuirks(func(q *personiotest.Quirks) { q.EmptyPageWithNext = true }, func(q *latticetest.Quirks) { q.EmptyPageWithMore = true }),
			want:        map[target]outcome{personioV2: allInitial, latticeAPI: allInitial},
		},
		{
			name:        "same user on two pages",
			noInjection: true,
			setup:       setQuirks(func(q *personiotest.Quirks) { q.DuplicateAcrossPages = true }, func(q *latticetest.Quirks) { q.DuplicateAcrossPages = true }),
			want:        every(allInitial),
		},
		{
			// The fake says hasMore on the last page, with no cursor to follow: the listing
			// ends there, complete (see docs/reliability.md for the limits of this).
			name:        "more pages announced without a cursor",
			noInjection: true,
			setup:       setQuirks(nil, func(q *latticetest.Quirks) { q.HasMoreWithoutCursor = true }),
			want:        map[target]outcome{latticeAPI: allInitial},
		},

		// The listing changes during the sync.
		{
			name:  "user deleted behind the sync",
			extra: readAhead,
			setup: func(e *env) { e.onListRequest(3, func() { e.mutate(removeAt(1)) }) },
			want:  every(allInitial),
		},
		{
			name:  "users deleted behind the sync, more than a page",
			extra: readAhead,
			setup: func(e *env) { e.onListRequest(4, func() { e.mutate(removeMany(1, pageSize+3)) }) },
			want: map[target]outcome{
				personioV1: failsWith(unified.ErrInconsistentListing),
				personioV2: allInitial, latticeAPI: allInitial,
			},
		},
		{
			name:  "user deleted ahead of the sync",
			extra: readAhead,
			setup: func(e *env) { e.onListRequest(3, func() { e.mutate(removeAt(companySize - 3)) }) },
			want:  every(allFinal),
		},
		{
			name:  "user inserted behind the sync",
			extra: readAhead,
			opts:  func(target) serverOptions { return serverOptions{prepare: removeAt(gapIndex)} },
			setup: func(e *env) {
				id := e.initial.People[gapIndex-1].ID + 1
				e.onListRequest(3, func() { e.mutate(hireInto(id)) })
			},
			want: map[target]outcome{
				personioV1: failsWith(unified.ErrInconsistentListing),
				personioV2: allInitial, latticeAPI: allInitial,
			},
		},
		{
			name:  "user inserted ahead of the sync",
			extra: readAhead,
			setup: func(e *env) { e.onListRequest(3, func() { e.mutate(hireInto(0)) }) },
			want:  every(allFinal),
		},
	}
}

// removeMany removes n people starting at index i.
func removeMany(i, n int) func(c *fakecompany.Company) error {
	return func(c *fakecompany.Company) error {
		for range n {
			if err := removeAt(i)(c); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestFaultMatrix runs a full sync of the seeded company through unified.Users and
// unified.PagedUsers for every fault and target, and checks the outcome written in the row:
// exactly the company's user IDs, each once, or an error matching the row's sentinel.
// It bounds what the sync asked of the API: no page more often than its budget of
// attempts (and, where the row has one, not before the Retry-After), and, for a sync that
// succeeds, no more list requests than a sync without the fault plus one for each answer
// the fault gave. Rows run in a synctest bubble with the fake in memory, in virtual time,
// except those that need the fake's connections.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	clean := cleanRequests(t)
	for _, f := range faults() {
		for _, tgt := range allTargets {
			want, ok := f.want[tgt]
			if !ok {
				continue
			}
			for _, p := range []path{viaUsers, viaPages} {
				name := fmt.Sprintf("%s/%s/%s", strings.ReplaceAll(f.name, " ", "_"), tgt, p)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					runRow(t, f, tgt, p, want, clean[cleanKey{tgt, p}])
				})
			}
		}
	}
}

type cleanKey struct {
	target target
	path   path
}

// cleanRequests returns how many list requests a sync without faults sends, for each
// target and path.
func cleanRequests(t *testing.T) map[cleanKey]int {
	out := map[cleanKey]int{}
	for _, tgt := range allTargets {
		for _, p := range []path{viaUsers, viaPages} {
			e := newEnv(t, tgt, serverOptions{})
			synctest.Test(t, func(t *testing.T) {
				e.connect(t, defaultClientConfig(), true)
				if _, err := syncIDs(t.Context(), e.dir, p); err != nil {
					t.Fatalf("%s via %s without faults: %v", tgt, p, err)
				}
			})
			out[cleanKey{tgt, p}] = e.listRequests()
		}
	}
	return out
}

func runRow(t *testing.T, f fault, tgt target, p path, want outcome, clean int) {
	var so serverOptions
	if f.opts != nil {
		so = f.opts(tgt)
	}
	cc := defaultClientConfig()
	if f.cfg != nil {
		f.cfg(&cc)
	}
	if f.opts != nil || f.noInjection {
		clean = rowRequests(t, f, tgt, p, so, cc)
	}
	e := newEnv(t, tgt, so)
	if f.conn {
		cc.timeout = 0 // in real time no attempt times out: the machine's speed must not decide the row
		e.connect(t, cc, false)
		checkRow(t, e, f, p, want, clean, hangDeadline)
		return
	}
	synctest.Test(t, func(t *testing.T) {
		e.connect(t, cc, true)
		checkRow(t, e, f, p, want, clean, runDeadline)
	})
}

// rowRequests returns how many list requests a sync sends through a fake with the
// options and quirks of row f but without its injected faults.
func rowRequests(t *testing.T, f fault, tgt target, p path, so serverOptions, cc clientConfig) int {
	e := newEnv(t, tgt, so)
	synctest.Test(t, func(t *testing.T) {
		e.connect(t, cc, true)
		if f.setup != nil {
			f.setup(e)
		}
		e.clearFaults()
		_, _ = syncIDs(t.Context(), e.dir, p) // its outcome is the row's to check
	})
	return e.listRequests()
}

// checkRow syncs e's directory with f's faults and checks the outcome and the requests.
func checkRow(t *testing.T, e *env, f fault, p path, want outcome, clean int, deadline time.Duration) {
	if f.setup != nil {
		f.setup(e)
	}
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	ids, err := syncIDs(ctx, e.dir, p)

	struck := e.faultsStruck()
	if !f.noInjection && struck == 0 {
		t.Errorf("no request was answered by the row's fault: the row tested nothing")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("sync hung: no result within %s (%d list requests); want %s", deadline, e.listRequests(), want.desc)
	}
	maxPerPage := f.maxPerPage
	if maxPerPage == 0 {
		maxPerPage = defaultClientConfig().maxAttempts + 1
	}
	for page, n := range e.pageRequests() {
		if n > maxPerPage {
			t.Errorf("page %q requested %d times, want at most %d", page, n, maxPerPage)
		}
	}
	if f.retryAfter > 0 {
		checkRetryAfter(t, e, f.retryAfter)
	}
	switch {
	case want.err != nil:
		if !errors.Is(err, want.err) {
			t.Fatalf("sync returned %d users and error %v; want %s", len(ids), err, want.desc)
		}
		for _, also := range want.also {
			if !errors.Is(err, also) {
				t.Errorf("error %v does not match %v", err, also)
			}
		}
	case err != nil:
		t.Fatalf("sync failed after %d users: %v; want %s", len(ids), err, want.desc)
	default:
		got := slices.Sorted(slices.Values(ids))
		if diff := cmp.Diff(e.ids(want.ids(e)), got); diff != "" {
			t.Fatalf("user IDs (-want +got):\n%s", diff)
		}
		if n, most := e.listRequests(), clean+struck+f.extra; n > most {
			t.Errorf("%d list requests, want at most %d: %d without the fault, one more for each of its %d answers, and %d more", n, most, clean, struck, f.extra)
		}
	}
}

// checkRetryAfter checks that no page answered with Retry-After was asked for again
// before the wait was over, by the fake's clock, and that one was asked for again.
func checkRetryAfter(t *testing.T, e *env, wait time.Duration) {
	answered := map[string]time.Time{}
	waited := false
	for _, r := range e.requests() {
		if r.Path != e.target.listPath() {
			continue
		}
		page := r.Query.Encode()
		if at, ok := answered[page]; ok {
			if gap := r.At.Sub(at); gap < wait {
				t.Errorf("page %q asked for again %s after an answer with Retry-After, want at least %s", page, gap, wait)
			}
			delete(answered, page)
			waited = true
		}
		if r.Fault != "" {
			answered[page] = r.At
		}
	}
	if !waited {
		t.Error("no page was asked for again after its Retry-After")
	}
}

// TestReliabilityDocListsEveryRow keeps docs/reliability.md in step with the matrix: every
// row appears in its table, under the name its tests have.
func TestReliabilityDocListsEveryRow(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/reliability.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range faults() {
		if row := "`" + strings.ReplaceAll(f.name, " ", "_") + "`"; !strings.Contains(string(doc), row) {
			t.Errorf("docs/reliability.md does not list the row %s", row)
		}
	}
}
