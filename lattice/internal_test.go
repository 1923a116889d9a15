package lattice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
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
	now := time.Unix(1000, 0)
	c := newPeopleCache(3, time.Minute, func() time.Time { return now })
	c.put("a", person{name: "A", found: true})
	c.put("b", person{name: "B", found: true})
	c.put("c", person{name: "C", found: true})
	if _, ok := c.get("a"); !ok { // a becomes the most recently used
		t.Fatal("a missing")
	}
	c.put("d", person{name: "D", found: true}) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Error("b survived eviction")
	}
	for _, id := range []string{"a", "c", "d"} {
		if _, ok := c.get(id); !ok {
			t.Errorf("%s evicted", id)
		}
	}
	if _, ok := c.peek("a"); !ok || c.len() != 3 {
		t.Errorf("peek(a) failed or len %d", c.len())
	}
	now = now.Add(time.Minute)
	if _, ok := c.peek("a"); ok {
		t.Error("peek returned an expired entry")
	}
	if _, ok := c.get("a"); ok || c.len() != 2 {
		t.Errorf("expired entry returned, or not dropped (len %d)", c.len())
	}
	c.put("", person{name: "nobody"})
	c.reset()
	if c.len() != 0 {
		t.Error("reset kept entries")
	}
	if got := (person{name: "X", email: "x@e", found: true}).ref("1"); got != (unified.Ref{ID: "1", Name: "X", Email: "x@e"}) {
		t.Errorf("ref = %+v", got)
	}
	if got := (person{name: "X"}).ref("1"); got != (unified.Ref{ID: "1"}) {
		t.Errorf("ref of an invisible person = %+v, want ID only", got)
	}
}

func TestFanOut(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 3, 8} {
		var inFlight, peak atomic.Int32
		var done [20]atomic.Bool
		err := fanOut(context.Background(), len(done), limit, func(ctx context.Context, i int) error {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			done[i].Store(true)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if p := peak.Load(); int(p) > limit {
			t.Errorf("limit %d: %d calls at once", limit, p)
		}
		for i := range done {
			if !done[i].Load() {
				t.Errorf("limit %d: call %d not made", limit, i)
			}
		}
	}

	boom := errors.New("boom")
	var calls atomic.Int32
	err := fanOut(context.Background(), 100, 4, func(ctx context.Context, i int) error {
		calls.Add(1)
		if i == 1 {
			time.Sleep(5 * time.Millisecond)
			return boom
		}
		select {
		case <-ctx.Done(): // the failure cancels the calls in flight
		case <-time.After(5 * time.Second):
			t.Error("a call was not cancelled after another failed")
		}
		return ctx.Err()
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the first failure", err)
	}
	if n := calls.Load(); n >= 100 {
		t.Errorf("%d calls made after a failure", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := fanOut(ctx, 10, 1, func(context.Context, int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if err := fanOut(ctx, 0, 4, nil); err != nil {
		t.Errorf("no work: err = %v", err)
	}
}

func TestDeptCacheLoadsOnce(t *testing.T) {
	t.Parallel()
	var c deptCache
	var loads atomic.Int32
	release := make(chan struct{})
	load := func(ctx context.Context) (map[string]string, error) {
		loads.Add(1)
		<-release
		return map[string]string{"d1": "Engineering"}, nil
	}
	now := func() time.Time { return time.Unix(0, 0) }
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			m, err := c.get(context.Background(), time.Hour, now, load)
			if err != nil || m["d1"] != "Engineering" {
				t.Errorf("get = %v, %v", m, err)
			}
		})
	}
	time.Sleep(10 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("%d loads for 20 concurrent callers, want 1", n)
	}

	// A failed load is not cached; a waiter whose context ends stops waiting.
	var c2 deptCache
	fail := func(ctx context.Context) (map[string]string, error) { return nil, errors.New("down") }
	if _, err := c2.get(context.Background(), time.Hour, now, fail); err == nil {
		t.Error("failure not reported")
	}
	if m, err := c2.get(context.Background(), time.Hour, now, load); err != nil || m["d1"] == "" {
		t.Errorf("after a failure: %v, %v", m, err)
	}
	c2.add(map[string]string{"d2": "Sales"})
	if m, _ := c2.get(context.Background(), time.Hour, now, fail); m["d2"] != "Sales" || m["d1"] != "Engineering" {
		t.Errorf("after add: %v", m)
	}

	var c3 deptCache
	block := make(chan struct{})
	go func() {
		_, _ = c3.get(context.Background(), time.Hour, now, func(context.Context) (map[string]string, error) {
			<-block
			return map[string]string{}, nil
		})
	}()
	time.Sleep(5 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c3.get(ctx, time.Hour, now, load); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiter err = %v, want its context's error", err)
	}
	close(block)
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
