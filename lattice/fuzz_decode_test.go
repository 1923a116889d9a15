package lattice

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hrisconnect/hrisconnect/unified"
)

// FuzzDecodeDepartmentsPage feeds arbitrary bytes to the decoder of GET /v1/departments
// pages: nothing may panic, and a decoded department survives a round trip through its
// own JSON form.
func FuzzDecodeDepartmentsPage(f *testing.F) {
	for _, seed := range []string{
		`{"object":"list","hasMore":false,"endingCursor":null,"data":[]}`,
		`{"object":"list","hasMore":true,"endingCursor":"d2","data":[{"id":"d1","object":"department","url":"/v1/department/d1","name":"Engineering","description":null,"createdAt":1651584000}]}`,
		`{"data":[{"id":"d1","name":"Sales","createdAt":"2022-05-03T12:00:00Z"},{"id":"d2","createdAt":"1651584000"}]}`,
		`{"data":[{"id":"d1","createdAt":1e300}]}`,
		`{"data":[{"id":7,"name":["x"]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var env envelope[wireDepartment]
		if json.Unmarshal(data, &env) != nil {
			return
		}
		_ = env.check("/v1/departments")
		_ = env.cursor()
		for i := range env.Data {
			d := env.Data[i].department()
			if !utf8.ValidString(d.ID + d.Object + d.URL + d.Name + d.Description) {
				continue // encoding/json replaces invalid UTF-8 on the way out
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatalf("marshal %+v: %v", d, err)
			}
			var back Department
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", b, err)
			}
			if !back.CreatedAt.Equal(d.CreatedAt) || back.ID != d.ID || back.Name != d.Name {
				t.Fatalf("round trip changed %+v into %+v", d, back)
			}
		}
	})
}

// FuzzDecodeError runs the error-body hook on arbitrary bodies: it never panics, keeps
// the status, drops HTML pages and reads the documented {"error": "..."} form exactly.
func FuzzDecodeError(f *testing.F) {
	for _, seed := range []string{
		`{"error":"Unauthorized"}`,
		`{"error":"Not found"}`,
		`{"error":{"code":429}}`,
		`<html><body>502 Bad Gateway</body></html>`,
		`Too Many Requests`,
		``,
		`{"error":"   "}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := &unified.APIError{StatusCode: 500}
		decodeError(e, body)
		if e.StatusCode != 500 || e.Code != "" {
			t.Fatalf("decodeError changed status or code: %+v", e)
		}
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) > 0 && trimmed[0] == '<' && e.Message != "" {
			t.Fatalf("HTML body kept as message %q", e.Message)
		}
		var v struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(trimmed, &v) == nil && strings.TrimSpace(v.Error) != "" && e.Message != v.Error {
			t.Fatalf("message = %q, want %q", e.Message, v.Error)
		}
	})
}

// FuzzWireTime decodes arbitrary timestamps: they fail with an error or give a time
// within the range the decoder promises.
func FuzzWireTime(f *testing.F) {
	for _, seed := range []string{`1651584000`, `"1651584000"`, `1651584000123`, `"2022-05-03T12:00:00+02:00"`, `null`, `""`, `1e400`, `-95617584000`, `"NaN"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var w wireTime
		if err := w.UnmarshalJSON(data); err != nil {
			return
		}
		if y := w.t.Year(); y < -1100 || y > 10000 {
			t.Fatalf("%q decoded to %v", data, w.t)
		}
	})
}
