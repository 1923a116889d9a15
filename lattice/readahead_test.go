package lattice_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// inflight passes requests on to next and records the most it had at once.
type inflight struct {
	next     http.RoundTripper
	mu       sync.Mutex
	now, max int
}

func (t *inflight) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.now++
	t.max = max(t.max, t.now)
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.now--
		t.mu.Unlock()
	}()
	return t.next.RoundTrip(req)
}

// TestSyncsUnderTheDocumentedLimit lists a company, in virtual time, through the fake
// enforcing Lattice's documented limit (240 requests a minute) with 100 ms a request,
// with clients that keep the default limit: a client with a fresh key meets no 429 and
// reads the chain one request at a time, which is all the limit lets it use; a second
// client with the same key started right after it, whose budget the first has spent,
// meets at most one 429 before it paces itself. With the limit lifted, the next page is
// read while the caller works through the current one. Each lists everyone once.
func TestSyncsUnderTheDocumentedLimit(t *testing.T) {
	t.Parallel()
	for _, limited := range []bool{true, false} {
		t.Run(fmt.Sprintf("limited=%t", limited), func(t *testing.T) {
			t.Parallel()
			opts := []latticetest.Option{latticetest.WithGenerated(5, 1500), latticetest.WithLatency(100 * time.Millisecond)}
			if limited {
				opts = append(opts, latticetest.WithRateLimit(240, lattice.DefaultBurst))
			}
			srv := latticetest.NewTestServer(t, opts...) // outside the bubble: it listens on loopback
			want := slices.Sorted(slices.Values(latticeIDs(srv.Company(), nil)))
			synctest.Test(t, func(t *testing.T) {
				for _, run := range []string{"first", "second"} {
					tr := &inflight{next: srv.InMemoryClient().Transport}
					cfg := lattice.Config{APIKey: srv.APIKey, BaseURL: srv.URL, HTTPClient: &http.Client{Transport: tr}}
					if !limited {
						cfg.RateLimit = lattice.NoRateLimit
					}
					c, err := lattice.New(cfg)
					if err != nil {
						t.Fatal(err)
					}
					srv.ResetRequests()
					var ids []string
					for u, err := range unified.Users(t.Context(), c.Directory(), nil) {
						if err != nil {
							t.Fatalf("%s sync: %v", run, err)
						}
						ids = append(ids, u.ID)
					}
					if !slices.Equal(slices.Sorted(slices.Values(ids)), want) {
						t.Errorf("%s sync: %d users, want the company's %d, each once", run, len(ids), len(want))
					}
					got429 := srv.RateLimited()
					switch {
					case !limited && tr.max < 2:
						t.Errorf("%s sync: %d request in flight at most, want the next page read ahead with the limit lifted", run, tr.max)
					case limited && run == "first" && (got429 != 0 || tr.max != 1):
						t.Errorf("first sync: %d 429s, %d requests in flight at most; want none and one", got429, tr.max)
					case limited && run == "second" && got429 > 1:
						t.Errorf("second sync: %d 429s, want at most one", got429)
					}
				}
			})
		})
	}
}
