package personiotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// local sends one request to s's handler in memory (no socket), so that it can run in a
// testing/synctest bubble, and reads the whole response.
func local(t testing.TB, s *personiotest.Server, tok, method, path, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// webhookJSON is a webhook as the fake renders it.
type webhookJSON struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Description   string   `json:"description"`
	Status        string   `json:"status"`
	AuthType      string   `json:"auth_type"`
	EnabledEvents []string `json:"enabled_events"`
}

// createHook creates a webhook from body (JSON) and returns it.
func createHook(t testing.TB, s *personiotest.Server, tok, body string) webhookJSON {
	t.Helper()
	r := local(t, s, tok, http.MethodPost, "/v2/webhooks", body)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /v2/webhooks %s: %d %s", body, r.status, clip(r.body))
	}
	var w webhookJSON
	mustDecode(t, r, &w)
	return w
}

// sinkRequest is a delivery request as an in-memory receiver saw it.
type sinkRequest struct {
	Header http.Header
	Body   string
	At     time.Time
}

// sink is an in-memory webhook receiver: its client's transport calls answer directly,
// so deliveries need no socket and run on a synctest bubble's clock.
type sink struct {
	mu     sync.Mutex
	reqs   []sinkRequest
	answer func(n int, w http.ResponseWriter, r *http.Request) // n counts the requests from 1
}

func (k *sink) client() *http.Client { return &http.Client{Transport: k} }

func (k *sink) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	k.mu.Lock()
	k.reqs = append(k.reqs, sinkRequest{Header: req.Header.Clone(), Body: string(body), At: time.Now()})
	n, answer := len(k.reqs), k.answer
	k.mu.Unlock()
	w := httptest.NewRecorder()
	if answer == nil {
		w.WriteHeader(http.StatusAccepted)
	} else {
		answer(n, w, req)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return w.Result(), nil
}

func (k *sink) requests() []sinkRequest {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]sinkRequest(nil), k.reqs...)
}

// envelope is a delivery body.
type envelope struct {
	CompanyID  string                       `json:"company_id"`
	EventName  string                       `json:"event_name"`
	OccurredAt string                       `json:"occurred_at"`
	Payload    map[string]map[string]string `json:"payload"`
}

func (r sinkRequest) envelope(t testing.TB) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
		t.Fatalf("delivery body %q: %v", r.Body, err)
	}
	return e
}

// event is an event name with the ids of its payload, for comparisons.
type event struct {
	Name, Person, Employment string
}

func (r sinkRequest) event(t testing.TB) event {
	e := r.envelope(t)
	return event{Name: e.EventName, Person: e.Payload["person"]["id"], Employment: e.Payload["employment"]["id"]}
}

// hire adds a person to c under its first person, with its hire date a year before
// fakecompany.DefaultToday, and returns the new id.
func hire(t testing.TB, c *personiotest.Company, first, last string) int {
	t.Helper()
	boss := c.People[0]
	p, err := c.Hire(fakecompany.Person{FirstName: first, LastName: last, Position: "Engineer",
		DepartmentID: boss.DepartmentID, SupervisorID: boss.ID, HireDate: fakecompany.DefaultToday().AddDays(-365)})
	if err != nil {
		t.Fatalf("hire: %v", err)
	}
	return p.ID
}
