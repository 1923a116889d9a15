package personio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Page-size limits of the v2 list endpoints.
const (
	// MaxPersonsLimit is the largest page of GET /v2/persons and of a person's
	// employments.
	MaxPersonsLimit = 50
	// MaxLegalEntitiesLimit is the largest page of GET /v2/legal-entities.
	MaxLegalEntitiesLimit = 100
	// MaxOrgUnitsLimit is the largest page asked of GET /v2/org-units.
	MaxOrgUnitsLimit = 100
)

// Person is a Personio v2 person. Every field is optional: Personio omits what the
// credentials may not read.
type Person struct {
	// ID is the person id: numeric text, the same number as the v1 employee id.
	ID            string
	Email         string
	FirstName     string
	LastName      string
	PreferredName string
	// Gender as sent: "MALE", "FEMALE", "DIVERSE" or "UNSPECIFIED".
	Gender string
	// Status as sent: "ACTIVE" (the latest employment is active, on leave or onboarding),
	// "INACTIVE" or "UNSPECIFIED".
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
	// ProfilePictureURL is the profile picture's API URL, "" when there is none.
	ProfilePictureURL string
	// CustomAttributes are the person's custom attribute values.
	CustomAttributes []CustomAttribute
	// EmploymentIDs lists the ids of the person's employments; nil when the field was
	// missing, empty when the person has none.
	EmploymentIDs []string
	// Raw is the record as received, when asked for.
	Raw json.RawMessage

	errs []error
}

// Err returns nil when every field converted cleanly, else the joined conversion errors.
func (p *Person) Err() error { return errors.Join(p.errs...) }

// CustomAttribute is one custom attribute value of a v2 person.
type CustomAttribute struct {
	// ID is the attribute's key, the same as the v1 key ("dynamic_305").
	ID string `json:"id"`
	// Type as sent. The schema says upper case (STRING, INT, DOUBLE, DATE, BOOLEAN,
	// STRING_LIST) but the service also sends lower case; see Kind.
	Type string `json:"type"`
	// GlobalID is the attribute's universal id, if any.
	GlobalID string `json:"global_id"`
	// Label is rarely sent by Personio.
	Label string `json:"label"`
	// Value as received: a string, a number, a boolean, a list of strings or objects.
	Value json.RawMessage `json:"value"`
}

// Kind returns Type in upper case ("STRING", "DATE", ...).
func (a CustomAttribute) Kind() string { return strings.ToUpper(strings.TrimSpace(a.Type)) }

// Employment is one employment (contract) of a v2 person.
type Employment struct {
	ID string
	// Status as sent: "ACTIVE", "INACTIVE", "ONBOARDING", "LEAVE" or "UNSPECIFIED".
	Status string
	// Type as sent: "INTERNAL", "EXTERNAL" or "UNSPECIFIED".
	Type string
	// Position is the job title (position.title).
	Position                   string
	WeeklyWorkingHours         float64
	FullTimeWeeklyWorkingHours float64
	// Calendar days, sent as plain "YYYY-MM-DD".
	StartDate        *unified.Date
	EndDate          *unified.Date
	ProbationEndDate *unified.Date
	ContractEndDate  *unified.Date
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// Ids of related objects; "" when not set. SubCompanyID is deprecated by Personio in
	// favour of LegalEntityID.
	PersonID      string
	SupervisorID  string
	OfficeID      string
	LegalEntityID string
	SubCompanyID  string
	JobID         string
	// OrgUnits are the teams and departments of the employment.
	OrgUnits    []OrgUnitRef
	CostCenters []CostCenterWeight
	// Termination is set for terminated employments.
	Termination *Termination
	// Raw is the record as received, when asked for.
	Raw json.RawMessage

	errs []error
}

// Err returns nil when every field converted cleanly, else the joined conversion errors.
func (e *Employment) Err() error { return errors.Join(e.errs...) }

// OrgUnit returns the id of the employment's first org unit of the given type
// ("department", "team"), or "".
func (e *Employment) OrgUnit(typ string) string {
	for _, u := range e.OrgUnits {
		if strings.EqualFold(u.Type, typ) {
			return u.ID
		}
	}
	return ""
}

// OrgUnitRef references an org unit by id and type.
type OrgUnitRef struct {
	ID   string
	Type string
}

// CostCenterWeight is a share of an employment booked to a cost centre.
type CostCenterWeight struct {
	ID     string
	Weight float64
}

// Termination describes the end of an employment.
type Termination struct {
	TerminationDate *unified.Date
	// LastWorkingDay is read from last_working_day or, as Personio's own examples spell
	// it, last_working_date.
	LastWorkingDay *unified.Date
	TerminatedAt   *unified.Date
	// Type as sent ("QUIT", "FIRED", ...).
	Type   string
	Reason string
}

// LegalEntity is an employing company (v1 "subcompany").
type LegalEntity struct {
	ID        string
	Name      string
	Country   string
	CreatedAt time.Time
}

// OrgUnit is a department or team.
type OrgUnit struct {
	ID           string
	Type         string // "department" or "team"
	Name         string
	Abbreviation string
	Description  string
	ParentID     string
}

// ---- wire forms ----

type idRef struct {
	ID flexString `json:"id"`
}

func (r *idRef) id() string {
	if r == nil {
		return ""
	}
	return string(r.ID)
}

type personJSON struct {
	ID             flexString        `json:"id"`
	Email          string            `json:"email"`
	CreatedAt      string            `json:"created_at"`
	UpdatedAt      string            `json:"updated_at"`
	FirstName      string            `json:"first_name"`
	LastName       string            `json:"last_name"`
	PreferredName  string            `json:"preferred_name"`
	Gender         string            `json:"gender"`
	Status         string            `json:"status"`
	ProfilePicture json.RawMessage   `json:"profile_picture"`
	Custom         []CustomAttribute `json:"custom_attributes"`
	Employments    *[]idRef          `json:"employments"`
}

func (j *personJSON) person(raw json.RawMessage) Person {
	p := Person{
		ID: string(j.ID), Email: j.Email, FirstName: j.FirstName, LastName: j.LastName,
		PreferredName: j.PreferredName, Gender: j.Gender, Status: j.Status,
		CustomAttributes: j.Custom, Raw: raw,
	}
	p.CreatedAt = noteTime(&p.errs, "created_at", j.CreatedAt)
	p.UpdatedAt = noteTime(&p.errs, "updated_at", j.UpdatedAt)
	if pic := bytes.TrimSpace(j.ProfilePicture); len(pic) > 0 {
		switch pic[0] {
		case '{':
			var v struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(pic, &v) == nil {
				p.ProfilePictureURL = v.URL
			}
		case '"':
			p.ProfilePictureURL, _, _ = textFromJSON(pic)
		}
	}
	if j.Employments != nil {
		p.EmploymentIDs = make([]string, 0, len(*j.Employments))
		for _, e := range *j.Employments {
			if id := string(e.ID); id != "" {
				p.EmploymentIDs = append(p.EmploymentIDs, id)
			}
		}
	}
	return p
}

type employmentJSON struct {
	ID                         flexString      `json:"id"`
	Status                     string          `json:"status"`
	Type                       string          `json:"type"`
	Position                   json.RawMessage `json:"position"`
	WeeklyWorkingHours         flexFloat       `json:"weekly_working_hours"`
	FullTimeWeeklyWorkingHours flexFloat       `json:"full_time_weekly_working_hours"`
	ProbationEndDate           string          `json:"probation_end_date"`
	StartDate                  string          `json:"employment_start_date"`
	EndDate                    string          `json:"employment_end_date"`
	ContractEndDate            string          `json:"contract_end_date"`
	CreatedAt                  string          `json:"created_at"`
	UpdatedAt                  string          `json:"updated_at"`
	Supervisor                 *idRef          `json:"supervisor"`
	Office                     *idRef          `json:"office"`
	LegalEntity                *idRef          `json:"legal_entity"`
	SubCompany                 *idRef          `json:"sub_company"`
	Job                        *idRef          `json:"job"`
	Person                     *idRef          `json:"person"`
	OrgUnits                   []struct {
		Type string     `json:"type"`
		ID   flexString `json:"id"`
	} `json:"org_units"`
	CostCenters []struct {
		ID     flexString `json:"id"`
		Weight flexFloat  `json:"weight"`
	} `json:"cost_centers"`
	Termination *struct {
		TerminationDate string `json:"termination_date"`
		LastWorkingDay  string `json:"last_working_day"`
		LastWorkingDate string `json:"last_working_date"`
		TerminatedAt    string `json:"terminated_at"`
		Type            string `json:"type"`
		Reason          string `json:"reason"`
	} `json:"termination"`
}

func (j *employmentJSON) employment(raw json.RawMessage, loc *time.Location) Employment {
	e := Employment{
		ID: string(j.ID), Status: j.Status, Type: j.Type,
		WeeklyWorkingHours: j.WeeklyWorkingHours.V, FullTimeWeeklyWorkingHours: j.FullTimeWeeklyWorkingHours.V,
		PersonID: j.Person.id(), SupervisorID: j.Supervisor.id(), OfficeID: j.Office.id(),
		LegalEntityID: j.LegalEntity.id(), SubCompanyID: j.SubCompany.id(), JobID: j.Job.id(),
		Raw: raw,
	}
	if pos := bytes.TrimSpace(j.Position); len(pos) > 0 {
		switch pos[0] {
		case '{':
			var v struct {
				Title string `json:"title"`
			}
			if err := json.Unmarshal(pos, &v); err != nil {
				e.errs = append(e.errs, fmt.Errorf("personio: employment %s: position: %w", e.ID, unified.ErrInvalidValue))
			}
			e.Position = v.Title
		case '"':
			e.Position, _, _ = textFromJSON(pos)
		}
	}
	e.StartDate = noteDay(&e.errs, "employment_start_date", j.StartDate, loc)
	e.EndDate = noteDay(&e.errs, "employment_end_date", j.EndDate, loc)
	e.ProbationEndDate = noteDay(&e.errs, "probation_end_date", j.ProbationEndDate, loc)
	e.ContractEndDate = noteDay(&e.errs, "contract_end_date", j.ContractEndDate, loc)
	e.CreatedAt = noteTime(&e.errs, "created_at", j.CreatedAt)
	e.UpdatedAt = noteTime(&e.errs, "updated_at", j.UpdatedAt)
	for _, u := range j.OrgUnits {
		if u.ID != "" {
			e.OrgUnits = append(e.OrgUnits, OrgUnitRef{ID: string(u.ID), Type: strings.ToLower(u.Type)})
		}
	}
	for _, cc := range j.CostCenters {
		if cc.ID != "" {
			e.CostCenters = append(e.CostCenters, CostCenterWeight{ID: string(cc.ID), Weight: cc.Weight.V})
		}
	}
	if t := j.Termination; t != nil {
		lwd := t.LastWorkingDay
		if lwd == "" {
			lwd = t.LastWorkingDate
		}
		term := &Termination{
			TerminationDate: noteDay(&e.errs, "termination.termination_date", t.TerminationDate, loc),
			LastWorkingDay:  noteDay(&e.errs, "termination.last_working_day", lwd, loc),
			TerminatedAt:    noteDay(&e.errs, "termination.terminated_at", t.TerminatedAt, loc),
			Type:            t.Type,
			Reason:          t.Reason,
		}
		if *term != (Termination{}) {
			e.Termination = term
		}
	}
	return e
}

func noteTime(errs *[]error, field, s string) time.Time {
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := parseInstant(s, time.UTC)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("personio: %s: %w", field, err))
	}
	return t
}

func noteDay(errs *[]error, field, s string, loc *time.Location) *unified.Date {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, err := parseDay(s, loc)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("personio: %s: %w", field, err))
		return nil
	}
	return &d
}

// listJSON is the v2 list envelope: {"_data": [...], "_meta": {"links": {"next": {"href"}}}}.
type listJSON[T any] struct {
	Data []T `json:"_data"`
	Meta struct {
		Links struct {
			Next *struct {
				Href string `json:"href"`
			} `json:"next"`
		} `json:"links"`
	} `json:"_meta"`
}

func (l *listJSON[T]) next() string {
	if n := l.Meta.Links.Next; n != nil {
		return strings.TrimSpace(n.Href)
	}
	return ""
}

// v2Get sends a GET to path with q, or to the next link when next is set, and decodes the
// answer into out. A next link may be absolute or relative; it must be on the API's
// origin.
func (c *Client) v2Get(ctx context.Context, path string, q url.Values, next string, out any) error {
	req := &transport.Request{Path: path, Query: q}
	if next != "" {
		u, err := c.v2.ResolveURL(next)
		if err != nil {
			return err // it names the provider and the link
		}
		req = &transport.Request{Path: u.String()}
	}
	_, err := c.v2.DoJSON(ctx, c.request(req), out)
	return err
}

// ListPersonsOptions selects a page of GET /v2/persons. Filters are AND-combined.
type ListPersonsOptions struct {
	// Limit is the page size, 1 to MaxPersonsLimit; 0 means MaxPersonsLimit.
	Limit int
	// IDs and Emails keep the persons with these ids or email addresses.
	IDs    []string
	Emails []string
	// FirstName, LastName and PreferredName keep persons with exactly these names.
	FirstName, LastName, PreferredName string
	// CreatedAfter / CreatedBefore (created_at.gt / .lt) and UpdatedAfter / UpdatedBefore
	// (updated_at.gt / .lt) bound the timestamps, exclusively.
	CreatedAfter, CreatedBefore time.Time
	UpdatedAfter, UpdatedBefore time.Time
	// Status is "ACTIVE" or "INACTIVE" (any case); "" means both.
	Status string
	// Next, when set, is a PersonsPage.Next from an earlier call: that page is fetched and
	// every other field but Raw is ignored, since the link carries the listing's state.
	Next string
	// Raw keeps each record's JSON in Person.Raw.
	Raw bool
}

// PersonsPage is one page of persons.
type PersonsPage struct {
	Persons []Person
	// Next is the link to the next page (_meta.links.next.href), "" on the last page.
	// Pass it in ListPersonsOptions.Next.
	Next string
}

func listLimit(limit, max int, what string) (int, error) {
	switch {
	case limit == 0:
		return max, nil
	case limit < 0 || limit > max:
		return 0, fmt.Errorf("personio: %s.Limit %d is out of range 1..%d: %w", what, limit, max, unified.ErrInvalidValue)
	}
	return limit, nil
}

// commaList validates list items sent as one comma-separated parameter.
func commaList(field string, items []string) (string, error) {
	out := make([]string, 0, len(items))
	for i, s := range items {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsAny(s, ",") || strings.ContainsFunc(s, isControl) {
			return "", fmt.Errorf("personio: %s[%d] %q is not a valid list item: %w", field, i, clipText(s), unified.ErrInvalidValue)
		}
		out = append(out, s)
	}
	return strings.Join(out, ","), nil
}

func (o *ListPersonsOptions) query() (url.Values, error) {
	limit, err := listLimit(o.Limit, MaxPersonsLimit, "ListPersonsOptions")
	if err != nil {
		return nil, err
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if len(o.IDs) > 0 {
		s, err := commaList("ListPersonsOptions.IDs", o.IDs)
		if err != nil {
			return nil, err
		}
		q.Set("id", s)
	}
	if len(o.Emails) > 0 {
		s, err := commaList("ListPersonsOptions.Emails", o.Emails)
		if err != nil {
			return nil, err
		}
		q.Set("email", s)
	}
	for k, v := range map[string]string{"first_name": o.FirstName, "last_name": o.LastName, "preferred_name": o.PreferredName} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, t := range map[string]time.Time{
		"created_at.gt": o.CreatedAfter, "created_at.lt": o.CreatedBefore,
		"updated_at.gt": o.UpdatedAfter, "updated_at.lt": o.UpdatedBefore,
	} {
		if !t.IsZero() {
			q.Set(k, t.UTC().Format(time.RFC3339))
		}
	}
	switch s := strings.ToUpper(strings.TrimSpace(o.Status)); s {
	case "":
	case "ACTIVE", "INACTIVE":
		q.Set("status", s)
	default:
		return nil, fmt.Errorf("personio: ListPersonsOptions.Status %q: want ACTIVE or INACTIVE: %w", clipText(o.Status), unified.ErrInvalidValue)
	}
	return q, nil
}

// ListPersons returns one page of GET /v2/persons. Pages are chained by the opaque link in
// PersonsPage.Next only; pass it back in ListPersonsOptions.Next.
func (c *Client) ListPersons(ctx context.Context, opts *ListPersonsOptions) (*PersonsPage, error) {
	var o ListPersonsOptions
	if opts != nil {
		o = *opts
	}
	var q url.Values
	if o.Next == "" {
		var err error
		if q, err = o.query(); err != nil {
			return nil, err
		}
	}
	p := &PersonsPage{}
	if o.Raw {
		var resp listJSON[json.RawMessage]
		if err := c.v2Get(ctx, "/v2/persons", q, o.Next, &resp); err != nil {
			return nil, err
		}
		p.Next = resp.next()
		p.Persons = make([]Person, 0, len(resp.Data))
		for i, raw := range resp.Data {
			var j personJSON
			if err := json.Unmarshal(raw, &j); err != nil {
				return nil, fmt.Errorf("personio: GET /v2/persons: record %d: %w: %w", i, err, unified.ErrInvalidValue)
			}
			p.Persons = append(p.Persons, j.person(raw))
		}
		return p, nil
	}
	var resp listJSON[personJSON]
	if err := c.v2Get(ctx, "/v2/persons", q, o.Next, &resp); err != nil {
		return nil, err
	}
	p.Next = resp.next()
	p.Persons = make([]Person, 0, len(resp.Data))
	for i := range resp.Data {
		p.Persons = append(p.Persons, resp.Data[i].person(nil))
	}
	return p, nil
}

// validV2ID reports whether id can be put into a v2 path: Personio's ids are numbers or
// UUIDs.
func validV2ID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func notFoundID(what, id string) error {
	return fmt.Errorf("personio: %s %q: not a valid id: %w", what, clipText(id), unified.ErrNotFound)
}

// GetPerson returns the person with the given id (GET /v2/persons/{id}), with Raw set.
// An unknown id fails with an error matching unified.ErrNotFound.
func (c *Client) GetPerson(ctx context.Context, id string) (*Person, error) {
	if !validV2ID(id) {
		return nil, notFoundID("person", id)
	}
	var raw json.RawMessage
	if err := c.v2Get(ctx, "/v2/persons/"+url.PathEscape(id), nil, "", &raw); err != nil {
		return nil, err
	}
	var j personJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("personio: GET /v2/persons/%s: %w: %w", id, err, unified.ErrInvalidValue)
	}
	p := j.person(raw)
	return &p, nil
}

// ListEmploymentsOptions selects a page of a person's employments.
type ListEmploymentsOptions struct {
	// Limit is the page size, 1 to MaxPersonsLimit; 0 means MaxPersonsLimit.
	Limit int
	// IDs keeps the employments with these ids.
	IDs []string
	// UpdatedAfter and UpdatedBefore bound updated_at, exclusively.
	UpdatedAfter, UpdatedBefore time.Time
	// Next, when set, is an EmploymentsPage.Next; the other fields but Raw are ignored.
	Next string
	// Raw keeps each record's JSON in Employment.Raw.
	Raw bool
}

// EmploymentsPage is one page of employments, most recent first.
type EmploymentsPage struct {
	Employments []Employment
	// Next is the link to the next page, "" on the last page.
	Next string
}

// ListEmployments returns one page of the employments of a person
// (GET /v2/persons/{id}/employments), most recent first. An unknown person fails with an
// error matching unified.ErrNotFound.
func (c *Client) ListEmployments(ctx context.Context, personID string, opts *ListEmploymentsOptions) (*EmploymentsPage, error) {
	if !validV2ID(personID) {
		return nil, notFoundID("person", personID)
	}
	var o ListEmploymentsOptions
	if opts != nil {
		o = *opts
	}
	var q url.Values
	if o.Next == "" {
		limit, err := listLimit(o.Limit, MaxPersonsLimit, "ListEmploymentsOptions")
		if err != nil {
			return nil, err
		}
		q = url.Values{"limit": {strconv.Itoa(limit)}}
		if len(o.IDs) > 0 {
			s, err := commaList("ListEmploymentsOptions.IDs", o.IDs)
			if err != nil {
				return nil, err
			}
			q.Set("id", s)
		}
		if !o.UpdatedAfter.IsZero() {
			q.Set("updated_at.gt", o.UpdatedAfter.UTC().Format(time.RFC3339))
		}
		if !o.UpdatedBefore.IsZero() {
			q.Set("updated_at.lt", o.UpdatedBefore.UTC().Format(time.RFC3339))
		}
	}
	path := "/v2/persons/" + url.PathEscape(personID) + "/employments"
	p := &EmploymentsPage{}
	var resp listJSON[json.RawMessage]
	if err := c.v2Get(ctx, path, q, o.Next, &resp); err != nil {
		return nil, err
	}
	p.Next = resp.next()
	p.Employments = make([]Employment, 0, len(resp.Data))
	for i, raw := range resp.Data {
		var j employmentJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("personio: GET %s: record %d: %w: %w", path, i, err, unified.ErrInvalidValue)
		}
		if !o.Raw {
			raw = nil
		}
		p.Employments = append(p.Employments, j.employment(raw, c.loc))
	}
	return p, nil
}

type legalEntityJSON struct {
	ID        flexString `json:"id"`
	Name      string     `json:"name"`
	Country   string     `json:"country"`
	CreatedAt string     `json:"created_at"`
}

func (j *legalEntityJSON) entity() LegalEntity {
	var errs []error
	return LegalEntity{ID: string(j.ID), Name: j.Name, Country: j.Country, CreatedAt: noteTime(&errs, "created_at", j.CreatedAt)}
}

// ListLegalEntitiesOptions selects a page of GET /v2/legal-entities.
type ListLegalEntitiesOptions struct {
	// Limit is the page size, 1 to MaxLegalEntitiesLimit; 0 means the maximum.
	Limit int
	// IDs and Countries (ISO 3166-1 alpha-2) filter the list.
	IDs       []string
	Countries []string
	// Next, when set, is a LegalEntitiesPage.Next; the other fields are ignored.
	Next string
}

// LegalEntitiesPage is one page of legal entities.
type LegalEntitiesPage struct {
	LegalEntities []LegalEntity
	// Next is the link to the next page, "" on the last page.
	Next string
}

// ListLegalEntities returns one page of GET /v2/legal-entities.
func (c *Client) ListLegalEntities(ctx context.Context, opts *ListLegalEntitiesOptions) (*LegalEntitiesPage, error) {
	var o ListLegalEntitiesOptions
	if opts != nil {
		o = *opts
	}
	var q url.Values
	if o.Next == "" {
		limit, err := listLimit(o.Limit, MaxLegalEntitiesLimit, "ListLegalEntitiesOptions")
		if err != nil {
			return nil, err
		}
		q = url.Values{"limit": {strconv.Itoa(limit)}}
		if len(o.IDs) > 0 {
			s, err := commaList("ListLegalEntitiesOptions.IDs", o.IDs)
			if err != nil {
				return nil, err
			}
			q.Set("id", s)
		}
		if len(o.Countries) > 0 {
			s, err := commaList("ListLegalEntitiesOptions.Countries", o.Countries)
			if err != nil {
				return nil, err
			}
			q.Set("country", s)
		}
	}
	var resp listJSON[legalEntityJSON]
	if err := c.v2Get(ctx, "/v2/legal-entities", q, o.Next, &resp); err != nil {
		return nil, err
	}
	p := &LegalEntitiesPage{Next: resp.next(), LegalEntities: make([]LegalEntity, 0, len(resp.Data))}
	for i := range resp.Data {
		p.LegalEntities = append(p.LegalEntities, resp.Data[i].entity())
	}
	return p, nil
}

// GetLegalEntity returns the legal entity with the given id (GET /v2/legal-entities/{id}).
func (c *Client) GetLegalEntity(ctx context.Context, id string) (*LegalEntity, error) {
	if !validV2ID(id) {
		return nil, notFoundID("legal entity", id)
	}
	var j legalEntityJSON
	if err := c.v2Get(ctx, "/v2/legal-entities/"+url.PathEscape(id), nil, "", &j); err != nil {
		return nil, err
	}
	le := j.entity()
	return &le, nil
}

type orgUnitJSON struct {
	ID           flexString `json:"id"`
	Type         string     `json:"type"`
	Name         string     `json:"name"`
	Abbreviation string     `json:"abbreviation"`
	Description  string     `json:"description"`
	ParentID     flexString `json:"parent_id"`
}

func (j *orgUnitJSON) unit() OrgUnit {
	return OrgUnit{ID: string(j.ID), Type: strings.ToLower(j.Type), Name: j.Name, Abbreviation: j.Abbreviation,
		Description: j.Description, ParentID: string(j.ParentID)}
}

// orgUnitType validates an org unit type.
func orgUnitType(typ string) (string, error) {
	switch t := strings.ToLower(strings.TrimSpace(typ)); t {
	case "department", "team":
		return t, nil
	}
	return "", fmt.Errorf("personio: org unit type %q: want department or team: %w", clipText(typ), unified.ErrInvalidValue)
}

// GetOrgUnit returns the org unit with the given id and type ("department" or "team"),
// GET /v2/org-units/{id}?type=...
func (c *Client) GetOrgUnit(ctx context.Context, id, typ string) (*OrgUnit, error) {
	t, err := orgUnitType(typ)
	if err != nil {
		return nil, err
	}
	if !validV2ID(id) {
		return nil, notFoundID(t, id)
	}
	var j orgUnitJSON
	if err := c.v2Get(ctx, "/v2/org-units/"+url.PathEscape(id), url.Values{"type": {t}}, "", &j); err != nil {
		return nil, err
	}
	u := j.unit()
	if u.Type == "" {
		u.Type = t
	}
	return &u, nil
}

// ListOrgUnitsOptions selects a page of GET /v2/org-units.
type ListOrgUnitsOptions struct {
	// Type is "department" or "team". Required.
	Type string
	// Limit is the page size, 1 to MaxOrgUnitsLimit; 0 means the maximum.
	Limit int
	// Next, when set, is an OrgUnitsPage.Next; the other fields are ignored.
	Next string
}

// OrgUnitsPage is one page of org units.
type OrgUnitsPage struct {
	OrgUnits []OrgUnit
	// Next is the link to the next page, "" on the last page.
	Next string
}

// ListOrgUnits returns one page of GET /v2/org-units. The list endpoint is not rolled out
// to every tenant: where it is missing, the error matches unified.ErrNotFound and
// GetOrgUnit still works.
func (c *Client) ListOrgUnits(ctx context.Context, opts *ListOrgUnitsOptions) (*OrgUnitsPage, error) {
	var o ListOrgUnitsOptions
	if opts != nil {
		o = *opts
	}
	var q url.Values
	t := ""
	if o.Next == "" {
		var err error
		if t, err = orgUnitType(o.Type); err != nil {
			return nil, err
		}
		limit, err := listLimit(o.Limit, MaxOrgUnitsLimit, "ListOrgUnitsOptions")
		if err != nil {
			return nil, err
		}
		q = url.Values{"type": {t}, "limit": {strconv.Itoa(limit)}}
	}
	var resp listJSON[orgUnitJSON]
	if err := c.v2Get(ctx, "/v2/org-units", q, o.Next, &resp); err != nil {
		return nil, err
	}
	p := &OrgUnitsPage{Next: resp.next(), OrgUnits: make([]OrgUnit, 0, len(resp.Data))}
	for i := range resp.Data {
		u := resp.Data[i].unit()
		if u.Type == "" {
			u.Type = t
		}
		p.OrgUnits = append(p.OrgUnits, u)
	}
	return p, nil
}
