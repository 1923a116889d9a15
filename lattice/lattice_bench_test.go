package lattice_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"runtime"
	"testing"
	"time"

	. "github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// BenchmarkSyncLattice lists a generated company through unified.Users against the fake
// server, a fresh Directory each time, while the consumer spends 50 µs on each user, and
// reports the time per sync (s/sync), the floor the API imposes (floor_s) and their ratio
// (x_floor), and what the fake saw per sync: requests, extra (requests beyond the
// floor's count; a 429 is one) and 429s.
//
//   - limit=240pm/latency=100ms: 4,000 users, Lattice's documented limit of 240 requests
//     per minute enforced by the fake (a bucket of DefaultBurst per key) and by the
//     client's defaults, 100 ms per request, a fresh API key each time (targets: x_floor
//     ≤ 1.05, no 429, no extra request). Then a second sync by a new client with the same
//     key right after the first, as a scheduler that runs syncs back to back would, which
//     starts with an empty bucket at the server: second_429s (target ≤ 1) and second_s.
//   - unlimited/latency=100ms: 10,000 users, limits lifted (by contract) on both sides
//     (target x_floor ≤ 1.15).
//   - unlimited/latency=20ms: 50,000 users, no limits, a fast network (reported only).
//
// The floor (docs/performance.md "The floor") of a cursor chain of pages = ⌈N/100⌉ list
// requests plus one department listing is pages·L by latency, and (requests − B)/R + L
// by a rate R with a burst B.
func BenchmarkSyncLattice(b *testing.B) {
	const latency = 100 * time.Millisecond
	b.Run("limit=240pm/latency=100ms", func(b *testing.B) { benchSync(b, 4000, latency, true) })
	b.Run("unlimited/latency=100ms", func(b *testing.B) { benchSync(b, 10000, latency, false) })
	b.Run("unlimited/latency=20ms", func(b *testing.B) { benchSync(b, 50000, 20*time.Millisecond, false) })
}

// syncRun is what one sync took and what the fake received meanwhile.
type syncRun struct {
	took            time.Duration
	requests, n429s int
}

func benchSync(b *testing.B, n int, latency time.Duration, limited bool) {
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
		floor = max(floor, time.Duration(requests-DefaultBurst)*(time.Minute/perMinute)+latency)
	}

	cfg := Config{BaseURL: srv.URL, HTTPClient: srv.Client()}
	if !limited {
		cfg.RateLimit = NoRateLimit
	}
	var first, second syncRun
	keys := 0
	for b.Loop() {
		keys++
		cfg.APIKey = fmt.Sprintf("lat_bench_%d", keys) // a fresh key: the fake's bucket is full
		srv.AddKey(cfg.APIKey, latticetest.Key{})
		r := syncOnce(b, srv, cfg, n)
		first.took += r.took
		first.requests += r.requests
		first.n429s += r.n429s
		if limited {
			r := syncOnce(b, srv, cfg, n)
			second.took += r.took
			second.n429s += r.n429s
		}
	}
	k := float64(keys)
	b.ReportMetric(float64(first.took)/k/float64(floor), "x_floor")
	b.ReportMetric(first.took.Seconds()/k, "s/sync")
	b.ReportMetric(floor.Seconds(), "floor_s")
	b.ReportMetric(float64(first.requests)/k, "requests")
	b.ReportMetric(float64(first.requests)/k-float64(requests), "extra")
	b.ReportMetric(float64(first.n429s)/k, "429s")
	if limited {
		b.ReportMetric(float64(second.n429s)/k, "second_429s")
		b.ReportMetric(second.took.Seconds()/k, "second_s")
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
// peakHeap), the largest of 100 readings each: memory must stay a few pages, whatever the
// size, target ratio ≤ 1.2.
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
	// The short listing runs ten times as often, so that both are read as often: how much
	// a listing holds at a given moment varies, and the largest of more readings is higher.
	var small, large float64
	for b.Loop() {
		for range 10 {
			small = max(small, peakHeap(b, unified.Users(ctx, c.Directory(), nil), company/10, srv.ResetRequests))
		}
		large = max(large, peakHeap(b, unified.Users(ctx, c.Directory(), nil), company, srv.ResetRequests))
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
