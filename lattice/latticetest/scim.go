package latticetest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The SCIM 2.0 subset (RFC 7643/7644) served with WithSCIM.

const (
	scimType         = "application/scim+json"
	scimUserSchema   = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	scimLatticeExt   = "urn:ietf:params:scim:schemas:extension:lattice:attributes:1.0:User"
	scimListSchema   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimErrorSchema  = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimPatchSchema  = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimDefaultCount = 100
	scimMaxCount     = 100
	scimMaxBody      = 1 << 20
)

type scimName struct {
	Formatted  string  `json:"formatted"`
	FamilyName *string `json:"familyName"`
	GivenName  *string `json:"givenName"`
	MiddleName *string `json:"middleName"`
}

type scimEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

type scimMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location"`
}

type scimManager struct {
	Value       string `json:"value"`
	Ref         string `json:"$ref"`
	DisplayName string `json:"displayName"`
}

type scimEnterpriseJSON struct {
	Department *string      `json:"department"`
	Manager    *scimManager `json:"manager"`
}

type scimUserJSON struct {
	Schemas      []string           `json:"schemas"`
	ID           string             `json:"id"`
	ExternalID   *string            `json:"externalId"`
	Name         scimName           `json:"name"`
	DisplayName  string             `json:"displayName"`
	NickName     *string            `json:"nickName"`
	UserName     string             `json:"userName"`
	ProfileURL   string             `json:"profileUrl"`
	Title        *string            `json:"title"`
	Timezone     *string            `json:"timezone"`
	Active       bool               `json:"active"`
	Emails       []scimEmail        `json:"emails"`
	PhoneNumbers []any              `json:"phoneNumbers"`
	Photos       []any              `json:"photos"`
	Groups       []any              `json:"groups"`
	Meta         scimMeta           `json:"meta"`
	Enterprise   scimEnterpriseJSON `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
	Lattice      map[string]any     `json:"urn:ietf:params:scim:schemas:extension:lattice:attributes:1.0:User"`
}

type scimListJSON struct {
	Schemas      []string       `json:"schemas"`
	TotalResults int            `json:"totalResults"`
	ItemsPerPage int            `json:"itemsPerPage"`
	StartIndex   int            `json:"startIndex"`
	Resources    []scimUserJSON `json:"Resources"`
}

type scimErrorJSON struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
}

func scimError(status int, scimType, detail string) response {
	return jsonResponse(status, scimErrorJSON{
		Schemas: []string{scimErrorSchema}, Status: strconv.Itoa(status), ScimType: scimType, Detail: detail,
	})
}

func isSCIMPath(path string) bool {
	p := strings.ToLower(path)
	return p == "/scim/v2" || strings.HasPrefix(p, "/scim/v2/")
}

const scimTime = "2006-01-02T15:04:05.000Z"

func (s *Server) serveSCIM(w http.ResponseWriter, r *http.Request) {
	// "/scim/v2" and "/scim/V2" both occur in the wild.
	rest := r.URL.Path[len("/scim/v2"):]
	seg := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	var resp response
	switch {
	case len(seg) == 1 && seg[0] == "Users":
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			resp = scimError(http.StatusMethodNotAllowed, "", "Users supports GET only in this server")
			break
		}
		resp = s.scimList(r)
	case len(seg) == 2 && seg[0] == "Users" && seg[1] != "":
		switch r.Method {
		case http.MethodGet:
			resp = s.withSCIMIndex(func(ix *index) response { return s.scimGet(ix, seg[1]) })
		case http.MethodPatch:
			resp = s.scimPatch(r, seg[1])
		default:
			w.Header().Set("Allow", "GET, PATCH")
			resp = scimError(http.StatusMethodNotAllowed, "", "Users/{id} supports GET and PATCH only in this server")
		}
	default:
		resp = scimError(http.StatusNotFound, "", "no SCIM resource at "+r.URL.Path)
	}
	resp.write(w, scimType)
}

func (s *Server) withSCIMIndex(f func(ix *index) response) response {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.invalid != nil {
		return scimError(http.StatusInternalServerError, "", s.invalid.Error())
	}
	return f(s.ix)
}

func (s *Server) scimUser(ix *index, i int32) scimUserJSON {
	p := &ix.c.People[i]
	u := scimUserJSON{
		Schemas:      []string{scimUserSchema, scimEnterprise, scimLatticeExt},
		ID:           p.LatticeID,
		Name:         scimName{Formatted: p.DisplayName(), FamilyName: nullable(p.LastName), GivenName: nullable(p.FirstName)},
		DisplayName:  p.DisplayName(),
		NickName:     nullable(p.PreferredName),
		UserName:     p.Email,
		ProfileURL:   s.URL + "/users/" + p.LatticeID,
		Title:        nullable(p.Position),
		Timezone:     nullable(p.Timezone),
		Active:       ix.status[i] != stDeactivated,
		Emails:       []scimEmail{{Value: p.Email, Type: "work", Primary: true}},
		PhoneNumbers: []any{},
		Photos:       []any{},
		Groups:       []any{},
		Meta:         scimMeta{ResourceType: "User", Location: s.URL + "/scim/v2/Users/" + p.LatticeID},
		Lattice:      map[string]any{},
	}
	if ext, ok := s.ExternalUserID(p); ok {
		u.ExternalID = &ext
	}
	if !p.CreatedAt.IsZero() {
		u.Meta.Created = p.CreatedAt.UTC().Format(scimTime)
	}
	if !p.UpdatedAt.IsZero() {
		u.Meta.LastModified = p.UpdatedAt.UTC().Format(scimTime)
	}
	if d := ix.dept[i]; d >= 0 {
		u.Enterprise.Department = nullable(ix.c.Departments[d].Name)
	}
	if m := ix.mgr[i]; m >= 0 {
		mp := &ix.c.People[m]
		// The $ref form is the one Lattice's SCIM schema article shows.
		u.Enterprise.Manager = &scimManager{Value: mp.LatticeID, Ref: "/scim/v2/" + mp.LatticeID, DisplayName: mp.DisplayName()}
	}
	for _, a := range ix.c.Attributes {
		if v := p.Custom[a.Key]; v != "" {
			u.Lattice[a.LabelEN] = attrValue(a.Type, v)
		}
	}
	return u
}

func (s *Server) scimGet(ix *index, id string) response {
	pos, ok := ix.byLattice[id]
	if !ok {
		return scimError(http.StatusNotFound, "", "User "+strconv.Quote(id)+" not found")
	}
	return jsonResponse(http.StatusOK, s.scimUser(ix, pos))
}

// scimFilter is a parsed `attribute eq "value"` filter.
type scimFilter struct{ attr, value string }

func parseSCIMFilter(f string) (scimFilter, error) {
	f = strings.TrimSpace(f)
	attr, rest, ok := strings.Cut(f, " ")
	if !ok {
		return scimFilter{}, errors.New(`filter must have the form attribute eq "value"`)
	}
	op, val, ok := strings.Cut(strings.TrimSpace(rest), " ")
	if !ok || !strings.EqualFold(op, "eq") {
		return scimFilter{}, errors.New(`only the eq operator is supported: attribute eq "value"`)
	}
	var v string
	if err := json.Unmarshal([]byte(strings.TrimSpace(val)), &v); err != nil {
		return scimFilter{}, errors.New(`the filter value must be a quoted string: attribute eq "value"`)
	}
	switch a := strings.ToLower(attr); a {
	case "username", "emails", "emails.value", "externalid", "id":
		return scimFilter{attr: a, value: v}, nil
	}
	return scimFilter{}, errors.New("filtering is supported on userName, emails, emails.value, externalId and id only, not " + strconv.Quote(attr))
}

func scimInt(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errors.New(name + " must be an integer")
	}
	return n, nil
}

func (s *Server) scimList(r *http.Request) response {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return scimError(http.StatusBadRequest, "invalidSyntax", "the query string is malformed")
	}
	var filter *scimFilter
	if f := q.Get("filter"); f != "" {
		sf, err := parseSCIMFilter(f)
		if err != nil {
			return scimError(http.StatusBadRequest, "invalidFilter", err.Error())
		}
		filter = &sf
	}
	start, err := scimInt(q, "startIndex", 1)
	if err != nil {
		return scimError(http.StatusBadRequest, "invalidValue", err.Error())
	}
	count, err := scimInt(q, "count", scimDefaultCount)
	if err != nil {
		return scimError(http.StatusBadRequest, "invalidValue", err.Error())
	}
	start = max(start, 1)                    // RFC 7644 §3.4.2.4: below 1 means 1
	count = min(max(count, 0), scimMaxCount) // negative means 0
	return s.withSCIMIndex(func(ix *index) response {
		var matches []int32
		if filter == nil {
			matches = ix.all
		} else {
			matches = ix.scimMatch(*filter)
		}
		out := scimListJSON{Schemas: []string{scimListSchema}, TotalResults: len(matches), StartIndex: start, Resources: []scimUserJSON{}}
		if lo := start - 1; lo < len(matches) {
			for _, i := range matches[lo:min(lo+count, len(matches))] {
				out.Resources = append(out.Resources, s.scimUser(ix, i))
			}
		}
		out.ItemsPerPage = len(out.Resources)
		return jsonResponse(http.StatusOK, out)
	})
}

func (ix *index) scimMatch(f scimFilter) []int32 {
	switch f.attr {
	case "username", "emails", "emails.value":
		if pos, ok := ix.byEmail[strings.ToLower(f.value)]; ok {
			return []int32{pos}
		}
	case "id":
		if pos, ok := ix.byLattice[f.value]; ok {
			return []int32{pos}
		}
	case "externalid":
		id, err := strconv.Atoi(f.value)
		if err != nil || strconv.Itoa(id) != f.value {
			return nil
		}
		if p := ix.c.Person(id); p != nil {
			pos := ix.byLattice[p.LatticeID]
			return []int32{pos}
		}
	}
	return nil
}

type scimPatchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

type scimPatch struct {
	Schemas    []string      `json:"schemas"`
	Operations []scimPatchOp `json:"Operations"`
}

// parseActive reads a SCIM boolean, which some clients send as a string.
func parseActive(raw json.RawMessage) (bool, bool) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseBool(s); err == nil {
			return v, true
		}
	}
	return false, false
}

// patchActive returns the value of active the patch sets.
func patchActive(body []byte) (bool, response, bool) {
	var p scimPatch
	if err := json.Unmarshal(body, &p); err != nil {
		return false, scimError(http.StatusBadRequest, "invalidSyntax", "the body is not a PatchOp JSON document"), false
	}
	hasSchema := false
	for _, s := range p.Schemas {
		hasSchema = hasSchema || s == scimPatchSchema
	}
	if !hasSchema {
		return false, scimError(http.StatusBadRequest, "invalidSyntax", "schemas must contain "+scimPatchSchema), false
	}
	if len(p.Operations) == 0 {
		return false, scimError(http.StatusBadRequest, "invalidSyntax", "Operations is empty"), false
	}
	var active, set bool
	for _, op := range p.Operations {
		if !strings.EqualFold(op.Op, "replace") {
			return false, scimError(http.StatusBadRequest, "invalidSyntax", "only the replace operation is supported by this server"), false
		}
		raw := op.Value
		switch {
		case strings.EqualFold(op.Path, "active"):
		case op.Path == "":
			var obj map[string]json.RawMessage
			if json.Unmarshal(op.Value, &obj) != nil {
				return false, scimError(http.StatusBadRequest, "invalidValue", "a replace without path needs an object value"), false
			}
			var ok bool
			for k, v := range obj {
				if !strings.EqualFold(k, "active") {
					return false, scimError(http.StatusBadRequest, "invalidPath", "only active can be changed by this server, not "+strconv.Quote(k)), false
				}
				raw, ok = v, true
			}
			if !ok {
				return false, scimError(http.StatusBadRequest, "invalidValue", "the replace value is empty"), false
			}
		default:
			return false, scimError(http.StatusBadRequest, "invalidPath", "only active can be changed by this server, not "+strconv.Quote(op.Path)), false
		}
		v, ok := parseActive(raw)
		if !ok {
			return false, scimError(http.StatusBadRequest, "invalidValue", "active must be a boolean"), false
		}
		active, set = v, true
	}
	return active, response{}, set
}

// scimPatch applies a PatchOp that sets active. Deactivating a user makes the person
// inactive, so the REST API lists them as DEACTIVATED; activating an inactive person makes
// them active again.
func (s *Server) scimPatch(r *http.Request, id string) response {
	body, err := io.ReadAll(io.LimitReader(r.Body, scimMaxBody+1))
	if err != nil {
		return scimError(http.StatusBadRequest, "invalidSyntax", "cannot read the body")
	}
	if len(body) > scimMaxBody {
		return scimError(http.StatusRequestEntityTooLarge, "tooLarge", "the body is larger than 1 MiB")
	}
	active, bad, ok := patchActive(body)
	if !ok {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.invalid != nil {
		return scimError(http.StatusInternalServerError, "", s.invalid.Error())
	}
	pos, found := s.ix.byLattice[id]
	if !found {
		return scimError(http.StatusNotFound, "", "User "+strconv.Quote(id)+" not found")
	}
	p := &s.company.People[pos]
	changed := false
	switch {
	case !active && p.Status != unified.StatusInactive:
		p.Status, changed = unified.StatusInactive, true
	case active && p.Status == unified.StatusInactive:
		p.Status, changed = unified.StatusActive, true
	}
	if changed {
		now := time.Now().UTC().Truncate(time.Second)
		if !now.After(p.UpdatedAt) {
			now = p.UpdatedAt.Add(time.Second)
		}
		p.UpdatedAt = now
		s.reindexLocked()
		if s.invalid != nil {
			return scimError(http.StatusInternalServerError, "", s.invalid.Error())
		}
		pos = s.ix.byLattice[id]
	}
	return jsonResponse(http.StatusOK, s.scimUser(s.ix, pos))
}
