package fakecompany

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Sentinel errors. Every error of this package is an [*Error] that matches one of them
// with [errors.Is].
var (
	// ErrInvalid: the company data breaks a rule (a duplicate id, a reference to nothing,
	// a reporting cycle, a malformed value), or a change would make it do so. It also
	// matches [unified.ErrInvalidValue].
	ErrInvalid = errors.New("invalid company data")
	// ErrUnknownPerson: a change names a person the company does not have. It also
	// matches [unified.ErrNotFound].
	ErrUnknownPerson = errors.New("unknown person")
)

// Error describes one problem with a company, or with a change to it, and names the
// person concerned.
type Error struct {
	// Op is what was being done: "validate", "load", "hire", "terminate", "move",
	// "remove".
	Op string
	// PersonID and Person are the ID and name of the person concerned; zero and "" when
	// the problem is not about one person. Index is the person's position in the input
	// when the ID itself is unusable (-1 otherwise).
	PersonID int
	Person   string
	Index    int
	// Field is the JSON name of the offending field ("supervisor_id"), or "".
	Field string
	// Reason says what is wrong.
	Reason string
	// Kind is ErrInvalid or ErrUnknownPerson.
	Kind error
	// Err is the underlying cause (a JSON or date syntax error), or nil.
	Err error
}

// Error returns "fakecompany: <op>: person <id> (<name>): <field>: <reason>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("fakecompany: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch {
	case e.PersonID != 0:
		fmt.Fprintf(&b, "person %d", e.PersonID)
		if e.Person != "" {
			fmt.Fprintf(&b, " (%s)", e.Person)
		}
		b.WriteString(": ")
	case e.Index >= 0:
		fmt.Fprintf(&b, "people[%d]", e.Index)
		if e.Person != "" {
			fmt.Fprintf(&b, " (%s)", e.Person)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns Kind, the matching sentinel of package unified, and Err.
func (e *Error) Unwrap() []error {
	out := make([]error, 0, 3)
	if e.Kind != nil {
		out = append(out, e.Kind)
		switch e.Kind {
		case ErrInvalid:
			out = append(out, unified.ErrInvalidValue)
		case ErrUnknownPerson:
			out = append(out, unified.ErrNotFound)
		}
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// maxReported is how many problems Validate describes before it summarises the rest.
const maxReported = 10

// problems collects the errors of one validation.
type problems struct {
	op   string
	errs []error
	more int
}

func (ps *problems) add(e *Error) {
	if e.Op == "" {
		e.Op = ps.op
	}
	if e.Kind == nil {
		e.Kind = ErrInvalid
	}
	if len(ps.errs) >= maxReported {
		ps.more++
		return
	}
	ps.errs = append(ps.errs, e)
}

func (ps *problems) person(p *Person, field, format string, args ...any) {
	ps.add(&Error{PersonID: p.ID, Person: p.FullName(), Index: -1, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (ps *problems) company(field, format string, args ...any) {
	ps.add(&Error{Index: -1, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (ps *problems) err() error {
	if len(ps.errs) == 0 {
		return nil
	}
	if ps.more > 0 {
		ps.errs = append(ps.errs, &Error{Op: ps.op, Index: -1, Reason: fmt.Sprintf("and %d more problems", ps.more), Kind: ErrInvalid})
	}
	if len(ps.errs) == 1 {
		return ps.errs[0]
	}
	return errors.Join(ps.errs...)
}

// refs indexes a company's structure for validation.
type refs struct {
	legal, dept, office, cc map[int]bool
	team                    map[int]int // team ID → department ID
	attrs                   map[string]*CustomAttribute
}

func (c *Company) refs(ps *problems) *refs {
	r := &refs{
		legal:  make(map[int]bool, len(c.LegalEntities)),
		dept:   make(map[int]bool, len(c.Departments)),
		office: make(map[int]bool, len(c.Offices)),
		cc:     make(map[int]bool, len(c.CostCenters)),
		team:   make(map[int]int, len(c.Teams)),
		attrs:  make(map[string]*CustomAttribute, len(c.Attributes)),
	}
	ids := func(kind string, set map[int]bool, id int) {
		switch {
		case id <= 0:
			ps.company(kind, "id %d is not positive", id)
		case set[id]:
			ps.company(kind, "duplicate id %d", id)
		}
		set[id] = true
	}
	for _, e := range c.LegalEntities {
		ids("legal_entities", r.legal, e.ID)
	}
	lattice := make(map[string]bool, len(c.Departments)+len(c.Attributes))
	latticeID := func(kind, what, id string) {
		switch {
		case !isUUID(id):
			ps.company(kind, "%s: lattice_id %q is not a UUID", what, id)
		case lattice[strings.ToLower(id)]:
			ps.company(kind, "%s: duplicate lattice_id %q", what, id)
		}
		lattice[strings.ToLower(id)] = true
	}
	for _, d := range c.Departments {
		ids("departments", r.dept, d.ID)
		latticeID("departments", fmt.Sprintf("department %d (%s)", d.ID, d.Name), d.LatticeID)
	}
	teams := make(map[int]bool, len(c.Teams))
	for _, t := range c.Teams {
		ids("teams", teams, t.ID)
		if !r.dept[t.DepartmentID] {
			ps.company("teams", "team %d (%s): unknown department_id %d", t.ID, t.Name, t.DepartmentID)
		}
		r.team[t.ID] = t.DepartmentID
	}
	for _, o := range c.Offices {
		ids("offices", r.office, o.ID)
	}
	for _, cc := range c.CostCenters {
		ids("cost_centers", r.cc, cc.ID)
	}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		switch {
		case a.Key == "":
			ps.company("attributes", "attribute %d has no key", i)
		case r.attrs[a.Key] != nil:
			ps.company("attributes", "duplicate key %q", a.Key)
		}
		switch a.Type {
		case AttrText, AttrDate, AttrInteger, AttrDecimal, AttrList, AttrTags:
		default:
			ps.company("attributes", "attribute %q: unknown type %q (want standard, date, integer, decimal, list or tags)", a.Key, a.Type)
		}
		latticeID("attributes", fmt.Sprintf("attribute %q", a.Key), a.LatticeID)
		r.attrs[a.Key] = a
	}
	return r
}

// Validate reports whether c is a consistent company. It checks that
//
//   - legal entities, departments, teams, offices and cost centres have positive, unique
//     IDs, every team belongs to a known department, and attributes have unique keys and
//     known types;
//   - people are ordered by ascending, unique, positive ID, have unique Lattice ids (UUIDs)
//     and unique email addresses (ignoring case), and first and last names;
//   - status, employment type and gender use the documented vocabulary;
//   - every supervisor, department, team, office, legal entity, cost centre and custom
//     attribute a person references exists; a person's team belongs to the person's
//     department; cost-centre shares are in (0, 100] and add up to at most 100;
//   - nobody is their own supervisor and the reporting lines have no cycle;
//   - dates are valid, and termination, last working day and contract end are not
//     before the hire date; UpdatedAt is not before CreatedAt;
//   - custom values fit their attribute's type (dates as "2006-01-02", integers, decimals,
//     list and tags values among the options).
//
// It does not require a single root, statuses consistent with a reference day, or offices
// consistent with legal entities: loaded scenarios may break those on purpose.
//
// The error is nil, one [*Error], or several joined with [errors.Join] (at most 10 are
// described). Each names the person concerned and matches [ErrInvalid].
func (c *Company) Validate() error {
	ps := &problems{op: "validate"}
	c.validate(ps)
	return ps.err()
}

func (c *Company) validate(ps *problems) {
	r := c.refs(ps)
	index := make(map[int]int, len(c.People))
	emails := make(map[string]int, len(c.People))
	lattice := make(map[string]int, len(c.People))
	for i := range c.People {
		p := &c.People[i]
		switch {
		case p.ID <= 0:
			ps.add(&Error{Index: i, Person: p.FullName(), Field: "id", Reason: fmt.Sprintf("id %d is not positive", p.ID)})
		case index[p.ID] != 0:
			ps.person(p, "id", "duplicate id (also people[%d])", index[p.ID]-1)
		case i > 0 && p.ID < c.People[i-1].ID:
			ps.person(p, "id", "people are not ordered by id: %d follows %d", p.ID, c.People[i-1].ID)
		}
		if index[p.ID] == 0 {
			index[p.ID] = i + 1
		}
		if p.Email != "" {
			e := strings.ToLower(p.Email)
			if j, dup := emails[e]; dup {
				ps.person(p, "email", "duplicate email %q (also person %d)", p.Email, j)
			} else {
				emails[e] = p.ID
			}
		}
		if isUUID(p.LatticeID) {
			l := strings.ToLower(p.LatticeID)
			if j, dup := lattice[l]; dup {
				ps.person(p, "lattice_id", "duplicate lattice_id %q (also person %d)", p.LatticeID, j)
			} else {
				lattice[l] = p.ID
			}
		}
		c.checkPerson(ps, r, p)
	}
	for i := range c.People {
		p := &c.People[i]
		switch {
		case p.SupervisorID == 0:
		case p.SupervisorID == p.ID:
			ps.person(p, "supervisor_id", "is their own supervisor")
		case index[p.SupervisorID] == 0:
			ps.person(p, "supervisor_id", "unknown person %d", p.SupervisorID)
		}
	}
	c.checkCycles(ps, index)
}

// checkPerson checks the rules that concern one person alone.
func (c *Company) checkPerson(ps *problems, r *refs, p *Person) {
	if !isUUID(p.LatticeID) {
		ps.person(p, "lattice_id", "%q is not a UUID", p.LatticeID)
	}
	if p.FirstName == "" {
		ps.person(p, "first_name", "missing")
	}
	if p.LastName == "" {
		ps.person(p, "last_name", "missing")
	}
	if p.Email != "" && !plausibleEmail(p.Email) {
		ps.person(p, "email", "%q is not an email address", p.Email)
	}
	switch p.Gender {
	case "", GenderMale, GenderFemale, GenderDiverse:
	default:
		ps.person(p, "gender", "unknown gender %q (want male, female, diverse or empty)", p.Gender)
	}
	switch p.Status {
	case unified.StatusOnboarding, unified.StatusActive, unified.StatusLeave, unified.StatusInactive:
	default:
		ps.person(p, "status", "unknown status %q (want onboarding, active, leave or inactive)", p.Status)
	}
	switch p.EmploymentType {
	case EmploymentInternal, EmploymentExternal:
	default:
		ps.person(p, "employment_type", "unknown employment type %q (want internal or external)", p.EmploymentType)
	}
	if p.DepartmentID != 0 && !r.dept[p.DepartmentID] {
		ps.person(p, "department_id", "unknown department %d", p.DepartmentID)
	}
	if p.TeamID != 0 {
		d, ok := r.team[p.TeamID]
		switch {
		case !ok:
			ps.person(p, "team_id", "unknown team %d", p.TeamID)
		case p.DepartmentID != 0 && d != p.DepartmentID:
			ps.person(p, "team_id", "team %d belongs to department %d, not to the person's department %d", p.TeamID, d, p.DepartmentID)
		}
	}
	if p.OfficeID != 0 && !r.office[p.OfficeID] {
		ps.person(p, "office_id", "unknown office %d", p.OfficeID)
	}
	if p.LegalEntityID != 0 && !r.legal[p.LegalEntityID] {
		ps.person(p, "legal_entity_id", "unknown legal entity %d", p.LegalEntityID)
	}
	total := 0.0
	for j, s := range p.CostCenters {
		if !r.cc[s.ID] {
			ps.person(p, "cost_centers", "unknown cost center %d", s.ID)
		}
		for _, t := range p.CostCenters[:j] {
			if t.ID == s.ID {
				ps.person(p, "cost_centers", "cost center %d listed twice", s.ID)
			}
		}
		if !(s.Percentage > 0 && s.Percentage <= 100) {
			ps.person(p, "cost_centers", "cost center %d: percentage %v not in (0, 100]", s.ID, s.Percentage)
		}
		total += s.Percentage
	}
	if total > 100+1e-9 {
		ps.person(p, "cost_centers", "percentages add up to %v, more than 100", total)
	}
	for _, d := range []struct {
		field string
		date  unified.Date
	}{
		{"hire_date", p.HireDate}, {"contract_end_date", p.ContractEndDate},
		{"probation_end", p.ProbationEnd}, {"termination_date", p.TerminationDate},
		{"last_working_day", p.LastWorkingDay}, {"birth_date", p.BirthDate},
	} {
		if !d.date.IsZero() && !d.date.IsValid() {
			ps.person(p, d.field, "invalid date %04d-%02d-%02d", d.date.Year, int(d.date.Month), d.date.Day)
		}
	}
	if !p.HireDate.IsZero() {
		for _, d := range []struct {
			field string
			date  unified.Date
		}{
			{"termination_date", p.TerminationDate}, {"last_working_day", p.LastWorkingDay},
			{"contract_end_date", p.ContractEndDate},
		} {
			if !d.date.IsZero() && d.date.Before(p.HireDate) {
				ps.person(p, d.field, "%s is before the hire date %s", d.date, p.HireDate)
			}
		}
	}
	if math.IsNaN(p.WeeklyHours) || p.WeeklyHours < 0 || p.WeeklyHours > 168 {
		ps.person(p, "weekly_hours", "%v is not in [0, 168]", p.WeeklyHours)
	}
	if p.UpdatedAt.Before(p.CreatedAt) {
		ps.person(p, "updated_at", "%s is before created_at %s", p.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"), p.CreatedAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	for key, v := range p.Custom {
		a := r.attrs[key]
		if a == nil {
			ps.person(p, "custom", "unknown attribute %q", key)
			continue
		}
		if reason := checkValue(a, v); reason != "" {
			ps.person(p, "custom", "attribute %q (%s): %s", key, a.LabelEN, reason)
		}
	}
}

// checkValue returns why v is not a valid value of a, or "".
func checkValue(a *CustomAttribute, v string) string {
	switch a.Type {
	case AttrDate:
		if d, err := unified.ParseDate(v); err != nil || len(v) != 10 || !d.IsValid() {
			return fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", v)
		}
	case AttrInteger:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Sprintf("%q is not an integer", v)
		}
	case AttrDecimal:
		if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("%q is not a decimal number", v)
		}
	case AttrList:
		if len(a.Options) > 0 && !contains(a.Options, v) {
			return fmt.Sprintf("%q is not one of the options", v)
		}
	case AttrTags:
		if len(a.Options) > 0 {
			for t := range strings.SplitSeq(v, ",") {
				if t = strings.TrimSpace(t); !contains(a.Options, t) {
					return fmt.Sprintf("tag %q is not one of the options", t)
				}
			}
		}
	}
	return ""
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// plausibleEmail reports whether s looks like an address: one '@' between non-empty
// parts, no spaces or control characters.
func plausibleEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// checkCycles reports reporting cycles, once per cycle. index maps IDs to position+1.
func (c *Company) checkCycles(ps *problems, index map[int]int) {
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]uint8, len(c.People))
	var path []int
	for start := range c.People {
		if state[start] != unseen {
			continue
		}
		path = path[:0]
		i := start
		for {
			if state[i] == onPath {
				// A cycle: the path from i's first occurrence.
				k := len(path) - 1
				for path[k] != i {
					k--
				}
				cyc := path[k:]
				ids := make([]string, 0, len(cyc)+1)
				for _, j := range cyc {
					ids = append(ids, strconv.Itoa(c.People[j].ID))
				}
				ids = append(ids, strconv.Itoa(c.People[i].ID))
				ps.person(&c.People[i], "supervisor_id", "reporting cycle %s", strings.Join(ids, " → "))
				break
			}
			if state[i] == done {
				break
			}
			state[i] = onPath
			path = append(path, i)
			sup := c.People[i].SupervisorID
			j := index[sup] - 1
			if sup == 0 || j < 0 || sup == c.People[i].ID {
				break // a root, an unknown supervisor, or a self-reference (reported already)
			}
			i = j
		}
		for _, j := range path {
			state[j] = done
		}
	}
}
