package conformance

import (
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// companySize is the size of the fakes' company: more than one page of 100.
const companySize = 130

// target is one provider and mode.
type target string

const (
	personioV1 target = "personio-v1"
	personioV2 target = "personio-v2"
	latticeAPI target = "lattice"
)

var targets = []target{personioV1, personioV2, latticeAPI}

func (t target) personio() bool { return t != latticeAPI }

// prefix is the provider prefix of t's errors.
func (t target) prefix() string {
	if t.personio() {
		return personio.ProviderName + ": "
	}
	return lattice.ProviderName + ": "
}

// maxPage is the largest page t's API serves.
func (t target) maxPage() int {
	switch t {
	case personioV1:
		return personio.MaxEmployeesLimit
	case personioV2:
		return personio.MaxPersonsLimit
	}
	return lattice.MaxPageSize
}

// listPath is the path of t's list endpoint.
func (t target) listPath() string {
	switch t {
	case personioV1:
		return "/v1/company/employees"
	case personioV2:
		return "/v2/persons"
	}
	return "/v1/users"
}

// shared holds the Config fields both providers have, to set them once for both.
type shared struct {
	BaseURL       string
	HTTPClient    *http.Client
	UserAgent     string
	Logger        *slog.Logger
	RateLimit     float64
	Burst         int
	Limiter       *rate.Limiter
	MaxAttempts   int
	MinWait       time.Duration
	MaxWait       time.Duration
	MaxRetryAfter time.Duration
}

func (s shared) personio(c personio.Config) personio.Config {
	c.BaseURL, c.HTTPClient, c.UserAgent, c.Logger = s.BaseURL, s.HTTPClient, s.UserAgent, s.Logger
	c.RateLimit, c.Burst, c.Limiter = s.RateLimit, s.Burst, s.Limiter
	c.MaxAttempts, c.MinWait, c.MaxWait, c.MaxRetryAfter = s.MaxAttempts, s.MinWait, s.MaxWait, s.MaxRetryAfter
	return c
}

func (s shared) lattice(c lattice.Config) lattice.Config {
	c.BaseURL, c.HTTPClient, c.UserAgent, c.Logger = s.BaseURL, s.HTTPClient, s.UserAgent, s.Logger
	c.RateLimit, c.Burst, c.Limiter = s.RateLimit, s.Burst, s.Limiter
	c.MaxAttempts, c.MinWait, c.MaxWait, c.MaxRetryAfter = s.MaxAttempts, s.MinWait, s.MaxWait, s.MaxRetryAfter
	return c
}

// fake is the fake server of a target.
type fake struct {
	tgt target
	ps  *personiotest.Server
	ls  *latticetest.Server
}

func newFake(t *testing.T, tgt target) *fake { return newFakeWith(t, tgt, nil, nil) }

// newFakeWith starts the fake of tgt with extra options for the fake of its provider.
func newFakeWith(t *testing.T, tgt target, p []personiotest.Option, l []latticetest.Option) *fake {
	t.Helper()
	f := &fake{tgt: tgt}
	if tgt.personio() {
		f.ps = personiotest.NewTestServer(t, append([]personiotest.Option{personiotest.WithGenerated(5, companySize)}, p...)...)
	} else {
		f.ls = latticetest.NewTestServer(t, append([]latticetest.Option{latticetest.WithGenerated(5, companySize)}, l...)...)
	}
	return f
}

func (f *fake) inject(x fakeserver.Fault) {
	if f.ps != nil {
		f.ps.Inject(x)
		return
	}
	f.ls.Inject(x)
}

func (f *fake) requests() []fakeserver.Request {
	if f.ps != nil {
		return f.ps.Requests()
	}
	return f.ls.Requests()
}

// count counts the requests of method ("" = any) to path ("/x/*" = prefix).
func (f *fake) count(method, path string) int {
	if f.ps != nil {
		return f.ps.Count(method, path)
	}
	return f.ls.Count(method, path)
}

// anID returns the provider's id of someone in the company.
func (f *fake) anID() string {
	if f.ps != nil {
		return strconv.Itoa(f.ps.Company().People[3].ID)
	}
	return f.ls.Company().People[3].LatticeID
}

// config is the shared part of the fake's ClientConfig, with quick retries.
func (f *fake) config() shared {
	s := shared{MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}
	if f.ps != nil {
		c := f.ps.ClientConfig()
		s.BaseURL, s.HTTPClient, s.RateLimit, s.Burst = c.BaseURL, c.HTTPClient, c.RateLimit, c.Burst
	} else {
		c := f.ls.ClientConfig()
		s.BaseURL, s.HTTPClient, s.RateLimit, s.Burst = c.BaseURL, c.HTTPClient, c.RateLimit, c.Burst
	}
	return s
}

// client is what the tests need of a provider's client.
type client struct {
	limiter func() *rate.Limiter
	dir     func(opts options) unified.Directory
}

// options are the directory options of a test row, one list per provider.
type options struct {
	personio []personio.DirectoryOption
	lattice  []lattice.DirectoryOption
}

// newClient makes a client of the fake with the shared settings s (the fake's
// credentials and time zone besides).
func (f *fake) newClient(s shared) (*client, error) {
	if f.ps != nil {
		cfg := s.personio(f.ps.ClientConfig())
		c, err := personio.New(cfg)
		if err != nil {
			return nil, err
		}
		return &client{limiter: c.Limiter, dir: func(o options) unified.Directory {
			if f.tgt == personioV2 {
				o.personio = append([]personio.DirectoryOption{personio.WithV2()}, o.personio...)
			}
			return c.Directory(o.personio...)
		}}, nil
	}
	c, err := lattice.New(s.lattice(f.ls.ClientConfig()))
	if err != nil {
		return nil, err
	}
	return &client{limiter: c.Limiter, dir: func(o options) unified.Directory { return c.Directory(o.lattice...) }}, nil
}

func mustClient(t *testing.T, f *fake, s shared) *client {
	t.Helper()
	c, err := f.newClient(s)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// inflight is a RoundTripper that records the largest number of requests in flight.
type inflight struct {
	next      http.RoundTripper
	mu        sync.Mutex
	now, peak int
	agents    []string
}

func (f *inflight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.peak = max(f.peak, f.now)
	f.agents = append(f.agents, r.Header.Get("User-Agent"))
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	return f.next.RoundTrip(r)
}

func (f *inflight) max() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peak
}

// collect reads every user of seq, failing the test on an error.
func collect(t *testing.T, seq func(func(unified.User, error) bool)) []unified.User {
	t.Helper()
	var out []unified.User
	for u, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, u)
	}
	return out
}
