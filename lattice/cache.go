package lattice

import (
	"container/list"
	"context"
	"maps"
	"sync"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/fanout"
)

// deptCache holds the department names of a Directory: loaded with one listing, shared by
// every call until it is older than the TTL, and loaded by one caller at a time.
type deptCache struct {
	mu      sync.Mutex
	names   map[string]string // published maps are never modified
	at      time.Time
	loading chan struct{} // closed when the running load ends; nil when none runs
}

// get returns the cached names, loading them when there are none or they are older than
// ttl. Concurrent callers wait for one load; a caller whose context ends stops waiting.
func (c *deptCache) get(ctx context.Context, ttl time.Duration, now func() time.Time, load func(context.Context) (map[string]string, error)) (map[string]string, error) {
	for {
		c.mu.Lock()
		if c.names != nil && now().Sub(c.at) < ttl {
			m := c.names
			c.mu.Unlock()
			return m, nil
		}
		if ch := c.loading; ch != nil {
			c.mu.Unlock()
			select {
			case <-ch:
				continue // the load ended; use its result, or load again if it failed
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		ch := make(chan struct{})
		c.loading = ch
		c.mu.Unlock()

		m, err := load(ctx)
		c.mu.Lock()
		c.loading = nil
		if err == nil {
			c.names, c.at = m, now()
		}
		c.mu.Unlock()
		close(ch)
		return m, err
	}
}

// add publishes a copy of the cached names with extra added (departments looked up one by
// one because the listing did not have them). It keeps the load time.
func (c *deptCache) add(extra map[string]string) {
	if len(extra) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil {
		return
	}
	m := make(map[string]string, len(c.names)+len(extra))
	maps.Copy(m, c.names)
	maps.Copy(m, extra)
	c.names = m
}

func (c *deptCache) reset() {
	c.mu.Lock()
	c.names = nil
	c.mu.Unlock()
}

// person is what a Directory remembers of a user to describe them as someone's manager.
type person struct {
	name, email string
	// found is false for a user the API did not show (404 or 403): the manager reference
	// then carries the ID only.
	found bool
}

// peopleCache is a bounded least-recently-used map from user id to person, whose entries
// expire after a TTL. Resolving a manager touches its entry, so managers stay cached while
// their reports keep coming, whatever the size of the directory.
type peopleCache struct {
	mu  sync.Mutex
	max int
	ttl time.Duration
	now func() time.Time
	m   map[string]*list.Element
	ll  list.List // of *personEntry, most recently used first
}

type personEntry struct {
	id string
	p  person
	at time.Time
}

func newPeopleCache(max int, ttl time.Duration, now func() time.Time) *peopleCache {
	return &peopleCache{max: max, ttl: ttl, now: now, m: map[string]*list.Element{}}
}

func (c *peopleCache) get(id string) (person, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[id]
	if !ok {
		return person{}, false
	}
	e := el.Value.(*personEntry)
	if c.now().Sub(e.at) >= c.ttl {
		c.ll.Remove(el)
		delete(c.m, id)
		return person{}, false
	}
	c.ll.MoveToFront(el)
	return e.p, true
}

// peek is get without refreshing the entry's place in the LRU order.
func (c *peopleCache) peek(id string) (person, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[id]
	if !ok {
		return person{}, false
	}
	e := el.Value.(*personEntry)
	if c.now().Sub(e.at) >= c.ttl {
		return person{}, false
	}
	return e.p, true
}

func (c *peopleCache) put(id string, p person) {
	if id == "" || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if el, ok := c.m[id]; ok {
		e := el.Value.(*personEntry)
		e.p, e.at = p, now
		c.ll.MoveToFront(el)
		return
	}
	c.m[id] = c.ll.PushFront(&personEntry{id: id, p: p, at: now})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.m, last.Value.(*personEntry).id)
	}
}

func (c *peopleCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

func (c *peopleCache) reset() {
	c.mu.Lock()
	c.m = map[string]*list.Element{}
	c.ll.Init()
	c.mu.Unlock()
}

// fanOut calls f(ctx, i) for i in [0, n) on at most limit goroutines and waits for all of
// them: see [fanout.Run].
func fanOut(ctx context.Context, n, limit int, f func(ctx context.Context, i int) error) error {
	return fanout.Run(ctx, n, limit, f)
}
