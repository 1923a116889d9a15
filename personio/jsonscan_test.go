package personio

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// reflectDecode decodes an employee the plain way, for comparison with the scanner.
func reflectDecode(b []byte) (employeeJSON, error) {
	var e employeeJSON
	err := json.Unmarshal(b, &e)
	for k, a := range e.Attributes {
		a.Key = k
		e.Attributes[k] = a
	}
	return e, err
}

// parsedPage is a whole employee list page with its records collected.
type parsedPage struct {
	*employeesPage
	data []employeeJSON
	raws [][]byte // the records as received, when asked for
}

// parseEmployeesPage scans a whole GET /v1/company/employees answer and collects its
// records (with their JSON when keepRaw), a map per record.
func parseEmployeesPage(b []byte, keepRaw bool) (*parsedPage, error) {
	pg := &parsedPage{}
	var err error
	pg.employeesPage, err = scanEmployeesPage(b, false, func(_ int, rec *employeeJSON, raw []byte) error {
		pg.data = append(pg.data, *rec)
		if keepRaw {
			pg.raws = append(pg.raws, raw)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pg, nil
}

// rawEqual compares raw JSON values by content, ignoring insignificant whitespace.
var rawEqual = cmp.Comparer(func(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	errA, errB := json.Compact(&ca, a), json.Compact(&cb, b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
})

func TestScannerMatchesReflection(t *testing.T) {
	t.Parallel()
	inputs := map[string]string{
		"api-notes example": fullEmployee,
		"escapes and spaces": "{ \"type\" : \"Employee\" , \"attributes\" : { \"first\\u005fname\" : { \"label\" : \"Vor\\\"name\\\\\" ," +
			" \"value\" : \"A\\\"b}\" , \"type\":\"standard\", \"universal_id\" : null } ,\n \"id\":{\"value\":-1.5e3,\"label\":\"\"} } }",
		"nested arrays":   `{"attributes":{"x":{"value":[[1,{"a":"]"}],[]],"label":"L"}}}`,
		"null attributes": `{"type":"Employee","attributes":null}`,
		"empty":           `{}`,
		"unicode":         `{"attributes":{"name":{"label":"Straße","value":"Jürgen Öztürk 😀"}}}`,
		"empty attribute": `{"attributes":{"a":{}}}`,
	}
	for name, in := range inputs {
		want, err := reflectDecode([]byte(in))
		if err != nil {
			t.Fatalf("%s: reflection decode: %v", name, err)
		}
		var got employeeJSON
		if err := newEmployeeParser().parse([]byte(in), &got); err != nil {
			t.Errorf("%s: parse: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, got, rawEqual); diff != "" {
			t.Errorf("%s (-reflection +scanner):\n%s", name, diff)
		}
	}
}

func TestScannerRejectsMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"attributes":{"a":{"value":1}`,    // unterminated
		`{"attributes":{"a":{"value":"x}}}`, // unterminated string
		`{"attributes":{"a" {"value":1}}}`,  // missing colon
		`{"attributes":{"a":{"value":1}}`,   // missing brace
		`{"attributes":{"a":5}}`,            // not an attribute object
		`{"attributes":{"a":{"value":1} "b":{}}}`,
		`[1,2]`,
		`"text"`,
		`{"type":`,
		`{,}`,
	} {
		var e employeeJSON
		if err := newEmployeeParser().parse([]byte(in), &e); err == nil {
			t.Errorf("parse(%s) succeeded", in)
		}
	}
	for _, in := range []string{
		`{"success":true,"data":[{"attributes":{}}, {"attributes":`,
		`{"success":true,"data":[]} trailing`,
		`{"metadata":{"total_elements":"x"},"data":[]}`,
		`{"offset":1.5,"data":[]}`,
		`<html>502 Bad Gateway</html>`,
		``,
	} {
		if _, err := parseEmployeesPage([]byte(in), false); err == nil {
			t.Errorf("parseEmployeesPage(%q) succeeded", in)
		}
	}
	pg, err := parseEmployeesPage([]byte(`{"success":true,"data":null}`), false)
	if err != nil || len(pg.data) != 0 {
		t.Errorf("null data: %+v, %v", pg, err)
	}
}

// FuzzEmployeeParser checks that the scanner never panics and that it agrees with
// encoding/json on every input that encoding/json accepts.
func FuzzEmployeeParser(f *testing.F) {
	f.Add([]byte(fullEmployee))
	f.Add([]byte(`{"type":"Employee","attributes":{"id":{"label":"ID","value":"1","type":"integer","universal_id":null}}}`))
	f.Add([]byte(`{"attributes":{"x":{"value":[[1,{"a":"]"}],[]],"label":"\"L\\"}}}`))
	f.Add([]byte(`{"attributes":null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		_, _ = parseEmployeesPage(in, true) // must not panic
		var got employeeJSON
		gotErr := newEmployeeParser().parse(in, &got)
		want, err := reflectDecode(in)
		if err != nil || !json.Valid(in) {
			return // the scanner may accept or reject what encoding/json rejects, without panicking
		}
		if gotErr != nil {
			t.Fatalf("scanner rejects %q: %v", in, gotErr)
		}
		if diff := cmp.Diff(want, got, rawEqual); diff != "" {
			t.Fatalf("%q (-reflection +scanner):\n%s", in, diff)
		}
	})
}

// TestPageMatchesReflection parses pages of the fake, plain and with string numbers,
// and compares them with encoding/json.
func TestPageMatchesReflection(t *testing.T) {
	t.Parallel()
	for _, q := range []personiotest.Quirks{{}, {StringNumbers: true}} {
		srv := newServer(t, personiotest.WithGenerated(21, 30), personiotest.WithQuirks(q))
		body := rawPage(t, srv, "limit=20&offset=5")
		pg, err := parseEmployeesPage(body, true)
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Success  *bool `json:"success"`
			Metadata struct {
				TotalElements flexInt `json:"total_elements"`
				CurrentPage   flexInt `json:"current_page"`
				TotalPages    flexInt `json:"total_pages"`
			} `json:"metadata"`
			Offset flexInt           `json:"offset"`
			Limit  flexInt           `json:"limit"`
			Data   []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		gotNums := []flexInt{pg.total, pg.current, pg.pages, pg.offset, pg.limit}
		wantNums := []flexInt{want.Metadata.TotalElements, want.Metadata.CurrentPage, want.Metadata.TotalPages, want.Offset, want.Limit}
		if diff := cmp.Diff(wantNums, gotNums); diff != "" || pg.success == nil || !*pg.success {
			t.Errorf("quirks %+v: numbers (-want +got):\n%s", q, diff)
		}
		if len(pg.data) != len(want.Data) || len(pg.data) != 20 {
			t.Fatalf("%d records, want %d", len(pg.data), len(want.Data))
		}
		for i, raw := range want.Data {
			w, err := reflectDecode(raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(w, pg.data[i], rawEqual); diff != "" {
				t.Errorf("record %d (-reflection +scanner):\n%s", i, diff)
			}
			if !bytes.Equal(raw, pg.raws[i]) {
				t.Errorf("record %d: raw differs", i)
			}
		}
	}
}

// rawPage returns the body of GET /v1/company/employees?query from the fake.
func rawPage(t *testing.T, srv *personiotest.Server, query string) []byte {
	t.Helper()
	c := fakeClient(t, srv, nil)
	var body []byte
	err := c.getParsed(t.Context(), c.v1, &transport.Request{Path: "/v1/company/employees?" + query}, gates{}, false, func(b []byte) error {
		body = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// failingBody fails after handing out part of a response, as a connection cut mid-body.
type failingBody struct{ r io.Reader }

func (f *failingBody) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}
func (f *failingBody) Close() error { return nil }

func TestBodyFailuresRetried(t *testing.T) {
	t.Parallel()
	good := `{"success":true,"metadata":{"total_elements":1},"data":[` + employeeJSONText(map[string]string{"id": "1"}) + `]}`
	tests := []struct {
		name    string
		bodies  []string // "" = a body cut off mid-way
		wantErr bool
		calls   int64
	}{
		{"cut once", []string{"", good}, false, 2},
		{"garbage once", []string{`{"success":true,"data":[{"attr`, good}, false, 2},
		{"always cut", []string{""}, true, 3},
		{"always garbage", []string{`<html>oops</html>`}, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			registerTokens(mt)
			var calls atomic.Int64
			mt.RegisterResponder(http.MethodGet, employeesURL, func(req *http.Request) (*http.Response, error) {
				i := int(calls.Add(1)) - 1
				b := tt.bodies[min(i, len(tt.bodies)-1)]
				resp := newResponse(req, 200, good)
				if b == "" {
					resp.Body = &failingBody{r: strings.NewReader(good[:len(good)/2])}
				} else {
					resp.Body = io.NopCloser(strings.NewReader(b))
					resp.ContentLength = int64(len(b))
				}
				return resp, nil
			})
			p, err := c.ListEmployees(t.Context(), nil)
			if tt.wantErr {
				if !errors.Is(err, unified.ErrUnavailable) {
					t.Errorf("err = %v, want ErrUnavailable", err)
				}
			} else if err != nil || len(p.Employees) != 1 {
				t.Errorf("page = %+v, err = %v", p, err)
			}
			if got := calls.Load(); got != tt.calls {
				t.Errorf("%d requests, want %d", got, tt.calls)
			}
		})
	}
}

// FuzzNestedValues checks that reading several nested attributes in one pass gives what
// reading each on its own gives, on any input.
func FuzzNestedValues(f *testing.F) {
	f.Add([]byte(`{"type":"Employee","attributes":{"id":{"label":"ID","value":7},"first_name":{"value":"Ada"},"email":"a@x"}}`))
	f.Add([]byte(`{"id":1,"name":"Sales","id":2}`))
	f.Add([]byte(`{"attributes":{"name":{"value":null},"id":{"x":1}}}`))
	f.Add([]byte(`{"attributes":{"id":3,"name":`))
	keys := []string{"id", "first_name", "last_name", "email", "name"}
	f.Fuzz(func(t *testing.T, in []byte) {
		n, err := decodeNested(in)
		if err != nil {
			return
		}
		got := make([][]byte, len(keys))
		n.values(keys, got)
		for i, k := range keys {
			if want := n.value(k); !bytes.Equal(got[i], want) || (got[i] == nil) != (want == nil) {
				t.Fatalf("%q: values[%q] = %q, value = %q", in, k, got[i], want)
			}
		}
	})
}

// FuzzEmployeesPageReuse checks that a page scanned with one attributes map for all its
// records (as a Directory scans it) hands over, record by record, what a page parsed
// with a map per record holds: a cleared map keeps nothing of the record before.
func FuzzEmployeesPageReuse(f *testing.F) {
	f.Add([]byte(`{"success":true,"data":[` + fullEmployee + `,{"type":"Employee","attributes":{"id":{"label":"ID","value":2}}},{"type":"Employee"},` + fullEmployee + `]}`))
	f.Add([]byte(`{"data":[{"attributes":{"a":{"value":1},"b":{"value":2}}},{"attributes":{"b":{"value":3}}},{"attributes":null},{}]}`))
	f.Add([]byte(`{"data":[{"attributes":{"a":{"value":1}}},{"attributes":{"a":{"value":`))
	f.Fuzz(func(t *testing.T, in []byte) {
		want, wantErr := parseEmployeesPage(in, false)
		// A record without attributes has a nil map in one, the emptied map in the other.
		norm := func(e employeeJSON) employeeJSON {
			if e.Attributes == nil {
				e.Attributes = map[string]Attribute{}
			}
			return e
		}
		var got []employeeJSON
		_, gotErr := scanEmployeesPage(in, true, func(_ int, rec *employeeJSON, _ []byte) error {
			got = append(got, norm(employeeJSON{Type: rec.Type, Attributes: maps.Clone(rec.Attributes)}))
			return nil
		})
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("errors differ: %v, with one map %v", wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		for i := range want.data {
			want.data[i] = norm(want.data[i])
		}
		if diff := cmp.Diff(want.data, got, rawEqual); diff != "" {
			t.Fatalf("%q (-a map per record +one map):\n%s", in, diff)
		}
	})
}
