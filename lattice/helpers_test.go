package lattice_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// testKey is the API key of the httpmock tests; tests grep output for it.
const testKey = "lat_live_S3cr3tK3y_0123456789abcdef"

// apiBase is the default base URL the httpmock tests answer on.
const apiBase = "https://api.latticehq.com"

// recorder keeps the requests an httpmock responder saw.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) add(req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

// mockClient returns a client whose requests go to an httpmock transport, with no rate
// limit unless cfg sets one. Tests that wait (backoff, Retry-After, the rate limiter) make
// it inside a synctest bubble, where the waits take no real time.
func mockClient(t *testing.T, cfg lattice.Config) (*lattice.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	cfg.HTTPClient = &http.Client{Transport: mt}
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	if cfg.RateLimit == 0 && cfg.Limiter == nil {
		cfg.RateLimit = lattice.NoRateLimit
	}
	c, err := lattice.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mt
}

// jsonResponder answers every request with status and body, recording the request.
func jsonResponder(rec *recorder, status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		if rec != nil {
			rec.add(req)
		}
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// listJSON renders a list envelope; cursor "" renders as null.
func listJSON(hasMore bool, cursor string, items ...string) string {
	c := "null"
	if cursor != "" {
		c = `"` + cursor + `"`
	}
	more := "false"
	if hasMore {
		more = "true"
	}
	return `{"object":"list","hasMore":` + more + `,"endingCursor":` + c + `,"data":[` + strings.Join(items, ",") + `]}`
}

// userJSON renders a minimal user with the given id.
func userJSON(id string) string {
	return `{"id":"` + id + `","object":"user","url":"/v1/user/` + id + `","name":"User ` + id +
		`","email":"` + id + `@example.com","status":"ACTIVE","isAdmin":false,"manager":null,"department":null,` +
		`"directReports":{"object":"list","url":"/v1/user/` + id + `/directReports"},` +
		`"customAttributes":{"object":"list","url":"/v1/user/` + id + `/customAttributes"},"createdAt":1651584000,"updatedAt":1654125498}`
}

// fakeClient returns a client of srv with no rate limit and short backoffs.
func fakeClient(t *testing.T, srv *latticetest.Server, mod func(*lattice.Config)) *lattice.Client {
	t.Helper()
	cfg := srv.ClientConfig()
	cfg.MinWait, cfg.MaxWait = time.Millisecond, 10*time.Millisecond
	if mod != nil {
		mod(&cfg)
	}
	c, err := lattice.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// latticeIDs returns the Lattice ids of the company's people, in listing order.
func latticeIDs(c *latticetest.Company, keep func(*latticetest.Person) bool) []string {
	var out []string
	for i := range c.People {
		if keep == nil || keep(&c.People[i]) {
			out = append(out, c.People[i].LatticeID)
		}
	}
	return out
}
