package fakecompany_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestPersonLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ids  []int
	}{
		{"empty", nil},
		{"one", []int{7}},
		{"dense", []int{1, 2, 3, 4, 5, 6}},
		{"sparse", []int{1, 5, 1000, 1001, 1002, 99999}},
		{"clustered", []int{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 5_000_000}},
		{"clustered high", []int{1, 4_999_990, 4_999_991, 4_999_992, 4_999_993, 5_000_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &fakecompany.Company{}
			for _, id := range tt.ids {
				c.People = append(c.People, fakecompany.Person{ID: id})
			}
			checkLookup(t, c)
		})
	}
	t.Run("generated", func(t *testing.T) {
		t.Parallel()
		checkLookup(t, fakecompany.Generate(4, 3000, nil))
	})
}

// checkLookup looks up every ID of c and every ID between and around them.
func checkLookup(t *testing.T, c *fakecompany.Company) {
	t.Helper()
	present := map[int]bool{}
	for _, p := range c.People {
		present[p.ID] = true
	}
	probe := []int{-1, 0, 1, 1 << 40}
	for _, p := range c.People {
		probe = append(probe, p.ID-2, p.ID-1, p.ID, p.ID+1)
	}
	for _, id := range probe {
		got := c.Person(id)
		switch {
		case present[id] && (got == nil || got.ID != id):
			t.Fatalf("Person(%d) = %v, want the person", id, got)
		case !present[id] && got != nil:
			t.Fatalf("Person(%d) = person %d, want nil", id, got.ID)
		}
	}
}

func TestPersonPointsIntoPeople(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(1, 20, nil)
	id := c.People[5].ID
	c.Person(id).Position = "Changed"
	if c.People[5].Position != "Changed" {
		t.Error("Person does not return a pointer into People")
	}
}

func TestConcurrentReads(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(1, 500, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range c.People {
				id := c.People[(i+g*37)%len(c.People)].ID
				if p := c.Person(id); p == nil || p.ID != id {
					t.Errorf("Person(%d) failed", id)
					return
				}
			}
			_ = c.Stats()
			_ = c.Validate()
		})
	}
	wg.Wait()
}

func TestLookups(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(1, 10, nil)
	tests := []struct {
		name  string
		found bool
		got   bool
	}{
		{"legal entity", true, c.LegalEntity(c.LegalEntities[1].ID) == &c.LegalEntities[1]},
		{"department", true, c.Department(c.Departments[2].ID) == &c.Departments[2]},
		{"team", true, c.Team(c.Teams[3].ID) == &c.Teams[3]},
		{"office", true, c.Office(c.Offices[4].ID) == &c.Offices[4]},
		{"cost center", true, c.CostCenter(c.CostCenters[0].ID) == &c.CostCenters[0]},
		{"attribute", true, c.Attribute(c.Attributes[5].Key) == &c.Attributes[5]},
		{"unknown legal entity", false, c.LegalEntity(1) != nil},
		{"zero department", false, c.Department(0) != nil},
		{"team id as department", false, c.Department(c.Teams[0].ID) != nil},
		{"unknown office", false, c.Office(-3) != nil},
		{"unknown attribute", false, c.Attribute("dynamic_1") != nil},
	}
	for _, tt := range tests {
		if tt.got != tt.found {
			t.Errorf("%s: lookup gave %v, want %v", tt.name, tt.got, tt.found)
		}
	}
}

func TestDirectReportsAndStats(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	p := func(id, sup int, status, typ string) fakecompany.Person {
		st, err := unified.ParseStatus(status)
		if err != nil {
			t.Fatal(err)
		}
		return fakecompany.Person{ID: id, SupervisorID: sup, Status: st, EmploymentType: typ, CreatedAt: at, UpdatedAt: at}
	}
	c := &fakecompany.Company{People: []fakecompany.Person{
		p(1, 0, "active", "internal"),
		p(2, 1, "leave", "internal"),
		p(3, 2, "active", "external"),
		p(4, 2, "inactive", "internal"),
		p(5, 1, "onboarding", "internal"),
		p(6, 0, "active", "internal"),
	}}
	if diff := cmp.Diff([]int{3, 4}, c.DirectReports(2)); diff != "" {
		t.Errorf("DirectReports(2) (-want +got):\n%s", diff)
	}
	if got := c.DirectReports(3); got != nil {
		t.Errorf("DirectReports(3) = %v, want none", got)
	}
	if got := c.DirectReports(0); got != nil {
		t.Errorf("DirectReports(0) = %v, want none (0 is no person)", got)
	}
	want := fakecompany.Stats{People: 6, Onboarding: 1, Active: 3, Leave: 1, Inactive: 1, Internal: 5, External: 1, Managers: 2, Roots: 2, MaxSpan: 2, Depth: 3}
	if diff := cmp.Diff(want, c.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	// A cycle must not hang Stats.
	c.People[0].SupervisorID = 4
	_ = c.Stats()
}

func TestClone(t *testing.T) {
	t.Parallel()
	orig := fakecompany.Generate(6, 50, nil)
	want := fakecompany.Generate(6, 50, nil)
	cl := orig.Clone()
	if diff := cmp.Diff(orig, cl); diff != "" {
		t.Fatalf("clone differs (-orig +clone):\n%s", diff)
	}
	// Change everything reachable from the clone.
	cl.Name = "x"
	cl.LegalEntities[0].Name = "x"
	cl.Departments[0].Name = "x"
	cl.Teams[0].Name = "x"
	cl.Offices[0].Name = "x"
	cl.CostCenters[0].Name = "x"
	cl.Attributes[3].Options[0] = "x"
	for i := range cl.People {
		p := &cl.People[i]
		p.FirstName = "x"
		for k := range p.Custom {
			p.Custom[k] = "x"
		}
		p.Custom["new"] = "x"
		for j := range p.CostCenters {
			p.CostCenters[j].Percentage = 1
		}
	}
	cl.People = slices.Delete(cl.People, 0, 1)
	if diff := cmp.Diff(want, orig); diff != "" {
		t.Errorf("changing the clone changed the original (-want +got):\n%s", diff)
	}
	if (*fakecompany.Company)(nil).Clone() != nil {
		t.Error("Clone of nil is not nil")
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p             fakecompany.Person
		full, display string
	}{
		{fakecompany.Person{FirstName: "Maximilian", LastName: "Groß", PreferredName: "Max"}, "Maximilian Groß", "Max Groß"},
		{fakecompany.Person{FirstName: "Zoë", LastName: "Nuñez"}, "Zoë Nuñez", "Zoë Nuñez"},
		{fakecompany.Person{FirstName: "Cher"}, "Cher", "Cher"},
		{fakecompany.Person{LastName: "Okafor", PreferredName: "Seun"}, "Okafor", "Seun Okafor"},
	}
	for _, tt := range tests {
		if got := tt.p.FullName(); got != tt.full {
			t.Errorf("FullName() = %q, want %q", got, tt.full)
		}
		if got := tt.p.DisplayName(); got != tt.display {
			t.Errorf("DisplayName() = %q, want %q", got, tt.display)
		}
	}
}

func ExampleCompany_Person() {
	c := fakecompany.Generate(42, 100, nil)
	ceo := c.Person(10001)
	boss := c.Person(c.People[50].SupervisorID)
	fmt.Println(ceo.Position)
	fmt.Println(boss != nil, c.Person(1) == nil)
	// Output:
	// Chief Executive Officer
	// true true
}
