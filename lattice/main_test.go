package lattice_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// TestMain fails the package's tests if any goroutine (a StreamUsers reader, a fan-out
// worker) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestStreamLeavesNoGoroutines breaks out of streams (with custom attribute fan-out and
// the next page's request running) and cancels one, then checks that nothing the streams started is
// still running. It is not parallel, so the goroutines it sees are its own.
func TestStreamLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := latticetest.NewServer(latticetest.WithGenerated(5, 300), latticetest.WithLatency(time.Millisecond))
	defer srv.Close()
	c := fakeClient(t, srv, nil)
	d := c.Directory(lattice.WithPageSize(10), lattice.WithCustomAttributes(), lattice.WithConcurrency(4))
	for _, stop := range []int{1, 10, 35} {
		n := 0
		for _, err := range d.StreamUsers(context.Background(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == stop {
				break
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	for _, err := range d.StreamUsers(ctx, nil) {
		if n++; n == 12 {
			cancel()
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	}
	cancel()
}
