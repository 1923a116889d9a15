package mapping

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/unified"
)

func compileLattice(t *testing.T) *Mapper {
	t.Helper()
	m, err := Compile(PersonioToLattice(), personioTenantCatalog())
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

// TestPersonioToLatticeSeedTable checks each row of seed 000's table "What Data Will be
// Transferred?" on the §1.4-like employee: the Personio field it reads, the Lattice field
// it fills and the value Lattice expects.
func TestPersonioToLatticeSeedTable(t *testing.T) {
	t.Parallel()
	m := compileLattice(t)
	out, err := m.Apply(personioRecord())
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	rows := []struct {
		personio, lattice string // the seed's column texts
		source            string // the Personio key the row reads
		key               string // the output key, named after Lattice's field
		want              Value
	}{
		{"Employee ID", "External user ID", "id", "externalUserId", StringValue("1")},
		{"First Name + Last Name", "Name", "first_name+last_name", "name", StringValue("Alexander Bergmann")},
		{"Status", "Status", "status", "status", StringValue("ACTIVE")},
		{"Gender", "Gender", "gender", "gender", StringValue("Male")},
		{"Position", "Title", "position", "title", StringValue("CTO")},
		{"Supervisor", "Manager", "supervisor", "manager", StringValue("bianca.schmidt@demo.email")},
		{"Hire Date", "Start Date", "hire_date", "startDate", StringValue("2014-11-09")},
		{"Department", "Department", "department", "department", StringValue("Customer Support")},
		{"Email", "Email", "email", "email", StringValue("alexander.bergmann@demo.email")},
	}
	fields := map[string]CompiledField{}
	for _, f := range m.Fields() {
		fields[f.Target] = f
	}
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
			cat := personioTenantCatalog()
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

func TestPersonioToLatticeSeed001Fields(t *testing.T) {
	t.Parallel()
	out, err := compileLattice(t).Apply(personioRecord())
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

// TestPersonioToLatticeContractors: seed 001 says Primary Job Title and Manager are "Not
// for contractors". Personio's external employees (as in §1.4) get neither key.
func TestPersonioToLatticeContractors(t *testing.T) {
	t.Parallel()
	m := compileLattice(t)
	for _, et := range []string{"external", "EXTERNAL"} {
		rec := personioRecord()
		rec.Values["employment_type"] = StringValue(et)
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

func TestPersonioToLatticeVocabulary(t *testing.T) {
	t.Parallel()
	m := compileLattice(t)
	tests := []struct {
		attr, in string
		key      string
		want     Value
		wantErr  error
	}{
		{"status", "active", "status", StringValue("ACTIVE"), nil},
		{"status", "leave", "status", StringValue("ACTIVE"), nil},
		{"status", "onboarding", "status", StringValue("CREATED"), nil},
		{"status", "inactive", "status", StringValue("DEACTIVATED"), nil},
		{"status", "INACTIVE", "status", StringValue("DEACTIVATED"), nil},
		{"status", "fired", "status", Value{}, ErrTransform},
		{"status", "", "status", Value{}, ErrRequiredMissing},
		{"gender", "female", "gender", StringValue("Female"), nil},
		{"gender", "diverse", "gender", StringValue("NonBinary"), nil},
		{"gender", "UNSPECIFIED", "gender", StringValue("NotSet"), nil},
		{"gender", "", "gender", Value{}, nil},
		{"email", " Alexander.Bergmann@Demo.Email ", "email", StringValue("alexander.bergmann@demo.email"), nil},
		{"email", "Alexander <a@b.c>", "email", Value{}, ErrTransform},
		{"email", "", "email", Value{}, ErrRequiredMissing},
		{"employment_type", "", "employmentType", Value{}, ErrRequiredMissing},
		{"employment_type", "intern", "employmentType", Value{}, ErrTransform},
	}
	for _, tt := range tests {
		t.Run(tt.attr+"="+tt.in, func(t *testing.T) {
			rec := personioRecord()
			rec.Values[tt.attr] = StringValue(tt.in)
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
	rec := personioRecord()
	rec.Values["supervisor"] = ref("2", "Bianca Schmidt")
	out, err := m.Apply(rec)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := out.Get("manager"); !ok || !v.IsEmpty() {
		t.Errorf("manager = %v, %v; want present and empty", v, ok)
	}
}

func TestPersonioToUnifiedV2Vocabulary(t *testing.T) {
	t.Parallel()
	m := compilePersonioToUnified(t)
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
		rec := personioRecord()
		rec.Values["status"] = StringValue(tt.status)
		rec.Values["gender"] = StringValue(tt.gender)
		rec.Values["employment_type"] = StringValue(tt.employment)
		var u unified.User
		if err := m.ApplyUser(rec, &u); err != nil {
			t.Fatal(err)
		}
		if u.Status != tt.wantStatus || u.Gender != tt.wantGender || u.EmploymentType != tt.wantEmployment {
			t.Errorf("%s/%s/%s → %v/%q/%v", tt.status, tt.gender, tt.employment, u.Status, u.Gender, u.EmploymentType)
		}
	}
}

func TestLatticeToUnified(t *testing.T) {
	t.Parallel()
	m, err := Compile(LatticeToUnified(), LatticeCatalog())
	if err != nil {
		t.Fatal(err)
	}
	created := time.Unix(1651584000, 0).UTC()
	updated := time.Unix(1654125498, 0).UTC()
	// The user object of the Lattice API notes (§1.7), typed as an adapter would.
	rec := MapRecord{RecordID: "52d2420e", Values: map[string]Value{
		"id":             StringValue("52d2420e-cbd0-11ec-bfdd-93fec5413bdc"),
		"name":           StringValue("Ada King Lovelace"),
		"preferredName":  StringValue("Ada"),
		"email":          StringValue("ada@example.com"),
		"title":          StringValue("Staff Engineer"),
		"status":         StringValue("ACTIVE"),
		"isAdmin":        BoolValue(false),
		"externalUserId": StringValue("HR-1042"),
		"startDate":      StringValue("2021-03-01"),
		"birthDate":      date(1990, time.December, 10),
		"gender":         StringValue("Female"),
		"timezone":       StringValue("America/Los_Angeles"),
		"jobFunction":    {},
		"manager":        RefValue(unified.Ref{ID: "52d2780a"}),
		"department":     RefValue(unified.Ref{ID: "7f0c", Name: "Engineering"}),
		"createdAt":      TimeValue(created),
		"updatedAt":      TimeValue(updated),
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
		rec.Values["status"] = StringValue(in)
		var u unified.User
		if err := m.ApplyUser(rec, &u); err != nil || u.Status != wantStatus {
			t.Errorf("status %s → %v, %v; want %v", in, u.Status, err, wantStatus)
		}
	}
	// Without a preferred name the display name is the full name; NotSet is no gender.
	rec.Values["preferredName"] = Value{}
	rec.Values["gender"] = StringValue("NotSet")
	u = unified.User{}
	if err := m.ApplyUser(rec, &u); err != nil {
		t.Fatal(err)
	}
	if u.DisplayName != "Ada King Lovelace" || u.Gender != "" {
		t.Errorf("DisplayName, Gender = %q, %q", u.DisplayName, u.Gender)
	}
}
