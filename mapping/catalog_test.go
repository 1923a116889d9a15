package mapping

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolveVariants(t *testing.T) {
	t.Parallel()
	cat := builtinCatalog().Merge(NewCatalog("acme", []Attribute{
		{Key: "dynamic_1", LabelDE: "Geschäftsführer", Custom: true, Available: true},
		{Key: "dynamic_2", LabelDE: "Straße", Custom: true, Available: true},
	}))
	tests := []struct{ name, want string }{
		{"first_name", "first_name"},
		{"  VORNAME ", "first_name"},
		{"First Name", "first_name"},
		{"first-name", "first_name"},
		{"Name (preferred)", "preferred_name"},
		{"Geschaeftsfuehrer", "dynamic_1"},
		{"GESCHÄFTSFÜHRER", "dynamic_1"},
		{"geschäftsfuehrer", "dynamic_1"},
		{"Strasse", "dynamic_2"},
		{"Zuletzt geaendert", "last_modified_at"},
		{"Eintrittsdatum", "hire_date"},
		{"Geburtstag", "date_of_birth"},
		{"Birthday", "date_of_birth"},
		{"Vorgesetzter", "supervisor"},
		{"ID", "id"},
		{"dynamic_2", "dynamic_2"},
	}
	for _, tt := range tests {
		a, err := cat.Resolve(tt.name)
		if err != nil {
			t.Errorf("Resolve(%q): %v", tt.name, err)
			continue
		}
		if a.Key != tt.want {
			t.Errorf("Resolve(%q) = %q, want %q", tt.name, a.Key, tt.want)
		}
	}
}

func TestResolveUnknownSuggests(t *testing.T) {
	t.Parallel()
	cat := builtinCatalog()
	tests := []struct {
		name    string
		want    string // the whole message
		suggest []Suggestion
	}{
		{"Abteilungg", `unknown attribute "Abteilungg" in acme catalog; did you mean "Abteilung" (department)?`,
			[]Suggestion{{"Abteilung", "department"}}},
		{"Vornmae", `unknown attribute "Vornmae" in acme catalog; did you mean "Vorname" (first_name)?`,
			[]Suggestion{{"Vorname", "first_name"}}},
		{"hire_dat", `unknown attribute "hire_dat" in acme catalog; did you mean "hire_date"?`,
			[]Suggestion{{"hire_date", "hire_date"}}},
		{"Gehaltsabrechnung", `unknown attribute "Gehaltsabrechnung" in acme catalog`, nil},
	}
	for _, tt := range tests {
		_, err := cat.Resolve(tt.name)
		if !errors.Is(err, ErrUnknownAttribute) {
			t.Fatalf("Resolve(%q) err = %v, want ErrUnknownAttribute", tt.name, err)
		}
		if err.Error() != tt.want {
			t.Errorf("Resolve(%q) error:\n got %s\nwant %s", tt.name, err, tt.want)
		}
		var ue *UnknownAttributeError
		if !errors.As(err, &ue) {
			t.Fatalf("not an *UnknownAttributeError: %T", err)
		}
		if diff := cmp.Diff(tt.suggest, ue.Suggestions); diff != "" {
			t.Errorf("Resolve(%q) suggestions (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestResolveAmbiguous(t *testing.T) {
	t.Parallel()
	cat := NewCatalog("acme", []Attribute{
		{Key: "a", LabelEN: "Region", Available: true},
		{Key: "b", LabelDE: "Region", Available: true},
		{Key: "c", LabelEN: "Level"},
		{Key: "d", LabelEN: "Level", Available: true},
		{Key: "team", LabelEN: "Squad"},
		{Key: "e", LabelEN: "Team", Available: true},
	})
	if _, err := cat.Resolve("region"); !errors.Is(err, ErrAmbiguousAttribute) {
		t.Errorf("Resolve(region) err = %v, want ErrAmbiguousAttribute", err)
	}
	// An available attribute wins over an unavailable one with the same label...
	if a, err := cat.Resolve("level"); err != nil || a.Key != "d" {
		t.Errorf("Resolve(level) = %q, %v; want d", a.Key, err)
	}
	// ...and a key (folded) over a label.
	if a, err := cat.Resolve("TEAM"); err != nil || a.Key != "team" {
		t.Errorf("Resolve(TEAM) = %q, %v; want team", a.Key, err)
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	base := builtinCatalog()
	api := NewCatalog("acme", []Attribute{
		{Key: "department", UniversalID: "department", Labels: []string{"Abteilung"}, Type: "standard", Available: true},
		{Key: "dynamic_7", Labels: []string{"Personal Number"}, Custom: true, Available: true},
		{Key: "dynamic_8", UniversalID: "iban", Labels: []string{"IBAN"}, Custom: true, Available: true},
	})
	merged := base.Merge(api)

	dept, _ := merged.Lookup("department")
	if !dept.Available || dept.LabelDE != "Abteilung" || dept.LabelEN != "Department" {
		t.Errorf("department = %+v, want available with both labels", dept)
	}
	// The placeholder took the tenant's key; every name it had still resolves.
	for _, name := range []string{"Personalnummer", "Personal Number", "personal_number", "dynamic_7"} {
		a, err := merged.Resolve(name)
		if err != nil || a.Key != "dynamic_7" || !a.Available || !a.Custom {
			t.Errorf("Resolve(%q) = %+v, %v; want available custom dynamic_7", name, a, err)
		}
	}
	if _, ok := merged.Lookup("personal_number"); ok {
		t.Error("placeholder key personal_number still present after the merge")
	}
	if a, err := merged.Resolve("iban"); err != nil || a.Key != "dynamic_8" {
		t.Errorf("Resolve(iban) = %q, %v; want dynamic_8 by universal id", a.Key, err)
	}
	// Not enabled: still known, still unavailable.
	if a, _ := merged.Lookup("gender"); a.Available {
		t.Error("gender became available")
	}
	// The inputs are untouched.
	if a, _ := base.Lookup("department"); a.Available {
		t.Error("Merge modified its receiver")
	}
	if _, ok := base.Lookup("dynamic_8"); ok {
		t.Error("Merge added to its receiver")
	}
	if got, want := len(merged.Attributes), len(base.Attributes)+1; got != want {
		t.Errorf("len(merged) = %d, want %d", got, want)
	}
}

func TestCatalogLiteralIsUsable(t *testing.T) {
	t.Parallel()
	// A Catalog written as a struct literal has no index; it must still work.
	cat := &Catalog{Provider: "own", Attributes: []Attribute{{Key: "dept", LabelEN: "Department", Available: true}}}
	if a, err := cat.Resolve("department"); err != nil || a.Key != "dept" {
		t.Errorf("Resolve = %q, %v", a.Key, err)
	}
	if _, ok := cat.Lookup("dept"); !ok {
		t.Error("Lookup failed")
	}
	m, err := Compile(&Spec{Fields: []Field{{Target: "department.name", Sources: []string{"Department"}}}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.SourceKeys(); !cmp.Equal(got, []string{"dept"}) {
		t.Errorf("SourceKeys = %v", got)
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" Zuletzt geändert ": "zuletztgeaendert",
		"E-Mail":             "email",
		"first_name":         "firstname",
		"STRAẞE":             "strasse",
		"Ölförderung":        "oelfoerderung",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	if !strings.Contains(fold("Name (preferred)"), "(") {
		t.Error("fold dropped parentheses")
	}
}
