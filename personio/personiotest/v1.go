package personiotest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/jsonw"
	"github.com/hrisconnect/hrisconnect/unified"
)

// v1 paging limits.
const (
	v1DefaultLimit = 50
	v1MaxLimit     = 100
)

// dynAttr is a custom attribute as rendered for one request.
type dynAttr struct {
	attr   *fakecompany.CustomAttribute // nil for the personnel number
	prefix []byte                       // `"key":{"label":"…","value":`
	suffix []byte                       // `,"type":"…","universal_id":…}`
}

// v1Renderer renders v1 employee objects for one request.
type v1Renderer struct {
	s       *Server
	c       *Company
	lang    int
	std     [numStdAttrs]bool // attributes to render: whitelist ∩ projection, plus id
	dyn     []dynAttr
	strNums bool
}

// newV1Renderer prepares rendering under the whitelist and the projection proj (nil:
// no projection). s.mu must be read-locked for as long as the renderer is used.
func (s *Server) newV1Renderer(c *Company, proj map[string]bool, q Quirks) *v1Renderer {
	r := &v1Renderer{s: s, c: c, lang: s.cfg.lang, strNums: q.StringNumbers}
	for i := range stdAttrs {
		r.std[i] = s.std[i] && (proj == nil || proj[stdAttrs[i].key])
	}
	r.std[aID] = true
	want := func(key string) bool { return s.allowedDyn(key) && (proj == nil || proj[key]) }
	if want(PersonnelNumberKey) {
		r.dyn = append(r.dyn, dynAttr{
			prefix: dynPrefix(PersonnelNumberKey, personnelNumberLabels[r.lang]),
			suffix: dynSuffix(fakecompany.AttrText, ""),
		})
	}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		if !want(a.Key) {
			continue
		}
		label := a.LabelEN
		if r.lang == langDE && a.LabelDE != "" {
			label = a.LabelDE
		}
		r.dyn = append(r.dyn, dynAttr{attr: a, prefix: dynPrefix(a.Key, label), suffix: dynSuffix(a.Type, a.UniversalID)})
	}
	return r
}

func dynPrefix(key, label string) []byte {
	var b []byte
	b = jsonw.AppendString(b, key)
	b = append(b, `:{"label":`...)
	b = jsonw.AppendString(b, label)
	return append(b, `,"value":`...)
}

func dynSuffix(typ, universalID string) []byte {
	var b []byte
	b = append(b, `,"universal_id":`...)
	b = jsonw.AppendStringOrNull(b, universalID)
	b = append(b, `,"type":`...)
	b = jsonw.AppendString(b, typ)
	return append(b, '}')
}

// employee appends p as a v1 Employee object.
func (r *v1Renderer) employee(b []byte, p *Person) []byte {
	s, c := r.s, r.c
	b = append(b, `{"type":"Employee","attributes":{`...)
	first := true
	for i := range numStdAttrs {
		if !r.std[i] {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, s.prefix[r.lang][i]...)
		b = r.value(b, i, p, c)
		if i == aFixSalary || i == aHourlySalary {
			suf := s.suffix[i]
			b = append(b, suf[:len(suf)-1]...)
			b = append(b, `,"currency":`...)
			b = jsonw.AppendString(b, currencyOf(c, p))
			b = append(b, '}')
		} else {
			b = append(b, s.suffix[i]...)
		}
	}
	for _, d := range r.dyn {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, d.prefix...)
		b = r.dynValue(b, d.attr, p)
		b = append(b, d.suffix...)
	}
	return append(b, "}}"...)
}

// value appends the value of standard attribute i.
func (r *v1Renderer) value(b []byte, i int, p *Person, c *Company) []byte {
	switch i {
	case aID:
		return jsonw.AppendInt(b, p.ID, r.strNums)
	case aFirstName:
		return jsonw.AppendString(b, p.FirstName)
	case aLastName:
		return jsonw.AppendString(b, p.LastName)
	case aPreferredName:
		return jsonw.AppendString(b, preferredName(p))
	case aEmail:
		return jsonw.AppendString(b, p.Email)
	case aGender:
		return jsonw.AppendString(b, p.Gender)
	case aStatus:
		return jsonw.AppendString(b, p.Status)
	case aPosition:
		return jsonw.AppendString(b, p.Position)
	case aSupervisor:
		return r.supervisor(b, p.SupervisorID)
	case aEmploymentType:
		return jsonw.AppendString(b, p.EmploymentType)
	case aWeeklyHours:
		b = append(b, '"')
		b = jsonw.AppendFloat(b, p.WeeklyHours)
		return append(b, '"')
	case aHireDate:
		return r.dayInstant(b, p.HireDate)
	case aContractEnd:
		return r.dayInstant(b, p.ContractEndDate)
	case aTerminationDate:
		return r.dayInstant(b, p.TerminationDate)
	case aTerminationType:
		return jsonw.AppendStringOrNull(b, p.TerminationType)
	case aTerminationReason:
		return jsonw.AppendStringOrNull(b, p.TerminationReason)
	case aProbationEnd:
		return r.dayInstant(b, p.ProbationEnd)
	case aCreatedAt:
		return r.localTime(b, p.CreatedAt)
	case aLastModified:
		return r.localTime(b, p.UpdatedAt)
	case aSubcompany:
		if le := c.LegalEntity(p.LegalEntityID); le != nil {
			return r.entity(b, "Subcompany", le.ID, le.Name)
		}
	case aOffice:
		if o := c.Office(p.OfficeID); o != nil {
			return r.entity(b, "Office", o.ID, o.Name)
		}
	case aDepartment:
		if d := c.Department(p.DepartmentID); d != nil {
			return r.entity(b, "Department", d.ID, d.Name)
		}
	case aTeam:
		if t := c.Team(p.TeamID); t != nil {
			return r.entity(b, "Team", t.ID, t.Name)
		}
	case aCostCenters:
		b = append(b, '[')
		n := 0
		for _, sh := range p.CostCenters {
			cc := c.CostCenter(sh.ID)
			if cc == nil {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = append(b, `{"type":"CostCenter","attributes":{"id":`...)
			b = jsonw.AppendInt(b, cc.ID, r.strNums)
			b = append(b, `,"name":`...)
			b = jsonw.AppendString(b, cc.Name)
			b = append(b, `,"percentage":`...)
			b = jsonw.AppendFloat(b, sh.Percentage)
			b = append(b, "}}"...)
		}
		return append(b, ']')
	case aHolidayCalendar:
		if cal, ok := calendarOf(c, p); ok {
			b = append(b, `{"type":"HolidayCalendar","attributes":{"id":`...)
			b = jsonw.AppendInt(b, cal.id, r.strNums)
			b = append(b, `,"name":`...)
			b = jsonw.AppendString(b, cal.name)
			b = append(b, `,"country":`...)
			b = jsonw.AppendString(b, cal.country)
			b = append(b, `,"state":`...)
			b = jsonw.AppendStringOrNull(b, cal.state)
			return append(b, "}}"...)
		}
	case aAbsenceEntitlement:
		days := entitlementDays(c, p)
		if days == 0 {
			return append(b, "[]"...)
		}
		b = append(b, `[{"type":"TimeOffType","attributes":{"id":`...)
		b = jsonw.AppendInt(b, 113437, r.strNums)
		b = append(b, `,"name":"Paid vacation","category":"paid_vacation","entitlement":`...)
		b = strconv.AppendInt(b, int64(days), 10)
		return append(b, "}}]"...)
	case aWorkSchedule:
		return appendSchedule(b, p, r.strNums)
	case aFixSalary:
		m, _ := salaryOf(c, p)
		return jsonw.AppendFloat(b, m)
	case aFixSalaryInterval:
		return append(b, `"monthly"`...)
	case aHourlySalary:
		_, h := salaryOf(c, p)
		return jsonw.AppendFloat(b, h)
	case aVacationBalance:
		return jsonw.AppendFloat(b, vacationBalance(p))
	case aLastWorkingDay:
		return r.dayInstant(b, p.LastWorkingDay)
	case aProfilePicture:
		b = append(b, '"')
		b = append(b, r.s.URL...)
		b = append(b, "/v1/company/employees/"...)
		b = strconv.AppendInt(b, int64(p.ID), 10)
		return append(b, `/profile-picture"`...)
	case aDateOfBirth:
		return r.dayInstant(b, p.BirthDate)
	}
	return append(b, "null"...)
}

// supervisor appends the nested, attribute-wrapped Employee of a supervisor, or null.
func (r *v1Renderer) supervisor(b []byte, id int) []byte {
	if id == 0 {
		return append(b, "null"...)
	}
	b = append(b, `{"type":"Employee","attributes":{`...)
	b = append(b, r.s.prefix[r.lang][aID]...)
	b = jsonw.AppendInt(b, id, r.strNums)
	b = append(b, r.s.suffix[aID]...)
	if sup := r.s.person(id); sup != nil {
		for _, i := range [...]int{aFirstName, aLastName, aEmail} {
			if !r.s.std[i] {
				continue
			}
			b = append(b, ',')
			b = append(b, r.s.prefix[r.lang][i]...)
			b = r.value(b, i, sup, r.c)
			b = append(b, r.s.suffix[i]...)
		}
	}
	return append(b, "}}"...)
}

// entity appends a plain nested object {"type":…,"attributes":{"id":…,"name":…}}.
func (r *v1Renderer) entity(b []byte, typ string, id int, name string) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","attributes":{"id":`...)
	b = jsonw.AppendInt(b, id, r.strNums)
	b = append(b, `,"name":`...)
	b = jsonw.AppendString(b, name)
	return append(b, "}}"...)
}

// dayInstant appends a calendar day as the instant of its midnight in the company's
// zone, in UTC ("2014-11-08T23:00:00.000Z" for 9 November in Berlin), or null.
func (r *v1Renderer) dayInstant(b []byte, d unified.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendInstant(b, r.s.zone.midnight(d))
	return append(b, '"')
}

// localTime appends t as local time in the company's zone with its offset, or null.
func (r *v1Renderer) localTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendOffsetTime(b, r.s.zone.local(t))
	return append(b, '"')
}

// dynValue appends the value of a custom attribute (a nil attr is the personnel number).
// Dates are rendered as midnight UTC, as Personio's example does for custom dates;
// integers and decimals as numbers; text, list and tags values as strings; unset values
// as null.
func (r *v1Renderer) dynValue(b []byte, a *fakecompany.CustomAttribute, p *Person) []byte {
	if a == nil {
		return jsonw.AppendStringOrNull(b, p.EmployeeNumber)
	}
	v, ok := p.Custom[a.Key]
	if !ok {
		return append(b, "null"...)
	}
	switch a.Type {
	case fakecompany.AttrDate:
		if d, err := unified.ParseDate(v); err == nil {
			b = append(b, '"')
			b = appendInstant(b, d.Time(time.UTC))
			return append(b, '"')
		}
	case fakecompany.AttrInteger:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return strconv.AppendInt(b, n, 10)
		}
	case fakecompany.AttrDecimal:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return jsonw.AppendFloat(b, f)
		}
	}
	return jsonw.AppendString(b, v)
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
			writeV1Error(w, http.StatusBadRequest,
				"The updated_since parameter must be a date-time such as 2022-12-24T08:15:30 or 2022-12-24T08:15:30+01:00")
			return
		}
		since = t
	}
	limit, offset := v1DefaultLimit, 0
	if !hasSince {
		var ok bool
		if limit, ok = intParam(q.Get("limit"), v1DefaultLimit, 1); !ok {
			writeV1Error(w, http.StatusBadRequest, "The limit parameter must be a positive integer")
			return
		}
		limit = min(limit, v1MaxLimit)
		if offset, ok = intParam(q.Get("offset"), 0, 0); !ok {
			writeV1Error(w, http.StatusBadRequest, "The offset parameter must be a non-negative integer")
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
	buf, _ := s.pages.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	b := slices.Grow((*buf)[:0], 256+(end-start)*4096)
	b = append(b, `{"success":true,"metadata":{"total_elements":`...)
	b = jsonw.AppendInt(b, total, quirks.StringNumbers)
	b = append(b, `,"current_page":`...)
	page, pages := 0, 0
	if limit > 0 {
		page, pages = offset/limit, (total+limit-1)/limit
	}
	b = jsonw.AppendInt(b, page, quirks.StringNumbers)
	b = append(b, `,"total_pages":`...)
	b = jsonw.AppendInt(b, pages, quirks.StringNumbers)
	b = append(b, `},"offset":`...)
	b = jsonw.AppendInt(b, offset, quirks.StringNumbers)
	b = append(b, `,"limit":`...)
	b = jsonw.AppendInt(b, limit, quirks.StringNumbers)
	b = append(b, `,"data":[`...)
	for k := start; k < end; k++ {
		if k > start {
			b = append(b, ',')
		}
		i := k
		if filtered {
			i = sel[k]
		}
		b = rd.employee(b, &c.People[i])
	}
	s.mu.RUnlock()
	b = append(b, "]}"...)
	writeJSON(w, http.StatusOK, "application/json", b)
	*buf = b
	s.pages.Put(buf)
}

// v1GetEmployee serves GET /v1/company/employees/{id}.
func (s *Server) v1GetEmployee(w http.ResponseWriter, _ *http.Request, arg string) {
	id, err := strconv.Atoi(arg)
	if err != nil || id <= 0 {
		writeV1Error(w, http.StatusNotFound, notFoundMessage)
		return
	}
	quirks := s.Quirks()
	s.mu.RLock()
	p := s.person(id)
	if p == nil {
		s.mu.RUnlock()
		writeV1Error(w, http.StatusNotFound, notFoundMessage)
		return
	}
	b := make([]byte, 0, 4096)
	b = append(b, `{"success":true,"data":`...)
	b = s.newV1Renderer(s.company, nil, quirks).employee(b, p)
	s.mu.RUnlock()
	b = append(b, '}')
	writeJSON(w, http.StatusOK, "application/json", b)
}

// v1Attributes serves GET /v1/company/employees/attributes and its alias
// /custom-attributes: the attributes the credential may read, standard ones first.
func (s *Server) v1Attributes(w http.ResponseWriter, _ *http.Request, _ string) {
	lang := s.cfg.lang
	b := make([]byte, 0, 4096)
	b = append(b, `{"success":true,"data":[`...)
	n := 0
	item := func(key, label, typ, universalID string) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, `{"key":`...)
		b = jsonw.AppendString(b, key)
		b = append(b, `,"label":`...)
		b = jsonw.AppendString(b, label)
		b = append(b, `,"type":`...)
		b = jsonw.AppendString(b, typ)
		b = append(b, `,"universal_id":`...)
		b = jsonw.AppendStringOrNull(b, universalID)
		b = append(b, '}')
	}
	for i, a := range stdAttrs {
		if s.std[i] {
			item(a.key, a.labels[lang], a.typ, a.key)
		}
	}
	if s.allowedDyn(PersonnelNumberKey) {
		item(PersonnelNumberKey, personnelNumberLabels[lang], fakecompany.AttrText, "")
	}
	s.mu.RLock()
	for _, a := range s.company.Attributes {
		if !s.allowedDyn(a.Key) {
			continue
		}
		label := a.LabelEN
		if lang == langDE && a.LabelDE != "" {
			label = a.LabelDE
		}
		item(a.Key, label, a.Type, a.UniversalID)
	}
	s.mu.RUnlock()
	b = append(b, "]}"...)
	writeJSON(w, http.StatusOK, "application/json", b)
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
