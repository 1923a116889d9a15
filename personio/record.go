package personio

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// timestampKeys are v1 attributes of type "date" that hold instants, not calendar days.
func isTimestampKey(key string) bool { return key == "created_at" || key == "last_modified_at" }

// EmployeeRecord returns e as a mapping.Record, so that any mapping.Mapper can turn it into
// a unified.User or a record of the caller's own. Values are typed as the mapping package
// expects: relations (supervisor, department, office, team, subcompany, holiday calendar,
// work schedule) are KindRef with id and name (the supervisor's name is "First Last", and
// it carries the email); calendar days are KindDate, converted in loc (nil: the time zone
// of the client that decoded e is not known here, so UTC is used); created_at and
// last_modified_at are KindTime; integer and decimal attributes and weekly_working_hours
// are KindNumber; lists of objects (cost centres, absence entitlements) and tags are
// KindList; everything else is KindString. A value that cannot be converted is handed
// over as its text (KindString), so the mapper reports it.
func EmployeeRecord(e *Employee, loc *time.Location) mapping.Record {
	if loc == nil {
		loc = time.UTC
	}
	return &employeeRecord{e: e, loc: loc}
}

type employeeRecord struct {
	e   *Employee
	loc *time.Location
}

func (r *employeeRecord) ID() string { return strconv.Itoa(r.e.ID) }

func (r *employeeRecord) Lookup(key string) (mapping.Value, bool) {
	a, ok := r.e.Attributes[key]
	if !ok {
		return mapping.Value{}, false
	}
	if a.IsNull() {
		return mapping.Value{}, true
	}
	e := r.e
	// Standard attributes already converted into Go fields.
	switch key {
	case "id":
		return mapping.StringValue(strconv.Itoa(e.ID)), true
	case "supervisor":
		if s := e.Supervisor; s != nil {
			ref := unified.Ref{Name: s.Name(), Email: s.Email}
			if s.ID != 0 {
				ref.ID = strconv.Itoa(s.ID)
			}
			return mapping.RefValue(ref), true
		}
	case "department":
		if e.Department != nil {
			return entityValue(e.Department), true
		}
	case "office":
		if e.Office != nil {
			return entityValue(e.Office), true
		}
	case "team":
		if e.Team != nil {
			return entityValue(e.Team), true
		}
	case "subcompany":
		if e.Subcompany != nil {
			return entityValue(e.Subcompany), true
		}
	case "hire_date":
		return dateValue(e.HireDate, a, r.loc), true
	case "termination_date":
		return dateValue(e.TerminationDate, a, r.loc), true
	case "last_working_day":
		return dateValue(e.LastWorkingDay, a, r.loc), true
	case "contract_end_date":
		return dateValue(e.ContractEndDate, a, r.loc), true
	case "probation_period_end":
		return dateValue(e.ProbationPeriodEnd, a, r.loc), true
	case "date_of_birth":
		return dateValue(e.DateOfBirth, a, r.loc), true
	case "created_at":
		if !e.CreatedAt.IsZero() {
			return mapping.TimeValue(e.CreatedAt), true
		}
	case "last_modified_at":
		if !e.LastModifiedAt.IsZero() {
			return mapping.TimeValue(e.LastModifiedAt), true
		}
	case "weekly_working_hours":
		if f, err := a.Number(); err == nil {
			return mapping.NumberValue(f), true
		}
	case "first_name", "last_name", "preferred_name", "email", "gender", "status", "position", "employment_type":
		if s := *e.textField(key); s != "" {
			return mapping.StringValue(s), true // converted by fill already
		}
		if s, err := a.Text(); err == nil {
			return mapping.StringValue(s), true
		}
	}
	return attributeValue(a, r.loc), true
}

func entityValue(e *Entity) mapping.Value {
	ref := unified.Ref{Name: e.Name}
	if e.ID != 0 {
		ref.ID = strconv.Itoa(e.ID)
	}
	return mapping.RefValue(ref)
}

func dateValue(d *unified.Date, a Attribute, loc *time.Location) mapping.Value {
	if d != nil {
		return mapping.DateValue(*d)
	}
	return attributeValue(a, loc)
}

// attributeValue converts any v1 attribute by its type and the shape of its value.
func attributeValue(a Attribute, loc *time.Location) mapping.Value {
	raw := bytes.TrimSpace(a.Value)
	if isNullJSON(raw) {
		return mapping.Value{}
	}
	switch raw[0] {
	case '{':
		if ref, err := a.Employee(); err == nil && ref != nil && (ref.FirstName != "" || ref.LastName != "" || ref.Email != "") {
			v := unified.Ref{Name: ref.Name(), Email: ref.Email}
			if ref.ID != 0 {
				v.ID = strconv.Itoa(ref.ID)
			}
			return mapping.RefValue(v)
		}
		if ent, err := a.Entity(); err == nil && ent != nil {
			return entityValue(ent)
		}
		return mapping.StringValue(string(raw))
	case '[':
		if strings.EqualFold(a.Type, "tags") {
			if tags, err := a.Tags(); err == nil {
				return mapping.ListValue(tags)
			}
		}
		if list, err := a.nestedList(); err == nil {
			names := make([]string, 0, len(list))
			for _, n := range list {
				if name, err := n.text("name"); err == nil && name != "" {
					names = append(names, name)
				} else if id, err := n.text("id"); err == nil && id != "" {
					names = append(names, id)
				}
			}
			return mapping.ListValue(names)
		}
		if tags, err := a.Tags(); err == nil {
			return mapping.ListValue(tags)
		}
		return mapping.StringValue(string(raw))
	case 't', 'f':
		if b, err := a.Bool(); err == nil {
			return mapping.BoolValue(b)
		}
	}
	text, err := a.Text()
	if err != nil {
		return mapping.StringValue(string(raw))
	}
	switch strings.ToLower(a.Type) {
	case "date":
		if isTimestampKey(a.Key) {
			if t, err := parseInstant(text, loc); err == nil {
				return mapping.TimeValue(t)
			}
			return mapping.StringValue(text)
		}
		if d, err := parseDay(text, loc); err == nil {
			return mapping.DateValue(d)
		}
		return mapping.StringValue(text)
	case "integer", "decimal":
		if f, err := parseNumber(text); err == nil {
			return mapping.NumberValue(f)
		}
		return mapping.StringValue(text)
	case "tags":
		tags, _ := a.Tags()
		return mapping.ListValue(tags)
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		if f, err := parseNumber(text); err == nil {
			return mapping.NumberValue(f)
		}
	}
	return mapping.StringValue(text)
}

// v2Record is a v2 person with its latest employment and the names of the objects the
// employment refers to. It exposes the same keys as a v1 employee, so the mappers written
// for v1 (mapping.PersonioToUnified) work unchanged.
type v2Record struct {
	p   *Person
	e   *Employment // nil when the person has no employment
	loc *time.Location
	// Resolved references; zero when unknown.
	supervisor, department, team, office, legalEntity unified.Ref
}

func (r *v2Record) ID() string { return r.p.ID }

func strValue(s string) (mapping.Value, bool) {
	if s == "" {
		return mapping.Value{}, true
	}
	return mapping.StringValue(s), true
}

func refValue(ref unified.Ref) (mapping.Value, bool) {
	if ref == (unified.Ref{}) {
		return mapping.Value{}, true
	}
	return mapping.RefValue(ref), true
}

func datePtrValue(d *unified.Date) (mapping.Value, bool) {
	if d == nil {
		return mapping.Value{}, true
	}
	return mapping.DateValue(*d), true
}

// v2Vocabulary lower-cases a v2 enum value and maps UNSPECIFIED to "".
func v2Vocabulary(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "unspecified" {
		return ""
	}
	return s
}

func (r *v2Record) Lookup(key string) (mapping.Value, bool) {
	p, e := r.p, r.e
	if strings.HasPrefix(key, "dynamic_") {
		for i := range p.CustomAttributes {
			if p.CustomAttributes[i].ID == key {
				return customValue(&p.CustomAttributes[i], r.loc), true
			}
		}
		return mapping.Value{}, false
	}
	switch key {
	case "id":
		return strValue(p.ID)
	case "first_name":
		return strValue(p.FirstName)
	case "last_name":
		return strValue(p.LastName)
	case "preferred_name":
		return strValue(p.PreferredName)
	case "email":
		return strValue(p.Email)
	case "gender":
		return strValue(v2Vocabulary(p.Gender))
	case "created_at":
		if p.CreatedAt.IsZero() {
			return mapping.Value{}, true
		}
		return mapping.TimeValue(p.CreatedAt), true
	case "last_modified_at":
		// The person's updated_at: the timestamp GET /v2/persons filters on, so that a
		// pushed-down updated-since filter and the client-side check agree.
		if p.UpdatedAt.IsZero() {
			return mapping.Value{}, true
		}
		return mapping.TimeValue(p.UpdatedAt), true
	case "profile_picture":
		return strValue(p.ProfilePictureURL)
	case "status":
		if e != nil {
			if s := v2Vocabulary(e.Status); s != "" {
				return mapping.StringValue(s), true
			}
		}
		return strValue(v2Vocabulary(p.Status))
	}
	if e == nil {
		return mapping.Value{}, false
	}
	switch key {
	case "employment_type":
		return strValue(v2Vocabulary(e.Type))
	case "position":
		return strValue(e.Position)
	case "supervisor":
		return refValue(r.supervisor)
	case "department":
		return refValue(r.department)
	case "team":
		return refValue(r.team)
	case "office":
		return refValue(r.office)
	case "subcompany":
		return refValue(r.legalEntity)
	case "hire_date":
		return datePtrValue(e.StartDate)
	case "contract_end_date":
		return datePtrValue(e.ContractEndDate)
	case "probation_period_end":
		return datePtrValue(e.ProbationEndDate)
	case "termination_date":
		if e.Termination != nil {
			return datePtrValue(e.Termination.TerminationDate)
		}
		return datePtrValue(e.EndDate)
	case "last_working_day":
		if e.Termination != nil {
			return datePtrValue(e.Termination.LastWorkingDay)
		}
		return mapping.Value{}, true
	case "termination_type":
		if e.Termination != nil {
			return strValue(v2Vocabulary(e.Termination.Type))
		}
		return mapping.Value{}, true
	case "termination_reason":
		if e.Termination != nil {
			return strValue(e.Termination.Reason)
		}
		return mapping.Value{}, true
	case "weekly_working_hours":
		return mapping.NumberValue(e.WeeklyWorkingHours), true
	case "cost_centers":
		ids := make([]string, 0, len(e.CostCenters))
		for _, cc := range e.CostCenters {
			ids = append(ids, cc.ID)
		}
		return mapping.ListValue(ids), true
	}
	return mapping.Value{}, false
}

// customValue converts a v2 custom attribute by its type, accepted in any case.
func customValue(a *CustomAttribute, loc *time.Location) mapping.Value {
	raw := bytes.TrimSpace(a.Value)
	if isNullJSON(raw) {
		return mapping.Value{}
	}
	attr := Attribute{Key: a.ID, Type: a.Type, Value: raw}
	switch a.Kind() {
	case "DATE":
		if text, err := attr.Text(); err == nil {
			if d, err := parseDay(text, loc); err == nil {
				return mapping.DateValue(d)
			}
			return mapping.StringValue(text)
		}
	case "INT", "INTEGER", "DOUBLE", "DECIMAL", "NUMBER":
		if f, err := attr.Number(); err == nil {
			return mapping.NumberValue(f)
		}
	case "BOOLEAN", "BOOL":
		if b, err := attr.Bool(); err == nil {
			return mapping.BoolValue(b)
		}
	case "STRING_LIST", "LIST", "TAGS":
		if raw[0] == '[' {
			return attributeValue(Attribute{Key: a.ID, Type: "tags", Value: raw}, loc)
		}
	}
	return attributeValue(attr, loc)
}
