package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The programs start and stop fake servers: none may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var update = flag.Bool("update", false, "rewrite docs/orgchart-sample.svg")

const samplePath = "../../docs/orgchart-sample.svg"

func draw(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("run(%q): %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

var nodeID = regexp.MustCompile(`<g class="node[^"]*"><title>[^<]* · ID ([^ <]+)`)

// drawn returns the IDs of the people drawn in an SVG chart, sorted, after checking
// that it is well-formed XML.
func drawn(t *testing.T, svg string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
	}
	var out []string
	for _, m := range nodeID.FindAllStringSubmatch(svg, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// activeIDs returns the IDs of the people who are not leavers, as the provider numbers
// them, sorted.
func activeIDs(c *fakecompany.Company, lattice bool) []string {
	var out []string
	for _, p := range c.People {
		if p.Status == unified.StatusInactive {
			continue
		}
		if lattice {
			out = append(out, p.LatticeID)
		} else {
			out = append(out, strconv.Itoa(p.ID))
		}
	}
	slices.Sort(out)
	return out
}

func TestOrgchartSVG(t *testing.T) {
	t.Parallel()
	svg, stderr := draw(t, "-fake", "-people", "40")
	c := fakecompany.Generate(cli.SampleSeed, 40, nil)
	if diff := cmp.Diff(activeIDs(c, false), drawn(t, svg)); diff != "" {
		t.Errorf("people drawn (-want +got):\n%s", diff)
	}
	if want := "<title>" + c.Name + " (sample company)</title>"; !strings.Contains(svg, want) {
		t.Errorf("the SVG has no %s", want)
	}
	if !strings.Contains(stderr, "0 problems") || strings.Contains(stderr, "problem:") {
		t.Errorf("stderr %q: the generated company has no problems", stderr)
	}

	// -all draws the leavers too; Lattice numbers people by UUID.
	svg, _ = draw(t, "-fake", "-people", "40", "-all", "-provider", "lattice")
	var all []string
	for _, p := range c.People {
		all = append(all, p.LatticeID)
	}
	slices.Sort(all)
	if diff := cmp.Diff(all, drawn(t, svg)); diff != "" {
		t.Errorf("people drawn with -all (-want +got):\n%s", diff)
	}
}

// DOT and Mermaid: one edge per person with a manager in the chart.
func TestOrgchartTextFormats(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(cli.SampleSeed, 30, nil)
	edges := 0
	for _, p := range c.People {
		if m := c.Person(p.SupervisorID); m != nil && p.Status != unified.StatusInactive && m.Status != unified.StatusInactive {
			edges++
		}
	}
	dot, _ := draw(t, "-fake", "-people", "30", "-format", "dot")
	if !strings.HasPrefix(dot, "digraph") || strings.Count(dot, " -> ") != edges {
		t.Errorf("DOT: %d edges, want %d:\n%s", strings.Count(dot, " -> "), edges, dot)
	}
	path := filepath.Join(t.TempDir(), "chart.mmd")
	draw(t, "-fake", "-people", "30", "-format", "mermaid", "-o", path)
	mmd, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(mmd), "flowchart TD") || strings.Count(string(mmd), " --> ") != edges {
		t.Errorf("Mermaid: %d edges, want %d:\n%s", strings.Count(string(mmd), " --> "), edges, mmd)
	}
}

// failingWriter accepts limit bytes, then fails every write, as stdout redirected to
// /dev/full does.
type failingWriter struct{ limit, n int }

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		k := w.limit - w.n
		w.n = w.limit
		return k, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

// What goes wrong: the exit code and the one message the program prints.
func TestOrgchartErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		args   []string
		stdout io.Writer
		code   int
		msg    string // the start of what is printed
	}{
		{name: "unknown format", args: []string{"-fake", "-format", "png"}, code: cli.ExitUsage,
			msg: `orgchart: -format "png": want svg, dot or mermaid` + "\nRun 'orgchart -h' for usage.\n"},
		{name: "negative depth", args: []string{"-fake", "-max-depth", "-1"}, code: cli.ExitUsage, msg: "orgchart: -max-depth -1: want at least 0\n"},
		{name: "two providers", args: []string{"-fake", "-provider", "all"}, code: cli.ExitUsage, msg: "orgchart: this program reads one directory"},
		{name: "unknown provider", args: []string{"-fake", "-provider", "hibob"}, code: cli.ExitUsage,
			msg: `orgchart: unknown -provider "hibob": want personio or lattice`},
		{name: "huge company", args: []string{"-fake", "-people", "1000000"}, code: cli.ExitUsage, msg: "orgchart: -people 1000000: want 1 to 100000"},
		{name: "stray argument", args: []string{"-fake", "stray"}, code: cli.ExitUsage, msg: `orgchart: unexpected arguments ["stray"]`},
		{name: "full disk", args: []string{"-fake"}, stdout: &failingWriter{limit: 100}, code: cli.ExitFailure,
			msg: "orgchart: writing the output: no space left on device\n"},
		{name: "full disk, mermaid", args: []string{"-fake", "-format", "mermaid", "-people", "3"}, stdout: &failingWriter{limit: 10}, code: cli.ExitFailure,
			msg: "orgchart: writing the output: no space left on device\n"},
		{name: "interrupted", ctx: cancelled, args: []string{"-fake"}, code: cli.ExitInterrupted, msg: "orgchart: interrupted\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, stdout := tc.ctx, tc.stdout
			if ctx == nil {
				ctx = context.Background()
			}
			if stdout == nil {
				stdout = io.Discard
			}
			var report strings.Builder
			code := cli.Report(&report, "orgchart", run(ctx, tc.args, stdout, io.Discard))
			if code != tc.code {
				t.Errorf("exit code %d, want %d (%s)", code, tc.code, report.String())
			}
			if !strings.HasPrefix(report.String(), tc.msg) {
				t.Errorf("message %q, want it to start with %q", report.String(), tc.msg)
			}
		})
	}
}

// An interrupted listing leaves the -o file as it was.
func TestOrgchartInterruptedKeepsOutput(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "chart.svg")
	if err := os.WriteFile(path, []byte("the previous chart"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, []string{"-fake", "-o", path}, io.Discard, io.Discard); !errors.Is(err, context.Canceled) {
		t.Fatalf("run = %v, want context.Canceled", err)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "the previous chart" {
		t.Errorf("the output file now holds %q (%v)", data, err)
	}
}

// docs/orgchart-sample.svg is what the program draws for the sample company.
func TestOrgchartSampleUpToDate(t *testing.T) {
	t.Parallel()
	svg, _ := draw(t, "-fake")
	if *update {
		if err := os.WriteFile(samplePath, []byte(svg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != svg {
		t.Errorf("%s is out of date: run go generate ./examples/orgchart (or go test ./examples/orgchart -update)", samplePath)
	}
}

// Reporting-line problems go to stderr. A manager who left: drawing only the active
// people, the manager's reports are orphans; drawing everyone, they have an inactive
// manager. Read through the environment, as a real Personio would be.
func TestOrgchartProblems(t *testing.T) {
	srv := personiotest.NewTestServer(t, personiotest.WithGenerated(5, 30))
	var left int
	var reports []int
	srv.Mutate(func(c *personiotest.Company) {
		for _, p := range c.People {
			if r := c.DirectReports(p.ID); p.SupervisorID != 0 && p.Status == unified.StatusActive && len(r) > 0 {
				left, reports = p.ID, r
				break
			}
		}
		if err := c.Terminate(left, fakecompany.DefaultToday(), c.People[0].UpdatedAt.Add(1e9)); err != nil {
			t.Error(err)
		}
	})
	if left == 0 {
		t.Fatal("the company has no manager below the top")
	}
	t.Setenv(cli.EnvPersonioClientID, srv.ClientID)
	t.Setenv(cli.EnvPersonioClientSecret, srv.ClientSecret)
	t.Setenv(cli.EnvPersonioBaseURL, srv.URL)
	t.Setenv(cli.EnvLatticeAPIKey, "")

	problems := func(stderr string) []string {
		var out []string
		for _, l := range strings.Split(stderr, "\n") {
			if kind, _, ok := strings.Cut(strings.TrimPrefix(l, "problem: "), ":"); ok && strings.HasPrefix(l, "problem: ") {
				out = append(out, kind)
			}
		}
		return out
	}
	_, stderr := draw(t, "-format", "dot")
	want := slices.Repeat([]string{"orphan"}, len(reports))
	if diff := cmp.Diff(want, problems(stderr)); diff != "" {
		t.Errorf("problems of the active people (-want +got):\n%s\nstderr:\n%s", diff, stderr)
	}
	_, stderr = draw(t, "-format", "dot", "-all")
	if got := problems(stderr); len(got) == 0 || slices.ContainsFunc(got, func(k string) bool { return k == "orphan" }) {
		t.Errorf("problems of everyone = %q, want the inactive manager and no orphans\nstderr:\n%s", got, stderr)
	}
	if !strings.Contains(stderr, strconv.Itoa(left)) {
		t.Errorf("stderr does not name the manager %d who left:\n%s", left, stderr)
	}
}
