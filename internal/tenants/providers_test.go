package tenants

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// seed is the seed of the fake company every tenant is served.
const seed = 1

// provider is one kind of tenant: how to capture one sync from the provider's fake, how
// to build a tenant's Directory, and the tenant's floor.
type provider struct {
	name   string
	people int // in every tenant's company

	// fake starts the provider's fake server with a company of people people and returns
	// a Directory on it whose client sends through hc(the server's transport), with the
	// fake's credentials and no rate limit (a capture need not wait); the server's URL;
	// and a function that stops the server.
	fake func(people int, hc func(http.RoundTripper) *http.Client) (d unified.Directory, url string, stop func(), err error)
	// tenant builds tenant i's Directory on the API at base over hc: a client of its own
	// with its own credentials and the client's default rate limit.
	tenant func(i int, base string, hc *http.Client) (unified.Directory, error)

	// rate and burst are the client's default rate limit (requests per second) and
	// burst, which every tenant keeps.
	rate  float64
	burst int
	// rounds is how many round trips of one sync must follow one another, for a capture
	// of requests requests.
	rounds func(requests int) int
}

// floor is the shortest time one tenant's sync can take (docs/performance.md, "The
// floor"): its chain of round trips, or, when the rate limit binds, the requests beyond
// the burst at the rate, plus the last round trip.
func (p *provider) floor(requests int, latency time.Duration) time.Duration {
	byLatency := time.Duration(p.rounds(requests)) * latency
	if requests <= p.burst {
		return byLatency
	}
	byRate := time.Duration(float64(requests-p.burst)/p.rate*float64(time.Second)) + latency
	return max(byLatency, byRate)
}

// tenantName is how tenant i's credentials are named: its Personio client ID, and part
// of its Lattice API key.
func tenantName(i int) string { return fmt.Sprintf("tenant-%d", i) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// personioV1 lists employees through the v1 API, the Directory's default: a token, the
// attribute catalog (the mapping asks only for the attributes it reads), the first page
// alone (it tells the total), then the other pages C at a time.
func personioV1(people int) provider {
	return provider{
		name:   "personio-v1",
		people: people,
		fake: func(people int, hc func(http.RoundTripper) *http.Client) (unified.Directory, string, func(), error) {
			return personioFake(people, hc)
		},
		tenant: func(i int, base string, hc *http.Client) (unified.Directory, error) {
			return personioTenant(i, base, hc)
		},
		rate:  float64(personio.DefaultRateLimit),
		burst: personio.DefaultBurst,
		rounds: func(int) int {
			pages := ceilDiv(people, personio.MaxEmployeesLimit)
			return 3 + ceilDiv(pages-1, personio.DefaultConcurrency)
		},
	}
}

// personioV2 lists persons through the v2 API: a token, then the persons chain of 50,
// with one employments request per person, C at a time, beside it.
func personioV2(people int) provider {
	return provider{
		name:   "personio-v2",
		people: people,
		fake: func(people int, hc func(http.RoundTripper) *http.Client) (unified.Directory, string, func(), error) {
			return personioFake(people, hc, personio.WithV2())
		},
		tenant: func(i int, base string, hc *http.Client) (unified.Directory, error) {
			return personioTenant(i, base, hc, personio.WithV2())
		},
		rate:  float64(personio.DefaultRateLimit),
		burst: personio.DefaultBurst,
		rounds: func(requests int) int {
			pages := ceilDiv(people, personio.MaxPersonsLimit)
			return 1 + max(pages, ceilDiv(requests-1, personio.DefaultConcurrency))
		},
	}
}

// latticeUsers lists users through the Lattice API: the chain of pages of 100, the
// departments list beside the first.
func latticeUsers(people int) provider {
	return provider{
		name:   "lattice",
		people: people,
		fake: func(people int, hc func(http.RoundTripper) *http.Client) (unified.Directory, string, func(), error) {
			srv := latticetest.NewServer(latticetest.WithGenerated(seed, people))
			c, err := lattice.New(lattice.Config{APIKey: srv.APIKey, BaseURL: srv.URL,
				HTTPClient: hc(srv.Client().Transport), Limiter: rate.NewLimiter(rate.Inf, 1)})
			if err != nil {
				srv.Close()
				return nil, "", nil, err
			}
			return c.Directory(), srv.URL, srv.Close, nil
		},
		tenant: func(i int, base string, hc *http.Client) (unified.Directory, error) {
			c, err := lattice.New(lattice.Config{APIKey: "lat_" + tenantName(i), BaseURL: base, HTTPClient: hc})
			if err != nil {
				return nil, err
			}
			return c.Directory(), nil
		},
		rate:   float64(lattice.DefaultRateLimit),
		burst:  lattice.DefaultBurst,
		rounds: func(int) int { return ceilDiv(people, lattice.MaxPageSize) },
	}
}

func personioFake(people int, hc func(http.RoundTripper) *http.Client, opts ...personio.DirectoryOption) (unified.Directory, string, func(), error) {
	srv := personiotest.NewServer(personiotest.WithGenerated(seed, people))
	c, err := personio.New(personio.Config{ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, BaseURL: srv.URL,
		HTTPClient: hc(srv.Client().Transport), Limiter: rate.NewLimiter(rate.Inf, 1)})
	if err != nil {
		srv.Close()
		return nil, "", nil, err
	}
	return c.Directory(opts...), srv.URL, srv.Close, nil
}

func personioTenant(i int, base string, hc *http.Client, opts ...personio.DirectoryOption) (unified.Directory, error) {
	c, err := personio.New(personio.Config{
		ClientID:     tenantName(i),
		ClientSecret: "secret of " + tenantName(i),
		BaseURL:      base,
		HTTPClient:   hc,
	})
	if err != nil {
		return nil, err
	}
	return c.Directory(opts...), nil
}

// captureSync lists the whole company of p's fake once, through a recorder, and returns
// what the sync asked for and got, and the users it listed. The capture's origin is the
// fake's URL: answers may name it (Personio v2's next links are absolute), and the
// tenants' clients are pointed at it, though the server is gone and nothing dials it.
func captureSync(ctx context.Context, p *provider) (*capture, []unified.User, error) {
	var rec *recorder
	d, origin, stop, err := p.fake(p.people, func(next http.RoundTripper) *http.Client {
		rec = newRecorder(next)
		return &http.Client{Transport: rec}
	})
	if err != nil {
		return nil, nil, err
	}
	defer stop()
	users, err := unified.All(ctx, d, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: capture: %w", p.name, err)
	}
	if len(users) != p.people {
		return nil, nil, fmt.Errorf("%s: capture: %d users, want %d", p.name, len(users), p.people)
	}
	c, err := rec.capture()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: capture: %w", p.name, err)
	}
	c.origin = origin
	return c, users, nil
}
