package fakes_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/fakes"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// want counts the people per department of the company the fakes serve, whom the
// provider reports as active.
func want(c *personiotest.Company, active func(p *personiotest.Person) bool) map[string]int {
	out := map[string]int{}
	for _, p := range c.People {
		if !active(&p) {
			continue
		}
		name := ""
		if d := c.Department(p.DepartmentID); d != nil {
			name = d.Name
		}
		out[name]++
	}
	return out
}

// Both fakes serve one company, each in its provider's vocabulary: Lattice knows no
// leave (people on leave are ACTIVE) and has people invited who never signed in.
func TestHeadcount(t *testing.T) {
	t.Parallel()
	company := personiotest.GenerateCompany(7, 120)
	psrv := personiotest.NewTestServer(t, personiotest.WithCompany(company))
	lsrv := latticetest.NewTestServer(t, latticetest.WithCompany(company))
	pc, err := personio.New(psrv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	lc, err := lattice.New(lsrv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	inPersonio := func(p *personiotest.Person) bool { return p.Status == unified.StatusActive }
	inLattice := func(p *personiotest.Person) bool { return p.LatticeStatus() == "ACTIVE" }
	for _, tc := range []struct {
		name   string
		dir    unified.Directory
		active func(p *personiotest.Person) bool
	}{
		{"personio v1", pc.Directory(), inPersonio},
		{"personio v2", pc.Directory(personio.WithV2()), inPersonio},
		{"lattice", lc.Directory(), inLattice},
	} {
		got, err := fakes.Headcount(context.Background(), tc.dir)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(want(company, tc.active), got); diff != "" {
			t.Errorf("%s: headcount (-want +got):\n%s", tc.name, diff)
		}
	}
}

// Faults of the API with the client's default retries: a burst the retries absorb, and
// failures that reach the code under test as typed errors, after a bounded number of
// requests.
func TestHeadcountFaults(t *testing.T) {
	t.Parallel()
	const path = "/v1/company/employees"
	tests := []struct {
		name     string
		fault    personiotest.Fault
		err      error // nil: the headcount is right
		requests int   // list requests sent
	}{
		{name: "two 503s", fault: personiotest.Fault{Path: path, Times: 2, Status: http.StatusServiceUnavailable}, requests: 3},
		{name: "two 429s", fault: personiotest.Fault{Path: path, Times: 2, Status: http.StatusTooManyRequests}, requests: 3},
		{name: "invalid JSON once", fault: personiotest.Fault{Path: path, InvalidJSON: true}, requests: 2},
		{name: "503 for good", fault: personiotest.Fault{Path: path, Times: -1, Status: http.StatusServiceUnavailable},
			err: unified.ErrUnavailable, requests: 4},
		{name: "403", fault: personiotest.Fault{Path: path, Status: http.StatusForbidden}, err: unified.ErrForbidden, requests: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := personiotest.NewTestServer(t, personiotest.WithGenerated(2, 60))
			synctest.Test(t, func(t *testing.T) {
				cfg := srv.ClientConfig()
				cfg.HTTPClient = srv.InMemoryClient()
				client, err := personio.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				srv.Inject(tc.fault)
				got, err := fakes.Headcount(context.Background(), client.Directory())
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				if tc.err == nil {
					if diff := cmp.Diff(want(srv.Company(), func(p *personiotest.Person) bool { return p.Status == unified.StatusActive }), got); diff != "" {
						t.Errorf("headcount (-want +got):\n%s", diff)
					}
				}
				if n := srv.Count(http.MethodGet, path); n != tc.requests {
					t.Errorf("%d list requests, want %d", n, tc.requests)
				}
			})
		})
	}
}
