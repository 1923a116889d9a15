package tenants

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/hrisconnect/hrisconnect/unified"
)

// TestReplayServesTheFake checks the harness of BenchmarkTenants: for each provider, a
// few tenants synced at once through the replay of one captured sync list exactly the
// users the fake served (the same users in the same order, each tenant all of them),
// with exactly the captured requests (none missing, none more often, none unknown),
// each tenant's client with its own credentials. The syncs run in a synctest bubble,
// where computing takes no time: each must take its floor exactly, which checks the
// floor BenchmarkTenants divides by, and that the tenants wait for nothing of each other.
func TestReplayServesTheFake(t *testing.T) {
	t.Parallel()
	const tenants = 3
	for _, p := range []provider{personioV1(1000), personioV2(100), latticeUsers(1000)} {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c, want, err := captureSync(t.Context(), &p)
			if err != nil {
				t.Fatal(err)
			}
			floor := p.floor(c.requests(), latency)
			synctest.Test(t, func(t *testing.T) {
				rp := &replay{cap: c, latency: latency}
				creds := &credentials{next: rp, seen: map[string]bool{}}
				hc := &http.Client{Transport: creds}

				got := make([][]unified.User, tenants)
				took := make([]time.Duration, tenants)
				var g errgroup.Group
				for i := range tenants {
					g.Go(func() error {
						start := time.Now()
						d, err := p.tenant(i, c.origin, hc)
						if err != nil {
							return err
						}
						got[i], err = unified.All(t.Context(), d, nil)
						took[i] = time.Since(start)
						return err
					})
				}
				if err := g.Wait(); err != nil {
					t.Fatal(err)
				}
				for i := range tenants {
					if diff := cmp.Diff(want, got[i]); diff != "" {
						t.Errorf("tenant %d: users differ from the fake's (-fake +replay):\n%s", i, diff)
					}
					if d := took[i] - floor; d < -time.Millisecond || d > time.Millisecond {
						t.Errorf("tenant %d: the sync took %v, want its floor %v", i, took[i], floor)
					}
				}
				if err := c.servedAsCaptured(rp, tenants); err != nil {
					t.Error(err)
				}
				wantCreds := map[string]bool{}
				for i := range tenants {
					wantCreds[tenantName(i)] = true
				}
				if diff := cmp.Diff(wantCreds, creds.seen); diff != "" {
					t.Errorf("tenants whose credentials were sent (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestReplayAnswersUnknownRequests404 checks that a request the capture does not hold
// is answered 404 and counted, so that a sync that strays fails BenchmarkTenants.
func TestReplayAnswersUnknownRequests404(t *testing.T) {
	t.Parallel()
	rp := &replay{cap: &capture{answers: map[string]*answer{}}}
	resp, err := (&http.Client{Transport: rp}).Get("http://127.0.0.1:9/v1/company/employees?limit=100")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
	if err := (&capture{answers: map[string]*answer{}}).servedAsCaptured(rp, 1); err == nil {
		t.Error("servedAsCaptured: no error for a request without an answer")
	}
}

// TestRequestKeyIgnoresQueryOrder checks that two clients writing the same query in
// another order get the same answer, and that different queries do not.
func TestRequestKeyIgnoresQueryOrder(t *testing.T) {
	t.Parallel()
	key := func(method, target string) string {
		r, err := http.NewRequest(method, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		return requestKey(r)
	}
	base := key("GET", "http://h/v1/company/employees?limit=100&offset=0&attributes[]=a&attributes[]=b")
	for _, tc := range []struct {
		method, target string
		same           bool
	}{
		{"GET", "http://h/v1/company/employees?attributes[]=b&offset=0&limit=100&attributes[]=a", true},
		{"GET", "http://other/v1/company/employees?limit=100&offset=0&attributes%5B%5D=a&attributes%5B%5D=b", true},
		{"GET", "http://h/v1/company/employees?limit=100&offset=100&attributes[]=a&attributes[]=b", false},
		{"GET", "http://h/v1/company/employees?limit=100&offset=0&attributes[]=a", false},
		{"POST", "http://h/v1/company/employees?limit=100&offset=0&attributes[]=a&attributes[]=b", false},
		{"GET", "http://h/v1/company/employees/attributes?limit=100&offset=0&attributes[]=a&attributes[]=b", false},
	} {
		if got := key(tc.method, tc.target) == base; got != tc.same {
			t.Errorf("%s %s: same key as the base %v, want %v", tc.method, tc.target, got, tc.same)
		}
	}
}

// tenantRE finds a tenant's name (see tenantName) in its credentials.
var tenantRE = regexp.MustCompile(`tenant-[0-9]+`)

// credentials is an http.RoundTripper that notes which tenants' credentials the requests
// carry (a Personio client_id in a token request's form, a Lattice API key in the
// Authorization header) and sends them on.
type credentials struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen map[string]bool
}

func (c *credentials) RoundTrip(req *http.Request) (*http.Response, error) {
	found := tenantRE.FindString(req.Header.Get("Authorization"))
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if form, err := url.ParseQuery(string(b)); err == nil && form.Get("client_id") != "" {
			found = tenantRE.FindString(form.Get("client_id"))
		}
	}
	if found != "" {
		c.mu.Lock()
		c.seen[found] = true
		c.mu.Unlock()
	}
	return c.next.RoundTrip(req)
}
