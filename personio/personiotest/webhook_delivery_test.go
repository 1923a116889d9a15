package personiotest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// hookServer starts a server that delivers to k, with one ENABLED webhook for the events
// given (auth NONE unless auth is set, e.g. `"auth_type":"TOKEN","token":"t"`), and
// returns the webhook's id.
func hookServer(t *testing.T, k *sink, events []string, auth string, opts ...personiotest.Option) (*personiotest.Server, string) {
	t.Helper()
	s := personiotest.NewTestServer(t, append([]personiotest.Option{personiotest.WithGenerated(1, 12),
		personiotest.WithWebhookClient(k.client())}, opts...)...)
	if auth == "" {
		auth = `"auth_type":"NONE"`
	}
	ev, _ := json.Marshal(events)
	w := createHook(t, s, v2Token(t, s, ""), `{"url":"https://receiver.example/hook","description":"test","status":"ENABLED","enabled_events":`+
		string(ev)+`,`+auth+`}`)
	return s, w.ID
}

// mutations returns a change of the company made in a Mutate.
type mutation func(t *testing.T, c *personiotest.Company)

// oneEmployment returns the people that have a single employment and no reports: the
// ones whose changes fire the fewest events.
func plainPeople(t *testing.T, s *personiotest.Server) []int {
	t.Helper()
	tok := v2Token(t, s, "")
	c := s.Company()
	var out []int
	for _, p := range c.People {
		if p.SupervisorID == 0 || len(c.DirectReports(p.ID)) > 0 || p.Status != unified.StatusActive {
			continue
		}
		var v2 v2Person
		mustDecode(t, get(t, s, tok, "/v2/persons/"+strconv.Itoa(p.ID)), &v2)
		if len(v2.Employments) == 1 {
			out = append(out, p.ID)
		}
	}
	if len(out) < 3 {
		t.Fatalf("%d people with one employment and no reports; want 3", len(out))
	}
	return out
}

// employmentOf returns the id of the person's one employment.
func employmentOf(t *testing.T, s *personiotest.Server, id int) string {
	t.Helper()
	var v2 v2Person
	mustDecode(t, get(t, s, v2Token(t, s, ""), "/v2/persons/"+strconv.Itoa(id)), &v2)
	return v2.Employments[0].ID
}

// A change made with Mutate fires the events Personio documents, and nothing for a job
// change: each row is one Mutate and the events delivered for it, in order.
func TestWebhookEventsOfChanges(t *testing.T) {
	t.Parallel()
	k := &sink{}
	all := []string{"person.created", "person.updated", "person.deleted", "employment.created", "employment.updated", "employment.deleted"}
	s, _ := hookServer(t, k, all, "")
	ids := plainPeople(t, s)
	a, b, m := ids[0], ids[1], ids[2]
	ea, eb, em := employmentOf(t, s, a), employmentOf(t, s, b), employmentOf(t, s, m)
	pa, pb, pm := strconv.Itoa(a), strconv.Itoa(b), strconv.Itoa(m)
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	var hired int
	tests := []struct {
		name   string
		change mutation
		want   func() []event
	}{
		{"rename", func(t *testing.T, c *personiotest.Company) { c.Person(a).FirstName = "Renamed" },
			func() []event { return []event{{"person.updated", pa, ""}} }},
		{"email", func(t *testing.T, c *personiotest.Company) { c.Person(a).Email = "renamed@example.com" },
			func() []event { return []event{{"person.updated", pa, ""}} }},
		{"gender", func(t *testing.T, c *personiotest.Company) { c.Person(a).Gender = fakecompany.GenderDiverse },
			func() []event { return []event{{"person.updated", pa, ""}} }},
		{"preferred name", func(t *testing.T, c *personiotest.Company) { c.Person(a).PreferredName = "Ren" },
			func() []event { return []event{{"person.updated", pa, ""}} }},
		{"status only (on leave)", func(t *testing.T, c *personiotest.Company) { c.Person(b).Status = unified.StatusLeave },
			func() []event { return []event{{"employment.updated", pb, eb}} }},
		{"custom attribute", func(t *testing.T, c *personiotest.Company) {
			p := c.Person(a)
			p.Custom = map[string]string{c.Attributes[0].Key: "changed"}
		}, func() []event { return []event{{"person.updated", pa, ""}} }},
		{"job change", func(t *testing.T, c *personiotest.Company) { c.Person(b).Position = "Principal Engineer" },
			func() []event { return nil }},
		{"nothing", func(t *testing.T, c *personiotest.Company) {}, func() []event { return nil }},
		{"supervisor", func(t *testing.T, c *personiotest.Company) {
			if err := c.Move(b, c.Person(b).DepartmentID, c.Person(b).TeamID, c.People[0].ID, at); err != nil {
				t.Fatal(err)
			}
		}, func() []event { return []event{{"employment.updated", pb, eb}} }},
		{"department", func(t *testing.T, c *personiotest.Company) {
			p := c.Person(b)
			for _, d := range c.Departments {
				if d.ID != p.DepartmentID {
					if err := c.Move(b, d.ID, 0, p.SupervisorID, at); err != nil {
						t.Fatal(err)
					}
					return
				}
			}
		}, func() []event { return []event{{"employment.updated", pb, eb}} }},
		{"termination", func(t *testing.T, c *personiotest.Company) {
			if err := c.Terminate(m, fakecompany.DefaultToday().AddDays(30), at); err != nil {
				t.Fatal(err)
			}
		}, func() []event { return []event{{"employment.updated", pm, em}} }},
		{"hire", func(t *testing.T, c *personiotest.Company) { hired = hire(t, c, "New", "Person") },
			func() []event {
				var v2 v2Person
				mustDecode(t, get(t, s, v2Token(t, s, ""), "/v2/persons/"+strconv.Itoa(hired)), &v2)
				id := strconv.Itoa(hired)
				return []event{{"person.created", id, ""}, {"employment.created", id, v2.Employments[0].ID}}
			}},
		{"deletion", func(t *testing.T, c *personiotest.Company) {
			if err := c.Remove(a); err != nil {
				t.Fatal(err)
			}
		}, func() []event { return []event{{"person.deleted", pa, ""}, {"employment.deleted", pa, ea}} }},
	}
	seen := 0
	for _, tt := range tests {
		s.Mutate(func(c *personiotest.Company) { tt.change(t, c) })
		if err := s.WaitWebhooks(context.Background()); err != nil {
			t.Fatal(err)
		}
		reqs := k.requests()
		var got []event
		for _, r := range reqs[seen:] {
			got = append(got, r.event(t))
		}
		seen = len(reqs)
		if diff := cmp.Diff(tt.want(), got); diff != "" {
			t.Errorf("%s: events (-want +got):\n%s", tt.name, diff)
		}
	}
}

// Deleting a manager moves the reports to the manager's manager: each report's employment
// changes, so each fires employment.updated.
func TestWebhookEventsOfManagerDeletion(t *testing.T) {
	t.Parallel()
	k := &sink{}
	s, _ := hookServer(t, k, []string{"person.deleted", "employment.updated"}, "")
	c := s.Company()
	var boss int
	for _, p := range c.People {
		if p.SupervisorID != 0 && len(c.DirectReports(p.ID)) >= 2 {
			boss = p.ID
			break
		}
	}
	if boss == 0 {
		t.Fatal("no manager with two reports below the top")
	}
	reports := c.DirectReports(boss)
	s.Mutate(func(c *personiotest.Company) {
		if err := c.Remove(boss); err != nil {
			t.Fatal(err)
		}
	})
	if err := s.WaitWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range k.requests() {
		e := r.event(t)
		got = append(got, e.Name+" "+e.Person)
	}
	want = append(want, "person.deleted "+strconv.Itoa(boss))
	for _, id := range reports {
		want = append(want, "employment.updated "+strconv.Itoa(id))
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// Deliveries are POSTs of the dataless envelope with Content-Type application/json and
// the webhook's credentials: the exact token in Authorization, or the custom headers, or
// nothing; a signer adds its headers.
func TestWebhookDeliveryRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, auth string
		want       http.Header
	}{
		{"token", `"auth_type":"TOKEN","token":"Bearer s3cret"`, http.Header{"Authorization": {"Bearer s3cret"}}},
		{"token without prefix", `"token":"s3cret"`, http.Header{"Authorization": {"s3cret"}}},
		{"custom", `"auth_type":"CUSTOM","custom_headers":{"X-Hook-Key":"k1","Authorization":"k2"}`,
			http.Header{"X-Hook-Key": {"k1"}, "Authorization": {"k2"}}},
		{"none", `"auth_type":"NONE"`, http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := &sink{}
			s, _ := hookServer(t, k, []string{"person.created"}, tt.auth, personiotest.WithCompanyID("4711"),
				personiotest.WithWebhookSigner(func(h http.Header, body []byte) { h.Set("X-Test-Signature", strconv.Itoa(len(body))) }))
			var id int
			s.Mutate(func(c *personiotest.Company) { id = hire(t, c, "Ada", "Lovelace") })
			if err := s.WaitWebhooks(context.Background()); err != nil {
				t.Fatal(err)
			}
			reqs := k.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			got := http.Header{}
			for _, name := range []string{"Authorization", "X-Hook-Key"} {
				if v := r.Header.Values(name); v != nil {
					got[name] = v
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if sig := r.Header.Get("X-Test-Signature"); sig != strconv.Itoa(len(r.Body)) {
				t.Errorf("signer header %q for a body of %d bytes", sig, len(r.Body))
			}
			var env map[string]json.RawMessage
			if err := json.Unmarshal([]byte(r.Body), &env); err != nil {
				t.Fatal(err)
			}
			wantEnv := map[string]string{"company_id": `"4711"`, "event_name": `"person.created"`,
				"payload": `{"person":{"id":"` + strconv.Itoa(id) + `"}}`}
			for k, v := range wantEnv {
				if string(env[k]) != v {
					t.Errorf("%s = %s, want %s", k, env[k], v)
				}
			}
			var at string
			if err := json.Unmarshal(env["occurred_at"], &at); err != nil {
				t.Fatal(err)
			}
			if _, err := time.Parse(time.RFC3339, at); err != nil || len(env) != 4 {
				t.Errorf("occurred_at %q (%v), %d fields", at, err, len(env))
			}
		})
	}
}

// The retry rules, in virtual time: a 2xx within 3 s acknowledges; a timeout or a 5xx
// other than 501 is tried again at once (two fast requests per attempt) and then after
// each retry delay, 7 attempts and 14 requests at most; 3xx (not followed), 4xx and 501
// are final. Every request is recorded for the Activity API.
func TestWebhookDeliveryRetries(t *testing.T) {
	t.Parallel()
	status := func(code int) func(int, http.ResponseWriter, *http.Request) {
		return func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
	}
	timeout := func(_ int, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	failFirst := func(n int, fail func(int, http.ResponseWriter, *http.Request)) func(int, http.ResponseWriter, *http.Request) {
		return func(i int, w http.ResponseWriter, r *http.Request) {
			if i <= n {
				fail(i, w, r)
				return
			}
			w.WriteHeader(http.StatusOK)
		}
	}
	// The attempts start at these offsets with the default delays (1m, 10m, 1h, 6h,
	// 24h, 36h).
	starts := []time.Duration{0, time.Minute, 11 * time.Minute, 71 * time.Minute, 431 * time.Minute,
		1871 * time.Minute, 4031 * time.Minute}
	twice := func(ds []time.Duration, extra time.Duration) []time.Duration {
		var out []time.Duration
		for i, d := range ds {
			out = append(out, d+2*time.Duration(i)*extra, d+2*time.Duration(i)*extra+extra)
		}
		return out
	}
	tests := []struct {
		name      string
		answer    func(int, http.ResponseWriter, *http.Request)
		at        []time.Duration // when each request was sent
		delivered bool
	}{
		{"200", status(200), []time.Duration{0}, true},
		{"204", status(204), []time.Duration{0}, true},
		{"500", status(500), twice(starts, 0), false},
		{"503", status(503), twice(starts, 0), false},
		{"502 then 200", failFirst(1, status(502)), []time.Duration{0, 0}, true},
		{"500 three times, then 200", failFirst(3, status(500)), []time.Duration{0, 0, time.Minute, time.Minute}, true},
		{"timeout", timeout, twice(starts, 3*time.Second), false},
		{"timeout once, then 200", failFirst(1, timeout), []time.Duration{0, 3 * time.Second}, true},
		{"400", status(400), []time.Duration{0}, false},
		{"401", status(401), []time.Duration{0}, false},
		{"404", status(404), []time.Duration{0}, false},
		{"501", status(501), []time.Duration{0}, false},
		{"302", func(_ int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://receiver.example/elsewhere", http.StatusFound)
		}, []time.Duration{0}, false},
		{"307", func(_ int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://receiver.example/elsewhere", http.StatusTemporaryRedirect)
		}, []time.Duration{0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := &sink{answer: tt.answer}
			s, _ := hookServer(t, k, []string{"person.created"}, "")
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				s.Mutate(func(c *personiotest.Company) { hire(t, c, "Ada", "Lovelace") })
				if err := s.WaitWebhooks(context.Background()); err != nil {
					t.Fatal(err)
				}
				reqs := k.requests()
				var at []time.Duration
				for _, r := range reqs {
					at = append(at, r.At.Sub(start))
					if r.envelope(t).EventName != "person.created" {
						t.Errorf("request for %q", r.envelope(t).EventName)
					}
				}
				if diff := cmp.Diff(tt.at, at); diff != "" {
					t.Errorf("request times (-want +got):\n%s", diff)
				}
				attempts := s.WebhookAttempts()
				if len(attempts) != len(reqs) {
					t.Fatalf("%d attempts recorded for %d requests", len(attempts), len(reqs))
				}
				for i, a := range attempts {
					if a.Attempt != i/2+1 || a.Request != i%2+1 {
						t.Errorf("record %d: attempt %d request %d", i, a.Attempt, a.Request)
					}
					last := i == len(attempts)-1
					if a.Delivered != (tt.delivered && last) {
						t.Errorf("record %d: delivered %t", i, a.Delivered)
					}
				}
			})
		})
	}
}

// WithWebhookRetryDelays compresses the schedule (or removes the extended retries).
func TestWebhookDeliveryRetryDelaysOption(t *testing.T) {
	t.Parallel()
	for _, delays := range [][]time.Duration{{time.Second, 2 * time.Second}, {}} {
		k := &sink{answer: func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }}
		s, _ := hookServer(t, k, []string{"person.created"}, "", personiotest.WithWebhookRetryDelays(delays...))
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			s.Mutate(func(c *personiotest.Company) { hire(t, c, "Ada", "Lovelace") })
			if err := s.WaitWebhooks(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n, want := len(k.requests()), 2*(len(delays)+1); n != want {
				t.Errorf("delays %v: %d requests, want %d", delays, n, want)
			}
			var total time.Duration
			for _, d := range delays {
				total += d
			}
			if el := time.Since(start); el != total {
				t.Errorf("delays %v: took %v, want %v", delays, el, total)
			}
		})
	}
}

// Mutate never waits for deliveries: a receiver that does not answer holds up neither
// Mutate nor the next change's events, which queue behind it.
func TestWebhookDeliveryDoesNotBlockMutate(t *testing.T) {
	t.Parallel()
	k := &sink{}
	s, _ := hookServer(t, k, []string{"person.created"}, "")
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		k.mu.Lock()
		k.answer = func(_ int, w http.ResponseWriter, _ *http.Request) {
			<-release
			w.WriteHeader(http.StatusOK)
		}
		k.mu.Unlock()
		for i := range 3 {
			s.Mutate(func(c *personiotest.Company) { hire(t, c, "P", strconv.Itoa(i)) })
		}
		synctest.Wait()
		if n := len(k.requests()); n != 1 {
			t.Fatalf("%d requests while the first is unanswered, want 1", n)
		}
		close(release)
		if err := s.WaitWebhooks(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := len(k.requests()); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
	})
}

// Hold, LastFirst and Duplicates reorder and repeat deliveries on purpose.
func TestWebhookDeliveryHoldReorderDuplicate(t *testing.T) {
	t.Parallel()
	k := &sink{}
	s, _ := hookServer(t, k, []string{"person.created"}, "")
	synctest.Test(t, func(t *testing.T) {
		s.SetWebhookDelivery(personiotest.WebhookDelivery{Hold: true, Duplicates: 1})
		var ids []string
		for i := range 3 {
			s.Mutate(func(c *personiotest.Company) { ids = append(ids, strconv.Itoa(hire(t, c, "P", strconv.Itoa(i)))) })
		}
		synctest.Wait()
		if n := len(k.requests()); n != 0 {
			t.Fatalf("%d requests while held", n)
		}
		s.SetWebhookDelivery(personiotest.WebhookDelivery{LastFirst: true, Delay: time.Second})
		start := time.Now()
		if err := s.WaitWebhooks(context.Background()); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range k.requests() {
			got = append(got, r.event(t).Person)
		}
		want := []string{ids[2], ids[2], ids[1], ids[1], ids[0], ids[0]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("delivery order (-want +got):\n%s", diff)
		}
		if el := time.Since(start); el != 6*time.Second {
			t.Errorf("6 deliveries with a 1s delay each took %v", el)
		}
	})
}

// Close cancels a delivery in flight and drops the retries: nothing is left running.
func TestWebhookCloseStopsDeliveries(t *testing.T) {
	t.Parallel()
	k := &sink{answer: func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }}
	s, _ := hookServer(t, k, []string{"person.created"}, "")
	synctest.Test(t, func(t *testing.T) {
		s.Mutate(func(c *personiotest.Company) { hire(t, c, "Ada", "Lovelace") })
		time.Sleep(2 * time.Minute) // two attempts made, the third waits
		s.Close()
		if n := len(k.requests()); n != 4 {
			t.Errorf("%d requests before Close, want 4", n)
		}
		s.Mutate(func(c *personiotest.Company) { hire(t, c, "Bob", "Lovelace") })
		synctest.Wait()
		if n := len(k.requests()); n != 4 {
			t.Errorf("%d requests after Close, want still 4", n)
		}
	})
}
