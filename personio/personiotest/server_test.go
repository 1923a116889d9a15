package personiotest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	for _, retryAfter := range []bool{false, true} {
		clk := newClock()
		opts := []personiotest.Option{personiotest.WithGenerated(1, 5), personiotest.WithClock(clk.Now),
			personiotest.WithRateLimit(60, 2)}
		if retryAfter {
			opts = append(opts, personiotest.WithRateLimitRetryAfter())
		}
		s := personiotest.NewTestServer(t, opts...)
		v1, v2 := v1Token(t, s), v2Token(t, s, "")
		var codes []int
		for range 3 {
			codes = append(codes, get(t, s, v1, "/v1/company/employees").status)
		}
		r := get(t, s, v1, "/v1/company/employees/10001")
		codes = append(codes, r.status)
		if diff := cmp.Diff([]int{200, 200, 429, 429}, codes); diff != "" {
			t.Errorf("v1 statuses (-want +got):\n%s", diff)
		}
		if want := `{"success":false,"error":{"code":429,"message":"Too Many Requests"}}`; string(r.body) != want {
			t.Errorf("v1 429 body %s", r.body)
		}
		if got := r.header.Get("Retry-After"); (got != "") != retryAfter || (retryAfter && got != "1") {
			t.Errorf("Retry-After %q with retryAfter=%v", got, retryAfter)
		}
		// Other endpoints are not limited.
		if r := get(t, s, v2, "/v2/legal-entities"); r.status != 200 {
			t.Errorf("legal entities: %d", r.status)
		}
		// v2 persons have their own bucket and a problem+json 429.
		get(t, s, v2, "/v2/persons")
		get(t, s, v2, "/v2/persons")
		problem(t, get(t, s, v2, "/v2/persons"), http.StatusTooManyRequests)
		// One request per second comes back.
		clk.Advance(time.Second)
		if r := get(t, s, v1, "/v1/company/employees"); r.status != 200 {
			t.Errorf("after a second: %d", r.status)
		}
		if n := s.Count("GET", "/v1/company/employees*"); n != 5 {
			t.Errorf("recorded %d v1 requests (429s included), want 5", n)
		}
	}
}

func TestAuthRateLimit(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithAuthRateLimit(2))
	q := url.Values{"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	var codes []int
	for range 3 {
		codes = append(codes, call(t, s, http.MethodPost, "/v1/auth?"+q.Encode(), nil, "").status)
	}
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	var last response
	for range 3 {
		last = call(t, s, http.MethodPost, "/v2/auth/token", formHeader, f.Encode())
		codes = append(codes, last.status)
	}
	if diff := cmp.Diff([]int{200, 200, 429, 200, 200, 429}, codes); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	var e struct {
		Error string `json:"error"`
	}
	mustDecode(t, last, &e)
	if e.Error != "temporarily_unavailable" {
		t.Errorf("v2 token 429 body %s", last.body)
	}
}

func TestRequestsAndCount(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	tok := v1Token(t, s)
	get(t, s, tok, "/v1/company/employees?limit=2&offset=4")
	get(t, s, tok, "/v1/company/employees/10001")
	get(t, s, tok, "/v1/company/employees/1")
	get(t, s, "", "/v1/company/employees")
	tests := []struct {
		method, path string
		want         int
	}{
		{"POST", "/v1/auth", 1},
		{"GET", "/v1/company/employees", 2},
		{"GET", "/v1/company/employees*", 4},
		{"", "*", 5},
		{"", "", 5},
		{"POST", "/v1/company/employees*", 0},
	}
	for _, tt := range tests {
		if got := s.Count(tt.method, tt.path); got != tt.want {
			t.Errorf("Count(%q, %q) = %d, want %d", tt.method, tt.path, got, tt.want)
		}
	}
	reqs := s.Requests()
	var got []string
	for _, r := range reqs {
		got = append(got, r.Method+" "+r.Path+" "+strconv.Itoa(r.Status))
	}
	want := []string{"POST /v1/auth 200", "GET /v1/company/employees 200", "GET /v1/company/employees/10001 200",
		"GET /v1/company/employees/1 404", "GET /v1/company/employees 401"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if q := reqs[1].Query; q.Get("limit") != "2" || q.Get("offset") != "4" {
		t.Errorf("recorded query %v", q)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 || s.Count("", "*") != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestInjectFaults(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	tok, v2tok := v1Token(t, s), v2Token(t, s, "")
	s.Inject(personiotest.Fault{Name: "gateway", Path: "/v1/company/employees", Times: 2, Status: http.StatusBadGateway,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html><body>502 Bad Gateway</body></html>"})
	s.Inject(personiotest.Fault{Name: "broken", Path: "/v2/persons*", InvalidJSON: true, Times: -1})
	var codes []int
	for range 3 {
		codes = append(codes, get(t, s, tok, "/v1/company/employees").status)
	}
	if diff := cmp.Diff([]int{502, 502, 200}, codes); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	v2 := get(t, s, v2tok, "/v2/persons")
	if json.Valid(v2.body) {
		t.Errorf("InvalidJSON fault produced valid JSON: %s", clip(v2.body))
	}
	var faults []string
	for _, r := range s.Requests() {
		faults = append(faults, r.Fault)
	}
	if diff := cmp.Diff([]string{"", "", "gateway", "gateway", "", "broken"}, faults); diff != "" {
		t.Errorf("recorded faults (-want +got):\n%s", diff)
	}
	s.ClearFaults()
	if r := get(t, s, v2tok, "/v2/persons"); r.status != 200 || !json.Valid(r.body) {
		t.Errorf("after ClearFaults: %d", r.status)
	}
}

func TestRoutesAndMethods(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5))
	v1, v2 := v1Token(t, s), v2Token(t, s, "")
	tests := []struct {
		method, path, tok string
		status            int
		allow             string
	}{
		{"GET", "/", "", 404, ""},
		{"GET", "/v3/persons", "", 404, ""},
		{"GET", "/v1/company/attendances", v1, 404, ""},
		{"GET", "/v1/company/employees/10001/absences", v1, 404, ""},
		{"GET", "/v1/company/employees/10001/profile-picture/75/large", v1, 404, ""},
		{"POST", "/v1/company/employees/10001/profile-picture/75", v1, 405, "GET"},
		{"GET", "/v2/employments", v2, 404, ""},
		{"GET", "/v1/company/employees/", v1, 404, ""},
		{"GET", "/v2/persons/", v2, 404, ""},
		{"GET", "/v2/workplaces", v2, 404, ""},
		{"GET", "/v2/persons/10001/absences", v2, 404, ""},
		{"POST", "/v1/company/employees", v1, 405, "GET"},
		{"DELETE", "/v1/company/employees/10001", v1, 405, "GET"},
		{"PUT", "/v2/persons", v2, 405, "GET"},
		{"GET", "/v2/auth/token", "", 405, "POST"},
		{"PATCH", "/v2/legal-entities/1", v2, 405, "GET"},
	}
	for _, tt := range tests {
		var hdr http.Header
		if tt.tok != "" {
			hdr = bearerHeader(tt.tok)
		}
		r := call(t, s, tt.method, tt.path, hdr, "")
		if r.status != tt.status || r.header.Get("Allow") != tt.allow || !json.Valid(r.body) {
			t.Errorf("%s %s: %d Allow=%q %s; want %d Allow=%q with a JSON body",
				tt.method, tt.path, r.status, r.header.Get("Allow"), r.body, tt.status, tt.allow)
		}
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithTLS())
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %q", s.URL)
	}
	tok := v2Token(t, s, "")
	var p v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?limit=2"), &p)
	if !strings.HasPrefix(p.next(), "https://127.0.0.1:") {
		t.Errorf("next link %q does not use the TLS URL", p.next())
	}
}

// The latency is waited on a Go timer, so the server called in memory inside a synctest
// bubble answers after exactly the latency of the bubble's clock.
func TestLatency(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 2), personiotest.WithLatency(40*time.Millisecond))
	synctest.Test(t, func(t *testing.T) {
		for _, path := range []string{"/v1/company/employees", "/v2/persons", "/nowhere"} {
			start := time.Now()
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
			if el := time.Since(start); el != 40*time.Millisecond || w.Code/100 != 4 {
				t.Errorf("%s: %d after %v, want a 4xx after the 40ms latency", path, w.Code, el)
			}
		}
	})
	if n := s.Count("", "*"); n != 3 {
		t.Errorf("Count = %d, want the 3 in-memory requests", n)
	}
}

// WithDocumentedRateLimits: 300 a minute in bursts of 15 on the employee list, 60 a
// minute on /v1/auth, 150 on /v2/auth/token, the employee list's limit on v2 persons. The
// buckets belong to the server: a second client finds them as the first left them.
func TestDocumentedRateLimits(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithClock(clk.Now),
		personiotest.WithDocumentedRateLimits())
	v1, v2 := v1Token(t, s), v2Token(t, s, "")
	// count sends n requests with c and returns how many got through; every refusal
	// must be a 429 without Retry-After.
	count := func(c *http.Client, n int, method, path string, hdr http.Header, body string) int {
		t.Helper()
		ok := 0
		for range n {
			req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range hdr {
				req.Header[k] = v
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK:
				ok++
			case resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "":
				t.Fatalf("%s %s: %d, Retry-After %q", method, path, resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		}
		return ok
	}
	first, second := s.Client(), &http.Client{Transport: &http.Transport{}}
	defer second.CloseIdleConnections()
	employees := func(c *http.Client, n int) int {
		return count(c, n, http.MethodGet, "/v1/company/employees?limit=1", bearerHeader(v1), "")
	}
	persons := func(c *http.Client, n int) int {
		return count(c, n, http.MethodGet, "/v2/persons?limit=1", bearerHeader(v2), "")
	}
	auth := url.Values{"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}.Encode()
	token := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}.Encode()
	var got []int
	got = append(got, employees(first, 20), employees(second, 1)) // a burst of 15, then nothing for anyone
	got = append(got, persons(second, 20))                        // its own bucket
	clk.Advance(199 * time.Millisecond)
	got = append(got, employees(second, 1))
	clk.Advance(time.Millisecond)
	got = append(got, employees(second, 2)) // one every 200ms
	clk.Advance(time.Second)
	got = append(got, employees(first, 10))                                         // five a second
	got = append(got, count(first, 61, http.MethodPost, "/v1/auth?"+auth, nil, "")) // v1Token's token came back
	got = append(got, count(first, 151, http.MethodPost, "/v2/auth/token", formHeader, token))
	if diff := cmp.Diff([]int{15, 0, 15, 0, 1, 5, 60, 150}, got); diff != "" {
		t.Errorf("requests through (-want +got):\n%s", diff)
	}
	// A second later one /v1/auth token has come back.
	clk.Advance(time.Second)
	if n := count(second, 2, http.MethodPost, "/v1/auth?"+auth, nil, ""); n != 1 {
		t.Errorf("/v1/auth a second later: %d through, want 1", n)
	}
	if n, want := s.RateLimited(), 5+1+5+1+1+5+1+1+1; n != want {
		t.Errorf("RateLimited = %d, want %d", n, want)
	}
	// Other endpoints are not limited.
	if n := count(first, 20, http.MethodGet, "/v2/legal-entities", bearerHeader(v2), ""); n != 20 {
		t.Errorf("legal entities: %d of 20 through", n)
	}
}

func TestCompanyCopies(t *testing.T) {
	t.Parallel()
	orig := personiotest.GenerateCompany(2, 10)
	s := personiotest.NewTestServer(t, personiotest.WithCompany(orig))
	first := orig.People[0].FirstName
	orig.People[0].FirstName = "Changed"
	c := s.Company()
	if c.People[0].FirstName != first {
		t.Fatal("WithCompany did not copy the company")
	}
	c.People[0].FirstName = "Changed again"
	c.People = c.People[:1]
	if got := s.Company(); got.People[0].FirstName != first || len(got.People) != 10 {
		t.Fatal("Company() returned the served company, not a copy")
	}
	s.Mutate(func(c *personiotest.Company) { c.People[0].FirstName = "Mutated" })
	tok := v1Token(t, s)
	if got := v1Page(t, s, tok, "limit=1").Data[0].str(t, "first_name"); got != "Mutated" {
		t.Errorf("after Mutate the server renders %q", got)
	}
	if got := personiotest.GenerateCompany(2, 10); !cmp.Equal(got.People[0].ID, orig.People[0].ID) {
		t.Error("GenerateCompany is not deterministic")
	}
}

// TestConcurrentUse runs listings of both APIs while the company changes; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 300))
	v1, v2 := v1Token(t, s), v2Token(t, s, "")
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				var r response
				switch (g + i) % 3 {
				case 0:
					r = get(t, s, v1, "/v1/company/employees?limit=100&offset="+strconv.Itoa(i*50))
				case 1:
					r = get(t, s, v2, "/v2/persons?limit=50")
				default:
					r = get(t, s, v2, "/v2/persons/10001/employments")
				}
				if r.status != http.StatusOK || !json.Valid(r.body) {
					errs <- strconv.Itoa(r.status) + " " + clip(r.body)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			s.Mutate(func(c *personiotest.Company) {
				p := c.People[len(c.People)-1]
				p.ID += 1 + i
				c.People = append(c.People, p)
			})
			s.SetQuirks(personiotest.Quirks{StringNumbers: i%2 == 0})
			_ = s.Company()
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestConnectionFaults(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 30))
	tok := v1Token(t, s)
	tests := []struct {
		name  string
		fault personiotest.Fault
	}{
		{"truncated", personiotest.Fault{TruncateAfter: 100}},
		{"reset mid-body", personiotest.Fault{ResetAfter: 200}},
		// net/http retries a GET once when a reused connection dies before the first
		// response byte, so the fault must apply twice to reach the caller.
		{"reset before headers", personiotest.Fault{ResetBeforeHeaders: true, Times: 2}},
	}
	for _, tt := range tests {
		f := tt.fault
		f.Name, f.Path = tt.name, "/v1/company/employees"
		s.Inject(f)
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/company/employees", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := s.Client().Do(req)
		if err == nil {
			var body []byte
			body, err = readAll(resp)
			if err == nil {
				t.Errorf("%s: read %d bytes without an error", tt.name, len(body))
			}
		}
		// The next request is served normally.
		if r := get(t, s, tok, "/v1/company/employees"); r.status != 200 || !json.Valid(r.body) {
			t.Errorf("%s: the following request got %d", tt.name, r.status)
		}
	}
}

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			if errors.Is(err, io.EOF) {
				return []byte(b.String()), nil
			}
			return []byte(b.String()), err
		}
	}
}

// TestCountSeesLargeResponses: a request is recorded before its (large) response
// reaches the client, so Count right after a call includes it.
func TestCountSeesLargeResponses(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 100))
	tok := v1Token(t, s)
	for i := 1; i <= 25; i++ {
		if r := get(t, s, tok, "/v1/company/employees?limit=100"); len(r.body) < 100_000 {
			t.Fatalf("response of %d bytes is too small to test streaming", len(r.body))
		}
		if n := s.Count(http.MethodGet, "/v1/company/employees"); n != i {
			t.Fatalf("after %d calls Count = %d", i, n)
		}
	}
}
