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

// builtin is the catalog a provider package ships for its HR system ("acme" here): every
// attribute it knows, with English and German labels, none readable yet.
func builtin() *mapping.Catalog {
	attr := func(key, en, de string) mapping.Attribute {
		return mapping.Attribute{Key: key, LabelEN: en, LabelDE: de, Type: "standard"}
	}
	c := mapping.NewCatalog("acme", []mapping.Attribute{
		attr("id", "Employee ID", ""),
		attr("first_name", "First name", "Vorname"),
		attr("last_name", "Last name", "Nachname"),
		attr("email", "Email", "E-Mail"),
		attr("status", "Status", "Status"),
		attr("employment_type", "Employment type", "Anstellungsart"),
		attr("position", "Position", "Position"),
		attr("department", "Department", "Abteilung"),
		attr("hire_date", "Hire date", "Anstelldatum"),
	})
	c.Advice = mapping.Advice{Unavailable: "is not enabled for these API credentials: enable it under Settings → API"}
	return c
}

// tenantCatalog is what a provider's adapter builds: the built-in catalog with the list of
// attributes the tenant's credentials can read merged over it.
func tenantCatalog() *mapping.Catalog {
	api := mapping.NewCatalog("acme", []mapping.Attribute{
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
	return builtin().Merge(api)
}

// preset is an adapter's default mapping, as a provider package returns it.
func preset() *mapping.Spec {
	return &mapping.Spec{Fields: []mapping.Field{
		{Target: "id", Sources: []string{"id"}, Transforms: []mapping.Transform{mapping.Text()}, Required: true},
		{Target: "display_name", Sources: []string{"first_name", "last_name"}, Transforms: []mapping.Transform{mapping.Join(" ")}},
		{Target: "email", Sources: []string{"email"}, Transforms: []mapping.Transform{mapping.Trim()}},
		{Target: "title", Sources: []string{"position"}},
		{Target: "status", Sources: []string{"status"}, Required: true,
			Transforms: []mapping.Transform{mapping.Enum(map[string]string{"active": "active", "inactive": "inactive"})}},
		{Target: "start_date", Sources: []string{"hire_date"}},
		{Target: "custom.*", Sources: []string{"dynamic_*"}},
	}}
}

// employee is an employee record as the adapter hands it over.
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

// Take the job title from a custom attribute instead of "Position", keeping the rest of
// a preset. The preset is not copied or changed.
func ExampleSpec_With() {
	spec := preset().With(mapping.Field{
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
	// mapping: fields[2].sources[0]: unknown attribute "Anstelldatm" in acme catalog; did you mean "Anstelldatum" (hire_date)?
}

// importSpec maps an employee to another system's import record: the employment type
// only filters, and contractors get no title.
func importSpec() *mapping.Spec {
	return &mapping.Spec{Output: mapping.OutputRecord, Fields: []mapping.Field{
		{Target: "externalUserId", Sources: []string{"id"}, Transforms: []mapping.Transform{mapping.Text()}, Required: true},
		{Target: "name", Sources: []string{"first_name", "last_name"}, Transforms: []mapping.Transform{mapping.Join(" ")}, Required: true},
		{Target: "email", Sources: []string{"email"}, Transforms: []mapping.Transform{mapping.Email()}, Required: true},
		{Target: "title", Sources: []string{"position"},
			When: &mapping.Condition{Source: "employment_type", NotIn: []string{"external"}}},
		{Target: "department", Sources: []string{"department"}, Transforms: []mapping.Transform{mapping.Pick("name")}},
		{Target: "employmentType", Sources: []string{"employment_type"}, Required: true, FilterOnly: true},
	}}
}

// Before the first sync, check that the API credentials expose what a mapping needs.
func ExampleCheck() {
	cat := builtin().Merge(mapping.NewCatalog("acme", []mapping.Attribute{
		{Key: "id", Available: true},
		{Key: "first_name", Available: true},
		{Key: "last_name", Available: true},
		{Key: "position", Available: true},
	}))
	m, err := mapping.Compile(importSpec(), cat)
	if err != nil {
		fmt.Println(err)
		return
	}
	report := mapping.Check(m, cat)
	fmt.Println(report)
	fmt.Println(errors.Is(report.Err(), mapping.ErrRequiredMissing))
	// Output:
	// 2 required attributes are missing:
	//   - Acme attribute "email" (E-Mail / Email) is not enabled for these API credentials: enable it under Settings → API; without it "email" stays empty
	//   - Acme attribute "employment_type" (Anstellungsart / Employment type) is not enabled for these API credentials: enable it under Settings → API; without it "employmentType" stays empty; without it the condition of "title" cannot be checked
	// 1 optional attribute is missing:
	//   - Acme attribute "department" (Abteilung / Department) is not enabled for these API credentials: enable it under Settings → API; without it "department" stays empty
	// true
}

// Map employees to another system's import fields; employment type only filters.
func ExampleMapper_Apply() {
	m, err := mapping.Compile(importSpec(), builtin()) // compile against the tenant's merged catalog in practice
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := employee()
	rec.Values["department"] = mapping.RefValue(unified.Ref{ID: "7", Name: "Engineering"})
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
	// {"externalUserId":"1","name":"Alexander Bergmann","email":"alexander.bergmann@demo.email","title":"CTO","department":"Engineering"}
}

// A lenient sync keeps partly mapped users and reports the failures at the end.
func ExampleCollector() {
	m, err := mapping.Compile(preset(), tenantCatalog())
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
	// acme: record "2": field "status" (source "status", value "retired"): enum: no mapping for "retired" (known: active, inactive): transform failed
}
