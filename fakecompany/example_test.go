package fakecompany_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

func ExampleGenerate() {
	c := fakecompany.Generate(42, 1000, nil)
	s := c.Stats()
	fmt.Printf("%d people: %d active, %d on leave, %d onboarding, %d inactive; %d external\n",
		s.People, s.Active, s.Leave, s.Onboarding, s.Inactive, s.External)
	fmt.Printf("%d departments, %d teams, %d offices, legal entities %s and %s\n",
		len(c.Departments), len(c.Teams), len(c.Offices), c.LegalEntities[0].Country, c.LegalEntities[1].Country)
	fmt.Println("one root:", s.Roots == 1, "- largest span of control at most 12:", s.MaxSpan <= 12)
	// Output:
	// 1000 people: 850 active, 30 on leave, 40 onboarding, 80 inactive; 100 external
	// 10 departments, 36 teams, 6 offices, legal entities DE and GB
	// one root: true - largest span of control at most 12: true
}

func ExampleLoad() {
	const doc = `{
	  "name": "Tiny",
	  "legal_entities": [{"id": 1, "name": "Tiny GmbH", "country": "DE"}],
	  "departments": [], "teams": [], "offices": [], "cost_centers": [], "attributes": [],
	  "people": [
	    {"id": 1, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@tiny.example",
	     "status": "active", "employment_type": "internal",
	     "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"},
	    {"id": 2, "first_name": "Charles", "last_name": "Babbage", "email": "charles@tiny.example",
	     "status": "active", "employment_type": "internal", "supervisor_id": 3,
	     "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}
	  ]
	}`
	_, err := fakecompany.Load(strings.NewReader(doc))
	fmt.Println(err)
	// Output:
	// fakecompany: load: person 2 (Charles Babbage): supervisor_id: unknown person 3
}

func ExampleCompany_Terminate() {
	c := fakecompany.Generate(7, 50, nil)
	id := c.People[10].ID
	at := time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC)
	if err := c.Terminate(id, unified.NewDate(2026, 6, 30), at); err != nil {
		fmt.Println(err)
		return
	}
	p := c.Person(id)
	fmt.Println(p.Status, p.TerminationDate, p.LatticeStatus(), p.UpdatedAt.Equal(at))
	// Output:
	// inactive 2026-06-30 DEACTIVATED true
}
