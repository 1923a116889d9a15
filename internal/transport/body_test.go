package transport

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/jarcoal/httpmock"
)

// TestBodyCloseAccounting counts the response bodies the transport receives and checks
// that every one is closed: across retries, after exhausted retries, on errors, redirects
// and refreshes, for Do and DoJSON, and when the call is cancelled.
func TestBodyCloseAccounting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		json       bool
		maxBody    int64
		auth       bool
		responders map[string]httpmock.Responder
		cancel     bool // cancel the call while it waits for a retry
		wantBodies int64
	}{
		{name: "Do success after retries", responders: map[string]httpmock.Responder{
			"/x": sequence(respond(503, "unavailable"), respond(502, "<html/>"), respond(200, `{"a":1}`))}, wantBodies: 3},
		{name: "Do exhausted retries", responders: map[string]httpmock.Responder{"/x": respond(503, `{"error":"down"}`)}, wantBodies: 4},
		{name: "DoJSON exhausted 429", json: true, responders: map[string]httpmock.Responder{"/x": respond(429, `{"error":"slow"}`)}, wantBodies: 4},
		{name: "Do 404", responders: map[string]httpmock.Responder{"/x": respond(404, `{"error":"gone"}`)}, wantBodies: 1},
		{name: "DoJSON success", json: true, responders: map[string]httpmock.Responder{"/x": respond(200, `{"a":1}`)}, wantBodies: 1},
		{name: "DoJSON not JSON", json: true, responders: map[string]httpmock.Responder{"/x": respond(200, `{"a":`)}, wantBodies: DefaultMaxAttempts},
		{name: "DoJSON cut body", json: true, responders: map[string]httpmock.Responder{"/x": cutBody(`{"a":`)}, wantBodies: DefaultMaxAttempts},
		{name: "DoJSON wrong shape", json: true, responders: map[string]httpmock.Responder{"/x": respond(200, `[1]`)}, wantBodies: 1},
		{name: "DoJSON over the size cap", json: true, maxBody: 4, responders: map[string]httpmock.Responder{"/x": unknownLength(respond(200, `{"a":1}`))}, wantBodies: 1},
		{name: "Do over the size cap by Content-Length", maxBody: 4, responders: map[string]httpmock.Responder{"/x": respond(200, `{"a":1}`)}, wantBodies: 1},
		{name: "refused redirect", responders: map[string]httpmock.Responder{"/x": respond(302, "moved", "Location", "https://evil.example/")}, wantBodies: 1},
		{name: "same-origin redirect", json: true, responders: map[string]httpmock.Responder{
			"/x": respond(301, "moved", "Location", "/y"), "/y": respond(200, `{}`)}, wantBodies: 2},
		{name: "refresh after 401", auth: true, responders: map[string]httpmock.Responder{
			"/x": sequence(respond(401, `{"error":"expired"}`), respond(200, `{}`))}, wantBodies: 2},
		{name: "Retry-After above the maximum", responders: map[string]httpmock.Responder{"/x": respond(429, "", "Retry-After", "86400")}, wantBodies: 1},
		{name: "cancelled during backoff", cancel: true, responders: map[string]httpmock.Responder{"/x": respond(503, "x")}, wantBodies: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				mt := httpmock.NewMockTransport()
				for p, r := range tt.responders {
					mt.RegisterResponder("GET", testBase+p, r)
				}
				counter := &bodyCounter{next: mt}
				cfg := Config{HTTPClient: &http.Client{Transport: counter}, MaxBodyBytes: tt.maxBody}
				if tt.auth {
					cfg.Auth = &fakeAuth{token: "a", next: "b"}
				}
				c, _, _ := newMockClient(t, cfg)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				done := make(chan struct{})
				go func() {
					defer close(done)
					if tt.json {
						var v any
						_, _ = c.DoJSON(ctx, &Request{Path: "/x"}, &v)
					} else if resp, err := c.Do(ctx, &Request{Path: "/x"}); err == nil {
						resp.Body.Close()
					}
				}()
				if tt.cancel {
					synctest.Wait()
					cancel()
				}
				<-done
				opened, closed := counter.opened.Load(), counter.closed.Load()
				if opened != tt.wantBodies || closed != opened {
					t.Errorf("bodies opened %d, closed %d; want %d opened, all closed", opened, closed, tt.wantBodies)
				}
			})
		})
	}
}

// unknownLength hides the body length, as a chunked response does.
func unknownLength(r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp, err := r(req)
		if resp != nil {
			resp.ContentLength = -1
		}
		return resp, err
	}
}
