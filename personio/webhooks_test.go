package personio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/unified"
)

const (
	whBase      = "https://api.personio.de"
	whID        = "533e7206-f4a3-11ed-9c8b-436fad0b82d1"
	whToken     = "whk-Token-Secret-0123456789"
	whHeaderVal = "whk-Header-Secret-abcdef"
)

// whRequest is a request the fake webhook API received.
type whRequest struct {
	method, path string
	query        url.Values
	body         string
	token        string // the bearer token sent
}

// whAPI is a scope-checking fake of the webhook management API on an httpmock
// transport. Its token endpoint issues a token that names the scopes asked for; a request
// whose token lacks the scope its route needs is answered 403 "Insufficient access
// scope", as Personio does.
type whAPI struct {
	mu       sync.Mutex
	requests []whRequest
	scopes   []string // the scope parameter of each token request
	// answer answers a request that passed the scope check.
	answer func(r whRequest) (int, string)
}

// whRouteScope is the scope Personio documents for each route.
func whRouteScope(method, path string) string {
	if method == http.MethodGet {
		return ScopeWebhooksRead
	}
	return ScopeWebhooksWrite
}

func (a *whAPI) install(mt *httpmock.MockTransport) {
	mt.RegisterResponder(http.MethodPost, whBase+"/v2/auth/token", func(req *http.Request) (*http.Response, error) {
		_ = req.ParseForm()
		scope := req.PostForm.Get("scope")
		a.mu.Lock()
		a.scopes = append(a.scopes, scope)
		a.mu.Unlock()
		body, _ := json.Marshal(map[string]any{"access_token": "tok-" + strings.ReplaceAll(scope, " ", "+"), "token_type": "Bearer", "expires_in": 3600})
		return whResponse(req, 200, string(body)), nil
	})
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		r := whRequest{method: req.Method, path: req.URL.Path, query: req.URL.Query(), body: string(body),
			token: strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")}
		a.mu.Lock()
		a.requests = append(a.requests, r)
		a.mu.Unlock()
		granted := strings.Split(strings.TrimPrefix(r.token, "tok-"), "+")
		if need := whRouteScope(r.method, r.path); r.token != "tok-" && !whContains(granted, need) {
			return whResponse(req, 403, `{"personio_trace_id":"trace-403","errors":[{"title":"Insufficient access scope","detail":"Client scope insufficient to access resource","type":"https://developer.personio.de/v2.0/page/public-api-error-codes#commonforbidden"}]}`), nil
		}
		status, out := a.answer(r)
		return whResponse(req, status, out), nil
	})
}

func whContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (a *whAPI) got() []whRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]whRequest(nil), a.requests...)
}

func whResponse(req *http.Request, status int, body string) *http.Response {
	h := http.Header{}
	if body != "" {
		h.Set("Content-Type", "application/json")
		if status >= 400 {
			h.Set("Content-Type", "application/problem+json")
		}
	}
	return &http.Response{
		Status: strconv.Itoa(status) + " " + http.StatusText(status), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}

// newWebhookClient returns a client of a fresh whAPI asking for scopes; attempts is
// Config.MaxAttempts.
func newWebhookClient(t *testing.T, scopes []string, attempts int, answer func(whRequest) (int, string)) (*Client, *whAPI) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	api := &whAPI{answer: answer}
	api.install(mt)
	c, err := New(Config{
		ClientID: "wh-client", ClientSecret: "wh-client-secret",
		HTTPClient: &http.Client{Transport: mt}, RateLimit: NoRateLimit,
		MaxAttempts: attempts, Scopes: scopes,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

const webhookJSONText = `{"id":"` + whID + `","url":"https://hooks.example.com/personio","description":"provisioning",` +
	`"status":"ENABLED","auth_type":"TOKEN","enabled_events":["person.created","employment.updated"]}`

var wantWebhook = Webhook{
	ID: whID, URL: "https://hooks.example.com/personio", Description: "provisioning",
	Status: WebhookEnabled, AuthType: WebhookAuthToken, EnabledEvents: []string{"person.created", "employment.updated"},
}

// whSameJSON reports whether two JSON texts mean the same.
func whSameJSON(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	var va, vb any
	return json.Unmarshal([]byte(a), &va) == nil && json.Unmarshal([]byte(b), &vb) == nil && cmp.Equal(va, vb)
}

// TestWebhookRequests checks every method's request (method, path, query, body), that a
// client holding only the scope the method documents may make it, and the decoding of
// the answer.
func TestWebhookRequests(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("", 3600))
	no := false
	path := "/v2/webhooks/" + whID
	tests := []struct {
		name   string
		scope  string
		call   func(ctx context.Context, c *Client) (any, error)
		method string
		path   string
		query  url.Values
		body   string
		status int
		answer string
		want   any
	}{
		{
			name: "list, defaults", scope: ScopeWebhooksRead,
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListWebhooks(ctx, nil) },
			method: "GET", path: "/v2/webhooks", query: url.Values{"limit": {"100"}},
			status: 200, answer: `{"_data":[` + webhookJSONText + `],"_meta":{"links":{"next":{"href":"https://api.personio.de/v2/webhooks?cursor=cur_2"}}}}`,
			want: &WebhooksPage{Webhooks: []Webhook{wantWebhook}, NextCursor: "https://api.personio.de/v2/webhooks?cursor=cur_2"},
		},
		{
			name: "list, filters", scope: ScopeWebhooksRead,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListWebhooks(ctx, &ListWebhooksOptions{EnabledEvent: "person.updated", Status: "disabled", Limit: 200})
			},
			method: "GET", path: "/v2/webhooks", query: url.Values{"limit": {"200"}, "enabled_events": {"person.updated"}, "status": {"DISABLED"}},
			status: 200, answer: `{"_data":[],"_meta":{"links":{}}}`,
			want: &WebhooksPage{Webhooks: []Webhook{}},
		},
		{
			name: "list, bare cursor with the filters", scope: ScopeWebhooksRead,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListWebhooks(ctx, &ListWebhooksOptions{Status: WebhookEnabled, Limit: 1, Cursor: "cur_82sQwR2eZvKilo2duNh219Kw"})
			},
			method: "GET", path: "/v2/webhooks", query: url.Values{"limit": {"1"}, "status": {"ENABLED"}, "cursor": {"cur_82sQwR2eZvKilo2duNh219Kw"}},
			status: 200, answer: `{"_data":[]}`,
			want: &WebhooksPage{Webhooks: []Webhook{}},
		},
		{
			name: "list, next link followed as given; data and a numeric id", scope: ScopeWebhooksRead,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListWebhooks(ctx, &ListWebhooksOptions{Status: WebhookEnabled, Cursor: "/v2/webhooks?cursor=cur_3"})
			},
			method: "GET", path: "/v2/webhooks", query: url.Values{"cursor": {"cur_3"}},
			status: 200, answer: `{"data":[{"id":42,"url":"https://h.example/x","description":"d","status":"DISABLED","auth_type":"CUSTOM","enabled_events":["person.deleted"],"custom_headers":{"X-Key":"` + whHeaderVal + `"}}]}`,
			want: &WebhooksPage{Webhooks: []Webhook{{ID: "42", URL: "https://h.example/x", Description: "d", Status: WebhookDisabled,
				AuthType: WebhookAuthCustom, EnabledEvents: []string{"person.deleted"}, CustomHeaders: map[string]string{"X-Key": whHeaderVal}}}},
		},
		{
			name: "create, token; status ENABLED sent", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateWebhook(ctx, &CreateWebhookOptions{URL: "https://hooks.example.com/personio", Description: "provisioning",
					EnabledEvents: []string{"person.created", "employment.updated"}, AuthType: WebhookAuthToken, Token: whToken})
			},
			method: "POST", path: "/v2/webhooks",
			body: `{"url":"https://hooks.example.com/personio","description":"provisioning","enabled_events":["person.created","employment.updated"],` +
				`"status":"ENABLED","auth_type":"TOKEN","token":"` + whToken + `"}`,
			status: 201, answer: webhookJSONText,
			want: &wantWebhook,
		},
		{
			name: "create, custom headers, disabled on purpose; _data wrapper", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateWebhook(ctx, &CreateWebhookOptions{URL: "https://h.example/x", Description: "d", EnabledEvents: []string{"person.deleted"},
					Status: WebhookDisabled, AuthType: "custom", CustomHeaders: map[string]string{"X-Key": whHeaderVal, "X-Tenant": "t1"}})
			},
			method: "POST", path: "/v2/webhooks",
			body: `{"url":"https://h.example/x","description":"d","enabled_events":["person.deleted"],"status":"DISABLED","auth_type":"CUSTOM",` +
				`"custom_headers":{"X-Key":"` + whHeaderVal + `","X-Tenant":"t1"}}`,
			status: 201, answer: `{"_data":` + webhookJSONText + `}`,
			want: &wantWebhook,
		},
		{
			name: "create, no auth", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateWebhook(ctx, &CreateWebhookOptions{URL: "https://h.example/x", Description: "d", EnabledEvents: []string{"person.created"}, AuthType: WebhookAuthNone})
			},
			method: "POST", path: "/v2/webhooks",
			body:   `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"status":"ENABLED","auth_type":"NONE"}`,
			status: 201, answer: `{"data":` + webhookJSONText + `}`,
			want: &wantWebhook,
		},
		{
			name: "get", scope: ScopeWebhooksRead,
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetWebhook(ctx, whID) },
			method: "GET", path: path,
			status: 200, answer: webhookJSONText,
			want: &wantWebhook,
		},
		{
			name: "update, one field", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateWebhook(ctx, whID, &UpdateWebhookOptions{Status: new(WebhookDisabled)})
			},
			method: "PATCH", path: path, body: `{"status":"DISABLED"}`,
			status: 200, answer: `{"data":` + webhookJSONText + `}`,
			want: &wantWebhook,
		},
		{
			name: "update, several fields, headers cleared", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateWebhook(ctx, whID, &UpdateWebhookOptions{URL: new("https://h.example/new"), Description: new("new"),
					EnabledEvents: []string{"person.updated"}, AuthType: new(WebhookAuthCustom), CustomHeaders: map[string]string{}})
			},
			method: "PATCH", path: path,
			body:   `{"url":"https://h.example/new","description":"new","enabled_events":["person.updated"],"auth_type":"CUSTOM","custom_headers":{}}`,
			status: 200, answer: "",
			want: (*Webhook)(nil),
		},
		{
			name: "update, token", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateWebhook(ctx, whID, &UpdateWebhookOptions{Token: new(whToken)})
			},
			method: "PATCH", path: path, body: `{"token":"` + whToken + `"}`,
			status: 200, answer: webhookJSONText,
			want: &wantWebhook,
		},
		{
			name: "delete", scope: ScopeWebhooksWrite,
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteWebhook(ctx, whID) },
			method: "DELETE", path: path,
			status: 204,
		},
		{
			name: "ping", scope: ScopeWebhooksWrite,
			call:   func(ctx context.Context, c *Client) (any, error) { return c.PingWebhook(ctx, whID) },
			method: "POST", path: path + "/ping",
			status: 200, answer: `{"status":"sent"}`,
			want: json.RawMessage(`{"status":"sent"}`),
		},
		{
			name: "ping, empty answer", scope: ScopeWebhooksWrite,
			call:   func(ctx context.Context, c *Client) (any, error) { return c.PingWebhook(ctx, whID) },
			method: "POST", path: path + "/ping",
			status: 200, answer: ``,
			want: json.RawMessage(nil),
		},
		{
			name: "test event", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWebhookTestEvent(ctx, whID, &WebhookTestEvent{EventName: "person.created", Payload: json.RawMessage(` {"person":{"id":"1"}} `)})
			},
			method: "POST", path: path + "/test-event", body: `{"event_name":"person.created","payload":{"person":{"id":"1"}}}`,
			status: 200, answer: `{}`,
			want: json.RawMessage(`{}`),
		},
		{
			name: "test event without payload", scope: ScopeWebhooksWrite,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWebhookTestEvent(ctx, whID, &WebhookTestEvent{EventName: "ping"})
			},
			method: "POST", path: path + "/test-event", body: `{"event_name":"ping"}`,
			status: 200,
			want:   json.RawMessage(nil),
		},
		{
			name: "events", scope: ScopeWebhooksRead,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListWebhookEvents(ctx, whID, &ListWebhookEventsOptions{OccurredFrom: at, OccurredTo: at.Add(90*time.Minute + 1500*time.Microsecond), EventName: "person.updated", Limit: 5})
			},
			method: "GET", path: path + "/events",
			query:  url.Values{"occurred_at.gte": {"2025-03-01T11:00:00.000Z"}, "occurred_at.lte": {"2025-03-01T12:30:00.001Z"}, "event_name": {"person.updated"}, "limit": {"5"}},
			status: 200, answer: `{"_data":[{"id":"ev-1","company_id":4711,"event_name":"person.updated","occurred_at":"2025-03-01T11:05:00.000Z","payload":{"person":{"id":"7"}}}],` +
				`"_meta":{"links":{"next":{"href":"/v2/webhooks/` + whID + `/events?cursor=c2"}}}}`,
			want: &WebhookEventsPage{Events: []WebhookEvent{{ID: "ev-1", CompanyID: "4711", EventName: "person.updated",
				OccurredAt: time.Date(2025, 3, 1, 11, 5, 0, 0, time.UTC), Payload: json.RawMessage(`{"person":{"id":"7"}}`),
				Raw: json.RawMessage(`{"id":"ev-1","company_id":4711,"event_name":"person.updated","occurred_at":"2025-03-01T11:05:00.000Z","payload":{"person":{"id":"7"}}}`)}},
				NextCursor: "/v2/webhooks/" + whID + "/events?cursor=c2"},
		},
		{
			name: "activity", scope: ScopeWebhooksRead,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListWebhookActivity(ctx, whID, &ListWebhookActivityOptions{CompletedFrom: at, CompletedTo: at, EventName: "person.created", Delivered: &no})
			},
			method: "GET", path: path + "/activity",
			query:  url.Values{"completed_at.gte": {"2025-03-01T11:00:00.000Z"}, "completed_at.lte": {"2025-03-01T11:00:00.000Z"}, "event_name": {"person.created"}, "is_delivered": {"false"}, "limit": {"100"}},
			status: 200, answer: `{"_data":[{"id":"a-1","event_name":"person.created","completed_at":"2025-03-01T11:00:00Z","is_delivered":false,"status_code":503}]}`,
			want: &WebhookActivityPage{Deliveries: []WebhookDelivery{{ID: "a-1", EventName: "person.created", CompletedAt: at, Delivered: &no,
				Raw: json.RawMessage(`{"id":"a-1","event_name":"person.created","completed_at":"2025-03-01T11:00:00Z","is_delivered":false,"status_code":503}`)}}},
		},
	}
	opts := cmp.Options{
		cmpopts.IgnoreUnexported(WebhookEvent{}, WebhookDelivery{}),
		cmp.Comparer(func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, api := newWebhookClient(t, []string{tt.scope}, 3, func(whRequest) (int, string) { return tt.status, tt.answer })
			got, err := tt.call(t.Context(), c)
			if err != nil {
				t.Fatal(err)
			}
			reqs := api.got()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1: %+v", len(reqs), reqs)
			}
			r := reqs[0]
			if r.method != tt.method || r.path != tt.path {
				t.Errorf("request %s %s, want %s %s", r.method, r.path, tt.method, tt.path)
			}
			wantQuery := tt.query
			if wantQuery == nil {
				wantQuery = url.Values{}
			}
			if diff := cmp.Diff(wantQuery, r.query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if !whSameJSON(tt.body, r.body) {
				t.Errorf("body = %s\nwant   %s", r.body, tt.body)
			}
			if diff := cmp.Diff([]string{tt.scope}, api.scopes); diff != "" {
				t.Errorf("token scopes asked for (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got, opts...); tt.want != nil && diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}

			// The other scope alone is not enough, and the error says which one is.
			other := ScopeWebhooksRead
			if tt.scope == ScopeWebhooksRead {
				other = ScopeWebhooksWrite
			}
			c, _ = newWebhookClient(t, []string{other}, 3, func(whRequest) (int, string) { return tt.status, tt.answer })
			_, err = tt.call(t.Context(), c)
			var ae *unified.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 403 || !errors.Is(err, unified.ErrForbidden) {
				t.Fatalf("with scope %s only: err = %v, want a 403 APIError", other, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "Insufficient access scope") || !strings.Contains(msg, "needs the OAuth2 scope "+tt.scope) {
				t.Errorf("error does not name the missing scope: %v", err)
			}
		})
	}
}

// whCalls are one call of every method, for the failure-path tests.
var whCalls = []struct {
	name    string
	call    func(ctx context.Context, c *Client) error
	secrets []string // the secrets the call sends
}{
	{"ListWebhooks", func(ctx context.Context, c *Client) error { _, err := c.ListWebhooks(ctx, nil); return err }, nil},
	{"CreateWebhook", func(ctx context.Context, c *Client) error {
		_, err := c.CreateWebhook(ctx, &CreateWebhookOptions{URL: "https://h.example/x", Description: "d",
			EnabledEvents: []string{"person.created"}, AuthType: WebhookAuthToken, Token: whToken})
		return err
	}, []string{whToken}},
	{"GetWebhook", func(ctx context.Context, c *Client) error { _, err := c.GetWebhook(ctx, whID); return err }, nil},
	{"UpdateWebhook", func(ctx context.Context, c *Client) error {
		_, err := c.UpdateWebhook(ctx, whID, &UpdateWebhookOptions{AuthType: new(WebhookAuthCustom), CustomHeaders: map[string]string{"X-Key": whHeaderVal}})
		return err
	}, []string{whHeaderVal}},
	{"DeleteWebhook", func(ctx context.Context, c *Client) error { return c.DeleteWebhook(ctx, whID) }, nil},
	{"PingWebhook", func(ctx context.Context, c *Client) error { _, err := c.PingWebhook(ctx, whID); return err }, nil},
	{"SendWebhookTestEvent", func(ctx context.Context, c *Client) error {
		_, err := c.SendWebhookTestEvent(ctx, whID, &WebhookTestEvent{EventName: "person.created"})
		return err
	}, nil},
	{"ListWebhookEvents", func(ctx context.Context, c *Client) error { _, err := c.ListWebhookEvents(ctx, whID, nil); return err }, nil},
	{"ListWebhookActivity", func(ctx context.Context, c *Client) error {
		_, err := c.ListWebhookActivity(ctx, whID, nil)
		return err
	}, nil},
}

// TestWebhookErrors: 401, 403, 404, 409 and 422 answers come back as *unified.APIError
// matching the sentinel of their status (409 has none), after one attempt (two for a 401,
// which refreshes the token once), with no secret in the error.
func TestWebhookErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		sentinel error
		requests int
	}{
		{401, unified.ErrUnauthorized, 2},
		{403, unified.ErrForbidden, 1},
		{404, unified.ErrNotFound, 1},
		{409, nil, 1},
		{422, unified.ErrInvalidRequest, 1},
	}
	sentinels := []error{unified.ErrUnauthorized, unified.ErrForbidden, unified.ErrNotFound, unified.ErrInvalidRequest, unified.ErrUnavailable, unified.ErrRateLimited}
	for _, tt := range tests {
		for _, m := range whCalls {
			t.Run(fmt.Sprintf("%d/%s", tt.status, m.name), func(t *testing.T) {
				t.Parallel()
				// The error body echoes the secrets, as a careless server might: those the
				// call sent are scrubbed.
				body := `{"personio_trace_id":"trace-1","errors":[{"title":"Refused","detail":"token ` + whToken + ` / header ` + whHeaderVal + `","type":"https://developer.personio.de/reference/errors#webhooks.refused"}]}`
				c, api := newWebhookClient(t, nil, 3, func(whRequest) (int, string) { return tt.status, body })
				err := m.call(t.Context(), c)
				var ae *unified.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v, want an APIError", err)
				}
				if ae.StatusCode != tt.status || ae.RequestID != "trace-1" || ae.Code != "webhooks.refused" {
					t.Errorf("APIError status %d, request id %q, code %q", ae.StatusCode, ae.RequestID, ae.Code)
				}
				for _, s := range sentinels {
					if got := errors.Is(err, s); got != (s == tt.sentinel) {
						t.Errorf("errors.Is(err, %v) = %t", s, got)
					}
				}
				if n := len(api.got()); n != tt.requests {
					t.Errorf("%d requests, want %d", n, tt.requests)
				}
				for _, s := range m.secrets {
					if strings.Contains(err.Error(), s) || bytes.Contains(ae.Body, []byte(s)) || strings.Contains(ae.Message, s) {
						t.Errorf("error reveals %q: %v", s, err)
					}
				}
			})
		}
	}
}

// TestWebhookRetries runs in a synctest bubble, where the backoff takes no real time: a
// GET is retried on 503, a POST that creates a webhook is not (a retry could create a
// second one).
func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := 0
		c, api := newWebhookClient(t, nil, 3, func(r whRequest) (int, string) {
			if n++; n == 1 {
				return 503, ""
			}
			return 200, `{"_data":[]}`
		})
		if _, err := c.ListWebhooks(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if got := len(api.got()); got != 2 {
			t.Errorf("GET: %d requests, want 2", got)
		}
		c, api = newWebhookClient(t, nil, 3, func(whRequest) (int, string) { return 503, "" })
		_, err := c.CreateWebhook(t.Context(), &CreateWebhookOptions{URL: "https://h.example/x", Description: "d",
			EnabledEvents: []string{"person.created"}, AuthType: WebhookAuthNone})
		if !errors.Is(err, unified.ErrUnavailable) {
			t.Errorf("create: err = %v, want ErrUnavailable", err)
		}
		if got := len(api.got()); got != 1 {
			t.Errorf("POST: %d requests, want 1", got)
		}
	})
}

func TestWebhookInvalidOptions(t *testing.T) {
	t.Parallel()
	valid := func(edit func(*CreateWebhookOptions)) *CreateWebhookOptions {
		o := &CreateWebhookOptions{URL: "https://h.example/x", Description: "d", EnabledEvents: []string{"person.created"},
			AuthType: WebhookAuthCustom, CustomHeaders: map[string]string{"X-Key": whHeaderVal}}
		edit(o)
		return o
	}
	create := func(o *CreateWebhookOptions) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { _, err := c.CreateWebhook(ctx, o); return err }
	}
	update := func(o *UpdateWebhookOptions) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error { _, err := c.UpdateWebhook(ctx, whID, o); return err }
	}
	tests := map[string]func(context.Context, *Client) error{
		"create nil":            create(nil),
		"http URL":              create(valid(func(o *CreateWebhookOptions) { o.URL = "http://h.example/x" })),
		"relative URL":          create(valid(func(o *CreateWebhookOptions) { o.URL = "/hooks" })),
		"no URL":                create(valid(func(o *CreateWebhookOptions) { o.URL = "" })),
		"no description":        create(valid(func(o *CreateWebhookOptions) { o.Description = "  " })),
		"no events":             create(valid(func(o *CreateWebhookOptions) { o.EnabledEvents = nil })),
		"empty event":           create(valid(func(o *CreateWebhookOptions) { o.EnabledEvents = []string{""} })),
		"event with space":      create(valid(func(o *CreateWebhookOptions) { o.EnabledEvents = []string{"person created"} })),
		"bad status":            create(valid(func(o *CreateWebhookOptions) { o.Status = "PAUSED" })),
		"no auth type":          create(valid(func(o *CreateWebhookOptions) { o.AuthType = "" })),
		"bad auth type":         create(valid(func(o *CreateWebhookOptions) { o.AuthType = "BASIC" })),
		"headers with TOKEN":    create(valid(func(o *CreateWebhookOptions) { o.AuthType = WebhookAuthToken })),
		"headers with NONE":     create(valid(func(o *CreateWebhookOptions) { o.AuthType = WebhookAuthNone })),
		"token with CUSTOM":     create(valid(func(o *CreateWebhookOptions) { o.Token = whToken })),
		"CUSTOM without header": create(valid(func(o *CreateWebhookOptions) { o.CustomHeaders = map[string]string{} })),
		"four headers": create(valid(func(o *CreateWebhookOptions) {
			o.CustomHeaders = map[string]string{"X-A": whHeaderVal, "X-B": whHeaderVal, "X-C": whHeaderVal, "X-D": whHeaderVal}
		})),
		"header name with space": create(valid(func(o *CreateWebhookOptions) { o.CustomHeaders = map[string]string{"X Key": whHeaderVal} })),
		"header value with CRLF": create(valid(func(o *CreateWebhookOptions) {
			o.CustomHeaders = map[string]string{"X-Key": whHeaderVal + "\r\nX-Evil: 1"}
		})),
		"empty header value": create(valid(func(o *CreateWebhookOptions) { o.CustomHeaders = map[string]string{"X-Key": ""} })),
		"token with newline": create(valid(func(o *CreateWebhookOptions) {
			o.AuthType, o.CustomHeaders, o.Token = WebhookAuthToken, nil, whToken+"\n"
		})),
		"update nil":                update(nil),
		"update nothing":            update(&UpdateWebhookOptions{}),
		"update http URL":           update(&UpdateWebhookOptions{URL: new("http://h.example")}),
		"update empty description":  update(&UpdateWebhookOptions{Description: new("")}),
		"update empty events":       update(&UpdateWebhookOptions{EnabledEvents: []string{}}),
		"update bad status":         update(&UpdateWebhookOptions{Status: new(WebhookStatus("ON"))}),
		"update token with CUSTOM":  update(&UpdateWebhookOptions{AuthType: new(WebhookAuthCustom), Token: new(whToken)}),
		"update headers with TOKEN": update(&UpdateWebhookOptions{AuthType: new(WebhookAuthToken), CustomHeaders: map[string]string{"X-Key": whHeaderVal}}),
		"update banned header":      update(&UpdateWebhookOptions{CustomHeaders: map[string]string{"Content-Type": whHeaderVal}}),
		"get bad id":                func(ctx context.Context, c *Client) error { _, err := c.GetWebhook(ctx, "../persons"); return err },
		"delete empty id":           func(ctx context.Context, c *Client) error { return c.DeleteWebhook(ctx, "") },
		"ping bad id":               func(ctx context.Context, c *Client) error { _, err := c.PingWebhook(ctx, "a b"); return err },
		"test event without name": func(ctx context.Context, c *Client) error {
			_, err := c.SendWebhookTestEvent(ctx, whID, &WebhookTestEvent{})
			return err
		},
		"test event nil": func(ctx context.Context, c *Client) error {
			_, err := c.SendWebhookTestEvent(ctx, whID, nil)
			return err
		},
		"test event payload an array": func(ctx context.Context, c *Client) error {
			_, err := c.SendWebhookTestEvent(ctx, whID, &WebhookTestEvent{EventName: "x", Payload: json.RawMessage(`[1]`)})
			return err
		},
		"test event payload broken": func(ctx context.Context, c *Client) error {
			_, err := c.SendWebhookTestEvent(ctx, whID, &WebhookTestEvent{EventName: "x", Payload: json.RawMessage(`{"a":}`)})
			return err
		},
		"list limit 201": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhooks(ctx, &ListWebhooksOptions{Limit: 201})
			return err
		},
		"list limit -1": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhooks(ctx, &ListWebhooksOptions{Limit: -1})
			return err
		},
		"list bad status": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhooks(ctx, &ListWebhooksOptions{Status: "ALL"})
			return err
		},
		"list event with space": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhooks(ctx, &ListWebhooksOptions{EnabledEvent: "a b"})
			return err
		},
		"events range reversed": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhookEvents(ctx, whID, &ListWebhookEventsOptions{OccurredFrom: time.Unix(2, 0), OccurredTo: time.Unix(1, 0)})
			return err
		},
		"events limit 0..200": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhookEvents(ctx, whID, &ListWebhookEventsOptions{Limit: 500})
			return err
		},
		"activity range reversed": func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhookActivity(ctx, whID, &ListWebhookActivityOptions{CompletedFrom: time.Unix(2, 0), CompletedTo: time.Unix(1, 0)})
			return err
		},
	}
	for _, banned := range []string{"Host", "content-length", "Transfer-Encoding", "CONNECTION", "Upgrade", "TE", "Trailer", "Expect", "Content-Type",
		"Host-Override", "Content-Type-Options", "te-x", "Expect-CT", "Upgrade-Insecure-Requests",
		"Tenant", // starts with "te": the rule is a prefix match
	} {
		tests["banned "+banned] = create(valid(func(o *CreateWebhookOptions) { o.CustomHeaders = map[string]string{banned: whHeaderVal} }))
	}
	for name, call := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, api := newWebhookClient(t, nil, 1, func(whRequest) (int, string) { return 200, "{}" })
			err := call(t.Context(), c)
			if !errors.Is(err, unified.ErrInvalidValue) {
				t.Fatalf("err = %v, want ErrInvalidValue", err)
			}
			for _, s := range []string{whToken, "whk-Token-Secret", whHeaderVal} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error reveals a secret: %v", err)
				}
			}
			if n := len(api.got()); n != 0 {
				t.Errorf("%d requests sent for invalid options", n)
			}
		})
	}
}

// TestWebhookHeaderNamesAllowed: names that merely contain a banned word are fine.
func TestWebhookHeaderNamesAllowed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"X-Host", "X-Content-Type", "Authorization", "X-Te", "X-Tenant"} {
		o := &CreateWebhookOptions{URL: "https://h.example/x", Description: "d", EnabledEvents: []string{"person.created"},
			AuthType: WebhookAuthCustom, CustomHeaders: map[string]string{name: "v"}}
		if _, err := o.body(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestWebhookPaging pages through the webhooks, events and activity: the iterators stop
// only when a page has no next link (empty pages in between are read on), and fail with
// unified.ErrCursorLoop when a link repeats.
func TestWebhookPaging(t *testing.T) {
	t.Parallel()
	type page struct {
		ids  []string
		next string
	}
	item := func(id string) string {
		return `{"id":"` + id + `","event_name":"person.updated","occurred_at":"2025-03-01T10:00:00Z","completed_at":"2025-03-01T10:00:00Z","url":"https://h.example","description":"d"}`
	}
	tests := []struct {
		name     string
		pages    map[string]page // by cursor parameter ("" for the first)
		wantIDs  []string
		wantErr  error
		requests int
	}{
		{"three pages, an empty one between", map[string]page{
			"":   {ids: []string{"a", "b"}, next: "%s?cursor=c2"},
			"c2": {ids: nil, next: "%s?cursor=c3"},
			"c3": {ids: []string{"c"}},
		}, []string{"a", "b", "c"}, nil, 3},
		{"relative and absolute links", map[string]page{
			"":   {ids: []string{"a"}, next: "https://api.personio.de%s?cursor=c2"},
			"c2": {ids: []string{"b"}, next: "%s?cursor=c3"},
			"c3": {ids: []string{"c"}},
		}, []string{"a", "b", "c"}, nil, 3},
		{"a link to itself", map[string]page{
			"":   {ids: []string{"a"}, next: "%s?cursor=c2"},
			"c2": {ids: []string{"b"}, next: "%s?cursor=c2"},
		}, []string{"a"}, unified.ErrCursorLoop, 2},
		{"a cycle of two", map[string]page{
			"":   {ids: []string{"a"}, next: "%s?cursor=c2"},
			"c2": {ids: []string{"b"}, next: "https://api.personio.de%s?cursor=c3"},
			"c3": {ids: []string{"c"}, next: "%s?cursor=c2"},
		}, []string{"a", "b", "c"}, unified.ErrCursorLoop, 3},
		{"a link to another origin", map[string]page{
			"": {ids: []string{"a"}, next: "https://evil.example%s?cursor=c2"},
		}, []string{"a"}, unified.ErrInvalidCursor, 1},
	}
	iters := map[string]struct {
		path string
		ids  func(ctx context.Context, c *Client) ([]string, error)
	}{
		"Webhooks": {"/v2/webhooks", func(ctx context.Context, c *Client) ([]string, error) {
			var ids []string
			for w, err := range c.Webhooks(ctx, &ListWebhooksOptions{Limit: 2}) {
				if err != nil {
					return ids, err
				}
				ids = append(ids, w.ID)
			}
			return ids, nil
		}},
		"WebhookEvents": {"/v2/webhooks/" + whID + "/events", func(ctx context.Context, c *Client) ([]string, error) {
			var ids []string
			for e, err := range c.WebhookEvents(ctx, whID, &ListWebhookEventsOptions{Limit: 2}) {
				if err != nil {
					return ids, err
				}
				ids = append(ids, e.ID)
			}
			return ids, nil
		}},
		"WebhookActivity": {"/v2/webhooks/" + whID + "/activity", func(ctx context.Context, c *Client) ([]string, error) {
			var ids []string
			for d, err := range c.WebhookActivity(ctx, whID, &ListWebhookActivityOptions{Limit: 2}) {
				if err != nil {
					return ids, err
				}
				ids = append(ids, d.ID)
			}
			return ids, nil
		}},
	}
	for _, tt := range tests {
		for name, it := range iters {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				served := 0
				c, api := newWebhookClient(t, nil, 1, func(r whRequest) (int, string) {
					if served++; served > 10 {
						return 400, "" // bounds a pager that would not stop
					}
					p, ok := tt.pages[r.query.Get("cursor")]
					if !ok {
						return 404, ""
					}
					var items []string
					for _, id := range p.ids {
						items = append(items, item(id))
					}
					out := `{"_data":[` + strings.Join(items, ",") + `]`
					if p.next != "" {
						out += `,"_meta":{"links":{"next":{"href":"` + fmt.Sprintf(p.next, it.path) + `"}}}`
					}
					return 200, out + "}"
				})
				ids, err := it.ids(t.Context(), c)
				if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
				if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
					t.Errorf("ids (-want +got):\n%s", diff)
				}
				reqs := api.got()
				if len(reqs) != tt.requests {
					t.Errorf("%d requests, want %d", len(reqs), tt.requests)
				}
				if len(reqs) > 0 && reqs[0].query.Get("limit") != "2" {
					t.Errorf("first page query %v, want limit=2", reqs[0].query)
				}
			})
		}
	}
}

// TestWebhookPagingStops: breaking out of the loop sends no more requests, and a
// cancelled context ends the sequence with its error before the next page.
func TestWebhookPagingStops(t *testing.T) {
	t.Parallel()
	c, api := newWebhookClient(t, nil, 1, func(r whRequest) (int, string) {
		return 200, `{"_data":[` + webhookJSONText + `,` + webhookJSONText + `],"_meta":{"links":{"next":{"href":"/v2/webhooks?cursor=` + r.query.Get("cursor") + `x"}}}}`
	})
	for range c.Webhooks(t.Context(), nil) {
		break
	}
	if n := len(api.got()); n != 1 {
		t.Errorf("after break: %d requests, want 1", n)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var errs []error
	n := 0
	for _, err := range c.Webhooks(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n++; n == 2 {
			cancel()
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("errors %v, want one context.Canceled", errs)
	}
	if n := len(api.got()); n != 2 {
		t.Errorf("%d requests in all, want 2", n)
	}
}

func TestWebhookDecodingProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer string
		call   func(ctx context.Context, c *Client) error
	}{
		{"created without id", `{"url":"https://h.example"}`, func(ctx context.Context, c *Client) error {
			_, err := c.CreateWebhook(ctx, &CreateWebhookOptions{URL: "https://h.example", Description: "d", EnabledEvents: []string{"x"}, AuthType: WebhookAuthNone})
			return err
		}},
		{"list record of the wrong shape", `{"_data":[{"enabled_events":"person.created"}]}`, func(ctx context.Context, c *Client) error {
			_, err := c.ListWebhooks(ctx, nil)
			return err
		}},
		{"id an object", `{"id":{"v":1}}`, func(ctx context.Context, c *Client) error {
			_, err := c.GetWebhook(ctx, whID)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newWebhookClient(t, nil, 1, func(whRequest) (int, string) { return 200, tt.answer })
			if err := tt.call(t.Context(), c); !errors.Is(err, unified.ErrInvalidValue) {
				t.Errorf("err = %v, want ErrInvalidValue", err)
			}
		})
	}

	// A time that cannot be read is reported on the record, which keeps its Raw.
	c, _ := newWebhookClient(t, nil, 1, func(whRequest) (int, string) {
		return 200, `{"_data":[{"id":"e","occurred_at":"yesterday"},{"id":"f","occurred_at":"2025-03-01T10:00:00Z"}]}`
	})
	p, err := c.ListWebhookEvents(t.Context(), whID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 2 || !errors.Is(p.Events[0].Err(), unified.ErrInvalidValue) || p.Events[1].Err() != nil || len(p.Events[0].Raw) == 0 {
		t.Errorf("events %+v", p.Events)
	}
}

func TestWebhookSecretsArePrintedRedacted(t *testing.T) {
	t.Parallel()
	headers := map[string]string{"X-Key": whHeaderVal}
	values := map[string]any{
		"Webhook":               Webhook{ID: whID, URL: "https://user:pw-Secret@h.example/x?key=q-Secret", Token: whToken, CustomHeaders: headers},
		"*Webhook":              &Webhook{Token: whToken, CustomHeaders: headers},
		"CreateWebhookOptions":  CreateWebhookOptions{URL: "https://h.example/x?key=q-Secret", Token: whToken, CustomHeaders: headers},
		"*CreateWebhookOptions": &CreateWebhookOptions{Token: whToken, CustomHeaders: headers},
		"UpdateWebhookOptions":  UpdateWebhookOptions{URL: new("https://h.example/x?key=q-Secret"), Token: new(whToken), CustomHeaders: headers},
		"*UpdateWebhookOptions": &UpdateWebhookOptions{Token: new(whToken), CustomHeaders: headers},
		"page":                  WebhooksPage{Webhooks: []Webhook{{Token: whToken, CustomHeaders: headers}}},
		"holder":                struct{ W Webhook }{Webhook{Token: whToken, CustomHeaders: headers}},
	}
	secrets := []string{"whk-Token-Secret", whHeaderVal, "pw-Secret", "q-Secret"}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("Sprintf(%q, %s) reveals %q: %s", verb, name, s, out)
				}
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
		for _, s := range secrets {
			if strings.Contains(buf.String(), s) {
				t.Errorf("slog of %s reveals %q: %s", name, s, buf.String())
			}
		}
	}
	if s := fmt.Sprint(Webhook{Token: whToken, CustomHeaders: headers}); !strings.Contains(s, `Token: [REDACTED]`) || !strings.Contains(s, `"X-Key":[REDACTED]`) {
		t.Errorf("String() = %s, want the token and header values redacted and the names kept", s)
	}
}
