package lattice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/unified"
)

// chain serves GET /v1/users as a cursor chain of pages of users u1, u2, ..., n in all,
// size per page, each page's cursor the id of its last user. Every request takes latency
// (virtual time: use it in a synctest bubble); chain records the requests by
// startingAfter, and those cancelled while they waited.
type chain struct {
	n, size int
	latency time.Duration

	mu        sync.Mutex
	reqs      []string // startingAfter of each request, in order
	cancelled []string
	inFlight  int
}

func (c *chain) respond(req *http.Request) (*http.Response, error) {
	after := req.URL.Query().Get("startingAfter")
	c.mu.Lock()
	c.reqs = append(c.reqs, after)
	c.inFlight++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inFlight--
		c.mu.Unlock()
	}()
	select {
	case <-time.After(c.latency):
	case <-req.Context().Done():
		c.mu.Lock()
		c.cancelled = append(c.cancelled, after)
		c.mu.Unlock()
		return nil, req.Context().Err()
	}
	first := 1
	if after != "" {
		fmt.Sscanf(after, "u%d", &first)
		first++
	}
	last := min(first+c.size-1, c.n)
	var items []string
	for i := first; i <= last; i++ {
		items = append(items, userJSON(fmt.Sprint("u", i)))
	}
	resp := httpmock.NewStringResponse(http.StatusOK, listJSON(last < c.n, fmt.Sprint("u", last), items...))
	resp.Header.Set("Content-Type", "application/json")
	return resp, nil
}

func (c *chain) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.reqs...)
}

// TestStreamOnePageAhead checks that StreamUsers requests the next page while the caller
// works on the current one, and no further.
func TestStreamOnePageAhead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{})
		ch := &chain{n: 50, size: 10, latency: 100 * time.Millisecond}
		mt.RegisterResponder("GET", apiBase+"/v1/users", ch.respond)
		n := 0
		for u, err := range c.Directory().StreamUsers(context.Background(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; u.ID != fmt.Sprint("u", n) {
				t.Fatalf("user %d is %s", n, u.ID)
			}
			if n%10 != 1 {
				continue
			}
			synctest.Wait() // everything but the caller is blocked: the reader waits for a page, or to hand one over
			page := n/10 + 1
			want := min(page+1, 5)
			if got := len(ch.requests()); got != want {
				t.Errorf("on page %d: %d requests, want %d", page, got, want)
			}
			if page < 5 {
				// The caller takes its time: the next page arrives meanwhile, and no other
				// request leaves.
				time.Sleep(time.Second)
				if got := len(ch.requests()); got != want {
					t.Errorf("on page %d, a second later: %d requests, want %d", page, got, want)
				}
			}
		}
		if n != 50 {
			t.Errorf("%d users, want 50", n)
		}
		if diff := cmp.Diff([]string{"", "u10", "u20", "u30", "u40"}, ch.requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})
}

// TestStreamStopsOnBreakAndCancel breaks out of a stream and cancels one: the request in
// flight is cancelled, nothing is requested afterwards, and every goroutine has ended
// (synctest.Test fails if one is left).
func TestStreamStopsOnBreakAndCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mockClient(t, lattice.Config{})
		ch := &chain{n: 300, size: 10, latency: 10 * time.Millisecond}
		mt.RegisterResponder("GET", apiBase+"/v1/users", ch.respond)
		d := c.Directory()
		ctx := context.Background()

		n := 0
		for _, err := range d.StreamUsers(ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 15 {
				synctest.Wait() // the request for the third page is in flight
				break
			}
		}
		// httpmock returns from RoundTrip as soon as the request's context ends and runs
		// the responder on to its own end in a goroutine of its own: let it record the
		// cancellation before looking.
		synctest.Wait()
		ch.mu.Lock()
		inFlight, cancelled := ch.inFlight, ch.cancelled
		ch.mu.Unlock()
		if inFlight != 0 || !cmp.Equal(cancelled, []string{"u20"}) {
			t.Errorf("after the break: %d requests in flight, cancelled %q; want none in flight, u20 cancelled", inFlight, cancelled)
		}
		time.Sleep(time.Minute)
		if diff := cmp.Diff([]string{"", "u10", "u20"}, ch.requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}

		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var errs []error
		n = 0
		for _, err := range d.StreamUsers(cctx, nil) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if n++; n == 25 {
				cancel()
			}
		}
		if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) || n < 25 || n > 30 {
			t.Errorf("%d users, errors %v after cancel at 25; want the rest of the page at most, then one context.Canceled", n, errs)
		}
	})
}

// TestStreamChecksEachPageBeforeTheNext checks that StreamUsers requests a page only for
// the cursor of a page that has been read and checked, once, and reports the first
// failure once, after the users before it.
func TestStreamChecksEachPageBeforeTheNext(t *testing.T) {
	t.Parallel()
	// The body of the first attempt is cut short (the transport sends the request again);
	// its cursor must never be followed.
	cut := `{"object":"list","hasMore":true,"endingCursor":"A","data":[{"id":"x1"`
	tests := []struct {
		name     string
		pages    map[string][]string // bodies by startingAfter, one per attempt (the last repeats)
		wantIDs  []string
		wantErr  error
		wantReqs map[string]int // requests by startingAfter
	}{
		{
			name: "pages in a row",
			pages: map[string][]string{
				"":   {listJSON(true, "c1", userJSON("u1"), userJSON("u2"))},
				"c1": {listJSON(true, "c2", userJSON("u3"))},
				"c2": {listJSON(false, "", userJSON("u4"))},
			},
			wantIDs:  []string{"u1", "u2", "u3", "u4"},
			wantReqs: map[string]int{"": 1, "c1": 1, "c2": 1},
		},
		{
			name: "a page read again",
			pages: map[string][]string{
				"":  {cut, listJSON(true, "B", userJSON("u1"), userJSON("u2"))},
				"A": {listJSON(false, "", userJSON("x1"))},
				"B": {listJSON(false, "", userJSON("u3"))},
			},
			wantIDs:  []string{"u1", "u2", "u3"},
			wantReqs: map[string]int{"": 2, "B": 1},
		},
		{
			name: "a page never read whole: MaxAttempts requests, then the error",
			pages: map[string][]string{
				"":   {listJSON(true, "c1", userJSON("u1"))},
				"c1": {cut},
			},
			wantIDs:  []string{"u1"},
			wantErr:  unified.ErrUnavailable,
			wantReqs: map[string]int{"": 1, "c1": 4},
		},
		{
			name: "a page that fails its checks",
			pages: map[string][]string{
				"":   {listJSON(true, "u1", userJSON("u1"))},
				"u1": {listJSON(true, "zz", userJSON("u2"))},
				"zz": {listJSON(false, "", userJSON("u3"))},
			},
			wantIDs:  []string{"u1"},
			wantErr:  unified.ErrInconsistentListing,
			wantReqs: map[string]int{"": 1, "u1": 1},
		},
		{
			name: "a repeated cursor",
			pages: map[string][]string{
				"":   {listJSON(true, "c1", userJSON("u1"))},
				"c1": {listJSON(true, "c1", userJSON("u2"))},
			},
			wantIDs:  []string{"u1"},
			wantErr:  unified.ErrCursorLoop,
			wantReqs: map[string]int{"": 1, "c1": 1},
		},
		{
			name: "a loop A→B→A",
			pages: map[string][]string{
				"":  {listJSON(true, "A", userJSON("u1"))},
				"A": {listJSON(true, "B", userJSON("u2"))},
				"B": {listJSON(true, "A", userJSON("u3"))},
			},
			wantIDs:  []string{"u1", "u2"},
			wantErr:  unified.ErrCursorLoop,
			wantReqs: map[string]int{"": 1, "A": 1, "B": 1},
		},
		{
			name: "hasMore without a cursor",
			pages: map[string][]string{
				"": {listJSON(true, "", userJSON("u1"))},
			},
			wantIDs:  []string{"u1"},
			wantReqs: map[string]int{"": 1},
		},
		{
			name: "a page that fails is reported after the users before it",
			pages: map[string][]string{
				"":   {listJSON(true, "c1", userJSON("u1"))},
				"c1": {`{"error":"Bad request: no such cursor"}`},
			},
			wantIDs:  []string{"u1"},
			wantErr:  unified.ErrInvalidRequest,
			wantReqs: map[string]int{"": 1, "c1": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, mt := mockClient(t, lattice.Config{})
				var mu sync.Mutex
				reqs := map[string]int{}
				mt.RegisterResponder("GET", apiBase+"/v1/users", func(req *http.Request) (*http.Response, error) {
					after := req.URL.Query().Get("startingAfter")
					mu.Lock()
					n := reqs[after]
					reqs[after]++
					mu.Unlock()
					bodies := tt.pages[after]
					if len(bodies) == 0 {
						t.Errorf("request for an unknown page %q", after)
						return httpmock.NewStringResponse(http.StatusNotFound, `{"error":"Not found"}`), nil
					}
					body := bodies[min(n, len(bodies)-1)]
					status := http.StatusOK
					if strings.HasPrefix(body, `{"error"`) {
						status = http.StatusBadRequest
					}
					resp := httpmock.NewStringResponse(status, body)
					resp.Header.Set("Content-Type", "application/json")
					return resp, nil
				})

				var ids []string
				var errs []error
				for u, err := range c.Directory().StreamUsers(context.Background(), nil) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					ids = append(ids, u.ID)
				}
				if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
					t.Errorf("listed IDs (-want +got):\n%s", diff)
				}
				switch {
				case tt.wantErr == nil && len(errs) > 0:
					t.Errorf("errors %v", errs)
				case tt.wantErr != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.wantErr)):
					t.Errorf("errors %v, want one %v", errs, tt.wantErr)
				}
				mu.Lock()
				defer mu.Unlock()
				if diff := cmp.Diff(tt.wantReqs, reqs); diff != "" {
					t.Errorf("requests by startingAfter (-want +got):\n%s", diff)
				}
			})
		})
	}
}
