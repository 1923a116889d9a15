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
// ErrInvalidSnapshot, and the users read survive being written and read again.
func FuzzReadSnapshot(f *testing.F) {
	for _, s := range []string{
		"",
		"\n\n",
		`{"snapshot":{"version":1,"provider":"personio","taken_at":"2024-01-01T00:00:00Z"}}` + "\n" + `{"id":"1","provider":"personio","email":"a@b.c","status":"active","start_date":"2020-01-01"}` + "\n",
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
		if _, err := sr.Header(); err != nil {
			if !errors.Is(err, snapshot.ErrInvalid) {
				t.Fatalf("Header: error does not match ErrInvalidSnapshot: %v", err)
			}
			return
		}
		var users []unified.User
		for u, err := range sr.Users() {
			if err != nil {
				if !errors.Is(err, snapshot.ErrInvalid) {
					t.Fatalf("Users: error does not match ErrInvalidSnapshot: %v", err)
				}
				return
			}
			users = append(users, u)
		}
		var buf bytes.Buffer
		n, err := snapshot.WriteUsers(&buf, func(yield func(unified.User, error) bool) {
			for _, u := range users {
				if !yield(u, nil) {
					return
				}
			}
		})
		if err != nil {
			return // a user that cannot be written (an invalid date from a lenient field) is reported, not lost
		}
		if n != len(users) {
			t.Fatalf("wrote %d of %d users", n, len(users))
		}
		back, err := snapshot.LoadUsers(&buf)
		if err != nil {
			t.Fatalf("reading back what was written: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(users, back, cmpopts.EquateEmpty(), rawCompare); diff != "" {
			t.Fatalf("round trip (-read +re-read):\n%s", diff)
		}
	})
}

// TestSnapshotEmptyDateIsNoDate reads dates written as "" and null as no date (a nil
// pointer), so that a snapshot reads the same after it is written again.
func TestSnapshotEmptyDateIsNoDate(t *testing.T) {
	t.Parallel()
	users, err := snapshot.LoadUsers(strings.NewReader(`{"id":"1","start_date":"","termination_date":null,"last_working_day":"","birth_date":"1990-01-01"}`))
	if err != nil {
		t.Fatal(err)
	}
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
