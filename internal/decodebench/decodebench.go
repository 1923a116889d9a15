// Package decodebench compares decoding and mapping a page of users with plain
// encoding/json decoding of the same page, for the BenchmarkDecodeMap… benchmarks of the
// provider packages.
package decodebench

import (
	"runtime"
	"testing"
	"time"
)

// rounds is how many times each function runs per benchmark iteration.
const rounds = 20

// Compare times plain and full, each of which handles a page of users users, and reports
// ns/user and allocs/user of full, plain_ns/user, and x_plain, full's time over plain's.
// The two alternate, each going first in half of the rounds, so that both run under the
// same conditions (a collection started by one slows the other down), after one untimed
// run of each, so that what they set up on first use is not timed.
func Compare(b *testing.B, users int, plain, full func()) {
	b.Helper()
	plain()
	full()
	runtime.GC() // start from the same heap whatever ran before
	var plainTime, fullTime time.Duration
	var mallocs uint64
	var ms runtime.MemStats
	timePlain := func() {
		t0 := time.Now()
		plain()
		plainTime += time.Since(t0)
	}
	timeFull := func() {
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		t0 := time.Now()
		full()
		fullTime += time.Since(t0)
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - before
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for r := range rounds {
			if r%2 == 0 {
				timePlain()
				timeFull()
			} else {
				timeFull()
				timePlain()
			}
		}
	}
	b.StopTimer()
	n := float64(b.N * rounds * users)
	b.ReportMetric(float64(fullTime.Nanoseconds())/n, "ns/user")
	b.ReportMetric(float64(plainTime.Nanoseconds())/n, "plain_ns/user")
	b.ReportMetric(float64(fullTime)/float64(plainTime), "x_plain")
	b.ReportMetric(float64(mallocs)/n, "allocs/user")
}
