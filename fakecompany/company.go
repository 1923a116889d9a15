package fakecompany

import (
	"maps"
	"slices"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/fakeid"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Company is a whole organisation: its legal entities, org structure, custom attribute
// catalogue and people. It is plain data: every field is exported, it has no hidden state,
// and it can be compared with go-cmp and round-tripped through JSON ([Company.WriteJSON],
// [Load]).
//
// A Company is safe for concurrent reads. Mutations (the methods [Company.Hire],
// [Company.Terminate], [Company.Move], [Company.Remove], or writes to the fields) need the
// caller's own synchronisation, as for a map. Code that edits People directly must keep
// the slice ordered by ID and should call [Company.Validate] afterwards.
type Company struct {
	// Name is the company's name, without a legal form ("Nordlicht Software").
	Name string `json:"name"`
	// Seed is the seed the company was generated from; 0 when it was loaded from JSON
	// without one. Mutations derive new Lattice ids from it.
	Seed uint64 `json:"seed,omitzero"`
	// Domain is the email domain of the company ("nordlicht-software.example"). Hire uses
	// it for people hired without an email address.
	Domain string `json:"domain,omitzero"`

	// LegalEntities are the employing companies (Personio "subcompany", v2 legal entity).
	// A generated company has exactly two: a German GmbH and a British Ltd.
	LegalEntities []LegalEntity `json:"legal_entities"`
	// Departments are the top-level org units.
	Departments []Department `json:"departments"`
	// Teams are the second-level org units; each belongs to one department.
	Teams []Team `json:"teams"`
	// Offices are the places people work from, including a "Remote" office.
	Offices []Office `json:"offices"`
	// CostCenters are the cost centres people's cost is booked to.
	CostCenters []CostCenter `json:"cost_centers"`
	// Attributes is the catalogue of custom attributes (Personio dynamic_<n>, Lattice
	// custom attributes). People's Custom values are keyed by Attribute.Key.
	Attributes []CustomAttribute `json:"attributes"`
	// People are the employees and contractors, past, present and future, ordered by ID
	// ascending.
	People []Person `json:"people"`
}

// LegalEntity is an employing company (Personio "subcompany", v2 "legal entity").
type LegalEntity struct {
	ID int `json:"id"`
	// Name includes the legal form ("Nordlicht Software GmbH").
	Name string `json:"name"`
	// Country is the ISO 3166-1 alpha-2 code of the country of registration ("DE", "GB").
	Country string `json:"country"`
}

// Department is a top-level org unit.
type Department struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	// LatticeID is the department's id in the Lattice rendering (a UUID).
	LatticeID string `json:"lattice_id,omitzero"`
}

// Team is an org unit inside a department.
type Team struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	// DepartmentID is the ID of the department the team belongs to.
	DepartmentID int `json:"department_id"`
}

// Office is a place of work. The "Remote" office stands for people who work from home.
type Office struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	// Country is the ISO 3166-1 alpha-2 code of the office's country; "" for Remote.
	Country string `json:"country,omitzero"`
	// Timezone is the IANA time zone of the office ("Europe/Berlin"); "" for Remote,
	// whose people each have their own.
	Timezone string `json:"timezone,omitzero"`
}

// CostCenter is a cost centre ("2000 Engineering").
type CostCenter struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// CostCenterShare is the share of a person's cost booked to one cost centre.
type CostCenterShare struct {
	// ID is the cost centre's ID.
	ID int `json:"id"`
	// Percentage is the share in percent, in (0, 100]. A person's shares add up to 100.
	Percentage float64 `json:"percentage"`
}

// The custom attribute types, named as Personio names them.
const (
	AttrText    = "standard" // free text
	AttrDate    = "date"     // a calendar day, stored as "2006-01-02"
	AttrInteger = "integer"  // a whole number, stored in decimal
	AttrDecimal = "decimal"  // a decimal number, stored with a '.' ("2.5")
	AttrList    = "list"     // one of Options
	AttrTags    = "tags"     // several of Options, stored joined by ", "
)

// CustomAttribute describes one custom attribute of the company's people.
type CustomAttribute struct {
	// Key is the attribute's stable key, Personio style ("dynamic_24407").
	Key string `json:"key"`
	// LabelEN and LabelDE are the labels an HR admin sees in English and German.
	LabelEN string `json:"label_en"`
	LabelDE string `json:"label_de"`
	// Type is one of AttrText, AttrDate, AttrInteger, AttrDecimal, AttrList, AttrTags.
	Type string `json:"type"`
	// UniversalID is Personio's universal_id ("iban"); "" renders as null.
	UniversalID string `json:"universal_id,omitzero"`
	// LatticeID is the attribute's id in the Lattice rendering (a UUID).
	LatticeID string `json:"lattice_id,omitzero"`
	// Options are the allowed values of list and tags attributes.
	Options []string `json:"options,omitempty"`
}

// The employment types.
const (
	EmploymentInternal = "internal" // employed by a legal entity of the company
	EmploymentExternal = "external" // contractor, freelancer, agency staff
)

// The genders.
const (
	GenderMale    = "male"
	GenderFemale  = "female"
	GenderDiverse = "diverse"
)

// The Lattice user statuses returned by [Person.LatticeStatus].
const (
	latticeActive      = "ACTIVE"
	latticeInvited     = "INVITED"
	latticeCreated     = "CREATED"
	latticeDeactivated = "DEACTIVATED"
)

// Person is one person of the company. Zero values mean "none": a SupervisorID of 0 is no
// supervisor, a zero date is no date, "" is no value.
type Person struct {
	// ID is the Personio employee id, also the Lattice externalUserId.
	ID int `json:"id"`
	// LatticeID is the person's Lattice user id (a UUID).
	LatticeID string `json:"lattice_id,omitzero"`
	// EmployeeNumber is the personnel number (Personio "Personalnummer"), "" for people
	// who have none (contractors).
	EmployeeNumber string `json:"employee_number,omitzero"`

	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	// PreferredName is the first name the person goes by ("Max" for Maximilian), "" when
	// it is the first name.
	PreferredName string `json:"preferred_name,omitzero"`
	// Email is the work email: unique, lower-case ASCII.
	Email string `json:"email"`
	// Gender is GenderMale, GenderFemale, GenderDiverse or "" (not recorded).
	Gender string `json:"gender,omitzero"`
	// Position is the job title.
	Position string `json:"position,omitzero"`
	// Status is unified.StatusOnboarding (hired, starts after today),
	// unified.StatusActive, unified.StatusLeave (employed, on parental, sabbatical or
	// other leave) or unified.StatusInactive. It is written in JSON by its lower-case name,
	// Personio's v1 vocabulary.
	Status unified.Status `json:"status"`
	// EmploymentType is EmploymentInternal or EmploymentExternal.
	EmploymentType string `json:"employment_type"`

	// SupervisorID is the ID of the person's manager, 0 for the root(s) of the org chart.
	SupervisorID int `json:"supervisor_id,omitzero"`
	// DepartmentID, TeamID, OfficeID and LegalEntityID reference the company's
	// structure; 0 is none. A person's team belongs to the person's department.
	DepartmentID  int `json:"department_id,omitzero"`
	TeamID        int `json:"team_id,omitzero"`
	OfficeID      int `json:"office_id,omitzero"`
	LegalEntityID int `json:"legal_entity_id,omitzero"`
	// CostCenters are the person's cost-centre shares; none for many contractors.
	CostCenters []CostCenterShare `json:"cost_centers,omitempty"`

	HireDate        unified.Date `json:"hire_date,omitzero"`
	ContractEndDate unified.Date `json:"contract_end_date,omitzero"`
	// ProbationEnd is six calendar months after HireDate for employees, zero for
	// contractors.
	ProbationEnd    unified.Date `json:"probation_end,omitzero"`
	TerminationDate unified.Date `json:"termination_date,omitzero"`
	LastWorkingDay  unified.Date `json:"last_working_day,omitzero"`
	BirthDate       unified.Date `json:"birth_date,omitzero"`
	// TerminationType is why the employment ended, in the lower-case form of Personio's v2
	// vocabulary: "employee" (resignation), "fired", "contract_expired", "agreement",
	// "retirement". "" while employed.
	TerminationType string `json:"termination_type,omitzero"`
	// TerminationReason is the free-text reason ("Relocation").
	TerminationReason string `json:"termination_reason,omitzero"`
	// WeeklyHours is the contractual working time per week.
	WeeklyHours float64 `json:"weekly_hours,omitzero"`

	// CreatedAt and UpdatedAt are when the record was created and last changed (UTC,
	// UpdatedAt >= CreatedAt).
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// Custom holds the person's custom attribute values as text, keyed by
	// CustomAttribute.Key: "2021-01-01" for dates, "3" for integers, "2.5" for decimals,
	// an option for lists and options joined by ", " for tags.
	Custom map[string]string `json:"custom,omitempty"`

	// IsAdmin is the Lattice admin flag.
	IsAdmin bool `json:"is_admin,omitzero"`
	// Timezone is the person's IANA time zone, from the office; "" when unknown.
	Timezone string `json:"timezone,omitzero"`
}

// FullName returns "FirstName LastName" (the legal name).
func (p *Person) FullName() string {
	switch {
	case p.FirstName == "":
		return p.LastName
	case p.LastName == "":
		return p.FirstName
	}
	return p.FirstName + " " + p.LastName
}

// DisplayName returns the name the person goes by: the preferred first name (else the
// first name) and the last name. Lattice's single "name" field renders this.
func (p *Person) DisplayName() string {
	if p.PreferredName == "" {
		return p.FullName()
	}
	if p.LastName == "" {
		return p.PreferredName
	}
	return p.PreferredName + " " + p.LastName
}

// invitedPercent is the share (in percent) of active people that [Person.LatticeStatus]
// reports as invited but not yet signed in.
const invitedPercent = 3

// LatticeStatus returns the person's status in the Lattice rendering:
//
//   - inactive → DEACTIVATED (Lattice deactivates leavers, it does not delete them);
//   - onboarding → CREATED (imported from the HR system, not yet invited);
//   - active or on leave → ACTIVE, except that about 3% of active people are INVITED
//     (invited, never signed in). Which ones is a fixed function of the person's ID, so
//     the same person is INVITED in every rendering of every company.
func (p *Person) LatticeStatus() string {
	switch p.Status {
	case unified.StatusInactive:
		return latticeDeactivated
	case unified.StatusOnboarding:
		return latticeCreated
	case unified.StatusActive:
		if fakeid.Mix64(uint64(p.ID)^0x4c41545449434521)%100 < invitedPercent {
			return latticeInvited
		}
	}
	return latticeActive
}

// Person returns the person with the given ID, or nil. The pointer points into
// c.People, so it is valid until People is next reallocated (by Hire or an append).
//
// The lookup needs no index: People is ordered by ID and IDs are dense, so interpolation
// search finds a person in two or three probes, whatever the size of the company (with a
// binary search as the fallback, it is logarithmic in the worst case). Company thus keeps
// no hidden state, stays comparable with go-cmp, and is safe for concurrent readers.
// People must be ordered by ID, as [Company.Validate] requires.
func (c *Company) Person(id int) *Person {
	ps := c.People
	lo, hi := 0, len(ps)-1 // the person, if present, is in ps[lo..hi]
	for probes := 0; lo <= hi; probes++ {
		first, last := ps[lo].ID, ps[hi].ID
		if id < first || id > last {
			return nil
		}
		var g int
		switch {
		case first == last:
			g = lo
		case probes < 4:
			g = lo + int(int64(id-first)*int64(hi-lo)/int64(last-first))
		default: // uneven IDs: fall back to bisection
			g = lo + (hi-lo)/2
		}
		switch q := ps[g].ID; {
		case q == id:
			return &ps[g]
		case q < id:
			lo = g + 1
		default:
			hi = g - 1
		}
	}
	return nil
}

// DirectReports returns the IDs of the people whose supervisor is id, in ascending order.
// It scans all people (O(n)); build your own index for repeated use on large companies.
func (c *Company) DirectReports(id int) []int {
	var out []int
	for i := range c.People {
		if c.People[i].SupervisorID == id && id != 0 {
			out = append(out, c.People[i].ID)
		}
	}
	return out
}

// LegalEntity returns the legal entity with the given ID, or nil.
func (c *Company) LegalEntity(id int) *LegalEntity { return find(c.LegalEntities, id, leID) }

// Department returns the department with the given ID, or nil.
func (c *Company) Department(id int) *Department { return find(c.Departments, id, deptID) }

// Team returns the team with the given ID, or nil.
func (c *Company) Team(id int) *Team { return find(c.Teams, id, teamID) }

// Office returns the office with the given ID, or nil.
func (c *Company) Office(id int) *Office { return find(c.Offices, id, officeID) }

// CostCenter returns the cost centre with the given ID, or nil.
func (c *Company) CostCenter(id int) *CostCenter { return find(c.CostCenters, id, ccID) }

// Attribute returns the custom attribute with the given key, or nil.
func (c *Company) Attribute(key string) *CustomAttribute {
	for i := range c.Attributes {
		if c.Attributes[i].Key == key {
			return &c.Attributes[i]
		}
	}
	return nil
}

func leID(e *LegalEntity) int  { return e.ID }
func deptID(d *Department) int { return d.ID }
func teamID(t *Team) int       { return t.ID }
func officeID(o *Office) int   { return o.ID }
func ccID(c *CostCenter) int   { return c.ID }

func find[T any](s []T, id int, key func(*T) int) *T {
	if id == 0 {
		return nil
	}
	for i := range s {
		if key(&s[i]) == id {
			return &s[i]
		}
	}
	return nil
}

// Clone returns a deep copy of c: no slice or map is shared with c.
func (c *Company) Clone() *Company {
	if c == nil {
		return nil
	}
	out := *c
	out.LegalEntities = slices.Clone(c.LegalEntities)
	out.Departments = slices.Clone(c.Departments)
	out.Teams = slices.Clone(c.Teams)
	out.Offices = slices.Clone(c.Offices)
	out.CostCenters = slices.Clone(c.CostCenters)
	out.Attributes = slices.Clone(c.Attributes)
	for i := range out.Attributes {
		out.Attributes[i].Options = slices.Clone(out.Attributes[i].Options)
	}
	out.People = slices.Clone(c.People)
	for i := range out.People {
		p := &out.People[i]
		p.CostCenters = slices.Clone(p.CostCenters)
		p.Custom = maps.Clone(p.Custom)
	}
	return &out
}

// Stats counts a company's people.
type Stats struct {
	People     int
	Onboarding int
	Active     int
	Leave      int
	Inactive   int
	Internal   int
	External   int
	// Managers is the number of people with at least one direct report.
	Managers int
	// Roots is the number of people without a supervisor.
	Roots int
	// MaxSpan is the largest number of direct reports of one person.
	MaxSpan int
	// Depth is the number of levels of the org chart (1 for a lone CEO).
	Depth int
}

// Stats counts c's people by status and employment type and measures its org chart. It
// assumes c is valid (see [Company.Validate]); on a company with a reporting cycle the
// depth is not meaningful.
func (c *Company) Stats() Stats {
	s := Stats{People: len(c.People)}
	reports := make(map[int]int, len(c.People)/4)
	for i := range c.People {
		p := &c.People[i]
		switch p.Status {
		case unified.StatusOnboarding:
			s.Onboarding++
		case unified.StatusActive:
			s.Active++
		case unified.StatusLeave:
			s.Leave++
		case unified.StatusInactive:
			s.Inactive++
		}
		switch p.EmploymentType {
		case EmploymentInternal:
			s.Internal++
		case EmploymentExternal:
			s.External++
		}
		if p.SupervisorID == 0 {
			s.Roots++
		} else {
			reports[p.SupervisorID]++
		}
	}
	s.Managers = len(reports)
	for _, n := range reports {
		s.MaxSpan = max(s.MaxSpan, n)
	}
	// Depth: memoised walk up the supervisor chain, bounded by len(People) so a cycle
	// cannot loop forever.
	depth := make(map[int]int, len(c.People))
	var chain []int
	for i := range c.People {
		id := c.People[i].ID
		chain = chain[:0]
		d := 0
		for id != 0 && len(chain) <= len(c.People) {
			if known, ok := depth[id]; ok {
				d = known
				break
			}
			chain = append(chain, id)
			p := c.Person(id)
			if p == nil {
				break
			}
			id = p.SupervisorID
		}
		for j := len(chain) - 1; j >= 0; j-- {
			d++
			depth[chain[j]] = d
		}
		s.Depth = max(s.Depth, d)
	}
	return s
}
