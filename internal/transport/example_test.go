package transport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

// bearer is a minimal Authorizer with a fixed API key.
type bearer struct{ key string }

func (b bearer) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+b.key)
	return nil
}

func (bearer) Refresh(context.Context, string) error { return nil } // a fixed key cannot be refreshed

func ExampleClient_DoJSON() {
	// A stand-in for the provider's API, on 127.0.0.1 (plain http is allowed for loopback).
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k-123" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[{"name":"Ada Lovelace"},{"name":"Grace Hopper"}],"limit":%q}`, r.URL.Query().Get("limit"))
	}))
	defer srv.Close()

	c, err := transport.New(transport.Config{
		Provider: "lattice",
		BaseURL:  srv.URL + "/v1",
		Auth:     bearer{key: "k-123"},
		Secrets:  func() []string { return []string{"k-123"} },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseIdleConnections()

	var page struct {
		Data  []struct{ Name string }
		Limit string
	}
	if _, err := c.DoJSON(context.Background(), &transport.Request{Path: "users", Query: url.Values{"limit": {"100"}}}, &page); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(page.Data[0].Name, "/", page.Data[1].Name, "/ limit", page.Limit)
	// Output: Ada Lovelace / Grace Hopper / limit 100
}

func ExampleClient_Do_errors() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-7f3a")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"If cannot find user, returns a 404"}`)
	}))
	defer srv.Close()

	c, err := transport.New(transport.Config{Provider: "lattice", BaseURL: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseIdleConnections()

	_, err = c.Do(context.Background(), &transport.Request{Path: "/v1/user/42"})
	var apiErr *unified.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(errors.Is(err, unified.ErrNotFound), apiErr.StatusCode, apiErr.RequestID)
		fmt.Println(apiErr.Message)
	}
	// Output:
	// true 404 req-7f3a
	// If cannot find user, returns a 404
}

func ExampleSanitizeURL() {
	u, _ := url.Parse("https://user:pw@api.personio.de/v1/auth?client_id=acme&client_secret=s3cr3t#top")
	fmt.Println(transport.SanitizeURL(u))
	// Output: https://api.personio.de/v1/auth?client_id=acme&client_secret=[REDACTED]
}

func ExampleClient_ResolveURL() {
	c, err := transport.New(transport.Config{Provider: "personio", BaseURL: "https://api.personio.de"})
	if err != nil {
		fmt.Println(err)
		return
	}
	next, err := c.ResolveURL("https://api.personio.de/v2/persons?cursor=cur_234")
	fmt.Println(next, err)
	_, err = c.ResolveURL("https://elsewhere.example/v2/persons")
	fmt.Println(errors.Is(err, transport.ErrForeignOrigin))
	// Output:
	// https://api.personio.de/v2/persons?cursor=cur_234 <nil>
	// true
}
