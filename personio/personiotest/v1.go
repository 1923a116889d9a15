package personiotest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

// v1 paging limits.
const (
	v1DefaultLimit = 50
	v1MaxLimit     = 100
)

// v1EmployeeJSON is a v1 Employee: {"type":"Employee","attributes":{key: attribute}}.
// The attributes are a map, since the set of keys depends on the credential and the
// request; their order carries no meaning.
type v1EmployeeJSON struct {
	Type       string                `json:"type"`
	Attributes map[string]v1AttrJSON `json:"attributes"`
}

// v1AttrJSON is one attribute of an employee: {label, value, type, universal_id}, and
// the currency of salary fields.
type v1AttrJSON struct {
	Label       string  `json:"label"`
	Value       any     `json:"value"`
	Type        string  `json:"type"`
	UniversalID *string `json:"universal_id"`
	Currency    string  `json:"currency,omitempty"`
}

// v1NestedJSON is a plain nested object: {"type":"Department","attributes":{...}}.
type v1NestedJSON struct {
	Type       string `json:"type"`
	Attributes any    `json:"attributes"`
}

// v1EntityJSON holds the attributes of a subcompany, office, department or team.
type v1EntityJSON struct {
	ID   any    `json:"id"`
	Name string `json:"name"`
}

type v1CostCenterJSON struct {
	ID         any     `json:"id"`
	Name       string  `json:"name"`
	Percentage float64 `json:"percentage"`
}

type v1CalendarJSON struct {
	ID      any     `json:"id"`
	Name    string  `json:"name"`
	Country string  `json:"country"`
	State   *string `json:"state"`
}

type v1TimeOffTypeJSON struct {
	ID          any    `json:"id"`
	Name        string `json:"name"`
	Category    string `json:"category"`
	Entitlement int    `json:"entitlement"`
}

type v1WorkScheduleJSON struct {
	ID        any     `json:"id"`
	Name      string  `json:"name"`
	ValidFrom *string `json:"valid_from"`
	Monday    string  `json:"monday"`
	Tuesday   string  `json:"tuesday"`
	Wednesday string  `json:"wednesday"`
	Thursday  string  `json:"thursday"`
	Friday    string  `json:"friday"`
	Saturday  string  `json:"saturday"`
	Sunday    string  `json:"sunday"`
}

// dynAttr is a custom attribute as rendered for one request.
type dynAttr struct {
	attr        *fakecompany.CustomAttribute // nil for the personnel number
	key, label  string
	typ         string
	universalID *string
}

// v1Renderer renders v1 employee objects for one request.
type v1Renderer struct {
	s       *Server
	c       *Company
	lang    int
	std     [numStdAttrs]bool // attributes to render: whitelist ∩ projection, plus id
	dyn     []dynAttr
	strNums bool
	q       Quirks
	// dynBirth renders the birthday under DateOfBirthDynamicKey (the DynamicDateOfBirth
	// quirk); std[aDateOfBirth] is then false.
	dynBirth bool
}

// newV1Renderer prepares rendering under the whitelist and the projection proj (nil:
// no projection). s.mu must be read-locked for as long as the renderer is used.
func (s *Server) newV1Renderer(c *Company, proj map[string]bool, q Quirks) *v1Renderer {
	r := &v1Renderer{s: s, c: c, lang: s.cfg.lang, strNums: q.StringNumbers, q: q}
	for i := range stdAttrs {
		r.std[i] = s.std[i] && (proj == nil || proj[stdAttrs[i].key])
	}
	r.std[aID] = true
	if q.DynamicDateOfBirth {
		r.dynBirth = s.birthdayAllowed() && (proj == nil || proj[stdAttrs[aDateOfBirth].key] || proj[DateOfBirthDynamicKey])
		r.std[aDateOfBirth] = false
	}
	want := func(key string) bool { return s.allowedDyn(key) && (proj == nil || proj[key]) }
	if want(PersonnelNumberKey) {
		r.dyn = append(r.dyn, dynAttr{key: PersonnelNumberKey, label: personnelNumberLabels[r.lang], typ: fakecompany.AttrText})
	}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		if !want(a.Key) {
			continue
		}
		r.dyn = append(r.dyn, dynAttr{attr: a, key: a.Key, label: customLabel(a, r.lang), typ: a.Type, universalID: nullable(a.UniversalID)})
	}
	return r
}

// nullable returns nil for "", which renders as null, and &s otherwise.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// num renders an id or a counter: a number, or a string under the StringNumbers quirk.
func (r *v1Renderer) num(n int) any {
	if r.strNums {
		return strconv.Itoa(n)
	}
	return n
}

// stdAttr returns standard attribute i with value v.
func (r *v1Renderer) stdAttr(i int, v any) v1AttrJSON {
	a := &stdAttrs[i]
	return v1AttrJSON{Label: a.labels[r.lang], Value: v, Type: a.typ, UniversalID: &a.key}
}

// employee renders p as a v1 Employee object.
func (r *v1Renderer) employee(p *Person) v1EmployeeJSON {
	attrs := make(map[string]v1AttrJSON, numStdAttrs+len(r.dyn))
	for i := range numStdAttrs {
		if !r.std[i] {
			continue
		}
		a := r.stdAttr(i, r.value(i, p))
		if i == aFixSalary || i == aHourlySalary {
			a.Currency = currencyOf(r.c, p)
		}
		attrs[stdAttrs[i].key] = a
	}
	for _, d := range r.dyn {
		attrs[d.key] = v1AttrJSON{Label: d.label, Value: r.dynValue(d.attr, p), Type: d.typ, UniversalID: d.universalID}
	}
	if r.dynBirth {
		var v *string // midnight UTC, as custom dates and Personio's example have it
		if !p.BirthDate.IsZero() {
			v = nullable(p.BirthDate.Time(time.UTC).Format(layoutInstant))
		}
		attrs[DateOfBirthDynamicKey] = v1AttrJSON{Label: birthdayLabels[r.lang], Value: v, Type: fakecompany.AttrDate,
			UniversalID: &stdAttrs[aDateOfBirth].key}
	}
	return v1EmployeeJSON{Type: "Employee", Attributes: attrs}
}

// value returns the value of standard attribute i (nil renders as null).
func (r *v1Renderer) value(i int, p *Person) any {
	c := r.c
	switch i {
	case aID:
		return r.num(p.ID)
	case aFirstName:
		return p.FirstName
	case aLastName:
		return p.LastName
	case aPreferredName:
		return preferredName(p)
	case aEmail:
		return p.Email
	case aGender:
		return p.Gender
	case aStatus:
		return p.Status.String()
	case aPosition:
		return p.Position
	case aSupervisor:
		return r.supervisor(p.SupervisorID)
	case aEmploymentType:
		return p.EmploymentType
	case aWeeklyHours:
		if r.q.NumericWeeklyHours {
			return p.WeeklyHours
		}
		return strconv.FormatFloat(p.WeeklyHours, 'f', -1, 64)
	case aHireDate:
		return r.dayInstant(p.HireDate)
	case aContractEnd:
		return r.dayInstant(p.ContractEndDate)
	case aTerminationDate:
		return r.dayInstant(p.TerminationDate)
	case aTerminationType:
		return nullable(p.TerminationType)
	case aTerminationReason:
		return nullable(p.TerminationReason)
	case aProbationEnd:
		return r.dayInstant(p.ProbationEnd)
	case aCreatedAt:
		return r.localTime(p.CreatedAt)
	case aLastModified:
		return r.localTime(p.UpdatedAt)
	case aSubcompany:
		if le := c.LegalEntity(p.LegalEntityID); le != nil {
			return r.entity("Subcompany", le.ID, le.Name)
		}
	case aOffice:
		if o := c.Office(p.OfficeID); o != nil {
			if r.q.RelationsWithoutIDs {
				return r.namedEntity("Office", o.Name)
			}
			return r.entity("Office", o.ID, o.Name)
		}
	case aDepartment:
		if d := c.Department(p.DepartmentID); d != nil {
			return r.entity("Department", d.ID, d.Name)
		}
	case aTeam:
		if t := c.Team(p.TeamID); t != nil {
			if r.q.RelationsWithoutIDs {
				return r.namedEntity("Team", t.Name)
			}
			return r.entity("Team", t.ID, t.Name)
		}
	case aCostCenters:
		ccs := []v1NestedJSON{}
		for _, sh := range p.CostCenters {
			if cc := c.CostCenter(sh.ID); cc != nil {
				ccs = append(ccs, v1NestedJSON{"CostCenter", v1CostCenterJSON{r.num(cc.ID), cc.Name, sh.Percentage}})
			}
		}
		return ccs
	case aHolidayCalendar:
		if cal, ok := calendarOf(c, p); ok {
			return v1NestedJSON{"HolidayCalendar", v1CalendarJSON{r.num(cal.id), cal.name, cal.country, nullable(cal.state)}}
		}
	case aAbsenceEntitlement:
		days := entitlementDays(c, p)
		if days == 0 {
			return []v1NestedJSON{}
		}
		return []v1NestedJSON{{"TimeOffType", v1TimeOffTypeJSON{r.num(113437), "Paid vacation", "paid_vacation", days}}}
	case aWorkSchedule:
		return v1NestedJSON{"WorkSchedule", r.schedule(p)}
	case aFixSalary:
		m, _ := salaryOf(c, p)
		return m
	case aFixSalaryInterval:
		return "monthly"
	case aHourlySalary:
		_, h := salaryOf(c, p)
		return h
	case aVacationBalance:
		return vacationBalance(p)
	case aLastWorkingDay:
		return r.dayInstant(p.LastWorkingDay)
	case aProfilePicture:
		return r.s.URL + "/v1/company/employees/" + strconv.Itoa(p.ID) + "/profile-picture"
	case aDateOfBirth:
		return r.dayInstant(p.BirthDate)
	}
	return nil
}

// schedule returns p's work schedule: the weekly hours spread evenly over Monday to
// Friday.
func (r *v1Renderer) schedule(p *Person) v1WorkScheduleJSON {
	h := p.WeeklyHours
	if h <= 0 {
		h = 40
	}
	mins := int(h*60/5 + 0.5)
	day := fmt.Sprintf("%02d:%02d", mins/60, mins%60)
	kind := "Full-time"
	if h < 37.5 {
		kind = "Part-time"
	}
	return v1WorkScheduleJSON{
		ID:     r.num(97000 + int(h*10)),
		Name:   kind + ", " + strconv.FormatFloat(h, 'f', -1, 64) + " hours (Mon–Fri)",
		Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day,
		Saturday: "00:00", Sunday: "00:00",
	}
}

// supervisor returns the nested, attribute-wrapped Employee of a supervisor, or nil.
func (r *v1Renderer) supervisor(id int) any {
	if id == 0 {
		return nil
	}
	attrs := map[string]v1AttrJSON{"id": r.stdAttr(aID, r.num(id))}
	if sup := r.s.person(id); sup != nil {
		for _, i := range [...]int{aFirstName, aLastName, aEmail} {
			if r.s.std[i] {
				attrs[stdAttrs[i].key] = r.stdAttr(i, r.value(i, sup))
			}
		}
	}
	return v1EmployeeJSON{Type: "Employee", Attributes: attrs}
}

// entity returns a plain nested object {"type":…,"attributes":{"id":…,"name":…}}.
func (r *v1Renderer) entity(typ string, id int, name string) v1NestedJSON {
	return v1NestedJSON{Type: typ, Attributes: v1EntityJSON{ID: r.num(id), Name: name}}
}

// namedEntity returns a nested object with a name but no id (the RelationsWithoutIDs
// quirk): {"type":…,"attributes":{"name":…}}.
func (r *v1Renderer) namedEntity(typ, name string) v1NestedJSON {
	return v1NestedJSON{Type: typ, Attributes: struct {
		Name string `json:"name"`
	}{name}}
}

// dayInstant returns a calendar day as the instant of its midnight in the company's
// zone, in UTC ("2014-11-08T23:00:00.000Z" for 9 November in Berlin), or nil. Under
// the ColonlessOffsets quirk it is that midnight in local time,
// "2014-11-09T00:00:00+0100".
func (r *v1Renderer) dayInstant(d unified.Date) *string {
	if d.IsZero() {
		return nil
	}
	m := r.s.zone.midnight(d)
	if r.q.ColonlessOffsets {
		return nullable(r.s.zone.local(m).Format(layoutColonlessOffset))
	}
	return nullable(m.UTC().Format(layoutInstant))
}

// localTime returns t as local time in the company's zone with its offset
// ("2017-05-23T09:49:03+02:00"; "…+0200" under the ColonlessOffsets quirk), or nil.
func (r *v1Renderer) localTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	layout := layoutOffsetTime
	if r.q.ColonlessOffsets {
		layout = layoutColonlessOffset
	}
	return nullable(r.s.zone.local(t).Format(layout))
}

// dynValue returns the value of a custom attribute (a nil attr is the personnel number).
// Dates are rendered as midnight UTC, as Personio's example does for custom dates;
// integers and decimals as numbers; text, list and tags values as strings; unset values
// as null.
func (r *v1Renderer) dynValue(a *fakecompany.CustomAttribute, p *Person) any {
	if a == nil {
		return nullable(p.EmployeeNumber)
	}
	v, ok := p.Custom[a.Key]
	if !ok {
		return nil
	}
	switch a.Type {
	case fakecompany.AttrDate:
		if d, err := unified.ParseDate(v); err == nil {
			return d.Time(time.UTC).Format(layoutInstant)
		}
	case fakecompany.AttrInteger:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case fakecompany.AttrDecimal:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}

// projection returns the attributes[] projection of a v1 request, or nil when there is
// none. Both attributes[]=a&attributes[]=b and attributes=a,b are understood.
func projection(q map[string][]string) map[string]bool {
	var proj map[string]bool
	for _, k := range []string{"attributes[]", "attributes"} {
		for _, v := range q[k] {
			for f := range strings.SplitSeq(v, ",") {
				if f = strings.TrimSpace(f); f != "" {
					if proj == nil {
						proj = make(map[string]bool)
					}
					proj[f] = true
				}
			}
		}
	}
	return proj
}

// v1ListEmployees serves GET /v1/company/employees.
func (s *Server) v1ListEmployees(w http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	quirks := s.Quirks()
	proj := projection(q)
	var since time.Time
	hasSince := q.Has("updated_since")
	if hasSince {
		t, ok := s.parseTime(q.Get("updated_since"), true)
		if !ok {
			s.writeV1Error(w, http.StatusBadRequest,
				"The updated_since parameter must be a date-time such as 2022-12-24T08:15:30 or 2022-12-24T08:15:30+01:00")
			return
		}
		since = t
	}
	limit, offset := v1DefaultLimit, 0
	if !hasSince {
		var ok bool
		if limit, ok = intParam(q.Get("limit"), v1DefaultLimit, 1); !ok {
			s.writeV1Error(w, http.StatusBadRequest, "The limit parameter must be a positive integer")
			return
		}
		limit = min(limit, v1MaxLimit)
		if offset, ok = intParam(q.Get("offset"), 0, 0); !ok {
			s.writeV1Error(w, http.StatusBadRequest, "The offset parameter must be a non-negative integer")
			return
		}
	}
	email := strings.TrimSpace(q.Get("email"))

	s.mu.RLock()
	c := s.company
	var sel []int // indexes into c.People; nil with no filter
	filtered := false
	switch {
	case hasSince:
		filtered = true
		for i := range c.People {
			if !c.People[i].UpdatedAt.Before(since) {
				sel = append(sel, i)
			}
		}
	case email != "":
		filtered = true
		for i := range c.People {
			if strings.EqualFold(c.People[i].Email, email) {
				sel = append(sel, i)
			}
		}
	}
	total := len(c.People)
	if filtered {
		total = len(sel)
	}
	if hasSince {
		limit = total
	}
	start, end := offset, offset+limit
	if quirks.DuplicateAcrossPages && start > 0 {
		start--
	}
	if quirks.OversizedPages {
		end += max(1, limit/2)
	}
	start, end = min(start, total), min(end, total)

	rd := s.newV1Renderer(c, proj, quirks)
	reported := max(0, total+quirks.TotalElementsOff) // the TotalElementsOff quirk
	page, pages := 0, 0
	if limit > 0 {
		page, pages = offset/limit, (reported+limit-1)/limit
	}
	out := v1ListJSON{
		Success:  true,
		Metadata: v1MetaJSON{TotalElements: rd.num(reported), CurrentPage: rd.num(page), TotalPages: rd.num(pages)},
		Offset:   rd.num(offset),
		Limit:    rd.num(limit),
		Data:     make([]v1EmployeeJSON, 0, end-start),
	}
	for k := start; k < end; k++ {
		i := k
		if filtered {
			i = sel[k]
		}
		out.Data = append(out.Data, rd.employee(&c.People[i]))
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, "application/json", out)
}

// v1ListJSON is a page of GET /v1/company/employees. metadata comes before data, as
// Personio sends it, so a client can read the total before the records.
type v1ListJSON struct {
	Success  bool             `json:"success"`
	Metadata v1MetaJSON       `json:"metadata"`
	Offset   any              `json:"offset"`
	Limit    any              `json:"limit"`
	Data     []v1EmployeeJSON `json:"data"`
}

type v1MetaJSON struct {
	TotalElements any `json:"total_elements"`
	CurrentPage   any `json:"current_page"`
	TotalPages    any `json:"total_pages"`
}

// v1GetEmployee serves GET /v1/company/employees/{id}.
func (s *Server) v1GetEmployee(w http.ResponseWriter, _ *http.Request, arg string) {
	id, err := strconv.Atoi(arg)
	if err != nil || id <= 0 {
		s.writeV1Error(w, http.StatusNotFound, notFoundMessage)
		return
	}
	quirks := s.Quirks()
	s.mu.RLock()
	p := s.person(id)
	if p == nil {
		s.mu.RUnlock()
		s.writeV1Error(w, http.StatusNotFound, notFoundMessage)
		return
	}
	e := s.newV1Renderer(s.company, nil, quirks).employee(p)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, "application/json", struct {
		Success bool           `json:"success"`
		Data    v1EmployeeJSON `json:"data"`
	}{true, e})
}

// v1Attributes serves GET /v1/company/employees/attributes and its alias
// /custom-attributes: the attributes the credential may read, standard ones first.
func (s *Server) v1Attributes(w http.ResponseWriter, _ *http.Request, _ string) {
	type attr struct {
		Key         string  `json:"key"`
		Label       string  `json:"label"`
		Type        string  `json:"type"`
		UniversalID *string `json:"universal_id"`
	}
	lang := s.cfg.lang
	dynBirth := s.Quirks().DynamicDateOfBirth
	data := []attr{}
	for i, a := range stdAttrs {
		if s.std[i] && !(i == aDateOfBirth && dynBirth) {
			data = append(data, attr{a.key, a.labels[lang], a.typ, nullable(a.key)})
		}
	}
	if s.allowedDyn(PersonnelNumberKey) {
		data = append(data, attr{PersonnelNumberKey, personnelNumberLabels[lang], fakecompany.AttrText, nil})
	}
	if dynBirth && s.birthdayAllowed() {
		data = append(data, attr{DateOfBirthDynamicKey, birthdayLabels[lang], fakecompany.AttrDate, &stdAttrs[aDateOfBirth].key})
	}
	s.mu.RLock()
	for _, a := range s.company.Attributes {
		if !s.allowedDyn(a.Key) {
			continue
		}
		data = append(data, attr{a.Key, customLabel(&a, lang), a.Type, nullable(a.UniversalID)})
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, "application/json", struct {
		Success bool   `json:"success"`
		Data    []attr `json:"data"`
	}{true, data})
}

// intParam parses an integer query parameter that must be at least lo; "" gives def.
func intParam(v string, def, lo int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo {
		return 0, false
	}
	return n, true
}

// parseTime parses a timestamp parameter: RFC 3339 (with or without fractional
// seconds) and, when local is set, also "2006-01-02T15:04:05" and "2006-01-02", which
// are read in the company's time zone. A '+' of the offset that arrived as a space
// (an unescaped query) is accepted.
func (s *Server) parseTime(v string, local bool) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if len(v) > 19 && v[19] == ' ' {
		v = v[:19] + "+" + v[20:]
	} else if i := strings.LastIndexByte(v, ' '); i > 19 {
		v = v[:i] + "+" + v[i+1:]
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	if !local {
		return time.Time{}, false
	}
	loc := s.zone.loc
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if loc == nil {
			if t, err := time.Parse(layout, v); err == nil {
				// Built-in rules: interpret as UTC, then shift by the offset in force.
				return t.Add(-time.Duration(cetOffset(t.Add(-time.Hour))) * time.Second), true
			}
			continue
		}
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
