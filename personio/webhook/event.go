package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Event names of the people directory (documented by Personio; names are lower case and
// dot-separated). Other names (absence-period.created, document.signed, ...) are passed
// through as they come.
const (
	PersonCreated = "person.created"
	// PersonUpdated fires only for changes of first_name, last_name, gender,
	// language_code, email, preferred_name and custom attributes.
	PersonUpdated = "person.updated"
	PersonDeleted = "person.deleted"

	EmploymentCreated = "employment.created"
	// EmploymentUpdated fires for some employment changes; which ones is not published,
	// and a job change has been reported to fire nothing.
	EmploymentUpdated = "employment.updated"
	// EmploymentDeleted also fires when the employment's person is deleted.
	EmploymentDeleted = "employment.deleted"
	// EmploymentStarted and EmploymentTerminated fire on the day an employment starts or
	// ends, not when it is edited.
	EmploymentStarted    = "employment.started"
	EmploymentTerminated = "employment.terminated"

	// Ping is the event Personio's ping endpoint delivers.
	Ping = "ping"
)

// Event is one webhook delivery: Personio's dataless envelope
// {company_id, event_name, occurred_at, payload, meta?}. It names what changed, not how:
// fetch the resource to learn its state.
//
// Personio's envelope has no event or delivery id, and deliveries come at least once
// (retries for days, fast double attempts, redeliveries), in no documented order: expect
// duplicates and dedupe on Name, the resource ids and OccurredAt.
type Event struct {
	// Name is event_name as sent ("person.created"); unknown names are kept.
	Name string
	// CompanyID is company_id, Personio's tenant id; a number is kept as its text.
	CompanyID string
	// OccurredAt is occurred_at.
	OccurredAt time.Time
	// Payload maps the payload's resources to their ids: {"person": {"id": 123}} gives
	// Payload["person"] = "123". Keys are normalised to snake_case (Personio's docs write
	// "absence-period", its deliveries "absence_period"); ids may come as strings or
	// numbers, or as the resource's bare value. Entries that hold no id are left out here
	// and kept in Raw. That payloads are resource stubs of this form is inferred from one
	// published fragment; Raw is authoritative.
	Payload map[string]string
	// Meta is meta, "a generic map of key value pairs" (optional), values as received.
	Meta map[string]json.RawMessage
	// Raw is the delivery's body as received.
	Raw json.RawMessage
}

// Resource returns the id of the payload resource key ("person", "employment",
// "absence-period" or "absence_period"), and whether there is one.
func (e *Event) Resource(key string) (string, bool) {
	id, ok := e.Payload[normaliseKey(key)]
	return id, ok
}

func normaliseKey(k string) string { return strings.ReplaceAll(k, "-", "_") }

// envelopeJSON holds the envelope's fields undecoded, to check them one by one.
type envelopeJSON struct {
	CompanyID  json.RawMessage `json:"company_id"`
	EventName  json.RawMessage `json:"event_name"`
	OccurredAt json.RawMessage `json:"occurred_at"`
	Payload    json.RawMessage `json:"payload"`
	Meta       json.RawMessage `json:"meta"`
}

// ParseEvent decodes a delivery body. It requires a JSON object with company_id (a
// non-empty string or a number), event_name (a non-empty string), occurred_at (an RFC
// 3339 time) and payload (an object), Personio's required fields; other fields are
// ignored and kept in Raw, which holds a copy of body. Errors wrap
// unified.ErrInvalidValue.
func ParseEvent(body []byte) (Event, error) {
	var e Event
	if err := e.decode(body); err != nil {
		return Event{}, err
	}
	e.Raw = bytes.Clone(body)
	return e, nil
}

// UnmarshalJSON decodes an envelope as ParseEvent does.
func (e *Event) UnmarshalJSON(b []byte) error {
	var ev Event
	if err := ev.decode(b); err != nil {
		return err
	}
	ev.Raw = bytes.Clone(b)
	*e = ev
	return nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("webhook: malformed event: "+format+": %w", append(args, unified.ErrInvalidValue)...)
}

func (e *Event) decode(body []byte) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return malformed("the body is not a JSON object")
	}
	var env envelopeJSON
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return malformed("%v", err)
	}
	var ok bool
	if e.CompanyID, ok = scalarText(env.CompanyID); !ok || strings.TrimSpace(e.CompanyID) == "" {
		return malformed("company_id is missing or not a string or number")
	}
	if err := json.Unmarshal(orNull(env.EventName), &e.Name); err != nil || strings.TrimSpace(e.Name) == "" {
		return malformed("event_name is missing or not a string")
	}
	var at string
	if err := json.Unmarshal(orNull(env.OccurredAt), &at); err != nil || at == "" {
		return malformed("occurred_at is missing or not a string")
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return malformed("occurred_at %q is not an RFC 3339 time", clip(at))
	}
	e.OccurredAt = t
	if p := bytes.TrimSpace(env.Payload); len(p) == 0 || p[0] != '{' {
		return malformed("payload is missing or not an object")
	}
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(env.Payload, &payload); err != nil {
		return malformed("payload: %v", err)
	}
	e.Payload = resourceIDs(payload)
	if m := bytes.TrimSpace(env.Meta); len(m) > 0 && m[0] == '{' {
		if err := json.Unmarshal(m, &e.Meta); err != nil {
			return malformed("meta: %v", err)
		}
	}
	return nil
}

func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

// resourceIDs reads the id of every payload entry. snake_case keys win over the
// kebab-case spelling of the same key; among several kebab-case spellings, the first in
// sorted order wins.
func resourceIDs(payload map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(payload))
	keys := make([]string, 0, len(payload))
	for k := range payload {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, kebab := range []bool{false, true} {
		for _, k := range keys {
			if strings.Contains(k, "-") != kebab {
				continue
			}
			nk := normaliseKey(k)
			if _, done := out[nk]; done {
				continue
			}
			if id, ok := resourceID(payload[k]); ok {
				out[nk] = id
			}
		}
	}
	return out
}

// resourceID reads {"id": <string or number>} or a bare string or number.
func resourceID(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var stub struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(raw, &stub) != nil {
			return "", false
		}
		raw = stub.ID
	}
	id, ok := scalarText(raw)
	if !ok || strings.TrimSpace(id) == "" {
		return "", false
	}
	return id, true
}

// scalarText returns a JSON string's value or a number's literal.
func scalarText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "", false
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}

// MarshalJSON encodes the envelope from the fields (not from Raw): company_id as a
// string, occurred_at in RFC 3339 with nanoseconds, every Payload entry as {"id": "..."}
// under its key, and meta when Meta is not nil. ParseEvent of the result gives back the
// same fields.
func (e Event) MarshalJSON() ([]byte, error) {
	type stub struct {
		ID string `json:"id"`
	}
	env := struct {
		CompanyID  string                      `json:"company_id"`
		EventName  string                      `json:"event_name"`
		OccurredAt string                      `json:"occurred_at"`
		Payload    map[string]stub             `json:"payload"`
		Meta       *map[string]json.RawMessage `json:"meta,omitempty"`
	}{
		CompanyID:  e.CompanyID,
		EventName:  e.Name,
		OccurredAt: e.OccurredAt.Format(time.RFC3339Nano),
		Payload:    make(map[string]stub, len(e.Payload)),
	}
	for k, id := range e.Payload {
		env.Payload[k] = stub{ID: id}
	}
	if e.Meta != nil {
		env.Meta = &e.Meta
	}
	return json.Marshal(env)
}

func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
