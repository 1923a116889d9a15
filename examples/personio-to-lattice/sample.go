package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

// sampleChanges is what applySampleChanges did, by Personio employee id.
type sampleChanges struct {
	// Hired are an employee and a contractor.
	Hired []int
	// Terminated left the company.
	Terminated int
	// Retitled got a new job title, NewTitle.
	Retitled int
	NewTitle string
	// Moved went to another department (Department), under another manager.
	Moved      int
	Department string
	// Removed was deleted from Personio.
	Removed int
}

func (s sampleChanges) String() string {
	return fmt.Sprintf("hired %d and %d (a contractor), terminated %d, retitled %d, moved %d to %s, deleted %d",
		s.Hired[0], s.Hired[1], s.Terminated, s.Retitled, s.Moved, s.Department, s.Removed)
}

// applySampleChanges changes c the way HR changes Personio between two syncs: a hire and
// a contractor hire, a termination, a title change, a move to another department and a
// deleted record. It picks active employees without reports, in id order, so the same
// company always gets the same changes.
func applySampleChanges(c *fakecompany.Company) (sampleChanges, error) {
	var sc sampleChanges
	manages := map[int]bool{}
	var at time.Time
	for i := range c.People {
		manages[c.People[i].SupervisorID] = true
		if c.People[i].UpdatedAt.After(at) {
			at = c.People[i].UpdatedAt
		}
	}
	at = at.Add(time.Hour)
	var picks []*fakecompany.Person
	for i := range c.People {
		p := &c.People[i]
		if p.Status == unified.StatusActive && p.EmploymentType == fakecompany.EmploymentInternal &&
			p.SupervisorID != 0 && !manages[p.ID] && p.DepartmentID != 0 {
			picks = append(picks, p)
		}
	}
	if len(picks) < 4 {
		return sc, fmt.Errorf("the company has %d active employees without reports; want 4", len(picks))
	}
	sc.Terminated, sc.Retitled, sc.Moved, sc.Removed = picks[0].ID, picks[1].ID, picks[2].ID, picks[3].ID

	// The move: to the first other department with a manager below the top, under that
	// manager.
	mover := picks[2]
	var dept, boss int
	for i := range c.People {
		q := &c.People[i]
		if manages[q.ID] && q.Status == unified.StatusActive && q.SupervisorID != 0 &&
			q.DepartmentID != 0 && q.DepartmentID != mover.DepartmentID {
			dept, boss = q.DepartmentID, q.ID
			break
		}
	}
	if boss == 0 {
		return sc, fmt.Errorf("no manager outside department %d", mover.DepartmentID)
	}
	team := 0
	if b := c.Person(boss); b.TeamID != 0 {
		team = b.TeamID
	}
	sc.Department = c.Department(dept).Name

	retitled := picks[1]
	// A promotion: Junior X becomes X, X becomes Senior X, Senior X becomes Principal X.
	sc.NewTitle = "Senior " + retitled.Position
	if rest, ok := strings.CutPrefix(retitled.Position, "Junior "); ok {
		sc.NewTitle = rest
	} else if rest, ok := strings.CutPrefix(retitled.Position, "Senior "); ok {
		sc.NewTitle = "Principal " + rest
	}
	retitled.Position, retitled.UpdatedAt = sc.NewTitle, at

	if err := c.Terminate(sc.Terminated, fakecompany.DefaultToday(), at); err != nil {
		return sc, err
	}
	if err := c.Move(sc.Moved, dept, team, boss, at); err != nil {
		return sc, err
	}
	if err := c.Remove(sc.Removed); err != nil {
		return sc, err
	}
	// The hires join the mover's new team: an employee, and a contractor without a
	// cost centre.
	for _, p := range []fakecompany.Person{
		{FirstName: "Lina", LastName: "Hartmann", Gender: fakecompany.GenderFemale, Position: "Data Engineer"},
		{FirstName: "Marco", LastName: "Rossi", Gender: fakecompany.GenderMale, Position: "Freelance Designer",
			EmploymentType: fakecompany.EmploymentExternal},
	} {
		p.DepartmentID, p.TeamID, p.SupervisorID = dept, team, boss
		p.HireDate, p.CreatedAt, p.UpdatedAt = fakecompany.DefaultToday(), at, at
		h, err := c.Hire(p)
		if err != nil {
			return sc, err
		}
		sc.Hired = append(sc.Hired, h.ID)
	}
	return sc, nil
}
