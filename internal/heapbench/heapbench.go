// Package heapbench measures how the live heap of a directory listing grows with the size
// of the directory, for the BenchmarkMemory… benchmarks of the provider packages.
package heapbench

import (
	"fmt"
	"iter"
	"runtime"
	"testing"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Small is the size of the shorter of the two iterations Report compares.
const Small = 10000

// Report iterates over the first Small users of list() and over all company users of it,
// and reports the peak live heap of each above what it was before the iteration (metrics
// MB_10k and MB_<company/1000>k) and their ratio (metric ratio). The live heap is read
// after a collection every 1,000 users; reset, when set, runs before each reading (to
// empty a fake server's request log, which is not the client's memory).
//
// Both iterations read the same company, whose data the caller's fake server holds on the
// same heap, so that a collection costs the same in both; and they read it equally often:
// the Small iteration runs company/Small times as often. How much a listing has in flight
// at a given moment varies, and the maximum of more readings is higher.
func Report(b *testing.B, company int, reset func(), list func() iter.Seq2[unified.User, error]) {
	b.Helper()
	if reset == nil {
		reset = func() {}
	}
	peaks := map[int]float64{}
	for _, n := range []int{Small, company} {
		var peak uint64
		for range b.N * company / n {
			it := list()
			reset()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			count := 0
			for _, err := range it {
				if err != nil {
					b.Fatal(err)
				}
				if count++; count%1000 == 0 {
					reset()
					runtime.GC()
					runtime.ReadMemStats(&ms)
					if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
						peak = ms.HeapAlloc - base
					}
				}
				if count == n {
					break
				}
			}
			if count != n {
				b.Fatalf("%d users, want %d", count, n)
			}
		}
		peaks[n] = float64(peak) / (1 << 20)
		b.ReportMetric(peaks[n], fmt.Sprintf("MB_%dk", n/1000))
	}
	b.ReportMetric(peaks[company]/peaks[Small], "ratio")
}
