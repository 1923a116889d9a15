package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestReceiverAuthenticates(t *testing.T) {
	t.Parallel()
	tokenAuth := Auth{Type: AuthToken, Token: testToken}
	customAuth := Auth{Type: AuthCustom, Headers: testHeaders}
	allCustom := []string{"X-Hook-Key", testHeaders["X-Hook-Key"], "X-Hook-Tenant", testHeaders["X-Hook-Tenant"], "Authorization", testHeaders["Authorization"]}
	tests := []struct {
		name    string
		auth    Auth
		headers []string
		want    int
	}{
		{"token", tokenAuth, []string{"Authorization", testToken}, http.StatusAccepted},
		{"token missing", tokenAuth, nil, http.StatusUnauthorized},
		{"token wrong", tokenAuth, []string{"Authorization", testToken + "x"}, http.StatusUnauthorized},
		{"token without its prefix", tokenAuth, []string{"Authorization", strings.TrimPrefix(testToken, "Bearer ")}, http.StatusUnauthorized},
		{"prefix added by the sender", Auth{Type: AuthToken, Token: "abc"}, []string{"Authorization", "Bearer abc"}, http.StatusUnauthorized},
		{"token sent twice", tokenAuth, []string{"Authorization", testToken, "Authorization", testToken}, http.StatusUnauthorized},
		{"token in another header", tokenAuth, []string{"X-Token", testToken}, http.StatusUnauthorized},
		{"custom", customAuth, allCustom, http.StatusAccepted},
		{"custom, names in lower case", customAuth, []string{"x-hook-key", testHeaders["X-Hook-Key"], "x-hook-tenant", testHeaders["X-Hook-Tenant"], "authorization", testHeaders["Authorization"]}, http.StatusAccepted},
		{"custom, one missing", customAuth, allCustom[:4], http.StatusUnauthorized},
		{"custom, one wrong", customAuth, slices.Concat(allCustom[:4], []string{"Authorization", "nope"}), http.StatusUnauthorized},
		{"custom, none", customAuth, nil, http.StatusUnauthorized},
		{"none, explicitly", Auth{Type: AuthNone}, nil, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReceiver(t, Config{Auth: tt.auth})
			w := serve(r, post(personCreated, tt.headers...))
			if w.Code != tt.want {
				t.Fatalf("status = %d, want %d", w.Code, tt.want)
			}
			got := queued(r)
			if tt.want != http.StatusAccepted {
				if len(got) != 0 {
					t.Errorf("%d events queued for a rejected delivery", len(got))
				}
				return
			}
			want := []Event{{Name: PersonCreated, CompanyID: testCompany, OccurredAt: testTime,
				Payload: map[string]string{"person": "123"}, Raw: []byte(personCreated)}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("queued (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReceiverComparesInConstantTime checks that credentials are compared with the
// constant-time function, every one of them, even after a mismatch.
func TestReceiverComparesInConstantTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		auth      Auth
		headers   []string
		wantCalls int
		want      int
	}{
		{"token missing", Auth{Type: AuthToken, Token: testToken}, nil, 1, http.StatusUnauthorized},
		{"token right", Auth{Type: AuthToken, Token: testToken}, []string{"Authorization", testToken}, 1, http.StatusAccepted},
		{"first of three headers wrong", Auth{Type: AuthCustom, Headers: testHeaders}, []string{
			"Authorization", "wrong", "X-Hook-Key", testHeaders["X-Hook-Key"], "X-Hook-Tenant", testHeaders["X-Hook-Tenant"]}, 3, http.StatusUnauthorized},
		{"all headers missing", Auth{Type: AuthCustom, Headers: testHeaders}, nil, 3, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReceiver(t, Config{Auth: tt.auth})
			calls := 0
			r.equal = func(got, want []byte) bool {
				calls++
				return constantTimeEqual(got, want)
			}
			if w := serve(r, post(personCreated, tt.headers...)); w.Code != tt.want {
				t.Fatalf("status = %d, want %d", w.Code, tt.want)
			}
			if calls != tt.wantCalls {
				t.Errorf("constant-time comparisons = %d, want %d", calls, tt.wantCalls)
			}
		})
	}
}

func TestConstantTimeEqual(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "abcd", false},
		{"", "abc", false},
		{"", "", true},
	} {
		if got := constantTimeEqual([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("constantTimeEqual(%q, %q) = %t, want %t", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestReceiverVerifier(t *testing.T) {
	t.Parallel()
	secret := []byte("shared-hmac-secret")
	// The body has insignificant whitespace: the signature is over the bytes as sent.
	body := "{\n  " + personCreated[1:]
	tests := []struct {
		name    string
		body    string
		headers []string
		want    int
	}{
		{"valid", body, []string{"X-Test-Timestamp", "1700000000", "X-Test-Signature", sign(secret, "1700000000", []byte(body))}, http.StatusAccepted},
		{"body altered", body + " ", []string{"X-Test-Timestamp", "1700000000", "X-Test-Signature", sign(secret, "1700000000", []byte(body))}, http.StatusUnauthorized},
		{"timestamp altered", body, []string{"X-Test-Timestamp", "1700000001", "X-Test-Signature", sign(secret, "1700000000", []byte(body))}, http.StatusUnauthorized},
		{"other secret", body, []string{"X-Test-Timestamp", "1700000000", "X-Test-Signature", sign([]byte("other"), "1700000000", []byte(body))}, http.StatusUnauthorized},
		{"unsigned", body, nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		for _, perCompany := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/perCompany=%t", tt.name, perCompany), func(t *testing.T) {
				t.Parallel()
				var bodies [][]byte
				auth := Auth{Type: AuthToken, Token: testToken, Verifier: testVerifier{secret: secret, bodies: &bodies}}
				cfg := Config{Auth: auth}
				if perCompany {
					cfg = Config{AuthFor: func(context.Context, string) (Auth, error) { return auth, nil }}
				}
				r := newReceiver(t, cfg)
				w := serve(r, post(tt.body, append([]string{"Authorization", testToken}, tt.headers...)...))
				if w.Code != tt.want {
					t.Fatalf("status = %d, want %d", w.Code, tt.want)
				}
				if diff := cmp.Diff([][]byte{[]byte(tt.body)}, bodies); diff != "" {
					t.Errorf("bodies verified (-want +got):\n%s", diff)
				}
				if n := len(queued(r)); (tt.want == http.StatusAccepted) != (n == 1) {
					t.Errorf("%d events queued", n)
				}
			})
		}
	}
}

// TestReceiverVerifierNotCalledWithoutCredentials: the signature is checked only after
// the credentials, so an unauthenticated request costs no HMAC.
func TestReceiverVerifierNotCalledWithoutCredentials(t *testing.T) {
	t.Parallel()
	var bodies [][]byte
	r := newReceiver(t, Config{Auth: Auth{Type: AuthToken, Token: testToken, Verifier: testVerifier{secret: []byte("s"), bodies: &bodies}}})
	if w := serve(r, post(personCreated)); w.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", w.Code)
	}
	if len(bodies) != 0 {
		t.Errorf("verifier called %d times for a request without credentials", len(bodies))
	}
}

func TestReceiverChecksRequests(t *testing.T) {
	t.Parallel()
	const maxBody = 512
	auth := []string{"Authorization", testToken}
	padded := personCreated + strings.Repeat(" ", maxBody-len(personCreated))
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"GET", func() *http.Request {
			req := httptest.NewRequest(http.MethodGet, "/personio/webhook", nil)
			req.Header.Set("Authorization", testToken)
			return req
		}, http.StatusMethodNotAllowed},
		{"PUT", func() *http.Request {
			req := post(personCreated, auth...)
			req.Method = http.MethodPut
			return req
		}, http.StatusMethodNotAllowed},
		{"text/plain", func() *http.Request {
			return post(personCreated, "Authorization", testToken, "Content-Type", "text/plain")
		}, http.StatusUnsupportedMediaType},
		{"no content type", func() *http.Request { return post(personCreated, "Authorization", testToken, "Content-Type", "") }, http.StatusUnsupportedMediaType},
		{"application/json+x", func() *http.Request {
			return post(personCreated, "Authorization", testToken, "Content-Type", "application/jsonx")
		}, http.StatusUnsupportedMediaType},
		{"json with charset", func() *http.Request {
			return post(personCreated, "Authorization", testToken, "Content-Type", "application/json; charset=utf-8")
		}, http.StatusAccepted},
		{"JSON in upper case", func() *http.Request {
			return post(personCreated, "Authorization", testToken, "Content-Type", "Application/JSON")
		}, http.StatusAccepted},
		{"wrong type, no credentials: 401 first", func() *http.Request { return post(personCreated, "Content-Type", "text/plain") }, http.StatusUnauthorized},
		{"body at the cap", func() *http.Request { return post(padded, auth...) }, http.StatusAccepted},
		{"body over the cap, length known", func() *http.Request { return post(padded+" ", auth...) }, http.StatusRequestEntityTooLarge},
		{"body over the cap, length unknown", func() *http.Request {
			req := post(padded+" ", auth...)
			req.ContentLength = -1
			req.Body = io.NopCloser(strings.NewReader(padded + " "))
			return req
		}, http.StatusRequestEntityTooLarge},
		{"empty body", func() *http.Request { return post("", auth...) }, http.StatusBadRequest},
		{"not JSON", func() *http.Request { return post("company_id=1", auth...) }, http.StatusBadRequest},
		{"array", func() *http.Request { return post("["+personCreated+"]", auth...) }, http.StatusBadRequest},
		{"two objects", func() *http.Request { return post(personCreated+personCreated, auth...) }, http.StatusBadRequest},
		{"no company_id", func() *http.Request {
			return post(`{"event_name":"person.created","occurred_at":"2025-03-01T10:15:30Z","payload":{}}`, auth...)
		}, http.StatusBadRequest},
		{"no payload", func() *http.Request {
			return post(`{"company_id":"1","event_name":"person.created","occurred_at":"2025-03-01T10:15:30Z"}`, auth...)
		}, http.StatusBadRequest},
		{"bad occurred_at", func() *http.Request {
			return post(`{"company_id":"1","event_name":"person.created","occurred_at":"yesterday","payload":{}}`, auth...)
		}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReceiver(t, Config{Auth: Auth{Type: AuthToken, Token: testToken}, MaxBodyBytes: maxBody})
			w := serve(r, tt.req())
			if w.Code != tt.want {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.want, strings.TrimSpace(w.Body.String()))
			}
			if tt.want == http.StatusMethodNotAllowed {
				if got := w.Header().Get("Allow"); got != http.MethodPost {
					t.Errorf("Allow = %q, want POST", got)
				}
			}
			if n := len(queued(r)); (tt.want == http.StatusAccepted) != (n == 1) {
				t.Errorf("%d events queued", n)
			}
		})
	}
}

// TestReceiverPassesEventsThrough: events the package has no name for, kebab-case keys
// and numeric ids are queued as decoded, with the body as received.
func TestReceiverPassesEventsThrough(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, Config{Auth: Auth{Type: AuthNone}})
	bodies := []string{
		envelope("absence-period.updated.timerange", `4711`, `{"absence-period":{"id":98},"person":{"id":7}}`),
		envelope("workplace.moved", `"4711"`, `{"workplace":{"id":"w-1"}}`),
	}
	for _, b := range bodies {
		if w := serve(r, post(b)); w.Code != http.StatusAccepted {
			t.Fatalf("status = %d, want 202", w.Code)
		}
	}
	want := []Event{
		{Name: "absence-period.updated.timerange", CompanyID: "4711", OccurredAt: testTime,
			Payload: map[string]string{"absence_period": "98", "person": "7"}, Raw: []byte(bodies[0])},
		{Name: "workplace.moved", CompanyID: "4711", OccurredAt: testTime,
			Payload: map[string]string{"workplace": "w-1"}, Raw: []byte(bodies[1])},
	}
	if diff := cmp.Diff(want, queued(r)); diff != "" {
		t.Errorf("queued (-want +got):\n%s", diff)
	}
}

func TestReceiverCompanyID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, company string
		want          int
	}{
		{"expected company", `"4711"`, http.StatusAccepted},
		{"expected company as a number", `4711`, http.StatusAccepted},
		{"another company", `"4712"`, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReceiver(t, Config{Auth: Auth{Type: AuthNone}, CompanyID: testCompany})
			if w := serve(r, post(envelope(PersonUpdated, tt.company, `{"person":{"id":1}}`))); w.Code != tt.want {
				t.Fatalf("status = %d, want %d", w.Code, tt.want)
			}
			if n := len(queued(r)); (tt.want == http.StatusAccepted) != (n == 1) {
				t.Errorf("%d events queued", n)
			}
		})
	}
}

func TestReceiverPerCompanyAuth(t *testing.T) {
	t.Parallel()
	errDown := errors.New("credential store down")
	tenants := map[string]Auth{
		"1": {Type: AuthToken, Token: "token-of-company-1"},
		"2": {Type: AuthCustom, Headers: map[string]string{"X-Key": "key-of-company-2"}},
		"3": {Type: AuthToken}, // invalid: no token
	}
	type ctxKey struct{}
	lookup := func(ctx context.Context, company string) (Auth, error) {
		if ctx.Value(ctxKey{}) != "request" {
			return Auth{}, errors.New("not called with the request's context")
		}
		if company == "9" {
			return Auth{}, errDown
		}
		a, ok := tenants[company]
		if !ok {
			return Auth{}, fmt.Errorf("company %s: %w", company, ErrUnknownCompany)
		}
		return a, nil
	}
	tests := []struct {
		name, company string
		headers       []string
		want          int
	}{
		{"company 1, its token", "1", []string{"Authorization", "token-of-company-1"}, http.StatusAccepted},
		{"company 1, company 2's key", "1", []string{"X-Key", "key-of-company-2"}, http.StatusUnauthorized},
		{"company 2, its key", "2", []string{"X-Key", "key-of-company-2"}, http.StatusAccepted},
		{"company 2, company 1's token", "2", []string{"Authorization", "token-of-company-1"}, http.StatusUnauthorized},
		{"unknown company", "7", []string{"Authorization", "token-of-company-1"}, http.StatusUnauthorized},
		{"lookup fails", "9", []string{"Authorization", "token-of-company-1"}, http.StatusServiceUnavailable},
		{"invalid credentials configured", "3", []string{"Authorization", ""}, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newReceiver(t, Config{AuthFor: lookup})
			req := post(envelope(EmploymentUpdated, `"`+tt.company+`"`, `{"employment":{"id":"e-1"},"person":{"id":5}}`), tt.headers...)
			req = req.WithContext(context.WithValue(req.Context(), ctxKey{}, "request"))
			if w := serve(r, req); w.Code != tt.want {
				t.Fatalf("status = %d, want %d", w.Code, tt.want)
			}
			got := queued(r)
			if tt.want != http.StatusAccepted {
				if len(got) != 0 {
					t.Errorf("%d events queued", len(got))
				}
				return
			}
			if len(got) != 1 || got[0].CompanyID != tt.company || got[0].Payload["employment"] != "e-1" || got[0].Payload["person"] != "5" {
				t.Errorf("queued %+v", got)
			}
		})
	}
}

func TestReceiverFullQueue(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, Config{Auth: Auth{Type: AuthNone}, QueueSize: 2})
	deliver := func(id string) int {
		return serve(r, post(envelope(PersonUpdated, `"1"`, `{"person":{"id":"`+id+`"}}`))).Code
	}
	for i, want := range []int{http.StatusAccepted, http.StatusAccepted, http.StatusServiceUnavailable, http.StatusServiceUnavailable} {
		if got := deliver(fmt.Sprint(i)); got != want {
			t.Fatalf("delivery %d: status = %d, want %d", i, got, want)
		}
	}
	// The consumer takes one event: the next delivery fits again.
	if ev := <-r.Events(); ev.Payload["person"] != "0" {
		t.Fatalf("first event is about person %q, want 0", ev.Payload["person"])
	}
	if got := deliver("retried"); got != http.StatusAccepted {
		t.Fatalf("after draining one: status = %d, want 202", got)
	}
	var ids []string
	for _, ev := range queued(r) {
		ids = append(ids, ev.Payload["person"])
	}
	if diff := cmp.Diff([]string{"1", "retried"}, ids); diff != "" {
		t.Errorf("queued (-want +got):\n%s", diff)
	}
}

// TestReceiverAcknowledgesWhileConsumerBlocked: a consumer stuck on an event never delays
// the answers. In a synctest bubble a handler that waited on the consumer would deadlock
// the test instead of hanging it.
func TestReceiverAcknowledgesWhileConsumerBlocked(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r, err := New(Config{Auth: Auth{Type: AuthToken, Token: testToken}, QueueSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		took, release, done := make(chan Event), make(chan struct{}), make(chan int)
		go func() {
			n := 0
			for ev := range r.Events() {
				n++
				if n == 1 {
					took <- ev
					<-release // blocked until the end of the test
				}
			}
			done <- n
		}()
		deliver := func() int { return serve(r, post(personCreated, "Authorization", testToken)).Code }

		if got := deliver(); got != http.StatusAccepted {
			t.Fatalf("first delivery: status = %d, want 202", got)
		}
		<-took // the consumer holds the first event and blocks
		for i, want := range []int{http.StatusAccepted, http.StatusServiceUnavailable, http.StatusServiceUnavailable} {
			if got := deliver(); got != want {
				t.Fatalf("delivery %d while the consumer is blocked: status = %d, want %d", i+2, got, want)
			}
		}
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("the consumer ended while blocked")
		default:
		}
		close(release)
		_ = r.Close()
		if n := <-done; n != 2 {
			t.Errorf("consumer read %d events, want 2", n)
		}
	})
}

// TestReceiverCloseUnderLoad delivers concurrently while the receiver closes: every
// delivery is answered 202 or 503, and exactly the accepted ones reach the consumer.
func TestReceiverCloseUnderLoad(t *testing.T) {
	t.Parallel()
	r, err := New(Config{Auth: Auth{Type: AuthNone}, QueueSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	const senders, each = 8, 25
	var accepted sync.Map
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("%d-%d", s, i)
				switch code := serve(r, post(envelope(PersonUpdated, `"1"`, `{"person":{"id":"`+id+`"}}`))).Code; code {
				case http.StatusAccepted:
					accepted.Store(id, true)
				case http.StatusServiceUnavailable:
				default:
					t.Errorf("status %d", code)
				}
			}
		})
	}
	consumed := map[string]bool{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range r.Events() {
			consumed[ev.Payload["person"]] = true
		}
	}()
	_ = r.Close()
	wg.Wait()
	_ = r.Close() // idempotent
	<-done
	want := map[string]bool{}
	accepted.Range(func(k, _ any) bool { want[k.(string)] = true; return true })
	if diff := cmp.Diff(want, consumed); diff != "" {
		t.Errorf("consumed vs accepted (-accepted +consumed):\n%s", diff)
	}
	if code := serve(r, post(personCreated)).Code; code != http.StatusServiceUnavailable {
		t.Errorf("after Close: status = %d, want 503", code)
	}
}

// TestReceiverOverHTTP runs deliveries through a real server.
func TestReceiverOverHTTP(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, Config{Auth: Auth{Type: AuthToken, Token: testToken}, CompanyID: testCompany})
	mux := http.NewServeMux()
	mux.Handle("POST /personio/webhook", r)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	send := func(token, body string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/personio/webhook", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := send("", personCreated); got != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", got)
	}
	if got := send(testToken, personCreated); got != http.StatusAccepted {
		t.Errorf("token: %d, want 202", got)
	}
	ev := <-r.Events()
	if id, _ := ev.Resource("person"); ev.Name != PersonCreated || id != "123" {
		t.Errorf("event %s about person %q", ev.Name, id)
	}
	srv.CloseClientConnections()
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	secretValue := "sEcReT-value-42"
	lookup := func(context.Context, string) (Auth, error) { return Auth{}, nil }
	tests := map[string]Config{
		"nothing":               {},
		"both":                  {Auth: Auth{Type: AuthToken, Token: secretValue}, AuthFor: lookup},
		"verifier with AuthFor": {Auth: Auth{Verifier: testVerifier{}}, AuthFor: lookup},
		"no type":               {Auth: Auth{Token: secretValue}},
		"unknown type":          {Auth: Auth{Type: "BASIC", Token: secretValue}},
		"token empty":           {Auth: Auth{Type: AuthToken}},
		"token with space":      {Auth: Auth{Type: AuthToken, Token: secretValue + " "}},
		"token with newline":    {Auth: Auth{Type: AuthToken, Token: secretValue + "\nX: y"}},
		"token with headers":    {Auth: Auth{Type: AuthToken, Token: secretValue, Headers: map[string]string{"X-A": secretValue}}},
		"none with token":       {Auth: Auth{Type: AuthNone, Token: secretValue}},
		"custom without":        {Auth: Auth{Type: AuthCustom}},
		"custom with token":     {Auth: Auth{Type: AuthCustom, Token: secretValue, Headers: map[string]string{"X-A": secretValue}}},
		"four headers": {Auth: Auth{Type: AuthCustom, Headers: map[string]string{
			"X-A": secretValue, "X-B": secretValue, "X-C": secretValue, "X-D": secretValue}}},
		"bad header name":    {Auth: Auth{Type: AuthCustom, Headers: map[string]string{"X A": secretValue}}},
		"empty header value": {Auth: Auth{Type: AuthCustom, Headers: map[string]string{"X-A": ""}}},
		"negative body cap":  {Auth: Auth{Type: AuthNone}, MaxBodyBytes: -1},
		"negative queue":     {Auth: Auth{Type: AuthNone}, QueueSize: -1},
	}
	for _, banned := range []string{"Host", "content-length", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Trailer", "Expect", "Content-Type",
		"Hostname", "Content-Type-Options", "Te-Extra", "Connection-Id", "EXPECTATION", "Tenant"} {
		tests["banned "+banned] = Config{Auth: Auth{Type: AuthCustom, Headers: map[string]string{banned: secretValue}}}
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := New(cfg)
			if !errors.Is(err, unified.ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			if strings.Contains(err.Error(), secretValue) {
				t.Errorf("error reveals the secret: %v", err)
			}
		})
	}
}

func TestSecretsArePrintedRedacted(t *testing.T) {
	t.Parallel()
	auth := Auth{Type: AuthCustom, Headers: testHeaders, Verifier: testVerifier{secret: []byte("hmac-Secret-zyx")}}
	tokenAuth := Auth{Type: AuthToken, Token: testToken}
	r := newReceiver(t, Config{Auth: tokenAuth})
	values := map[string]any{
		"Auth": auth, "*Auth": &auth, "token Auth": tokenAuth,
		"Config": Config{Auth: auth, CompanyID: "1"}, "*Config": &Config{Auth: tokenAuth},
		"*Receiver": r,
		"holder":    struct{ A Auth }{auth},
	}
	secrets := []string{testToken, "tok-Secret", "hdr-Secret", "hmac-Secret"}
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
		for _, s := range secrets {
			if strings.Contains(buf.String(), s) {
				t.Errorf("slog of %s reveals %q: %s", name, s, buf.String())
			}
		}
	}
	if s := auth.String(); !strings.Contains(s, `"X-Hook-Key":[REDACTED]`) {
		t.Errorf("Auth.String() = %s, want the header names with redacted values", s)
	}
}

// TestReceiverNeverLogsSecrets logs at debug level through every answer and checks that
// no credential or body appears.
func TestReceiverNeverLogsSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := newReceiver(t, Config{Auth: Auth{Type: AuthCustom, Headers: testHeaders}, Logger: log, QueueSize: 1})
	all := []string{"X-Hook-Key", testHeaders["X-Hook-Key"], "X-Hook-Tenant", testHeaders["X-Hook-Tenant"], "Authorization", testHeaders["Authorization"]}
	bodyMark := "person-id-BODYMARK"
	body := envelope(PersonCreated, `"1"`, `{"person":{"id":"`+bodyMark+`"}}`)
	for _, req := range []*http.Request{
		post(body, all...), // accepted
		post(body, all...), // queue full
		post(body, slices.Concat(all[:4], []string{"Authorization", testToken})...), // wrong
		post(`{"company_id":1}`, all...),                                            // malformed
	} {
		serve(r, req)
	}
	out := buf.String()
	if !strings.Contains(out, "delivery rejected") || !strings.Contains(out, "event queued") {
		t.Fatalf("log lacks the expected records:\n%s", out)
	}
	for _, s := range []string{"hdr-Secret", "tok-Secret", bodyMark} {
		if strings.Contains(out, s) {
			t.Errorf("log reveals %q:\n%s", s, out)
		}
	}
}
