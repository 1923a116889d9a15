package snapshot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

var synthDay = unified.NewDate(2025, time.March, 1)

func synthDate(y int, m time.Month, d int) *unified.Date {
	v := unified.NewDate(y, m, d)
	return &v
}

// synthPerson is a complete, active user for the diff tests.
func synthPerson(id string) unified.User {
	return unified.User{
		ID: id, Provider: "synth", Email: id + "@example.com",
		FirstName: "First" + id, LastName: "Last", DisplayName: "First" + id + " Last",
		Title: "Engineer", Status: unified.StatusActive, EmploymentType: unified.EmploymentInternal,
		Department: &unified.Ref{ID: "d1", Name: "Engineering"},
		Team:       &unified.Ref{ID: "t1", Name: "Platform"},
		Manager:    &unified.Ref{ID: "m1", Name: "Mia Boss", Email: "mia@example.com"},
		StartDate:  synthDate(2020, time.January, 6),
		CreatedAt:  time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC),
		UpdatedAt:  time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC),
		Custom: map[string]unified.Value{
			"dynamic_1": {Label: "Cost centre", Kind: unified.KindText, Text: "CC-1"},
		},
		Raw: json.RawMessage(`{"id":1}`),
	}
}

func synthWith(u unified.User, change func(u *unified.User)) unified.User {
	// Deep enough a copy for the changes made in these tests.
	if u.Custom != nil {
		c := make(map[string]unified.Value, len(u.Custom))
		for k, v := range u.Custom {
			c[k] = v
		}
		u.Custom = c
	}
	for _, r := range []**unified.Ref{&u.Department, &u.Team, &u.Office, &u.LegalEntity, &u.Manager} {
		if *r != nil {
			v := **r
			*r = &v
		}
	}
	change(&u)
	return u
}

func TestDiffCases(t *testing.T) {
	t.Parallel()
	a := synthPerson("a")
	inactive := func(u *unified.User) { u.Status = unified.StatusInactive }
	change := func(id string, fields ...snapshot.FieldChange) snapshot.Change {
		return snapshot.Change{ID: id, Name: "First" + id + " Last", Fields: fields}
	}
	fc := func(field, old, new string) snapshot.FieldChange {
		return snapshot.FieldChange{Field: field, Old: old, New: new}
	}
	tests := []struct {
		name          string
		before, after []unified.User
		opts          []snapshot.Option
		want          snapshot.Changes
	}{
		{name: "no change", before: []unified.User{a}, after: []unified.User{a}},
		{name: "both empty"},
		{
			name:   "joiner",
			before: nil, after: []unified.User{a},
			want: snapshot.Changes{Joined: []unified.User{a}},
		},
		{
			name:  "new but already inactive is not a joiner",
			after: []unified.User{synthWith(a, inactive)},
		},
		{
			name:  "new with a past termination date is not a joiner",
			after: []unified.User{synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 2, 28) })},
		},
		{
			name:  "new with a termination date ahead is a joiner",
			after: []unified.User{synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 3, 1) })},
			want:  snapshot.Changes{Joined: []unified.User{synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 3, 1) })}},
		},
		{
			name:   "rehire",
			before: []unified.User{synthWith(a, inactive)}, after: []unified.User{a},
			want: snapshot.Changes{Joined: []unified.User{a}},
		},
		{
			name:   "removed",
			before: []unified.User{a}, after: nil,
			want: snapshot.Changes{Left: []snapshot.Leaver{{User: a, Reason: snapshot.LeaveRemoved}}},
		},
		{
			name:   "removed after having left is not a leaver again",
			before: []unified.User{synthWith(a, inactive)},
		},
		{
			name:   "deactivated",
			before: []unified.User{a}, after: []unified.User{synthWith(a, inactive)},
			want: snapshot.Changes{Left: []snapshot.Leaver{{User: synthWith(a, inactive), Reason: snapshot.LeaveDeactivated}}},
		},
		{
			name:   "termination date passed",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 2, 28) })},
			want: snapshot.Changes{Left: []snapshot.Leaver{{
				User:   synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 2, 28) }),
				Reason: snapshot.LeaveTerminated,
			}}},
		},
		{
			name:   "last working day passed",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.LastWorkingDay = synthDate(2025, 1, 31) })},
			want: snapshot.Changes{Left: []snapshot.Leaver{{
				User:   synthWith(a, func(u *unified.User) { u.LastWorkingDay = synthDate(2025, 1, 31) }),
				Reason: snapshot.LeaveTerminated,
			}}},
		},
		{
			name:   "termination date set for today is a change, not yet a leaver",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 3, 1) })},
			want:   snapshot.Changes{Changed: []snapshot.Change{change("a", fc("termination_date", "", "2025-03-01"))}},
		},
		{
			name:   "department move",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.Department = &unified.Ref{ID: "d2", Name: "Sales"} })},
			want:   snapshot.Changes{Moved: []snapshot.Change{change("a", fc("department", "Engineering (d1)", "Sales (d2)"))}},
		},
		{
			name:   "new manager",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.Manager = &unified.Ref{ID: "m2", Name: "Max"} })},
			want:   snapshot.Changes{Moved: []snapshot.Change{change("a", fc("manager", "Mia Boss (m1)", "Max (m2)"))}},
		},
		{
			name:   "manager renamed in place is a change, not a move",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.Manager.Name = "Mia Newname" })},
			want:   snapshot.Changes{Changed: []snapshot.Change{change("a", fc("manager", "Mia Boss (m1)", "Mia Newname (m1)"))}},
		},
		{
			name:   "manager referenced by email, same person in other case",
			before: []unified.User{synthWith(a, func(u *unified.User) { u.Manager = &unified.Ref{Name: "Mia", Email: "mia@example.com"} })},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.Manager = &unified.Ref{Name: "Mia", Email: "MIA@example.com"} })},
			want:   snapshot.Changes{Changed: []snapshot.Change{change("a", fc("manager", "Mia <mia@example.com>", "Mia <MIA@example.com>"))}},
		},
		{
			name:   "manager removed",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.Manager = nil })},
			want:   snapshot.Changes{Moved: []snapshot.Change{change("a", fc("manager", "Mia Boss (m1)", ""))}},
		},
		{
			name:   "title and legal entity",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.Title = "Senior Engineer"
				u.LegalEntity = &unified.Ref{ID: "le2"}
			})},
			want: snapshot.Changes{Moved: []snapshot.Change{change("a",
				fc("title", "Engineer", "Senior Engineer"), fc("legal_entity", "", "le2"))}},
		},
		{
			name:   "moved and changed is in Moved with every field",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.Email = "a.new@example.com"
				u.Team = &unified.Ref{ID: "t2", Name: "Core"}
				u.Custom["dynamic_1"] = unified.Value{Kind: unified.KindText, Text: "CC-2"}
			})},
			want: snapshot.Changes{Moved: []snapshot.Change{change("a",
				fc("email", "a@example.com", "a.new@example.com"),
				fc("team", "Platform (t1)", "Core (t2)"),
				fc("custom.dynamic_1", "CC-1", "CC-2"))}},
		},
		{
			name:   "status and employment type",
			before: []unified.User{synthWith(a, func(u *unified.User) { u.Status = unified.StatusOnboarding })},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.EmploymentType = unified.EmploymentExternal })},
			want: snapshot.Changes{Changed: []snapshot.Change{change("a",
				fc("status", "onboarding", "active"), fc("employment_type", "internal", "external"))}},
		},
		{
			name:   "dates and times",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.StartDate = synthDate(2020, 2, 3)
				u.BirthDate = synthDate(1990, 1, 1)
				u.CreatedAt = time.Date(2020, 1, 1, 9, 0, 0, 5, time.FixedZone("CET", 3600))
			})},
			want: snapshot.Changes{Changed: []snapshot.Change{change("a",
				fc("start_date", "2020-01-06", "2020-02-03"),
				fc("birth_date", "", "1990-01-01"),
				fc("created_at", "2020-01-01T08:00:00Z", "2020-01-01T08:00:00.000000005Z"))}},
		},
		{
			name:   "same instant in another zone is no change",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.CreatedAt = u.CreatedAt.In(time.FixedZone("X", -5*3600))
			})},
		},
		{
			name: "custom values: label, null and absent do not count; added and removed keys do",
			before: []unified.User{synthWith(a, func(u *unified.User) {
				u.Custom["gone"] = unified.Value{Kind: unified.KindNumber, Number: 2.5}
			})},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.Custom["dynamic_1"] = unified.Value{Label: "Kostenstelle", Kind: unified.KindText, Text: "CC-1"}
				u.Custom["empty"] = unified.Value{Kind: unified.KindText}
				u.Custom["new"] = unified.Value{Kind: unified.KindList, List: []string{"x", "y"}}
				delete(u.Custom, "gone")
			})},
			want: snapshot.Changes{Changed: []snapshot.Change{change("a",
				fc("custom.gone", "2.5", ""), fc("custom.new", "", "x, y"))}},
		},
		{
			name:   "updated_at and raw are ignored by default",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.UpdatedAt = u.UpdatedAt.Add(time.Hour)
				u.Raw = json.RawMessage(`{"id":2}`)
			})},
		},
		{
			name:   "IncludeUpdatedAt",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.UpdatedAt = u.UpdatedAt.Add(time.Hour) })},
			opts:   []snapshot.Option{snapshot.IncludeUpdatedAt()},
			want: snapshot.Changes{Changed: []snapshot.Change{change("a",
				fc("updated_at", "2024-01-01T08:00:00Z", "2024-01-01T09:00:00Z"))}},
		},
		{
			name:   "IgnoreFields by name and by prefix",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.Email = "x@example.com"
				u.Department = &unified.Ref{ID: "d9"}
				u.Custom["dynamic_1"] = unified.Value{Kind: unified.KindText, Text: "CC-9"}
				u.Custom["dynamic_2"] = unified.Value{Kind: unified.KindBool, Bool: true}
				u.Title = "Boss"
			})},
			opts: []snapshot.Option{snapshot.IgnoreFields("email", "department", "custom.*"), snapshot.IgnoreFields("title")},
		},
		{
			name:   "IgnoreFields custom means all custom attributes",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.Custom["dynamic_1"] = unified.Value{Kind: unified.KindText, Text: "CC-9"}
			})},
			opts: []snapshot.Option{snapshot.IgnoreFields("custom")},
		},
		{
			name:   "IgnoreFields one custom key",
			before: []unified.User{a},
			after: []unified.User{synthWith(a, func(u *unified.User) {
				u.Custom["dynamic_1"] = unified.Value{Kind: unified.KindText, Text: "CC-9"}
				u.Custom["dynamic_2"] = unified.Value{Kind: unified.KindDate, Date: unified.NewDate(2024, 5, 6)}
			})},
			opts: []snapshot.Option{snapshot.IgnoreFields("custom.dynamic_1")},
			want: snapshot.Changes{Changed: []snapshot.Change{change("a", fc("custom.dynamic_2", "", "2024-05-06"))}},
		},
		{
			name:   "MoveFields replaces the move set",
			before: []unified.User{a, synthPerson("b")},
			after: []unified.User{
				synthWith(a, func(u *unified.User) { u.Office = &unified.Ref{ID: "o2", Name: "Lisbon"} }),
				synthWith(synthPerson("b"), func(u *unified.User) { u.Department = &unified.Ref{ID: "d2"} }),
			},
			opts: []snapshot.Option{snapshot.MoveFields("office", "no_such_field")},
			want: snapshot.Changes{
				Moved:   []snapshot.Change{change("a", fc("office", "", "Lisbon (o2)"))},
				Changed: []snapshot.Change{change("b", fc("department", "Engineering (d1)", "d2"))},
			},
		},
		{
			name:   "gone on both sides: changes, never moves",
			before: []unified.User{synthWith(a, inactive)},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.Status = unified.StatusInactive; u.Department = nil })},
			want:   snapshot.Changes{Changed: []snapshot.Change{change("a", fc("department", "Engineering (d1)", ""))}},
		},
		{
			name:   "duplicates: the first record counts",
			before: []unified.User{a, synthWith(a, func(u *unified.User) { u.Title = "Dup" })},
			after: []unified.User{a, synthPerson("n"), synthWith(synthPerson("n"), inactive),
				synthWith(a, func(u *unified.User) { u.Title = "Dup" })},
			want: snapshot.Changes{Joined: []unified.User{synthPerson("n")}, Duplicates: []string{"a", "n"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := snapshot.Diff(tt.before, tt.after, append([]snapshot.Option{snapshot.AsOf(synthDay)}, tt.opts...)...)
			tt.want.AsOf = synthDay
			if diff := cmp.Diff(&tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Diff (-want +got):\n%s", diff)
			}
			if got.IsEmpty() != (len(tt.want.Joined)+len(tt.want.Left)+len(tt.want.Moved)+len(tt.want.Changed) == 0) {
				t.Errorf("IsEmpty = %v", got.IsEmpty())
			}
		})
	}
}

// synthEvolve returns a later read of a generated company: some people leave (removed,
// deactivated or terminated), some join, some move, some get other changes. It returns
// the IDs of each group.
func synthEvolve(users []unified.User, every int) (after []unified.User, joined, removed, moved, changed []string) {
	for i, u := range users {
		switch {
		case i%every == 1:
			removed = append(removed, u.ID)
			continue
		case i%every == 2:
			u = synthWith(u, func(u *unified.User) { u.Department = &unified.Ref{ID: "d-new", Name: "New"} })
			moved = append(moved, u.ID)
		case i%every == 3:
			u = synthWith(u, func(u *unified.User) { u.Email = "changed-" + u.Email })
			changed = append(changed, u.ID)
		}
		after = append(after, u)
	}
	for k := range len(users)/every + 1 {
		u := synthPerson(fmt.Sprintf("new%06d", k))
		after = append(after, u)
		joined = append(joined, u.ID)
	}
	return after, joined, removed, moved, changed
}

func TestDiffGenerated(t *testing.T) {
	t.Parallel()
	before := synth.Generate(synth.Options{N: 3000, Seed: 41}).Users
	after, joined, removed, moved, changed := synthEvolve(before, 10)
	got := snapshot.Diff(before, after, snapshot.AsOf(synthDay))

	// The generator knows who changed, except that people already gone in before are
	// not leavers again and gone people's changes are never moves.
	gone := map[string]bool{}
	for _, u := range before {
		if u.IsTerminated(synthDay) {
			gone[u.ID] = true
		}
	}
	var wantLeft, wantMoved, wantChanged []string
	for _, id := range removed {
		if !gone[id] {
			wantLeft = append(wantLeft, id)
		}
	}
	for _, id := range moved {
		if gone[id] {
			wantChanged = append(wantChanged, id)
		} else {
			wantMoved = append(wantMoved, id)
		}
	}
	wantChanged = append(wantChanged, changed...)
	slices.Sort(wantChanged)

	ids := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	for _, c := range []struct {
		name      string
		want, got []string
	}{
		{"joined", joined, ids(len(got.Joined), func(i int) string { return got.Joined[i].ID })},
		{"left", wantLeft, ids(len(got.Left), func(i int) string { return got.Left[i].User.ID })},
		{"moved", wantMoved, ids(len(got.Moved), func(i int) string { return got.Moved[i].ID })},
		{"changed", wantChanged, ids(len(got.Changed), func(i int) string { return got.Changed[i].ID })},
	} {
		if diff := cmp.Diff(c.want, c.got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}

	// Deterministic: shuffled inputs give the same changes.
	again := snapshot.Diff(synth.Shuffle(before, 1), synth.Shuffle(after, 2), snapshot.AsOf(synthDay))
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("shuffled input changes the result:\n%s", diff)
	}
}

func TestDiffSymmetric(t *testing.T) {
	t.Parallel()
	// Without status changes, Diff(b, a) mirrors Diff(a, b): joiners become removed
	// leavers, and every field change is reversed.
	var active []unified.User
	for _, u := range synth.Generate(synth.Options{N: 1500, Seed: 42}).Users {
		if !u.IsTerminated(synthDay) {
			active = append(active, u)
		}
	}
	after, _, _, _, _ := synthEvolve(active, 7)
	fwd := snapshot.Diff(active, after, snapshot.AsOf(synthDay))
	back := snapshot.Diff(after, active, snapshot.AsOf(synthDay))

	var joinedFwd, removedBack []string
	for _, u := range fwd.Joined {
		joinedFwd = append(joinedFwd, u.ID)
	}
	for _, l := range back.Left {
		if l.Reason != snapshot.LeaveRemoved {
			t.Errorf("leaver %s: reason %v", l.User.ID, l.Reason)
		}
		removedBack = append(removedBack, l.User.ID)
	}
	if diff := cmp.Diff(joinedFwd, removedBack); diff != "" {
		t.Errorf("joiners forward vs leavers backward:\n%s", diff)
	}
	if len(fwd.Left) != len(back.Joined) {
		t.Errorf("%d leavers forward, %d joiners backward", len(fwd.Left), len(back.Joined))
	}
	reverse := func(cs []snapshot.Change) []snapshot.Change {
		out := make([]snapshot.Change, len(cs))
		for i, c := range cs {
			out[i] = snapshot.Change{ID: c.ID, Fields: make([]snapshot.FieldChange, len(c.Fields))}
			for k, f := range c.Fields {
				out[i].Fields[k] = snapshot.FieldChange{Field: f.Field, Old: f.New, New: f.Old}
			}
		}
		return out
	}
	ignoreName := cmpopts.IgnoreFields(snapshot.Change{}, "Name")
	if diff := cmp.Diff(reverse(fwd.Moved), back.Moved, ignoreName); diff != "" {
		t.Errorf("moves are not symmetric:\n%s", diff)
	}
	if diff := cmp.Diff(reverse(fwd.Changed), back.Changed, ignoreName); diff != "" {
		t.Errorf("changes are not symmetric:\n%s", diff)
	}
	if len(fwd.Moved) == 0 || len(fwd.Changed) == 0 || len(fwd.Joined) == 0 || len(fwd.Left) == 0 {
		t.Errorf("the test data should have every kind of change: %d %d %d %d",
			len(fwd.Joined), len(fwd.Left), len(fwd.Moved), len(fwd.Changed))
	}
	// A read compared with itself has no changes.
	if self := snapshot.Diff(after, after, snapshot.AsOf(synthDay)); !self.IsEmpty() {
		t.Errorf("Diff(x, x) is not empty")
	}
}

func TestDiffDefaultAsOfIsToday(t *testing.T) {
	t.Parallel()
	before := unified.DateOf(time.Now().UTC())
	got := snapshot.Diff(nil, nil).AsOf
	after := unified.DateOf(time.Now().UTC())
	if got != before && got != after {
		t.Errorf("AsOf = %v, want today in UTC (%v)", got, before)
	}
	if got := snapshot.Diff(nil, nil, snapshot.AsOf(unified.Date{}), nil).AsOf; got != before && got != after {
		t.Errorf("zero AsOf and nil option: AsOf = %v, want today", got)
	}
}

func TestDiffFields(t *testing.T) {
	t.Parallel()
	// Every field name is the JSON name of a User field.
	b, err := json.Marshal(synthWith(synthPerson("a"), func(u *unified.User) {
		u.EmployeeNumber, u.ExternalID, u.PreferredName, u.Gender = "1", "x", "p", "g"
		u.Office, u.LegalEntity = &unified.Ref{ID: "o"}, &unified.Ref{ID: "l"}
		u.TerminationDate, u.LastWorkingDay, u.BirthDate = synthDate(2030, 1, 1), synthDate(2030, 1, 1), synthDate(1990, 1, 1)
	}))
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, f := range snapshot.DiffFields() {
		if _, ok := keys[f]; !ok {
			t.Errorf("DiffFields has %q, which is not a JSON field of User", f)
		}
	}
	for k := range keys {
		if !slices.Contains(snapshot.DiffFields(), k) && k != "id" && k != "raw" && k != "custom" {
			t.Errorf("User field %q is not compared", k)
		}
	}
}

func TestLeaveReasonText(t *testing.T) {
	t.Parallel()
	for r := snapshot.LeaveRemoved; r <= snapshot.LeaveTerminated; r++ {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back snapshot.LeaveReason
		if err := json.Unmarshal(b, &back); err != nil || back != r {
			t.Errorf("round trip of %s: %v, %v", b, back, err)
		}
	}
	var r snapshot.LeaveReason
	if err := r.UnmarshalText([]byte("fired")); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("UnmarshalText(fired) = %v", err)
	}
	if _, err := snapshot.LeaveReason(9).MarshalText(); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("MarshalText(9) = %v", err)
	}
	if s := snapshot.LeaveReason(0).String(); s != "LeaveReason(0)" {
		t.Errorf("String = %q", s)
	}
}
