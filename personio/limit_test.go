package personio_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	. "github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// TestSyncsUnderTheDocumentedLimit lists a company, in virtual time, through the fake
// enforcing Personio's documented limit (300 requests a minute in bursts of 15) with
// 100 ms a request, with clients that keep the default limit (5 requests/s, bursts of
// 14): a client with fresh credentials meets no 429 and keeps one request on the network
// at a time, which is all the limit lets it use; a second client started right after it,
// whose budget the first has spent, meets at most one 429 before it paces itself. With
// the limit lifted, the listing keeps WithConcurrency requests on the network. Each lists
// everyone once.
func TestSyncsUnderTheDocumentedLimit(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		for _, limited := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/limited=%t", m.name, limited), func(t *testing.T) {
				t.Parallel()
				// Pages of 10: more requests than the burst, in both modes.
				opts := []personiotest.Option{personiotest.WithGenerated(5, 200), personiotest.WithLatency(100 * time.Millisecond)}
				if limited {
					opts = append(opts, personiotest.WithRateLimit(300, 15))
				}
				srv := newServer(t, opts...) // outside the bubble: it listens on loopback
				want := companyIDs(srv.Company())
				synctest.Test(t, func(t *testing.T) {
					for _, run := range []string{"first", "second"} {
						tr := &inflight{rt: srv.InMemoryClient().Transport}
						cfg := srv.ClientConfig()
						cfg.HTTPClient = &http.Client{Transport: tr}
						c, err := New(cfg)
						if err != nil {
							t.Fatal(err)
						}
						srv.ResetRequests()
						var ids []string
						for u, err := range unified.Users(t.Context(), c.Directory(slices.Clone(m.opts)...), &unified.ListOptions{PageSize: 10}) {
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
						case !limited && tr.max < DefaultConcurrency:
							t.Errorf("%s sync: at most %d requests in flight, want %d with the limit lifted", run, tr.max, DefaultConcurrency)
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
}
