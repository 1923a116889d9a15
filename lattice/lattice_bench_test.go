package lattice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"testing"
	"time"

	"golang.org/x/time/rate"

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

// BenchmarkSyncLattice lists a 10,000-user company through unified.Users against the fake
// server with 20 ms (and 100 ms) of latency per request and a client rate limit of 100
// requests/s, while the consumer spends 50 µs on each user. Lattice pages are a cursor
// chain, so the floor is ⌈N/P⌉·L (one round trip per page, one after the other) or
// ⌈N/P⌉/R, whichever is larger; x_floor is the measured time over that floor (target
// ≤ 1.15). x_chain compares with the bare chain: the typed iterator reading the same
// pages with no mapping and no consumer work, which also pays the server's rendering and
// the JSON decoding of every page.
func BenchmarkSyncLattice(b *testing.B) {
	for _, latency := range []time.Duration{20 * time.Millisecond, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) { benchSync(b, latency) })
	}
}

func benchSync(b *testing.B, latency time.Duration) {
	const (
		n    = 10000
		rps  = 100
		work = 50 * time.Microsecond
	)
	srv := latticetest.NewServer(latticetest.WithGenerated(1, n), latticetest.WithLatency(latency))
	defer srv.Close()
	c := benchClient(b, srv, rps)
	pages := math.Ceil(float64(n) / MaxPageSize)
	floor := time.Duration(max(pages*float64(latency), pages/rps*float64(time.Second)))
	ctx := context.Background()

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
// way the Directory does (departments and managers resolved from warm caches, the default
// mapping), and compares it with plain encoding/json decoding of the same page into the
// API's raw structs. Target: decode+map ≤ 1.3× plain decode.
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

	// Each iteration times a plain decode and the full decode+map of the same page, one
	// after the other, so that both run under the same conditions.
	var plain, full time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		var raw envelope[wireUser]
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&raw); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var env envelope[wireUser]
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&env); err != nil {
			b.Fatal(err)
		}
		users := make([]User, len(env.Data))
		for i := range env.Data {
			users[i] = env.Data[i].user()
		}
		out, err := d.convert(ctx, users, nil, nil, false)
		if err != nil || len(out) != n {
			b.Fatalf("%d users, %v", len(out), err)
		}
		plain += t1.Sub(t0)
		full += time.Since(t1)
	}
	b.StopTimer()
	b.ReportMetric(float64(full.Nanoseconds())/float64(b.N)/n, "ns/user")
	b.ReportMetric(float64(plain.Nanoseconds())/float64(b.N)/n, "plain_ns/user")
	b.ReportMetric(float64(full)/float64(plain), "x_plain")
}

// BenchmarkMemoryLattice lists 10,000 and 100,000 users through unified.Users and
// records the live heap (after a collection, every 1,000 users) above what it was before
// the listing, which holds the fake server's company. Memory must stay a few pages,
// whatever the size: target ratio ≤ 1.2.
func BenchmarkMemoryLattice(b *testing.B) {
	peaks := map[int]float64{}
	for _, n := range []int{10000, 100000} {
		srv := latticetest.NewServer(latticetest.WithGenerated(1, n))
		c := benchClient(b, srv, rate.Inf)
		ctx := context.Background()
		// A first listing makes the server build whatever it builds lazily, so that the
		// baseline holds it.
		if _, err := unified.All(ctx, c.Directory(), &unified.ListOptions{Filter: unified.Filter{Emails: []string{"nobody@example.com"}}}); err != nil {
			b.Fatal(err)
		}
		var peak uint64
		for range b.N {
			d := c.Directory()
			srv.ResetRequests()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			count := 0
			for _, err := range unified.Users(ctx, d, nil) {
				if err != nil {
					b.Fatal(err)
				}
				if count++; count%1000 == 0 {
					srv.ResetRequests() // the server's request log is not the client's memory
					runtime.GC()
					runtime.ReadMemStats(&ms)
					if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
						peak = ms.HeapAlloc - base
					}
				}
			}
			if count != n {
				b.Fatalf("%d users, want %d", count, n)
			}
		}
		srv.Close()
		peaks[n] = float64(peak) / (1 << 20)
		b.ReportMetric(peaks[n], fmt.Sprintf("MB_%dk", n/1000))
	}
	b.ReportMetric(peaks[100000]/peaks[10000], "ratio")
}
