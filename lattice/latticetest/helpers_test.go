package latticetest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// reply is a decoded answer of the fake.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with key (none when "") and returns the answer.
func do(t testing.TB, srv *latticetest.Server, method, key, path string, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// serve sends a GET with key (none when "") to the server's handler in memory, without
// a socket, so that it can run inside a synctest bubble.
func serve(t testing.TB, srv *latticetest.Server, key, path string) reply {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, req)
	return reply{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

func get(t testing.TB, srv *latticetest.Server, path string) reply {
	t.Helper()
	return do(t, srv, http.MethodGet, srv.APIKey, path, nil)
}

// decode unmarshals the body into v, failing the test on error.
func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorMessage returns the "error" of an error body, failing if the body is not one.
func (r reply) errorMessage(t testing.TB) string {
	t.Helper()
	var e struct {
		Error *string `json:"error"`
	}
	r.decode(t, &e)
	if e.Error == nil || *e.Error == "" {
		t.Fatalf("body %s has no error message", r.body)
	}
	return *e.Error
}

// ref is a reference stub.
type ref struct {
	Object string `json:"object"`
	ID     string `json:"id"`
	URL    string `json:"url"`
}

// user is the subset of the user JSON the tests look at, decoded independently of the
// server's own types.
type user struct {
	ID             string  `json:"id"`
	Object         string  `json:"object"`
	URL            string  `json:"url"`
	Name           *string `json:"name"`
	PreferredName  *string `json:"preferredName"`
	Email          string  `json:"email"`
	Title          *string `json:"title"`
	Status         string  `json:"status"`
	IsAdmin        bool    `json:"isAdmin"`
	ExternalUserID *string `json:"externalUserId"`
	StartDate      *string `json:"startDate"`
	BirthDate      *string `json:"birthDate"`
	Gender         *string `json:"gender"`
	Manager        *ref    `json:"manager"`
	Department     *ref    `json:"department"`
	DirectReports  ref     `json:"directReports"`
	CustomAttrs    ref     `json:"customAttributes"`
	CreatedAt      *int64  `json:"createdAt"`
	UpdatedAt      *int64  `json:"updatedAt"`
}

// list is a list envelope with raw items.
type list struct {
	Object       string            `json:"object"`
	HasMore      *bool             `json:"hasMore"`
	EndingCursor *string           `json:"endingCursor"`
	Data         []json.RawMessage `json:"data"`
}

func (r reply) list(t testing.TB) list {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	var l list
	r.decode(t, &l)
	if l.Object != "list" || l.HasMore == nil || l.Data == nil {
		t.Fatalf("not a list envelope: %s", r.body)
	}
	return l
}

// ids returns the "id" of every item of l.
func (l list) ids(t testing.TB) []string {
	t.Helper()
	out := make([]string, len(l.Data))
	for i, raw := range l.Data {
		var v struct{ ID string }
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		out[i] = v.ID
	}
	return out
}

// pageLog is the trace of a listing.
type pageLog struct {
	ids     []string // every item id, in order, duplicates kept
	pages   int
	sizes   []int
	cursors []string // endingCursor of each page ("" for null)
}

// listAll follows path (which has a query string or not) page by page with limit and
// returns every item id in order. It stops after maxPages pages and fails on errors.
func listAll(t testing.TB, srv *latticetest.Server, path string, maxPages int) pageLog {
	t.Helper()
	return listFrom(t, srv, path, "", maxPages)
}

// listFrom is listAll starting after cursor.
func listFrom(t testing.TB, srv *latticetest.Server, path, cursor string, maxPages int) pageLog {
	t.Helper()
	var lg pageLog
	for {
		p := path
		if cursor != "" {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			p += sep + "startingAfter=" + url.QueryEscape(cursor)
		}
		l := get(t, srv, p).list(t)
		lg.pages++
		lg.sizes = append(lg.sizes, len(l.Data))
		lg.ids = append(lg.ids, l.ids(t)...)
		c := ""
		if l.EndingCursor != nil {
			c = *l.EndingCursor
		}
		lg.cursors = append(lg.cursors, c)
		if !*l.HasMore || c == "" {
			return lg
		}
		if lg.pages >= maxPages {
			t.Fatalf("listing %s did not end after %d pages", path, maxPages)
		}
		cursor = c
	}
}

// latticeIDs returns the Lattice ids of the people of c with a Lattice status in
// statuses (all when none given), in the order of c.People.
func latticeIDs(c *latticetest.Company, statuses ...string) []string {
	var out []string
	for i := range c.People {
		p := &c.People[i]
		ok := len(statuses) == 0
		for _, s := range statuses {
			ok = ok || p.LatticeStatus() == s
		}
		if ok {
			out = append(out, p.LatticeID)
		}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprint("unexpected error: ", err))
	}
	return v
}

func ioReadAll(resp *http.Response) ([]byte, error) { return io.ReadAll(resp.Body) }

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// dateString returns s, or "" for a zero date (rendered as null).
func dateString(s string, zero bool) string {
	if zero {
		return ""
	}
	return s
}

// cmpEmpty makes nil and empty slices and maps equal.
var cmpEmpty = cmpopts.EquateEmpty()

func jsonValid(b []byte) bool { return json.Valid(b) }
