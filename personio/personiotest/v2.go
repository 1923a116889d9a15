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
	"github.com/hrisconnect/hrisconnect/unified"
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

// v2ListJSON is a page of a v2 list: {"_data":[...],"_meta":{"links":{"self","next"}}}.
type v2ListJSON struct {
	Data any `json:"_data"`
	Meta struct {
		Links struct {
			Self v2HrefJSON  `json:"self"`
			Next *v2HrefJSON `json:"next,omitempty"`
		} `json:"links"`
	} `json:"_meta"`
}

type v2HrefJSON struct {
	Href string `json:"href"`
}

// indexPage returns the page of items that st asks for and the state its next link
// leads to (nil on the last page). It serves the listings paged by position: a page
// starts at index st.pos.
func indexPage[T any](s *Server, st *cursorState, q Quirks, items []T) ([]T, *cursorState) {
	start, end := min(st.pos, len(items)), min(st.pos+pageSize(st, q), len(items))
	dup := -1 // DuplicateAcrossPages resumes at the page's last item, unless it has one only
	if end-start >= 2 {
		dup = end - 1
	}
	return items[start:end], s.nextState(st, end < len(items), end, dup, q)
}

// writeListPage sends a list page holding data (a slice, never nil), with its self link
// and, unless next is nil, a link to the next page.
func (s *Server) writeListPage(w http.ResponseWriter, r *http.Request, data any, next *cursorState, q Quirks) {
	base := s.URL
	if q.RelativeNext {
		base = ""
	}
	// linkPath is the path a link names: the listing's own, or /v2/employments for an
	// employments listing under EmploymentLinksAtRoot.
	linkPath := func(p string) string {
		if q.EmploymentLinksAtRoot && employmentsListPath(p) {
			return employmentsRootPath
		}
		return p
	}
	out := v2ListJSON{Data: data}
	out.Meta.Links.Self.Href = base + linkPath(r.URL.Path)
	if r.URL.RawQuery != "" {
		out.Meta.Links.Self.Href += "?" + r.URL.RawQuery
	}
	if next != nil {
		key := s.cursors.put(next)
		out.Meta.Links.Next = &v2HrefJSON{Href: base + linkPath(next.path) + "?cursor=" + url.QueryEscape(key)}
	}
	writeJSON(w, http.StatusOK, "application/json", out)
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
		body := s.v2Renderer(q).person(p)
		s.mu.RUnlock()
		writeJSON(w, http.StatusOK, "application/json", body)
		return
	}
	st := s.startListing(w, r, "/v2/persons", v2DefaultLimit, v2MaxLimit, maps.Clone(personFields), s.parsePersonFilter)
	if st == nil {
		return
	}
	f := st.filter.(*personFilter)
	data := []v2PersonJSON{}
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
			data = append(data, rd.person(p))
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
	s.writeListPage(w, r, data, next, q)
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

// employmentsRootPath is the path the links of employment listings name under the
// EmploymentLinksAtRoot quirk, as in Personio's examples.
const employmentsRootPath = "/v2/employments"

// employmentsListPath reports whether p is the path of an employments listing
// (/v2/persons/{id}/employments).
func employmentsListPath(p string) bool {
	parts := strings.Split(strings.TrimPrefix(p, "/v2/"), "/")
	return len(parts) == 3 && parts[0] == "persons" && parts[2] == "employments"
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
				body := s.v2Renderer(q).employment(p, &ems[i])
				s.mu.RUnlock()
				writeJSON(w, http.StatusOK, "application/json", body)
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
	s.employmentsPage(w, r, pid, st, q)
}

// v2EmploymentsRoot serves GET /v2/employments?cursor=…, where the links of employment
// listings lead under the EmploymentLinksAtRoot quirk: the page of an employments
// cursor. Without a cursor the path answers 404, as Personio has no such list; a cursor
// of another listing, or an unknown one, answers 400.
func (s *Server) v2EmploymentsRoot(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	if !q.Has("cursor") {
		s.notFoundV2(w)
		return
	}
	st := s.cursors.get(q.Get("cursor"))
	if st == nil || !employmentsListPath(st.path) {
		s.badRequestV2(w, "The cursor is invalid or has expired. Start the listing again without a cursor.")
		return
	}
	pid, _ := strconv.Atoi(strings.Split(st.path, "/")[3])
	s.employmentsPage(w, r, pid, st, s.Quirks())
}

// employmentsPage serves the page of person pid's employments that st names.
func (s *Server) employmentsPage(w http.ResponseWriter, r *http.Request, pid int, st *cursorState, q Quirks) {
	f := st.filter.(*employmentFilter)
	data := []v2EmploymentJSON{}
	next := s.emptyFirstPage(st, q)
	s.mu.RLock()
	if next == nil {
		var items []*employment
		p := s.person(pid)
		if p != nil {
			ems := employmentsOf(s.company, p)
			for i := range ems {
				if (f.ids == nil || f.ids[ems[i].id]) && f.updated.match(ems[i].updated) {
					items = append(items, &ems[i])
				}
			}
		}
		var page []*employment
		page, next = indexPage(s, st, q, items)
		rd := s.v2Renderer(q)
		for _, e := range page {
			data = append(data, rd.employment(p, e))
		}
	}
	s.mu.RUnlock()
	s.writeListPage(w, r, data, next, q)
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

// The v2 objects. A field of type any is left out (nil) when the credential may not read
// the attribute that feeds it, as Personio leaves it out; a nil pointer in it renders as
// null.

// v2IDJSON is a reference {"id":"…"}.
type v2IDJSON struct {
	ID string `json:"id"`
}

// v2PersonJSON is a v2 Person.
type v2PersonJSON struct {
	ID               string           `json:"id"`
	Email            any              `json:"email,omitempty"`
	CreatedAt        any              `json:"created_at,omitempty"`
	UpdatedAt        any              `json:"updated_at,omitempty"`
	FirstName        any              `json:"first_name,omitempty"`
	LastName         any              `json:"last_name,omitempty"`
	PreferredName    any              `json:"preferred_name,omitempty"`
	Gender           any              `json:"gender,omitempty"`
	ProfilePicture   any              `json:"profile_picture,omitempty"`
	Status           any              `json:"status,omitempty"`
	CustomAttributes []v2CustomJSON   `json:"custom_attributes"`
	Employments      []v2IDJSON       `json:"employments"`
	Meta             v2PersonMetaJSON `json:"_meta"`
}

// v2CustomJSON is one custom attribute of a v2 person, its fields in the order of the
// schema.
//
// global_id is always a string: the schema types it so, and clients run against the
// real service require it (ninjaneers-team/pysonio models/persons.py, "global_id: str",
// tested against a live tenant; planet-a-ventures/dlt-source-personio
// model/v2_spec/person.yaml requires it for every attribute type). For an attribute
// with a universal id it is that id ("iban"); for one without, the fake sends the
// attribute's key ("dynamic_24407"): what Personio sends there is not documented.
//
// label is sent, as the schema defines it, in the language of [WithLanguage]; the
// UnlabeledCustomAttributes quirk leaves it out, as users report of the service.
type v2CustomJSON struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	GlobalID string `json:"global_id"`
	Label    string `json:"label,omitempty"`
	Value    any    `json:"value"`
}

type v2PersonMetaJSON struct {
	Links struct {
		Employments v2HrefJSON `json:"employments"`
	} `json:"links"`
}

// person renders a v2 Person.
func (r *v2Renderer) person(p *Person) v2PersonJSON {
	s, std := r.s, &r.s.std
	out := v2PersonJSON{ID: strconv.Itoa(p.ID), CustomAttributes: []v2CustomJSON{}, Employments: []v2IDJSON{}}
	if std[aEmail] {
		out.Email = p.Email
	}
	if std[aCreatedAt] {
		out.CreatedAt = v2Time(p.CreatedAt)
	}
	if std[aLastModified] {
		out.UpdatedAt = v2Time(p.UpdatedAt)
	}
	if std[aFirstName] {
		out.FirstName = p.FirstName
	}
	if std[aLastName] {
		out.LastName = p.LastName
	}
	if std[aPreferredName] {
		out.PreferredName = preferredName(p)
	}
	if std[aGender] {
		g := strings.ToUpper(p.Gender)
		if g == "" {
			g = "UNSPECIFIED"
		}
		out.Gender = g
	}
	if std[aProfilePicture] {
		out.ProfilePicture = struct {
			URL string `json:"url"`
		}{s.URL + "/v1/company/employees/" + strconv.Itoa(p.ID) + "/profile-picture"}
	}
	if std[aStatus] {
		out.Status = v2Status(p)
	}
	lang := s.cfg.lang
	custom := func(id, typ string, v any, globalID, label string) {
		if r.q.LowercaseCustomTypes {
			typ = strings.ToLower(typ)
		}
		if globalID == "" {
			globalID = id
		}
		if r.q.UnlabeledCustomAttributes {
			label = ""
		}
		out.CustomAttributes = append(out.CustomAttributes, v2CustomJSON{id, typ, globalID, label, v})
	}
	if p.EmployeeNumber != "" && s.allowedDyn(PersonnelNumberKey) {
		custom(PersonnelNumberKey, "STRING", p.EmployeeNumber, "", personnelNumberLabels[lang])
	}
	for i := range r.c.Attributes {
		a := &r.c.Attributes[i]
		v, ok := p.Custom[a.Key]
		if !ok || !s.allowedDyn(a.Key) {
			continue
		}
		value := v2CustomValue(a.Type, v, r.q.NumericCustomValues)
		if tags, ok := value.([]string); ok && len(tags) == 0 {
			// An empty list is no value; it would also match both list forms of the
			// schema's oneOf.
			continue
		}
		custom(a.Key, v2CustomType(a.Type), value, a.UniversalID, customLabel(a, lang))
	}
	for _, e := range employmentsOf(r.c, p) {
		out.Employments = append(out.Employments, v2IDJSON{e.id})
	}
	out.Meta.Links.Employments.Href = s.URL + "/v2/persons/" + strconv.Itoa(p.ID) + "/employments"
	return out
}

// v2CustomValue returns a custom attribute value in its v2 form, as the schema types it
// (a string, or a list of strings): dates as "2006-01-02", integers and decimals as the
// strings of their digits ("2", "2.5"), tags as a list of strings. With numbers set
// (the NumericCustomValues quirk), integers and decimals are JSON numbers.
func v2CustomValue(typ, v string, numbers bool) any {
	switch typ {
	case fakecompany.AttrInteger:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if numbers {
				return n
			}
			return strconv.FormatInt(n, 10)
		}
	case fakecompany.AttrDecimal:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			if numbers {
				return f
			}
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	case fakecompany.AttrTags:
		tags := []string{}
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		return tags
	}
	return v
}

// v2Time returns t in UTC with second precision, or nil for the zero time.
func v2Time(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return nullable(t.UTC().Format(layoutV2Time))
}

// v2Date returns d as "2006-01-02", or nil for the zero Date.
func v2Date(d unified.Date) *string { return nullable(d.String()) }

// ref returns the reference {"id":"…"}, or nil for id 0.
func ref(id int) *v2IDJSON {
	if id == 0 {
		return nil
	}
	return &v2IDJSON{strconv.Itoa(id)}
}

// v2EmploymentJSON is a v2 Employment.
//
// What the employment has not (no contract end, no probation, no supervisor for the
// head of the company, no office, no legal entity) is rendered as null, although the
// schema's dates and references are not nullable. The evidence:
//
//   - Dates. Every example of Personio's employments description
//     (employment-contract-v2.json, components/examples) has "employment_end_date":
//     null for an employment that has not ended: the service writes an unset date of
//     the object as null, not by leaving the key out (no example leaves a date key
//     out). contract_end_date and probation_end_date are dates of the same kind and
//     form (the examples show them set), so the fake writes them null when unset. A
//     client run against a live tenant had to make probation_end_date optional
//     (ninjaneers-team/pysonio, commit 884fc54 "mark optional fields as optional").
//     Confidence: medium.
//   - supervisor. The description written for a pipeline that loads live Personio data
//     declares it "oneOf: [type: null, Supervisor]" (planet-a-ventures/
//     dlt-source-personio, dlt_source_personio/model/v2_spec/employment.yaml).
//     Confidence: medium.
//   - office, legal_entity, sub_company: nothing published shows them unset; the fake
//     writes them as it writes supervisor, the reference of the same form. Clients run
//     against live tenants declare them optional (pysonio: Optional[Office] = None).
//     Confidence: low.
//
// job is the job of the person's position title (see jobID); an employment without a
// title has job null, like the other references.
type v2EmploymentJSON struct {
	ID                         string           `json:"id"`
	Status                     any              `json:"status,omitempty"`
	Type                       any              `json:"type,omitempty"`
	Position                   any              `json:"position,omitempty"`
	WeeklyWorkingHours         any              `json:"weekly_working_hours,omitempty"`
	FullTimeWeeklyWorkingHours any              `json:"full_time_weekly_working_hours,omitempty"`
	ProbationEndDate           any              `json:"probation_end_date,omitempty"`
	EmploymentStartDate        any              `json:"employment_start_date,omitempty"`
	EmploymentEndDate          any              `json:"employment_end_date,omitempty"`
	ContractEndDate            any              `json:"contract_end_date,omitempty"`
	CreatedAt                  any              `json:"created_at,omitempty"`
	UpdatedAt                  any              `json:"updated_at,omitempty"`
	Supervisor                 any              `json:"supervisor,omitempty"`
	Office                     any              `json:"office,omitempty"`
	LegalEntity                any              `json:"legal_entity,omitempty"`
	SubCompany                 any              `json:"sub_company,omitempty"`
	Job                        any              `json:"job,omitempty"`
	OrgUnits                   []v2OrgUnitRef   `json:"org_units"`
	CostCenters                any              `json:"cost_centers,omitempty"`
	Person                     v2IDJSON         `json:"person"`
	Termination                any              `json:"termination,omitempty"`
	Meta                       v2EmploymentMeta `json:"_meta"`
}

type v2OrgUnitRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type v2CostCenterRef struct {
	ID     string  `json:"id"`
	Weight float64 `json:"weight"`
}

// v2TerminationJSON is the termination of an employment; the last working day goes by
// one name or the other (the LastWorkingDate quirk).
type v2TerminationJSON struct {
	TerminationDate *string `json:"termination_date"`
	LastWorkingDay  any     `json:"last_working_day,omitempty"`
	LastWorkingDate any     `json:"last_working_date,omitempty"`
	TerminatedAt    *string `json:"terminated_at"`
	Type            string  `json:"type"`
	Reason          *string `json:"reason"`
}

type v2EmploymentMeta struct {
	Links struct {
		Person     v2HrefJSON  `json:"person"`
		Supervisor *v2HrefJSON `json:"supervisor,omitempty"`
	} `json:"links"`
}

// employment renders a v2 Employment of p.
func (r *v2Renderer) employment(p *Person, e *employment) v2EmploymentJSON {
	s, std, c := r.s, &r.s.std, r.c
	out := v2EmploymentJSON{ID: e.id, OrgUnits: []v2OrgUnitRef{}, Person: v2IDJSON{strconv.Itoa(p.ID)}}
	if std[aStatus] {
		out.Status = e.status
	}
	if std[aEmploymentType] {
		out.Type = strings.ToUpper(p.EmploymentType)
	}
	if std[aPosition] {
		out.Position = struct {
			Title string `json:"title"`
		}{p.Position}
		var job *v2IDJSON // null without a title
		if id := jobID(c, p.Position); id != "" {
			job = &v2IDJSON{id}
		}
		out.Job = job
	}
	if std[aWeeklyHours] {
		out.WeeklyWorkingHours, out.FullTimeWeeklyWorkingHours = p.WeeklyHours, fullTimeHours(c, p)
	}
	if std[aProbationEnd] {
		out.ProbationEndDate = v2Date(e.ifCurrent(p.ProbationEnd))
	}
	if std[aHireDate] {
		out.EmploymentStartDate = v2Date(e.start)
	}
	if std[aTerminationDate] {
		out.EmploymentEndDate = v2Date(e.end)
	}
	if std[aContractEnd] {
		out.ContractEndDate = v2Date(e.ifCurrent(p.ContractEndDate))
	}
	if std[aCreatedAt] {
		out.CreatedAt = v2Time(e.created)
	}
	if std[aLastModified] {
		out.UpdatedAt = v2Time(e.updated)
	}
	if std[aSupervisor] {
		out.Supervisor = ref(p.SupervisorID)
	}
	if std[aOffice] {
		out.Office = ref(p.OfficeID)
	}
	if std[aSubcompany] {
		out.LegalEntity, out.SubCompany = ref(e.legalEntityID), ref(e.legalEntityID)
	}
	if std[aTeam] && p.TeamID != 0 {
		out.OrgUnits = append(out.OrgUnits, v2OrgUnitRef{orgTeam, strconv.Itoa(p.TeamID)})
	}
	if std[aDepartment] && p.DepartmentID != 0 {
		out.OrgUnits = append(out.OrgUnits, v2OrgUnitRef{orgDepartment, strconv.Itoa(p.DepartmentID)})
	}
	if std[aCostCenters] {
		ccs := []v2CostCenterRef{}
		for _, sh := range p.CostCenters {
			ccs = append(ccs, v2CostCenterRef{strconv.Itoa(sh.ID), sh.Percentage})
		}
		out.CostCenters = ccs
	}
	if std[aTerminationDate] {
		var t *v2TerminationJSON
		if !e.termDate.IsZero() {
			t = &v2TerminationJSON{TerminationDate: v2Date(e.termDate), TerminatedAt: v2Date(e.terminatedAt),
				Type: e.termType, Reason: nullable(e.termReason)}
			if r.q.LastWorkingDate {
				t.LastWorkingDate = v2Date(e.lastDay)
			} else {
				t.LastWorkingDay = v2Date(e.lastDay)
			}
		}
		out.Termination = t
	}
	out.Meta.Links.Person.Href = s.URL + "/v2/persons/" + strconv.Itoa(p.ID)
	if p.SupervisorID != 0 && std[aSupervisor] {
		out.Meta.Links.Supervisor = &v2HrefJSON{s.URL + "/v2/persons/" + strconv.Itoa(p.SupervisorID)}
	}
	return out
}
