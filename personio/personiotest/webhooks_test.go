package personiotest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

const hookBody = `{"url":"https://hooks.example/personio","description":"d","enabled_events":["person.created"],"token":"tok"}`

// The management API takes v2 bearer tokens: reads need personio:webhooks:read, writes
// personio:webhooks:write, and a token without the scope is answered 403 "Insufficient
// access scope".
func TestWebhookScopes(t *testing.T) {
	t.Parallel()
	k := &sink{}
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3), personiotest.WithWebhookClient(k.client()))
	read := v2Token(t, s, personiotest.ScopeWebhooksRead)
	write := v2Token(t, s, personiotest.ScopeWebhooksWrite)
	persons := v2Token(t, s, personiotest.ScopePersonsRead)
	id := createHook(t, s, write, hookBody).ID
	routes := []struct {
		method, path, body string
		write              bool
	}{
		{http.MethodGet, "/v2/webhooks", "", false},
		{http.MethodPost, "/v2/webhooks", hookBody, true},
		{http.MethodGet, "/v2/webhooks/" + id, "", false},
		{http.MethodPatch, "/v2/webhooks/" + id, `{"description":"e"}`, true},
		{http.MethodGet, "/v2/webhooks/" + id + "/events", "", false},
		{http.MethodGet, "/v2/webhooks/" + id + "/activity", "", false},
		{http.MethodPost, "/v2/webhooks/" + id + "/ping", "", true},
		{http.MethodPost, "/v2/webhooks/" + id + "/test-event", `{"event_name":"person.created","payload":{"person":{"id":"1"}}}`, true},
		{http.MethodDelete, "/v2/webhooks/" + id, "", true},
	}
	for _, rt := range routes {
		name := rt.method + " " + rt.path
		problem(t, local(t, s, "", rt.method, rt.path, rt.body), http.StatusUnauthorized)
		p := problem(t, local(t, s, persons, rt.method, rt.path, rt.body), http.StatusForbidden)
		if e := p.Errors[0]; e.Title != "Insufficient access scope" {
			t.Errorf("%s with a persons token: %+v", name, e)
		}
		wrong, right := write, read
		if rt.write {
			wrong, right = read, write
		}
		problem(t, local(t, s, wrong, rt.method, rt.path, rt.body), http.StatusForbidden)
		if r := local(t, s, right, rt.method, rt.path, rt.body); r.status/100 != 2 {
			t.Errorf("%s with the right scope: %d %s", name, r.status, clip(r.body))
		}
		if err := s.WaitWebhooks(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range k.requests() {
		got = append(got, r.envelope(t).EventName)
	}
	if diff := cmp.Diff([]string{"ping", "person.created"}, got); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

// Create validates as Personio documents: url (https), description and enabled_events
// required; status defaults to DISABLED and auth_type to TOKEN; a token only with TOKEN,
// 1 to 3 custom headers only with CUSTOM, none named or prefixed with a reserved name.
// Missing fields and bad JSON are 400, broken rules 422. The token is never rendered.
func TestWebhookCreateValidation(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3))
	tok := v2Token(t, s, "")
	tests := []struct {
		name, body string
		want       int
	}{
		{"defaults", hookBody, 201},
		{"enabled, no auth", `{"url":"https://h.example/x","description":"d","enabled_events":["employment.updated"],"status":"ENABLED","auth_type":"NONE"}`, 201},
		{"custom headers", `{"url":"https://h.example/x","description":"d","enabled_events":["person.deleted"],"auth_type":"CUSTOM","custom_headers":{"X-A":"1","X-B":"2","Authorization":"3"}}`, 201},
		{"not JSON", `{`, 400},
		{"wrong type", `{"url":1,"description":"d","enabled_events":["person.created"]}`, 400},
		{"url missing", `{"description":"d","enabled_events":["person.created"],"token":"t"}`, 400},
		{"description missing", `{"url":"https://h.example/x","enabled_events":["person.created"],"token":"t"}`, 400},
		{"events missing", `{"url":"https://h.example/x","description":"d","token":"t"}`, 400},
		{"http url", `{"url":"http://h.example/x","description":"d","enabled_events":["person.created"],"token":"t"}`, 422},
		{"relative url", `{"url":"/x","description":"d","enabled_events":["person.created"],"token":"t"}`, 422},
		{"empty description", `{"url":"https://h.example/x","description":" ","enabled_events":["person.created"],"token":"t"}`, 422},
		{"no events", `{"url":"https://h.example/x","description":"d","enabled_events":[],"token":"t"}`, 422},
		{"unknown event", `{"url":"https://h.example/x","description":"d","enabled_events":["person.hired"],"token":"t"}`, 422},
		{"upper-case event", `{"url":"https://h.example/x","description":"d","enabled_events":["Person.created"],"token":"t"}`, 422},
		{"bad status", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"token":"t","status":"ON"}`, 422},
		{"bad auth type", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"BASIC"}`, 422},
		{"token type without token", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"]}`, 422},
		{"token with NONE", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"NONE","token":"t"}`, 422},
		{"headers with TOKEN", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"token":"t","custom_headers":{"X-A":"1"}}`, 422},
		{"CUSTOM without headers", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"CUSTOM"}`, 422},
		{"four headers", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"CUSTOM","custom_headers":{"X-A":"1","X-B":"2","X-C":"3","X-D":"4"}}`, 422},
		{"reserved header", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"CUSTOM","custom_headers":{"Content-Type-X":"1"}}`, 422},
		{"reserved header, any case", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"CUSTOM","custom_headers":{"HOST":"1"}}`, 422},
		{"invalid header name", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"CUSTOM","custom_headers":{"X A":"1"}}`, 422},
		{"empty header value", `{"url":"https://h.example/x","description":"d","enabled_events":["person.created"],"auth_type":"CUSTOM","custom_headers":{"X-A":""}}`, 422},
	}
	for _, tt := range tests {
		r := local(t, s, tok, http.MethodPost, "/v2/webhooks", tt.body)
		if r.status != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, r.status, clip(r.body), tt.want)
			continue
		}
		if tt.want != 201 {
			problem(t, r, tt.want)
			continue
		}
		if strings.Contains(string(r.body), `"tok"`) || strings.Contains(string(r.body), `"token"`) {
			t.Errorf("%s: the answer shows the token: %s", tt.name, r.body)
		}
	}
	var w webhookJSON
	mustDecode(t, local(t, s, tok, http.MethodPost, "/v2/webhooks", hookBody), &w)
	want := webhookJSON{ID: w.ID, URL: "https://hooks.example/personio", Description: "d", Status: "DISABLED",
		AuthType: "TOKEN", EnabledEvents: []string{"person.created"}}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	var got webhookJSON
	mustDecode(t, local(t, s, tok, http.MethodGet, "/v2/webhooks/"+w.ID, ""), &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET (-want +got):\n%s", diff)
	}
	if _, err := uuidParts(w.ID); err != nil {
		t.Errorf("id %q: %v", w.ID, err)
	}
}

// uuidParts checks the 8-4-4-4-12 shape of a UUID.
func uuidParts(s string) ([]string, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[4]) != 12 {
		return nil, errors.New("not a UUID")
	}
	return parts, nil
}

// PATCH changes the fields sent and checks the result like create; switching the auth
// type drops the credentials of the old one. Unknown ids are 404; DELETE answers 204.
func TestWebhookUpdateAndDelete(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3))
	tok := v2Token(t, s, "")
	id := createHook(t, s, tok, hookBody).ID
	patch := func(body string) response { return local(t, s, tok, http.MethodPatch, "/v2/webhooks/"+id, body) }
	for _, tt := range []struct {
		body string
		want int
	}{
		{`{"url":"http://h.example"}`, 422},
		{`{"description":""}`, 422},
		{`{"enabled_events":[]}`, 422},
		{`{"status":"enabled"}`, 422},
		{`{"auth_type":"CUSTOM"}`, 422},
		{`{"custom_headers":{"X-A":"1"}}`, 422},
		{`{"auth_type":"NONE","token":"t"}`, 422},
		{`{"enabled_events":"person.created"}`, 400},
	} {
		problem(t, patch(tt.body), tt.want)
	}
	var w webhookJSON
	mustDecode(t, patch(`{"auth_type":"CUSTOM","custom_headers":{"X-Key":"v"},"status":"ENABLED","enabled_events":["person.created","person.deleted"]}`), &w)
	want := webhookJSON{ID: id, URL: "https://hooks.example/personio", Description: "d", Status: "ENABLED",
		AuthType: "CUSTOM", EnabledEvents: []string{"person.created", "person.deleted"}}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("patched (-want +got):\n%s", diff)
	}
	// Back to TOKEN: the headers go, and a token is needed again.
	problem(t, patch(`{"auth_type":"TOKEN"}`), 422)
	if r := patch(`{"auth_type":"TOKEN","token":"new"}`); r.status != 200 {
		t.Errorf("to TOKEN with a token: %d %s", r.status, r.body)
	}
	for _, path := range []string{"/v2/webhooks/nope", "/v2/webhooks/nope/events", "/v2/webhooks/nope/activity"} {
		problem(t, local(t, s, tok, http.MethodGet, path, ""), http.StatusNotFound)
	}
	problem(t, local(t, s, tok, http.MethodPatch, "/v2/webhooks/nope", `{"description":"x"}`), http.StatusNotFound)
	problem(t, local(t, s, tok, http.MethodPost, "/v2/webhooks/nope/ping", ""), http.StatusNotFound)
	problem(t, local(t, s, tok, http.MethodPut, "/v2/webhooks/"+id, "{}"), http.StatusMethodNotAllowed)
	problem(t, local(t, s, tok, http.MethodGet, "/v2/webhooks/"+id+"/redelivery", ""), http.StatusNotFound)
	if r := local(t, s, tok, http.MethodDelete, "/v2/webhooks/"+id, ""); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Errorf("DELETE: %d %q", r.status, r.body)
	}
	problem(t, local(t, s, tok, http.MethodDelete, "/v2/webhooks/"+id, ""), http.StatusNotFound)
}

// The three lists page by opaque cur_ cursors in _meta.links.next, limit 1 to 200
// (default 100); filters are kept with the cursor.
func TestWebhookListPaging(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3))
	tok := v2Token(t, s, "")
	var ids []string
	for i := range 105 {
		status := "DISABLED"
		if i%3 == 0 {
			status = "ENABLED"
		}
		ids = append(ids, createHook(t, s, tok, `{"url":"https://h.example/`+strconv.Itoa(i)+`","description":"d","enabled_events":["person.created"],"token":"t","status":"`+status+`"}`).ID)
	}
	list := func(query string, maxPages int) ([]string, []int) {
		t.Helper()
		var got []string
		var sizes []int
		href := "/v2/webhooks" + query
		for range maxPages {
			r := local(t, s, tok, http.MethodGet, href, "")
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", href, r.status, clip(r.body))
			}
			var p v2Page[webhookJSON]
			mustDecode(t, r, &p)
			sizes = append(sizes, len(p.Data))
			for _, w := range p.Data {
				got = append(got, w.ID)
			}
			next := p.next()
			if next == "" {
				return got, sizes
			}
			u, err := url.Parse(next)
			if err != nil || !strings.HasPrefix(u.Query().Get("cursor"), "cur_") || len(u.Query()) != 1 {
				t.Fatalf("next link %q: want ?cursor=cur_…", next)
			}
			href = u.RequestURI()
		}
		t.Fatalf("listing %s did not end after %d pages", query, maxPages)
		return nil, nil
	}
	got, sizes := list("", 5)
	if diff := cmp.Diff(ids, got); diff != "" || !cmp.Equal(sizes, []int{100, 5}) {
		t.Errorf("default limit: pages %v (-want +got):\n%s", sizes, diff)
	}
	got, sizes = list("?limit=40&status=ENABLED", 5)
	var enabled []string
	for i, id := range ids {
		if i%3 == 0 {
			enabled = append(enabled, id)
		}
	}
	if diff := cmp.Diff(enabled, got); diff != "" || !cmp.Equal(sizes, []int{35}) {
		t.Errorf("status=ENABLED limit 40: pages %v (-want +got):\n%s", sizes, diff)
	}
	got, sizes = list("?limit=10&status=ENABLED", 10)
	if diff := cmp.Diff(enabled, got); diff != "" || !cmp.Equal(sizes, []int{10, 10, 10, 5}) {
		t.Errorf("status=ENABLED limit 10: pages %v (-want +got):\n%s", sizes, diff)
	}
	if got, _ := list("?enabled_events=person.deleted", 2); len(got) != 0 {
		t.Errorf("enabled_events=person.deleted: %d webhooks, want none", len(got))
	}
	if got, _ := list("?limit=200", 2); len(got) != 105 {
		t.Errorf("limit=200: %d webhooks", len(got))
	}
	for _, q := range []string{"?limit=0", "?limit=201", "?limit=x", "?status=on", "?cursor=cur_nope", "?status.gt=1"} {
		problem(t, local(t, s, tok, http.MethodGet, "/v2/webhooks"+q, ""), http.StatusBadRequest)
	}
	for _, q := range []string{"?occurred_at.gte=yesterday", "?occurred_at.eq=2024-01-01T00:00:00Z"} {
		problem(t, local(t, s, tok, http.MethodGet, "/v2/webhooks/"+ids[0]+"/events"+q, ""), http.StatusBadRequest)
	}
	problem(t, local(t, s, tok, http.MethodGet, "/v2/webhooks/"+ids[0]+"/activity?is_delivered=maybe", ""), http.StatusBadRequest)
}

// The typed management client works against the fake: create (ENABLED by the client's
// default), get, list, update, ping, test events, events, activity, delete.
func TestWebhookClientRoundTrip(t *testing.T) {
	t.Parallel()
	k := &sink{}
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithWebhookClient(k.client()))
	ctx := context.Background()
	cfg := s.ClientConfig()
	cfg.MaxAttempts = 1
	c, err := personio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.CreateWebhook(ctx, &personio.CreateWebhookOptions{URL: "https://hooks.example/in", Description: "sync",
		EnabledEvents: []string{"person.created", "person.updated"}, AuthType: personio.WebhookAuthToken, Token: "Bearer abc"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Status != personio.WebhookEnabled || w.AuthType != personio.WebhookAuthToken || w.Token != "" {
		t.Errorf("created %v", w)
	}
	if _, err := c.CreateWebhook(ctx, &personio.CreateWebhookOptions{URL: "https://hooks.example/2", Description: "off",
		EnabledEvents: []string{"person.deleted"}, Status: personio.WebhookDisabled, AuthType: personio.WebhookAuthNone}); err != nil {
		t.Fatal(err)
	}
	var listed []string
	for w, err := range c.Webhooks(ctx, &personio.ListWebhooksOptions{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, w.Description)
	}
	if diff := cmp.Diff([]string{"sync", "off"}, listed); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
	if got, err := c.GetWebhook(ctx, w.ID); err != nil || got.Description != "sync" {
		t.Errorf("GetWebhook: %v, %v", got, err)
	}
	if _, err := c.GetWebhook(ctx, "0a0a0a0a-0000-4000-8000-000000000000"); !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("GetWebhook of an unknown id: %v", err)
	}
	if _, err := c.UpdateWebhook(ctx, w.ID, &personio.UpdateWebhookOptions{Description: new("sync v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PingWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendWebhookTestEvent(ctx, w.ID, &personio.WebhookTestEvent{EventName: "person.updated",
		Payload: []byte(`{"person":{"id":"42"}}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SendWebhookTestEvent(ctx, w.ID, &personio.WebhookTestEvent{EventName: "person.deleted", Payload: []byte(`{"person":{"id":"42"}}`)})
	if !errors.Is(err, unified.ErrInvalidRequest) {
		t.Errorf("test event of an event not enabled: %v", err)
	}
	_, err = c.SendWebhookTestEvent(ctx, w.ID, &personio.WebhookTestEvent{EventName: "person.updated"})
	if !errors.Is(err, unified.ErrInvalidRequest) {
		t.Errorf("test event without payload: %v", err)
	}
	newID := 0
	s.Mutate(func(c *personiotest.Company) { newID = hire(t, c, "Ada", "Lovelace") })
	if err := s.WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}

	var events []string
	for e, err := range c.WebhookEvents(ctx, w.ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if e.CompanyID != s.CompanyID() || e.ID == "" || e.OccurredAt.IsZero() {
			t.Errorf("event %+v", e)
		}
		events = append(events, e.EventName+" "+string(e.Payload))
	}
	// Ping and test events are delivered but not recorded; the webhook has no employment events.
	wantEvents := []string{`person.created {"person":{"id":"` + strconv.Itoa(newID) + `"}}`}
	if diff := cmp.Diff(wantEvents, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	var delivered []string
	for d, err := range c.WebhookActivity(ctx, w.ID, &personio.ListWebhookActivityOptions{Delivered: new(true)}) {
		if err != nil {
			t.Fatal(err)
		}
		delivered = append(delivered, d.EventName)
	}
	if diff := cmp.Diff([]string{"ping", "person.updated", "person.created"}, delivered); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
	for _, r := range k.requests() {
		if got := r.Header.Get("Authorization"); got != "Bearer abc" {
			t.Errorf("delivery Authorization %q, want the token exactly", got)
		}
	}
	if err := c.DeleteWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWebhook(ctx, w.ID); !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

// The Events API keeps 30 days by the server's clock, filters by occurred_at (inclusive)
// and event_name, and pages like the other lists.
func TestWebhookEventsRetentionAndFilters(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 5), personiotest.WithClock(clk.Now),
		personiotest.WithWebhookClient((&sink{}).client()), personiotest.WithTokenTTL(60*24*time.Hour))
	tok := v2Token(t, s, "")
	id := createHook(t, s, tok, `{"url":"https://h.example/x","description":"d","status":"ENABLED","enabled_events":["person.created","person.updated","employment.created"],"auth_type":"NONE"}`).ID
	start := clk.Now()
	var hired []int
	for i := range 3 {
		s.Mutate(func(c *personiotest.Company) { hired = append(hired, hire(t, c, "P", strconv.Itoa(i))) })
		clk.Advance(10 * 24 * time.Hour)
	}
	if err := s.WaitWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	type item struct {
		EventName  string `json:"event_name"`
		OccurredAt string `json:"occurred_at"`
		CompanyID  string `json:"company_id"`
	}
	list := func(query string) []string {
		t.Helper()
		items, _ := v2All[item](t, s, tok, "/v2/webhooks/"+id+"/events"+query, 10)
		var out []string
		for _, it := range items {
			out = append(out, it.EventName+"@"+it.OccurredAt[:10])
		}
		return out
	}
	day := func(n int) string { return start.Add(time.Duration(n) * 24 * time.Hour).UTC().Format("2006-01-02") }
	all := []string{"person.created@" + day(0), "employment.created@" + day(0), "person.created@" + day(10),
		"employment.created@" + day(10), "person.created@" + day(20), "employment.created@" + day(20)}
	if diff := cmp.Diff(all, list("?limit=1")); diff != "" {
		t.Errorf("all (-want +got):\n%s", diff)
	}
	from := start.Add(10 * 24 * time.Hour).UTC().Format(time.RFC3339)
	if diff := cmp.Diff(all[2:4], list("?occurred_at.gte="+from+"&occurred_at.lte="+from)); diff != "" {
		t.Errorf("one day, inclusive (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{all[0], all[2], all[4]}, list("?event_name=person.created")); diff != "" {
		t.Errorf("event_name (-want +got):\n%s", diff)
	}
	clk.Advance(5 * 24 * time.Hour) // day 35: the first mutation is 35 days old
	if diff := cmp.Diff(all[2:], list("")); diff != "" {
		t.Errorf("after 35 days (-want +got):\n%s", diff)
	}
}
