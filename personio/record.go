package personio

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// EmployeeRecord returns e as a mapping.Record, so that any mapping.Mapper can turn it into
// a unified.User or a record of the caller's own. Values are typed as the mapping package
// expects: relations (supervisor, department, office, team, subcompany, holiday calendar,
// work schedule) are KindRef with id and name (the supervisor's name is "First Last", and
// it carries the email); calendar days are KindDate, converted in loc (nil: the time zone
// of the client that decoded e is not known here, so UTC is used); created_at and
// last_modified_at are KindTime; integer and decimal attributes and weekly_working_hours
// are KindNumber; lists of objects (cost centres, absence entitlements) and tags are
// KindList; everything else is KindString. A value that cannot be converted is handed
// over as its text (KindString), so the mapper reports it. A standard key ("date_of_birth")
// that the record lacks or leaves empty is read, as [Employee]'s fields are, from an
// attribute whose universal_id is that key. Only e.ID and e.Attributes are read.
func EmployeeRecord(e *Employee, loc *time.Location) mapping.Record {
	return employeeRecord(e, loc)
}

func employeeRecord(e *Employee, loc *time.Location) *v1Record {
	if loc == nil {
		loc = time.UTC
	}
	aliases := byUniversalID(e.Attributes)
	return &v1Record{id: e.ID, loc: loc, attr: func(key string) (attrType, any, bool) {
		a, ok := e.Attributes[key]
		if b, found := aliases[key]; found && (!ok || a.IsNull()) {
			a, ok = b, true
		}
		if !ok {
			return attrStandard, nil, false
		}
		v, err := decodeValue(a.Value)
		if err != nil {
			v = string(a.Value) // handed over as text, for the mapper to report
		}
		return parseAttrType(a.Type), v, true
	}}
}

// attrType is what converting a v1 attribute's value needs of its type.
type attrType uint8

const (
	attrNone     attrType = iota // no type was sent: the attribute is absent, unless it has a value
	attrStandard                 // standard, list, link, multiline, and anything else
	attrDate
	attrNumber // integer, decimal
	attrTags
)

func parseAttrType(s string) attrType {
	switch {
	case strings.EqualFold(s, "date"):
		return attrDate
	case strings.EqualFold(s, "integer"), strings.EqualFold(s, "decimal"):
		return attrNumber
	case strings.EqualFold(s, "tags"):
		return attrTags
	}
	return attrStandard
}

// UnmarshalJSON implements json.Unmarshaler. A type this code does not know, a value
// that is not a string, or a string with escapes (Personio's types have none) is standard.
func (t *attrType) UnmarshalJSON(b []byte) error {
	*t = attrStandard
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		*t = parseAttrType(string(b[1 : len(b)-1]))
	}
	return nil
}

// attrJSON is a v1 attribute as a Directory reads it: its type and its value, decoded with
// the page (its label and universal id are not needed to map it).
type attrJSON struct {
	Type  attrType `json:"type"`
	Value any      `json:"value"`
}

// recordCodec decodes the v1 employee records of a Directory's listing. Decoding an object
// into a map, encoding/json allocates a key and assigns an entry for every attribute,
// which costs about as much as the rest of the decoding; but a Directory knows the
// attribute keys its mapping reads. So its records decode into a struct type made for
// those keys with reflect.StructOf, one attrJSON field per key, which encoding/json fills
// as it fills any struct; the attributes the mapping does not read are skipped.
//
// A standard key may have an alias: another key whose attribute has that key as its
// universal_id (the tenant's catalog says so). The alias is decoded too, and read when
// the record has no value under the standard key, as [Employee]'s fields are.
type recordCodec struct {
	typ   reflect.Type   // struct{ Attributes struct{ A0 attrJSON `json:"<key>"`; ... } `json:"attributes"` }
	index map[string]int // the field of each key in Attributes
	alias map[int]int    // the field of a standard key's alias, by the key's field
}

// newRecordCodec returns the codec of records read for the given attribute keys, and
// aliases (standard key → alias key, see recordCodec). A key that encoding/json does not
// accept as a field name (one with a quote, a comma or a backslash, say; Personio's keys
// are made of letters, digits and '_') is never found.
func newRecordCodec(keys []string, aliases map[string]string) *recordCodec {
	c := &recordCodec{index: make(map[string]int, len(keys))}
	var fields []reflect.StructField
	for _, k := range slices.Concat(keys, slices.Sorted(maps.Values(aliases))) {
		if _, dup := c.index[k]; dup || !isFieldName(k) {
			continue
		}
		c.index[k] = len(fields)
		fields = append(fields, reflect.StructField{
			Name: "A" + strconv.Itoa(len(fields)),
			Type: reflect.TypeFor[attrJSON](),
			Tag:  reflect.StructTag(`json:"` + k + `"`),
		})
	}
	c.typ = reflect.StructOf([]reflect.StructField{{Name: "Attributes", Type: reflect.StructOf(fields), Tag: `json:"attributes"`}})
	for k, alias := range aliases {
		i, ok := c.index[k]
		j, found := c.index[alias]
		if ok && found && i != j {
			if c.alias == nil {
				c.alias = map[int]int{}
			}
			c.alias[i] = j
		}
	}
	return c
}

// isFieldName reports whether encoding/json takes k, in a struct tag, as a field name:
// letters, digits, and punctuation other than quotes, backslash and comma.
func isFieldName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r) {
			return false
		}
	}
	return true
}

// slice returns a pointer to a new, empty slice of records with room for n, to decode a
// page of n into without growing it.
func (c *recordCodec) slice(n int) reflect.Value {
	p := reflect.New(reflect.SliceOf(c.typ))
	p.Elem().Set(reflect.MakeSlice(p.Elem().Type(), 0, n))
	return p
}

// record returns the mapping.Record of rec, a decoded record. Only a record without a
// usable id is an error (its text has no provider prefix).
func (c *recordCodec) record(rec reflect.Value, loc *time.Location) (*v1Record, error) {
	attrs := rec.Field(0)
	attr := func(key string) (attrType, any, bool) {
		i, ok := c.index[key]
		if !ok {
			return attrStandard, nil, false
		}
		a := attrs.Field(i).Addr().Interface().(*attrJSON)
		if c.alias != nil && isEmpty(a.Value) {
			if j, found := c.alias[i]; found {
				if b := attrs.Field(j).Addr().Interface().(*attrJSON); !isEmpty(b.Value) {
					a = b
				}
			}
		}
		return a.Type, a.Value, a.Type != attrNone || a.Value != nil
	}
	_, v, _ := attr("id")
	id, err := recordID(v)
	if err != nil {
		return nil, err
	}
	return &v1Record{id: id, loc: loc, attr: attr}, nil
}

// recordID reads the decoded id attribute of an employee record.
func recordID(v any) (int, error) {
	if isEmpty(v) {
		return 0, fmt.Errorf("employee record has no id attribute: %w", unified.ErrInvalidValue)
	}
	id, _, err := intOf(v)
	if err != nil {
		return 0, fmt.Errorf("employee record: attribute \"id\": %w", err)
	}
	return id, nil
}

// v1Record is a v1 employee as a mapping.Record: its attributes by key, with their type
// and decoded value.
type v1Record struct {
	id   int
	loc  *time.Location
	attr func(key string) (attrType, any, bool)
}

func (r *v1Record) ID() string { return strconv.Itoa(r.id) }

func (r *v1Record) Lookup(key string) (mapping.Value, bool) {
	typ, v, ok := r.attr(key)
	if !ok {
		return mapping.Value{}, false
	}
	if key == "id" {
		return mapping.StringValue(strconv.Itoa(r.id)), true
	}
	return attributeValue(key, typ, v, r.loc), true
}

// dayKeys are the v1 attributes that hold calendar days, whatever their type says;
// created_at and last_modified_at hold instants.
var dayKeys = map[string]bool{
	"hire_date": true, "contract_end_date": true, "probation_period_end": true,
	"termination_date": true, "last_working_day": true, "date_of_birth": true,
}

// attributeValue converts a decoded v1 attribute value by its key, its type and its shape.
func attributeValue(key string, typ attrType, v any, loc *time.Location) mapping.Value {
	if isEmpty(v) {
		return mapping.Value{}
	}
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := refOf(x); ok {
			return mapping.RefValue(ref)
		}
		return mapping.StringValue(jsonText(v))
	case []any:
		if typ == attrTags {
			if tags, err := tagsOf(v); err == nil {
				return mapping.ListValue(tags)
			}
		}
		if list, err := nestedListOf(v); err == nil {
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
		if tags, err := tagsOf(v); err == nil {
			return mapping.ListValue(tags)
		}
		return mapping.StringValue(jsonText(v))
	case bool:
		return mapping.BoolValue(x)
	}
	text, _, _ := textOf(v)
	_, isNumber := v.(float64)
	switch {
	case key == "created_at" || key == "last_modified_at":
		if t, err := parseInstant(text, loc); err == nil {
			return mapping.TimeValue(t)
		}
	case dayKeys[key] || typ == attrDate:
		if d, err := parseDay(text, loc); err == nil {
			return mapping.DateValue(d)
		}
	case typ == attrTags:
		tags, _ := tagsOf(v)
		return mapping.ListValue(tags)
	case isNumber || key == "weekly_working_hours" || typ == attrNumber:
		if f, _, err := numberOf(v); err == nil {
			return mapping.NumberValue(f)
		}
	}
	return mapping.StringValue(text)
}

// refOf converts a related object into a reference: an employee with id, "First Last"
// and email, anything else with id and name. ok is false for an object that is neither.
func refOf(v map[string]any) (unified.Ref, bool) {
	n, err := nestedOf(v)
	if err != nil {
		return unified.Ref{}, false
	}
	if p, err := n.employee(); err == nil && p != nil && (p.FirstName != "" || p.LastName != "" || p.Email != "") {
		return unified.Ref{ID: idText(p.ID), Name: p.Name(), Email: p.Email}, true
	}
	if e, err := n.entity(); err == nil && e != nil {
		return unified.Ref{ID: idText(e.ID), Name: e.Name}, true
	}
	return unified.Ref{}, false
}

// idText is an id as text, "" for 0 (none).
func idText(id int) string {
	if id == 0 {
		return ""
	}
	return strconv.Itoa(id)
}

// v2Record is a v2 person with its latest employment and the names of the objects the
// employment refers to. It exposes the same keys as a v1 employee, so the mappers written
// for v1 ([DefaultSpec]) work unchanged.
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
	v, err := decodeValue(a.Value)
	if err != nil {
		return mapping.StringValue(string(a.Value)) // for the mapper to report
	}
	if isEmpty(v) {
		return mapping.Value{}
	}
	switch a.Kind() {
	case "DATE":
		if text, _, err := textOf(v); err == nil {
			if d, err := parseDay(text, loc); err == nil {
				return mapping.DateValue(d)
			}
			return mapping.StringValue(text)
		}
	case "INT", "INTEGER", "DOUBLE", "DECIMAL", "NUMBER":
		if f, _, err := numberOf(v); err == nil {
			return mapping.NumberValue(f)
		}
	case "BOOLEAN", "BOOL":
		if b, err := (Attribute{Value: a.Value}).Bool(); err == nil {
			return mapping.BoolValue(b)
		}
	case "STRING_LIST", "LIST", "TAGS":
		if _, isList := v.([]any); isList {
			return attributeValue(a.ID, attrTags, v, loc)
		}
	}
	return attributeValue(a.ID, parseAttrType(a.Type), v, loc)
}
