package personiotest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/internal/jsonw"
)

// v2 paging limits of persons and employments.
const (
	v2DefaultLimit = 10
	v2MaxLimit     = 50
)

// opsEq, opsTime are the operators a v2 filter field accepts ("" is plain equality).
var (
	opsEq   = []string{""}
	opsTime = []string{"", "gt", "lt"}
)

// checkParams rejects unknown operators: a key "field.op" whose field is unknown or
// does not take op. Unknown plain keys are ignored. It returns the 400 detail, or "".
func checkParams(q url.Values, fields map[string][]string) string {
	for _, k := range slices.Sorted(maps.Keys(q)) {
		base, op, dotted := strings.Cut(k, ".")
		ops, known := fields[base]
		switch {
		case known && slices.Contains(ops, op):
		case known || dotted:
			return "The filter " + strconv.Quote(k) + " is not supported: unknown field or operator."
		}
	}
	return ""
}

// listValues returns the comma-separated values of key, or ok=false when one is empty.
func listValues(q url.Values, key string) (vals []string, present, ok bool) {
	raw, present := q[key]
	if !present {
		return nil, false, true
	}
	for _, v := range raw {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				return nil, true, false
			}
			vals = append(vals, f)
		}
	}
	return vals, true, len(vals) > 0
}

// setFilter parses the comma-separated values of the filter key into a set, converting
// each with parse, which reports false for a value that is not one of what ("person
// ids"). The set is nil when the request has no such filter; on a bad value setFilter
// returns the 400 detail instead.
func setFilter[K comparable](q url.Values, key, what string, parse func(string) (K, bool)) (map[K]bool, string) {
	vals, present, ok := listValues(q, key)
	if !present {
		return nil, ""
	}
	msg := "The " + key + " filter must be a comma-separated list of " + what
	if !ok {
		return nil, msg + "."
	}
	set := make(map[K]bool, len(vals))
	for _, v := range vals {
		k, ok := parse(v)
		if !ok {
			return nil, msg + "; " + strconv.Quote(v) + " is not one."
		}
		set[k] = true
	}
	return set, ""
}

// positiveID parses a numeric id filter value.
func positiveID(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

// lowerCase is the value of a filter that matches without regard to case.
func lowerCase(v string) (string, bool) { return strings.ToLower(v), true }

// timeRange is a parsed created_at / updated_at filter.
type timeRange struct {
	eq, gt, lt          time.Time
	hasEq, hasGt, hasLt bool
}

func (tr *timeRange) match(t time.Time) bool {
	return (!tr.hasEq || t.Equal(tr.eq)) && (!tr.hasGt || t.After(tr.gt)) && (!tr.hasLt || t.Before(tr.lt))
}

// parseRange parses field, field.gt and field.lt (RFC 3339); it returns a 400 detail on
// a bad value.
func (s *Server) parseRange(q url.Values, field string) (timeRange, string) {
	var tr timeRange
	for _, x := range []struct {
		op  string
		t   *time.Time
		has *bool
	}{{"", &tr.eq, &tr.hasEq}, {"gt", &tr.gt, &tr.hasGt}, {"lt", &tr.lt, &tr.hasLt}} {
		key := field
		if x.op != "" {
			key += "." + x.op
		}
		if !q.Has(key) {
			continue
		}
		t, ok := s.parseTime(q.Get(key), false)
		if !ok {
			return tr, "The value of " + key + " must be an RFC 3339 date-time such as 2024-01-31T08:00:00Z."
		}
		*x.t, *x.has = t, true
	}
	return tr, ""
}

// limitParam parses limit in [1, hi] with default def; it returns a 400 detail on a bad
// value.
func limitParam(q url.Values, def, hi int) (int, string) {
	n, ok := intParam(q.Get("limit"), def, 1)
	if !ok || n > hi {
		return 0, "The limit must be an integer between 1 and " + strconv.Itoa(hi) + "."
	}
	return n, ""
}

// startListing returns the cursor state of a list request: the state named by its
// cursor, or a new first-page state from its filters (parse validates them). On a bad
// request it answers 400 and returns nil.
func (s *Server) startListing(w http.ResponseWriter, r *http.Request, path string, def, hi int,
	fields map[string][]string, parse func(url.Values) (any, string)) *cursorState {
	q := r.URL.Query()
	if q.Has("cursor") {
		st := s.cursors.get(q.Get("cursor"))
		if st == nil || st.path != path {
			s.badRequestV2(w, "The cursor is invalid or has expired. Start the listing again without a cursor.")
			return nil
		}
		return st
	}
	fields["limit"], fields["cursor"] = opsEq, opsEq
	if msg := checkParams(q, fields); msg != "" {
		s.badRequestV2(w, msg)
		return nil
	}
	limit, msg := limitParam(q, def, hi)
	if msg != "" {
		s.badRequestV2(w, msg)
		return nil
	}
	f, msg := parse(q)
	if msg != "" {
		s.badRequestV2(w, msg)
		return nil
	}
	return &cursorState{path: path, filter: f, limit: limit, page: 1, listing: &listing{}}
}

// pageSize is how many records a page of st holds: the limit, or more under the
// OversizedPages quirk.
func pageSize(st *cursorState, q Quirks) int {
	if q.OversizedPages {
		return st.limit + max(1, st.limit/2)
	}
	return st.limit
}

// emptyFirstPage reports whether the page of st is the empty first page of the
// EmptyPageWithNext quirk, and if so returns the state its next link leads to.
func (s *Server) emptyFirstPage(st *cursorState, q Quirks) *cursorState {
	if !q.EmptyPageWithNext || st.page != 1 || !s.cursors.fire(st.listing, func(l *listing) *bool { return &l.emptyDone }) {
		return nil
	}
	again := *st
	again.key = ""
	return &again
}

// nextState returns the state the next link of a page served from st leads to, or nil
// on the last page. resume is the position where the following page starts; dup the
// position that repeats the page's last record (DuplicateAcrossPages), or -1.
func (s *Server) nextState(st *cursorState, hasMore bool, resume, dup int, q Quirks) *cursorState {
	if !hasMore {
		return nil
	}
	switch {
	case q.SelfReferencingNext:
		return st
	case q.BackwardsCursor && st.page == 2 && st.prev != nil &&
		s.cursors.fire(st.listing, func(l *listing) *bool { return &l.backwardsDone }):
		return st.prev
	}
	next := &cursorState{path: st.path, filter: st.filter, limit: st.limit, pos: resume, prev: st,
		page: st.page + 1, listing: st.listing}
	if q.DuplicateAcrossPages && dup >= 0 {
		next.pos = dup
	}
	return next
}

// appendLinks appends `"_meta":{"links":{"self":…,"next":…}}` for a list page.
func (s *Server) appendLinks(b []byte, r *http.Request, next *cursorState, q Quirks) []byte {
	base := s.URL
	if q.RelativeNext {
		base = ""
	}
	self := base + r.URL.Path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	b = append(b, `"_meta":{"links":{"self":{"href":`...)
	b = jsonw.AppendString(b, self)
	b = append(b, '}')
	if next != nil {
		key := s.cursors.put(next)
		b = append(b, `,"next":{"href":`...)
		b = jsonw.AppendString(b, base+next.path+"?cursor="+url.QueryEscape(key))
		b = append(b, '}')
	}
	return append(b, "}}"...)
}

// appendIndexPage appends the page of items that st asks for, rendered by appendItem and
// separated by commas, and returns the state its next link leads to (nil on the last
// page). It serves the listings paged by position: a page starts at index st.pos.
func appendIndexPage[T any](s *Server, b []byte, st *cursorState, q Quirks, items []T,
	appendItem func([]byte, T) []byte) ([]byte, *cursorState) {
	start, end := min(st.pos, len(items)), min(st.pos+pageSize(st, q), len(items))
	for k := start; k < end; k++ {
		if k > start {
			b = append(b, ',')
		}
		b = appendItem(b, items[k])
	}
	dup := -1 // DuplicateAcrossPages resumes at the page's last item, unless it has one only
	if end-start >= 2 {
		dup = end - 1
	}
	return b, s.nextState(st, end < len(items), end, dup, q)
}

// writeListPage finishes a list page whose items b holds, after `{"_data":[`: it closes
// the list, adds the links (next leads to the next page, nil on the last) and sends it.
func (s *Server) writeListPage(w http.ResponseWriter, r *http.Request, b []byte, next *cursorState, q Quirks) {
	b = append(b, "],"...)
	b = s.appendLinks(b, r, next, q)
	b = append(b, '}')
	writeJSON(w, http.StatusOK, "application/json", b)
}

// personFilter is the parsed filter of GET /v2/persons.
type personFilter struct {
	ids                    map[int]bool
	emails                 map[string]bool // lower-case
	first, last, preferred *string
	created, updated       timeRange
	status                 string
}

var personFields = map[string][]string{
	"id": opsEq, "email": opsEq, "first_name": opsEq, "last_name": opsEq, "preferred_name": opsEq,
	"created_at": opsTime, "updated_at": opsTime, "status": opsEq,
}

func (s *Server) parsePersonFilter(q url.Values) (any, string) {
	var f personFilter
	var msg string
	if f.ids, msg = setFilter(q, "id", "person ids", positiveID); msg != "" {
		return nil, msg
	}
	if f.emails, msg = setFilter(q, "email", "email addresses", lowerCase); msg != "" {
		return nil, msg
	}
	for _, x := range []struct {
		key string
		dst **string
	}{{"first_name", &f.first}, {"last_name", &f.last}, {"preferred_name", &f.preferred}} {
		if q.Has(x.key) {
			v := strings.TrimSpace(q.Get(x.key))
			if v == "" {
				return nil, "The " + x.key + " filter must not be empty."
			}
			*x.dst = &v
		}
	}
	if f.created, msg = s.parseRange(q, "created_at"); msg != "" {
		return nil, msg
	}
	if f.updated, msg = s.parseRange(q, "updated_at"); msg != "" {
		return nil, msg
	}
	if q.Has("status") {
		f.status = q.Get("status")
		if f.status != "ACTIVE" && f.status != "INACTIVE" {
			return nil, "The status filter must be ACTIVE or INACTIVE."
		}
	}
	return &f, ""
}

func (f *personFilter) match(p *Person) bool {
	return (f.ids == nil || f.ids[p.ID]) &&
		(f.emails == nil || f.emails[strings.ToLower(p.Email)]) &&
		(f.first == nil || strings.EqualFold(*f.first, p.FirstName)) &&
		(f.last == nil || strings.EqualFold(*f.last, p.LastName)) &&
		(f.preferred == nil || strings.EqualFold(*f.preferred, preferredName(p))) &&
		f.created.match(p.CreatedAt) && f.updated.match(p.UpdatedAt) &&
		(f.status == "" || f.status == v2Status(p))
}

// v2Persons serves GET /v2/persons and /v2/persons/{id}.
func (s *Server) v2Persons(w http.ResponseWriter, r *http.Request, parts []string) {
	q := s.Quirks()
	if len(parts) == 2 {
		s.mu.RLock()
		p := s.personByPath(parts[1])
		if p == nil {
			s.mu.RUnlock()
			s.notFoundV2(w)
			return
		}
		b := s.v2Renderer(q).person(make([]byte, 0, 2048), p)
		s.mu.RUnlock()
		writeJSON(w, http.StatusOK, "application/json", b)
		return
	}
	st := s.startListing(w, r, "/v2/persons", v2DefaultLimit, v2MaxLimit, maps.Clone(personFields), s.parsePersonFilter)
	if st == nil {
		return
	}
	f := st.filter.(*personFilter)
	b := make([]byte, 0, 1024+st.limit*1500)
	b = append(b, `{"_data":[`...)
	next := s.emptyFirstPage(st, q)
	s.mu.RLock()
	if next == nil {
		c := s.company
		rd := s.v2Renderer(q)
		i := sort.Search(len(c.People), func(i int) bool { return c.People[i].ID > st.pos })
		n := pageSize(st, q)
		var ids []int
		hasMore := false
		for ; i < len(c.People); i++ {
			p := &c.People[i]
			if !f.match(p) {
				continue
			}
			if len(ids) == n {
				hasMore = true
				break
			}
			if len(ids) > 0 {
				b = append(b, ',')
			}
			b = rd.person(b, p)
			ids = append(ids, p.ID)
		}
		resume, dup := st.pos, -1
		if len(ids) > 0 {
			resume = ids[len(ids)-1]
		}
		if len(ids) >= 2 {
			dup = ids[len(ids)-2]
		}
		next = s.nextState(st, hasMore, resume, dup, q)
	}
	s.mu.RUnlock()
	s.writeListPage(w, r, b, next, q)
}

// personByPath returns the person of a path id, or nil. s.mu must be read-locked.
func (s *Server) personByPath(v string) *Person {
	id, err := strconv.Atoi(v)
	if err != nil || id <= 0 {
		return nil
	}
	return s.person(id)
}

// employmentFilter is the parsed filter of GET /v2/persons/{id}/employments.
type employmentFilter struct {
	ids     map[string]bool
	updated timeRange
}

var employmentFields = map[string][]string{"id": opsEq, "updated_at": opsTime}

func (s *Server) parseEmploymentFilter(q url.Values) (any, string) {
	var f employmentFilter
	var msg string
	if f.ids, msg = setFilter(q, "id", "employment ids", lowerCase); msg != "" {
		return nil, msg
	}
	if f.updated, msg = s.parseRange(q, "updated_at"); msg != "" {
		return nil, msg
	}
	return &f, ""
}

// v2Employments serves GET /v2/persons/{id}/employments and .../employments/{id}.
func (s *Server) v2Employments(w http.ResponseWriter, r *http.Request, parts []string) {
	q := s.Quirks()
	s.mu.RLock()
	p := s.personByPath(parts[1])
	if p == nil {
		s.mu.RUnlock()
		s.notFoundV2(w)
		return
	}
	pid := p.ID
	ems := employmentsOf(s.company, p)
	if len(parts) == 4 {
		for i := range ems {
			if ems[i].id == strings.ToLower(parts[3]) {
				b := s.v2Renderer(q).employment(make([]byte, 0, 1024), p, &ems[i])
				s.mu.RUnlock()
				writeJSON(w, http.StatusOK, "application/json", b)
				return
			}
		}
		s.mu.RUnlock()
		s.notFoundV2(w)
		return
	}
	s.mu.RUnlock()

	path := "/v2/persons/" + strconv.Itoa(pid) + "/employments"
	st := s.startListing(w, r, path, v2DefaultLimit, v2MaxLimit, maps.Clone(employmentFields), s.parseEmploymentFilter)
	if st == nil {
		return
	}
	f := st.filter.(*employmentFilter)
	b := make([]byte, 0, 2048)
	b = append(b, `{"_data":[`...)
	next := s.emptyFirstPage(st, q)
	s.mu.RLock()
	if next == nil {
		var items []*employment
		if p = s.person(pid); p != nil {
			ems = employmentsOf(s.company, p)
			for i := range ems {
				if (f.ids == nil || f.ids[ems[i].id]) && f.updated.match(ems[i].updated) {
					items = append(items, &ems[i])
				}
			}
		}
		rd := s.v2Renderer(q)
		b, next = appendIndexPage(s, b, st, q, items, func(b []byte, e *employment) []byte { return rd.employment(b, p, e) })
	}
	s.mu.RUnlock()
	s.writeListPage(w, r, b, next, q)
}

// v2Renderer renders v2 objects for one request. s.mu must be read-locked while it is
// used.
type v2Renderer struct {
	s *Server
	c *Company
	q Quirks
}

func (s *Server) v2Renderer(q Quirks) *v2Renderer { return &v2Renderer{s: s, c: s.company, q: q} }

// v2CustomType maps a fakecompany attribute type to the v2 schema's custom attribute
// type.
func v2CustomType(t string) string {
	switch t {
	case fakecompany.AttrDate:
		return "DATE"
	case fakecompany.AttrInteger:
		return "INT"
	case fakecompany.AttrDecimal:
		return "DOUBLE"
	case fakecompany.AttrTags:
		return "STRING_LIST"
	}
	return "STRING"
}

// person appends a v2 Person. Fields the credential may not read are omitted.
func (r *v2Renderer) person(b []byte, p *Person) []byte {
	s, std := r.s, &r.s.std
	b = append(b, `{"id":`...)
	b = jsonw.AppendInt(b, p.ID, true)
	if std[aEmail] {
		b = append(b, `,"email":`...)
		b = jsonw.AppendString(b, p.Email)
	}
	if std[aCreatedAt] {
		b = append(b, `,"created_at":`...)
		b = appendV2Time(b, p.CreatedAt)
	}
	if std[aLastModified] {
		b = append(b, `,"updated_at":`...)
		b = appendV2Time(b, p.UpdatedAt)
	}
	if std[aFirstName] {
		b = append(b, `,"first_name":`...)
		b = jsonw.AppendString(b, p.FirstName)
	}
	if std[aLastName] {
		b = append(b, `,"last_name":`...)
		b = jsonw.AppendString(b, p.LastName)
	}
	if std[aPreferredName] {
		b = append(b, `,"preferred_name":`...)
		b = jsonw.AppendString(b, preferredName(p))
	}
	if std[aGender] {
		g := strings.ToUpper(p.Gender)
		if g == "" {
			g = "UNSPECIFIED"
		}
		b = append(b, `,"gender":`...)
		b = jsonw.AppendString(b, g)
	}
	if std[aProfilePicture] {
		b = append(b, `,"profile_picture":{"url":`...)
		b = jsonw.AppendString(b, s.URL+"/v1/company/employees/"+strconv.Itoa(p.ID)+"/profile-picture")
		b = append(b, '}')
	}
	if std[aStatus] {
		b = append(b, `,"status":`...)
		b = jsonw.AppendString(b, v2Status(p))
	}
	b = append(b, `,"custom_attributes":[`...)
	n := 0
	custom := func(id, typ, globalID string) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		if r.q.LowercaseCustomTypes {
			typ = strings.ToLower(typ)
		}
		b = append(b, `{"id":`...)
		b = jsonw.AppendString(b, id)
		b = append(b, `,"type":`...)
		b = jsonw.AppendString(b, typ)
		b = append(b, `,"value":`...)
	}
	if p.EmployeeNumber != "" && s.allowedDyn(PersonnelNumberKey) {
		custom(PersonnelNumberKey, "STRING", "")
		b = jsonw.AppendString(b, p.EmployeeNumber)
		b = append(b, `,"global_id":null}`...)
	}
	for i := range r.c.Attributes {
		a := &r.c.Attributes[i]
		v, ok := p.Custom[a.Key]
		if !ok || !s.allowedDyn(a.Key) {
			continue
		}
		custom(a.Key, v2CustomType(a.Type), a.UniversalID)
		b = appendV2CustomValue(b, a.Type, v)
		b = append(b, `,"global_id":`...)
		b = jsonw.AppendStringOrNull(b, a.UniversalID)
		b = append(b, '}')
	}
	b = append(b, `],"employments":[`...)
	for i, e := range employmentsOf(r.c, p) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsonw.AppendString(b, e.id)
		b = append(b, '}')
	}
	b = append(b, `],"_meta":{"links":{"employments":{"href":`...)
	b = jsonw.AppendString(b, s.URL+"/v2/persons/"+strconv.Itoa(p.ID)+"/employments")
	return append(b, "}}}}"...)
}

// appendV2CustomValue appends a custom attribute value in its v2 form: dates as
// "2006-01-02", integers and decimals as numbers, tags as a list of strings.
func appendV2CustomValue(b []byte, typ, v string) []byte {
	switch typ {
	case fakecompany.AttrInteger:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return strconv.AppendInt(b, n, 10)
		}
	case fakecompany.AttrDecimal:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return jsonw.AppendFloat(b, f)
		}
	case fakecompany.AttrTags:
		b = append(b, '[')
		i := 0
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t == "" {
				continue
			}
			if i > 0 {
				b = append(b, ',')
			}
			i++
			b = jsonw.AppendString(b, t)
		}
		return append(b, ']')
	}
	return jsonw.AppendString(b, v)
}

// appendV2Time appends t in UTC with second precision, or null.
func appendV2Time(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, layoutV2Time)
	return append(b, '"')
}

// appendRef appends {"id":"…"} or null.
func appendRef(b []byte, id int) []byte {
	if id == 0 {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = jsonw.AppendInt(b, id, true)
	return append(b, '}')
}

// employment appends a v2 Employment of p. Fields the credential may not read are
// omitted.
func (r *v2Renderer) employment(b []byte, p *Person, e *employment) []byte {
	s, std, c := r.s, &r.s.std, r.c
	b = append(b, `{"id":`...)
	b = jsonw.AppendString(b, e.id)
	if std[aStatus] {
		b = append(b, `,"status":`...)
		b = jsonw.AppendString(b, e.status)
	}
	if std[aEmploymentType] {
		b = append(b, `,"type":`...)
		b = jsonw.AppendString(b, strings.ToUpper(p.EmploymentType))
	}
	if std[aPosition] {
		b = append(b, `,"position":{"title":`...)
		b = jsonw.AppendString(b, p.Position)
		b = append(b, '}')
	}
	if std[aWeeklyHours] {
		b = append(b, `,"weekly_working_hours":`...)
		b = jsonw.AppendFloat(b, p.WeeklyHours)
		b = append(b, `,"full_time_weekly_working_hours":`...)
		b = jsonw.AppendFloat(b, fullTimeHours(c, p))
	}
	if std[aProbationEnd] {
		b = append(b, `,"probation_end_date":`...)
		b = jsonw.AppendDate(b, e.ifCurrent(p.ProbationEnd))
	}
	if std[aHireDate] {
		b = append(b, `,"employment_start_date":`...)
		b = jsonw.AppendDate(b, e.start)
	}
	if std[aTerminationDate] {
		b = append(b, `,"employment_end_date":`...)
		b = jsonw.AppendDate(b, e.end)
	}
	if std[aContractEnd] {
		b = append(b, `,"contract_end_date":`...)
		b = jsonw.AppendDate(b, e.ifCurrent(p.ContractEndDate))
	}
	if std[aCreatedAt] {
		b = append(b, `,"created_at":`...)
		b = appendV2Time(b, e.created)
	}
	if std[aLastModified] {
		b = append(b, `,"updated_at":`...)
		b = appendV2Time(b, e.updated)
	}
	if std[aSupervisor] {
		b = append(b, `,"supervisor":`...)
		b = appendRef(b, p.SupervisorID)
	}
	if std[aOffice] {
		b = append(b, `,"office":`...)
		b = appendRef(b, p.OfficeID)
	}
	if std[aSubcompany] {
		b = append(b, `,"legal_entity":`...)
		b = appendRef(b, e.legalEntityID)
		b = append(b, `,"sub_company":`...)
		b = appendRef(b, e.legalEntityID)
	}
	b = append(b, `,"job":null,"org_units":[`...)
	n := 0
	if std[aTeam] && p.TeamID != 0 {
		b = append(b, `{"type":"team","id":`...)
		b = jsonw.AppendInt(b, p.TeamID, true)
		b = append(b, '}')
		n++
	}
	if std[aDepartment] && p.DepartmentID != 0 {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"department","id":`...)
		b = jsonw.AppendInt(b, p.DepartmentID, true)
		b = append(b, '}')
	}
	b = append(b, ']')
	if std[aCostCenters] {
		b = append(b, `,"cost_centers":[`...)
		for i, sh := range p.CostCenters {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = jsonw.AppendInt(b, sh.ID, true)
			b = append(b, `,"weight":`...)
			b = jsonw.AppendFloat(b, sh.Percentage)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"person":{"id":`...)
	b = jsonw.AppendInt(b, p.ID, true)
	b = append(b, '}')
	if std[aTerminationDate] {
		b = append(b, `,"termination":`...)
		if e.termDate.IsZero() {
			b = append(b, "null"...)
		} else {
			b = append(b, `{"termination_date":`...)
			b = jsonw.AppendDate(b, e.termDate)
			if r.q.LastWorkingDate {
				b = append(b, `,"last_working_date":`...)
			} else {
				b = append(b, `,"last_working_day":`...)
			}
			b = jsonw.AppendDate(b, e.lastDay)
			b = append(b, `,"terminated_at":`...)
			b = jsonw.AppendDate(b, e.terminatedAt)
			b = append(b, `,"type":`...)
			b = jsonw.AppendString(b, e.termType)
			b = append(b, `,"reason":`...)
			b = jsonw.AppendStringOrNull(b, e.termReason)
			b = append(b, '}')
		}
	}
	b = append(b, `,"_meta":{"links":{"person":{"href":`...)
	b = jsonw.AppendString(b, s.URL+"/v2/persons/"+strconv.Itoa(p.ID))
	b = append(b, '}')
	if p.SupervisorID != 0 && std[aSupervisor] {
		b = append(b, `,"supervisor":{"href":`...)
		b = jsonw.AppendString(b, s.URL+"/v2/persons/"+strconv.Itoa(p.SupervisorID))
		b = append(b, '}')
	}
	return append(b, "}}}"...)
}
