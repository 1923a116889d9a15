package fakecompany

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The mutations below change a company the way HR changes it between two syncs. Each keeps
// the company valid (it returns an error and changes nothing if it cannot), and each sets
// UpdatedAt of every person it changes, so that updated-since queries see the change.

// Hire adds p to the company and returns a pointer to the stored person (valid until
// People is next reallocated). Hire fills in what p leaves empty:
//
//   - ID: one more than the largest ID (10001 in an empty company); a non-zero ID is used
//     as given if nobody has it;
//   - LatticeID: derived from the company's seed and the ID;
//   - Email: firstname.lastname@<domain>, transliterated to ASCII and made unique with a
//     number ("anna.mueller2@..."); the domain is Company.Domain, else the domain of the
//     first person's address, else one derived from the company name;
//   - Status: unified.StatusActive; EmploymentType: EmploymentInternal;
//   - Timezone: the office's time zone;
//   - CreatedAt and UpdatedAt: each from the other; if both are zero, one second after the
//     latest UpdatedAt in the company (deterministic, never the clock).
//
// p's slices and maps are copied. Hire fails with an error matching [ErrInvalid] if p
// references something unknown, breaks a rule of [Company.Validate], or reuses an ID,
// email or Lattice id.
func (c *Company) Hire(p Person) (*Person, error) {
	const op = "hire"
	p.CostCenters = slices.Clone(p.CostCenters)
	p.Custom = maps.Clone(p.Custom)
	switch {
	case p.ID < 0:
		return nil, &Error{Op: op, Index: -1, Person: p.FullName(), Field: "id", Reason: fmt.Sprintf("id %d is not positive", p.ID), Kind: ErrInvalid}
	case p.ID == 0:
		p.ID = firstPersonID
		if n := len(c.People); n > 0 {
			p.ID = c.People[n-1].ID + 1
		}
	case c.Person(p.ID) != nil:
		return nil, &Error{Op: op, PersonID: p.ID, Person: p.FullName(), Index: -1, Field: "id", Reason: "the id is taken", Kind: ErrInvalid}
	}
	if p.Status == unified.StatusUnknown {
		p.Status = unified.StatusActive
	}
	if p.EmploymentType == "" {
		p.EmploymentType = EmploymentInternal
	}
	if p.Timezone == "" {
		if o := c.Office(p.OfficeID); o != nil {
			p.Timezone = o.Timezone
		}
	}
	switch {
	case p.CreatedAt.IsZero() && p.UpdatedAt.IsZero():
		p.CreatedAt = c.nextStamp()
		p.UpdatedAt = p.CreatedAt
	case p.CreatedAt.IsZero():
		p.CreatedAt = p.UpdatedAt
	case p.UpdatedAt.IsZero():
		p.UpdatedAt = p.CreatedAt
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()

	taken := make(map[string]bool, len(c.People))
	lattice := make(map[string]bool, len(c.People))
	for i := range c.People {
		taken[strings.ToLower(c.People[i].Email)] = true
		lattice[strings.ToLower(c.People[i].LatticeID)] = true
	}
	if p.LatticeID == "" {
		p.LatticeID = uuidFrom(c.Seed, uuidPerson, uint64(p.ID))
		for salt := uint64(1); lattice[p.LatticeID]; salt++ {
			p.LatticeID = uuidFrom(c.Seed, uuidPerson, uint64(p.ID)^salt<<40)
		}
	}
	if p.Email == "" {
		p.Email = c.newEmail(&p, taken)
	}

	ps := &problems{op: op}
	c.checkPerson(ps, c.refs(&problems{}), &p)
	if p.Email != "" && taken[strings.ToLower(p.Email)] {
		ps.person(&p, "email", "email %q is taken", p.Email)
	}
	if lattice[strings.ToLower(p.LatticeID)] {
		ps.person(&p, "lattice_id", "lattice_id %q is taken", p.LatticeID)
	}
	if p.SupervisorID != 0 && (p.SupervisorID == p.ID || c.Person(p.SupervisorID) == nil) {
		ps.add(&Error{PersonID: p.ID, Person: p.FullName(), Index: -1, Field: "supervisor_id",
			Reason: fmt.Sprintf("unknown person %d", p.SupervisorID), Kind: ErrUnknownPerson})
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	i, _ := slices.BinarySearchFunc(c.People, p.ID, func(q Person, id int) int { return q.ID - id })
	c.People = slices.Insert(c.People, i, p)
	return &c.People[i], nil
}

// newEmail makes a unique address for p from its names.
func (c *Company) newEmail(p *Person, taken map[string]bool) string {
	domain := c.Domain
	if domain == "" && len(c.People) > 0 {
		if at := strings.LastIndexByte(c.People[0].Email, '@'); at >= 0 {
			domain = c.People[0].Email[at+1:]
		}
	}
	if domain == "" {
		domain = domainFor(c.Name)
	}
	var parts []string
	for _, s := range []string{p.FirstName, p.LastName} {
		if f := strings.Trim(asciiFold(strings.Join(strings.Fields(s), "-")), "-."); f != "" {
			parts = append(parts, f)
		}
	}
	domain = strings.ToLower(domain)
	local := strings.Join(parts, ".")
	if local == "" {
		local = "person" + strconv.Itoa(p.ID)
	}
	email := local + "@" + domain
	for k := 2; taken[email]; k++ {
		email = local + strconv.Itoa(k) + "@" + domain
	}
	return email
}

// nextStamp returns one second after the latest UpdatedAt of the company, or midnight
// (UTC) of [DefaultToday] for a company without people.
func (c *Company) nextStamp() time.Time {
	var latest time.Time
	for i := range c.People {
		if c.People[i].UpdatedAt.After(latest) {
			latest = c.People[i].UpdatedAt
		}
	}
	if latest.IsZero() {
		return DefaultToday().Time(time.UTC)
	}
	return latest.Add(time.Second).Truncate(time.Second).UTC()
}

// Terminate records that the person with the given ID leaves on day: the status becomes
// inactive, TerminationDate becomes day, LastWorkingDay becomes day unless it is already
// set to an earlier day, and UpdatedAt becomes at. Termination type and reason are left as
// they are. It fails with [ErrUnknownPerson] for an unknown ID and with [ErrInvalid] for a
// zero or invalid day, a day before the hire date, or a time before CreatedAt.
func (c *Company) Terminate(id int, day unified.Date, at time.Time) error {
	const op = "terminate"
	p := c.Person(id)
	if p == nil {
		return unknown(op, id)
	}
	switch {
	case day.IsZero() || !day.IsValid():
		return changeErr(op, p, "termination_date", fmt.Sprintf("invalid day %04d-%02d-%02d", day.Year, int(day.Month), day.Day))
	case !p.HireDate.IsZero() && day.Before(p.HireDate):
		return changeErr(op, p, "termination_date", fmt.Sprintf("%s is before the hire date %s", day, p.HireDate))
	}
	if err := checkStamp(op, p, at); err != nil {
		return err
	}
	p.Status = unified.StatusInactive
	p.TerminationDate = day
	if p.LastWorkingDay.IsZero() || p.LastWorkingDay.After(day) || p.LastWorkingDay.Before(p.HireDate) {
		p.LastWorkingDay = day
	}
	p.UpdatedAt = at.UTC()
	return nil
}

// Move puts the person with the given ID into another department, team and reporting
// line (0 for none in each) and sets UpdatedAt to at. It fails with [ErrUnknownPerson] for
// an unknown person or supervisor, and with [ErrInvalid] for an unknown department or
// team, a team of another department, a move under oneself or one's own reports (a
// reporting cycle), or a time before CreatedAt.
func (c *Company) Move(id, departmentID, teamID, supervisorID int, at time.Time) error {
	const op = "move"
	p := c.Person(id)
	if p == nil {
		return unknown(op, id)
	}
	if departmentID != 0 && c.Department(departmentID) == nil {
		return changeErr(op, p, "department_id", fmt.Sprintf("unknown department %d", departmentID))
	}
	if teamID != 0 {
		t := c.Team(teamID)
		switch {
		case t == nil:
			return changeErr(op, p, "team_id", fmt.Sprintf("unknown team %d", teamID))
		case departmentID != 0 && t.DepartmentID != departmentID:
			return changeErr(op, p, "team_id", fmt.Sprintf("team %d belongs to department %d, not %d", teamID, t.DepartmentID, departmentID))
		}
	}
	if supervisorID != 0 {
		if c.Person(supervisorID) == nil {
			return &Error{Op: op, PersonID: p.ID, Person: p.FullName(), Index: -1, Field: "supervisor_id",
				Reason: fmt.Sprintf("unknown person %d", supervisorID), Kind: ErrUnknownPerson}
		}
		// Walk up from the new supervisor: meeting the person means a cycle.
		for s, steps := supervisorID, 0; s != 0 && steps <= len(c.People); steps++ {
			if s == id {
				return changeErr(op, p, "supervisor_id", fmt.Sprintf("reporting to %d would make a reporting cycle", supervisorID))
			}
			sp := c.Person(s)
			if sp == nil {
				break
			}
			s = sp.SupervisorID
		}
	}
	if err := checkStamp(op, p, at); err != nil {
		return err
	}
	p.DepartmentID, p.TeamID, p.SupervisorID = departmentID, teamID, supervisorID
	p.UpdatedAt = at.UTC()
	return nil
}

// Remove deletes the person with the given ID from the company, as when a record is
// deleted in the HR system (rather than the person leaving: see [Company.Terminate]). The
// person's direct reports move to the person's supervisor (and become roots if there was
// none); since Remove takes no time, their UpdatedAt becomes one second after the latest
// UpdatedAt in the company. It fails with [ErrUnknownPerson] for an unknown ID.
func (c *Company) Remove(id int) error {
	i, ok := slices.BinarySearchFunc(c.People, id, func(q Person, id int) int { return q.ID - id })
	if !ok {
		return unknown("remove", id)
	}
	sup := c.People[i].SupervisorID
	stamp := c.nextStamp()
	for j := range c.People {
		if q := &c.People[j]; q.SupervisorID == id {
			q.SupervisorID = sup
			q.UpdatedAt = stamp
		}
	}
	c.People = slices.Delete(c.People, i, i+1)
	return nil
}

func unknown(op string, id int) error {
	return &Error{Op: op, PersonID: id, Index: -1, Reason: "no person has this id", Kind: ErrUnknownPerson}
}

func changeErr(op string, p *Person, field, reason string) error {
	return &Error{Op: op, PersonID: p.ID, Person: p.FullName(), Index: -1, Field: field, Reason: reason, Kind: ErrInvalid}
}

func checkStamp(op string, p *Person, at time.Time) error {
	switch {
	case at.IsZero():
		return changeErr(op, p, "updated_at", "the time of the change is zero")
	case at.Before(p.CreatedAt):
		return changeErr(op, p, "updated_at", fmt.Sprintf("%s is before created_at %s", at.UTC().Format(time.RFC3339), p.CreatedAt.Format(time.RFC3339)))
	}
	return nil
}
