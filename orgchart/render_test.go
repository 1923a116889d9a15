package orgchart_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/orgchart"
	"github.com/hrisconnect/hrisconnect/unified"
)

var synthUpdate = flag.Bool("update", false, "rewrite the golden files in testdata")

// synthGolden compares got with testdata/name, or rewrites the file with -update.
func synthGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *synthUpdate {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); diff != "" {
		t.Errorf("%s differs (-golden +got; go test -update rewrites it):\n%s", path, diff)
	}
}

// synthFixture is a small company with awkward names, a cycle, an orphan and an inactive
// manager: the input of the golden files.
func synthFixture() []unified.User {
	exec := &unified.Ref{ID: "d-exec", Name: "Executive"}
	eng := &unified.Ref{ID: "d-eng", Name: "Engineering & Research"}
	sales := &unified.Ref{ID: "d-sales", Name: `Sales "EMEA"`}
	mk := func(id, name, title string, dept *unified.Ref, mgr string) unified.User {
		u := unified.User{ID: id, DisplayName: name, Title: title, Department: dept, Status: unified.StatusActive}
		if mgr != "" {
			u.Manager = &unified.Ref{ID: mgr}
		}
		return u
	}
	users := []unified.User{
		mk("u01", "Ada Lovelace", "Chief Executive Officer", exec, ""),
		mk("u02", "Björn <Bear> Ström", "VP Engineering & Research", eng, "u01"),
		mk("u03", "李雷", "Staff Engineer\nPlatform", eng, "u02"),
		mk("u04", "Zoë O'Brien", `Engineer #1 "backend"`, eng, "u03"),
		mk("u05", `Back\slash Person`, "Engineer with a remarkably long job title that will not fit", eng, "u03"),
		mk("u06", "Grace `Amazing` Hopper", "Engineer", eng, "u02"),
		mk("u07", "Hedy Lamarr", "Engineer", eng, "u02"),
		mk("u08", "Sam Seller", "VP Sales", sales, "u01"),
		mk("u09", "Rita Rep", "Account Executive", sales, "u08"),
		mk("u10", "Rick Rep", "Account Executive", sales, "u08"),
		mk("u11", "Cy Cycle", "Analyst", nil, "u12"),
		mk("u12", "Dee Cycle", "Analyst", nil, "u11"),
		mk("u13", "Olaf Orphan", "Consultant", sales, "m-gone"),
	}
	users[7].Status = unified.StatusInactive // Sam: Rita and Rick have an inactive manager
	users[9].Status = unified.StatusInactive // Rick is inactive too: only Rita is flagged
	return users
}

func TestWriteDOTGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := orgchart.Build(synthFixture()).WriteDOT(&buf); err != nil {
		t.Fatal(err)
	}
	synthCheckDOT(t, buf.String())
	synthGolden(t, "orgchart.dot.golden", buf.Bytes())
}

func TestWriteMermaidGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := orgchart.Build(synthFixture()).WriteMermaid(&buf); err != nil {
		t.Fatal(err)
	}
	synthCheckMermaid(t, buf.String())
	synthGolden(t, "orgchart.mmd.golden", buf.Bytes())
}

var (
	dotQuoted = `"(?:[^"\\\n]|\\.)*"`
	dotLine   = regexp.MustCompile(`^(?:digraph orgchart \{|\}|` +
		`\t(?:graph|node|edge) \[[^\n]*\];|` +
		`\tn\d+ \[label=` + dotQuoted + `, tooltip=` + dotQuoted + `, fillcolor="#[0-9a-f]{6}"(?:, color="#[0-9a-f]{6}", penwidth=2)?\];|` +
		`\tn\d+ -> n\d+(?: \[style=dashed, color="#[0-9a-f]{6}", constraint=false, xlabel="cycle"\])?;)$`)
	mermaidLabel = `"(?:[^"<>&#` + "`" + `\n]|<br/>|#(?:quot|\d+);)*"`
	mermaidLine  = regexp.MustCompile(`^(?:flowchart TD|` +
		`    n\d+\[` + mermaidLabel + `\]|` +
		`    n\d+ (?:-->|-\.->\|cycle\|) n\d+|` +
		`    classDef (?:dept\d+|problem) [a-z-]+:[#0-9a-z]+(?:,[a-z-]+:[#0-9a-z]+)*|` +
		`    class n\d+(?:,n\d+)* (?:dept\d+|problem))$`)
)

// synthCheckDOT checks every line of a DOT chart against the grammar WriteDOT promises.
func synthCheckDOT(t *testing.T, out string) {
	t.Helper()
	if !strings.HasSuffix(out, "}\n") {
		t.Errorf("DOT output does not end with }")
	}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !dotLine.MatchString(line) {
			t.Errorf("DOT line %d is not valid: %q", i+1, line)
		}
	}
}

func synthCheckMermaid(t *testing.T, out string) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !mermaidLine.MatchString(line) {
			t.Errorf("Mermaid line %d is not valid: %q", i+1, line)
		}
	}
}

func TestRenderEscaping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, title string
		dot         string // expected label in DOT
		mermaid     string // expected label in Mermaid
	}{
		{name: `Ann "Annie" Lee`, dot: `Ann \"Annie\" Lee`, mermaid: `Ann #quot;Annie#quot; Lee`},
		{name: "A<b>&c", title: "x > y", dot: `A<b>&c\nx > y`, mermaid: `A#60;b#62;#38;c<br/>x #62; y`},
		{name: "Line\nbreak\r\n  here\t!", dot: `Line break here !`, mermaid: `Line break here !`},
		{name: `back\slash`, dot: `back\\slash`, mermaid: `back\slash`},
		{name: "Zoë 李 Ólafur", title: "Ingénieure", dot: `Zoë 李 Ólafur\nIngénieure`, mermaid: `Zoë 李 Ólafur<br/>Ingénieure`},
		{name: "#1 `code` #quot;", dot: "#1 `code` #quot;", mermaid: "#35;1 #96;code#96; #35;quot;"},
		{name: "bad \xff utf8 \x01", dot: "bad \uFFFD utf8", mermaid: "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.dot, func(t *testing.T) {
			t.Parallel()
			c := orgchart.Build([]unified.User{{ID: "x", DisplayName: tt.name, Title: tt.title}})
			var dot, mmd bytes.Buffer
			if err := c.WriteDOT(&dot); err != nil {
				t.Fatal(err)
			}
			if err := c.WriteMermaid(&mmd); err != nil {
				t.Fatal(err)
			}
			if want := `label="` + tt.dot + `"`; !strings.Contains(dot.String(), want) {
				t.Errorf("DOT lacks %s:\n%s", want, dot.String())
			}
			if want := `n0["` + tt.mermaid + `"]`; !strings.Contains(mmd.String(), want) {
				t.Errorf("Mermaid lacks %s:\n%s", want, mmd.String())
			}
			synthCheckDOT(t, dot.String())
			synthCheckMermaid(t, mmd.String())
		})
	}
}

func TestRenderGeneratedCompany(t *testing.T) {
	t.Parallel()
	co := synth.Generate(synth.Options{N: 300, Seed: 21, Cycles: []int{3}, Orphans: 2, SelfManagers: 1, InactiveManagers: 1})
	c := orgchart.Build(co.Users)
	var dot, mmd bytes.Buffer
	if err := c.WriteDOT(&dot); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMermaid(&mmd); err != nil {
		t.Fatal(err)
	}
	synthCheckDOT(t, dot.String())
	synthCheckMermaid(t, mmd.String())
	// One node per user, one edge per manager link inside the chart.
	links := 0
	for id := range c.Tree() {
		if _, ok := c.Manager(id); ok {
			links++
		}
	}
	if got := strings.Count(dot.String(), " [label="); got != c.Len() {
		t.Errorf("DOT has %d nodes, want %d", got, c.Len())
	}
	if got := strings.Count(dot.String(), " -> "); got != links {
		t.Errorf("DOT has %d edges, want %d", got, links)
	}
	if got := strings.Count(mmd.String(), `["`); got != c.Len() {
		t.Errorf("Mermaid has %d nodes, want %d", got, c.Len())
	}
	if got := strings.Count(mmd.String(), "-->") + strings.Count(mmd.String(), "-.->"); got != links {
		t.Errorf("Mermaid has %d edges, want %d", got, links)
	}
	if got := strings.Count(dot.String(), `xlabel="cycle"`); got != 1 {
		t.Errorf("DOT has %d cycle edges, want 1", got)
	}
	// Deterministic: the same chart from shuffled input renders the same.
	var again bytes.Buffer
	if err := orgchart.Build(synth.Shuffle(co.Users, 4)).WriteDOT(&again); err != nil {
		t.Fatal(err)
	}
	if dot.String() != again.String() {
		t.Error("WriteDOT output depends on the input order")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrPermission }

func TestRenderWriteErrors(t *testing.T) {
	t.Parallel()
	c := orgchart.Build(synthFixture())
	for name, write := range map[string]func() error{
		"dot":     func() error { return c.WriteDOT(failWriter{}) },
		"mermaid": func() error { return c.WriteMermaid(failWriter{}) },
		"svg":     func() error { return c.WriteSVG(failWriter{}, nil) },
	} {
		if err := write(); !errors.Is(err, os.ErrPermission) {
			t.Errorf("%s: error = %v, want the writer's error", name, err)
		}
	}
}
