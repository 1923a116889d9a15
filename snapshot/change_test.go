package snapshot_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Compare classifies one person as Diff does.
func TestCompare(t *testing.T) {
	t.Parallel()
	a := synthPerson("a")
	inactive := synthWith(a, func(u *unified.User) { u.Status = unified.StatusInactive })
	terminated := synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 2, 28) })
	moved := synthWith(a, func(u *unified.User) { u.Department = &unified.Ref{ID: "d2", Name: "Sales"} })
	renamed := synthWith(a, func(u *unified.User) { u.LastName = "Newname" })
	ptr := func(u unified.User) *unified.User { return &u }
	tests := []struct {
		name          string
		before, after *unified.User
		opts          []snapshot.Option
		want          *snapshot.Change
	}{
		{name: "joiner", after: &a, want: &snapshot.Change{Kind: snapshot.Joined, User: a}},
		{name: "joiner already gone", after: &inactive},
		{name: "rehire", before: &inactive, after: &a, want: &snapshot.Change{Kind: snapshot.Joined, User: a}},
		{name: "removed", before: &a, want: &snapshot.Change{Kind: snapshot.Left, User: a, Reason: snapshot.LeaveRemoved}},
		{name: "removed after having left", before: &inactive},
		{name: "deactivated", before: &a, after: &inactive,
			want: &snapshot.Change{Kind: snapshot.Left, User: inactive, Reason: snapshot.LeaveDeactivated}},
		{name: "terminated", before: &a, after: &terminated,
			want: &snapshot.Change{Kind: snapshot.Left, User: terminated, Reason: snapshot.LeaveTerminated}},
		{name: "mover", before: &a, after: &moved, want: &snapshot.Change{Kind: snapshot.Moved, User: moved,
			Fields: []snapshot.FieldChange{{Field: "department", Old: "Engineering (d1)", New: "Sales (d2)"}}}},
		{name: "changed", before: &a, after: &renamed, want: &snapshot.Change{Kind: snapshot.Changed, User: renamed,
			Fields: []snapshot.FieldChange{{Field: "last_name", Old: "Last", New: "Newname"}}}},
		{name: "a move that is not a move field", before: &a, after: &moved, opts: []snapshot.Option{snapshot.MoveFields("title")},
			want: &snapshot.Change{Kind: snapshot.Changed, User: moved,
				Fields: []snapshot.FieldChange{{Field: "department", Old: "Engineering (d1)", New: "Sales (d2)"}}}},
		{name: "an ignored field", before: &a, after: &renamed, opts: []snapshot.Option{snapshot.IgnoreFields("last_name")}},
		{name: "no change", before: &a, after: ptr(synthPerson("a"))},
		{name: "nobody"},
		{name: "a later reference day", before: &a, after: ptr(synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 3, 5) })),
			opts: []snapshot.Option{snapshot.AsOf(unified.NewDate(2025, 3, 6))},
			want: &snapshot.Change{Kind: snapshot.Left, Reason: snapshot.LeaveTerminated,
				User: synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 3, 5) })}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]snapshot.Option{snapshot.AsOf(synthDay)}, tt.opts...)
			got := snapshot.Compare(tt.before, tt.after, opts...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
			// Diff says the same of the same records.
			var before, after []unified.User
			if tt.before != nil {
				before = append(before, *tt.before)
			}
			if tt.after != nil {
				after = append(after, *tt.after)
			}
			var fromDiff *snapshot.Change
			for c := range diffUsers(t, before, after, opts...).All() {
				fromDiff = &c
			}
			if diff := cmp.Diff(fromDiff, got); diff != "" {
				t.Errorf("Compare and Diff differ (-Diff +Compare):\n%s", diff)
			}
		})
	}
}

// The key of a change depends on the provider, the user, the kind, the reason and the
// new state of the compared fields, and on nothing else.
func TestChangeKey(t *testing.T) {
	t.Parallel()
	base := snapshot.Change{Kind: snapshot.Moved, User: synthWith(synthPerson("a"), func(u *unified.User) {
		u.Custom["n"] = unified.Value{Kind: unified.KindNumber, Number: 1.5}
		u.Custom["l"] = unified.Value{Kind: unified.KindList, List: []string{"x", "y"}}
		u.Custom["t"] = unified.Value{Kind: unified.KindTime, Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	}), Fields: []snapshot.FieldChange{{Field: "department", Old: "x", New: "Engineering (d1)"}}}
	with := func(change func(c *snapshot.Change)) snapshot.Change {
		c := base
		c.User = synthWith(base.User, func(*unified.User) {})
		change(&c)
		return c
	}
	key := base.Key()

	// The same change, built again (its custom attributes in another map, inserted in
	// another order), has the same key; so does one with other old values or labels.
	same := map[string]snapshot.Change{
		"rebuilt": with(func(c *snapshot.Change) {
			custom := map[string]unified.Value{}
			for _, k := range []string{"t", "n", "l", "dynamic_1"} {
				custom[k] = c.User.Custom[k]
			}
			c.User.Custom = custom
		}),
		"other old values": with(func(c *snapshot.Change) { c.Fields = []snapshot.FieldChange{{Field: "title", Old: "a", New: "b"}} }),
		"another label": with(func(c *snapshot.Change) {
			c.User.Custom["n"] = unified.Value{Label: "Number", Kind: unified.KindNumber, Number: 1.5}
		}),
		"a null custom attribute":  with(func(c *snapshot.Change) { c.User.Custom["empty"] = unified.Value{Kind: unified.KindText} }),
		"another raw record":       with(func(c *snapshot.Change) { c.User.Raw = json.RawMessage(`{"other":true}`) }),
		"the same instants":        with(func(c *snapshot.Change) { c.User.UpdatedAt = c.User.UpdatedAt.In(time.FixedZone("X", 7200)) }),
		"the same custom instant":  with(func(c *snapshot.Change) { v := c.User.Custom["t"]; v.Time = v.Time.Local(); c.User.Custom["t"] = v }),
		"a reason on another kind": with(func(c *snapshot.Change) { c.Reason = snapshot.LeaveRemoved }),
	}
	for name, c := range same {
		if got := c.Key(); got != key {
			t.Errorf("%s: key %s, want %s", name, got, key)
		}
	}
	zero := with(func(c *snapshot.Change) { c.User.Custom["n"] = unified.Value{Kind: unified.KindNumber, Number: 0} })
	negZero := with(func(c *snapshot.Change) {
		c.User.Custom["n"] = unified.Value{Kind: unified.KindNumber, Number: math.Copysign(0, -1)}
	})
	if zero.Key() != negZero.Key() {
		t.Errorf("0 and -0 have different keys")
	}

	// Any other change has another key, and no two of them share one.
	other := map[string]snapshot.Change{
		"another provider":            with(func(c *snapshot.Change) { c.User.Provider = "lattice" }),
		"another user":                with(func(c *snapshot.Change) { c.User.ID = "b" }),
		"another kind":                with(func(c *snapshot.Change) { c.Kind = snapshot.Changed }),
		"a leaver":                    with(func(c *snapshot.Change) { c.Kind, c.Reason = snapshot.Left, snapshot.LeaveRemoved }),
		"a leaver for another reason": with(func(c *snapshot.Change) { c.Kind, c.Reason = snapshot.Left, snapshot.LeaveDeactivated }),
		"another title":               with(func(c *snapshot.Change) { c.User.Title = "Boss" }),
		"another department":          with(func(c *snapshot.Change) { c.User.Department = &unified.Ref{ID: "d2", Name: "Engineering"} }),
		"a department renamed":        with(func(c *snapshot.Change) { c.User.Department.Name = "R&D" }),
		"a manager's new email":       with(func(c *snapshot.Change) { c.User.Manager.Email = "mia@example.org" }),
		"no team":                     with(func(c *snapshot.Change) { c.User.Team = nil }),
		"an empty team":               with(func(c *snapshot.Change) { c.User.Team = &unified.Ref{} }),
		"a later update":              with(func(c *snapshot.Change) { c.User.UpdatedAt = c.User.UpdatedAt.Add(time.Second) }),
		"a birth date":                with(func(c *snapshot.Change) { c.User.BirthDate = synthDate(1990, 1, 1) }),
		"another status":              with(func(c *snapshot.Change) { c.User.Status = unified.StatusLeave }),
		"another custom number":       with(func(c *snapshot.Change) { c.User.Custom["n"] = unified.Value{Kind: unified.KindNumber, Number: 2} }),
		"the number as text":          with(func(c *snapshot.Change) { c.User.Custom["n"] = unified.Value{Kind: unified.KindText, Text: "1.5"} }),
		"another list": with(func(c *snapshot.Change) {
			c.User.Custom["l"] = unified.Value{Kind: unified.KindList, List: []string{"x", "y", ""}}
		}),
		"a list split otherwise": with(func(c *snapshot.Change) {
			c.User.Custom["l"] = unified.Value{Kind: unified.KindList, List: []string{"xy"}}
		}),
		"a custom attribute less": with(func(c *snapshot.Change) { delete(c.User.Custom, "dynamic_1") }),
		"text moved between fields": with(func(c *snapshot.Change) {
			c.User.FirstName, c.User.LastName = c.User.FirstName+c.User.LastName, ""
		}),
	}
	seen := map[string]string{key: "the change"}
	for name, c := range other {
		k := c.Key()
		if len(k) != 32 {
			t.Errorf("%s: key %q is not 32 hex digits", name, k)
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("%s has the key of %s", name, prev)
		}
		seen[k] = name
	}

	// A change keeps its key through JSON, as a workflow hands it on.
	b, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	var back snapshot.Change
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Key() != key {
		t.Errorf("key after a JSON round trip %s, want %s", back.Key(), key)
	}
	if diff := cmp.Diff(base, back, rawCompare); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

// Keys are stable across runs and releases: the recipe of this key is fixed (it changes
// only with the recipe's version, on purpose, and then this test says so).
func TestChangeKeyStable(t *testing.T) {
	t.Parallel()
	c := snapshot.Change{Kind: snapshot.Left, Reason: snapshot.LeaveDeactivated, User: unified.User{
		ID: "42", Provider: "personio", Email: "ada@example.com", DisplayName: "Ada", Status: unified.StatusInactive,
		Manager:   &unified.Ref{ID: "7", Name: "Ben"},
		StartDate: synthDate(2020, 1, 6),
		UpdatedAt: time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC),
		Custom:    map[string]unified.Value{"dynamic_1": {Kind: unified.KindText, Text: "CC-1"}},
	}}
	const want = "79f2401eb9e820e31cd40e6cf2186cfa"
	if got := c.Key(); got != want {
		t.Errorf("Key = %s, want %s", got, want)
	}
}

func TestChangeKindText(t *testing.T) {
	t.Parallel()
	for k := snapshot.Joined; k <= snapshot.Left; k++ {
		b, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		var back snapshot.ChangeKind
		if err := json.Unmarshal(b, &back); err != nil || back != k {
			t.Errorf("round trip of %s: %v, %v", b, back, err)
		}
	}
	var k snapshot.ChangeKind
	if err := k.UnmarshalText([]byte("fired")); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("UnmarshalText(fired) = %v", err)
	}
	if err := k.UnmarshalText([]byte("")); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("UnmarshalText(\"\") = %v", err)
	}
	if _, err := snapshot.ChangeKind(0).MarshalText(); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("MarshalText(0) = %v", err)
	}
	if s := snapshot.ChangeKind(9).String(); s != "ChangeKind(9)" {
		t.Errorf("String = %q", s)
	}
	b, err := json.Marshal(snapshot.Change{Kind: snapshot.Joined, User: unified.User{ID: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"joined","user":{"id":"1","provider":"","status":"unknown","employment_type":"unknown"}}`; string(b) != want {
		t.Errorf("JSON of a joiner = %s, want %s", b, want)
	}
}
