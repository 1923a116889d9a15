package webhook

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestParseEvent(t *testing.T) {
	t.Parallel()
	at := testTime
	tests := []struct {
		name string
		body string
		want Event
	}{
		{"person.created, string id", envelope(PersonCreated, `"4711"`, `{"person":{"id":"123"}}`),
			Event{Name: PersonCreated, CompanyID: "4711", OccurredAt: at, Payload: map[string]string{"person": "123"}}},
		{"numeric ids", envelope(EmploymentUpdated, `4711`, `{"employment":{"id":98765},"person":{"id":123}}`),
			Event{Name: EmploymentUpdated, CompanyID: "4711", OccurredAt: at, Payload: map[string]string{"employment": "98765", "person": "123"}}},
		{"kebab-case key", envelope("absence-period.created", `"1"`, `{"absence-period":{"id":"abc"}}`),
			Event{Name: "absence-period.created", CompanyID: "1", OccurredAt: at, Payload: map[string]string{"absence_period": "abc"}}},
		{"snake_case key", envelope("absence-period.created", `"1"`, `{"absence_period":{"id":"abc"}}`),
			Event{Name: "absence-period.created", CompanyID: "1", OccurredAt: at, Payload: map[string]string{"absence_period": "abc"}}},
		{"both spellings: snake_case wins", envelope("absence-period.updated.status", `"1"`, `{"absence-period":{"id":"kebab"},"absence_period":{"id":"snake"}}`),
			Event{Name: "absence-period.updated.status", CompanyID: "1", OccurredAt: at, Payload: map[string]string{"absence_period": "snake"}}},
		{"bare ids and entries without id", envelope("document.signed", `"1"`, `{"document":"d-9","person":7,"note":{"text":"x"},"flag":true,"empty":{"id":""},"nil":null}`),
			Event{Name: "document.signed", CompanyID: "1", OccurredAt: at, Payload: map[string]string{"document": "d-9", "person": "7"}}},
		{"unknown event passed through", envelope("team.renamed", `"1"`, `{"team":{"id":"t"}}`),
			Event{Name: "team.renamed", CompanyID: "1", OccurredAt: at, Payload: map[string]string{"team": "t"}}},
		{"ping with empty payload", envelope(Ping, `"1"`, `{}`),
			Event{Name: Ping, CompanyID: "1", OccurredAt: at, Payload: map[string]string{}}},
		{"meta and unknown fields",
			`{"company_id":"1","event_name":"person.deleted","occurred_at":"2025-03-01T11:15:30.123+01:00","payload":{"person":{"id":"5"}},"meta":{"attempt":2,"source":"ui"},"extra":[1]}`,
			Event{Name: PersonDeleted, CompanyID: "1", OccurredAt: at, Payload: map[string]string{"person": "5"},
				Meta: map[string]json.RawMessage{"attempt": json.RawMessage(`2`), "source": json.RawMessage(`"ui"`)}}},
		{"meta that is not an object is ignored",
			`{"company_id":"1","event_name":"x","occurred_at":"2025-03-01T10:15:30.123Z","payload":{},"meta":"m"}`,
			Event{Name: "x", CompanyID: "1", OccurredAt: at, Payload: map[string]string{}}},
		{"whitespace around", "\n " + envelope(PersonCreated, `"1"`, `{}`) + "\n",
			Event{Name: PersonCreated, CompanyID: "1", OccurredAt: at, Payload: map[string]string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEvent([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Raw = json.RawMessage(tt.body)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseEvent (-want +got):\n%s", diff)
			}
			var viaJSON Event
			if err := json.Unmarshal([]byte(tt.body), &viaJSON); err != nil {
				t.Fatal(err)
			}
			viaJSON.Raw = got.Raw
			if diff := cmp.Diff(got, viaJSON); diff != "" {
				t.Errorf("json.Unmarshal differs from ParseEvent (-parse +unmarshal):\n%s", diff)
			}
		})
	}
}

func TestEventResource(t *testing.T) {
	t.Parallel()
	ev, err := ParseEvent([]byte(envelope("absence-period.created", `"1"`, `{"absence-period":{"id":"abc"},"person":{"id":1}}`)))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"absence-period": "abc", "absence_period": "abc", "person": "1", "employment": ""} {
		got, ok := ev.Resource(key)
		if got != want || ok != (want != "") {
			t.Errorf("Resource(%q) = %q, %t; want %q", key, got, ok, want)
		}
	}
}

func TestParseEventRejectsMalformed(t *testing.T) {
	t.Parallel()
	ok := `"occurred_at":"2025-03-01T10:15:30Z"`
	for name, body := range map[string]string{
		"empty":                   ``,
		"null":                    `null`,
		"string":                  `"x"`,
		"array":                   `[]`,
		"not JSON":                `{company_id: 1}`,
		"trailing data":           `{"company_id":"1","event_name":"x",` + ok + `,"payload":{}} {}`,
		"no company_id":           `{"event_name":"x",` + ok + `,"payload":{}}`,
		"empty company_id":        `{"company_id":" ","event_name":"x",` + ok + `,"payload":{}}`,
		"company_id object":       `{"company_id":{"id":1},"event_name":"x",` + ok + `,"payload":{}}`,
		"company_id bool":         `{"company_id":true,"event_name":"x",` + ok + `,"payload":{}}`,
		"no event_name":           `{"company_id":"1",` + ok + `,"payload":{}}`,
		"empty event_name":        `{"company_id":"1","event_name":"",` + ok + `,"payload":{}}`,
		"numeric event_name":      `{"company_id":"1","event_name":5,` + ok + `,"payload":{}}`,
		"no occurred_at":          `{"company_id":"1","event_name":"x","payload":{}}`,
		"occurred_at no timezone": `{"company_id":"1","event_name":"x","occurred_at":"2025-03-01T10:15:30","payload":{}}`,
		"occurred_at a date":      `{"company_id":"1","event_name":"x","occurred_at":"2025-03-01","payload":{}}`,
		"occurred_at a number":    `{"company_id":"1","event_name":"x","occurred_at":1740824130,"payload":{}}`,
		"no payload":              `{"company_id":"1","event_name":"x",` + ok + `}`,
		"payload null":            `{"company_id":"1","event_name":"x",` + ok + `,"payload":null}`,
		"payload array":           `{"company_id":"1","event_name":"x",` + ok + `,"payload":[{"id":1}]}`,
		"meta not a map":          `{"company_id":"1","event_name":"x",` + ok + `,"payload":{},"meta":{"a":}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseEvent([]byte(body)); !errors.Is(err, unified.ErrInvalidValue) {
				t.Errorf("err = %v, want ErrInvalidValue", err)
			}
			var ev Event
			if err := json.Unmarshal([]byte(body), &ev); err == nil {
				t.Errorf("json.Unmarshal accepted it: %+v", ev)
			}
		})
	}
}

func TestEventMarshalJSON(t *testing.T) {
	t.Parallel()
	ev := Event{
		Name: EmploymentCreated, CompanyID: "4711",
		OccurredAt: time.Date(2025, 3, 1, 10, 15, 30, 5, time.FixedZone("", 3600)),
		Payload:    map[string]string{"employment": "e-1", "person": "123"},
		Meta:       map[string]json.RawMessage{"k": json.RawMessage(`{"a":[1,2]}`)},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"company_id":"4711","event_name":"employment.created","occurred_at":"2025-03-01T10:15:30.000000005+01:00",` +
		`"payload":{"employment":{"id":"e-1"},"person":{"id":"123"}},"meta":{"k":{"a":[1,2]}}}`
	if string(b) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, want)
	}
	back, err := ParseEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	ev.Raw = b
	if diff := cmp.Diff(ev, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// A zero event still encodes the required fields.
	b, err = json.Marshal(Event{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"company_id":"","event_name":"","occurred_at":"0001-01-01T00:00:00Z","payload":{}}`; string(b) != want {
		t.Errorf("Marshal(Event{}) = %s, want %s", b, want)
	}
}
