package main

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// rec is a mapped Personio record: kv are the preset's fields in order, as pairs.
func rec(id, employment string, kv ...string) personioRecord {
	r := personioRecord{ID: id, LastName: "Doe"}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Out.Entries = append(r.Out.Entries, mapping.Entry{Key: kv[i], Value: mapping.StringValue(kv[i+1])})
		if kv[i] == "email" {
			r.Email = kv[i+1]
		}
	}
	r.Out.Filters = []mapping.Entry{{Key: employmentKey, Value: mapping.StringValue(employment)}}
	return r
}

// lat is a Lattice user as the directory reads it (DisplayName holds Lattice's name).
func lat(id, ext, email string, status unified.Status, opts ...func(*unified.User)) unified.User {
	u := unified.User{ID: id, ExternalID: ext, Email: email, Status: status, DisplayName: "Jane Doe"}
	for _, o := range opts {
		o(&u)
	}
	return u
}

func TestMakePlanRules(t *testing.T) {
	t.Parallel()
	jane := func(id, status string, more ...string) personioRecord {
		return rec(id, "internal", append([]string{"externalUserId", id, "name", "Jane Doe", "status", status, "email", "jane" + id + "@x.example"}, more...)...)
	}
	broken := jane("9", "ACTIVE")
	broken.Err = errors.New("email: required")
	tests := []struct {
		name       string
		employment string
		recs       []personioRecord
		users      []unified.User
		want       []summary
		counts     Counts
		problems   int
	}{
		{
			name:   "matched by externalUserId, nothing to change",
			recs:   []personioRecord{jane("1", "ACTIVE")},
			users:  []unified.User{lat("a", "1", "JANE1@x.example", unified.StatusActive)},
			counts: Counts{Unchanged: 1},
		},
		{
			name:   "matched by email: link the account",
			recs:   []personioRecord{jane("1", "ACTIVE")},
			users:  []unified.User{lat("a", "", "jane1@X.example", unified.StatusActive)},
			want:   []summary{{Action: ActionUpdate, PersonioID: "1", Changes: []Change{{"externalUserId", "", "1"}}}},
			counts: Counts{Update: 1},
		},
		{
			name:     "the email belongs to a user linked to someone else",
			recs:     []personioRecord{jane("1", "ACTIVE"), rec("2", "internal", "externalUserId", "2", "status", "ACTIVE", "email", "jane1@x.example")},
			users:    []unified.User{lat("a", "1", "jane1@x.example", unified.StatusActive)},
			counts:   Counts{Unchanged: 1},
			problems: 1,
		},
		{
			name: "Lattice's account states are not regressions",
			recs: []personioRecord{jane("1", "ACTIVE"), jane("2", "CREATED"), jane("3", "CREATED")},
			users: []unified.User{
				lat("a", "1", "jane1@x.example", unified.StatusInvited),
				lat("b", "2", "jane2@x.example", unified.StatusActive),
				lat("c", "3", "jane3@x.example", unified.StatusInvited),
			},
			counts: Counts{Unchanged: 3},
		},
		{
			name: "status moves forward, and a rehire is reactivated",
			recs: []personioRecord{jane("1", "ACTIVE"), jane("2", "ACTIVE")},
			users: []unified.User{
				lat("a", "1", "jane1@x.example", unified.StatusOnboarding),
				lat("b", "2", "jane2@x.example", unified.StatusInactive),
			},
			want: []summary{
				{Action: ActionUpdate, PersonioID: "1", Changes: []Change{{"status", "CREATED", "ACTIVE"}}},
				{Action: ActionUpdate, PersonioID: "2", Changes: []Change{{"status", "DEACTIVATED", "ACTIVE"}}},
			},
			counts: Counts{Update: 2},
		},
		{
			name: "names: the preferred first name is the same name, another name is not",
			recs: []personioRecord{
				rec("1", "internal", "externalUserId", "1", "name", "Janet Doe", "preferredName", "Jane"),
				rec("2", "internal", "externalUserId", "2", "name", "Janet Doe"),
			},
			users: []unified.User{
				lat("a", "1", "", unified.StatusActive, func(u *unified.User) { u.PreferredName = "Jane" }),
				lat("b", "2", "", unified.StatusActive),
			},
			want:   []summary{{Action: ActionUpdate, PersonioID: "2", Changes: []Change{{"name", "Jane Doe", "Janet Doe"}}}},
			counts: Counts{Unchanged: 1, Update: 1},
		},
		{
			name: "empty values never clear; gender NotSet is none; managers by the manager's email",
			recs: []personioRecord{rec("1", "internal", "externalUserId", "1", "department", "", "gender", "NotSet",
				"manager", "boss@x.example", "title", "Engineer")},
			users: []unified.User{
				lat("a", "1", "", unified.StatusActive, func(u *unified.User) {
					u.Department = &unified.Ref{Name: "Sales"}
					u.Manager = &unified.Ref{ID: "m"} // name and email unknown to the listing
					u.Title = "Engineer"
				}),
				lat("m", "", "Boss@x.example", unified.StatusActive),
			},
			counts: Counts{Unchanged: 1, Unmanaged: 1},
		},
		{
			name: "leavers: deactivated, already deactivated, never imported",
			recs: []personioRecord{jane("1", "DEACTIVATED"), jane("2", "DEACTIVATED"), jane("3", "DEACTIVATED")},
			users: []unified.User{
				lat("a", "1", "jane1@x.example", unified.StatusActive),
				lat("b", "2", "jane2@x.example", unified.StatusInactive),
			},
			want:   []summary{{Action: ActionDeactivate, PersonioID: "1", Reason: "inactive in Personio"}},
			counts: Counts{Deactivate: 1, Leavers: 2},
		},
		{
			name:       "out of scope: left as it is, even when inactive",
			employment: "external",
			recs:       []personioRecord{jane("1", "DEACTIVATED"), jane("2", "ACTIVE")},
			users:      []unified.User{lat("a", "1", "jane1@x.example", unified.StatusActive)},
			counts:     Counts{OutOfScope: 2},
		},
		{
			name:   "a Lattice user of a deleted Personio record, with every type synced",
			users:  []unified.User{lat("a", "7", "x@x.example", unified.StatusActive), lat("b", "", "y@x.example", unified.StatusActive)},
			want:   []summary{{Action: ActionDeactivate, PersonioID: "7", Reason: "Personio employee 7 no longer exists"}},
			counts: Counts{Deactivate: 1, Unmanaged: 1},
		},
		{
			name:       "a Lattice user of a deleted Personio record, under an employment filter",
			employment: "internal",
			users:      []unified.User{lat("a", "7", "x@x.example", unified.StatusActive)},
			problems:   1,
		},
		{
			name:     "a record that fails to map is a problem and deactivates nobody",
			recs:     []personioRecord{broken},
			users:    []unified.User{lat("a", "9", "jane9@x.example", unified.StatusActive)},
			problems: 1,
		},
		{
			name:   "new people are created with their non-empty fields; inactive ones are not",
			recs:   []personioRecord{rec("5", "internal", "externalUserId", "5", "name", "New Person", "status", "ACTIVE", "title", "")},
			want:   []summary{{Action: ActionCreate, PersonioID: "5", Fields: []string{"externalUserId", "name", "status"}}},
			counts: Counts{Create: 1},
		},
		{
			name:     "two Lattice users with one externalUserId",
			recs:     []personioRecord{jane("1", "ACTIVE")},
			users:    []unified.User{lat("a", "1", "jane1@x.example", unified.StatusActive), lat("b", "1", "other@x.example", unified.StatusActive)},
			counts:   Counts{Unchanged: 1, Unmanaged: 1},
			problems: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			employment := tc.employment
			if employment == "" {
				employment = "both"
			}
			p := makePlan(employment, tc.recs, tc.users)
			if diff := cmp.Diff(tc.want, summarize(p)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			want := tc.counts
			want.Personio, want.Lattice, want.Problems = len(tc.recs), len(tc.users), tc.problems
			if diff := cmp.Diff(want, p.Counts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if len(p.Problems) != tc.problems {
				t.Errorf("problems %q, want %d", p.Problems, tc.problems)
			}
		})
	}
}

func TestCompareIDs(t *testing.T) {
	t.Parallel()
	got := []string{"b", "10", "9", "a", "100"}
	slices.SortFunc(got, compareIDs)
	if diff := cmp.Diff([]string{"9", "10", "100", "a", "b"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
