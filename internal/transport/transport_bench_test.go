package transport

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/time/rate"
)

// benchPage is a page of 50 small records, about the size of a directory page.
var benchPage = func() string {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","email":"user%d@example.com","name":"User %d","status":"ACTIVE"}`, i, i, i)
	}
	b.WriteString(`],"hasMore":true,"endingCursor":"c-50"}`)
	return b.String()
}()

type benchRecord struct {
	Data []struct {
		ID, Email, Name, Status string
	}
	HasMore      bool
	EndingCursor string
}

func newBenchClient(b *testing.B, rt http.RoundTripper, base string) *Client {
	b.Helper()
	c, err := New(Config{
		Provider:   "bench",
		BaseURL:    base,
		HTTPClient: &http.Client{Transport: rt},
		RateLimit:  rate.Inf,
		Auth:       &fakeAuth{token: "tok"},
		Secrets:    func() []string { return []string{"tok"} },
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkDoJSON measures the stack's own overhead over an in-memory transport.
func BenchmarkDoJSON(b *testing.B) {
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return newResponse(req, 200, benchPage, "X-RateLimit-Limit", "1000", "X-RateLimit-Remaining", "900", "X-RateLimit-Reset", "60"), nil
	})
	c := newBenchClient(b, rt, testBase)
	req := &Request{Path: "/v1/users", Query: url.Values{"limit": {"50"}}}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v benchRecord
			if _, err := c.DoJSON(b.Context(), req, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				var v benchRecord
				if _, err := c.DoJSON(b.Context(), req, &v); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkDo measures the stack's overhead alone: an in-memory transport, a tiny body
// read by the caller.
func BenchmarkDo(b *testing.B) {
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return newResponse(req, 200, `{}`), nil
	})
	c := newBenchClient(b, rt, testBase)
	req := &Request{Path: "/v1/me"}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Do(b.Context(), req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkDoJSONLoopback sends real requests to an httptest server on 127.0.0.1.
func BenchmarkDoJSONLoopback(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, benchPage)
	}))
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := newBenchClient(b, tr, srv.URL)
	req := &Request{Path: "/v1/users"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var v benchRecord
			if _, err := c.DoJSON(b.Context(), req, &v); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkRedact(b *testing.B) {
	c := newBenchClient(b, http.DefaultTransport, testBase)
	msg := `test: GET https://api.example.com/v1/users?limit=50: 400 Bad Request: {"error":"bad token tok","auth":"Bearer abc.def"}`
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Redact(msg)
	}
}

func BenchmarkSanitizeURL(b *testing.B) {
	u, _ := url.Parse("https://user:pw@api.example.com/v1/auth?client_id=acme&client_secret=s3cr3t&limit=50&cursor=abc")
	b.ReportAllocs()
	for b.Loop() {
		_ = SanitizeURL(u)
	}
}
