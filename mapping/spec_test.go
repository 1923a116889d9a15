package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var specCmp = cmp.Options{cmpopts.IgnoreUnexported(Spec{}), cmpopts.EquateEmpty()}

const fullSpecJSON = `{
  "version": 1,
  "name": "everything",
  "output": "user",
  "fields": [
    {"target": "id", "source": "id", "required": true, "transforms": ["text"]},
    {"target": "display_name", "source": "Name (preferred)", "transforms": ["trim"],
     "fallback": [{"sources": ["Vorname", "Nachname"], "transforms": [{"name": "join", "args": {"sep": " "}}]}],
     "note": "preferred, else first + last"},
    {"target": "last_name", "source": "name", "transforms": [{"name": "split", "args": {"index": -1, "rest": true, "sep": ","}}]},
    {"target": "status", "source": "status", "transforms": [
      {"name": "enum", "args": {"values": {"active": "active", "ONBOARDING": "onboarding"}, "fallback": "unknown"}}],
     "default": "active"},
    {"target": "start_date", "source": "hire_date",
     "transforms": [{"name": "date", "args": {"layouts": ["02.01.2006", "2006-01-02"], "tz": "Europe/Berlin"}}],
     "default": {"date": "2020-01-01"}},
    {"target": "created_at", "source": "created_at", "default": {"time": "2020-01-01T10:00:00+01:00"}},
    {"target": "manager", "sources": ["sup_id", "sup_name", "sup_mail"],
     "transforms": [{"name": "ref", "args": {"parts": ["id", "name", "email"]}}],
     "default": {"ref": {"id": "1", "name": "CEO"}}},
    {"target": "department.name", "source": "department", "transforms": [{"name": "pick", "args": {"part": "name"}}]},
    {"target": "email", "source": "email", "transforms": ["email", {"name": "default", "args": {"value": "none@example.com"}}]},
    {"target": "title", "source": "position", "when": {"source": "employment_type", "not_in": ["external", "contractor"]}},
    {"target": "gender", "source": "gender", "filter_only": true, "when": {"source": "status", "in": ["active"]}},
    {"target": "custom.level", "source": "level", "default": 3},
    {"target": "custom.flags", "source": "flags", "default": ["a", "b"]},
    {"target": "custom.remote", "source": "remote", "default": false},
    {"target": "custom.*", "source": "dynamic_*", "transforms": ["upper", "my_own"]}
  ]
}`

func TestSpecJSONRoundTrip(t *testing.T) {
	t.Parallel()
	first, err := LoadSpec(strings.NewReader(fullSpecJSON))
	if err != nil {
		t.Fatalf("LoadSpec: %v", err)
	}
	data, err := json.Marshal(first)
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	second, err := LoadSpec(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("LoadSpec(MarshalJSON): %v\n%s", err, data)
	}
	if diff := cmp.Diff(first, second, specCmp); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
	// A second trip writes the same bytes.
	again, err := json.Marshal(second)
	if err != nil || !bytes.Equal(data, again) {
		t.Errorf("marshal not stable:\n%s\n%s", data, again)
	}
	// Spot checks of what was read.
	f := first.Fields[1]
	if f.Sources[0] != "Name (preferred)" || f.Fallback[0].Transforms[0].Args["sep"] != " " || f.Note == "" {
		t.Errorf("display_name field = %+v", f)
	}
	if first.Fields[4].Default.Date().Year != 2020 || first.Fields[6].Default.Ref.Name != "CEO" {
		t.Errorf("typed defaults not read: %+v %+v", first.Fields[4].Default, first.Fields[6].Default)
	}
}

func TestGoSpecsRoundTrip(t *testing.T) {
	t.Parallel()
	for name, spec := range map[string]*Spec{
		"userSpec":   userSpec(),
		"importSpec": importSpec(),
	} {
		data, err := spec.MarshalJSON()
		if err != nil {
			t.Fatalf("%s: MarshalJSON: %v", name, err)
		}
		loaded, err := LoadSpec(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: LoadSpec: %v\n%s", name, err, data)
		}
		// Go-built args hold the same JSON-shaped values that LoadSpec produces.
		if diff := cmp.Diff(spec, loaded, specCmp); diff != "" {
			t.Errorf("%s round trip (-built +loaded):\n%s", name, diff)
		}
	}
}

func TestLoadSpecErrors(t *testing.T) {
	t.Parallel()
	field := func(s string) string { return `{"fields": [` + s + `]}` }
	tests := []struct{ name, json, want string }{
		{"not JSON", `{"fields": [}`, "mapping: invalid JSON at byte"},
		{"trailing data", `{"fields": []} {}`, "data after the spec object"},
		{"not an object", `[]`, "mapping: want an object, got an array"},
		{"unknown top-level key", `{"fields": [], "feilds": []}`, "mapping: feilds: unknown key (known: version, name, output, fields)"},
		{"duplicate key", `{"fields": [], "fields": []}`, "mapping: fields: duplicate key"},
		{"missing fields", `{"version": 1}`, "mapping: fields: missing"},
		{"bad version", `{"version": 2, "fields": []}`, "mapping: version: unsupported version 2 (want 1)"},
		{"bad output", `{"output": "csv", "fields": []}`, `mapping: output: want "user" or "record", got "csv"`},
		{"unknown field key", field(`{"target": "title", "source": "position", "trasnforms": []}`),
			"mapping: fields[0].trasnforms: unknown key"},
		{"missing target", field(`{"source": "position"}`), "mapping: fields[0].target: missing target"},
		{"unknown target", field(`{"target": "titel", "source": "position"}`),
			`mapping: fields[0].target: unknown unified.User target "titel"; did you mean "title"?`},
		{"no source", field(`{"target": "title"}`), `mapping: fields[0]: want "source" or "sources"`},
		{"source and sources", field(`{"target": "title", "source": "a", "sources": ["b"]}`),
			`mapping: fields[0].sources: give "source" or "sources", not both`},
		{"source not a string", field(`{"target": "title", "source": 7}`), "mapping: fields[0].source: want a string, got a number"},
		{"sources item", field(`{"target": "title", "sources": ["a", null]}`), "mapping: fields[0].sources[1]: want a string, got null"},
		{"empty source", field(`{"target": "title", "source": " "}`), "mapping: fields[0].sources[0]: empty source"},
		{"pattern outside wildcard", field(`{"target": "title", "source": "dyn*"}`), "fields[0].sources[0]: a source pattern with '*' needs the target custom.*"},
		{"bad transform arg type", field(`{"target": "title", "source": "a"}, {"target": "email", "source": "b"},
			{"target": "gender", "source": "c"}, {"target": "display_name", "sources": ["a", "b"], "transforms": ["trim", {"name": "join", "args": {"sep": 1}}]}`),
			"mapping: fields[3].transforms[1].args.sep: want a string, got a number"},
		{"unknown transform arg", field(`{"target": "title", "source": "a", "transforms": [{"name": "join", "args": {"seperator": " "}}]}`),
			"mapping: fields[0].transforms[0].args.seperator: unknown argument of join (known: sep)"},
		{"args to an argument-less transform", field(`{"target": "title", "source": "a", "transforms": [{"name": "lower", "args": {"x": 1}}]}`),
			"mapping: fields[0].transforms[0].args.x: unknown argument: lower takes no arguments"},
		{"transform shape", field(`{"target": "title", "source": "a", "transforms": [7]}`),
			`mapping: fields[0].transforms[0]: want a transform name or {"name": ..., "args": {...}}, got a number`},
		{"transform compact form", field(`{"target": "title", "source": "a", "transforms": [{"join": {"sep": " "}}]}`),
			"mapping: fields[0].transforms[0].join: unknown key (known: name, args)"},
		{"transform without name", field(`{"target": "title", "source": "a", "transforms": [{"args": {}}]}`),
			"mapping: fields[0].transforms[0].name: missing transform name"},
		{"split index not integer", field(`{"target": "title", "source": "a", "transforms": [{"name": "split", "args": {"index": 1.5}}]}`),
			"fields[0].transforms[0].args.index: want an integer, got 1.5"},
		{"split rest not bool", field(`{"target": "title", "source": "a", "transforms": [{"name": "split", "args": {"rest": "yes"}}]}`),
			"fields[0].transforms[0].args.rest: want a boolean, got a string"},
		{"date bad zone", field(`{"target": "start_date", "source": "a", "transforms": [{"name": "date", "args": {"tz": "Mars/Olympus"}}]}`),
			`fields[0].transforms[0].args.tz: unknown time zone "Mars/Olympus"`},
		{"date layouts item", field(`{"target": "start_date", "source": "a", "transforms": [{"name": "date", "args": {"layouts": ["2006", 1]}}]}`),
			"fields[0].transforms[0].args.layouts[1]: want a string, got a number"},
		{"date no layouts", field(`{"target": "start_date", "source": "a", "transforms": [{"name": "date", "args": {"layouts": []}}]}`),
			"fields[0].transforms[0].args.layouts: want at least one layout"},
		{"enum missing values", field(`{"target": "status", "source": "a", "transforms": [{"name": "enum", "args": {"fallback": "x"}}]}`),
			"fields[0].transforms[0].args.values: missing"},
		{"enum value type", field(`{"target": "status", "source": "a", "transforms": [{"name": "enum", "args": {"values": {"a": 1}}}]}`),
			"fields[0].transforms[0].args.values.a: want a string, got a number"},
		{"enum duplicate keys", field(`{"target": "status", "source": "a", "transforms": [{"name": "enum", "args": {"values": {"active": "x", "ACTIVE": "y"}}}]}`),
			"fields[0].transforms[0].args.values.active: duplicate key"},
		{"enum keep and fallback", field(`{"target": "status", "source": "a", "transforms": [{"name": "enum", "args": {"values": {"a": "b"}, "fallback": "x", "keep_unknown": true}}]}`),
			`fields[0].transforms[0].args.keep_unknown: cannot be combined with "fallback"`},
		{"default arg missing", field(`{"target": "title", "source": "a", "transforms": [{"name": "default"}]}`),
			"fields[0].transforms[0].args.value: missing"},
		{"ref bad part", field(`{"target": "manager", "sources": ["a"], "transforms": [{"name": "ref", "args": {"parts": ["id", "phone"]}}]}`),
			`fields[0].transforms[0].args.parts[1]: want "id", "name" or "email", got "phone"`},
		{"pick bad part", field(`{"target": "title", "source": "a", "transforms": [{"name": "pick", "args": {"part": "phone"}}]}`),
			`fields[0].transforms[0].args.part: want "id", "name" or "email", got "phone"`},
		{"fallback shape", field(`{"target": "title", "source": "a", "fallback": [{"source": "b", "required": true}]}`),
			"fields[0].fallback[0].required: unknown key (known: source, sources, transforms)"},
		{"fallback transform arg", field(`{"target": "title", "source": "a", "fallback": [{"source": "b", "transforms": [{"name": "join", "args": {"sep": true}}]}]}`),
			"fields[0].fallback[0].transforms[0].args.sep: want a string, got a boolean"},
		{"default shape", field(`{"target": "title", "source": "a", "default": {"day": "2020-01-01"}}`),
			`fields[0].default.day: unknown key (want "date", "time" or "ref")`},
		{"default date", field(`{"target": "start_date", "source": "a", "default": {"date": "01.01.2020"}}`),
			`fields[0].default.date: want a date as YYYY-MM-DD, got "01.01.2020"`},
		{"default empty", field(`{"target": "title", "source": "a", "default": ""}`), "fields[0].default: want a non-empty default"},
		{"required type", field(`{"target": "title", "source": "a", "required": "yes"}`), "fields[0].required: want a boolean, got a string"},
		{"when both", field(`{"target": "title", "source": "a", "when": {"source": "b", "in": ["x"], "not_in": ["y"]}}`),
			`fields[0].when: want exactly one of "in" and "not_in"`},
		{"when unknown key", field(`{"target": "title", "source": "a", "when": {"source": "b", "equals": "x"}}`),
			"fields[0].when.equals: unknown key"},
		{"wildcard with two sources", field(`{"target": "custom.*", "sources": ["a*", "b*"]}`),
			"fields[0].sources: custom.* takes exactly one source key pattern"},
		{"number out of range", field(`{"target": "title", "source": "a", "default": 1e999}`), "fields[0].default: number 1e999 out of range"},
		{"too deep", `{"fields": [{"target": "title", "source": "a", "default": ` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}]}`,
			"nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := LoadSpec(strings.NewReader(tt.json))
			if err == nil {
				t.Fatalf("LoadSpec succeeded: %+v", s)
			}
			if !errors.Is(err, ErrInvalidSpec) {
				t.Errorf("err = %v does not match ErrInvalidSpec", err)
			}
			var se *SpecError
			if !errors.As(err, &se) {
				t.Errorf("err = %T, want a *SpecError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err:\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLoadSpecLimits(t *testing.T) {
	t.Parallel()
	big := `{"fields": [], "name": "` + strings.Repeat("x", MaxSpecSize) + `"}`
	if _, err := LoadSpec(strings.NewReader(big)); !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized spec: err = %v", err)
	}
	// The record output accepts any target, and unknown transforms wait for Compile.
	s, err := LoadSpec(strings.NewReader(`{"output": "record", "fields": [{"target": "Whatever Key", "source": "a", "transforms": ["mine"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(s, nil); !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), `fields[0].transforms[0].name: unknown transform "mine"`) {
		t.Errorf("Compile with an unregistered transform: err = %v", err)
	}
	if _, err := Compile(s, nil, WithTransform("mine", func(in []Value) (Value, error) { return in[0], nil })); err != nil {
		t.Errorf("Compile with the transform registered: %v", err)
	}
}

func TestSpecUnmarshalJSON(t *testing.T) {
	t.Parallel()
	var cfg struct {
		Mapping Spec `json:"mapping"`
	}
	if err := json.Unmarshal([]byte(`{"mapping": {"fields": [{"target": "title", "source": "position"}]}}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Mapping.Fields) != 1 || cfg.Mapping.Fields[0].Target != "title" {
		t.Errorf("spec = %+v", cfg.Mapping)
	}
	err := json.Unmarshal([]byte(`{"mapping": {"fields": [{"target": "title", "sourec": "position"}]}}`), &cfg)
	if !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("strictness lost inside a struct: err = %v", err)
	}
}

func TestSpecWithDoesNotMutate(t *testing.T) {
	t.Parallel()
	preset := userSpec()
	before, err := preset.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	n := len(preset.Fields)
	titleFrom := Field{Target: "title", Sources: []string{"dynamic_24407"}}
	extra := Field{Target: "custom.iban", Sources: []string{"IBAN"}}
	layered := preset.With(titleFrom, extra).Without("gender")

	after, err := preset.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) || len(preset.Fields) != n {
		t.Fatal("With/Without modified the preset")
	}
	if len(layered.Fields) != 0 {
		t.Errorf("a Without layer holds fields: %+v", layered.Fields)
	}
	eff := layered.Effective()
	targets := make([]string, len(eff))
	for i, f := range eff {
		targets[i] = f.Target
	}
	// One field removed (gender, after title), one added at the end.
	if len(eff) != n || slicesIndex(targets, "gender") >= 0 || targets[len(targets)-1] != "custom.iban" {
		t.Errorf("effective targets = %v", targets)
	}
	i := slicesIndex(targets, "title")
	if pi := slicesIndex(fieldTargets(preset.Fields), "title"); i != pi {
		t.Errorf("title moved: %d, preset %d", i, pi)
	}
	if eff[i].Sources[0] != "dynamic_24407" {
		t.Errorf("title not replaced: %+v", eff[i])
	}
	if got := preset.Effective()[slicesIndex(fieldTargets(preset.Fields), "title")].Sources[0]; got != "position" {
		t.Errorf("preset title source = %q", got)
	}
}

func fieldTargets(fs []Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Target
	}
	return out
}

func slicesIndex(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return -1
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	cat := tenantCatalog()
	tests := []struct {
		name string
		spec *Spec
		want string
		is   error
	}{
		{"unknown label", userSpec().With(Field{Target: "department", Sources: []string{"Abteilungg"}}),
			`mapping: fields[11].sources[0]: unknown attribute "Abteilungg" in acme catalog; did you mean "Abteilung" (department)?`, ErrUnknownAttribute},
		{"unknown fallback source", &Spec{Fields: []Field{{Target: "title", Sources: []string{"position"},
			Fallback: []Alternative{{Sources: []string{"Positon"}}}}}},
			`fields[0].fallback[0].sources[0]: unknown attribute "Positon"`, ErrUnknownAttribute},
		{"unknown condition source", &Spec{Fields: []Field{{Target: "title", Sources: []string{"position"},
			When: &Condition{Source: "Anstelungsart", NotIn: []string{"external"}}}}},
			`fields[0].when.source: unknown attribute "Anstelungsart" in acme catalog; did you mean "Anstellungsart" (employment_type)?`, ErrUnknownAttribute},
		{"duplicate target", &Spec{Fields: []Field{{Target: "title", Sources: []string{"a"}}, {Target: "title", Sources: []string{"b"}}}},
			`fields[1].target: duplicate target "title" (also fields[0])`, ErrInvalidSpec},
		{"two wildcards", &Spec{Fields: []Field{{Target: "custom.*", Sources: []string{"dynamic_*"}}, {Target: "custom.*", Sources: []string{"x*"}}}},
			"fields[1].target: only one custom.* field is allowed", ErrInvalidSpec},
		{"ref with too many sources", &Spec{Fields: []Field{{Target: "manager", Sources: []string{"a", "b", "c"}, Transforms: []Transform{MakeRef("id", "name")}}}},
			"fields[0].sources: ref fills 2 parts but the field has 3 sources", ErrInvalidSpec},
		{"bad version", &Spec{Version: 3}, "version: unsupported version 3", ErrInvalidSpec},
		{"bad output", &Spec{Output: "xml"}, `output: want "user" or "record"`, ErrInvalidSpec},
		{"Go-built bad args", &Spec{Fields: []Field{{Target: "title", Sources: []string{"a"}, Transforms: []Transform{Split(",", 0, false), {Name: "split", Args: map[string]any{"index": "1"}}}}}},
			"fields[0].transforms[1].args.index: want an integer, got a string", ErrInvalidSpec},
		{"nil spec", nil, "nil spec", ErrInvalidSpec},
		{"wildcard transforms checked with no match", &Spec{Fields: []Field{{Target: "custom.*", Sources: []string{"nomatch_*"}, Transforms: []Transform{{Name: "nope"}}}}},
			`fields[0].transforms[0].name: unknown transform "nope"`, ErrInvalidSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := cat
			if strings.HasPrefix(tt.name, "ref") || strings.HasPrefix(tt.name, "Go-built") {
				c = nil
			}
			_, err := Compile(tt.spec, c)
			if !errors.Is(err, tt.is) || !errors.Is(err, ErrInvalidSpec) {
				t.Errorf("err = %v, want %v and ErrInvalidSpec", err, tt.is)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err:\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestCompileLenient(t *testing.T) {
	t.Parallel()
	spec := &Spec{Fields: []Field{{Target: "title", Sources: []string{"dynamic_77777"}}}}
	if _, err := Compile(spec, builtinCatalog()); !errors.Is(err, ErrUnknownAttribute) {
		t.Fatalf("strict compile: err = %v", err)
	}
	m, err := Compile(spec, builtinCatalog(), WithStrict(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.SourceKeys(); !cmp.Equal(got, []string{"dynamic_77777"}) {
		t.Errorf("SourceKeys = %v", got)
	}
	r := Check(m, builtinCatalog())
	if len(r.Missing) != 1 || !r.Missing[0].Absent || r.Missing[0].Key != "dynamic_77777" {
		t.Errorf("Check = %+v, want dynamic_77777 absent", r.Missing)
	}
}

func TestMapperIntrospection(t *testing.T) {
	t.Parallel()
	m, err := Compile(importSpec(), tenantCatalog())
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"date_of_birth", "department", "email", "employment_type", "first_name", "gender",
		"hire_date", "id", "last_name", "position", "preferred_name", "status", "supervisor"}
	if diff := cmp.Diff(wantKeys, m.SourceKeys()); diff != "" {
		t.Errorf("SourceKeys (-want +got):\n%s", diff)
	}
	keys := m.SourceKeys()
	keys[0] = "changed"
	if m.SourceKeys()[0] != "date_of_birth" {
		t.Error("SourceKeys exposes the mapper's slice")
	}
	if m.Output() != OutputRecord || m.Provider() != "acme" {
		t.Errorf("Output, Provider = %q, %q", m.Output(), m.Provider())
	}
	for _, f := range m.Fields() {
		if f.Target != "title" {
			continue
		}
		if f.Condition == nil || f.Condition.Key != "employment_type" || len(f.Sources) != 1 || f.Sources[0].LabelDE != "Position" ||
			!cmp.Equal(f.Transforms, []string{"trim"}) || f.Path != "fields[4]" {
			t.Errorf("title field = %+v", f)
		}
	}
}
