package personiotest

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkEmployeesPage renders one page of 100 v1 employees of a 10,000-person company
// (the body of GET /v1/company/employees?limit=100), without HTTP.
func BenchmarkEmployeesPage(b *testing.B) {
	s := NewServer(WithGenerated(1, 10000))
	defer s.Close()
	q := s.Quirks()
	buf := make([]byte, 0, 1<<20)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.mu.RLock()
		c := s.company
		rd := s.newV1Renderer(c, nil, q)
		buf = buf[:0]
		start := (i * 100) % (len(c.People) - 100)
		for k := start; k < start+100; k++ {
			buf = rd.employee(buf, &c.People[k])
		}
		s.mu.RUnlock()
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkEmployeesPageHTTP is the same page served over loopback HTTP.
func BenchmarkEmployeesPageHTTP(b *testing.B) {
	s := NewServer(WithGenerated(1, 10000))
	defer s.Close()
	tok := benchToken(b, s)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/company/employees?limit=100&offset=5000", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := s.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkPersonsPage serves GET /v2/persons?limit=50 deep inside a 100,000-person
// company over loopback HTTP.
func BenchmarkPersonsPage(b *testing.B) {
	s := NewServer(WithGenerated(1, 100000))
	defer s.Close()
	tok := newToken()
	s.tokens.mu.Lock()
	s.tokens.m[tok] = &token{kind: tokenV2, expires: s.now().Add(DefaultTokenTTL), scopes: AllScopes()}
	s.tokens.mu.Unlock()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v2/persons?limit=50&status=ACTIVE", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := s.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func benchToken(b *testing.B, s *Server) string {
	b.Helper()
	resp, err := s.Client().Post(s.URL+"/v1/auth?client_id="+s.ClientID+"&client_secret="+s.ClientSecret, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.v1Current
}
