package latticetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// bigServer starts a server on a 100,000-person company, closed when b ends.
func bigServer(b *testing.B) *Server {
	b.Helper()
	s := NewServer(WithGenerated(7, 100_000))
	b.Cleanup(s.Close)
	return s
}

// cursors returns n cursors spread over the users listing.
func benchCursors(s *Server, n int) []string {
	c := s.Company()
	out := make([]string, 0, n)
	for k := range n {
		out = append(out, c.People[(k*7919)%(len(c.People)-200)].LatticeID)
	}
	return out
}

// BenchmarkUsersPage measures one page of 100 users of a 100,000-person company at
// cursors spread over the listing: "handler" is the server's own work (no network),
// "http" a full round trip over loopback.
func BenchmarkUsersPage(b *testing.B) {
	s := bigServer(b)
	cursors := benchCursors(s, 512)
	for _, status := range []string{"NULL", "ACTIVE", "DEACTIVATED&status=INVITED"} {
		b.Run("handler/status="+status, func(b *testing.B) {
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/v1/users?limit=100&status="+status+"&startingAfter="+url.QueryEscape(cursors[k%len(cursors)]), nil)
				req.Header.Set("Authorization", "Bearer "+s.APIKey)
				w := httptest.NewRecorder()
				s.serveHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
				k++
			}
		})
	}
	b.Run("handler/sequential", func(b *testing.B) {
		// Page after page, as a client lists: each request continues from the last.
		b.ReportAllocs()
		cursor := ""
		for b.Loop() {
			target := "/v1/users?limit=100&status=NULL"
			if cursor != "" {
				target += "&startingAfter=" + cursor
			}
			req := httptest.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("Authorization", "Bearer "+s.APIKey)
			w := httptest.NewRecorder()
			s.serveHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var env struct{ EndingCursor *string }
			// Only the head of the body is needed; the cursor precedes the data.
			head := w.Body.Bytes()
			if i := bytes.Index(head, []byte(`,"data"`)); i > 0 {
				head = append(head[:i:i], '}')
			}
			if err := json.Unmarshal(head, &env); err != nil {
				b.Fatal(err)
			}
			cursor = ""
			if env.EndingCursor != nil {
				cursor = *env.EndingCursor
			}
		}
	})
	b.Run("http/status=NULL", func(b *testing.B) {
		b.ReportAllocs()
		client := s.Client()
		k := 0
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/users?limit=100&status=NULL&startingAfter="+url.QueryEscape(cursors[k%len(cursors)]), nil)
			req.Header.Set("Authorization", "Bearer "+s.APIKey)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
			k++
		}
	})
}

// BenchmarkNewServer measures starting a server on a generated company of 100,000 people
// (generation included).
func BenchmarkNewServer(b *testing.B) {
	for b.Loop() {
		NewServer(WithGenerated(7, 100_000)).Close()
	}
}

// BenchmarkMutate measures a Mutate (a re-index) of a 100,000-person company.
func BenchmarkMutate(b *testing.B) {
	s := bigServer(b)
	for b.Loop() {
		s.Mutate(func(c *Company) { c.People[0].Position += "" })
	}
}
