package lattice_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/heapbench"
	. "github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// BenchmarkSyncLattice lists a generated company through unified.Users against the fake
// server, a fresh Directory each time, while the consumer spends 50 µs on each user:
//
//   - limit=240rpm/latency=100ms: 4,000 users, Lattice's documented limit of 240 requests
//     per minute enforced by the fake (a bucket of DefaultBurst per key) and by the
//     client's defaults, 100 ms per request, a fresh API key each time;
//   - limit=240rpm/latency=100ms/second-sync: the same, then a second sync with a new
//     client and the same key right after the first, as a scheduler that runs syncs back
//     to back would; x_floor is that of the second sync, which starts with an empty bucket
//     at the server and a full one at the client;
//   - unlimited/latency=100ms: 10,000 users, limits lifted (by contract) on both sides;
//   - unlimited/latency=20ms: 50,000 users, no limits, a fast network.
//
// The floor (docs/performance.md "The floor") of a cursor chain of pages = ⌈N/100⌉ list
// requests plus one department listing is pages·L by latency, and (requests − B)/R + L
// by a rate R with a burst B (requests/R for the second sync, whose first request waits
// for a token); x_floor is the measured time over the larger. Every sub-benchmark reports
// the requests the fake received per sync, its 429 answers, and the requests beyond the
// floor's count (extra_reqs; a 429 is one).
func BenchmarkSyncLattice(b *testing.B) {
	const latency = 100 * time.Millisecond
	b.Run("limit=240rpm/latency=100ms", func(b *testing.B) { benchSync(b, 4000, latency, true, false) })
	b.Run("limit=240rpm/latency=100ms/second-sync", func(b *testing.B) { benchSync(b, 4000, latency, true, true) })
	b.Run("unlimited/latency=100ms", func(b *testing.B) { benchSync(b, 10000, latency, false, false) })
	b.Run("unlimited/latency=20ms", func(b *testing.B) { benchSync(b, 50000, 20*time.Millisecond, false, false) })
}

// syncRun is what one sync took and what the fake received meanwhile.
type syncRun struct {
	took            time.Duration
	requests, n429s int
}

func benchSync(b *testing.B, n int, latency time.Duration, limited, second bool) {
	const perMinute = 240 // Lattice's documented limit
	opts := []latticetest.Option{latticetest.WithGenerated(1, n), latticetest.WithLatency(latency)}
	if limited {
		opts = append(opts, latticetest.WithRateLimit(perMinute, DefaultBurst))
	}
	srv := latticetest.NewServer(opts...)
	defer srv.Close()
	pages := (n + MaxPageSize - 1) / MaxPageSize
	requests := pages + (len(srv.Company().Departments)+MaxPageSize-1)/MaxPageSize
	floor := time.Duration(pages) * latency
	if limited {
		perRequest := time.Minute / perMinute
		rateFloor := time.Duration(requests-DefaultBurst)*perRequest + latency
		if second {
			rateFloor = time.Duration(requests) * perRequest
		}
		floor = max(floor, rateFloor)
	}

	cfg := Config{BaseURL: srv.URL, HTTPClient: srv.Client()}
	if !limited {
		cfg.RateLimit = NoRateLimit
	}
	var runs []syncRun
	var firsts []syncRun
	keys := 0
	for b.Loop() {
		keys++
		cfg.APIKey = fmt.Sprintf("lat_bench_%d", keys) // a fresh key: the fake's bucket is full
		srv.AddKey(cfg.APIKey, latticetest.Key{})
		if second {
			firsts = append(firsts, syncOnce(b, srv, cfg, n))
		}
		runs = append(runs, syncOnce(b, srv, cfg, n))
	}

	var took time.Duration
	var reqs, n429s int
	for _, r := range runs {
		took += r.took
		reqs += r.requests
		n429s += r.n429s
	}
	k := float64(len(runs))
	b.ReportMetric(float64(took)/k/float64(floor), "x_floor")
	b.ReportMetric(took.Seconds()/k, "s/sync")
	b.ReportMetric(floor.Seconds(), "floor_s")
	b.ReportMetric(float64(reqs)/k, "reqs/sync")
	b.ReportMetric(float64(reqs)/k-float64(requests), "extra_reqs/sync")
	b.ReportMetric(float64(n429s)/k, "429s/sync")
	if second {
		n429s = 0
		for _, r := range firsts {
			n429s += r.n429s
		}
		b.ReportMetric(float64(n429s)/k, "429s/first-sync")
	}
}

// syncOnce lists the n users of srv with a new client made from cfg.
func syncOnce(b *testing.B, srv *latticetest.Server, cfg Config, n int) syncRun {
	b.Helper()
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	srv.ResetRequests()
	start := time.Now()
	count := 0
	for _, err := range unified.Users(context.Background(), c.Directory(), nil) {
		if err != nil {
			b.Fatal(err)
		}
		count++
		spin(50 * time.Microsecond)
	}
	r := syncRun{took: time.Since(start)}
	if count != n {
		b.Fatalf("%d users, want %d", count, n)
	}
	for _, req := range srv.Requests() {
		r.requests++
		if req.Status == http.StatusTooManyRequests {
			r.n429s++
		}
	}
	return r
}

// spin busy-waits for d, standing in for the consumer's work on a user.
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// BenchmarkDecodeMapLattice decodes a page of 100 users of the fake company as a
// Directory listing does (encoding/json from a stream into the API's wire structs) and
// maps them to unified.User (departments and managers resolved from warm caches, the
// default mapping). ns/user is per user and per core; budget 60 µs.
func BenchmarkDecodeMapLattice(b *testing.B) {
	srv := latticetest.NewServer(latticetest.WithGenerated(1, MaxPageSize))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1/users?limit=100&status=NULL", nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := srv.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET /v1/users: %d, %v", resp.StatusCode, err)
	}

	c, err := New(srv.ClientConfig())
	if err != nil {
		b.Fatal(err)
	}
	d := c.Directory()
	ctx := context.Background()
	if _, err := unified.All(ctx, d, nil); err != nil { // warm the department and people caches
		b.Fatal(err)
	}
	for b.Loop() {
		if n, err := DecodeMapPage(ctx, d, page); err != nil || n != MaxPageSize {
			b.Fatalf("%d users, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*MaxPageSize), "ns/user")
}

// BenchmarkMemoryLattice iterates over 10,000 and over 100,000 users of the same fake
// through unified.Users, each time with a cold Directory whose caches are counted, and
// reports the peak live heap of each above what it was before the listing (see
// heapbench.Report): memory must stay a few pages, whatever the size, target ratio ≤ 1.2.
func BenchmarkMemoryLattice(b *testing.B) {
	const company = 100000
	srv := latticetest.NewServer(latticetest.WithGenerated(1, company))
	defer srv.Close()
	c, err := New(srv.ClientConfig())
	if err != nil {
		b.Fatal(err)
	}
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
