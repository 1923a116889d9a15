package personiotest

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging limits of legal entities and org units.
const (
	orgDefaultLimit = 20
	orgMaxLimit     = 100
)

// legalEntityFilter is the parsed filter of GET /v2/legal-entities.
type legalEntityFilter struct {
	ids       map[int]bool
	countries map[string]bool // upper-case
}

var legalEntityFields = map[string][]string{"id": opsEq, "country": opsEq}

func parseLegalEntityFilter(q url.Values) (any, string) {
	var f legalEntityFilter
	var msg string
	if f.ids, msg = setFilter(q, "id", "legal entity ids", positiveID); msg != "" {
		return nil, msg
	}
	country := func(v string) (string, bool) { return strings.ToUpper(v), len(v) == 2 }
	if f.countries, msg = setFilter(q, "country", "ISO 3166-1 alpha-2 codes", country); msg != "" {
		return nil, msg
	}
	return &f, ""
}

// legalEntityOrder returns the indexes of c's legal entities, newest first.
func legalEntityOrder(c *Company) []int {
	idx := make([]int, len(c.LegalEntities))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if d := legalEntityCreated(c, b).Compare(legalEntityCreated(c, a)); d != 0 {
			return d
		}
		return cmp.Compare(c.LegalEntities[b].ID, c.LegalEntities[a].ID)
	})
	return idx
}

// legalEntityJSON is a v2 legal entity.
type legalEntityJSON struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Country   *string `json:"country"`
	CreatedAt *string `json:"created_at"`
}

// legalEntity renders the i-th legal entity of c.
func legalEntity(c *Company, i int) legalEntityJSON {
	le := &c.LegalEntities[i]
	return legalEntityJSON{strconv.Itoa(le.ID), le.Name, nullable(le.Country), v2Time(legalEntityCreated(c, i))}
}

// v2LegalEntities serves GET /v2/legal-entities and /v2/legal-entities/{id}.
func (s *Server) v2LegalEntities(w http.ResponseWriter, r *http.Request, parts []string) {
	q := s.Quirks()
	if len(parts) == 2 {
		id, _ := strconv.Atoi(parts[1])
		s.mu.RLock()
		c := s.company
		for i := range c.LegalEntities {
			if id > 0 && c.LegalEntities[i].ID == id {
				body := legalEntity(c, i)
				s.mu.RUnlock()
				writeJSON(w, http.StatusOK, "application/json", body)
				return
			}
		}
		s.mu.RUnlock()
		s.notFoundV2(w)
		return
	}
	st := s.startListing(w, r, "/v2/legal-entities", orgDefaultLimit, orgMaxLimit, maps.Clone(legalEntityFields), parseLegalEntityFilter)
	if st == nil {
		return
	}
	f := st.filter.(*legalEntityFilter)
	data := []legalEntityJSON{}
	next := s.emptyFirstPage(st, q)
	s.mu.RLock()
	if next == nil {
		c := s.company
		var items []int
		for _, i := range legalEntityOrder(c) {
			le := &c.LegalEntities[i]
			if (f.ids == nil || f.ids[le.ID]) && (f.countries == nil || f.countries[strings.ToUpper(le.Country)]) {
				items = append(items, i)
			}
		}
		var page []int
		page, next = indexPage(s, st, q, items)
		for _, i := range page {
			data = append(data, legalEntity(c, i))
		}
	}
	s.mu.RUnlock()
	s.writeListPage(w, r, data, next, q)
}

// Org unit types.
const (
	orgDepartment = "department"
	orgTeam       = "team"
)

// orgUnit is a department or a team.
type orgUnit struct {
	typ      string
	id       int
	name     string
	parentID int
}

// orgUnits returns the company's org units: departments by id, then teams by id.
func orgUnits(c *Company, typ string) []orgUnit {
	var out []orgUnit
	if typ == "" || typ == orgDepartment {
		for _, d := range c.Departments {
			out = append(out, orgUnit{typ: orgDepartment, id: d.ID, name: d.Name})
		}
		slices.SortFunc(out, func(a, b orgUnit) int { return cmp.Compare(a.id, b.id) })
	}
	if typ == "" || typ == orgTeam {
		n := len(out)
		for _, t := range c.Teams {
			out = append(out, orgUnit{typ: orgTeam, id: t.ID, name: t.Name, parentID: t.DepartmentID})
		}
		slices.SortFunc(out[n:], func(a, b orgUnit) int { return cmp.Compare(a.id, b.id) })
	}
	return out
}

// findOrgUnit returns the org unit of the type and id.
func findOrgUnit(c *Company, typ string, id int) (orgUnit, bool) {
	switch typ {
	case orgDepartment:
		if d := c.Department(id); d != nil {
			return orgUnit{typ: orgDepartment, id: d.ID, name: d.Name}, true
		}
	case orgTeam:
		if t := c.Team(id); t != nil {
			return orgUnit{typ: orgTeam, id: t.ID, name: t.Name, parentID: t.DepartmentID}, true
		}
	}
	return orgUnit{}, false
}

// orgUnitJSON is a v2 org unit; ParentChain is there only when asked for.
type orgUnitJSON struct {
	ID           string         `json:"id"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Abbreviation *string        `json:"abbreviation"`
	Description  *string        `json:"description"`
	ParentID     *string        `json:"parent_id"`
	ParentChain  *[]orgUnitJSON `json:"parent_chain,omitempty"`
}

// orgUnitOf renders u and, with chain, its ancestors from the parent up.
func orgUnitOf(c *Company, u orgUnit, chain bool) orgUnitJSON {
	out := orgUnitJSON{ID: strconv.Itoa(u.id), Type: u.typ, Name: u.name, Abbreviation: nullable(abbreviation(u.name))}
	if u.parentID != 0 {
		out.ParentID = nullable(strconv.Itoa(u.parentID))
	}
	if chain {
		parents := []orgUnitJSON{}
		if u.parentID != 0 {
			if d, ok := findOrgUnit(c, orgDepartment, u.parentID); ok {
				parents = append(parents, orgUnitOf(c, d, false))
			}
		}
		out.ParentChain = &parents
	}
	return out
}

// orgUnitFilter is the parsed filter of GET /v2/org-units.
type orgUnitFilter struct {
	typ   string
	chain bool
}

var orgUnitFields = map[string][]string{"type": opsEq, "include_parent_chain": opsEq, "sort": opsEq}

// parseOrgUnitParams parses type (required when need is set) and include_parent_chain.
func parseOrgUnitParams(q url.Values, need bool) (orgUnitFilter, string) {
	var f orgUnitFilter
	f.typ = q.Get("type")
	switch {
	case f.typ == "" && need:
		return f, "The type parameter is required: department or team."
	case f.typ != "" && f.typ != orgDepartment && f.typ != orgTeam:
		return f, "The type parameter must be department or team."
	}
	if v := q.Get("include_parent_chain"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, "The include_parent_chain parameter must be true or false."
		}
		f.chain = b
	}
	if v := q.Get("sort"); v != "" && v != "id" {
		return f, "The sort parameter must be id."
	}
	return f, ""
}

// v2OrgUnits serves GET /v2/org-units and /v2/org-units/{id}.
func (s *Server) v2OrgUnits(w http.ResponseWriter, r *http.Request, parts []string) {
	q := s.Quirks()
	if len(parts) == 2 {
		f, msg := parseOrgUnitParams(r.URL.Query(), true)
		if msg != "" {
			s.badRequestV2(w, msg)
			return
		}
		id, _ := strconv.Atoi(parts[1])
		s.mu.RLock()
		u, ok := findOrgUnit(s.company, f.typ, id)
		var body orgUnitJSON
		if ok {
			body = orgUnitOf(s.company, u, f.chain)
		}
		s.mu.RUnlock()
		if !ok {
			s.notFoundV2(w)
			return
		}
		writeJSON(w, http.StatusOK, "application/json", body)
		return
	}
	parse := func(q url.Values) (any, string) {
		f, msg := parseOrgUnitParams(q, false)
		return &f, msg
	}
	st := s.startListing(w, r, "/v2/org-units", orgDefaultLimit, orgMaxLimit, maps.Clone(orgUnitFields), parse)
	if st == nil {
		return
	}
	f := st.filter.(*orgUnitFilter)
	data := []orgUnitJSON{}
	next := s.emptyFirstPage(st, q)
	s.mu.RLock()
	if next == nil {
		c := s.company
		var page []orgUnit
		page, next = indexPage(s, st, q, orgUnits(c, f.typ))
		for _, u := range page {
			data = append(data, orgUnitOf(c, u, f.chain))
		}
	}
	s.mu.RUnlock()
	s.writeListPage(w, r, data, next, q)
}
