package mapping_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// tenantCatalog is what a Personio adapter builds: the built-in catalog with the tenant's
// attribute list (GET /v1/company/employees/attributes) merged over it.
func tenantCatalog() *mapping.Catalog {
	api := mapping.NewCatalog("personio", []mapping.Attribute{
		{Key: "id", Available: true},
		{Key: "first_name", Available: true},
		{Key: "last_name", Available: true},
		{Key: "email", Available: true},
		{Key: "status", Available: true},
		{Key: "employment_type", Available: true},
		{Key: "position", Available: true},
		{Key: "hire_date", Available: true},
		{Key: "dynamic_24407", Labels: []string{"Titel"}, Custom: true, Available: true},
	})
	return mapping.PersonioCatalog().Merge(api)
}

// employee is a Personio employee as the adapter hands it over.
func employee() mapping.MapRecord {
	return mapping.MapRecord{RecordID: "1", Values: map[string]mapping.Value{
		"id":              mapping.NumberValue(1),
		"first_name":      mapping.StringValue("Alexander"),
		"last_name":       mapping.StringValue("Bergmann"),
		"email":           mapping.StringValue("alexander.bergmann@demo.email"),
		"status":          mapping.StringValue("active"),
		"employment_type": mapping.StringValue("internal"),
		"position":        mapping.StringValue("CTO"),
		"hire_date":       mapping.DateValue(unified.NewDate(2014, time.November, 9)),
		"dynamic_24407":   mapping.StringValue("Dr"),
	}}
}

// Take the job title from a custom attribute instead of Personio's "Position", keeping
// the rest of the default preset. The preset is not copied or changed.
func ExampleSpec_With() {
	spec := mapping.PersonioToUnified().With(mapping.Field{
		Target:     "title",
		Sources:    []string{"dynamic_24407"}, // or its label: "Titel"
		Transforms: []mapping.Transform{mapping.Trim()},
	})
	m, err := mapping.Compile(spec, tenantCatalog())
	if err != nil {
		fmt.Println(err)
		return
	}
	var u unified.User
	if err := m.ApplyUser(employee(), &u); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.DisplayName, "|", u.Title, "|", u.Status, "|", u.StartDate)
	// Output: Alexander Bergmann | Dr | active | 2014-11-09
}

// Load a mapping written by an HR admin, with German labels, and map a record.
func ExampleLoadSpec() {
	const doc = `{
	  "version": 1,
	  "output": "record",
	  "fields": [
	    {"target": "login", "source": "E-Mail", "transforms": ["email"], "required": true},
	    {"target": "full_name", "sources": ["Vorname", "Nachname"],
	     "transforms": [{"name": "join", "args": {"sep": " "}}]},
	    {"target": "since", "source": "Anstelldatum", "transforms": ["date", "text"]},
	    {"target": "role", "source": "Position", "transforms": ["lower"],
	     "when": {"source": "Anstellungsart", "not_in": ["external"]}}
	  ]
	}`
	spec, err := mapping.LoadSpec(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := mapping.Compile(spec, tenantCatalog())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reads:", m.SourceKeys())
	out, err := m.Apply(employee())
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := json.Marshal(out)
	fmt.Println(string(data))

	// A typo is reported with its JSON path and a suggestion.
	bad := strings.Replace(doc, `"Anstelldatum"`, `"Anstelldatm"`, 1)
	spec, _ = mapping.LoadSpec(strings.NewReader(bad))
	_, err = mapping.Compile(spec, tenantCatalog())
	fmt.Println(err)
	// Output:
	// reads: [email employment_type first_name hire_date last_name position]
	// {"login":"alexander.bergmann@demo.email","full_name":"Alexander Bergmann","since":"2014-11-09","role":"cto"}
	// mapping: fields[2].sources[0]: unknown attribute "Anstelldatm" in personio catalog; did you mean "Anstelldatum" (hire_date)?
}

// Before the first sync, check that the API credentials expose what the Personio →
// Lattice mapping needs.
func ExampleCheck() {
	cat := mapping.PersonioCatalog().Merge(mapping.NewCatalog("personio", []mapping.Attribute{
		{Key: "id", Available: true},
		{Key: "first_name", Available: true},
		{Key: "last_name", Available: true},
		{Key: "status", Available: true},
		{Key: "position", Available: true},
		{Key: "hire_date", Available: true},
		{Key: "gender", Available: true},
		{Key: "supervisor", Available: true},
		{Key: "preferred_name", Available: true},
		{Key: "date_of_birth", Available: true},
	}))
	m, err := mapping.Compile(mapping.PersonioToLattice(), cat)
	if err != nil {
		fmt.Println(err)
		return
	}
	report := mapping.Check(m, cat)
	fmt.Println(report)
	fmt.Println(errors.Is(report.Err(), mapping.ErrRequiredMissing))
	// Output:
	// 2 required attributes are missing:
	//   - Personio attribute "employment_type" (Anstellungsart / Employment type) is not enabled for these API credentials: enable it under Settings → Integrations → API credentials; without it "employmentType" stays empty; without it the condition of "title", "manager" cannot be checked
	//   - Personio attribute "email" (E-Mail / Email) is not enabled for these API credentials: enable it under Settings → Integrations → API credentials; without it "email" stays empty
	// 1 optional attribute is missing:
	//   - Personio attribute "department" (Abteilung / Department) is not enabled for these API credentials: enable it under Settings → Integrations → API credentials; without it "department" stays empty
	// true
}

// Map Personio employees to Lattice's import fields; employment type only filters.
func ExamplePersonioToLattice() {
	cat := mapping.PersonioCatalog() // compile against the tenant's merged catalog in practice
	m, err := mapping.Compile(mapping.PersonioToLattice(), cat)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := employee()
	rec.Values["supervisor"] = mapping.RefValue(unified.Ref{ID: "2", Name: "Bianca Schmidt", Email: "bianca@demo.email"})
	out, err := m.Apply(rec)
	if err != nil {
		fmt.Println(err)
		return
	}
	importExternal := false
	if et, _ := out.Filter("employmentType"); et.Str == "external" && !importExternal {
		fmt.Println("skipped")
		return
	}
	data, _ := json.Marshal(out)
	fmt.Println(string(data))
	// Output:
	// {"externalUserId":"1","name":"Alexander Bergmann","status":"ACTIVE","gender":null,"title":"CTO","manager":"bianca@demo.email","startDate":"2014-11-09","department":null,"email":"alexander.bergmann@demo.email","preferredName":null,"birthDate":null}
}

// A lenient sync keeps partly mapped users and reports the failures at the end.
func ExampleCollector() {
	m, err := mapping.Compile(mapping.PersonioToUnified(), tenantCatalog())
	if err != nil {
		fmt.Println(err)
		return
	}
	bad := employee()
	bad.RecordID = "2"
	bad.Values["status"] = mapping.StringValue("retired")
	col := &mapping.Collector{Policy: mapping.Lenient}
	var users []unified.User
	for _, rec := range []mapping.Record{employee(), bad} {
		var u unified.User
		if err := col.Handle(m.ApplyUser(rec, &u)); err != nil {
			fmt.Println("fatal:", err)
			return
		}
		users = append(users, u)
	}
	fmt.Println(len(users), "users;", col.Count(), "with errors")
	fmt.Println(col.Err())
	// Output:
	// 2 users; 1 with errors
	// mapping: personio record "2": field "status" (source "status", value "retired"): enum: no mapping for "retired" (known: active, inactive, leave, onboarding, unspecified): transform failed
}
