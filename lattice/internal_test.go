package lattice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestPositionRoundTrip(t *testing.T) {
	t.Parallel()
	var prev hashList
	for i := range MaxPageSize {
		prev = append(prev, hashID(fmt.Sprintf("52d2420e-cbd0-11ec-bfdd-%012d", i)))
	}
	var seen hashList
	for i := range maxCursorHistory + 10 {
		seen = seen.appendBounded(hashID(fmt.Sprint("cursor", i)), maxCursorHistory)
	}
	if len(seen) != maxCursorHistory || seen[len(seen)-1] != hashID(fmt.Sprint("cursor", maxCursorHistory+9)) || seen[0] != hashID("cursor10") {
		t.Fatalf("appendBounded kept the wrong entries")
	}
	pos := position{After: "52d2420e-cbd0-11ec-bfdd-93fec5413bdc", Prev: prev, Seen: seen, IDCursors: true}
	f := unified.Filter{Statuses: []unified.Status{unified.StatusInactive}}
	c, err := cursor.Encode(ProviderName, f.Fingerprint(), pos)
	if err != nil {
		t.Fatalf("a full position does not fit in a cursor: %v", err)
	}
	var back position
	if err := cursor.Decode(c, ProviderName, f.Fingerprint(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pos, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if len(c) > 3000 {
		t.Errorf("cursor of a full page is %d bytes, want room left under %d for long Lattice cursors", len(c), cursor.MaxLen)
	}
}

func TestHashListRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"!!"`, `"AAAA"`, `12`, `null`} {
		var l hashList
		if err := json.Unmarshal([]byte(in), &l); err == nil && in != "null" {
			t.Errorf("Unmarshal(%s) succeeded: %v", in, l)
		}
	}
}

func TestStartRejectsOutOfRangePositions(t *testing.T) {
	t.Parallel()
	d := &Directory{cfg: dirConfig{pageSize: MaxPageSize}}
	f := unified.Filter{}
	for name, pos := range map[string]position{
		"no cursor":    {},
		"huge history": {After: "x", Seen: make(hashList, maxCursorHistory+1)},
		"huge page":    {After: "x", Prev: make(hashList, MaxPageSize+1)},
	} {
		c, err := cursor.Encode(ProviderName, f.Fingerprint(), pos)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.start(&unified.ListOptions{Cursor: c}); !errors.Is(err, unified.ErrInvalidCursor) {
			t.Errorf("%s: err = %v, want ErrInvalidCursor", name, err)
		}
	}
	other, _ := cursor.Encode("personio", f.Fingerprint(), position{After: "x"})
	if _, _, err := d.start(&unified.ListOptions{Cursor: other}); !errors.Is(err, unified.ErrInvalidCursor) {
		t.Errorf("personio cursor: err = %v, want ErrInvalidCursor", err)
	}
}

func TestCursorSetEvictsOldest(t *testing.T) {
	t.Parallel()
	s := newCursorSet(3)
	for _, c := range []string{"a", "b", "c"} {
		if !s.add(c) {
			t.Fatalf("add(%s) = false", c)
		}
	}
	if s.add("b") {
		t.Error("a repeat was taken as new")
	}
	s.add("d") // evicts a
	if !s.add("a") {
		t.Error("the oldest cursor was not forgotten")
	}
	if s.add("d") || s.add("c") {
		t.Error("recent cursors were forgotten")
	}
}

func TestPeopleCache(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := newPeopleCache(4, time.Minute) // two generations of two
		for _, id := range []string{"a", "b", "c"} {
			c.put(id, person{name: strings.ToUpper(id), found: true})
		}
		if _, ok := c.get("a"); !ok { // a is used again, and kept
			t.Fatal("a missing")
		}
		c.put("d", person{name: "D", found: true}) // b, used least recently, is dropped
		if _, ok := c.get("b"); ok {
			t.Error("b survived")
		}
		for _, id := range []string{"a", "c", "d"} {
			if p, ok := c.get(id); !ok || p.name != strings.ToUpper(id) {
				t.Errorf("get(%s) = %+v, %t", id, p, ok)
			}
		}
		for i := range 100 {
			c.put(fmt.Sprint("u", i), person{found: true})
		}
		if n := len(c.cur) + len(c.old); n > 4 {
			t.Errorf("%d people remembered, want at most 4", n)
		}
		if _, ok := c.get("u99"); !ok {
			t.Error("the last user put is missing")
		}
		time.Sleep(time.Minute)
		if _, ok := c.get("u99"); ok {
			t.Error("an expired entry was returned")
		}
		c.put("", person{name: "nobody"})
		c.put("x", person{found: true})
		c.reset()
		if _, ok := c.get("x"); ok || len(c.cur)+len(c.old) != 0 {
			t.Error("reset kept entries")
		}
	})
	if got := (person{name: "X", email: "x@e", found: true}).ref("1"); got != (unified.Ref{ID: "1", Name: "X", Email: "x@e"}) {
		t.Errorf("ref = %+v", got)
	}
	if got := (person{name: "X"}).ref("1"); got != (unified.Ref{ID: "1"}) {
		t.Errorf("ref of an invisible person = %+v, want ID only", got)
	}
}

func TestDeptNames(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		var loads atomic.Int32
		load := func(context.Context) (map[string]string, error) {
			loads.Add(1)
			time.Sleep(time.Second) // the listing takes a while: every caller joins it
			return map[string]string{"d1": "Engineering"}, nil
		}
		get := func(c *deptNames, ctx context.Context, load func(context.Context) (map[string]string, error)) map[string]string {
			t.Helper()
			m, err := c.get(ctx, time.Hour, load)
			if err != nil {
				t.Errorf("get: %v", err)
			}
			return m
		}

		var c deptNames
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if m := get(&c, ctx, load); m["d1"] != "Engineering" {
					t.Errorf("get = %v", m)
				}
			})
		}
		wg.Wait()
		get(&c, ctx, load)
		if n := loads.Load(); n != 1 {
			t.Errorf("%d loads for 21 callers within the TTL, want 1", n)
		}
		time.Sleep(time.Hour)
		get(&c, ctx, load)
		if n := loads.Load(); n != 2 {
			t.Errorf("%d loads after the TTL, want 2", n)
		}
		c.add(map[string]string{"d2": "Sales"})
		if m := get(&c, ctx, load); m["d1"] != "Engineering" || m["d2"] != "Sales" || loads.Load() != 2 {
			t.Errorf("after add: %v (%d loads)", m, loads.Load())
		}
		c.reset()
		get(&c, ctx, load)
		if n := loads.Load(); n != 3 {
			t.Errorf("%d loads after reset, want 3", n)
		}

		// A failed load is not kept.
		var c2 deptNames
		if _, err := c2.get(ctx, time.Hour, func(context.Context) (map[string]string, error) { return nil, errors.New("down") }); err == nil {
			t.Error("failure not reported")
		}
		if m := get(&c2, ctx, load); m["d1"] == "" {
			t.Errorf("after a failure: %v", m)
		}

		// A caller whose context ends stops waiting for the load of another.
		var c3 deptNames
		wg.Go(func() { get(&c3, ctx, load) })
		synctest.Wait()
		tctx, cancel := context.WithTimeout(ctx, time.Millisecond)
		defer cancel()
		if _, err := c3.get(tctx, time.Hour, load); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("waiter err = %v, want its context's error", err)
		}
		wg.Wait()

		// A caller that joined the load of one who gave up loads again.
		var c4 deptNames
		actx, acancel := context.WithCancel(ctx)
		wg.Go(func() {
			_, err := c4.get(actx, time.Hour, func(ctx context.Context) (map[string]string, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("the caller who gave up got %v", err)
			}
		})
		synctest.Wait()
		wg.Go(func() {
			if m := get(&c4, ctx, load); m["d1"] == "" {
				t.Errorf("the caller who joined got %v", m)
			}
		})
		synctest.Wait()
		acancel()
		wg.Wait()
	})
}

func TestDecodeErrorHook(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, want string }{
		{`{"error":"Not found"}`, "Not found"},
		{` {"error": "spaced"} `, "spaced"},
		{`{"error":""}`, `{"error":""}`},
		{`{"error":{"message":"nested"}}`, `{"error":{"message":"nested"}}`},
		{`{"message":"other"}`, `{"message":"other"}`},
		{`plain text`, "plain text"},
		{`<!DOCTYPE html><html>502</html>`, ""},
		{``, ""},
		{`{broken`, "{broken"},
	}
	for _, tt := range tests {
		var e unified.APIError
		decodeError(&e, []byte(tt.body))
		if e.Message != tt.want {
			t.Errorf("decodeError(%q).Message = %q, want %q", tt.body, e.Message, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	if got := clip("héllo", 2); got != "h…" {
		t.Errorf("clip on a rune boundary = %q", got)
	}
	if got := clip("abc", 3); got != "abc" {
		t.Errorf("clip = %q", got)
	}
}
