package personio

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

func decodeEmployee(t *testing.T, text string, loc *time.Location) *Employee {
	t.Helper()
	var rec employeeJSON
	if err := json.Unmarshal([]byte(text), &rec); err != nil {
		t.Fatal(err)
	}
	e, err := newEmployee(&rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &e
}

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestEmployeeRecordKinds checks the kinds the mapping package receives for each shape of
// v1 attribute.
func TestEmployeeRecordKinds(t *testing.T) {
	t.Parallel()
	loc := berlin(t)
	e := decodeEmployee(t, fullEmployee, loc)
	e.Attributes["dynamic_9"] = Attribute{Key: "dynamic_9", Type: "tags", Value: []byte(`"Go, SQL , "`)}
	e.Attributes["dynamic_10"] = Attribute{Key: "dynamic_10", Type: "integer", Value: []byte(`"3"`)}
	e.Attributes["dynamic_11"] = Attribute{Key: "dynamic_11", Type: "date", Value: []byte(`"not a date"`)}
	e.Attributes["dynamic_12"] = Attribute{Key: "dynamic_12", Type: "standard", Value: []byte(`true`)}
	rec := EmployeeRecord(e, loc)
	tests := []struct {
		key  string
		want mapping.Value
		ok   bool
	}{
		{"id", mapping.StringValue("1"), true},
		{"first_name", mapping.StringValue("Alexander"), true},
		{"supervisor", mapping.RefValue(unified.Ref{ID: "2", Name: "Berta Böhm", Email: "berta.boehm@demo.email"}), true},
		{"department", mapping.RefValue(unified.Ref{ID: "281521", Name: "Customer Support"}), true},
		{"subcompany", mapping.RefValue(unified.Ref{ID: "7033", Name: "CS Demo GmbH"}), true},
		{"holiday_calendar", mapping.RefValue(unified.Ref{ID: "2", Name: "Deutschland (Bayern) Feiertage"}), true},
		{"hire_date", mapping.DateValue(unified.NewDate(2014, 11, 9)), true},
		{"created_at", mapping.TimeValue(time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC)), true},
		{"weekly_working_hours", mapping.NumberValue(40), true},
		{"fix_salary", mapping.NumberValue(3000), true},
		{"cost_centers", mapping.ListValue([]string{"Cost center 1"}), true},
		{"termination_date", mapping.Value{}, true}, // present, null
		{"dynamic_24407", mapping.StringValue("Dr"), true},
		{"dynamic_33400", mapping.DateValue(unified.NewDate(2021, 1, 1)), true},
		{"dynamic_9", mapping.ListValue([]string{"Go", "SQL"}), true},
		{"dynamic_10", mapping.NumberValue(3), true},
		{"dynamic_11", mapping.StringValue("not a date"), true}, // handed over for the mapper to report
		{"dynamic_12", mapping.BoolValue(true), true},
		{"office_phone", mapping.Value{}, false}, // not in the record
	}
	for _, tt := range tests {
		got, ok := rec.Lookup(tt.key)
		if ok != tt.ok {
			t.Errorf("Lookup(%s) ok = %v, want %v", tt.key, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("Lookup(%s) (-want +got):\n%s", tt.key, diff)
		}
	}
	if rec.ID() != "1" {
		t.Errorf("ID() = %q", rec.ID())
	}
}

// TestDefaultMapping maps the api-notes example with the default preset.
func TestDefaultMapping(t *testing.T) {
	t.Parallel()
	loc := berlin(t)
	e := decodeEmployee(t, fullEmployee, loc)
	cat := Catalog().Merge(tenantCatalog([]AttributeInfo{
		{Key: "dynamic_24407", Label: "Titel", Type: "standard"},
		{Key: "dynamic_33400", Label: "Anniversary Date", Type: "date"},
	}))
	m, err := mapping.Compile(DefaultSpec(), cat)
	if err != nil {
		t.Fatal(err)
	}
	var u unified.User
	if err := m.ApplyUser(EmployeeRecord(e, loc), &u); err != nil {
		t.Fatal(err)
	}
	want := unified.User{
		ID: "1", Email: "alexander.bergmann@demo.email", FirstName: "Alexander", LastName: "Bergmann",
		PreferredName: "Alexander Bergmann", DisplayName: "Alexander Bergmann", Title: "CTO", Gender: "male",
		Status: unified.StatusActive, EmploymentType: unified.EmploymentExternal,
		Department:  &unified.Ref{ID: "281521", Name: "Customer Support"},
		Team:        &unified.Ref{ID: "59026", Name: "T_X"},
		Office:      &unified.Ref{ID: "131014", Name: "Munich"},
		LegalEntity: &unified.Ref{ID: "7033", Name: "CS Demo GmbH"},
		Manager:     &unified.Ref{ID: "2", Name: "Berta Böhm", Email: "berta.boehm@demo.email"},
		StartDate:   date(2014, time.November, 9),
		CreatedAt:   time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC),
		UpdatedAt:   time.Date(2020, 11, 18, 16, 33, 55, 0, time.UTC),
		Custom: map[string]unified.Value{
			"dynamic_24407": {Label: "Titel", Kind: unified.KindText, Text: "Dr"},
			"dynamic_33400": {Label: "Anniversary Date", Kind: unified.KindDate, Date: unified.NewDate(2021, 1, 1)},
		},
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestV2RecordKeys checks that a v2 person with its employment exposes the v1 keys.
func TestV2RecordKeys(t *testing.T) {
	t.Parallel()
	loc := berlin(t)
	p := &Person{ID: "5", FirstName: "Ada", LastName: "Lovelace", Email: "ada@x.de", Gender: "FEMALE", Status: "ACTIVE",
		UpdatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		CustomAttributes: []CustomAttribute{
			{ID: "dynamic_1", Type: "date", Value: []byte(`"2021-03-27T23:00:00.000Z"`)},
			{ID: "dynamic_2", Type: "INT", Value: []byte(`"7"`)},
			{ID: "dynamic_3", Type: "string_list", Value: []byte(`["a","b"]`)},
			{ID: "dynamic_4", Type: "Boolean", Value: []byte(`false`)},
		}}
	e := &Employment{Status: "LEAVE", Type: "EXTERNAL", Position: "Engineer", StartDate: date(2020, 1, 1), WeeklyWorkingHours: 20,
		Termination: &Termination{LastWorkingDay: date(2024, 6, 30)}}
	rec := &v2Record{p: p, e: e, loc: loc, supervisor: unified.Ref{ID: "1", Name: "Boss", Email: "b@x.de"}, department: unified.Ref{ID: "9", Name: "R&D"}}
	tests := map[string]mapping.Value{
		"id":               mapping.StringValue("5"),
		"gender":           mapping.StringValue("female"),
		"status":           mapping.StringValue("leave"), // the employment's, not the person's
		"employment_type":  mapping.StringValue("external"),
		"position":         mapping.StringValue("Engineer"),
		"supervisor":       mapping.RefValue(unified.Ref{ID: "1", Name: "Boss", Email: "b@x.de"}),
		"department":       mapping.RefValue(unified.Ref{ID: "9", Name: "R&D"}),
		"team":             {},
		"hire_date":        mapping.DateValue(unified.NewDate(2020, 1, 1)),
		"last_working_day": mapping.DateValue(unified.NewDate(2024, 6, 30)),
		"last_modified_at": mapping.TimeValue(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)),
		"dynamic_1":        mapping.DateValue(unified.NewDate(2021, 3, 28)),
		"dynamic_2":        mapping.NumberValue(7),
		"dynamic_3":        mapping.ListValue([]string{"a", "b"}),
		"dynamic_4":        mapping.BoolValue(false),
	}
	for key, want := range tests {
		got, ok := rec.Lookup(key)
		if !ok {
			t.Errorf("Lookup(%s) not found", key)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Lookup(%s) (-want +got):\n%s", key, diff)
		}
	}
	if _, ok := rec.Lookup("dynamic_99"); ok {
		t.Error("unknown custom attribute found")
	}
	// Without an employment the person's own status is used.
	rec.e = nil
	if v, _ := rec.Lookup("status"); v.Str != "active" {
		t.Errorf("status without employment = %+v", v)
	}
	if _, ok := rec.Lookup("position"); ok {
		t.Error("employment keys must be absent without an employment")
	}
}

// TestStandardKeys checks that the standard keys a universal_id may name are the keys of
// the built-in catalog's standard attributes, those with a universal id.
func TestStandardKeys(t *testing.T) {
	t.Parallel()
	want := map[string]bool{}
	for _, a := range Catalog().Attributes {
		if a.UniversalID != "" {
			want[a.Key] = true
		}
	}
	if diff := cmp.Diff(want, standardKeys); diff != "" {
		t.Errorf("standardKeys (-Catalog +got):\n%s", diff)
	}
}
