package personio

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"
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

// mockClient returns a client whose requests go to a fresh httpmock transport, with three
// attempts per call and the default backoff: a test whose calls are retried runs in a
// synctest bubble, where the waits take no time. Extra settings come from edit.
func mockClient(t *testing.T, edit func(*Config)) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	cfg := Config{
		ClientID:     testID,
		ClientSecret: testSecret,
		HTTPClient:   &http.Client{Transport: mt},
		RateLimit:    NoRateLimit,
		MaxAttempts:  3,
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

// employeeLog records the answers of a mock employee list.
type employeeLog struct {
	mu       sync.Mutex
	offsets  []int
	statuses []int
}

// byOffset counts the requests by offset.
func (l *employeeLog) ByOffset() map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := map[int]int{}
	for _, off := range l.offsets {
		n[off]++
	}
	return n
}

// status counts the answers with the given status.
func (l *employeeLog) Status(code int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.statuses {
		if s == code {
			n++
		}
	}
	return n
}

// mockEmployees registers tokens, an empty attribute catalog and the employees with ids
// 1 to n on mt, served by GET /v1/company/employees with limit, offset and
// metadata.total_elements as Personio serves them. answer, when set, sees every list
// request with its offset first and may answer it (nil: serve the page).
func mockEmployees(mt *httpmock.MockTransport, n int, answer func(req *http.Request, off int) *http.Response) *employeeLog {
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees/attributes", respond(200, `{"success":true,"data":[]}`))
	log := &employeeLog{}
	mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		var resp *http.Response
		if answer != nil {
			resp = answer(req, off)
		}
		if resp == nil {
			var recs []string
			for id := off + 1; id <= min(n, off+limit); id++ {
				recs = append(recs, employeeJSONText(map[string]string{
					"id":              strconv.Itoa(id),
					"first_name":      `"Person"`,
					"last_name":       strconv.Quote("No" + strconv.Itoa(id)),
					"email":           strconv.Quote("p" + strconv.Itoa(id) + "@example.com"),
					"status":          `"active"`,
					"employment_type": `"internal"`,
				}))
			}
			resp = newResponse(req, 200, fmt.Sprintf(`{"success":true,"metadata":{"total_elements":%d},"offset":%d,"limit":%d,"data":[%s]}`,
				n, off, limit, strings.Join(recs, ",")))
		}
		log.mu.Lock()
		log.offsets = append(log.offsets, off)
		log.statuses = append(log.statuses, resp.StatusCode)
		log.mu.Unlock()
		return resp, nil
	})
	return log
}

// seqIDs returns the ids from to to as text.
func seqIDs(from, to int) []string {
	var ids []string
	for id := from; id <= to; id++ {
		ids = append(ids, strconv.Itoa(id))
	}
	return ids
}
