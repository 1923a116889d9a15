package personio

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testBase   = "https://api.personio.de"
	testID     = "papi-client-id"
	testSecret = "s3cr3t-Value-That-Must-Not-Leak"
	v1Token    = "papi-v1-token-aaaa"
	v2Token    = "papi-v2-token-bbbb"
)

// fakeClock is a manual clock for the token caches.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mockClient returns a client whose requests go to a fresh httpmock transport, with
// retries that sleep about nothing. Extra settings come from edit.
func mockClient(t *testing.T, edit func(*Config)) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	cfg := Config{
		ClientID:     testID,
		ClientSecret: testSecret,
		HTTPClient:   &http.Client{Transport: mt},
		RateLimit:    rate.Inf,
		MaxAttempts:  3,
		waitHook:     func(time.Duration) time.Duration { return 0 },
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mt
}

// respond returns a fresh response for every call.
func respond(status int, body string, headers ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		return newResponse(req, status, body, headers...), nil
	}
}

func newResponse(req *http.Request, status int, body string, headers ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Add(headers[i], headers[i+1])
	}
	if h.Get("Content-Type") == "" && body != "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// tokenResponders registers the two token endpoints; the counters count their calls.
type tokenCounts struct{ v1, v2 atomic.Int64 }

func registerTokens(mt *httpmock.MockTransport) *tokenCounts {
	tc := &tokenCounts{}
	mt.RegisterResponder(http.MethodPost, testBase+"/v1/auth", func(req *http.Request) (*http.Response, error) {
		tc.v1.Add(1)
		return newResponse(req, 200, `{"success":true,"data":{"token":"`+v1Token+`"}}`), nil
	})
	mt.RegisterResponder(http.MethodPost, testBase+"/v2/auth/token", func(req *http.Request) (*http.Response, error) {
		tc.v2.Add(1)
		return newResponse(req, 200, `{"access_token":"`+v2Token+`","token_type":"Bearer","expires_in":86400,"scope":"personio:persons:read"}`), nil
	})
	return tc
}

// readBody returns a request body as text.
func readBody(t *testing.T, req *http.Request) string {
	t.Helper()
	if req.Body == nil {
		return ""
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Errorf("reading request body: %v", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}

// fakeClient returns a client of the fake server, unthrottled, with quick retries.
func fakeClient(t testing.TB, srv *personiotest.Server, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		ClientID:     srv.ClientID,
		ClientSecret: srv.ClientSecret,
		BaseURL:      srv.URL,
		HTTPClient:   srv.Client(),
		RateLimit:    rate.Inf,
		MinWait:      time.Millisecond,
		MaxWait:      5 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// newServer starts a fake Personio that is closed when the test ends.
func newServer(t testing.TB, opts ...personiotest.Option) *personiotest.Server {
	t.Helper()
	srv := personiotest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// employeeJSONText builds a v1 employee object from attribute snippets keyed by name:
// each value is the JSON of the attribute's value; the type is "standard" unless given
// as "type|json".
func employeeJSONText(attrs map[string]string) string {
	var b strings.Builder
	b.WriteString(`{"type":"Employee","attributes":{`)
	first := true
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	// Deterministic order for readable failures.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	for _, k := range keys {
		v := attrs[k]
		typ := "standard"
		if i := strings.IndexByte(v, '|'); i > 0 && !strings.ContainsAny(v[:i], `"{[`) {
			typ, v = v[:i], v[i+1:]
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		uid := `"` + k + `"`
		if strings.HasPrefix(k, "dynamic_") {
			uid = "null"
		}
		b.WriteString(strconv.Quote(k) + `:{"label":` + strconv.Quote(strings.ReplaceAll(k, "_", " ")) +
			`,"value":` + v + `,"type":"` + typ + `","universal_id":` + uid + `}`)
	}
	b.WriteString(`}}`)
	return b.String()
}
