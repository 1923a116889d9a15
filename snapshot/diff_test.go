package snapshot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
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

// diffUsers compares two reads of the "synth" directory with Diff, without its checks
// (as on a first run, allowing any share of leavers): the comparison alone.
func diffUsers(tb testing.TB, before, after []unified.User, opts ...snapshot.Option) *snapshot.Changes {
	tb.Helper()
	opts = append([]snapshot.Option{snapshot.FirstRun(true), snapshot.MaxLeaverShare(1)}, opts...)
	c, err := snapshot.Diff(&snapshot.Snapshot{Provider: "synth", Users: before}, &snapshot.Snapshot{Provider: "synth", Users: after}, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func joiner(u unified.User) snapshot.Change { return snapshot.Change{Kind: snapshot.Joined, User: u} }

func leaver(u unified.User, r snapshot.LeaveReason) snapshot.Change {
	return snapshot.Change{Kind: snapshot.Left, User: u, Reason: r}
}

func TestDiffCases(t *testing.T) {
	t.Parallel()
	a := synthPerson("a")
	inactive := func(u *unified.User) { u.Status = unified.StatusInactive }
	// change is a mover's or changed user's Change; the test fills in the kind and the
	// record from after.
	change := func(id string, fields ...snapshot.FieldChange) snapshot.Change {
		return snapshot.Change{User: unified.User{ID: id}, Fields: fields}
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
			want: snapshot.Changes{Joined: []snapshot.Change{joiner(a)}},
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
			want:  snapshot.Changes{Joined: []snapshot.Change{joiner(synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 3, 1) }))}},
		},
		{
			name:   "rehire",
			before: []unified.User{synthWith(a, inactive)}, after: []unified.User{a},
			want: snapshot.Changes{Joined: []snapshot.Change{joiner(a)}},
		},
		{
			name:   "removed",
			before: []unified.User{a}, after: nil,
			want: snapshot.Changes{Left: []snapshot.Change{leaver(a, snapshot.LeaveRemoved)}},
		},
		{
			name:   "removed after having left is not a leaver again",
			before: []unified.User{synthWith(a, inactive)},
		},
		{
			name:   "deactivated",
			before: []unified.User{a}, after: []unified.User{synthWith(a, inactive)},
			want: snapshot.Changes{Left: []snapshot.Change{leaver(synthWith(a, inactive), snapshot.LeaveDeactivated)}},
		},
		{
			name:   "termination date passed",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 2, 28) })},
			want: snapshot.Changes{Left: []snapshot.Change{
				leaver(synthWith(a, func(u *unified.User) { u.TerminationDate = synthDate(2025, 2, 28) }), snapshot.LeaveTerminated),
			}},
		},
		{
			name:   "last working day passed",
			before: []unified.User{a},
			after:  []unified.User{synthWith(a, func(u *unified.User) { u.LastWorkingDay = synthDate(2025, 1, 31) })},
			want: snapshot.Changes{Left: []snapshot.Change{
				leaver(synthWith(a, func(u *unified.User) { u.LastWorkingDay = synthDate(2025, 1, 31) }), snapshot.LeaveTerminated),
			}},
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
			want: snapshot.Changes{Joined: []snapshot.Change{joiner(synthPerson("n"))}, Duplicates: []string{"a", "n"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := diffUsers(t, tt.before, tt.after, append([]snapshot.Option{snapshot.AsOf(synthDay)}, tt.opts...)...)
			tt.want.AsOf = synthDay
			for _, l := range []struct {
				kind snapshot.ChangeKind
				list []snapshot.Change
			}{{snapshot.Moved, tt.want.Moved}, {snapshot.Changed, tt.want.Changed}} {
				for i := range l.list {
					l.list[i].Kind = l.kind
					k := slices.IndexFunc(tt.after, func(u unified.User) bool { return u.ID == l.list[i].User.ID })
					l.list[i].User = tt.after[k]
				}
			}
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
	got := diffUsers(t, before, after, snapshot.AsOf(synthDay))

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
		{"joined", joined, ids(len(got.Joined), func(i int) string { return got.Joined[i].User.ID })},
		{"left", wantLeft, ids(len(got.Left), func(i int) string { return got.Left[i].User.ID })},
		{"moved", wantMoved, ids(len(got.Moved), func(i int) string { return got.Moved[i].User.ID })},
		{"changed", wantChanged, ids(len(got.Changed), func(i int) string { return got.Changed[i].User.ID })},
	} {
		if diff := cmp.Diff(c.want, c.got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}

	// Deterministic: shuffled inputs give the same changes.
	again := diffUsers(t, synth.Shuffle(before, 1), synth.Shuffle(after, 2), snapshot.AsOf(synthDay))
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
	fwd := diffUsers(t, active, after, snapshot.AsOf(synthDay))
	back := diffUsers(t, after, active, snapshot.AsOf(synthDay))

	var joinedFwd, removedBack []string
	for _, c := range fwd.Joined {
		joinedFwd = append(joinedFwd, c.User.ID)
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
	type idFields struct {
		ID     string
		Fields []snapshot.FieldChange
	}
	project := func(cs []snapshot.Change, reverse bool) []idFields {
		out := make([]idFields, len(cs))
		for i, c := range cs {
			out[i] = idFields{ID: c.User.ID, Fields: make([]snapshot.FieldChange, len(c.Fields))}
			for k, f := range c.Fields {
				if reverse {
					f.Old, f.New = f.New, f.Old
				}
				out[i].Fields[k] = f
			}
		}
		return out
	}
	if diff := cmp.Diff(project(fwd.Moved, true), project(back.Moved, false)); diff != "" {
		t.Errorf("moves are not symmetric:\n%s", diff)
	}
	if diff := cmp.Diff(project(fwd.Changed, true), project(back.Changed, false)); diff != "" {
		t.Errorf("changes are not symmetric:\n%s", diff)
	}
	if len(fwd.Moved) == 0 || len(fwd.Changed) == 0 || len(fwd.Joined) == 0 || len(fwd.Left) == 0 {
		t.Errorf("the test data should have every kind of change: %d %d %d %d",
			len(fwd.Joined), len(fwd.Left), len(fwd.Moved), len(fwd.Changed))
	}
	// A read compared with itself has no changes.
	if self := diffUsers(t, after, after, snapshot.AsOf(synthDay)); !self.IsEmpty() {
		t.Errorf("Diff(x, x) is not empty")
	}
}

func TestDiffDefaultAsOfIsToday(t *testing.T) {
	t.Parallel()
	before := unified.DateOf(time.Now().UTC())
	got := diffUsers(t, nil, nil).AsOf
	after := unified.DateOf(time.Now().UTC())
	if got != before && got != after {
		t.Errorf("AsOf = %v, want today in UTC (%v)", got, before)
	}
	if got := diffUsers(t, nil, nil, snapshot.AsOf(unified.Date{}), nil).AsOf; got != before && got != after {
		t.Errorf("zero AsOf and nil option: AsOf = %v, want today", got)
	}
}

func TestComparedFields(t *testing.T) {
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
	for _, f := range snapshot.ComparedFields() {
		if _, ok := keys[f]; !ok {
			t.Errorf("ComparedFields has %q, which is not a JSON field of User", f)
		}
	}
	for k := range keys {
		if !slices.Contains(snapshot.ComparedFields(), k) && k != "id" && k != "raw" && k != "custom" {
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

// Diff refuses to compare snapshots that are not two reads of one listing, an empty
// previous snapshot unless it is the first run, and a result with too many leavers.
func TestDiffRefuses(t *testing.T) {
	t.Parallel()
	people := func(ids ...string) []unified.User {
		var out []unified.User
		for _, id := range ids {
			out = append(out, synthPerson(id))
		}
		return out
	}
	snap := func(provider string, f unified.Filter, users []unified.User) *snapshot.Snapshot {
		return &snapshot.Snapshot{Provider: provider, Filter: f, Users: users}
	}
	active := unified.Filter{Statuses: []unified.Status{unified.StatusActive}}
	ten := people("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
	gone := synthWith(synthPerson("9"), func(u *unified.User) { u.Status = unified.StatusInactive })
	var hundred []unified.User
	for i := range 100 {
		hundred = append(hundred, synthPerson(fmt.Sprintf("p%03d", i)))
	}
	tests := []struct {
		name       string
		prev, next *snapshot.Snapshot
		opts       []snapshot.Option
		want       error  // nil: Diff compares
		text       string // in the error
		left       int    // leavers when Diff compares
	}{
		{name: "another provider", prev: snap("lattice", unified.Filter{}, ten), next: snap("personio", unified.Filter{}, ten),
			want: snapshot.ErrMismatch, text: `is of "lattice", the new one of "personio"`},
		{name: "no provider in the previous snapshot", prev: snap("", unified.Filter{}, ten), next: snap("personio", unified.Filter{}, ten),
			want: snapshot.ErrMismatch, text: "names no provider"},
		{name: "another filter", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", active, ten),
			want: snapshot.ErrMismatch, text: "different filters"},
		{name: "another updated-since bound", prev: snap("synth", unified.Filter{UpdatedSince: time.Unix(1, 0)}, ten),
			next: snap("synth", unified.Filter{UpdatedSince: time.Unix(2, 0)}, ten), want: snapshot.ErrMismatch},
		{name: "a provider mismatch is refused on the first run too", prev: snap("lattice", unified.Filter{}, nil),
			next: snap("personio", unified.Filter{}, ten), opts: []snapshot.Option{snapshot.FirstRun(true)}, want: snapshot.ErrMismatch},
		{name: "the same filter written otherwise",
			prev: snap("synth", unified.Filter{Statuses: []unified.Status{unified.StatusLeave, unified.StatusActive}, Emails: []string{"A@example.com"}}, ten),
			next: snap("synth", unified.Filter{Statuses: []unified.Status{unified.StatusActive, unified.StatusLeave}, Emails: []string{"a@example.com"}}, ten)},
		{name: "no previous snapshot", next: snap("synth", unified.Filter{}, ten), want: snapshot.ErrNoPrevious, text: "FirstRun"},
		{name: "empty previous snapshot", prev: snap("synth", unified.Filter{}, nil), next: snap("synth", unified.Filter{}, ten),
			want: snapshot.ErrNoPrevious},
		{name: "first run, said so too late", next: snap("synth", unified.Filter{}, ten),
			opts: []snapshot.Option{snapshot.FirstRun(true), snapshot.FirstRun(false)}, want: snapshot.ErrNoPrevious},
		{name: "first run", next: snap("synth", unified.Filter{}, ten), opts: []snapshot.Option{snapshot.FirstRun(true)}},
		{name: "first run with an empty previous snapshot", prev: snap("synth", unified.Filter{}, nil),
			next: snap("synth", unified.Filter{}, ten), opts: []snapshot.Option{snapshot.FirstRun(true)}},
		{name: "first run with a previous snapshot", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:5]),
			opts: []snapshot.Option{snapshot.FirstRun(true)}, left: 5},
		{name: "everyone leaves", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, nil),
			want: snapshot.ErrTooManyLeavers, text: "10 of 10 users would leave (100%, more than the 50% allowed)"},
		{name: "six of ten leave", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:4]),
			want: snapshot.ErrTooManyLeavers, text: "6 of 10 users would leave (60%, more than the 50% allowed)"},
		{name: "five of ten leave", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:5]), left: 5},
		{name: "already gone users do not count", prev: snap("synth", unified.Filter{}, append(people("0", "1", "2", "3", "4", "5", "6", "7", "8"), gone)),
			next: snap("synth", unified.Filter{}, ten[:4]), want: snapshot.ErrTooManyLeavers, text: "5 of 9 users"},
		{name: "six of ten leave, allowed", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:4]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0.6)}, left: 6},
		{name: "everyone leaves, allowed", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, nil),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(1)}, left: 10},
		{name: "above one allows everything", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, nil),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(7)}, left: 10},
		{name: "exactly the share, in floating point", prev: snap("synth", unified.Filter{}, hundred), next: snap("synth", unified.Filter{}, hundred[:43]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0.57)}, left: 57},
		{name: "one more than the share", prev: snap("synth", unified.Filter{}, hundred), next: snap("synth", unified.Filter{}, hundred[:42]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0.57)}, want: snapshot.ErrTooManyLeavers, text: "58 of 100"},
		{name: "two of ten leave, a lower limit", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:8]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0.1)}, want: snapshot.ErrTooManyLeavers, text: "2 of 10 users would leave (20%, more than the 10% allowed)"},
		{name: "one of ten leaves, a lower limit", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:9]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0.1)}, left: 1},
		{name: "no leaver allowed", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:9]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0)}, want: snapshot.ErrTooManyLeavers},
		{name: "a negative share allows no leaver", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:9]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(-1)}, want: snapshot.ErrTooManyLeavers},
		{name: "a NaN share allows no leaver", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten[:9]),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(math.NaN())}, want: snapshot.ErrTooManyLeavers},
		{name: "no leaver allowed, none leaves", prev: snap("synth", unified.Filter{}, ten), next: snap("synth", unified.Filter{}, ten),
			opts: []snapshot.Option{snapshot.MaxLeaverShare(0)}},
		{name: "nobody present before", prev: snap("synth", unified.Filter{}, []unified.User{gone}), next: snap("synth", unified.Filter{}, nil)},
		{name: "no new snapshot", prev: snap("synth", unified.Filter{}, ten), want: unified.ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := snapshot.Diff(tt.prev, tt.next, append([]snapshot.Option{snapshot.AsOf(synthDay)}, tt.opts...)...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Diff: %v", err)
				}
				if len(got.Left) != tt.left {
					t.Errorf("%d leavers, want %d", len(got.Left), tt.left)
				}
				return
			}
			if !errors.Is(err, tt.want) || got != nil {
				t.Fatalf("Diff = %v, %v; want no changes and %v", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
			var mismatch *snapshot.MismatchError
			if errors.As(err, &mismatch) != (tt.want == snapshot.ErrMismatch) {
				t.Errorf("errors.As(%v, *MismatchError) = %v", err, !(tt.want == snapshot.ErrMismatch))
			}
			var many *snapshot.TooManyLeaversError
			if errors.As(err, &many) != (tt.want == snapshot.ErrTooManyLeavers) {
				t.Errorf("errors.As(%v, *TooManyLeaversError) = %v", err, !(tt.want == snapshot.ErrTooManyLeavers))
			}
		})
	}
}

// The typed errors carry what they are about.
func TestDiffErrorFields(t *testing.T) {
	t.Parallel()
	users := []unified.User{synthPerson("a"), synthPerson("b"), synthPerson("c")}
	_, err := snapshot.Diff(&snapshot.Snapshot{Provider: "synth", Users: users}, &snapshot.Snapshot{Provider: "synth", Users: users[:1]},
		snapshot.AsOf(synthDay), snapshot.MaxLeaverShare(0.5))
	var many *snapshot.TooManyLeaversError
	if !errors.As(err, &many) {
		t.Fatalf("err = %v", err)
	}
	if diff := cmp.Diff(&snapshot.TooManyLeaversError{Leavers: 2, Present: 3, MaxShare: 0.5}, many); diff != "" {
		t.Errorf("TooManyLeaversError (-want +got):\n%s", diff)
	}
	f := unified.Filter{Departments: []string{"d1"}}
	_, err = snapshot.Diff(&snapshot.Snapshot{Provider: "synth", Filter: f, Users: users}, &snapshot.Snapshot{Provider: "synth", Users: users})
	var mismatch *snapshot.MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("err = %v", err)
	}
	var none unified.Filter
	want := &snapshot.MismatchError{Field: "filter", Previous: f.Fingerprint(), New: none.Fingerprint()}
	if diff := cmp.Diff(want, mismatch); diff != "" {
		t.Errorf("MismatchError (-want +got):\n%s", diff)
	}
	if strings.Contains(err.Error(), "d1") {
		t.Errorf("the error %q shows the filter's values, which may be personal data", err)
	}
}

func TestChangesAll(t *testing.T) {
	t.Parallel()
	before := []unified.User{synthPerson("a"), synthPerson("b"), synthPerson("c"), synthPerson("d")}
	after := []unified.User{
		synthWith(before[0], func(u *unified.User) { u.Email = "new@example.com" }),
		synthWith(before[1], func(u *unified.User) { u.Team = nil }),
		before[3], synthPerson("e"), synthPerson("0"),
	}
	got := diffUsers(t, before, after, snapshot.AsOf(synthDay))
	var kinds, ids []string
	for c := range got.All() {
		kinds = append(kinds, c.Kind.String())
		ids = append(ids, c.User.ID)
	}
	if diff := cmp.Diff([]string{"joined", "joined", "moved", "changed", "left"}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"0", "e", "b", "a", "c"}, ids); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	for range got.All() {
		break // stopping early is fine
	}
}
