package personiotest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkEmployeesPage serves one page of 100 v1 employees of a 10,000-person company
// (GET /v1/company/employees?limit=100) in memory, without a socket.
func BenchmarkEmployeesPage(b *testing.B) {
	s := NewServer(WithGenerated(1, 10000))
	defer s.Close()
	tok := benchToken(b, s)
	h := s.Handler()
	b.ReportAllocs()
	var n int
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodGet, "/v1/company/employees?limit=100&offset="+strconv.Itoa(i*100%9900), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		n = w.Body.Len()
	}
	b.SetBytes(int64(n))
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
