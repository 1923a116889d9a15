package fakecompany_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 10, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			c := fakecompany.Generate(uint64(n)+3, n, nil)
			var buf bytes.Buffer
			if err := c.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			first := buf.String()
			got, err := fakecompany.Load(&buf)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(c, got); diff != "" {
				t.Fatalf("round trip changed the company (-written +loaded):\n%s", diff)
			}
			buf.Reset()
			if err := got.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			if buf.String() != first {
				t.Error("writing the loaded company gave different bytes")
			}
		})
	}
}

// A hand-written company: any order, no Lattice ids, offsets in timestamps.
func TestLoadHandWritten(t *testing.T) {
	t.Parallel()
	const doc = `{
	  "name": "Tiny",
	  "legal_entities": [{"id": 1, "name": "Tiny GmbH", "country": "DE"}],
	  "departments": [{"id": 10, "name": "Engineering"}],
	  "teams": [{"id": 20, "name": "Platform", "department_id": 10}],
	  "offices": [],
	  "cost_centers": [],
	  "attributes": [{"key": "dynamic_1", "label_en": "Shoe size", "label_de": "Schuhgröße", "type": "integer"}],
	  "people": [
	    {"id": 3, "first_name": "Zoë", "last_name": "Nuñez", "email": "zoe@tiny.example", "status": "active",
	     "employment_type": "internal", "supervisor_id": 1, "department_id": 10, "team_id": 20,
	     "hire_date": "2020-02-01", "custom": {"dynamic_1": "38"},
	     "created_at": "2020-01-15T10:00:00+01:00", "updated_at": "2020-01-15T10:00:00+01:00"},
	    {"id": 1, "first_name": "Jürgen", "last_name": "Müller", "email": "jm@tiny.example", "status": "active",
	     "employment_type": "internal", "created_at": "2019-01-01T00:00:00Z", "updated_at": "2019-01-01T00:00:00Z"}
	  ]
	}`
	c, err := fakecompany.Load(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Seed != 0 || len(c.People) != 2 || c.People[0].ID != 1 || c.People[1].ID != 3 {
		t.Fatalf("people not sorted by id, or seed not 0: seed %d, people %+v", c.Seed, c.People)
	}
	zoe := c.Person(3)
	if zoe.LatticeID == "" || zoe.LatticeID == c.Person(1).LatticeID || c.Departments[0].LatticeID == "" || c.Attributes[0].LatticeID == "" {
		t.Errorf("Lattice ids were not filled in: person %q, department %q, attribute %q", zoe.LatticeID, c.Departments[0].LatticeID, c.Attributes[0].LatticeID)
	}
	if got := zoe.CreatedAt.Format("2006-01-02T15:04:05Z07:00"); got != "2020-01-15T09:00:00Z" {
		t.Errorf("created_at = %s, want 2020-01-15T09:00:00Z (UTC)", got)
	}
	if zoe.HireDate != unified.NewDate(2020, 2, 1) {
		t.Errorf("hire date = %s", zoe.HireDate)
	}
	// Filling is deterministic.
	again, err := fakecompany.Load(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, again); diff != "" {
		t.Errorf("two loads differ:\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	base := fakecompany.Generate(12, 10, nil)
	// Person indexes of base used below: 0 is the CEO.
	tests := []struct {
		name   string
		edit   func(c *fakecompany.Company) // applied to a clone before writing
		raw    func(s string) string        // applied to the JSON text
		person int                          // ID the error must name, 0 for none
		want   []string                     // substrings of the message
	}{
		{
			name:   "duplicate id",
			edit:   func(c *fakecompany.Company) { c.People[4].ID = c.People[3].ID },
			person: base.People[3].ID,
			want:   []string{"duplicate id"},
		},
		{
			name:   "unknown supervisor",
			edit:   func(c *fakecompany.Company) { c.People[5].SupervisorID = 99999 },
			person: base.People[5].ID,
			want:   []string{"supervisor_id", "unknown person 99999"},
		},
		{
			name:   "own supervisor",
			edit:   func(c *fakecompany.Company) { c.People[5].SupervisorID = c.People[5].ID },
			person: base.People[5].ID,
			want:   []string{"own supervisor"},
		},
		{
			name: "cycle",
			edit: func(c *fakecompany.Company) {
				// CEO reports to someone who (indirectly) reports to the CEO.
				c.People[0].SupervisorID = c.People[9].ID
			},
			person: base.People[0].ID,
			want:   []string{"reporting cycle", fmt.Sprint(base.People[9].ID)},
		},
		{
			name:   "bad date",
			raw:    func(s string) string { return replaceNth(s, `"hire_date": "`, `"hire_date": "2021-13-45`, 3) },
			person: base.People[2].ID,
			want:   []string{"cannot decode person", "2021-13-45"},
		},
		{
			name:   "wrong type",
			raw:    func(s string) string { return replaceNth(s, `"weekly_hours": `, `"weekly_hours": "forty", "x": `, 2) },
			person: base.People[1].ID,
			want:   []string{"cannot decode person"},
		},
		{
			name: "unknown field",
			raw:  func(s string) string { return strings.Replace(s, `"name": `, `"nmae": "typo", "name": `, 1) },
			want: []string{"cannot decode company JSON", "nmae"},
		},
		{
			name:   "unknown person field",
			raw:    func(s string) string { return replaceNth(s, `"first_name": `, `"firstname": "x", "first_name": `, 2) },
			person: base.People[1].ID,
			want:   []string{"firstname"},
		},
		{
			name: "trailing data",
			raw:  func(s string) string { return s + "{}" },
			want: []string{"after the company JSON"},
		},
		{
			name: "not JSON",
			raw:  func(string) string { return "<html>" },
			want: []string{"cannot decode company JSON"},
		},
		{
			name:   "unknown department",
			edit:   func(c *fakecompany.Company) { c.People[6].DepartmentID = 5 },
			person: base.People[6].ID,
			want:   []string{"department_id", "unknown department 5"},
		},
		{
			name: "team of another department",
			edit: func(c *fakecompany.Company) {
				c.People[6].DepartmentID = c.Departments[0].ID
				c.People[6].TeamID = c.Teams[0].ID
			},
			person: base.People[6].ID,
			want:   []string{"team_id", "belongs to department"},
		},
		{
			name:   "duplicate email ignoring case",
			edit:   func(c *fakecompany.Company) { c.People[7].Email = strings.ToUpper(c.People[2].Email) },
			person: base.People[7].ID,
			want:   []string{"duplicate email"},
		},
		{
			name:   "unknown custom attribute",
			edit:   func(c *fakecompany.Company) { c.People[1].Custom = map[string]string{"dynamic_1": "x"} },
			person: base.People[1].ID,
			want:   []string{`unknown attribute "dynamic_1"`},
		},
		{
			name:   "custom date",
			edit:   func(c *fakecompany.Company) { c.People[1].Custom = map[string]string{"dynamic_33400": "01.02.2021"} },
			person: base.People[1].ID,
			want:   []string{"Anniversary Date", "not a date"},
		},
		{
			name:   "list option",
			edit:   func(c *fakecompany.Company) { c.People[1].Custom = map[string]string{"dynamic_40101": "XXXL"} },
			person: base.People[1].ID,
			want:   []string{"T-shirt size", "not one of the options"},
		},
		{
			name:   "updated before created",
			edit:   func(c *fakecompany.Company) { c.People[8].UpdatedAt = c.People[8].CreatedAt.Add(-1) },
			person: base.People[8].ID,
			want:   []string{"updated_at", "before created_at"},
		},
		{
			name:   "termination before hire",
			edit:   func(c *fakecompany.Company) { c.People[8].TerminationDate = c.People[8].HireDate.AddDays(-1) },
			person: base.People[8].ID,
			want:   []string{"termination_date", "before the hire date"},
		},
		{
			name: "cost centres over 100",
			edit: func(c *fakecompany.Company) {
				c.People[2].CostCenters = []fakecompany.CostCenterShare{{ID: c.CostCenters[0].ID, Percentage: 80}, {ID: c.CostCenters[1].ID, Percentage: 30}}
			},
			person: base.People[2].ID,
			want:   []string{"cost_centers", "more than 100"},
		},
		{
			name:   "bad status",
			edit:   func(c *fakecompany.Company) { c.People[2].Status = unified.StatusInvited },
			person: base.People[2].ID,
			want:   []string{"unknown status"},
		},
		{
			name:   "bad lattice id",
			edit:   func(c *fakecompany.Company) { c.People[2].LatticeID = "not-a-uuid" },
			person: base.People[2].ID,
			want:   []string{"lattice_id"},
		},
		{
			name: "team without department",
			edit: func(c *fakecompany.Company) { c.Teams[1].DepartmentID = 4 },
			want: []string{"teams", "unknown department_id 4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := base.Clone()
			if tt.edit != nil {
				tt.edit(c)
			}
			var buf bytes.Buffer
			if err := c.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			text := buf.String()
			if tt.raw != nil {
				text = tt.raw(text)
			}
			got, err := fakecompany.Load(strings.NewReader(text))
			if err == nil {
				t.Fatalf("Load succeeded, want an error (company of %d people)", len(got.People))
			}
			if !errors.Is(err, fakecompany.ErrInvalid) || !errors.Is(err, unified.ErrInvalidValue) {
				t.Errorf("error %v does not match ErrInvalid and unified.ErrInvalidValue", err)
			}
			var fe *fakecompany.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if fe.Op != "load" {
				t.Errorf("Op = %q, want load", fe.Op)
			}
			if tt.person != 0 && fe.PersonID != tt.person {
				t.Errorf("error names person %d, want %d: %v", fe.PersonID, tt.person, err)
			}
			msg := err.Error()
			if tt.person != 0 && !strings.Contains(msg, fmt.Sprintf("person %d", tt.person)) {
				t.Errorf("message %q does not name person %d", msg, tt.person)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// replaceNth replaces the n-th (1-based) occurrence of old in s.
func replaceNth(s, old, new string, n int) string {
	i := -1
	for range n {
		j := strings.Index(s[i+1:], old)
		if j < 0 {
			panic("replaceNth: too few occurrences of " + old)
		}
		i += j + 1
	}
	return s[:i] + new + s[i+len(old):]
}

// Validate reports many problems at once, but not without bound.
func TestValidateManyProblems(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(1, 100, nil)
	for i := range c.People {
		c.People[i].Status = unified.StatusInvited
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted 100 bad statuses")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 11 || !strings.Contains(lines[10], "and 90 more problems") {
		t.Errorf("got %d lines, last %q; want 10 problems and a summary of 90 more", len(lines), lines[len(lines)-1])
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *fakecompany.Error
		want string
	}{
		{&fakecompany.Error{Op: "validate", PersonID: 10004, Person: "Jürgen Müller", Index: -1, Field: "email", Reason: "duplicate"},
			"fakecompany: validate: person 10004 (Jürgen Müller): email: duplicate"},
		{&fakecompany.Error{Op: "load", Index: 3, Reason: "cannot decode person", Err: errors.New("boom")},
			"fakecompany: load: people[3]: cannot decode person: boom"},
		{&fakecompany.Error{Index: -1, Reason: "bad"}, "fakecompany: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
