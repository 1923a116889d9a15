package personio_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/unified"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// employeeValues is the v1 employee of the API notes (§1.4), typed the way the Directory
// hands values over: relations as KindRef, dates as KindDate in the company's time zone,
// timestamps as KindTime, numbers as KindNumber.
func employeeValues() map[string]mapping.Value {
	ref := func(id, name string) mapping.Value { return mapping.RefValue(unified.Ref{ID: id, Name: name}) }
	date := func(y int, m time.Month, d int) mapping.Value { return mapping.DateValue(unified.NewDate(y, m, d)) }
	return map[string]mapping.Value{
		"id":             mapping.NumberValue(1),
		"first_name":     mapping.StringValue("Alexander"),
		"last_name":      mapping.StringValue("Bergmann"),
		"preferred_name": mapping.StringValue("Alexander Bergmann"),
		"email":          mapping.StringValue("alexander.bergmann@demo.email"),
		"gender":         mapping.StringValue("male"),
		"status":         mapping.StringValue("active"),
		"position":       mapping.StringValue("CTO"),
		"supervisor": mapping.RefValue(unified.Ref{ID: "2", Name: "Bianca Schmidt",
			Email: "Bianca.Schmidt@demo.email"}),
		"employment_type":      mapping.StringValue("internal"),
		"weekly_working_hours": mapping.StringValue("40"),
		"hire_date":            date(2014, time.November, 9), // "2014-11-08T23:00:00.000Z" in Berlin
		"termination_date":     {},
		"last_working_day":     {},
		"created_at":           mapping.TimeValue(time.Date(2017, 5, 23, 9, 49, 3, 0, time.FixedZone("", 2*3600))),
		"last_modified_at":     mapping.TimeValue(time.Date(2020, 11, 18, 17, 33, 55, 0, time.FixedZone("", 3600))),
		"subcompany":           ref("7033", "CS Demo GmbH"),
		"office":               ref("131014", "Munich"),
		"department":           ref("281521", "Customer Support"),
		"team":                 ref("59026", "T_X"),
		"date_of_birth":        date(1985, time.March, 14),
		"dynamic_24407":        mapping.StringValue("Dr"),
		"dynamic_40001":        mapping.StringValue("P-0042"),
	}
}

// tenantCatalog is Catalog merged with the attribute list of credentials with German
// labels that may read every attribute of the fixture.
func tenantCatalog() *mapping.Catalog {
	var api []mapping.Attribute
	for key := range employeeValues() {
		a := mapping.Attribute{Key: key, Available: true}
		switch key {
		case "dynamic_24407":
			a.Labels, a.Custom = []string{"Titel"}, true
		case "dynamic_40001":
			a.Labels, a.Custom = []string{"Personalnummer"}, true
		default:
			a.UniversalID = key
		}
		api = append(api, a)
	}
	return personio.Catalog().Merge(mapping.NewCatalog(personio.ProviderName, api))
}

// TestCatalogSeedLabels resolves every row of the attribute table of seed 002 ("German
// label / English label") in both languages to the attribute it names.
func TestCatalogSeedLabels(t *testing.T) {
	t.Parallel()
	rows := []struct{ de, en, key string }{
		{"Vorname", "Firstname", "first_name"},
		{"Nachname", "Lastname", "last_name"},
		{"Gesellschaft", "Subcompany", "subcompany"},
		{"Personalnummer", "Personal Number", "personal_number"},
		{"DATEV Personalnummer", "DATEV personal number", "datev_personal_number"},
		{"E-Mail", "Email", "email"},
		{"Kostenstelle", "Cost center", "cost_centers"},
		{"Status", "Status", "status"},
		{"Anstellungsart", "Employment type", "employment_type"},
		{"Occupation type", "Occupation type", "occupation_type"},
		{"Employee ID", "Employee ID", "id"},
		{"Arbeitszeiten", "Weekly hours", "weekly_working_hours"},
		{"Erstellt am", "Created at", "created_at"},
		{"Anstelldatum", "Hire date", "hire_date"},
		{"Letzter Arbeitstag", "Last day of work", "last_working_day"},
		{"Austrittsdatum", "Termination date", "termination_date"},
		{"Zuletzt geändert", "Last modified", "last_modified_at"},
		{"Position", "Position", "position"},
		{"Abteilung", "Department", "department"},
		{"Standort", "Office", "office"},
		{"Team", "Team", "team"},
	}
	cat := personio.Catalog()
	if cat.Provider != personio.ProviderName {
		t.Errorf("Provider = %q", cat.Provider)
	}
	for _, row := range rows {
		for _, name := range []string{row.de, row.en} {
			a, err := cat.Resolve(name)
			if err != nil {
				t.Errorf("Resolve(%q): %v", name, err)
				continue
			}
			if a.Key != row.key {
				t.Errorf("Resolve(%q) = %q, want %q", name, a.Key, row.key)
			}
			if a.Available {
				t.Errorf("Resolve(%q): built-in attribute is Available", name)
			}
		}
	}
	// The placeholder takes the tenant's key of the custom attribute with its label.
	if a, err := tenantCatalog().Resolve("Personalnummer"); err != nil || a.Key != "dynamic_40001" || !a.Available {
		t.Errorf("Resolve(Personalnummer) after the merge = %+v, %v; want dynamic_40001", a, err)
	}
}

func dp(y int, m time.Month, d int) *unified.Date {
	x := unified.NewDate(y, m, d)
	return &x
}

// TestDefaultSpec maps the fixture employee with the default spec, written out by hand
// from the fixture's values and the spec's documented rules.
func TestDefaultSpec(t *testing.T) {
	t.Parallel()
	m, err := mapping.Compile(personio.DefaultSpec(), tenantCatalog())
	if err != nil {
		t.Fatal(err)
	}
	var u unified.User
	if err := m.ApplyUser(mapping.MapRecord{RecordID: "1", Values: employeeValues()}, &u); err != nil {
		t.Fatal(err)
	}
	want := unified.User{
		ID:             "1",
		EmployeeNumber: "P-0042",
		Email:          "alexander.bergmann@demo.email",
		FirstName:      "Alexander",
		LastName:       "Bergmann",
		PreferredName:  "Alexander Bergmann",
		DisplayName:    "Alexander Bergmann",
		Title:          "CTO",
		Gender:         "male",
		Status:         unified.StatusActive,
		EmploymentType: unified.EmploymentInternal,
		Department:     &unified.Ref{ID: "281521", Name: "Customer Support"},
		Team:           &unified.Ref{ID: "59026", Name: "T_X"},
		Office:         &unified.Ref{ID: "131014", Name: "Munich"},
		LegalEntity:    &unified.Ref{ID: "7033", Name: "CS Demo GmbH"},
		Manager:        &unified.Ref{ID: "2", Name: "Bianca Schmidt", Email: "Bianca.Schmidt@demo.email"},
		StartDate:      dp(2014, time.November, 9),
		BirthDate:      dp(1985, time.March, 14),
		CreatedAt:      time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC),
		UpdatedAt:      time.Date(2020, 11, 18, 16, 33, 55, 0, time.UTC),
		Custom: map[string]unified.Value{
			"dynamic_24407": {Label: "Titel", Kind: unified.KindText, Text: "Dr"},
			"dynamic_40001": {Label: "Personal Number", Kind: unified.KindText, Text: "P-0042"},
		},
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}
}

// TestDefaultSpecV2Vocabulary: the v2 API's upper-case values map like v1's.
func TestDefaultSpecV2Vocabulary(t *testing.T) {
	t.Parallel()
	m, err := mapping.Compile(personio.DefaultSpec(), tenantCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		status, gender, employment string
		wantStatus                 unified.Status
		wantGender                 string
		wantEmployment             unified.EmploymentType
	}{
		{"ONBOARDING", "FEMALE", "EXTERNAL", unified.StatusOnboarding, "female", unified.EmploymentExternal},
		{"LEAVE", "DIVERSE", "INTERNAL", unified.StatusLeave, "diverse", unified.EmploymentInternal},
		{"inactive", "UNSPECIFIED", "UNSPECIFIED", unified.StatusInactive, "", unified.EmploymentUnknown},
	} {
		rec := mapping.MapRecord{RecordID: "1", Values: employeeValues()}
		rec.Values["status"] = mapping.StringValue(tt.status)
		rec.Values["gender"] = mapping.StringValue(tt.gender)
		rec.Values["employment_type"] = mapping.StringValue(tt.employment)
		var u unified.User
		if err := m.ApplyUser(rec, &u); err != nil {
			t.Fatal(err)
		}
		if u.Status != tt.wantStatus || u.Gender != tt.wantGender || u.EmploymentType != tt.wantEmployment {
			t.Errorf("%s/%s/%s → %v/%q/%v", tt.status, tt.gender, tt.employment, u.Status, u.Gender, u.EmploymentType)
		}
	}
}

// TestCheckWording: the preflight speaks to Personio admins, for an attribute the
// credentials cannot read and for one their list does not have.
func TestCheckWording(t *testing.T) {
	t.Parallel()
	spec := personio.DefaultSpec().With(mapping.Field{Target: "custom.x", Sources: []string{"dynamic_5"}})
	m, err := mapping.Compile(spec, tenantCatalog(), mapping.WithStrict(false))
	if err != nil {
		t.Fatal(err)
	}
	hidden := tenantCatalog().Merge(mapping.NewCatalog(personio.ProviderName, []mapping.Attribute{{Key: "department"}}))
	want := `2 optional attributes are missing:
  - Personio attribute "department" (Abteilung / Department) is not enabled for these API credentials: enable it under Settings → Integrations → API credentials; without it "department" stays empty
  - Personio attribute "dynamic_5" is not in the attribute list of these API credentials: check the key, and enable it under Settings → Integrations → API credentials; without it "custom.x" stays empty`
	if got := mapping.Check(m, hidden).String(); got != want {
		t.Errorf("Check:\n got %s\nwant %s", got, want)
	}
}

// TestSpecGolden keeps the JSON form of DefaultSpec in testdata, so that every change to
// it shows up as a reviewable diff of the mapping table. Run `go test -run TestSpecGolden
// -update` after an intended change.
func TestSpecGolden(t *testing.T) {
	checkGolden(t, filepath.Join("testdata", "default_spec.json"), personio.DefaultSpec())
}

func checkGolden(t *testing.T, path string, spec *mapping.Spec) {
	t.Helper()
	data, err := spec.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	if *update {
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, pretty.Bytes()) {
		t.Errorf("DefaultSpec differs from %s; run with -update if the change is intended:\n%s", path, pretty.Bytes())
	}
	loaded, err := mapping.LoadSpec(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if back, _ := loaded.MarshalJSON(); !bytes.Equal(back, data) {
		t.Errorf("%s does not round-trip through LoadSpec", path)
	}
}
