package snapshot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// FuzzReadSnapshot reads arbitrary data as a JSON Lines snapshot: errors match
// ErrInvalid, and the header and users read survive being written and read again.
func FuzzReadSnapshot(f *testing.F) {
	for _, s := range []string{
		"",
		"\n\n",
		`{"snapshot":{"version":1,"provider":"personio","taken_at":"2024-01-01T00:00:00Z"}}` + "\n" + `{"id":"1","provider":"personio","email":"a@b.c","status":"active","start_date":"2020-01-01"}` + "\n",
		`{"$snapshot":{"version":1,"provider":"personio","filter":{"statuses":["active"],"departments":["d1"],"updated_since":"2024-01-01T00:00:00+01:00"},"taken_at":"2024-01-01T00:00:00Z"}}` + "\n" + `{"id":"1"}`,
		`{"$snapshot":{"version":1,"filter":{"statuses":["retired"]}}}`,
		`{"id":"1","manager":{"id":"2","name":"Bo"},"custom":{"k":{"key":"k","label":"K","kind":"text","text":"x"}}}` + "\r\n" + `{"id":"2"}`,
		`{"id":"1"}` + "\n" + `{"snapshot":{"version":1}}`,
		`[1,2]`,
		`{"id":"1","start_date":"2021-02-30"}`,
		`{"id":"1","raw":{"a":  [1, 2]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sr := snapshot.NewReader(bytes.NewReader(data))
		sr.SetMaxLineSize(1 << 10)
		h, err := sr.Header()
		if err != nil {
			if !errors.Is(err, snapshot.ErrInvalid) {
				t.Fatalf("Header: error does not match ErrInvalid: %v", err)
			}
			return
		}
		s := &snapshot.Snapshot{}
		if h != nil {
			s.Provider, s.Filter, s.TakenAt, s.FullSyncAt = h.Provider, h.Filter, h.TakenAt, h.FullSyncAt
		}
		for u, err := range sr.Users() {
			if err != nil {
				if !errors.Is(err, snapshot.ErrInvalid) {
					t.Fatalf("Users: error does not match ErrInvalid: %v", err)
				}
				return
			}
			s.Users = append(s.Users, u)
		}
		var buf bytes.Buffer
		if err := snapshot.Write(&buf, s); err != nil {
			return // what cannot be written (an invalid date from a lenient field) is reported, not lost
		}
		back, err := snapshot.Read(&buf)
		if err != nil {
			t.Fatalf("reading back what was written: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(s, back, cmpopts.EquateEmpty(), rawCompare); diff != "" {
			t.Fatalf("round trip (-read +re-read):\n%s", diff)
		}
		if s.Filter.Fingerprint() != back.Filter.Fingerprint() {
			t.Fatalf("the filter's fingerprint changed in a round trip: %+v, %+v", s.Filter, back.Filter)
		}
	})
}

// TestSnapshotEmptyDateIsNoDate reads dates written as "" and null as no date (a nil
// pointer), so that a snapshot reads the same after it is written again.
func TestSnapshotEmptyDateIsNoDate(t *testing.T) {
	t.Parallel()
	s, err := snapshot.Read(strings.NewReader(`{"id":"1","start_date":"","termination_date":null,"last_working_day":"","birth_date":"1990-01-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	users := s.Users
	birth := unified.NewDate(1990, 1, 1)
	want := []unified.User{{ID: "1", BirthDate: &birth}}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

// rawCompare compares non-empty raw JSON by its compact form (EquateEmpty handles the
// empty ones).
var rawCompare = cmp.FilterValues(func(a, b json.RawMessage) bool { return len(a) > 0 || len(b) > 0 }, cmp.Comparer(rawEqual))

// rawEqual compares raw JSON by its compact form.
func rawEqual(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}
