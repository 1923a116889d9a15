package latticetest

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The JSON shapes of the Lattice Talent API v1. Field order follows the API notes, and
// pointer fields render as null when nil.

// userJSON is a user.
type userJSON struct {
	ID               string      `json:"id"`
	Object           string      `json:"object"`
	URL              string      `json:"url"`
	Name             *string     `json:"name"`
	PreferredName    *string     `json:"preferredName"`
	Email            string      `json:"email"`
	Title            *string     `json:"title"`
	Status           string      `json:"status"`
	IsAdmin          bool        `json:"isAdmin"`
	ExternalUserID   *string     `json:"externalUserId"`
	StartDate        *string     `json:"startDate"`
	BirthDate        *string     `json:"birthDate"`
	Gender           string      `json:"gender"`
	Timezone         *string     `json:"timezone"`
	JobFunction      *string     `json:"jobFunction"`
	JobLevel         *string     `json:"jobLevel"`
	JobType          *string     `json:"jobType"`
	Manager          *refJSON    `json:"manager"`
	Department       *refJSON    `json:"department"`
	DirectReports    listRefJSON `json:"directReports"`
	Tasks            listRefJSON `json:"tasks"`
	CustomAttributes listRefJSON `json:"customAttributes"`
	CreatedAt        *int64      `json:"createdAt"`
	UpdatedAt        *int64      `json:"updatedAt"`
}

// refJSON is the reference stub of a user or a department.
type refJSON struct {
	Object string `json:"object"`
	ID     string `json:"id"`
	URL    string `json:"url"`
}

// listRefJSON is the reference to a list.
type listRefJSON struct {
	Object string `json:"object"`
	URL    string `json:"url"`
}

type departmentJSON struct {
	ID          string  `json:"id"`
	Object      string  `json:"object"`
	URL         string  `json:"url"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	CreatedAt   *int64  `json:"createdAt"`
}

type attributeJSON struct {
	ID          string  `json:"id"`
	Object      string  `json:"object"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Type        string  `json:"type"`
}

type attributeValueJSON struct {
	ID        string        `json:"id"`
	Object    string        `json:"object"`
	Attribute attributeJSON `json:"attribute"`
	Value     any           `json:"value"`
}

type listJSON struct {
	Object       string  `json:"object"`
	HasMore      bool    `json:"hasMore"`
	EndingCursor *string `json:"endingCursor"`
	Data         any     `json:"data"`
}

type errorJSON struct {
	Error string `json:"error"`
}

// renderer turns company records into API objects. prefix is "" for path-only URLs, or
// the server's base URL.
type renderer struct {
	ix          *index
	prefix      string
	externalIDs bool // render every externalUserId, even of people created in Lattice
}

func (rd *renderer) userURL(id string) string { return rd.prefix + "/v1/user/" + id }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// date renders d as "2006-01-02", or null for the zero Date.
func date(d unified.Date) *string {
	if d.IsZero() {
		return nil
	}
	return nullable(d.String())
}

// unix renders t as Unix seconds, or null for the zero time.
func unix(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

// user renders the person at position i.
func (rd *renderer) user(i int32) userJSON {
	ix := rd.ix
	p := &ix.c.People[i]
	u := userJSON{
		ID:            p.LatticeID,
		Object:        "user",
		URL:           rd.userURL(p.LatticeID),
		Name:          nullable(p.DisplayName()),
		PreferredName: nullable(p.PreferredName),
		Email:         p.Email,
		Title:         nullable(p.Position),
		Status:        statusNames[ix.status[i]],
		IsAdmin:       p.IsAdmin,
		StartDate:     date(p.HireDate),
		BirthDate:     date(p.BirthDate),
		Gender:        latticeGender(p.Gender),
		Timezone:      nullable(p.Timezone),
		JobLevel:      nullable(ix.jobLevel[i]),
		CreatedAt:     unix(p.CreatedAt),
		UpdatedAt:     unix(p.UpdatedAt),
	}
	if rd.externalIDs || !CreatedInLattice(p) {
		u.ExternalUserID = nullable(personIDString(p))
	}
	if mid := ix.mgrID[i]; mid != "" {
		u.Manager = &refJSON{Object: "user", ID: mid, URL: rd.userURL(mid)}
	}
	if d := ix.dept[i]; d >= 0 {
		did := ix.c.Departments[d].LatticeID
		u.Department = &refJSON{Object: "department", ID: did, URL: rd.prefix + "/v1/department/" + did}
	}
	for _, l := range []struct {
		ref  *listRefJSON
		name string
	}{{&u.DirectReports, "directReports"}, {&u.Tasks, "tasks"}, {&u.CustomAttributes, "customAttributes"}} {
		*l.ref = listRefJSON{Object: "list", URL: rd.userURL(p.LatticeID) + "/" + l.name}
	}
	return u
}

// users renders the people at the positions of a page.
func (rd *renderer) users(items []int32) []userJSON {
	out := make([]userJSON, len(items))
	for k, i := range items {
		out[k] = rd.user(i)
	}
	return out
}

// latticeGender maps the company's genders to Lattice's enum.
func latticeGender(g string) string {
	switch g {
	case fakecompany.GenderFemale:
		return "Female"
	case fakecompany.GenderMale:
		return "Male"
	case fakecompany.GenderDiverse:
		return "NonBinary"
	}
	return "NotSet"
}

// department renders the department at index d.
func (rd *renderer) department(d int32) departmentJSON {
	dep := &rd.ix.c.Departments[d]
	return departmentJSON{
		ID:        dep.LatticeID,
		Object:    "department",
		URL:       rd.prefix + "/v1/department/" + dep.LatticeID,
		Name:      nullable(dep.Name),
		CreatedAt: rd.ix.deptCreated,
	}
}

// latticeAttrType maps the company's custom attribute types to the type names the server
// reports. Lattice's own names are not documented; these are the server's choice.
func latticeAttrType(t string) string {
	switch t {
	case fakecompany.AttrDate:
		return "DATE"
	case fakecompany.AttrInteger, fakecompany.AttrDecimal:
		return "NUMBER"
	case fakecompany.AttrList:
		return "SINGLE_SELECT"
	case fakecompany.AttrTags:
		return "MULTI_SELECT"
	}
	return "TEXT"
}

// attrValue renders a stored custom attribute value: numbers as JSON numbers, tags as an
// array of strings, everything else as a string. A stored number that does not parse is
// rendered as the string it is, so no value is lost.
func attrValue(typ, v string) any {
	switch typ {
	case fakecompany.AttrInteger, fakecompany.AttrDecimal:
		if _, err := strconv.ParseFloat(v, 64); err == nil && json.Valid([]byte(v)) {
			return json.Number(v)
		}
	case fakecompany.AttrTags:
		parts := strings.Split(v, ",")
		out := make([]string, 0, len(parts))
		for _, s := range parts {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return v
}

// attrItems returns the indices (into Company.Attributes) of the attributes person i has
// a value for, in catalogue order.
func (ix *index) attrItems(i int32) []int32 {
	p := &ix.c.People[i]
	var out []int32
	for k := range ix.c.Attributes {
		if p.Custom[ix.c.Attributes[k].Key] != "" {
			out = append(out, int32(k))
		}
	}
	return out
}

func (rd *renderer) attributeValues(i int32, items []int32) []attributeValueJSON {
	p := &rd.ix.c.People[i]
	out := make([]attributeValueJSON, len(items))
	for k, a := range items {
		attr := &rd.ix.c.Attributes[a]
		out[k] = attributeValueJSON{
			ID:     valueID(p.LatticeID, attr.LatticeID),
			Object: "customAttributeValue",
			Attribute: attributeJSON{
				ID:     attr.LatticeID,
				Object: "customAttribute",
				Name:   attr.LabelEN,
				Type:   latticeAttrType(attr.Type),
			},
			Value: attrValue(attr.Type, p.Custom[attr.Key]),
		}
	}
	return out
}
