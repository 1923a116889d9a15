package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testToken   = "Bearer tok-Secret-Value-0123456789"
	testCompany = "4711"
)

// testHeaders are custom-header credentials whose values must never leak.
var testHeaders = map[string]string{
	"X-Hook-Key":    "hdr-Secret-One-abcdef",
	"X-Hook-Tenant": "hdr-Secret-Two-ghijkl",
	"Authorization": "hdr-Secret-Three-mnopqr",
}

// envelope returns a delivery body.
func envelope(name, company, payload string) string {
	return `{"company_id":` + company + `,"event_name":"` + name + `","occurred_at":"2025-03-01T10:15:30.123Z","payload":` + payload + `}`
}

var personCreated = envelope(PersonCreated, `"`+testCompany+`"`, `{"person":{"id":"123"}}`)

// post returns a delivery request of body with the given headers (name, value pairs)
// and Content-Type application/json unless given.
func post(body string, headers ...string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/personio/webhook", strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	if _, ok := req.Header["Content-Type"]; !ok {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// serve runs one delivery through r and returns the status.
func serve(r *Receiver, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

// newReceiver returns a receiver of cfg that is closed when the test ends.
func newReceiver(t *testing.T, cfg Config) *Receiver {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// queued returns the events waiting in r's queue without blocking.
func queued(r *Receiver) []Event {
	var out []Event
	for {
		select {
		case ev, ok := <-r.Events():
			if !ok {
				return out
			}
			out = append(out, ev)
		default:
			return out
		}
	}
}

// testVerifier is a signature scheme defined for these tests only (Personio's is not
// published): X-Test-Timestamp holds a Unix time, X-Test-Signature the hex HMAC-SHA256 of
// timestamp + "." + body.
type testVerifier struct {
	secret []byte
	// bodies records the bodies Verify was called with.
	bodies *[][]byte
}

var errBadSignature = errors.New("bad signature")

func (v testVerifier) Verify(h http.Header, body []byte) error {
	if v.bodies != nil {
		*v.bodies = append(*v.bodies, body)
	}
	ts, sig := h.Get("X-Test-Timestamp"), h.Get("X-Test-Signature")
	if ts == "" || sig == "" {
		return errBadSignature
	}
	want := sign(v.secret, ts, []byte(body))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errBadSignature
	}
	return nil
}

func sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// testTime is the occurred_at of envelope.
var testTime = time.Date(2025, 3, 1, 10, 15, 30, 123e6, time.UTC)
