package webhook

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeEnvelope checks that the envelope decoder never panics, and that an envelope
// it accepts encodes (MarshalJSON) into one that decodes to the same Event.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, seed := range []string{
		personCreated,
		envelope(EmploymentUpdated, `4711`, `{"employment":{"id":98765},"person":{"id":"123"}}`),
		envelope("absence-period.created", `"1"`, `{"absence-period":{"id":"abc"},"absence_period":{"id":"x"}}`),
		envelope(Ping, `"1"`, `{}`),
		`{"company_id":"1","event_name":"x","occurred_at":"2025-03-01T11:15:30.123456789+01:00","payload":{"a":7,"b":"c","c":null},"meta":{"k":"<&>","n":1e400}}`,
		`{"company_id":-0.5e3,"event_name":" x ","occurred_at":"2025-03-01T10:15:30Z","payload":{"a-b_c":{"id":1},"a_b-c":{"id":2}},"meta":{}}`,
		`{"COMPANY_ID":"1","Event_Name":"x","occurred_at":"2025-03-01T10:15:30Z","payload":{"p":{"ID":"9"}}}`,
		`{"company_id":"1","event_name":"x","occurred_at":"2025-03-01T10:15:30Z","payload":{}} `,
		`[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseEvent(body)
		if err != nil {
			return
		}
		if !bytes.Equal(ev.Raw, body) {
			t.Fatalf("Raw = %q, want the body", ev.Raw)
		}
		enc, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("Marshal of an accepted event: %v", err)
		}
		back, err := ParseEvent(enc)
		if err != nil {
			t.Fatalf("ParseEvent of the re-encoded envelope %s: %v", enc, err)
		}
		if diff := cmp.Diff(ev, back, cmp.FilterPath(isRaw, cmp.Ignore()), cmp.Comparer(sameJSON)); diff != "" {
			t.Fatalf("round trip of %q via %s (-first +second):\n%s", body, enc, diff)
		}
	})
}

func isRaw(p cmp.Path) bool { return p.String() == "Raw" }

// sameJSON compares two JSON values by meaning: encoding/json escapes <, > and & and
// drops insignificant space when it re-encodes a json.RawMessage.
func sameJSON(a, b json.RawMessage) bool {
	decode := func(raw json.RawMessage) (any, bool) {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		return v, d.Decode(&v) == nil
	}
	va, okA := decode(a)
	vb, okB := decode(b)
	return okA && okB && cmp.Equal(va, vb)
}
