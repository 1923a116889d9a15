package personio

import (
	"context"
	"errors"
	"sync"

	"github.com/hrisconnect/hrisconnect/internal/fanout"
)

// lazy computes a value once, when first needed, and shares it. Concurrent callers wait
// for one computation (or for their own context). A failed computation is not cached: the
// next caller tries again.
type lazy[T any] struct {
	mu   sync.Mutex
	done bool
	val  T
	call *lazyCall[T]
}

type lazyCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (l *lazy[T]) get(ctx context.Context, compute func(context.Context) (T, error)) (T, error) {
	for {
		l.mu.Lock()
		if l.done {
			v := l.val
			l.mu.Unlock()
			return v, nil
		}
		call := l.call
		if call == nil {
			call = &lazyCall[T]{done: make(chan struct{})}
			l.call = call
			l.mu.Unlock()
			call.val, call.err = compute(ctx)
			l.mu.Lock()
			if call.err == nil {
				l.val, l.done = call.val, true
			}
			l.call = nil
			l.mu.Unlock()
			close(call.done)
			return call.val, call.err
		}
		l.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if call.err == nil {
			return call.val, nil
		}
		if ctx.Err() == nil && (errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) {
			continue // the computing caller gave up; try again with this live context
		}
		var zero T
		return zero, call.err
	}
}

// forEach runs f(ctx, i) for i in [0, n) on at most limit goroutines and returns the first
// error: see [fanout.Run].
func forEach(ctx context.Context, n, limit int, f func(ctx context.Context, i int) error) error {
	return fanout.Run(ctx, n, limit, f)
}
