package lattice

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"math"
	"net/http"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/decodebench"
	"github.com/hrisconnect/hrisconnect/internal/heapbench"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// benchClient returns a client of srv with the given request rate.
func benchClient(b *testing.B, srv *latticetest.Server, r rate.Limit) *Client {
	b.Helper()
	c, err := New(Config{APIKey: srv.APIKey, BaseURL: srv.URL, HTTPClient: srv.Client(), RateLimit: r, Burst: 1})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSyncLattice lists a company through unified.Users against the fake server with
// injected latency, while the consumer spends 50 µs on each user:
//
//   - latency=20ms and latency=100ms: 10,000 users, 20 ms (100 ms) of latency per
//     request and a client rate limit of 100 requests/s, so the listing is bound by
//     latency;
//   - rate=10rps: 2,000 users (20 pages), 20 ms of latency and a client rate limit of 10
//     requests/s with a burst of 1, so it is bound by the rate limit.
//
// Lattice pages are a cursor chain, so the floor is ⌈N/P⌉·L (one round trip per page,
// one after the other) or (⌈N/P⌉−1)/R + L (pages over the rate limit, with a burst of
// one), whichever is larger, with L the injected latency (the fake's response time, its
// own work included); x_floor is the measured time over that floor (target ≤ 1.15).
// rtt_ms is the median of 5 round trips of one raw page request (GET
// /v1/users?limit=100 with plain net/http, body read in full, not decoded) measured
// before the timed loop, and x_rtt the measured time over the floor with that round trip
// as L: what the client adds beyond the cost of a single request on this machine.
// x_chain compares with the bare chain: the typed iterator reading the same pages one
// after the other, with no mapping and no consumer work.
func BenchmarkSyncLattice(b *testing.B) {
	b.Run("latency=20ms", func(b *testing.B) { benchSync(b, 10000, 20*time.Millisecond, 100) })
	b.Run("latency=100ms", func(b *testing.B) { benchSync(b, 10000, 100*time.Millisecond, 100) })
	b.Run("rate=10rps", func(b *testing.B) { benchSync(b, 2000, 20*time.Millisecond, 10) })
}

func benchSync(b *testing.B, n int, latency time.Duration, rps rate.Limit) {
	const work = 50 * time.Microsecond
	srv := latticetest.NewServer(latticetest.WithGenerated(1, n), latticetest.WithLatency(latency))
	defer srv.Close()
	c := benchClient(b, srv, rps)
	ctx := context.Background()

	rtt := pageRoundTrip(b, srv)
	pages := math.Ceil(float64(n) / MaxPageSize)
	floorWith := func(l time.Duration) time.Duration {
		return max(time.Duration(pages*float64(l)), time.Duration((pages-1)/float64(rps)*float64(time.Second))+l)
	}
	floor := floorWith(latency)

	start := time.Now()
	for _, err := range c.Users(ctx, &ListUsersOptions{Statuses: []UserStatus{StatusAll}}) {
		if err != nil {
			b.Fatal(err)
		}
	}
	chain := time.Since(start)

	b.ResetTimer()
	start = time.Now()
	for range b.N {
		d := c.Directory() // a cold directory: departments and managers are read again
		count := 0
		for _, err := range unified.Users(ctx, d, nil) {
			if err != nil {
				b.Fatal(err)
			}
			count++
			spin(work)
		}
		if count != n {
			b.Fatalf("%d users, want %d", count, n)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(floor), "x_floor")
	b.ReportMetric(float64(per)/float64(chain), "x_chain")
	b.ReportMetric(per.Seconds(), "s/sync")
	b.ReportMetric(floor.Seconds(), "floor_s")
	b.ReportMetric(float64(rtt)/float64(time.Millisecond), "rtt_ms")
	b.ReportMetric(float64(per)/float64(floorWith(rtt)), "x_rtt")
}

// pageRoundTrip returns the median of 5 round trips of a raw request for the first page
// of users: plain net/http, the body read in full and not decoded.
func pageRoundTrip(b *testing.B, srv *latticetest.Server) time.Duration {
	b.Helper()
	var rtts []time.Duration
	for range 5 {
		req, err := http.NewRequest("GET", srv.URL+"/v1/users?limit=100", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		start := time.Now()
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rtts = append(rtts, time.Since(start))
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET /v1/users: %d, %v", resp.StatusCode, err)
		}
	}
	slices.Sort(rtts)
	return rtts[len(rtts)/2]
}

// spin busy-waits for d, standing in for the consumer's work on a user.
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// benchPage returns the JSON of one list page holding the first n users of a generated
// company, as the fake server renders them (it serves at most 100 per page, so pages are
// joined).
func benchPage(b *testing.B, n int) []byte {
	b.Helper()
	srv := latticetest.NewServer(latticetest.WithGenerated(1, n))
	defer srv.Close()
	var items []json.RawMessage
	after := ""
	for len(items) < n {
		u := srv.URL + "/v1/users?limit=100&status=NULL"
		if after != "" {
			u += "&startingAfter=" + after
		}
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var env envelope[json.RawMessage]
		if err := json.Unmarshal(body, &env); err != nil {
			b.Fatal(err)
		}
		items = append(items, env.Data...)
		after = env.cursor()
		if after == "" {
			break
		}
	}
	out, err := json.Marshal(envelope[json.RawMessage]{Object: "list", Data: items})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkDecodeMapLattice decodes a page of 200 users and maps them to unified.User the
// way the Directory does (the scan for hasMore and endingCursor of StreamUsers, the body
// decoded into a usersBody by a json.Decoder as the transport does it, departments and
// managers resolved from warm caches, the default mapping), and compares it with plain
// encoding/json decoding of the same page into the API's raw structs. ns/user and
// allocs/user (heap allocations, from runtime.MemStats) are those of decode+map; x_plain
// is decode+map over plain decode. Target: x_plain ≤ 1.3. Each iteration decodes the page
// 20 times each way, alternating, after one untimed round, so that both are measured warm
// and share the cost of garbage collection fairly.
func BenchmarkDecodeMapLattice(b *testing.B) {
	const n = 200
	page := benchPage(b, n)
	srv := latticetest.NewServer(latticetest.WithGenerated(1, n))
	defer srv.Close()
	c := benchClient(b, srv, rate.Inf)
	d := c.Directory()
	ctx := context.Background()
	if _, err := unified.All(ctx, d, nil); err != nil { // warm the department and people caches
		b.Fatal(err)
	}
	plainDecode := func() {
		var raw envelope[wireUser]
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&raw); err != nil {
			b.Fatal(err)
		}
	}
	decodeMap := func() {
		if _, ok := scanListHead(page); !ok {
			b.Fatal("scanListHead gives up on the page")
		}
		var body usersBody
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&body); err != nil {
			b.Fatal(err)
		}
		out, err := d.convert(ctx, body.page.users, nil, nil, false)
		if err != nil || len(out) != n {
			b.Fatalf("%d users, %v", len(out), err)
		}
	}
	decodebench.Compare(b, n, plainDecode, decodeMap)
}

// BenchmarkMemoryLattice iterates over 10,000 and over 100,000 users of the same fake
// through unified.Users, each time with a cold Directory whose caches are counted, and
// reports the peak live heap of each above what it was before the listing (see
// heapbench.Report): memory must stay a few pages, whatever the size, target ratio ≤ 1.2.
func BenchmarkMemoryLattice(b *testing.B) {
	const company = 100000
	srv := latticetest.NewServer(latticetest.WithGenerated(1, company))
	defer srv.Close()
	c := benchClient(b, srv, rate.Inf)
	ctx := context.Background()
	// A first listing makes the server build whatever it builds lazily, so that the
	// baseline holds it.
	if _, err := unified.All(ctx, c.Directory(), &unified.ListOptions{Filter: unified.Filter{Emails: []string{"nobody@example.com"}}}); err != nil {
		b.Fatal(err)
	}
	heapbench.Report(b, company, srv.ResetRequests, func() iter.Seq2[unified.User, error] {
		return unified.Users(ctx, c.Directory(), nil)
	})
}
