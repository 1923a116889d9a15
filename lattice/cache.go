package lattice

import (
	"context"
	"errors"
	"maps"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/hrisconnect/hrisconnect/unified"
)

// deptNames holds the department names of a Directory: loaded with one listing, shared by
// every call until they are older than the TTL, and loaded by one caller at a time.
type deptNames struct {
	load  singleflight.Group
	mu    sync.Mutex
	names map[string]string // published maps are never modified
	at    time.Time
}

// get returns the cached names, loading them with load when there are none or they are
// older than ttl. Concurrent callers share one load; a caller whose ctx ends stops
// waiting, and a caller that shared the load of one whose ctx ended loads again.
func (c *deptNames) get(ctx context.Context, ttl time.Duration, load func(context.Context) (map[string]string, error)) (map[string]string, error) {
	for {
		c.mu.Lock()
		m, at := c.names, c.at
		c.mu.Unlock()
		if m != nil && time.Since(at) < ttl {
			return m, nil
		}
		mine := false
		ch := c.load.DoChan("", func() (any, error) {
			mine = true
			m, err := load(ctx)
			if err == nil {
				c.mu.Lock()
				c.names, c.at = m, time.Now()
				c.mu.Unlock()
			}
			return m, err
		})
		select {
		case r := <-ch:
			switch {
			case r.Err == nil:
				return r.Val.(map[string]string), nil
			case !mine && ctx.Err() == nil && (errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)):
				continue // the caller that loaded went away
			}
			return nil, r.Err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// add publishes a copy of the cached names with extra added (departments looked up one by
// one because the listing did not have them). It keeps the load time.
func (c *deptNames) add(extra map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(extra) == 0 || c.names == nil {
		return
	}
	m := maps.Clone(c.names)
	maps.Copy(m, extra)
	c.names = m
}

func (c *deptNames) reset() {
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
	at    time.Time // when it was learnt
}

func (p person) ref(id string) unified.Ref {
	if !p.found {
		return unified.Ref{ID: id}
	}
	return unified.Ref{ID: id, Name: p.name, Email: p.email}
}

// peopleCache remembers up to max users by ID, each for ttl. It keeps two generations of
// max/2 entries: when the current one is full it becomes the old one, and the old one is
// dropped. A user found in the old generation moves back to the current one, so managers
// stay cached while their reports keep coming, whatever the size of the directory.
type peopleCache struct {
	mu       sync.Mutex
	max      int
	ttl      time.Duration
	cur, old map[string]person
}

func newPeopleCache(max int, ttl time.Duration) *peopleCache {
	return &peopleCache{max: max, ttl: ttl, cur: map[string]person{}}
}

func (c *peopleCache) get(id string) (person, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.cur[id]
	if !ok {
		if p, ok = c.old[id]; ok {
			c.putLocked(id, p)
		}
	}
	if !ok || time.Since(p.at) >= c.ttl {
		return person{}, false
	}
	return p, true
}

// put remembers p (learnt now) as the user with the given id.
func (c *peopleCache) put(id string, p person) {
	if id == "" {
		return
	}
	p.at = time.Now()
	c.mu.Lock()
	c.putLocked(id, p)
	c.mu.Unlock()
}

func (c *peopleCache) putLocked(id string, p person) {
	if _, ok := c.cur[id]; !ok && len(c.cur) >= max(c.max/2, 1) {
		c.old, c.cur = c.cur, make(map[string]person, len(c.cur))
	}
	c.cur[id] = p
}

func (c *peopleCache) reset() {
	c.mu.Lock()
	c.cur, c.old = map[string]person{}, nil
	c.mu.Unlock()
}
