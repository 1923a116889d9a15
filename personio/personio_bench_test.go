package personio_test

import (
	"bytes"
	"encoding/json"
	"io"
	"iter"
	"math"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	. "github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// apiBurst is the burst of Personio's documented limit (300 requests per minute with bursts
// of 15), which the fake enforces; the client keeps DefaultBurst, one less.
const apiBurst = 15

// syncCase is one configuration of BenchmarkSyncPersonio.
type syncCase struct {
	name    string
	v2      bool
	n       int           // people
	latency time.Duration // the fake's response time
	limited bool          // Personio's documented limit, enforced by the fake and kept by the client
}

// BenchmarkSyncPersonio lists a whole company through unified.Users against the fake
// server with the response time L, and reports the time per sync (s/sync), the floor the
// API imposes (floor_s) and their ratio (x_floor), and what the fake saw per sync:
// requests (all of them), extra (list requests beyond the floor's count: retries, pages
// read twice) and 429s.
//
// The floor is that of docs/performance.md ("The floor"), for pages of P = 100 (v1) or
// 50 (v2) and WithConcurrency C = 4 (the default):
//
//   - v1 offset pages: the first page alone, then the others C at a time:
//     L·(1 + ⌈(⌈N/P⌉−1)/C⌉); under a rate limit R with bursts of B, (⌈N/P⌉ − B)/R + L when
//     that is longer.
//   - v2 persons chain with one employments request per person, plus one request per 50
//     supervisors who are on none of the pages read so far (their names are looked up):
//     with Q = ⌈N/P⌉ + N + lookups requests, max(⌈N/P⌉, ⌈Q/C⌉)·L, or (Q − B)/R + L when
//     the rate binds.
//
// Each sync starts from a client with fresh credentials and a full rate-limit bucket at
// the fake and at the client: what a client does once (tokens, the attribute catalog,
// the names of legal entities and org units) is done before the timer starts, and then
// the buckets are left to fill up again, so that the floor is that of the listing.
//
// The sub-benchmarks:
//
//   - limit=300pm: Personio's documented limit for the v1 employee list, 300 requests per
//     minute with bursts of 15, enforced by the fake and kept by the client (its default
//     of 5 requests/s with bursts of 14), at L = 100 ms. Personio documents no limit for
//     v2; the same one is assumed, for GET /v2/persons and the employments below it.
//     Targets: x_floor ≤ 1.05, no 429, no extra request. They also run a second sync by
//     another client started right after the first against the same server, whose bucket
//     the first has spent, from cold (tokens and catalog included): second_429s (429s it
//     met; target ≤ 1) and second_s (its time).
//   - unlimited: the limits lifted by contract (Config.RateLimit NoRateLimit, no limit at
//     the fake): L = 100 ms (target x_floor ≤ 1.15) and L = 20 ms (reported only).
func BenchmarkSyncPersonio(b *testing.B) {
	for _, tc := range []syncCase{
		{name: "v1/limit=300pm/latency=100ms", n: 5000, latency: 100 * time.Millisecond, limited: true},
		{name: "v2/limit=300pm/latency=100ms", v2: true, n: 60, latency: 100 * time.Millisecond, limited: true},
		{name: "v1/unlimited/latency=100ms", n: 10000, latency: 100 * time.Millisecond},
		{name: "v2/unlimited/latency=100ms", v2: true, n: 500, latency: 100 * time.Millisecond},
		{name: "v1/unlimited/latency=20ms", n: 10000, latency: 20 * time.Millisecond},
		{name: "v2/unlimited/latency=20ms", v2: true, n: 1000, latency: 20 * time.Millisecond},
	} {
		b.Run(tc.name, func(b *testing.B) { benchSync(b, tc) })
	}
}

func benchSync(b *testing.B, tc syncCase) {
	co := personiotest.GenerateCompany(1, tc.n)
	opts := []personiotest.Option{personiotest.WithCompany(co), personiotest.WithLatency(tc.latency)}
	if tc.limited {
		opts = append(opts, personiotest.WithRateLimit(300, apiBurst))
	}
	floor, listRequests := syncFloor(co, tc)
	var requests, extra, limited, secondLimited int
	var second time.Duration
	var srv *personiotest.Server
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		if srv == nil || tc.limited { // a full bucket at the fake for every sync
			if srv != nil {
				srv.Close()
			}
			srv = personiotest.NewServer(opts...)
		}
		d := warmDirectory(b, srv, tc)
		srv.ResetRequests()
		b.StartTimer()
		syncAll(b, d, tc.n)
		b.StopTimer()
		reqs := srv.Requests()
		requests += len(reqs)
		extra += listCount(reqs, tc.v2) - listRequests
		limited += statusCount(reqs, http.StatusTooManyRequests)
		if tc.limited {
			srv.ResetRequests()
			start := time.Now()
			syncAll(b, newDirectory(b, srv, tc), tc.n)
			second += time.Since(start)
			secondLimited += statusCount(srv.Requests(), http.StatusTooManyRequests)
		}
	}
	srv.Close()
	per := b.Elapsed() / time.Duration(b.N)
	n := float64(b.N)
	b.ReportMetric(float64(per)/float64(floor), "x_floor")
	b.ReportMetric(floor.Seconds(), "floor_s")
	b.ReportMetric(per.Seconds(), "s/sync")
	b.ReportMetric(float64(requests)/n, "requests")
	b.ReportMetric(float64(extra)/n, "extra")
	b.ReportMetric(float64(limited)/n, "429s")
	if tc.limited {
		b.ReportMetric(float64(secondLimited)/n, "second_429s")
		b.ReportMetric(second.Seconds()/n, "second_s")
	}
}

// syncFloor returns the floor of listing co (see BenchmarkSyncPersonio) and how many
// requests to the listing's endpoints it counts.
func syncFloor(co *personiotest.Company, tc syncCase) (time.Duration, int) {
	const conc = DefaultConcurrency
	l := tc.latency
	var byLatency time.Duration
	var requests int
	if tc.v2 {
		pages := (tc.n + MaxPersonsLimit - 1) / MaxPersonsLimit
		requests = pages + tc.n + supervisorLookups(co)
		byLatency = time.Duration(max(pages, (requests+conc-1)/conc)) * l
	} else {
		pages := (tc.n + MaxEmployeesLimit - 1) / MaxEmployeesLimit
		requests = pages
		byLatency = l * time.Duration(1+(pages-1+conc-1)/conc)
	}
	if !tc.limited || requests <= apiBurst {
		return byLatency, requests
	}
	byRate := time.Duration(float64(requests-apiBurst)/float64(DefaultRateLimit)*float64(time.Second)) + l
	return max(byLatency, byRate), requests
}

// supervisorLookups counts the requests a v2 listing of co needs to look up supervisors:
// for each page of persons, one per 50 supervisors who are neither on it nor on a page
// before it nor looked up before.
func supervisorLookups(co *personiotest.Company) int {
	known := map[int]bool{}
	lookups := 0
	for start := 0; start < len(co.People); start += MaxPersonsLimit {
		page := co.People[start:min(len(co.People), start+MaxPersonsLimit)]
		for _, p := range page {
			known[p.ID] = true
		}
		unknown := 0
		for _, p := range page {
			if s := p.SupervisorID; s != 0 && !known[s] {
				known[s] = true
				unknown++
			}
		}
		lookups += int(math.Ceil(float64(unknown) / MaxPersonsLimit))
	}
	return lookups
}

// newDirectory returns a Directory of a new client of srv, with the client's default
// rate limit, or none for an unlimited case.
func newDirectory(b *testing.B, srv *personiotest.Server, tc syncCase) *Directory {
	b.Helper()
	cfg := Config{ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, BaseURL: srv.URL, HTTPClient: srv.Client()}
	if !tc.limited {
		cfg.RateLimit = NoRateLimit
	}
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var opts []DirectoryOption
	if tc.v2 {
		opts = append(opts, WithV2())
	}
	return c.Directory(opts...)
}

// warmDirectory returns a Directory of a new client of srv (see newDirectory) with its
// tokens, catalog and names read, once the rate-limit buckets of the client and of the
// fake are full again.
func warmDirectory(b *testing.B, srv *personiotest.Server, tc syncCase) *Directory {
	b.Helper()
	d := newDirectory(b, srv, tc)
	ctx := b.Context()
	if _, err := d.Catalog(ctx); err != nil {
		b.Fatal(err)
	}
	if tc.v2 {
		if err := WarmV2(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	if lim := d.Client().Limiter(); tc.limited {
		// The fake's bucket refills at the client's rate, and lost no more tokens.
		time.Sleep(time.Duration((float64(lim.Burst()) - lim.Tokens()) / float64(lim.Limit()) * float64(time.Second)))
	}
	return d
}

// syncAll lists every user of d and checks that there are n.
func syncAll(b *testing.B, d *Directory, n int) {
	b.Helper()
	got := 0
	for _, err := range unified.Users(b.Context(), d, nil) {
		if err != nil {
			b.Fatal(err)
		}
		got++
	}
	if got != n {
		b.Fatalf("%d users, want %d", got, n)
	}
}

// listCount counts the requests of a listing: v1 employee pages, or v2 persons pages,
// employments and supervisor lookups.
func listCount(reqs []personiotest.Request, v2 bool) int {
	n := 0
	for _, r := range reqs {
		switch {
		case !v2 && r.Path == "/v1/company/employees",
			v2 && (r.Path == "/v2/persons" || strings.HasPrefix(r.Path, "/v2/persons/")):
			n++
		}
	}
	return n
}

func statusCount(reqs []personiotest.Request, status int) int {
	n := 0
	for _, r := range reqs {
		if r.Status == status {
			n++
		}
	}
	return n
}

// BenchmarkDecodeMapPersonio decodes a v1 page of 200 realistic employees (the attributes
// the default mapping reads, as a Directory asks for them, from the fake) and maps each to
// a unified.User, as a Directory listing does, through the transport from memory.
// Metrics: ns/user (budget 60 µs per user per core) and allocs/user; and, for scale on
// any machine, plain_ns/user: plain encoding/json decoding of the same page into maps of
// every attribute with its label, type, universal id and raw value, nothing converted or
// mapped, timed in the same loop.
func BenchmarkDecodeMapPersonio(b *testing.B) {
	const n = 200
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 1000))
	defer srv.Close()
	fake := fakeClient(b, srv, nil).Directory()
	attrs, mapper, err := Projection(b.Context(), fake)
	if err != nil {
		b.Fatal(err)
	}
	var body []byte
	for off := 0; off < n; off += MaxEmployeesLimit {
		p, err := fake.Client().ListEmployees(b.Context(), &ListEmployeesOptions{Limit: MaxEmployeesLimit, Offset: off, Attributes: attrs, Raw: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range p.Employees {
			if body != nil {
				body = append(body, ',')
			}
			body = append(body, e.Raw...)
		}
	}
	body = append(append([]byte(`{"success":true,"metadata":{"total_elements":200,"current_page":0,"total_pages":1},"offset":0,"limit":100,"data":[`), body...), "]}"...)

	mt := httpmock.NewMockTransport()
	RegisterTokens(mt)
	mt.RegisterResponder(http.MethodGet, TestBase+"/v1/company/employees", func(req *http.Request) (*http.Response, error) {
		resp := NewResponse(req, 200, "")
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		return resp, nil
	})
	c, err := New(Config{ClientID: TestID, ClientSecret: TestSecret, HTTPClient: &http.Client{Transport: mt}, RateLimit: NoRateLimit})
	if err != nil {
		b.Fatal(err)
	}
	readPage, err := V1Page(b.Context(), c.Directory(WithMapper(mapper)), n)
	if err != nil {
		b.Fatal(err)
	}
	page := func() {
		if err := readPage(); err != nil {
			b.Fatal(err)
		}
	}
	plain := func() {
		var resp struct {
			Data []struct {
				Attributes map[string]struct {
					Label       string          `json:"label"`
					Type        string          `json:"type"`
					UniversalID *string         `json:"universal_id"`
					Value       json.RawMessage `json:"value"`
				} `json:"attributes"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &resp); err != nil || len(resp.Data) != n {
			b.Fatalf("plain decoding: %v", err)
		}
	}
	page() // the token, outside the measurement
	var plainTime time.Duration
	for b.Loop() {
		page()
		start := time.Now()
		plain()
		plainTime += time.Since(start)
	}
	users := float64(b.N * n)
	b.ReportMetric(float64((b.Elapsed()-plainTime).Nanoseconds())/users, "ns/user")
	b.ReportMetric(float64(plainTime.Nanoseconds())/users, "plain_ns/user")
	b.ReportMetric(testing.AllocsPerRun(5, page)/n, "allocs/user")
}

// BenchmarkMemoryPersonio iterates over 10,000 and over 100,000 employees of the same
// fake through unified.Users (v1, pages read in parallel) and reports the peak live heap
// of each above what it was before the listing (see peakHeap), the largest of 100 readings
// each: memory must stay a few pages whatever the size of the company, target ratio ≤ 1.2.
func BenchmarkMemoryPersonio(b *testing.B) {
	const company = 100000
	srv := personiotest.NewServer(personiotest.WithGenerated(1, company))
	defer srv.Close()
	d := fakeClient(b, srv, nil).Directory()
	if _, err := d.Catalog(b.Context()); err != nil {
		b.Fatal(err)
	}
	// The short listing runs ten times as often, so that both are read as often: how much
	// a listing holds at a given moment varies, and the largest of more readings is higher.
	var small, large float64
	for b.Loop() {
		for range 10 {
			small = max(small, peakHeap(b, unified.Users(b.Context(), d, nil), company/10, srv.ResetRequests))
		}
		large = max(large, peakHeap(b, unified.Users(b.Context(), d, nil), company, srv.ResetRequests))
	}
	b.ReportMetric(small, "MB_10k")
	b.ReportMetric(large, "MB_100k")
	b.ReportMetric(large/small, "ratio")
}

// peakHeap iterates over the first n users of seq and returns the largest live heap above
// the one before, in MB, read after a collection every 1,000 users. reset runs before
// each reading: the fake's request log is not the client's memory.
func peakHeap(b *testing.B, seq iter.Seq2[unified.User, error], n int, reset func()) float64 {
	var ms runtime.MemStats
	read := func() uint64 {
		reset()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base, peak, count := read(), uint64(0), 0
	for _, err := range seq {
		if err != nil {
			b.Fatal(err)
		}
		if count++; count%1000 == 0 {
			if h := read(); h > base {
				peak = max(peak, h-base)
			}
		}
		if count == n {
			break
		}
	}
	if count != n {
		b.Fatalf("%d users, want %d", count, n)
	}
	return float64(peak) / (1 << 20)
}
