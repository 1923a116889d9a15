package lattice_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/unified"
)

// TestStreamRequestsAhead checks the request StreamUsers sends for the next page while it
// decodes and checks the page at hand: it changes nothing the listing yields, it is
// cancelled when the page fails its checks, replaced when the page's cursor is not the
// one it was sent with, and never sent for a cursor the listing has followed already.
func TestStreamRequestsAhead(t *testing.T) {
	t.Parallel()
	// A body that is JSON, with a cursor, but fails to decode (the transport retries it).
	undecodable := `{"object":"list","hasMore":true,"endingCursor":"A","data":[{"id":"u1","createdAt":"yesterday"}]}`
	const block = "block" // a page whose request waits until it is cancelled
	tests := []struct {
		name     string
		pages    map[string][]string // bodies by startingAfter, one per attempt (the last repeats)
		wantIDs  []string
		wantErr  error
		wantReqs map[string]int // requests by startingAfter; -1: at most one
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
			name: "a retried page whose cursor changed",
			pages: map[string][]string{
				"":  {undecodable, listJSON(true, "B", userJSON("u1"), userJSON("u2"))},
				"A": {listJSON(false, "", userJSON("x1"))},
				"B": {listJSON(false, "", userJSON("u3"))},
			},
			wantIDs:  []string{"u1", "u2", "u3"},
			wantReqs: map[string]int{"": 2, "A": -1, "B": 1},
		},
		{
			name: "a page that fails its checks",
			pages: map[string][]string{
				"":   {listJSON(true, "u1", userJSON("u1"))},
				"u1": {listJSON(true, "zz", userJSON("u2"))},
				"zz": {block},
			},
			wantIDs:  []string{"u1"},
			wantErr:  unified.ErrInconsistentListing,
			wantReqs: map[string]int{"": 1, "u1": 1, "zz": -1},
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
			name: "a request ahead that fails is reported with its page",
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
			c, mt, _ := mockClient(t, lattice.Config{})
			var (
				mu        sync.Mutex
				reqs      = map[string]int{}
				cancelled = map[string]chan struct{}{} // closed when the request is cancelled
			)
			for after := range tt.pages {
				cancelled[after] = make(chan struct{})
			}
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
				// Latency, so that the page at hand is checked while this one is on its way.
				wait := time.After(10 * time.Millisecond)
				if body == block {
					wait = time.After(10 * time.Second)
				}
				select {
				case <-wait:
				case <-req.Context().Done():
					mu.Lock()
					select {
					case <-cancelled[after]:
					default:
						close(cancelled[after])
					}
					mu.Unlock()
					return nil, req.Context().Err()
				}
				switch {
				case body == block:
					t.Errorf("the request for page %q was not cancelled", after)
					return httpmock.NewStringResponse(http.StatusServiceUnavailable, ""), nil
				case strings.HasPrefix(body, `{"error"`):
					return httpmock.NewStringResponse(http.StatusBadRequest, body), nil
				}
				resp := httpmock.NewStringResponse(http.StatusOK, body)
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
			sent := maps.Clone(reqs)
			mu.Unlock()
			for after, want := range tt.wantReqs {
				got := sent[after]
				if (want >= 0 && got != want) || (want < 0 && got > 1) {
					t.Errorf("%d requests for page %q, want %d (-1: at most one)", got, after, want)
				}
				if got > 0 && tt.pages[after][0] == block {
					select {
					case <-cancelled[after]:
					case <-time.After(5 * time.Second):
						t.Errorf("the request for page %q was not cancelled", after)
					}
				}
			}
			for after, n := range sent {
				if _, ok := tt.wantReqs[after]; !ok {
					t.Errorf("%d requests for page %q, want none", n, after)
				}
			}
		})
	}
}
