package personiotest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request to s and reads the whole response.
func call(t testing.TB, s *personiotest.Server, method, path string, hdr http.Header, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = s.URL + path
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func bearerHeader(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

// v1Token authenticates against /v1/auth with query parameters.
func v1Token(t testing.TB, s *personiotest.Server) string {
	t.Helper()
	q := url.Values{"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	r := call(t, s, http.MethodPost, "/v1/auth?"+q.Encode(), nil, "")
	if r.status != http.StatusOK {
		t.Fatalf("POST /v1/auth: %d %s", r.status, r.body)
	}
	var out struct {
		Success bool
		Data    struct{ Token string }
	}
	mustDecode(t, r, &out)
	if !out.Success || !strings.HasPrefix(out.Data.Token, "papi-") {
		t.Fatalf("POST /v1/auth: unexpected body %s", r.body)
	}
	return out.Data.Token
}

// v2Token gets an access token; scope "" asks for every scope of the credential.
func v2Token(t testing.TB, s *personiotest.Server, scope string) string {
	t.Helper()
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	if scope != "" {
		f.Set("scope", scope)
	}
	r := call(t, s, http.MethodPost, "/v2/auth/token", formHeader, f.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("POST /v2/auth/token: %d %s", r.status, r.body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	mustDecode(t, r, &out)
	return out.AccessToken
}

func get(t testing.TB, s *personiotest.Server, tok, path string) response {
	t.Helper()
	return call(t, s, http.MethodGet, path, bearerHeader(tok), "")
}

func mustDecode(t testing.TB, r response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %q: %v", clip(r.body), err)
	}
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// v1Attr is one attribute of a v1 employee.
type v1Attr struct {
	Label       string          `json:"label"`
	Value       json.RawMessage `json:"value"`
	Type        string          `json:"type"`
	UniversalID *string         `json:"universal_id"`
	Currency    string          `json:"currency"`
}

type v1Employee struct {
	Type       string            `json:"type"`
	Attributes map[string]v1Attr `json:"attributes"`
}

// id returns the employee's id attribute (a number, or a string under StringNumbers).
func (e v1Employee) id(t testing.TB) int {
	t.Helper()
	raw := e.Attributes["id"].Value
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		return n
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	t.Fatalf("employee id %s is not a number", raw)
	return 0
}

// str returns a string attribute value ("" for null).
func (e v1Employee) str(t testing.TB, key string) string {
	t.Helper()
	a, ok := e.Attributes[key]
	if !ok {
		t.Fatalf("attribute %q missing", key)
	}
	var s *string
	if err := json.Unmarshal(a.Value, &s); err != nil {
		t.Fatalf("attribute %q: %s is not a string: %v", key, a.Value, err)
	}
	if s == nil {
		return ""
	}
	return *s
}

type v1List struct {
	Success  bool `json:"success"`
	Metadata struct {
		TotalElements int `json:"total_elements"`
		CurrentPage   int `json:"current_page"`
		TotalPages    int `json:"total_pages"`
	} `json:"metadata"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
	Data   []v1Employee `json:"data"`
}

func (l v1List) ids(t testing.TB) []int {
	t.Helper()
	out := make([]int, len(l.Data))
	for i, e := range l.Data {
		out[i] = e.id(t)
	}
	return out
}

// v1Page fetches one page of v1 employees.
func v1Page(t testing.TB, s *personiotest.Server, tok, query string) v1List {
	t.Helper()
	r := get(t, s, tok, "/v1/company/employees?"+query)
	if r.status != http.StatusOK {
		t.Fatalf("GET employees?%s: %d %s", query, r.status, clip(r.body))
	}
	var l v1List
	mustDecode(t, r, &l)
	return l
}

type v2Links struct {
	Self *struct {
		Href string `json:"href"`
	} `json:"self"`
	Next *struct {
		Href string `json:"href"`
	} `json:"next"`
}

type v2Page[T any] struct {
	Data []T `json:"_data"`
	Meta struct {
		Links v2Links `json:"links"`
	} `json:"_meta"`
}

func (p v2Page[T]) next() string {
	if p.Meta.Links.Next == nil {
		return ""
	}
	return p.Meta.Links.Next.Href
}

type v2Custom struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Value    json.RawMessage `json:"value"`
	GlobalID *string         `json:"global_id"`
	Label    string          `json:"label"`
}

type v2Person struct {
	ID               string     `json:"id"`
	Email            string     `json:"email"`
	FirstName        string     `json:"first_name"`
	LastName         string     `json:"last_name"`
	PreferredName    string     `json:"preferred_name"`
	Gender           string     `json:"gender"`
	Status           string     `json:"status"`
	CreatedAt        string     `json:"created_at"`
	UpdatedAt        string     `json:"updated_at"`
	CustomAttributes []v2Custom `json:"custom_attributes"`
	Employments      []struct {
		ID string `json:"id"`
	} `json:"employments"`
}

type v2Problem struct {
	TraceID   string `json:"personio_trace_id"`
	Timestamp string `json:"timestamp"`
	Errors    []struct {
		Title  string         `json:"title"`
		Detail string         `json:"detail"`
		Type   string         `json:"type"`
		Meta   map[string]any `json:"_meta"`
	} `json:"errors"`
}

// problem decodes a v2 problem+json error and checks its envelope.
func problem(t testing.TB, r response, status int) v2Problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, clip(r.body))
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	var p v2Problem
	mustDecode(t, r, &p)
	if p.TraceID == "" || p.Timestamp == "" || len(p.Errors) != 1 || p.Errors[0].Meta == nil {
		t.Fatalf("malformed problem: %s", r.body)
	}
	return p
}

// v2All follows a v2 listing from path through its next links (verbatim, resolved
// against the server's URL when relative) and returns every record and the number of
// pages. It fails after maxPages pages.
func v2All[T any](t testing.TB, s *personiotest.Server, tok, path string, maxPages int) ([]T, int) {
	t.Helper()
	var all []T
	href := path
	for pages := 1; ; pages++ {
		if pages > maxPages {
			t.Fatalf("listing %s did not end after %d pages", path, maxPages)
		}
		r := get(t, s, tok, href)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", href, r.status, clip(r.body))
		}
		var p v2Page[T]
		mustDecode(t, r, &p)
		all = append(all, p.Data...)
		if href = p.next(); href == "" {
			return all, pages
		}
	}
}

func personIDs(ps []v2Person) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// companyIDs returns the ids of people matching keep (all when nil), as strings.
func companyIDs(c *personiotest.Company, keep func(*personiotest.Person) bool) []string {
	var out []string
	for i := range c.People {
		if keep == nil || keep(&c.People[i]) {
			out = append(out, strconv.Itoa(c.People[i].ID))
		}
	}
	return out
}

func intIDs(c *personiotest.Company) []int {
	out := make([]int, len(c.People))
	for i := range c.People {
		out[i] = c.People[i].ID
	}
	return out
}

// dedupe returns the distinct values of s in order of first appearance and how many
// repeats were dropped.
func dedupe[T comparable](s []T) ([]T, int) {
	seen := make(map[T]bool, len(s))
	var out []T
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, len(s) - len(out)
}

func sortedCopy[T interface{ ~int | ~string }](s []T) []T {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
