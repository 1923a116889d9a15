package personiotest

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/fakeid"
	"github.com/hrisconnect/hrisconnect/unified"
)

// This file derives, deterministically from a person's record, the Personio data that
// fakecompany does not model: salaries, holiday calendars, work schedules, absence
// entitlements, vacation balances, v2 employments and their jobs, profile pictures,
// org-unit abbreviations and legal entity creation times. Every value is a pure function of the company, so two servers
// over the same company render byte-identical documents.

// hashOf returns a stable pseudo-random value for (id, salt).
func hashOf(id int, salt uint64) uint64 { return fakeid.Mix64(uint64(id)*0x9e3779b97f4a7c15 ^ salt) }

// uuidFor returns a version-4-shaped UUID that is a pure function of its inputs.
func uuidFor(seed uint64, kind uint64, n uint64) string {
	hi := fakeid.Mix64(seed ^ kind*0x632be59bd9b4e019 ^ n)
	lo := fakeid.Mix64(hi ^ n*0x8cb92ba72f3d8dd7)
	return fakeid.UUID64(hi, lo)
}

// Kinds for uuidFor.
const (
	uuidEmployment = 0x454d504c // "EMPL"
	uuidJob        = 0x4a4f4221 // "JOB!"
)

// jobID returns the id of the job (Personio's job catalogue entry) a position title
// stands for: a UUID that is a pure function of the company's seed and the title, so
// that people with the same title share a job. "" for no title.
func jobID(c *Company, title string) string {
	if title == "" {
		return ""
	}
	h := fnv.New64a()
	h.Write([]byte(title))
	return uuidFor(c.Seed, uuidJob, h.Sum64())
}

// person returns the person with the id, or nil. People are ordered by ID. The server's
// read lock must be held.
func (s *Server) person(id int) *Person {
	ps := s.company.People
	if i, ok := slices.BinarySearchFunc(ps, id, func(p Person, id int) int { return cmp.Compare(p.ID, id) }); ok {
		return &ps[i]
	}
	return nil
}

// fullTimeHours is the full-time week of a legal entity's country.
func fullTimeHours(c *Company, p *Person) float64 {
	if le := c.LegalEntity(p.LegalEntityID); le != nil && le.Country == "GB" {
		return 37.5
	}
	return 40
}

// currencyOf returns the salary currency of p: pounds for the British entity, euros
// otherwise.
func currencyOf(c *Company, p *Person) string {
	if le := c.LegalEntity(p.LegalEntityID); le != nil && le.Country == "GB" {
		return "GBP"
	}
	return "EUR"
}

// salaryOf returns p's monthly fixed salary and hourly rate. Employees have a monthly
// salary (between 3,000 and 9,000 for a full-time week, scaled to their hours) and no
// hourly rate; contractors an hourly rate between 55 and 130 and no fixed salary.
func salaryOf(c *Company, p *Person) (monthly, hourly float64) {
	h := hashOf(p.ID, 0x53414c41)
	if p.EmploymentType == fakecompany.EmploymentExternal {
		return 0, float64(55 + h%16*5)
	}
	full := 3000 + float64(h%61)*100
	if ft := fullTimeHours(c, p); p.WeeklyHours > 0 && p.WeeklyHours < ft {
		full = float64(int(full*p.WeeklyHours/ft/10)) * 10
	}
	return full, 0
}

// vacationBalance returns p's remaining vacation days, 0 to 30 in half days.
func vacationBalance(p *Person) float64 {
	if p.EmploymentType == fakecompany.EmploymentExternal {
		return 0
	}
	return float64(hashOf(p.ID, 0x56414341)%61) / 2
}

// holidayCalendar is a Personio public-holiday calendar.
type holidayCalendar struct {
	id            int
	name, country string
	state         string // "" renders as null
}

// The holiday calendars: one per office, and one per country for people without an
// office, found by their legal entity's country.
var (
	officeCalendars = map[string]holidayCalendar{
		"Munich":    {2, "Deutschland (Bayern) Feiertage", "DE", "Bayern"},
		"Berlin":    {3, "Deutschland (Berlin) Feiertage", "DE", "Berlin"},
		"London":    {11, "England and Wales Bank Holidays", "GB", "England"},
		"Madrid":    {21, "España (Madrid) Festivos", "ES", "Madrid"},
		"Amsterdam": {31, "Nederland Feestdagen", "NL", ""},
	}
	countryCalendars = map[string]holidayCalendar{
		"DE": {1, "Deutschland Feiertage", "DE", ""},
		"GB": {10, "United Kingdom Bank Holidays", "GB", ""},
		"ES": {20, "España Festivos", "ES", ""},
		"NL": {31, "Nederland Feestdagen", "NL", ""},
	}
)

// calendarOf returns p's holiday calendar, or false when nothing determines one.
func calendarOf(c *Company, p *Person) (holidayCalendar, bool) {
	if o := c.Office(p.OfficeID); o != nil {
		if cal, ok := officeCalendars[o.Name]; ok {
			return cal, true
		}
		if cal, ok := countryCalendars[o.Country]; ok {
			return cal, true
		}
	}
	if le := c.LegalEntity(p.LegalEntityID); le != nil {
		if cal, ok := countryCalendars[le.Country]; ok {
			return cal, true
		}
	}
	return holidayCalendar{}, false
}

// entitlementDays returns p's yearly paid vacation, 0 for contractors.
func entitlementDays(c *Company, p *Person) int {
	if p.EmploymentType == fakecompany.EmploymentExternal {
		return 0
	}
	if currencyOf(c, p) == "GBP" {
		return 25
	}
	return 28
}

// employment is one v2 employment of a person.
type employment struct {
	id            string
	status        string // v2 vocabulary: ACTIVE, INACTIVE, ONBOARDING, LEAVE
	legalEntityID int
	start, end    unified.Date
	created       time.Time
	updated       time.Time
	// Termination, when termDate is set.
	termDate, lastDay, terminatedAt unified.Date
	termType, termReason            string
	current                         bool
}

// ifCurrent returns d for the current employment and no date (rendered as null) for an
// earlier one: the person's probation and contract end dates belong to the current one.
func (e *employment) ifCurrent(d unified.Date) unified.Date {
	if e.current {
		return d
	}
	return unified.Date{}
}

// employmentsOf returns p's employments, most recent first. Everybody has one; a few
// long-serving employees who moved from one legal entity to the other have a second,
// older, inactive one that ended with a SUB_COMPANY_SWITCH termination the day before
// the current one began. Which people moved is a fixed function of their ID.
func employmentsOf(c *Company, p *Person) []employment {
	cur := employment{
		id:            uuidFor(c.Seed, uuidEmployment, uint64(p.ID)<<1),
		status:        strings.ToUpper(p.Status.String()),
		legalEntityID: p.LegalEntityID,
		start:         p.HireDate,
		end:           p.TerminationDate,
		created:       p.CreatedAt,
		updated:       maxTime(p.UpdatedAt, p.CreatedAt),
		current:       true,
	}
	if !p.TerminationDate.IsZero() {
		cur.termDate = p.TerminationDate
		cur.lastDay = p.LastWorkingDay
		cur.terminatedAt = maxDate(p.TerminationDate.AddDays(-30), p.HireDate)
		cur.termType = strings.ToUpper(p.TerminationType)
		if cur.termType == "" {
			cur.termType = "UNSPECIFIED"
		}
		cur.termReason = p.TerminationReason
	}
	other, ok := movedFrom(c, p)
	if !ok {
		return []employment{cur}
	}
	updDay := unified.DateOf(p.UpdatedAt.UTC())
	span := daysBetween(p.HireDate, updDay)
	split := p.HireDate.AddDays(span / 2)
	newStart := split.AddDays(1)
	cur.start = newStart
	cur.created = maxTime(p.CreatedAt, newStart.Time(time.UTC).Add(-14*24*time.Hour+9*time.Hour))
	cur.updated = maxTime(cur.updated, cur.created)
	old := employment{
		id:            uuidFor(c.Seed, uuidEmployment, uint64(p.ID)<<1|1),
		status:        "INACTIVE",
		legalEntityID: other.ID,
		start:         p.HireDate,
		end:           split,
		created:       p.CreatedAt,
		updated:       maxTime(p.CreatedAt, split.Time(time.UTC).Add(17*time.Hour)),
		termDate:      split,
		lastDay:       split,
		terminatedAt:  maxDate(split.AddDays(-30), p.HireDate),
		termType:      "SUB_COMPANY_SWITCH",
		termReason:    "Moved to " + other.Name,
	}
	return []employment{cur, old}
}

// movedFrom reports whether p moved between legal entities and, if so, the entity p
// worked for before: about one in twelve internal, current employees with more than
// two years between hire and last change.
func movedFrom(c *Company, p *Person) (*fakecompany.LegalEntity, bool) {
	if p.EmploymentType != fakecompany.EmploymentInternal || p.LegalEntityID == 0 || len(c.LegalEntities) < 2 ||
		p.HireDate.IsZero() || p.Status == unified.StatusInactive || p.Status == unified.StatusOnboarding {
		return nil, false
	}
	if hashOf(p.ID, 0x4d4f5645)%12 != 0 {
		return nil, false
	}
	if daysBetween(p.HireDate, unified.DateOf(p.UpdatedAt.UTC())) < 730 {
		return nil, false
	}
	for i := range c.LegalEntities {
		if c.LegalEntities[i].ID != p.LegalEntityID {
			return &c.LegalEntities[i], true
		}
	}
	return nil, false
}

// v2Status is a person's v2 status: ACTIVE when the latest employment is active, on leave
// or onboarding, INACTIVE otherwise.
// preferredName is Personio's preferred_name of p: the full name the person goes by
// ("Alex Bergmann" for Alexander Bergmann), "" when the person has none. Lattice, by
// contrast, keeps only the preferred first name.
func preferredName(p *Person) string {
	if p.PreferredName == "" {
		return ""
	}
	return p.DisplayName()
}

func v2Status(p *Person) string {
	if p.Status == unified.StatusInactive {
		return "INACTIVE"
	}
	return "ACTIVE"
}

func daysBetween(a, b unified.Date) int {
	return int(b.Time(time.UTC).Sub(a.Time(time.UTC)).Hours() / 24)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func maxDate(a, b unified.Date) unified.Date {
	if a.After(b) {
		return a
	}
	return b
}

// abbreviation returns an org unit's abbreviation: the initials of a name of several
// words ("Customer Support" → "CS"), else its first three letters ("Engineering" →
// "ENG").
func abbreviation(name string) string {
	var words []string
	for w := range strings.FieldsFuncSeq(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		words = append(words, w)
	}
	var b strings.Builder
	switch len(words) {
	case 0:
		return ""
	case 1:
		for i, r := range []rune(words[0]) {
			if i == 3 {
				break
			}
			b.WriteRune(unicode.ToUpper(r))
		}
	default:
		for _, w := range words {
			r := []rune(w)[0]
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// legalEntityCreated returns when the i-th legal entity was created in Personio: the
// day before the company's first person record for the last entity, one day earlier for
// each entity before it, at 08:00 UTC. Without people, the count starts at 2015-01-01.
func legalEntityCreated(c *Company, i int) time.Time {
	base := time.Date(2015, time.January, 1, 8, 0, 0, 0, time.UTC)
	if len(c.People) > 0 {
		first := c.People[0].CreatedAt.UTC()
		base = time.Date(first.Year(), first.Month(), first.Day(), 8, 0, 0, 0, time.UTC)
	}
	return base.AddDate(0, 0, -(len(c.LegalEntities) - i))
}
