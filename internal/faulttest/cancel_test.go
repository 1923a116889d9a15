package faulttest

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// promptly bounds the time from a cancellation (or break) to the end of the range loop.
const promptly = 500 * time.Millisecond

// connGoroutines are the goroutines of idle keep-alive connections, client and server
// side, which belong to the HTTP clients and servers and end when the servers close.
var connGoroutines = []goleak.Option{
	goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
	goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
}

// latency is the fakes' response time in the cancellation tests, so that a streamed sync
// has requests in flight, prefetched pages and fan-outs running when it is cancelled.
const latency = 2 * time.Millisecond

func latencyOptions() serverOptions {
	return serverOptions{
		personio: []personiotest.Option{personiotest.WithLatency(latency)},
		lattice:  []latticetest.Option{latticetest.WithLatency(latency)},
	}
}

// TestCancelAtRandomPoints cancels streamed syncs of every target, in a synctest bubble
// with the fakes in memory, at random moments (before the first request, in the middle of
// a page, during a fan-out, near the end) and after a random number of users, and checks
// that the range loop returns at once, without the bubble's clock moving (it waits for no
// answer and no timer), with context.Canceled unless the sync had already finished, and
// that no goroutine of the sync outlives it. It runs alone (not in parallel), so that the
// goroutine check sees only this sync.
func TestCancelAtRandomPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260601, 9))
	for _, tgt := range allTargets {
		e := newEnv(t, tgt, latencyOptions())
		synctest.Test(t, func(t *testing.T) {
			e.connect(t, defaultClientConfig(), true)
			// A first full sync warms the directory's caches and measures the sync.
			start := time.Now()
			if _, err := syncIDs(t.Context(), e.dir, viaUsers); err != nil {
				t.Fatalf("%s: warm-up sync: %v", tgt, err)
			}
			full := time.Since(start)
			for i := range 8 {
				byTime := i%2 == 0
				delay := time.Duration(rng.Int64N(int64(full + full/4)))
				after := rng.IntN(companySize + 5)
				ignore := goleak.IgnoreCurrent()

				ctx, cancel := context.WithCancel(t.Context())
				var cancelled time.Time
				var firedAt atomic.Int64 // UnixNano of the timer's cancellation
				how := "after users"
				var timer *time.Timer
				if byTime {
					how = "at " + delay.String()
					timer = time.AfterFunc(delay, func() {
						firedAt.Store(time.Now().UnixNano())
						cancel()
					})
				}
				n := 0
				var err error
				for _, uerr := range unified.Users(ctx, e.dir, &unified.ListOptions{PageSize: pageSize}) {
					if uerr != nil {
						err = uerr
						break
					}
					n++
					if !byTime && n == after {
						cancelled = time.Now()
						cancel()
					}
				}
				end := time.Now()
				if timer != nil {
					timer.Stop()
				}
				if at := firedAt.Load(); at != 0 {
					cancelled = time.Unix(0, at)
				}
				cancel()
				switch {
				case err == nil && n == companySize:
					// The sync ended before the cancellation.
				case !errors.Is(err, context.Canceled):
					t.Errorf("%s run %d: sync ended after %d users with %v, want context.Canceled", tgt, i, n, err)
				}
				if !cancelled.IsZero() && end.After(cancelled) {
					t.Errorf("%s run %d (cancelled %s): the loop returned %s after the cancellation, want at once", tgt, i, how, end.Sub(cancelled))
				}
				synctest.Wait()
				if err := goleak.Find(append([]goleak.Option{ignore}, connGoroutines...)...); err != nil {
					t.Errorf("%s run %d (cancelled %s): goroutines left after the loop returned: %v", tgt, i, how, err)
				}
			}
		})
	}
}

// TestBreakStopsRequests breaks out of streamed syncs at random users, in a synctest
// bubble with the fakes in memory, and checks that the client sends no request after the
// loop has returned, however long the bubble's clock then runs (requests in flight at
// the break are cancelled, and no retry or read-ahead is left waiting to go out), and
// that no goroutine is left.
func TestBreakStopsRequests(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 20260601))
	for _, tgt := range allTargets {
		e := newEnv(t, tgt, latencyOptions())
		synctest.Test(t, func(t *testing.T) {
			e.connect(t, defaultClientConfig(), true)
			for i := range 4 {
				after := 1 + rng.IntN(companySize-1)
				ignore := goleak.IgnoreCurrent()
				e.sent.reopen()
				n := 0
				for _, err := range unified.Users(t.Context(), e.dir, &unified.ListOptions{PageSize: pageSize}) {
					if err != nil {
						t.Fatalf("%s: %v", tgt, err)
					}
					if n++; n == after {
						break
					}
				}
				e.sent.close()
				time.Sleep(time.Minute) // the bubble's clock: every pending timer fires
				if late := e.sent.lateRequests(); len(late) > 0 {
					t.Errorf("%s run %d: %d requests sent after the loop returned (break after %d users): %v", tgt, i, len(late), after, late)
				}
				if err := goleak.Find(append([]goleak.Option{ignore}, connGoroutines...)...); err != nil {
					t.Errorf("%s run %d: goroutines left after break: %v", tgt, i, err)
				}
			}
		})
	}
}
