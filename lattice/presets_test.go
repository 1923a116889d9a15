package lattice_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/unified"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func dp(y int, m time.Month, d int) *unified.Date {
	x := unified.NewDate(y, m, d)
	return &x
}

func TestCatalogSeedFields(t *testing.T) {
	t.Parallel()
	cat := lattice.Catalog()
	// Seed 001's list of what Lattice pulls, and seed 000's Lattice column.
	for name, key := range map[string]string{
		"Name": "name", "Preferred Name": "preferredName", "Work Email": "email",
		"Primary Job Title": "title", "Start Date": "startDate", "Department": "department",
		"Manager": "manager", "Birthdate": "birthDate", "External user ID": "externalUserId",
		"Status": "status", "Gender": "gender", "Title": "title", "Email": "email",
	} {
		a, err := cat.Resolve(name)
		if err != nil || a.Key != key {
			t.Errorf("Resolve(%q) = %q, %v; want %q", name, a.Key, err, key)
		}
		if !a.Available {
			t.Errorf("Lattice field %q not available", key)
		}
	}
}

// TestDefaultSpec maps the user object of the Lattice API notes (§1.7), typed as the
// Directory types it.
func TestDefaultSpec(t *testing.T) {
	t.Parallel()
	m, err := mapping.Compile(lattice.DefaultSpec(), lattice.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	created := time.Unix(1651584000, 0).UTC()
	updated := time.Unix(1654125498, 0).UTC()
	rec := mapping.MapRecord{RecordID: "52d2420e", Values: map[string]mapping.Value{
		"id":             mapping.StringValue("52d2420e-cbd0-11ec-bfdd-93fec5413bdc"),
		"name":           mapping.StringValue("Ada King Lovelace"),
		"preferredName":  mapping.StringValue("Ada"),
		"email":          mapping.StringValue("ada@example.com"),
		"title":          mapping.StringValue("Staff Engineer"),
		"status":         mapping.StringValue("ACTIVE"),
		"isAdmin":        mapping.BoolValue(false),
		"externalUserId": mapping.StringValue("HR-1042"),
		"startDate":      mapping.StringValue("2021-03-01"),
		"birthDate":      mapping.DateValue(unified.NewDate(1990, time.December, 10)),
		"gender":         mapping.StringValue("Female"),
		"timezone":       mapping.StringValue("America/Los_Angeles"),
		"jobFunction":    {},
		"manager":        mapping.RefValue(unified.Ref{ID: "52d2780a"}),
		"department":     mapping.RefValue(unified.Ref{ID: "7f0c", Name: "Engineering"}),
		"createdAt":      mapping.TimeValue(created),
		"updatedAt":      mapping.TimeValue(updated),
	}}
	var u unified.User
	if err := m.ApplyUser(rec, &u); err != nil {
		t.Fatal(err)
	}
	want := unified.User{
		ID: "52d2420e-cbd0-11ec-bfdd-93fec5413bdc", ExternalID: "HR-1042", Email: "ada@example.com",
		FirstName: "Ada", LastName: "King Lovelace", PreferredName: "Ada", DisplayName: "Ada King Lovelace",
		Title: "Staff Engineer", Gender: "female", Status: unified.StatusActive,
		Manager:    &unified.Ref{ID: "52d2780a"},
		Department: &unified.Ref{ID: "7f0c", Name: "Engineering"},
		StartDate:  dp(2021, time.March, 1), BirthDate: dp(1990, time.December, 10),
		CreatedAt: created, UpdatedAt: updated,
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}

	for in, wantStatus := range map[string]unified.Status{
		"ACTIVE": unified.StatusActive, "INVITED": unified.StatusInvited,
		"CREATED": unified.StatusOnboarding, "DEACTIVATED": unified.StatusInactive,
	} {
		rec.Values["status"] = mapping.StringValue(in)
		var u unified.User
		if err := m.ApplyUser(rec, &u); err != nil || u.Status != wantStatus {
			t.Errorf("status %s → %v, %v; want %v", in, u.Status, err, wantStatus)
		}
	}
	// Without a preferred name the display name is the full name; NotSet is no gender.
	rec.Values["preferredName"] = mapping.Value{}
	rec.Values["gender"] = mapping.StringValue("NotSet")
	u = unified.User{}
	if err := m.ApplyUser(rec, &u); err != nil {
		t.Fatal(err)
	}
	if u.DisplayName != "Ada King Lovelace" || u.Gender != "" {
		t.Errorf("DisplayName, Gender = %q, %q", u.DisplayName, u.Gender)
	}
}

// TestCheckWording: the preflight speaks to Lattice admins.
func TestCheckWording(t *testing.T) {
	t.Parallel()
	m, err := mapping.Compile(lattice.DefaultSpec(), lattice.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	if r := mapping.Check(m, lattice.Catalog()); !r.OK() || r.String() != "Lattice: every attribute the mapping reads is available" {
		t.Errorf("Check = %s", r)
	}
	hidden := lattice.Catalog().Merge(mapping.NewCatalog(lattice.ProviderName, []mapping.Attribute{{Key: "manager"}}))
	if want, got := `1 optional attribute is missing:
  - Lattice attribute "manager" (Manager) is not visible to this API key: use a key created by an admin who can see it; without it "manager" stays empty`,
		mapping.Check(m, hidden).String(); got != want {
		t.Errorf("String:\n got %s\nwant %s", got, want)
	}
}

// personioEmployee is the Personio v1 employee of the Personio API notes (§1.4), typed the
// way package personio hands values over, as an internal employee.
func personioEmployee() mapping.MapRecord {
	ref := func(id, name string) mapping.Value { return mapping.RefValue(unified.Ref{ID: id, Name: name}) }
	return mapping.MapRecord{RecordID: "1", Values: map[string]mapping.Value{
		"id":              mapping.NumberValue(1),
		"first_name":      mapping.StringValue("Alexander"),
		"last_name":       mapping.StringValue("Bergmann"),
		"preferred_name":  mapping.StringValue("Alexander Bergmann"),
		"email":           mapping.StringValue("alexander.bergmann@demo.email"),
		"gender":          mapping.StringValue("male"),
		"status":          mapping.StringValue("active"),
		"position":        mapping.StringValue("CTO"),
		"supervisor":      mapping.RefValue(unified.Ref{ID: "2", Name: "Bianca Schmidt", Email: "Bianca.Schmidt@demo.email"}),
		"employment_type": mapping.StringValue("internal"),
		"hire_date":       mapping.DateValue(unified.NewDate(2014, time.November, 9)),
		"office":          ref("131014", "Munich"),
		"department":      ref("281521", "Customer Support"),
		"date_of_birth":   mapping.DateValue(unified.NewDate(1985, time.March, 14)),
	}}
}

// grant returns personio.Catalog with the given keys readable, as after merging the
// attribute list of credentials that may read exactly them.
func grant(keys ...string) *mapping.Catalog {
	attrs := make([]mapping.Attribute, len(keys))
	for i, k := range keys {
		attrs[i] = mapping.Attribute{Key: k, Available: true}
	}
	return personio.Catalog().Merge(mapping.NewCatalog(personio.ProviderName, attrs))
}

// fromPersonio compiles FromPersonioSpec against a Personio catalog that can read every
// attribute of personioEmployee.
func fromPersonio(t *testing.T) *mapping.Mapper {
	t.Helper()
	var keys []string
	for k := range personioEmployee().Values {
		keys = append(keys, k)
	}
	m, err := mapping.Compile(lattice.FromPersonioSpec(), grant(keys...))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

// TestFromPersonioSeedTable checks each row of seed 000's table "What Data Will be
// Transferred?" on the §1.4-like employee: the Personio field it reads, the Lattice field
// it fills and the value Lattice expects.
func TestFromPersonioSeedTable(t *testing.T) {
	t.Parallel()
	m := fromPersonio(t)
	out, err := m.Apply(personioEmployee())
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	rows := []struct {
		personio, lattice string // the seed's column texts
		source            string // the Personio key the row reads
		key               string // the output key, named after Lattice's field
		want              mapping.Value
	}{
		{"Employee ID", "External user ID", "id", "externalUserId", mapping.StringValue("1")},
		{"First Name + Last Name", "Name", "first_name+last_name", "name", mapping.StringValue("Alexander Bergmann")},
		{"Status", "Status", "status", "status", mapping.StringValue("ACTIVE")},
		{"Gender", "Gender", "gender", "gender", mapping.StringValue("Male")},
		{"Position", "Title", "position", "title", mapping.StringValue("CTO")},
		{"Supervisor", "Manager", "supervisor", "manager", mapping.StringValue("bianca.schmidt@demo.email")},
		{"Hire Date", "Start Date", "hire_date", "startDate", mapping.StringValue("2014-11-09")},
		{"Department", "Department", "department", "department", mapping.StringValue("Customer Support")},
		{"Email", "Email", "email", "email", mapping.StringValue("alexander.bergmann@demo.email")},
	}
	fields := map[string]mapping.CompiledField{}
	for _, f := range m.Fields() {
		fields[f.Target] = f
	}
	cat := personio.Catalog()
	for _, row := range rows {
		t.Run(row.personio+" → "+row.lattice, func(t *testing.T) {
			got, ok := out.Get(row.key)
			if !ok {
				t.Fatalf("output has no %q", row.key)
			}
			if diff := cmp.Diff(row.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", row.key, diff)
			}
			f := fields[row.key]
			var src string
			for i, a := range f.Sources {
				if i > 0 {
					src += "+"
				}
				src += a.Key
			}
			if src != row.source {
				t.Errorf("%s reads %q, want %q", row.key, src, row.source)
			}
			// The Personio column names resolve to the same attributes.
			for i, a := range f.Sources {
				label := []string{row.personio}
				if row.personio == "First Name + Last Name" {
					label = []string{"First Name", "Last Name"}
				}
				if r, err := cat.Resolve(label[i]); err != nil || r.Key != a.Key {
					t.Errorf("Resolve(%q) = %q, %v; want %q", label[i], r.Key, err, a.Key)
				}
			}
		})
	}
	// Employment type: "Not stored in Lattice, only used for filtering purposes".
	t.Run("Employment type → filter only", func(t *testing.T) {
		if _, ok := out.Get("employmentType"); ok {
			t.Error("employmentType is stored in the output")
		}
		v, ok := out.Filter("employmentType")
		if !ok || v.Str != "internal" {
			t.Errorf("Filter(employmentType) = %v, %v; want internal", v, ok)
		}
		data, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["employmentType"]; ok {
			t.Errorf("employmentType in the JSON record: %s", data)
		}
	})
}

func TestFromPersonioSeed001Fields(t *testing.T) {
	t.Parallel()
	out, err := fromPersonio(t).Apply(personioEmployee())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"externalUserId":"1","name":"Alexander Bergmann","status":"ACTIVE","gender":"Male","title":"CTO",` +
		`"manager":"bianca.schmidt@demo.email","startDate":"2014-11-09","department":"Customer Support",` +
		`"email":"alexander.bergmann@demo.email","preferredName":"Alexander","birthDate":"1985-03-14"}`
	if string(data) != want {
		t.Errorf("record:\n got %s\nwant %s", data, want)
	}
}

// TestFromPersonioContractors: seed 001 says Primary Job Title and Manager are "Not for
// contractors". Personio's external employees (as in §1.4) get neither key.
func TestFromPersonioContractors(t *testing.T) {
	t.Parallel()
	m := fromPersonio(t)
	for _, et := range []string{"external", "EXTERNAL"} {
		rec := personioEmployee()
		rec.Values["employment_type"] = mapping.StringValue(et)
		out, err := m.Apply(rec)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"title", "manager"} {
			if v, ok := out.Get(k); ok {
				t.Errorf("%s: %s = %v for a contractor", et, k, v)
			}
		}
		if v, _ := out.Get("name"); v.Str != "Alexander Bergmann" {
			t.Errorf("%s: name = %v", et, v)
		}
		if v, _ := out.Filter("employmentType"); v.Str != "external" {
			t.Errorf("%s: employmentType filter = %v", et, v)
		}
	}
}

func TestFromPersonioVocabulary(t *testing.T) {
	t.Parallel()
	m := fromPersonio(t)
	tests := []struct {
		attr, in string
		key      string
		want     mapping.Value
		wantErr  error
	}{
		{"status", "active", "status", mapping.StringValue("ACTIVE"), nil},
		{"status", "leave", "status", mapping.StringValue("ACTIVE"), nil},
		{"status", "onboarding", "status", mapping.StringValue("CREATED"), nil},
		{"status", "inactive", "status", mapping.StringValue("DEACTIVATED"), nil},
		{"status", "INACTIVE", "status", mapping.StringValue("DEACTIVATED"), nil},
		{"status", "fired", "status", mapping.Value{}, mapping.ErrTransform},
		{"status", "", "status", mapping.Value{}, mapping.ErrRequiredMissing},
		{"gender", "female", "gender", mapping.StringValue("Female"), nil},
		{"gender", "diverse", "gender", mapping.StringValue("NonBinary"), nil},
		{"gender", "UNSPECIFIED", "gender", mapping.StringValue("NotSet"), nil},
		{"gender", "", "gender", mapping.Value{}, nil},
		{"email", " Alexander.Bergmann@Demo.Email ", "email", mapping.StringValue("alexander.bergmann@demo.email"), nil},
		{"email", "Alexander <a@b.c>", "email", mapping.Value{}, mapping.ErrTransform},
		{"email", "", "email", mapping.Value{}, mapping.ErrRequiredMissing},
		{"employment_type", "", "employmentType", mapping.Value{}, mapping.ErrRequiredMissing},
		{"employment_type", "intern", "employmentType", mapping.Value{}, mapping.ErrTransform},
	}
	for _, tt := range tests {
		t.Run(tt.attr+"="+tt.in, func(t *testing.T) {
			rec := personioEmployee()
			rec.Values[tt.attr] = mapping.StringValue(tt.in)
			out, err := m.Apply(rec)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if _, ok := out.Get(tt.key); ok {
					t.Errorf("failed field %s is in the output", tt.key)
				}
				if v, _ := out.Get("externalUserId"); v.Str != "1" {
					t.Errorf("other fields missing after a field error: %+v", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := out.Get(tt.key)
			if tt.key == "employmentType" {
				got, _ = out.Filter(tt.key)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.key, diff)
			}
		})
	}
	// A supervisor without a readable email leaves manager empty (null), not an error.
	rec := personioEmployee()
	rec.Values["supervisor"] = mapping.RefValue(unified.Ref{ID: "2", Name: "Bianca Schmidt"})
	out, err := m.Apply(rec)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := out.Get("manager"); !ok || !v.IsEmpty() {
		t.Errorf("manager = %v, %v; want present and empty", v, ok)
	}
}

func missingKeys(list []mapping.MissingAttribute) []string {
	var out []string
	for _, ma := range list {
		out = append(out, ma.Key)
	}
	return out
}

// TestFromPersonioCheckSeedRequired: seed 000 lists six attributes as "required to create
// a new user in Lattice"; with nothing enabled, exactly those are required.
func TestFromPersonioCheckSeedRequired(t *testing.T) {
	t.Parallel()
	m, err := mapping.Compile(lattice.FromPersonioSpec(), personio.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	r := mapping.Check(m, personio.Catalog())
	seedRequired := []string{"Employee ID", "Email", "First name", "Last name", "Status", "Employment type"}
	var want []string
	for _, label := range seedRequired {
		a, err := personio.Catalog().Resolve(label)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, a.Key)
	}
	// Listed in the order the mapper first reads them; the seed's order differs.
	if diff := cmp.Diff(want, missingKeys(r.Required()), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("required (-seed +got):\n%s", diff)
	}
	// Seed 000's non-mandatory attributes, and seed 001's extras.
	wantOpt := []string{"gender", "position", "supervisor", "hire_date", "department", "preferred_name", "date_of_birth"}
	if diff := cmp.Diff(wantOpt, missingKeys(r.Optional())); diff != "" {
		t.Errorf("optional (-want +got):\n%s", diff)
	}
	wantErr := `mapping: 6 required personio attributes are not available: "id" (Employee ID), "first_name" (Vorname / First name), "last_name" (Nachname / Last name), "status" (Status), "employment_type" (Anstellungsart / Employment type), "email" (E-Mail / Email): required value missing`
	if err := r.Err(); !errors.Is(err, mapping.ErrRequiredMissing) || err.Error() != wantErr {
		t.Errorf("Err:\n got %v\nwant %s", err, wantErr)
	}

	// Enabling the six clears every required item.
	r = mapping.Check(m, grant("id", "email", "first_name", "last_name", "status", "employment_type"))
	if err := r.Err(); err != nil {
		t.Errorf("with the six enabled: Err = %v", err)
	}
	if diff := cmp.Diff(wantOpt, missingKeys(r.Missing)); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}

	// Name joins first and last name: each is required on its own.
	r = mapping.Check(m, grant("id", "email", "first_name", "status", "employment_type"))
	if diff := cmp.Diff([]string{"last_name"}, missingKeys(r.Required())); diff != "" {
		t.Errorf("required without last_name (-want +got):\n%s", diff)
	}
	ln := r.Required()[0]
	if !cmp.Equal(ln.Degraded, []string{"name"}) || len(ln.Targets) != 0 {
		t.Errorf("last_name: Targets %v, Degraded %v; want name degraded", ln.Targets, ln.Degraded)
	}
}

// TestSpecGolden keeps the JSON form of the presets in testdata, so that every change to
// one shows up as a reviewable diff of its mapping table. Run `go test -run TestSpecGolden
// -update` after an intended change.
func TestSpecGolden(t *testing.T) {
	for name, spec := range map[string]*mapping.Spec{
		"default_spec":       lattice.DefaultSpec(),
		"from_personio_spec": lattice.FromPersonioSpec(),
	} {
		path := filepath.Join("testdata", name+".json")
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
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(want, pretty.Bytes()) {
			t.Errorf("%s differs from %s; run with -update if the change is intended:\n%s", name, path, pretty.Bytes())
		}
		loaded, err := mapping.LoadSpec(bytes.NewReader(want))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if back, _ := loaded.MarshalJSON(); !bytes.Equal(back, data) {
			t.Errorf("%s does not round-trip through LoadSpec", path)
		}
	}
}
