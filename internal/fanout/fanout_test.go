package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/internal/fanout"
)

// TestMain fails the package if any test leaves a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// wait is how long a test waits for something that should happen at once.
const wait = 5 * time.Second

func TestRunCallsEveryIndexOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, limit int
	}{
		{n: 0, limit: 4}, {n: 1, limit: 4}, {n: 20, limit: 1}, {n: 20, limit: 3},
		{n: 20, limit: 20}, {n: 5, limit: 50}, {n: 7, limit: 0}, {n: 7, limit: -2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("n=%d,limit=%d", tt.n, tt.limit), func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			got := make([]int, tt.n)
			err := fanout.Run(context.Background(), tt.n, tt.limit, func(_ context.Context, i int) error {
				mu.Lock()
				got[i]++
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int, tt.n)
			for i := range want {
				want[i] = 1
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("calls per index (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunRespectsLimit checks that no more than limit calls run at once (every call stays
// a moment) and that limit calls do run at once (the first limit calls each wait until
// all of them have started).
func TestRunRespectsLimit(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 2, 4, 8} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			t.Parallel()
			var inFlight, peak, started atomic.Int32
			all := make(chan struct{})
			err := fanout.Run(context.Background(), 40, limit, func(_ context.Context, i int) error {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				if started.Add(1) == int32(limit) {
					close(all)
				}
				if i < limit {
					select {
					case <-all:
					case <-time.After(wait):
						return fmt.Errorf("call %d: only %d of %d calls started", i, started.Load(), limit)
					}
				}
				time.Sleep(time.Millisecond)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if p := peak.Load(); int(p) != limit {
				t.Errorf("at most %d calls ran at once, want exactly %d", p, limit)
			}
		})
	}
}

func TestRunFirstErrorCancelsTheRest(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 4} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			t.Parallel()
			boom := errors.New("boom")
			var calls atomic.Int32
			running := make(chan struct{}, limit)
			err := fanout.Run(context.Background(), 100, limit, func(ctx context.Context, i int) error {
				calls.Add(1)
				if i == limit-1 {
					// Fail once the other calls of the first round are running.
					for range limit - 1 {
						<-running
					}
					return boom
				}
				running <- struct{}{}
				select {
				case <-ctx.Done(): // the failure cancels the calls in flight
					return fmt.Errorf("call %d: %w", i, ctx.Err())
				case <-time.After(wait):
					t.Errorf("call %d was not cancelled after another failed", i)
					return nil
				}
			})
			if !errors.Is(err, boom) {
				t.Errorf("err = %v, want the first failure", err)
			}
			if n := calls.Load(); int(n) != limit {
				t.Errorf("%d calls made, want the %d of the first round only", n, limit)
			}
		})
	}
}

func TestRunWaitsForRunningCalls(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var running atomic.Int32
	err := fanout.Run(context.Background(), 8, 4, func(ctx context.Context, i int) error {
		running.Add(1)
		defer running.Add(-1)
		if i == 0 {
			return boom
		}
		time.Sleep(20 * time.Millisecond) // ignores ctx on purpose
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	if n := running.Load(); n != 0 {
		t.Errorf("%d calls still running when Run returned", n)
	}
}

func TestRunContextEnded(t *testing.T) {
	t.Parallel()
	t.Run("before", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, limit := range []int{1, 4} {
			var calls atomic.Int32
			err := fanout.Run(ctx, 10, limit, func(context.Context, int) error { calls.Add(1); return nil })
			if !errors.Is(err, context.Canceled) || calls.Load() != 0 {
				t.Errorf("limit %d: err = %v after %d calls, want context.Canceled and no call", limit, err, calls.Load())
			}
		}
	})
	t.Run("during", func(t *testing.T) {
		t.Parallel()
		for _, limit := range []int{1, 4} {
			ctx, cancel := context.WithCancel(context.Background())
			var calls atomic.Int32
			err := fanout.Run(ctx, 1000, limit, func(context.Context, int) error {
				if calls.Add(1) == 10 {
					cancel()
				}
				return nil
			})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("limit %d: err = %v, want context.Canceled", limit, err)
			}
			if n := calls.Load(); n < 10 || n > int32(10+limit) {
				t.Errorf("limit %d: %d calls made; want the 10 before the cancellation and at most %d more", limit, n, limit)
			}
		}
	})
	t.Run("deadline passed to calls", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		want, _ := ctx.Deadline()
		err := fanout.Run(ctx, 6, 3, func(ctx context.Context, i int) error {
			if got, ok := ctx.Deadline(); !ok || !got.Equal(want) {
				return fmt.Errorf("call %d: deadline %v, %v; want the caller's %v", i, got, ok, want)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	})
}

func ExampleRun() {
	ids := []string{"a", "b", "c", "d", "e"}
	names := make([]string, len(ids)) // each call writes its own element
	err := fanout.Run(context.Background(), len(ids), 2, func(ctx context.Context, i int) error {
		names[i] = "user " + ids[i] // a lookup that honours ctx would go here
		return nil
	})
	fmt.Println(names, err)
	// Output: [user a user b user c user d user e] <nil>
}
