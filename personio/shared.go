package personio

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/singleflight"
)

// shared runs fn for key unless a call for key is already running, and returns the
// result of the one call (singleflight). The call runs with the context of the caller that
// started it; a caller whose ctx ends stops waiting at once. When the call failed only
// because the context of the caller that started it ended, a waiting caller whose ctx is
// still live runs it again.
func shared[T any](ctx context.Context, g *singleflight.Group, key string, fn func(context.Context) (T, error)) (T, error) {
	for {
		ran := false
		ch := g.DoChan(key, func() (any, error) {
			ran = true
			return fn(ctx)
		})
		select {
		case r := <-ch:
			abandoned := errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)
			if r.Err != nil && !ran && abandoned && ctx.Err() == nil {
				continue
			}
			v, _ := r.Val.(T)
			return v, r.Err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
}

// loader loads values by key when they are first needed and keeps them: concurrent
// callers of a key share one load, and a failed load is not kept (the next caller tries
// again).
type loader[T any] struct {
	sf   singleflight.Group
	mu   sync.Mutex
	vals map[string]T
}

// get returns the value of key, loading it with load if it is not known yet.
func (l *loader[T]) get(ctx context.Context, key string, load func(context.Context) (T, error)) (T, error) {
	if v, ok := l.known(key); ok {
		return v, nil
	}
	return shared(ctx, &l.sf, key, func(ctx context.Context) (T, error) {
		if v, ok := l.known(key); ok { // loaded by a call that ended meanwhile
			return v, nil
		}
		v, err := load(ctx)
		if err == nil {
			l.mu.Lock()
			if l.vals == nil {
				l.vals = map[string]T{}
			}
			l.vals[key] = v
			l.mu.Unlock()
		}
		return v, err
	})
}

func (l *loader[T]) known(key string) (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.vals[key]
	return v, ok
}
