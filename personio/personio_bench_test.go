package personio

import (
	"bytes"
	"encoding/json"
	"iter"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/decodebench"
	"github.com/hrisconnect/hrisconnect/internal/heapbench"
	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// projectedQuery is the query of the v1 employee page at offset off as a Directory with
// the default mapping asks for it: limit 100 and the attributes[] the mapping reads.
func projectedQuery(b *testing.B, d *Directory, off int) *transport.Request {
	b.Helper()
	s, err := d.ready(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	q, _, err := employeesQuery(&ListEmployeesOptions{Limit: MaxEmployeesLimit, Offset: off, Attributes: s.attrs})
	if err != nil {
		b.Fatal(err)
	}
	return d.c.request(&transport.Request{Path: "/v1/company/employees", Query: q})
}

// roundTrip returns the median time of 5 sequential requests for one projected page of
// employees, the body read to its end and not parsed: the API's round trip as the client
// sees it.
func roundTrip(b *testing.B, d *Directory) time.Duration {
	b.Helper()
	var rtts []time.Duration
	var buf []byte
	for i := range 5 {
		req := projectedQuery(b, d, i*MaxEmployeesLimit)
		start := time.Now()
		body, err := d.c.receive(b.Context(), d.c.v1, req, buf)
		if err != nil {
			b.Fatal(err)
		}
		buf = body
		rtts = append(rtts, time.Since(start))
	}
	slices.Sort(rtts)
	return rtts[len(rtts)/2]
}

// fetchOnly returns the median time of 3 runs that fetch the pages of a v1 sync as the
// sync does, without parsing them: the first page alone, then the others conc at a time,
// each body read to its end (into a buffer each fetching goroutine reuses, as the sync
// reuses its). What the client under test adds to a sync is its time over this one; what
// this one takes over the floor is the fake and the machine.
func fetchOnly(b *testing.B, d *Directory, pages, conc int) time.Duration {
	b.Helper()
	get := func(page int, buf *[]byte) {
		body, err := d.c.receive(b.Context(), d.c.v1, projectedQuery(b, d, page*MaxEmployeesLimit), *buf)
		if err != nil {
			b.Error(err)
		}
		*buf = body
	}
	var runs []time.Duration
	for range 3 {
		start := time.Now()
		var first []byte
		get(0, &first)
		next := make(chan int, pages)
		for p := 1; p < pages; p++ {
			next <- p
		}
		close(next)
		var wg sync.WaitGroup
		for range conc {
			wg.Go(func() {
				var buf []byte
				for p := range next {
					get(p, &buf)
				}
			})
		}
		wg.Wait()
		runs = append(runs, time.Since(start))
	}
	if b.Failed() {
		b.FailNow()
	}
	slices.Sort(runs)
	return runs[len(runs)/2]
}

// syncCase is one configuration of BenchmarkSyncPersonio.
type syncCase struct {
	name    string
	n       int           // users
	latency time.Duration // injected per request
	conc    int           // WithConcurrency
	rps     rate.Limit    // the client's rate limit, burst 1; the server allows the same
	v2      bool
}

// BenchmarkSyncPersonio lists a whole company through unified.Users against the fake
// server with injected latency L (the fake's response time, its own work included) and
// a rate limit R, and reports the measured time over the floor the API imposes
// (x_floor; target ≤ 1.15), with the floor (floor_ms) and the time per sync (ms/sync).
// Where the rate limit does not bind, v1 also reports the round trip of one page request
// as the client sees it (rtt_ms: measured alone before the timed loop, the body read but
// not parsed) and x_rtt, the measured time over the floor with that round trip as L: what
// the client adds beyond the cost of a single request on this machine. It also reports
// fetch_ms, the time the same requests take when their bodies are only read (see
// fetchOnly), and x_fetch, the measured time over that: the client's own share.
//
// v1 pages are offset pages: the first is read alone (it tells the total), the others C
// at a time, so with P = 100 the floor is L·(1 + ⌈(⌈N/P⌉−1)/C⌉), or (⌈N/P⌉−1)/R + L
// when the rate limit R binds.
//
// v2 is a cursor chain of persons pages (P = 50) with one employments request per
// person, all inside the same bound of C requests at once, so the floor is
// ⌈N/P⌉·L for the chain or ⌈N/P⌉·(1+P)/C·L for the requests, whichever is larger.
func BenchmarkSyncPersonio(b *testing.B) {
	for _, tc := range []syncCase{
		{name: "v1/latency=20ms", n: 10000, latency: 20 * time.Millisecond, conc: 4, rps: 1000},
		{name: "v1/latency=100ms", n: 10000, latency: 100 * time.Millisecond, conc: 4, rps: 1000},
		{name: "v1/rate=10rps", n: 2500, latency: 20 * time.Millisecond, conc: 4, rps: 10},
		{name: "v2/latency=20ms", n: 1000, latency: 20 * time.Millisecond, conc: 8, rps: 1000, v2: true},
	} {
		b.Run(tc.name, func(b *testing.B) { benchSync(b, tc) })
	}
}

func benchSync(b *testing.B, tc syncCase) {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, tc.n), personiotest.WithLatency(tc.latency),
		personiotest.WithRateLimit(int(tc.rps*60), 5))
	defer srv.Close()
	c := fakeClient(b, srv, func(cfg *Config) { cfg.RateLimit, cfg.Burst = tc.rps, 1 })
	opts := []DirectoryOption{WithConcurrency(tc.conc)}
	if tc.v2 {
		opts = append(opts, WithV2())
	}
	d := c.Directory(opts...)
	if _, err := d.Catalog(b.Context()); err != nil {
		b.Fatal(err)
	}
	l := tc.latency
	var floor, rtt, rttFloor, fetch time.Duration
	if tc.v2 {
		pages := math.Ceil(float64(tc.n) / MaxPersonsLimit)
		requests := pages * (1 + MaxPersonsLimit)
		byLatency := time.Duration(max(pages, math.Ceil(requests/float64(tc.conc))) * float64(l))
		byRate := time.Duration((requests-1)/float64(tc.rps)*float64(time.Second)) + l
		floor = max(byLatency, byRate)
	} else {
		pages := math.Ceil(float64(tc.n) / MaxEmployeesLimit)
		v1Floor := func(l time.Duration) time.Duration {
			byLatency := time.Duration(float64(l) * (1 + math.Ceil((pages-1)/float64(tc.conc))))
			byRate := time.Duration((pages-1)/float64(tc.rps)*float64(time.Second)) + l
			return max(byLatency, byRate)
		}
		floor = v1Floor(l)
		if tc.rps >= 100 { // a binding rate limit would be measured too
			rtt = roundTrip(b, d)
			rttFloor = v1Floor(rtt)
			fetch = fetchOnly(b, d, int(pages), tc.conc)
		}
	}
	srv.ResetRequests()
	b.ResetTimer()
	for b.Loop() {
		got := 0
		for _, err := range unified.Users(b.Context(), d, nil) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != tc.n {
			b.Fatalf("%d users, want %d", got, tc.n)
		}
	}
	b.StopTimer()
	if n := srv.Count("GET", "/v1/company/employees") + srv.Count("GET", "/v2/persons"); n == 0 {
		b.Fatal("the sync sent no list request")
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(floor), "x_floor")
	b.ReportMetric(float64(floor)/1e6, "floor_ms")
	b.ReportMetric(float64(per)/1e6, "ms/sync")
	if rtt > 0 {
		b.ReportMetric(float64(rtt)/1e6, "rtt_ms")
		b.ReportMetric(float64(per)/float64(rttFloor), "x_rtt")
	}
	if fetch > 0 {
		b.ReportMetric(float64(fetch)/1e6, "fetch_ms")
		b.ReportMetric(float64(per)/float64(fetch), "x_fetch")
	}
}

// employeesBody returns the body of a v1 employee page holding the first n employees of
// srv's company, with the attributes d asks for, as the fake renders them: pages of
// 100 joined into one.
func employeesBody(b *testing.B, d *Directory, n int) []byte {
	b.Helper()
	var out []byte
	for off := 0; off < n; off += MaxEmployeesLimit {
		body, err := d.c.receive(b.Context(), d.c.v1, projectedQuery(b, d, off), nil)
		if err != nil {
			b.Fatal(err)
		}
		i := bytes.Index(body, []byte(`"data":[`))
		if i < 0 || !bytes.HasSuffix(body, []byte("]}")) {
			b.Fatalf("unexpected page shape: %.200s", body)
		}
		items := body[i+len(`"data":[`) : len(body)-2]
		if out == nil {
			out = append(out, body[:i+len(`"data":[`)]...)
		} else {
			out = append(out, ',')
		}
		out = append(out, items...)
	}
	return append(out, "]}"...)
}

// BenchmarkDecodeMapPersonio decodes a v1 page of 200 realistic employees (the
// attributes the default mapping reads, as a Directory asks for them) and maps them to
// unified.User, and compares that with plain encoding/json decoding of the same page
// into structs holding each attribute's raw value. Metrics: ns/user, allocs/user, and
// x_plain, the ratio to the plain decode (target ≤ 1.3; below 1, decoding and mapping
// is faster than encoding/json alone); the two alternate (see decodebench.Compare).
func BenchmarkDecodeMapPersonio(b *testing.B) {
	const n = 200
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 1000))
	defer srv.Close()
	d := fakeClient(b, srv, nil).Directory()
	body := employeesBody(b, d, n)
	s, err := d.ready(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	type plainAttr struct {
		Label       string          `json:"label"`
		Type        string          `json:"type"`
		UniversalID *string         `json:"universal_id"`
		Value       json.RawMessage `json:"value"`
	}
	type plainResp struct {
		Success  bool `json:"success"`
		Metadata struct {
			TotalElements int `json:"total_elements"`
		} `json:"metadata"`
		Data []struct {
			Type       string               `json:"type"`
			Attributes map[string]plainAttr `json:"attributes"`
		} `json:"data"`
	}
	l, err := d.newV1Listing(&unified.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	full := func() { // as a Directory reads a page
		f := &v1Fetched{}
		if _, err := d.c.decodeEmployees(body, false, true, l.collect(s, f)); err != nil {
			b.Fatal(err)
		}
		if len(f.users) != n || f.users[0].user.ID == "" || f.users[n-1].err != nil {
			b.Fatalf("%d users, first id %q, last error %v", len(f.users), f.users[0].user.ID, f.users[n-1].err)
		}
	}

	plain := func() {
		var resp plainResp
		if err := json.Unmarshal(body, &resp); err != nil || len(resp.Data) != n {
			b.Fatalf("plain decode: %v, %d employees", err, len(resp.Data))
		}
	}
	decodebench.Compare(b, n, plain, full)
}

// BenchmarkMemoryPersonio iterates over 10,000 and over 100,000 employees of the same
// fake through unified.Users (v1, pages read in parallel) and reports the peak live heap
// of each above what it was before the listing (see heapbench.Report): memory must stay a
// few pages whatever the size of the company, target ratio ≤ 1.2.
func BenchmarkMemoryPersonio(b *testing.B) {
	const company = 100000
	srv := personiotest.NewServer(personiotest.WithGenerated(1, company))
	defer srv.Close()
	d := fakeClient(b, srv, nil).Directory()
	if _, err := d.Catalog(b.Context()); err != nil {
		b.Fatal(err)
	}
	heapbench.Report(b, company, srv.ResetRequests, func() iter.Seq2[unified.User, error] {
		return unified.Users(b.Context(), d, nil)
	})
}
