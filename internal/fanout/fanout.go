// Package fanout runs a bounded number of calls in parallel and stops at the first
// failure: the loop the provider directories use to look up many records at once
// without opening more connections than they are configured to.
package fanout

import (
	"context"
	"sync"
)

// Run calls f(ctx, i) for each i in [0, n) on at most limit goroutines (a limit below 1
// counts as 1) and returns the first error. The indexes are handed out in increasing
// order.
//
// After the first error (returned by f, or ctx's error when ctx ends before every call
// has started) no further call starts, the context passed to the calls still running is
// cancelled, and Run returns that error once they have returned. Every goroutine Run
// starts has ended when it returns. With a limit of 1 (or n == 1) the calls run one after
// the other on the caller's goroutine and receive ctx itself.
func Run(ctx context.Context, n, limit int, f func(ctx context.Context, i int) error) error {
	if n <= 0 {
		return nil
	}
	limit = max(1, min(limit, n))
	if limit == 1 {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := f(ctx, i); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		next  int
		first error
	)
	// take hands out the next index, or false once all are taken or a call has failed.
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if first != nil || next >= n {
			return 0, false
		}
		i := next
		next++
		return i, true
	}
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	for range limit {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(err)
					return
				}
				if err := f(ctx, i); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
