package fakecompany_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

var changeAt = time.Date(2026, 6, 2, 9, 30, 0, 0, time.UTC)

// latest returns the latest UpdatedAt of c.
func latest(c *fakecompany.Company) time.Time {
	var l time.Time
	for _, p := range c.People {
		if p.UpdatedAt.After(l) {
			l = p.UpdatedAt
		}
	}
	return l
}

func TestHire(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(3, 200, nil)
	lastID := c.People[len(c.People)-1].ID
	boss := c.People[3]
	team := c.Teams[2]
	office := c.Offices[2] // London
	p, err := c.Hire(fakecompany.Person{
		FirstName: "Jürgen", LastName: "Müller", SupervisorID: boss.ID,
		DepartmentID: team.DepartmentID, TeamID: team.ID, OfficeID: office.ID, LegalEntityID: c.LegalEntities[1].ID,
		HireDate: unified.NewDate(2026, 7, 1), Status: unified.StatusOnboarding,
		CreatedAt: changeAt, Custom: map[string]string{"dynamic_40101": "M"},
	})
	if err != nil {
		t.Fatalf("Hire: %v", err)
	}
	if p.ID != lastID+1 || c.Person(p.ID) != p {
		t.Errorf("new person has id %d (want %d) or is not in the company", p.ID, lastID+1)
	}
	if p.Email != "juergen.mueller@"+c.Domain && !strings.HasPrefix(p.Email, "juergen.mueller") {
		t.Errorf("email = %q, want juergen.mueller…@%s", p.Email, c.Domain)
	}
	if p.LatticeID == "" || p.EmploymentType != fakecompany.EmploymentInternal || p.Timezone != office.Timezone {
		t.Errorf("defaults not filled: %+v", p)
	}
	if !p.UpdatedAt.Equal(changeAt) || !p.CreatedAt.Equal(changeAt) {
		t.Errorf("created %s, updated %s, want both %s", p.CreatedAt, p.UpdatedAt, changeAt)
	}
	// The same name again gets a numbered address.
	q, err := c.Hire(fakecompany.Person{FirstName: "Jürgen", LastName: "Müller", SupervisorID: boss.ID})
	if err != nil {
		t.Fatalf("second Hire: %v", err)
	}
	if q.Email == p.Email || !strings.HasPrefix(q.Email, "juergen.mueller") {
		t.Errorf("second Jürgen Müller got %q, first %q", q.Email, p.Email)
	}
	if !q.CreatedAt.After(changeAt.Add(-time.Nanosecond)) || q.Status != unified.StatusActive {
		t.Errorf("zero timestamps should follow the latest change (%s); got %s, status %q", changeAt, q.CreatedAt, q.Status)
	}
	// A chosen id in a gap is kept, and order is preserved.
	gap := 0
	for i := 1; i < len(c.People); i++ {
		if c.People[i].ID > c.People[i-1].ID+1 {
			gap = c.People[i-1].ID + 1
			break
		}
	}
	if gap == 0 {
		t.Fatal("generated company has no id gap")
	}
	r, err := c.Hire(fakecompany.Person{ID: gap, FirstName: "Ana", LastName: "Silva", Email: "ana@elsewhere.example", CreatedAt: changeAt})
	if err != nil {
		t.Fatalf("Hire with id: %v", err)
	}
	if r.ID != gap || c.Person(gap) == nil {
		t.Errorf("Hire with id %d gave %d", gap, r.ID)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate after Hire: %v", err)
	}
}

func TestHireIntoEmptyCompany(t *testing.T) {
	t.Parallel()
	c := &fakecompany.Company{Name: "Über Start"}
	p, err := c.Hire(fakecompany.Person{FirstName: "Zoë", LastName: "de Vries"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 10001 || p.Email != "zoe.de-vries@ueber-start.example" {
		t.Errorf("got id %d, email %q", p.ID, p.Email)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestHireErrors(t *testing.T) {
	t.Parallel()
	base := fakecompany.Generate(3, 50, nil)
	tests := []struct {
		name string
		p    fakecompany.Person
		kind error
		want string
	}{
		{"unknown supervisor", fakecompany.Person{FirstName: "A", LastName: "B", SupervisorID: 1}, fakecompany.ErrUnknownPerson, "supervisor_id"},
		{"unknown department", fakecompany.Person{FirstName: "A", LastName: "B", DepartmentID: 1}, fakecompany.ErrInvalid, "unknown department"},
		{"taken id", fakecompany.Person{ID: base.People[4].ID, FirstName: "A", LastName: "B"}, fakecompany.ErrInvalid, "taken"},
		{"negative id", fakecompany.Person{ID: -4, FirstName: "A", LastName: "B"}, fakecompany.ErrInvalid, "not positive"},
		{"taken email", fakecompany.Person{FirstName: "A", LastName: "B", Email: strings.ToUpper(base.People[4].Email)}, fakecompany.ErrInvalid, "is taken"},
		{"taken lattice id", fakecompany.Person{FirstName: "A", LastName: "B", LatticeID: base.People[4].LatticeID}, fakecompany.ErrInvalid, "is taken"},
		{"bad custom value", fakecompany.Person{FirstName: "A", LastName: "B", Custom: map[string]string{"dynamic_40103": "two"}}, fakecompany.ErrInvalid, "not an integer"},
		{"no last name", fakecompany.Person{FirstName: "A"}, fakecompany.ErrInvalid, "last_name"},
		{"bad status", fakecompany.Person{FirstName: "A", LastName: "B", Status: unified.StatusInvited}, fakecompany.ErrInvalid, "unknown status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := base.Clone()
			p, err := c.Hire(tt.p)
			if err == nil {
				t.Fatalf("Hire succeeded: %+v", p)
			}
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q: want %v containing %q", err, tt.kind, tt.want)
			}
			if diff := cmp.Diff(base, c); diff != "" {
				t.Errorf("a failed Hire changed the company:\n%s", diff)
			}
		})
	}
}

func TestTerminate(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(3, 100, nil)
	var p *fakecompany.Person
	for i := range c.People {
		if c.People[i].Status == unified.StatusActive && c.People[i].TerminationDate.IsZero() && len(c.DirectReports(c.People[i].ID)) > 0 {
			p = &c.People[i]
			break
		}
	}
	day := unified.NewDate(2026, 6, 30)
	if err := c.Terminate(p.ID, day, changeAt); err != nil {
		t.Fatalf("Terminate: %v", err)
	}
	if p.Status != unified.StatusInactive || p.TerminationDate != day || p.LastWorkingDay != day || !p.UpdatedAt.Equal(changeAt) {
		t.Errorf("after Terminate: status %s, termination %s, last day %s, updated %s", p.Status, p.TerminationDate, p.LastWorkingDay, p.UpdatedAt)
	}
	if p.SupervisorID == 0 && p.Position != "Chief Executive Officer" {
		t.Error("the leaver lost their supervisor")
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate after Terminate: %v", err)
	}
	// An earlier last working day is kept.
	q := &c.People[len(c.People)/2]
	q.LastWorkingDay = unified.Date{}
	early := q.HireDate.AddDays(400)
	if err := c.Terminate(q.ID, early.AddDays(10), changeAt); err != nil {
		t.Fatal(err)
	}
	q.LastWorkingDay = early
	if err := c.Terminate(q.ID, early.AddDays(10), changeAt); err != nil || q.LastWorkingDay != early {
		t.Errorf("last working day %s, want the earlier %s kept (err %v)", q.LastWorkingDay, early, err)
	}
}

func TestTerminateErrors(t *testing.T) {
	t.Parallel()
	base := fakecompany.Generate(3, 30, nil)
	p := base.People[10]
	tests := []struct {
		name string
		id   int
		day  unified.Date
		at   time.Time
		kind error
	}{
		{"unknown id", 42, unified.NewDate(2026, 1, 1), changeAt, fakecompany.ErrUnknownPerson},
		{"zero day", p.ID, unified.Date{}, changeAt, fakecompany.ErrInvalid},
		{"invalid day", p.ID, unified.NewDate(2026, 2, 30), changeAt, fakecompany.ErrInvalid},
		{"before hire", p.ID, p.HireDate.AddDays(-1), changeAt, fakecompany.ErrInvalid},
		{"zero time", p.ID, unified.NewDate(2026, 7, 1), time.Time{}, fakecompany.ErrInvalid},
		{"time before creation", p.ID, unified.NewDate(2026, 7, 1), p.CreatedAt.Add(-time.Second), fakecompany.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := base.Clone()
			err := c.Terminate(tt.id, tt.day, tt.at)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("Terminate = %v, want %v", err, tt.kind)
			}
			if diff := cmp.Diff(base, c); diff != "" {
				t.Errorf("a failed Terminate changed the company:\n%s", diff)
			}
		})
	}
	if err := base.Clone().Terminate(42, unified.NewDate(2026, 1, 1), changeAt); !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("unknown person: %v does not match unified.ErrNotFound", err)
	}
}

func TestMove(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(3, 300, nil)
	mover := c.People[len(c.People)-5]
	team := c.Teams[len(c.Teams)-1]
	newBoss := c.People[0].ID
	if err := c.Move(mover.ID, team.DepartmentID, team.ID, newBoss, changeAt); err != nil {
		t.Fatalf("Move: %v", err)
	}
	p := c.Person(mover.ID)
	if p.DepartmentID != team.DepartmentID || p.TeamID != team.ID || p.SupervisorID != newBoss || !p.UpdatedAt.Equal(changeAt) {
		t.Errorf("after Move: %+v", p)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate after Move: %v", err)
	}
	// To no department, team or supervisor.
	if err := c.Move(mover.ID, 0, 0, 0, changeAt); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate after Move to nowhere: %v", err)
	}
}

func TestMoveErrors(t *testing.T) {
	t.Parallel()
	base := fakecompany.Generate(3, 300, nil)
	// A manager and someone below them, two levels down.
	var mgr, below int
	for _, p := range base.People {
		if s := base.Person(p.SupervisorID); s != nil && s.SupervisorID != 0 && base.Person(s.SupervisorID).SupervisorID != 0 {
			mgr, below = base.Person(s.SupervisorID).ID, p.ID
			break
		}
	}
	if mgr == 0 {
		t.Fatal("no three-level chain in a 300-person company")
	}
	someone := base.People[20]
	tests := []struct {
		name                string
		id, dept, team, sup int
		at                  time.Time
		kind                error
		want                string
	}{
		{"unknown person", 1, 0, 0, 0, changeAt, fakecompany.ErrUnknownPerson, ""},
		{"unknown supervisor", someone.ID, 0, 0, 7, changeAt, fakecompany.ErrUnknownPerson, "supervisor_id"},
		{"cycle", mgr, 0, 0, below, changeAt, fakecompany.ErrInvalid, "cycle"},
		{"self", mgr, 0, 0, mgr, changeAt, fakecompany.ErrInvalid, "cycle"},
		{"unknown department", someone.ID, 3, 0, 0, changeAt, fakecompany.ErrInvalid, "unknown department"},
		{"unknown team", someone.ID, 0, 3, 0, changeAt, fakecompany.ErrInvalid, "unknown team"},
		{"team of another department", someone.ID, base.Departments[0].ID, base.Teams[0].ID, 0, changeAt, fakecompany.ErrInvalid, "belongs to department"},
		{"time before creation", someone.ID, 0, 0, 0, someone.CreatedAt.Add(-time.Hour), fakecompany.ErrInvalid, "before created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := base.Clone()
			err := c.Move(tt.id, tt.dept, tt.team, tt.sup, tt.at)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Move = %v, want %v containing %q", err, tt.kind, tt.want)
			}
			if diff := cmp.Diff(base, c); diff != "" {
				t.Errorf("a failed Move changed the company:\n%s", diff)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(3, 300, nil)
	// Remove a manager: the reports move up.
	var mgr fakecompany.Person
	for _, p := range c.People {
		if p.SupervisorID != 0 && len(c.DirectReports(p.ID)) > 0 {
			mgr = p
			break
		}
	}
	reports := c.DirectReports(mgr.ID)
	before := latest(c)
	if err := c.Remove(mgr.ID); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if c.Person(mgr.ID) != nil || len(c.People) != 299 {
		t.Fatal("the person is still there")
	}
	for _, id := range reports {
		p := c.Person(id)
		if p.SupervisorID != mgr.SupervisorID || !p.UpdatedAt.After(before) {
			t.Errorf("report %d: supervisor %d (want %d), updated %s (want after %s)", id, p.SupervisorID, mgr.SupervisorID, p.UpdatedAt, before)
		}
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate after Remove: %v", err)
	}
	// Removing the CEO leaves the heads as roots.
	heads := c.DirectReports(c.People[0].ID)
	if err := c.Remove(c.People[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := c.Stats().Roots; got != len(heads) {
		t.Errorf("%d roots after removing the CEO, want %d", got, len(heads))
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate after removing the CEO: %v", err)
	}
	if err := c.Remove(mgr.ID); !errors.Is(err, fakecompany.ErrUnknownPerson) || !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("Remove of a removed person = %v, want ErrUnknownPerson", err)
	}
}

// A sequence of mutations keeps the company valid and loadable.
func TestMutationSequence(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(21, 120, nil)
	at := changeAt
	for i := range 40 {
		at = at.Add(time.Hour)
		p := c.People[(i*7)%len(c.People)]
		var err error
		switch i % 4 {
		case 0:
			_, err = c.Hire(fakecompany.Person{FirstName: "Noa", LastName: "Nuñez", SupervisorID: p.ID, CreatedAt: at})
		case 1:
			err = c.Terminate(p.ID, unified.NewDate(2026, 6, 1), at)
		case 2:
			err = c.Move(p.ID, p.DepartmentID, p.TeamID, c.People[0].ID, at)
			if p.ID == c.People[0].ID {
				err = nil
			}
		case 3:
			if p.ID != c.People[0].ID {
				err = c.Remove(p.ID)
			}
		}
		if err != nil && !errors.Is(err, fakecompany.ErrInvalid) {
			t.Fatalf("step %d: %v", i, err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("step %d: Validate: %v", i, err)
		}
	}
}
