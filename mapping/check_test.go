package mapping

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// grant returns the built-in catalog with the given keys enabled, as after
// merging an API catalog that lists exactly them.
func grant(keys ...string) *Catalog {
	attrs := make([]Attribute, len(keys))
	for i, k := range keys {
		attrs[i] = Attribute{Key: k, Available: true}
	}
	return builtinCatalog().Merge(NewCatalog("acme", attrs))
}

func missingKeys(list []MissingAttribute) []string {
	var out []string
	for _, ma := range list {
		out = append(out, ma.Key)
	}
	return out
}

func TestCheckTodoText(t *testing.T) {
	t.Parallel()
	m, err := Compile(userSpec(), builtinCatalog())
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"id", "Personalnummer", "email", "first_name", "last_name", "preferred_name", "position", "gender",
		"status", "employment_type", "team", "office", "subcompany", "supervisor", "hire_date", "termination_date",
		"last_working_day", "date_of_birth", "created_at", "last_modified_at"}
	var keys []string
	for _, n := range all {
		a, _ := builtinCatalog().Resolve(n)
		keys = append(keys, a.Key)
	}
	r := Check(m, grant(keys...))
	want := `1 optional attribute is missing:
  - Acme attribute "department" (Abteilung / Department) is not enabled for these API credentials: enable it under Settings → API; without it "department" stays empty`
	if got := r.String(); got != want {
		t.Errorf("String:\n got %s\nwant %s", got, want)
	}
	if r.Err() != nil {
		t.Errorf("Err = %v for an optional attribute", r.Err())
	}
}

func TestCheckTargetsAndDegraded(t *testing.T) {
	t.Parallel()
	m, err := Compile(userSpec(), builtinCatalog())
	if err != nil {
		t.Fatal(err)
	}
	r := Check(m, grant("id", "status", "first_name", "last_name"))
	byKey := map[string]MissingAttribute{}
	for _, ma := range r.Missing {
		byKey[ma.Key] = ma
	}
	pn := byKey["preferred_name"]
	if !cmp.Equal(pn.Targets, []string{"preferred_name"}) || !cmp.Equal(pn.Degraded, []string{"display_name"}) || pn.Required {
		t.Errorf("preferred_name = %+v; want preferred_name empty, display_name degraded", pn)
	}
	if _, ok := byKey["first_name"]; ok {
		t.Error("first_name reported although enabled")
	}
	// Required ones first: nothing required is missing here.
	if len(r.Required()) != 0 {
		t.Errorf("required = %v", missingKeys(r.Required()))
	}

	r = Check(m, grant("first_name"))
	if diff := cmp.Diff([]string{"id", "status"}, missingKeys(r.Required())); diff != "" {
		t.Errorf("required (-want +got):\n%s", diff)
	}
	if r.Missing[0].Key != "id" || r.Missing[1].Key != "status" {
		t.Errorf("required are not listed first: %v", missingKeys(r.Missing))
	}
	s := r.String()
	if !strings.HasPrefix(s, "2 required attributes are missing:\n  - Acme attribute \"id\" (Employee ID) is not enabled") {
		t.Errorf("String starts %q", s[:min(len(s), 120)])
	}
}

func TestCheckConditionsDefaultsAndAbsent(t *testing.T) {
	t.Parallel()
	spec := &Spec{Fields: []Field{
		{Target: "title", Sources: []string{"position"}, When: &Condition{Source: "Anstellungsart", NotIn: []string{"external"}}},
		{Target: "status", Sources: []string{"status"}, Required: true, Default: &Value{Kind: KindString, Str: "active"}},
		{Target: "custom.x", Sources: []string{"dynamic_5"}, Required: true},
	}}
	m, err := Compile(spec, builtinCatalog(), WithStrict(false))
	if err != nil {
		t.Fatal(err)
	}
	r := Check(m, grant("position"))
	want := []MissingAttribute{
		{Key: "dynamic_5", Targets: []string{"custom.x"}, Required: true, Absent: true},
		{Key: "employment_type", LabelEN: "Employment type", LabelDE: "Anstellungsart", Conditions: []string{"title"}},
		{Key: "status", LabelEN: "Status", LabelDE: "Status", Degraded: []string{"status"}},
	}
	if diff := cmp.Diff(want, r.Missing); diff != "" {
		t.Errorf("Missing (-want +got):\n%s", diff)
	}
	s := r.String()
	for _, part := range []string{
		`Acme attribute "dynamic_5" is not in the attribute list of these API credentials: check the key`,
		`without it the condition of "title" cannot be checked`,
		`Acme attribute "status" (Status) is not enabled`,
		`without it "status" may be incomplete`,
	} {
		if !strings.Contains(s, part) {
			t.Errorf("String lacks %q:\n%s", part, s)
		}
	}

	if r := Check(m, builtinCatalog().Merge(grant("position", "employment_type", "status", "dynamic_5"))); !r.OK() {
		t.Errorf("all enabled: %s", r)
	}
	if got := Check(nil, nil); !got.OK() {
		t.Errorf("Check(nil) = %+v", got)
	}
}
