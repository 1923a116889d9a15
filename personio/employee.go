package personio

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Employee is a Personio v1 employee. The standard attributes are Go fields; every
// attribute the API returned, custom ones (dynamic_<n>) included, is also in Attributes with
// its label, type, universal id and raw value.
//
// A standard field is read from the attribute with its key ("date_of_birth") or, when the
// record has no value there, from an attribute whose universal_id is that key, whatever
// its own key: Personio's "get employee" example sends the birthday as "dynamic_180883"
// with universal_id "date_of_birth". Attributes keeps every attribute under the key it
// arrived with.
//
// A field is the zero value (nil for pointers) when the attribute is missing (not enabled
// for the API credentials, or not asked for), null, or empty. An attribute whose value could
// not be converted also leaves its field empty; [Employee.Err] reports why.
type Employee struct {
	// ID is the employee id (the "id" attribute).
	ID             int
	FirstName      string
	LastName       string
	PreferredName  string
	Email          string
	Gender         string // "male", "female", "diverse", ...
	Status         string // "onboarding", "active", "leave" or "inactive"
	Position       string // the job title
	EmploymentType string // "internal" or "external"
	// Supervisor is the employee's manager, nil when there is none.
	Supervisor *EmployeeRef
	// WeeklyHours is the contractual working time per week (Personio sends it as text).
	WeeklyHours float64

	// Calendar days, converted from Personio's midnight instants in the client's
	// Location.
	HireDate           *unified.Date
	ContractEndDate    *unified.Date
	ProbationPeriodEnd *unified.Date
	TerminationDate    *unified.Date
	LastWorkingDay     *unified.Date
	DateOfBirth        *unified.Date

	TerminationType   string
	TerminationReason string

	// CreatedAt and LastModifiedAt are instants.
	CreatedAt      time.Time
	LastModifiedAt time.Time

	// Subcompany is the employing legal entity.
	Subcompany  *Entity
	Office      *Entity
	Department  *Entity
	Team        *Entity
	CostCenters []CostCenter

	HolidayCalendar     *HolidayCalendar
	WorkSchedule        *WorkSchedule
	AbsenceEntitlements []AbsenceEntitlement

	// ProfilePictureURL is the API URL of the profile picture, "" when there is none.
	ProfilePictureURL string

	// Attributes holds every attribute of the record by key ("first_name",
	// "dynamic_24407"), including those above.
	Attributes map[string]Attribute

	// Raw is the record exactly as received, when it was asked for
	// (ListEmployeesOptions.Raw, GetEmployee always).
	Raw json.RawMessage

	errs []error
}

// Attribute is one attribute of a v1 employee record: {label, value, type, universal_id}.
type Attribute struct {
	// Key is the attribute's stable key ("first_name", "dynamic_24407").
	Key string `json:"-"`
	// Label is the attribute's name in the language of the API credentials ("Vorname").
	// Do not key on it.
	Label string `json:"label"`
	// Type is Personio's attribute type: "standard", "date", "integer", "decimal", "list",
	// "link", "tags", "multiline".
	Type string `json:"type"`
	// UniversalID is the attribute's universal id ("first_name", "iban"); "" when Personio
	// sends null (most custom attributes).
	UniversalID string `json:"universal_id"`
	// Currency is set on money attributes ("EUR").
	Currency string `json:"currency,omitempty"`
	// Value is the value exactly as received; null, "" and [] mean "no value".
	Value json.RawMessage `json:"value"`
}

// Entity is a related object of a v1 employee: a department, office, team or subcompany.
type Entity struct {
	ID   int
	Name string
}

// EmployeeRef is a reference to another employee (the supervisor).
type EmployeeRef struct {
	ID        int
	FirstName string
	LastName  string
	Email     string
}

// Name returns "First Last", or whichever of them is set.
func (r *EmployeeRef) Name() string {
	if r == nil {
		return ""
	}
	return strings.TrimSpace(r.FirstName + " " + r.LastName)
}

// CostCenter is one cost centre an employee's cost is booked to.
type CostCenter struct {
	ID         int
	Name       string
	Percentage float64
}

// HolidayCalendar is the public-holiday calendar of an employee.
type HolidayCalendar struct {
	ID      int
	Name    string
	Country string
	State   string
}

// WorkSchedule is an employee's work schedule. Days maps "monday" … "sunday" to the
// working time of the day as Personio writes it ("08:00").
type WorkSchedule struct {
	ID   int
	Name string
	Days map[string]string
}

// AbsenceEntitlement is an employee's yearly entitlement to one type of time off.
type AbsenceEntitlement struct {
	ID          int
	Name        string
	Category    string
	Entitlement float64
}

// Attribute returns the attribute with the given key.
func (e *Employee) Attribute(key string) (Attribute, bool) {
	a, ok := e.Attributes[key]
	return a, ok
}

// Err returns nil when every standard attribute converted cleanly, else an error that
// joins one error per attribute that could not be converted (each wraps
// unified.ErrInvalidValue and names the attribute).
func (e *Employee) Err() error { return errors.Join(e.errs...) }

// IsNull reports whether the attribute has no value: missing, null, "", [] or {}.
func (a Attribute) IsNull() bool { return isNullJSON(a.Value) }

// Text returns the value as text: a string as is, a number in decimal notation (1e3 is
// "1000"), a boolean as "true" or "false", "" for no value. Objects and lists are errors.
func (a Attribute) Text() (string, error) {
	s, _, err := textFromJSON(a.Value)
	return s, a.wrap(err)
}

// Number returns a numeric value, sent as a number or as text ("40", "37,5"); 0 for no
// value.
func (a Attribute) Number() (float64, error) {
	f, _, err := floatFromJSON(a.Value)
	return f, a.wrap(err)
}

// Int returns a whole-number value, sent as a number or as text; 0 for no value.
func (a Attribute) Int() (int, error) {
	n, _, err := intFromJSON(a.Value)
	return n, a.wrap(err)
}

// Bool returns a boolean value (true/false, or the text "true"/"false"/"1"/"0"); false
// for no value.
func (a Attribute) Bool() (bool, error) {
	s, ok, err := textFromJSON(a.Value)
	if err != nil || !ok {
		return false, a.wrap(err)
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, a.wrap(fmt.Errorf("%q is not a boolean: %w", clipText(s), unified.ErrInvalidValue))
}

// Time returns an instant value (created_at, last_modified_at); the zero time for no value.
// Date-times without a zone are read in loc (nil: UTC).
func (a Attribute) Time(loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s, ok, err := textFromJSON(a.Value)
	if err != nil || !ok {
		return time.Time{}, a.wrap(err)
	}
	t, err := parseInstant(s, loc)
	return t, a.wrap(err)
}

// Date returns a calendar-day value; the zero Date for no value. Personio renders a day
// as the instant of its midnight in the company's time zone, so an instant is converted
// to loc (nil: UTC) before the day is taken: with loc Europe/Berlin,
// "2014-11-08T23:00:00.000Z" is 2014-11-09. A plain "YYYY-MM-DD" is taken as written.
func (a Attribute) Date(loc *time.Location) (unified.Date, error) {
	if loc == nil {
		loc = time.UTC
	}
	s, ok, err := textFromJSON(a.Value)
	if err != nil || !ok {
		return unified.Date{}, a.wrap(err)
	}
	d, err := parseDay(s, loc)
	return d, a.wrap(err)
}

// Entity returns a nested object value ({"type": "Department", "attributes": {"id": 1,
// "name": "Sales"}}) as an Entity; nil for no value.
func (a Attribute) Entity() (*Entity, error) {
	n, err := a.nested()
	if err != nil || n == nil {
		return nil, err
	}
	ent, err := n.entity()
	return ent, a.wrap(err)
}

// Entities returns a list of nested objects (cost centres, absence entitlements) as
// Entities; nil for no value. A single object is accepted as a list of one.
func (a Attribute) Entities() ([]Entity, error) {
	list, err := a.nestedList()
	if err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(list))
	for _, n := range list {
		ent, err := n.entity()
		if err != nil {
			return nil, a.wrap(err)
		}
		if ent != nil {
			out = append(out, *ent)
		}
	}
	return out, nil
}

// Employee returns a nested employee value (the supervisor) as an EmployeeRef; nil for no
// value.
func (a Attribute) Employee() (*EmployeeRef, error) {
	n, err := a.nested()
	if err != nil || n == nil {
		return nil, err
	}
	ref, err := n.employee()
	return ref, a.wrap(err)
}

// Tags returns a tags value as a list: Personio sends tags as one text joined by commas,
// or as a list of strings.
func (a Attribute) Tags() ([]string, error) {
	v, err := decodeValue(a.Value)
	if err != nil {
		return nil, a.wrap(err)
	}
	tags, err := tagsOf(v)
	return tags, a.wrap(err)
}

// value decodes the value.
func (a Attribute) value() (any, error) {
	v, err := decodeValue(a.Value)
	return v, a.wrap(err)
}

// nested decodes an object value; nil for no value.
func (a Attribute) nested() (nested, error) {
	v, err := a.value()
	if err != nil || isEmpty(v) {
		return nil, err
	}
	n, err := nestedOf(v)
	return n, a.wrap(err)
}

// nestedList decodes a list of nested objects; a single object is a list of one, null
// items are skipped.
func (a Attribute) nestedList() ([]nested, error) {
	v, err := a.value()
	if err != nil {
		return nil, err
	}
	list, err := nestedListOf(v)
	return list, a.wrap(err)
}

func (a Attribute) wrap(err error) error {
	if err == nil {
		return nil
	}
	if !errors.Is(err, unified.ErrInvalidValue) {
		err = fmt.Errorf("%w: %w", err, unified.ErrInvalidValue)
	}
	return fmt.Errorf("personio: attribute %q: %w", a.Key, err)
}

// nested is a related object inside an attribute value ({"type": "Department",
// "attributes": {...}}): its attributes by key. They are plain values for most types and
// attribute objects ({"label", "value", ...}) for employees; both are accepted, and so is
// a flat object without "attributes".
type nested map[string]any

// nestedOf reads a decoded object as a related object.
func nestedOf(v any) (nested, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an object, got %s: %w", clipText(jsonText(v)), unified.ErrInvalidValue)
	}
	if attrs, ok := obj["attributes"].(map[string]any); ok {
		return attrs, nil
	}
	return obj, nil // {"id": 1, "name": "Sales"}
}

// nestedListOf reads a decoded list of related objects; a single object is a list of
// one, null items are skipped, no value is an empty list.
func nestedListOf(v any) ([]nested, error) {
	if isEmpty(v) {
		return nil, nil
	}
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	out := make([]nested, 0, len(items))
	for _, item := range items {
		if isEmpty(item) {
			continue
		}
		n, err := nestedOf(item)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// tagsOf reads tags: one text joined by commas, or a list of strings.
func tagsOf(v any) ([]string, error) {
	var out []string
	if list, ok := v.([]any); ok {
		for _, item := range list {
			s, isText := item.(string)
			if !isText {
				return nil, fmt.Errorf("want a list of strings, got %s: %w", clipText(jsonText(v)), unified.ErrInvalidValue)
			}
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, _, err := textOf(v)
	if err != nil {
		return nil, err
	}
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out, nil
}

// value returns the value of the nested attribute key: a plain value, or the value of an
// attribute object; nil when it is missing.
func (n nested) value(key string) any {
	v := n[key]
	if m, ok := v.(map[string]any); ok {
		if w, ok := m["value"]; ok {
			return w
		}
	}
	return v
}

func (n nested) text(key string) (string, error) {
	s, _, err := textOf(n.value(key))
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return s, nil
}

func (n nested) int(key string) (int, error) {
	v, _, err := intOf(n.value(key))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}

func (n nested) number(key string) (float64, error) {
	v, _, err := numberOf(n.value(key))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}

func (n nested) entity() (*Entity, error) {
	id, err := n.int("id")
	if err != nil {
		return nil, err
	}
	name, err := n.text("name")
	if err != nil {
		return nil, err
	}
	if id == 0 && name == "" {
		return nil, nil
	}
	return &Entity{ID: id, Name: name}, nil
}

// employee reads a nested employee (the supervisor); nil when it has neither id nor
// names nor email.
func (n nested) employee() (*EmployeeRef, error) {
	id, err := n.int("id")
	if err != nil {
		return nil, err
	}
	ref := &EmployeeRef{ID: id}
	ref.FirstName, _ = n.text("first_name")
	ref.LastName, _ = n.text("last_name")
	ref.Email, _ = n.text("email")
	if *ref == (EmployeeRef{}) {
		return nil, nil
	}
	return ref, nil
}

// employeeJSON is the wire form of a v1 employee.
type employeeJSON struct {
	Type       string               `json:"type"`
	Attributes map[string]Attribute `json:"attributes"`
}

// newEmployee returns the employee of a decoded record with its id and attributes; its
// other Go fields are set by fill. Only a record without a usable id is an error (its
// text has no provider prefix: the caller adds it with the request).
func newEmployee(rec *employeeJSON, raw json.RawMessage) (Employee, error) {
	e := Employee{Attributes: rec.Attributes, Raw: raw}
	if e.Attributes == nil {
		e.Attributes = map[string]Attribute{}
	}
	id, err := decodeValue(e.Attributes["id"].Value)
	if err != nil {
		return e, fmt.Errorf("employee record: attribute \"id\": %w", err)
	}
	e.ID, err = recordID(id)
	return e, err
}

// standardKeys are the keys of Personio's standard v1 attributes, those of [Catalog]
// with a universal id: the keys the Go fields of Employee are read from, and the names
// an attribute's universal_id gives when it holds a standard attribute under a key of
// its own.
var standardKeys = map[string]bool{
	"id": true, "first_name": true, "last_name": true, "preferred_name": true, "email": true,
	"gender": true, "status": true, "position": true, "supervisor": true, "employment_type": true,
	"weekly_working_hours": true, "hire_date": true, "contract_end_date": true,
	"termination_date": true, "termination_type": true, "termination_reason": true,
	"probation_period_end": true, "last_working_day": true, "created_at": true,
	"last_modified_at": true, "subcompany": true, "office": true, "department": true,
	"team": true, "cost_centers": true, "holiday_calendar": true, "work_schedule": true,
	"absence_entitlement": true, "fix_salary": true, "fix_salary_interval": true,
	"hourly_salary": true, "vacation_day_balance": true, "profile_picture": true,
	"date_of_birth": true,
}

// isAlias reports whether the attribute with key k and universal id u holds a standard
// attribute under a key of its own: u is a standard key and k is not. The id is never
// taken from another key.
func isAlias(k, u string) bool { return u != "id" && standardKeys[u] && !standardKeys[k] }

// byUniversalID returns the attributes of a record that hold a standard attribute under
// a key of their own ("dynamic_180883" with universal_id "date_of_birth", as in
// Personio's "get employee" example), by the standard key; nil when there are none. An
// attribute without a value is left out, and of two with the same universal id the
// smaller key wins. The id is never taken from another key.
func byUniversalID(attrs map[string]Attribute) map[string]Attribute {
	var out map[string]Attribute
	for k, a := range attrs {
		u := a.UniversalID
		if !isAlias(k, u) || a.IsNull() {
			continue
		}
		if prev, dup := out[u]; dup && prev.Key < k {
			continue
		}
		if out == nil {
			out = map[string]Attribute{}
		}
		a.Key = k
		out[u] = a
	}
	return out
}

// fill sets each attribute's Key and the Go fields from the attributes. A standard field
// is read from its key; when the record has no value there, from an attribute whose
// universal_id is that key (see byUniversalID). Attributes stays keyed as received.
func (e *Employee) fill(loc *time.Location) {
	for k, a := range e.Attributes {
		if a.Key != k {
			a.Key = k
			e.Attributes[k] = a
		}
	}
	aliases := byUniversalID(e.Attributes)
	get := func(key string) (Attribute, bool) {
		a, ok := e.Attributes[key]
		if !ok || a.IsNull() {
			if b, found := aliases[key]; found {
				return b, true
			}
		}
		return a, ok
	}
	text := func(key string, dst *string) {
		if a, ok := get(key); ok {
			s, err := a.Text()
			e.note(err)
			*dst = s
		}
	}
	text("first_name", &e.FirstName)
	text("last_name", &e.LastName)
	text("preferred_name", &e.PreferredName)
	text("email", &e.Email)
	text("gender", &e.Gender)
	text("status", &e.Status)
	text("position", &e.Position)
	text("employment_type", &e.EmploymentType)
	text("termination_type", &e.TerminationType)
	text("termination_reason", &e.TerminationReason)
	text("profile_picture", &e.ProfilePictureURL)

	date := func(key string, dst **unified.Date) {
		if a, ok := get(key); ok && !a.IsNull() {
			d, err := a.Date(loc)
			if e.note(err) {
				*dst = &d
			}
		}
	}
	date("hire_date", &e.HireDate)
	date("contract_end_date", &e.ContractEndDate)
	date("probation_period_end", &e.ProbationPeriodEnd)
	date("termination_date", &e.TerminationDate)
	date("last_working_day", &e.LastWorkingDay)
	date("date_of_birth", &e.DateOfBirth)

	instant := func(key string, dst *time.Time) {
		if a, ok := get(key); ok && !a.IsNull() {
			t, err := a.Time(loc)
			if e.note(err) {
				*dst = t
			}
		}
	}
	instant("created_at", &e.CreatedAt)
	instant("last_modified_at", &e.LastModifiedAt)

	if a, ok := get("weekly_working_hours"); ok {
		f, err := a.Number()
		if e.note(err) {
			e.WeeklyHours = f
		}
	}
	if a, ok := get("supervisor"); ok {
		ref, err := a.Employee()
		if e.note(err) {
			e.Supervisor = ref
		}
	}
	entity := func(key string, dst **Entity) {
		if a, ok := get(key); ok {
			ent, err := a.Entity()
			if e.note(err) {
				*dst = ent
			}
		}
	}
	entity("subcompany", &e.Subcompany)
	entity("office", &e.Office)
	entity("department", &e.Department)
	entity("team", &e.Team)

	if a, ok := get("cost_centers"); ok {
		list, err := a.nestedList()
		if e.note(err) {
			for _, n := range list {
				cc := CostCenter{}
				var errs [3]error
				cc.ID, errs[0] = n.int("id")
				cc.Name, errs[1] = n.text("name")
				cc.Percentage, errs[2] = n.number("percentage")
				if e.note(a.wrap(errors.Join(errs[:]...))) {
					e.CostCenters = append(e.CostCenters, cc)
				}
			}
		}
	}
	if a, ok := get("holiday_calendar"); ok {
		if n, err := a.nested(); e.note(err) && n != nil {
			hc := HolidayCalendar{}
			var errs [4]error
			hc.ID, errs[0] = n.int("id")
			hc.Name, errs[1] = n.text("name")
			hc.Country, errs[2] = n.text("country")
			hc.State, errs[3] = n.text("state")
			if e.note(a.wrap(errors.Join(errs[:]...))) {
				e.HolidayCalendar = &hc
			}
		}
	}
	if a, ok := get("work_schedule"); ok {
		if n, err := a.nested(); e.note(err) && n != nil {
			ws := WorkSchedule{}
			var errs [2]error
			ws.ID, errs[0] = n.int("id")
			ws.Name, errs[1] = n.text("name")
			for _, day := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
				if s, err := n.text(day); err == nil && s != "" {
					if ws.Days == nil {
						ws.Days = make(map[string]string, 7)
					}
					ws.Days[day] = s
				}
			}
			if e.note(a.wrap(errors.Join(errs[:]...))) {
				e.WorkSchedule = &ws
			}
		}
	}
	if a, ok := get("absence_entitlement"); ok {
		list, err := a.nestedList()
		if e.note(err) {
			for _, n := range list {
				ae := AbsenceEntitlement{}
				var errs [4]error
				ae.ID, errs[0] = n.int("id")
				ae.Name, errs[1] = n.text("name")
				ae.Category, errs[2] = n.text("category")
				ae.Entitlement, errs[3] = n.number("entitlement")
				if e.note(a.wrap(errors.Join(errs[:]...))) {
					e.AbsenceEntitlements = append(e.AbsenceEntitlements, ae)
				}
			}
		}
	}
}

// note records err and reports whether there was none.
func (e *Employee) note(err error) bool {
	if err != nil {
		e.errs = append(e.errs, err)
		return false
	}
	return true
}

// AttributeInfo describes one attribute the API credentials can read, as listed by
// GET /v1/company/employees/attributes.
type AttributeInfo struct {
	// Key is the stable key ("first_name", "dynamic_24407").
	Key string
	// Label is the attribute's name in the credentials' language.
	Label string
	// Type is Personio's attribute type ("standard", "date", ...).
	Type string
	// UniversalID is "" when Personio sends null.
	UniversalID string
}

// IsCustom reports whether the attribute is a custom (dynamic) one.
func (a AttributeInfo) IsCustom() bool { return strings.HasPrefix(a.Key, "dynamic_") }
