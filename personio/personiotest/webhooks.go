package personiotest

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file serves Personio's webhook management API (v2): the subscriptions, the Events
// API and the delivery activity. webhook_events.go computes the events of a change made
// with Server.Mutate, webhook_delivery.go delivers them.

// The v2 scopes of the webhook management API. GETs need the read scope; create, update,
// delete, ping and test-event need the write scope.
const (
	ScopeWebhooksRead  = "personio:webhooks:read"
	ScopeWebhooksWrite = "personio:webhooks:write"
)

// Paging of the webhook lists (webhooks, events, activity): limit 1 to 200, default 100.
const (
	webhooksDefaultLimit = 100
	webhooksMaxLimit     = 200
)

// WebhookRetention is how long the server keeps a webhook's events and delivery
// attempts (by its clock): Personio's Events and Activity APIs cover the last 30 days.
const WebhookRetention = 30 * 24 * time.Hour

// maxWebhookHeaders is how many custom headers a CUSTOM webhook may have.
const maxWebhookHeaders = 3

// bannedWebhookHeaders are the names a custom header may neither equal nor start with
// (case-insensitive), as Personio documents.
var bannedWebhookHeaders = [...]string{
	"host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer",
	"expect", "content-type",
}

// webhookEventNames are the event names a webhook may enable: Personio's catalogue as
// far as it is published.
var webhookEventNames = []string{
	"person.created", "person.updated", "person.deleted",
	"employment.created", "employment.updated", "employment.deleted",
	"employment.started", "employment.terminated", "employment.updated.cost-centers",
	"absence-period.created", "absence-period.deleted",
	"absence-period.updated.status", "absence-period.updated.timerange",
	"attendance-period.created", "attendance-period.updated", "attendance-period.deleted",
	"document.created", "document.updated", "document.deleted", "document.signed",
}

// hookOptions are the webhook options of a server.
type hookOptions struct {
	companyID string
	client    *http.Client
	delays    []time.Duration
	delaysSet bool
	sign      func(header http.Header, body []byte)
}

// WithCompanyID sets the company id the server's webhook deliveries carry (company_id).
// The default is derived from the company's seed (see [Server.CompanyID]).
func WithCompanyID(id string) Option {
	return func(cf *config) { cf.hooks.companyID = id }
}

// WithWebhookClient sets the HTTP client that delivers webhook events. The server never
// modifies it: it sends through a copy that follows no redirects, as Personio does. Give
// the client of the receiver's test server (httptest.Server.Client) to deliver to an
// HTTPS receiver on loopback, or a client whose Transport calls a handler directly to
// deliver in memory (in a testing/synctest bubble, for example). The default is a client
// of its own, whose idle connections Close closes.
func WithWebhookClient(c *http.Client) Option {
	return func(cf *config) { cf.hooks.client = c }
}

// WithWebhookRetryDelays sets the waits before the extended retries of a delivery that
// failed with a timeout or a 5xx other than 501: one retry per delay, each made of up to
// two requests. The default is [DefaultWebhookRetryDelays], Personio's 6 retries over
// less than 3 days; give shorter delays to compress the schedule, or run the delivery in
// a testing/synctest bubble, where the waits take no real time. No delays means no
// extended retries.
func WithWebhookRetryDelays(delays ...time.Duration) Option {
	return func(cf *config) { cf.hooks.delays, cf.hooks.delaysSet = slices.Clone(delays), true }
}

// WithWebhookSigner calls sign with the headers and body of every delivery request before
// it is sent, to add signature headers. Personio signs deliveries with HMAC-SHA256 over a
// timestamp and the body, but does not publish the headers or the format, so the fake
// sends no signature unless a test defines one here.
func WithWebhookSigner(sign func(header http.Header, body []byte)) Option {
	return func(cf *config) { cf.hooks.sign = sign }
}

// hook is a webhook subscription.
type hook struct {
	id          string
	url         string
	description string
	status      string
	authType    string
	token       string
	headers     map[string]string
	events      []string
	seq         uint64 // creation order
}

func (h *hook) enabled(event string) bool {
	return h.status == "ENABLED" && slices.Contains(h.events, event)
}

// hookEvent is an event recorded for one webhook, for the Events API.
type hookEvent struct {
	seq      uint64
	hookID   string
	id       string
	name     string
	occurred time.Time
	payload  json.RawMessage
}

// WebhookAttempt is one delivery request the server sent (or tried to send), as the
// Activity API reports it.
type WebhookAttempt struct {
	// ID is the attempt record's id; EventID the event's, the same for every request of
	// one delivery (and for the copies of the duplicate deliveries of WebhookDelivery).
	ID, WebhookID, EventID, EventName string
	// Attempt counts the attempts of the delivery from 1: the first and then up to one
	// per retry delay. Request is 1 or 2: each attempt has up to two requests.
	Attempt, Request int
	// StatusCode is the answer's status, 0 when there was none (a timeout, a refused
	// connection); Err then says why.
	StatusCode int
	Err        string
	// Delivered is true for a 2xx answer within the acknowledgement timeout.
	Delivered bool
	// CompletedAt is when the request ended, by the server's clock.
	CompletedAt time.Time

	seq uint64
}

// hookStore holds the webhooks of a server, their events and delivery attempts, and the
// delivery machinery's state.
type hookStore struct {
	opts      hookOptions
	companyID string
	client    *http.Client // the delivery client, following no redirects
	ownClient bool         // client's transport is the store's own: close its idle connections

	mu       sync.Mutex
	seq      uint64
	hooks    []*hook
	events   []*hookEvent
	attempts []*WebhookAttempt
	policy   WebhookDelivery
	queues   map[string]*hookQueue
	run      *deliveryRun
	closed   bool
}

func newHookStore(o hookOptions, seed uint64) *hookStore {
	hs := &hookStore{opts: o, companyID: o.companyID, queues: make(map[string]*hookQueue)}
	if hs.companyID == "" {
		hs.companyID = strconv.FormatUint(100000+seed%900000, 10)
	}
	if !o.delaysSet {
		hs.opts.delays = DefaultWebhookRetryDelays()
	}
	base := o.client
	if base == nil {
		base = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		hs.ownClient = true
	}
	c := *base
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hs.client = &c
	return hs
}

// nextSeq returns the next sequence number. hs.mu must be held.
func (hs *hookStore) nextSeq() uint64 {
	hs.seq++
	return hs.seq
}

// Kinds for uuidFor.
const (
	uuidWebhook  = 0x574842 // "WHB"
	uuidEvent    = 0x455654 // "EVT"
	uuidAttempt  = 0x41544d // "ATM"
	hookUUIDSeed = 0x686f6f6b
)

// find returns the webhook with the id, or nil. hs.mu must be held.
func (hs *hookStore) find(id string) *hook {
	for _, h := range hs.hooks {
		if h.id == id {
			return h
		}
	}
	return nil
}

// prune drops the events and attempts older than WebhookRetention. hs.mu must be held.
func (hs *hookStore) prune(now time.Time) {
	cut := now.Add(-WebhookRetention)
	hs.events = slices.DeleteFunc(hs.events, func(e *hookEvent) bool { return e.occurred.Before(cut) })
	hs.attempts = slices.DeleteFunc(hs.attempts, func(a *WebhookAttempt) bool { return a.CompletedAt.Before(cut) })
}

// CompanyID returns the company id of the server's webhook deliveries: the one set with
// [WithCompanyID], else a number derived from the company's seed ("100001" for seed 1).
func (s *Server) CompanyID() string { return s.hooks.companyID }

// WebhookAttempts returns every delivery request the server sent in the last
// [WebhookRetention], oldest first.
func (s *Server) WebhookAttempts() []WebhookAttempt {
	hs := s.hooks
	hs.mu.Lock()
	defer hs.mu.Unlock()
	hs.prune(s.now())
	out := make([]WebhookAttempt, len(hs.attempts))
	for i, a := range hs.attempts {
		out[i] = *a
	}
	return out
}

// ---- routes ----

// routeWebhooks serves /v2/webhooks and everything under it.
func (s *Server) routeWebhooks(w http.ResponseWriter, r *http.Request, parts []string) {
	type route struct {
		method string
		h      func(http.ResponseWriter, *http.Request, string)
	}
	var routes []route
	id := ""
	switch {
	case len(parts) == 1:
		routes = []route{{http.MethodGet, s.listWebhooks}, {http.MethodPost, s.createWebhook}}
	case len(parts) == 2:
		id = parts[1]
		routes = []route{{http.MethodGet, s.getWebhook}, {http.MethodPatch, s.updateWebhook}, {http.MethodDelete, s.deleteWebhook}}
	case len(parts) == 3:
		id = parts[1]
		switch parts[2] {
		case "events":
			routes = []route{{http.MethodGet, s.listWebhookEvents}}
		case "activity":
			routes = []route{{http.MethodGet, s.listWebhookActivity}}
		case "ping":
			routes = []route{{http.MethodPost, s.pingWebhook}}
		case "test-event":
			routes = []route{{http.MethodPost, s.testWebhookEvent}}
		}
	}
	if routes == nil {
		s.notFoundV2(w)
		return
	}
	i := slices.IndexFunc(routes, func(rt route) bool { return rt.method == r.Method })
	if i < 0 {
		var allow []string
		for _, rt := range routes {
			allow = append(allow, rt.method)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeProblem(w, http.StatusMethodNotAllowed, "Method not allowed",
			"The method "+r.Method+" is not allowed for this resource.", "common.method_not_allowed")
		return
	}
	scope := ScopeWebhooksWrite
	if r.Method == http.MethodGet {
		scope = ScopeWebhooksRead
	}
	if s.v2Authorize(w, r, scope) {
		routes[i].h(w, r, id)
	}
}

// webhookJSON is a webhook as the API renders it. The token and the custom headers'
// values are never rendered.
type webhookJSON struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Description   string   `json:"description"`
	Status        string   `json:"status"`
	AuthType      string   `json:"auth_type"`
	EnabledEvents []string `json:"enabled_events"`
}

func (h *hook) json() webhookJSON {
	return webhookJSON{ID: h.id, URL: h.url, Description: h.description, Status: h.status,
		AuthType: h.authType, EnabledEvents: slices.Clone(h.events)}
}

// webhookBodyJSON is the body of a create or update request; nil fields were not sent.
type webhookBodyJSON struct {
	URL           *string            `json:"url"`
	Description   *string            `json:"description"`
	Status        *string            `json:"status"`
	AuthType      *string            `json:"auth_type"`
	Token         *string            `json:"token"`
	CustomHeaders *map[string]string `json:"custom_headers"`
	EnabledEvents *[]string          `json:"enabled_events"`
}

// readBody decodes a JSON request body into v; on failure it answers 400 and returns
// false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
		s.badRequestV2(w, "The request body could not be read.")
		return false
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		s.badRequestV2(w, "The request body is not valid JSON of the expected shape: "+err.Error())
		return false
	}
	return true
}

// unprocessable answers 422 with detail.
func (s *Server) unprocessable(w http.ResponseWriter, detail string) {
	s.writeProblem(w, http.StatusUnprocessableEntity, "Unprocessable entity", detail, "common.unprocessable_entity")
}

// apply sets the fields b sends on h (a new webhook or a copy of an existing one) and
// checks the result; it returns the 422 detail of the first rule broken, or "".
func (b *webhookBodyJSON) apply(h *hook) string {
	if b.URL != nil {
		h.url = strings.TrimSpace(*b.URL)
	}
	if b.Description != nil {
		h.description = *b.Description
	}
	if b.Status != nil {
		h.status = *b.Status
	}
	if b.EnabledEvents != nil {
		h.events = slices.Clone(*b.EnabledEvents)
	}
	if b.AuthType != nil {
		h.authType = *b.AuthType
	}
	// A token or headers the new auth type does not use are dropped, unless this very
	// request sends them (which is an error below).
	if b.Token != nil {
		h.token = *b.Token
	} else if h.authType != "TOKEN" {
		h.token = ""
	}
	if b.CustomHeaders != nil {
		h.headers = maps.Clone(*b.CustomHeaders)
	} else if h.authType != "CUSTOM" {
		h.headers = nil
	}

	if u, err := url.Parse(h.url); err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.Opaque != "" {
		return "The url must be an absolute HTTPS URL."
	}
	if strings.TrimSpace(h.description) == "" {
		return "The description must not be empty."
	}
	if h.status != "ENABLED" && h.status != "DISABLED" {
		return "The status must be ENABLED or DISABLED."
	}
	if len(h.events) == 0 {
		return "enabled_events must name at least one event."
	}
	for _, e := range h.events {
		if !slices.Contains(webhookEventNames, e) {
			return "Unknown event " + strconv.Quote(e) + " in enabled_events."
		}
	}
	switch h.authType {
	case "NONE", "TOKEN", "CUSTOM":
	default:
		return "The auth_type must be NONE, TOKEN or CUSTOM."
	}
	switch {
	case h.authType == "TOKEN" && h.token == "":
		return "A token is required with auth_type TOKEN."
	case h.authType != "TOKEN" && h.token != "":
		return "A token is only allowed with auth_type TOKEN."
	case h.authType == "CUSTOM" && len(h.headers) == 0:
		return "custom_headers are required with auth_type CUSTOM."
	case h.authType != "CUSTOM" && h.headers != nil:
		return "custom_headers are only allowed with auth_type CUSTOM."
	case len(h.headers) > maxWebhookHeaders:
		return "custom_headers may have at most 3 entries."
	case strings.ContainsFunc(h.token, isControl):
		return "The token must not contain control characters."
	}
	for _, name := range slices.Sorted(maps.Keys(h.headers)) {
		if !validHeaderName(name) {
			return "The custom header name " + strconv.Quote(name) + " is not a valid header name."
		}
		lower := strings.ToLower(name)
		for _, banned := range bannedWebhookHeaders {
			if strings.HasPrefix(lower, banned) {
				return "The custom header name " + strconv.Quote(name) + " is not allowed."
			}
		}
		if v := h.headers[name]; v == "" || strings.ContainsFunc(v, isControl) {
			return "The value of the custom header " + strconv.Quote(name) + " must not be empty or contain control characters."
		}
	}
	return ""
}

func isControl(r rune) bool { return r != '\t' && (r < 0x20 || r == 0x7f) }

// validHeaderName reports whether s is an HTTP field name (an RFC 9110 token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// createWebhook serves POST /v2/webhooks.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, _ string) {
	var b webhookBodyJSON
	if !s.readBody(w, r, &b) {
		return
	}
	var missing []string
	if b.URL == nil {
		missing = append(missing, "url")
	}
	if b.Description == nil {
		missing = append(missing, "description")
	}
	if b.EnabledEvents == nil {
		missing = append(missing, "enabled_events")
	}
	if len(missing) > 0 {
		s.badRequestV2(w, "Missing required fields: "+strings.Join(missing, ", ")+".")
		return
	}
	h := &hook{status: "DISABLED", authType: "TOKEN"}
	if msg := b.apply(h); msg != "" {
		s.unprocessable(w, msg)
		return
	}
	hs := s.hooks
	hs.mu.Lock()
	h.seq = hs.nextSeq()
	h.id = uuidFor(hookUUIDSeed, uuidWebhook, h.seq)
	hs.hooks = append(hs.hooks, h)
	out := h.json()
	hs.mu.Unlock()
	writeJSON(w, http.StatusCreated, "application/json", out)
}

// lookupWebhook returns a copy of the webhook with the id; on an unknown id it answers
// 404 and returns false.
func (s *Server) lookupWebhook(w http.ResponseWriter, id string) (hook, bool) {
	hs := s.hooks
	hs.mu.Lock()
	defer hs.mu.Unlock()
	h := hs.find(id)
	if h == nil {
		s.notFoundV2(w)
		return hook{}, false
	}
	return *h, true
}

// getWebhook serves GET /v2/webhooks/{id}.
func (s *Server) getWebhook(w http.ResponseWriter, _ *http.Request, id string) {
	if h, ok := s.lookupWebhook(w, id); ok {
		writeJSON(w, http.StatusOK, "application/json", h.json())
	}
}

// updateWebhook serves PATCH /v2/webhooks/{id}.
func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request, id string) {
	var b webhookBodyJSON
	if !s.readBody(w, r, &b) {
		return
	}
	hs := s.hooks
	hs.mu.Lock()
	h := hs.find(id)
	if h == nil {
		hs.mu.Unlock()
		s.notFoundV2(w)
		return
	}
	next := *h
	next.headers = maps.Clone(h.headers)
	next.events = slices.Clone(h.events)
	if msg := b.apply(&next); msg != "" {
		hs.mu.Unlock()
		s.unprocessable(w, msg)
		return
	}
	*h = next
	out := h.json()
	hs.mu.Unlock()
	writeJSON(w, http.StatusOK, "application/json", out)
}

// deleteWebhook serves DELETE /v2/webhooks/{id}: the webhook, its events and attempts
// are gone, and its pending deliveries are dropped.
func (s *Server) deleteWebhook(w http.ResponseWriter, _ *http.Request, id string) {
	hs := s.hooks
	hs.mu.Lock()
	if hs.find(id) == nil {
		hs.mu.Unlock()
		s.notFoundV2(w)
		return
	}
	hs.hooks = slices.DeleteFunc(hs.hooks, func(h *hook) bool { return h.id == id })
	hs.events = slices.DeleteFunc(hs.events, func(e *hookEvent) bool { return e.hookID == id })
	hs.attempts = slices.DeleteFunc(hs.attempts, func(a *WebhookAttempt) bool { return a.WebhookID == id })
	if q := hs.queues[id]; q != nil {
		q.pending = nil
	}
	hs.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// hookFilter is the parsed filter of GET /v2/webhooks.
type hookFilter struct{ event, status string }

// listWebhooks serves GET /v2/webhooks: oldest first, filtered by enabled_events (one
// event name) and status.
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, _ string) {
	fields := map[string][]string{"enabled_events": opsEq, "status": opsEq}
	st := s.startListing(w, r, "/v2/webhooks", webhooksDefaultLimit, webhooksMaxLimit, fields,
		func(q url.Values) (any, string) {
			f := hookFilter{event: q.Get("enabled_events"), status: q.Get("status")}
			if f.status != "" && f.status != "ENABLED" && f.status != "DISABLED" {
				return nil, "The status filter must be ENABLED or DISABLED."
			}
			return f, ""
		})
	if st == nil {
		return
	}
	f := st.filter.(hookFilter)
	hs := s.hooks
	hs.mu.Lock()
	var items []webhookJSON
	var seqs []uint64
	for _, h := range hs.hooks {
		if h.seq > uint64(st.pos) && (f.event == "" || slices.Contains(h.events, f.event)) &&
			(f.status == "" || h.status == f.status) {
			items = append(items, h.json())
			seqs = append(seqs, h.seq)
		}
	}
	hs.mu.Unlock()
	writeKeysetPage(s, w, r, st, items, seqs)
}

// writeKeysetPage writes the first st.limit of items (whose sequence numbers are seqs,
// ascending), with a next link that resumes after the last one written.
func writeKeysetPage[T any](s *Server, w http.ResponseWriter, r *http.Request, st *cursorState, items []T, seqs []uint64) {
	var next *cursorState
	if len(items) > st.limit {
		items = items[:st.limit]
		next = &cursorState{path: st.path, filter: st.filter, limit: st.limit, pos: int(seqs[st.limit-1]),
			prev: st, page: st.page + 1, listing: st.listing}
	}
	if items == nil {
		items = []T{}
	}
	s.writeListPage(w, r, items, next, Quirks{})
}

// timeWindow is a parsed .gte / .lte pair of an RFC 3339 field.
type timeWindow struct {
	gte, lte       time.Time
	hasGte, hasLte bool
}

func (tw timeWindow) match(t time.Time) bool {
	return (!tw.hasGte || !t.Before(tw.gte)) && (!tw.hasLte || !t.After(tw.lte))
}

// parseWindow parses field.gte and field.lte; it returns a 400 detail on a bad value.
func (s *Server) parseWindow(q url.Values, field string) (timeWindow, string) {
	var tw timeWindow
	for _, x := range []struct {
		op  string
		t   *time.Time
		has *bool
	}{{"gte", &tw.gte, &tw.hasGte}, {"lte", &tw.lte, &tw.hasLte}} {
		key := field + "." + x.op
		if !q.Has(key) {
			continue
		}
		t, ok := s.parseTime(q.Get(key), false)
		if !ok {
			return tw, "The value of " + key + " must be an RFC 3339 date-time such as 2023-01-01T12:00:00.000Z."
		}
		*x.t, *x.has = t, true
	}
	return tw, ""
}

var opsWindow = []string{"gte", "lte"}

// eventFilter is the parsed filter of GET /v2/webhooks/{id}/events.
type eventFilter struct {
	occurred timeWindow
	name     string
}

// hookEventJSON is an item of the Events API: the delivery envelope plus the event's
// id.
type hookEventJSON struct {
	ID         string          `json:"id"`
	CompanyID  string          `json:"company_id"`
	EventName  string          `json:"event_name"`
	OccurredAt string          `json:"occurred_at"`
	Payload    json.RawMessage `json:"payload"`
}

// layoutWebhookTime is how webhook timestamps are rendered, as in Personio's examples.
const layoutWebhookTime = "2006-01-02T15:04:05.000Z"

// listWebhookEvents serves GET /v2/webhooks/{id}/events: the events recorded for the
// webhook in the last 30 days, oldest first.
func (s *Server) listWebhookEvents(w http.ResponseWriter, r *http.Request, id string) {
	if _, ok := s.lookupWebhook(w, id); !ok {
		return
	}
	fields := map[string][]string{"occurred_at": opsWindow, "event_name": opsEq}
	st := s.startListing(w, r, "/v2/webhooks/"+id+"/events", webhooksDefaultLimit, webhooksMaxLimit, fields,
		func(q url.Values) (any, string) {
			tw, msg := s.parseWindow(q, "occurred_at")
			return eventFilter{occurred: tw, name: q.Get("event_name")}, msg
		})
	if st == nil {
		return
	}
	f := st.filter.(eventFilter)
	hs := s.hooks
	hs.mu.Lock()
	hs.prune(s.now())
	var items []hookEventJSON
	var seqs []uint64
	for _, e := range hs.events {
		if e.hookID == id && e.seq > uint64(st.pos) && f.occurred.match(e.occurred) && (f.name == "" || e.name == f.name) {
			items = append(items, hookEventJSON{ID: e.id, CompanyID: hs.companyID, EventName: e.name,
				OccurredAt: e.occurred.UTC().Format(layoutWebhookTime), Payload: e.payload})
			seqs = append(seqs, e.seq)
		}
	}
	hs.mu.Unlock()
	writeKeysetPage(s, w, r, st, items, seqs)
}

// activityFilter is the parsed filter of GET /v2/webhooks/{id}/activity.
type activityFilter struct {
	completed timeWindow
	name      string
	delivered *bool
}

// hookAttemptJSON is an item of the Activity API.
type hookAttemptJSON struct {
	ID          string  `json:"id"`
	EventID     string  `json:"event_id"`
	EventName   string  `json:"event_name"`
	CompletedAt string  `json:"completed_at"`
	IsDelivered bool    `json:"is_delivered"`
	StatusCode  *int    `json:"status_code"`
	Error       *string `json:"error"`
	Attempt     int     `json:"attempt"`
	Request     int     `json:"request"`
}

// listWebhookActivity serves GET /v2/webhooks/{id}/activity: the webhook's delivery
// requests of the last 30 days, oldest first.
func (s *Server) listWebhookActivity(w http.ResponseWriter, r *http.Request, id string) {
	if _, ok := s.lookupWebhook(w, id); !ok {
		return
	}
	fields := map[string][]string{"completed_at": opsWindow, "event_name": opsEq, "is_delivered": opsEq}
	st := s.startListing(w, r, "/v2/webhooks/"+id+"/activity", webhooksDefaultLimit, webhooksMaxLimit, fields,
		func(q url.Values) (any, string) {
			tw, msg := s.parseWindow(q, "completed_at")
			f := activityFilter{completed: tw, name: q.Get("event_name")}
			if q.Has("is_delivered") {
				b, err := strconv.ParseBool(q.Get("is_delivered"))
				if err != nil {
					return nil, "The is_delivered filter must be true or false."
				}
				f.delivered = &b
			}
			return f, msg
		})
	if st == nil {
		return
	}
	f := st.filter.(activityFilter)
	hs := s.hooks
	hs.mu.Lock()
	hs.prune(s.now())
	var items []hookAttemptJSON
	var seqs []uint64
	for _, a := range hs.attempts {
		if a.WebhookID != id || a.seq <= uint64(st.pos) || !f.completed.match(a.CompletedAt) ||
			(f.name != "" && a.EventName != f.name) || (f.delivered != nil && a.Delivered != *f.delivered) {
			continue
		}
		j := hookAttemptJSON{ID: a.ID, EventID: a.EventID, EventName: a.EventName,
			CompletedAt: a.CompletedAt.UTC().Format(layoutWebhookTime), IsDelivered: a.Delivered,
			Attempt: a.Attempt, Request: a.Request}
		if a.StatusCode != 0 {
			j.StatusCode = new(a.StatusCode)
		}
		if a.Err != "" {
			j.Error = new(a.Err)
		}
		items = append(items, j)
		seqs = append(seqs, a.seq)
	}
	hs.mu.Unlock()
	writeKeysetPage(s, w, r, st, items, seqs)
}

// sentEventJSON answers ping and test-event: the id and name of the event sent.
type sentEventJSON struct {
	EventID   string `json:"event_id"`
	EventName string `json:"event_name"`
}

// pingWebhook serves POST /v2/webhooks/{id}/ping: it delivers an event named "ping" with
// an empty payload, whatever the webhook's status and events.
func (s *Server) pingWebhook(w http.ResponseWriter, _ *http.Request, id string) {
	if _, ok := s.lookupWebhook(w, id); !ok {
		return
	}
	ev := s.hooks.sendOne(s, id, "ping", json.RawMessage(`{}`))
	writeJSON(w, http.StatusOK, "application/json", sentEventJSON{ev, "ping"})
}

// testWebhookEvent serves POST /v2/webhooks/{id}/test-event: it delivers an event of a
// name the webhook has enabled, with the payload given, whatever the webhook's status.
func (s *Server) testWebhookEvent(w http.ResponseWriter, r *http.Request, id string) {
	h, ok := s.lookupWebhook(w, id)
	if !ok {
		return
	}
	var b struct {
		EventName string          `json:"event_name"`
		Payload   json.RawMessage `json:"payload"`
	}
	if !s.readBody(w, r, &b) {
		return
	}
	switch p := bytes.TrimSpace(b.Payload); {
	case b.EventName == "":
		s.badRequestV2(w, "Missing required field: event_name.")
		return
	case !slices.Contains(h.events, b.EventName):
		s.badRequestV2(w, "The event "+strconv.Quote(b.EventName)+" is not enabled for this webhook.")
		return
	case len(p) < 2 || p[0] != '{' || string(p) == "{}":
		s.badRequestV2(w, "missing required payload data")
		return
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, b.Payload)
	ev := s.hooks.sendOne(s, id, b.EventName, compact.Bytes())
	writeJSON(w, http.StatusOK, "application/json", sentEventJSON{ev, b.EventName})
}
