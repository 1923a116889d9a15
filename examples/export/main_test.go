package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The programs start and stop fake servers: none may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// exportFake runs the program against the fakes and returns stdout and stderr.
func exportFake(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), append([]string{"-fake"}, args...), &out, &errOut); err != nil {
		t.Fatalf("run(%q): %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

func readCSV(t *testing.T, data string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the output is not CSV: %v", err)
	}
	return rows
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// A CSV export holds every person of the company, in order, with the progress line
// giving the total Personio reports.
func TestExportCSV(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "people.csv")
	_, stderr := exportFake(t, "-people", "230", "-page-size", "50", "-progress", "0", "-o", path)
	rows := readCSV(t, string(readFile(t, path)))
	if diff := cmp.Diff(csvHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	c := fakecompany.Generate(cli.SampleSeed, 230, nil)
	if len(rows)-1 != len(c.People) {
		t.Fatalf("%d rows, want %d", len(rows)-1, len(c.People))
	}
	for i, p := range c.People {
		r := rows[i+1]
		got := []string{r[col["provider"]], r[col["id"]], r[col["email"]], r[col["first_name"]], r[col["status"]], r[col["start_date"]]}
		want := []string{"personio", strconv.Itoa(p.ID), p.Email, p.FirstName, p.Status.String(), p.HireDate.String()}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i+1, diff)
		}
	}
	// One progress line per page; Personio reports the total, so there is an ETA.
	wantLines := []string{"50 users, 1 pages", "100 users, 2 pages", "150 users, 3 pages", "200 users, 4 pages", "done: 230 users, 5 pages"}
	got := lines(stderr)[1:] // after the "exporting ..." line
	if len(got) != len(wantLines) {
		t.Fatalf("progress lines %q, want %d", got, len(wantLines))
	}
	for i, w := range wantLines {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("progress line %d = %q, want it to start with %q", i, got[i], w)
		}
		if i < 4 && !strings.Contains(got[i], "of 230, ETA ") {
			t.Errorf("progress line %d = %q has no ETA", i, got[i])
		}
	}
}

// JSON Lines is the unified snapshot format; its header records the provider and the
// filter.
func TestExportJSONLines(t *testing.T) {
	t.Parallel()
	stdout, _ := exportFake(t, "-provider", "lattice", "-format", "jsonl", "-people", "40", "-status", "active,leave")
	sr := snapshot.NewReader(strings.NewReader(stdout))
	h, err := sr.Header()
	if err != nil || h == nil {
		t.Fatalf("header %+v, %v", h, err)
	}
	filter := unified.Filter{Statuses: []unified.Status{unified.StatusActive, unified.StatusLeave}}
	if h.Provider != "lattice" || h.TakenAt.IsZero() || h.Filter.Fingerprint() != filter.Fingerprint() {
		t.Errorf("header %+v: want lattice, a time and the filter %+v", h, filter)
	}
	var got, want []string
	for u, err := range sr.Users() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u.ID+" "+u.Email)
	}
	for _, p := range fakecompany.Generate(cli.SampleSeed, 40, nil).People {
		if p.Status == unified.StatusActive || p.Status == unified.StatusLeave {
			want = append(want, p.LatticeID+" "+p.Email)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

// An export stopped after two pages and resumed gives the same file as one run; so does
// one whose last page was written but not recorded in the resume file; so does one with
// a filter, in JSON Lines.
func TestExportResume(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		crash bool // a page written after the last record of the resume file
		rows  int  // lines in the file after two pages
	}{
		{name: "csv", args: []string{"-page-size", "60"}, rows: 121},
		{name: "csv, crashed", args: []string{"-page-size", "60"}, crash: true, rows: 121},
		{name: "jsonl with a filter", args: []string{"-page-size", "60", "-format", "jsonl", "-status", "active", "-department", "Engineering,Sales"}},
		{name: "lattice jsonl, crashed", args: []string{"-provider", "lattice", "-page-size", "60", "-format", "jsonl"}, crash: true, rows: 121},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			common := append([]string{"-people", "260"}, tc.args...)
			whole := filepath.Join(dir, "whole")
			exportFake(t, append(common, "-o", whole)...)
			want := readFile(t, whole)

			out := filepath.Join(dir, "part")
			resume := filepath.Join(dir, "part.resume")
			args := append(common, "-o", out, "-resume-file", resume)
			_, stderr := exportFake(t, append(args, "-max-pages", "2")...)
			if !strings.Contains(stderr, "stopped after ") || !strings.Contains(stderr, ", 2 pages (-max-pages)") {
				t.Errorf("stderr %q does not report the stop", stderr)
			}
			part := readFile(t, out)
			if n := len(lines(string(part))); tc.rows > 0 && n != tc.rows {
				t.Errorf("after two pages the file has %d lines, want the header and 120", n)
			}
			if _, err := os.Stat(resume); err != nil {
				t.Fatalf("no resume file after a stopped export: %v", err)
			}
			if tc.crash {
				if err := os.WriteFile(out, append(part, "personio,99999,half a row\n"...), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, stderr = exportFake(t, args...)
			if !strings.Contains(stderr, "resuming the ") || !strings.Contains(stderr, " (2 pages)") {
				t.Errorf("stderr %q does not report the resumption", stderr)
			}
			got := readFile(t, out)
			if slices.Contains(tc.args, "jsonl") { // the headers differ in their time
				got, want = withoutHeader(t, got), withoutHeader(t, want)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the resumed export differs from a whole one (%d bytes, want %d)", len(got), len(want))
			}
			if _, err := os.Stat(resume); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the resume file is still there after the export finished: %v", err)
			}
		})
	}
}

// withoutHeader returns a JSON Lines snapshot without its header line, after checking
// that the header names the provider.
func withoutHeader(t *testing.T, b []byte) []byte {
	t.Helper()
	h, err := snapshot.NewReader(bytes.NewReader(b)).Header()
	if err != nil || h == nil || h.Provider == "" {
		t.Fatalf("header %+v, %v", h, err)
	}
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	return rest
}

// cancelAfter is a stderr that cancels the export's context once it has reported the
// given number of pages: Ctrl-C between two pages.
type cancelAfter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	pages  string
	cancel context.CancelFunc
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if strings.Contains(w.b.String(), w.pages) {
		w.cancel()
	}
	return len(p), nil
}

// Ctrl-C after three pages: the program says how to continue, and running that
// continues where it stopped.
func TestExportInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	common := []string{"-fake", "-people", "260", "-page-size", "50", "-progress", "0"}
	whole := filepath.Join(dir, "whole.csv")
	exportFake(t, append(common[1:], "-o", whole)...)

	out, resume := filepath.Join(dir, "people.csv"), filepath.Join(dir, "people.resume")
	args := append(common, "-o", out, "-resume-file", resume)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelAfter{pages: "150 users, 3 pages", cancel: cancel}
	var report strings.Builder
	code := cli.Report(&report, "export", run(ctx, args, io.Discard, stderr))
	if code != cli.ExitInterrupted {
		t.Errorf("exit code %d, want %d", code, cli.ExitInterrupted)
	}
	if want := "export: interrupted; run again with -resume-file " + resume + " to continue\n"; report.String() != want {
		t.Errorf("message %q, want %q", report.String(), want)
	}
	if n := len(readCSV(t, string(readFile(t, out)))); n != 151 {
		t.Errorf("the interrupted file has %d rows, want the header and 150", n)
	}
	exportFake(t, args[1:]...)
	if !bytes.Equal(readFile(t, out), readFile(t, whole)) {
		t.Error("the continued export differs from a whole one")
	}

	// Without a resume file: what is incomplete.
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-o", out}, "export: interrupted; " + out + " is incomplete (with -resume-file an export can continue where it stopped)\n"},
		{nil, "export: interrupted; the output is incomplete\n"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		report.Reset()
		stderr := &cancelAfter{pages: "50 users, 1 pages", cancel: cancel}
		code := cli.Report(&report, "export", run(ctx, append(common, tc.args...), io.Discard, stderr))
		cancel()
		if code != cli.ExitInterrupted || report.String() != tc.msg {
			t.Errorf("%q: exit code %d, message %q; want %d, %q", tc.args, code, report.String(), cli.ExitInterrupted, tc.msg)
		}
	}
}

// Ctrl-C before the first page leaves an existing output file as it was.
func TestExportInterruptedBeforeFirstPage(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(out, []byte("last week's export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var report strings.Builder
	code := cli.Report(&report, "export", run(ctx, []string{"-fake", "-o", out}, io.Discard, io.Discard))
	if code != cli.ExitInterrupted || report.String() != "export: interrupted; nothing was written\n" {
		t.Errorf("exit code %d, message %q", code, report.String())
	}
	if got := string(readFile(t, out)); got != "last week's export\n" {
		t.Errorf("the output file now holds %q", got)
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

// What goes wrong on the command line and on the output: the exit code and the one
// message the program prints.
func TestExportErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		stdout io.Writer
		code   int
		msg    string // the start of what is printed
	}{
		{name: "help", args: []string{"-h"}, code: cli.ExitOK},
		{name: "unknown format", args: []string{"-format", "xml"}, code: cli.ExitUsage,
			msg: "export: -format \"xml\": want csv or jsonl\nRun 'export -h' for usage.\n"},
		{name: "resume without -o", args: []string{"-resume-file", filepath.Join(dir, "r")}, code: cli.ExitUsage,
			msg: "export: -resume-file needs -o"},
		{name: "resume file is the output", args: []string{"-o", filepath.Join(dir, "x"), "-resume-file", filepath.Join(dir, "x")}, code: cli.ExitUsage,
			msg: "export: -resume-file and -o name the same file"},
		{name: "both providers", args: []string{"-provider", "all"}, code: cli.ExitUsage, msg: "export: this program reads one directory"},
		{name: "unknown provider", args: []string{"-provider", "bamboohr"}, code: cli.ExitUsage, msg: `export: unknown -provider "bamboohr"`},
		{name: "negative page size", args: []string{"-page-size", "-1"}, code: cli.ExitUsage, msg: "export: -page-size -1: want at least 0\n"},
		{name: "negative max pages", args: []string{"-max-pages", "-3"}, code: cli.ExitUsage, msg: "export: -max-pages -3: want at least 0\n"},
		{name: "negative progress", args: []string{"-progress", "-1s"}, code: cli.ExitUsage, msg: "export: -progress -1s: want 0 or more\n"},
		{name: "unknown status", args: []string{"-status", "active,retired"}, code: cli.ExitUsage, msg: `export: -status "retired": want active, inactive`},
		{name: "huge company", args: []string{"-people", "100000000"}, code: cli.ExitUsage, msg: "export: -people 100000000: want 1 to 100000"},
		{name: "full disk, csv", args: []string{"-people", "300"}, stdout: &failingWriter{limit: 4000}, code: cli.ExitFailure,
			msg: "export: writing the output: no space left on device\n"},
		{name: "full disk, jsonl", args: []string{"-format", "jsonl"}, stdout: &failingWriter{limit: 100}, code: cli.ExitFailure,
			msg: "export: writing the output: no space left on device\n"},
		{name: "full disk, header", args: nil, stdout: &failingWriter{limit: 0}, code: cli.ExitFailure,
			msg: "export: writing the output: no space left on device\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout := tc.stdout
			if stdout == nil {
				stdout = io.Discard
			}
			var report strings.Builder
			code := cli.Report(&report, "export", run(context.Background(), append([]string{"-fake"}, tc.args...), stdout, io.Discard))
			if code != tc.code {
				t.Errorf("exit code %d, want %d (%s)", code, tc.code, report.String())
			}
			if !strings.HasPrefix(report.String(), tc.msg) {
				t.Errorf("message %q, want it to start with %q", report.String(), tc.msg)
			}
		})
	}
}

// A resume file that is corrupt, or belongs to another export, or whose output changed,
// fails with a usage error that says what is wrong, and leaves the output untouched.
func TestExportBadResumeState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, resume := filepath.Join(dir, "people.csv"), filepath.Join(dir, "people.resume")
	base := []string{"-people", "150", "-page-size", "50", "-o", out, "-resume-file", resume}
	exportFake(t, append(base, "-max-pages", "1")...)
	goodOut, goodState := readFile(t, out), readFile(t, resume)
	var state map[string]any
	if err := json.Unmarshal(goodState, &state); err != nil {
		t.Fatal(err)
	}
	// edit returns the resume file with one field changed (or removed, for nil).
	edit := func(field string, v any) []byte {
		m := map[string]any{}
		for k, v := range state {
			m[k] = v
		}
		if v == nil {
			delete(m, field)
		} else {
			m[field] = v
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name   string
		state  []byte // the resume file
		output []byte // the output file; nil for goodOut
		args   []string
		msg    string
	}{
		{name: "not JSON", state: []byte("{not json"), msg: "not a resume file of this program (invalid character"},
		{name: "empty", state: []byte{}, msg: "not a resume file of this program (EOF)"},
		{name: "unknown field", state: edit("extra", 1), msg: `not a resume file of this program (json: unknown field "extra")`},
		{name: "old version", state: edit("version", 1), msg: "format version 1, this program reads version 2"},
		{name: "no cursor", state: edit("cursor", nil), msg: "a field is missing or out of range"},
		{name: "negative offset", state: edit("offset", -5), msg: "a field is missing or out of range"},
		{name: "relative output", state: edit("output", "people.csv"), msg: "a field is missing or out of range"},
		{name: "too large", state: bytes.Repeat([]byte(" "), maxResumeSize+1), msg: "larger than 64 KiB"},
		{name: "another provider", state: edit("provider", "lattice"), msg: "it records a csv export of lattice to " + out + ", not a csv export of personio"},
		{name: "another format", state: goodState, args: []string{"-format", "jsonl"}, msg: "it records a csv export of personio to " + out + ", not a jsonl export"},
		{name: "another output", state: edit("output", filepath.Join(dir, "other.csv")), msg: "it records a csv export of personio to " + filepath.Join(dir, "other.csv")},
		{name: "another filter", state: goodState, args: []string{"-status", "active"}, msg: "it records an export with no filter, not with -status active"},
		{name: "a filter edited", state: edit("filter", map[string]any{"statuses": []string{"leave"}}), msg: "it records an export with -status leave, not with no filter"},
		{name: "tampered cursor", state: edit("cursor", "AAAA"), msg: "the provider rejects its cursor (personio: invalid cursor"},
		{name: "cursor of another filter", state: edit("filter", map[string]any{"departments": []string{"Sales"}}), args: []string{"-department", "Sales"},
			msg: "the provider rejects its cursor (personio: invalid cursor: made for a different filter"},
		{name: "output shorter", state: goodState, output: goodOut[:100], msg: "is shorter (100 bytes) than it records"},
		{name: "output replaced", state: goodState, output: bytes.Repeat([]byte("x"), len(goodOut)), msg: "does not start with the header of this program's CSV"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := filepath.Join(dir, strconv.Itoa(i))
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
			o, r := filepath.Join(d, "people.csv"), filepath.Join(d, "people.resume")
			output := tc.output
			if output == nil {
				output = goodOut
			}
			st := bytes.ReplaceAll(tc.state, []byte(strconv.Quote(out)), []byte(strconv.Quote(o)))
			if err := os.WriteFile(o, output, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(r, st, 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-fake", "-people", "150", "-page-size", "50", "-o", o, "-resume-file", r}, tc.args...)
			err := run(context.Background(), args, io.Discard, io.Discard)
			var report strings.Builder
			if code := cli.Report(&report, "export", err); code != cli.ExitUsage {
				t.Errorf("exit code %d, want %d: %v", code, cli.ExitUsage, err)
			}
			msg := strings.ReplaceAll(tc.msg, out, o)
			if !strings.HasPrefix(report.String(), "export: resume file "+r+": ") || !strings.Contains(report.String(), msg) ||
				!strings.Contains(report.String(), "; delete it to start over\n") {
				t.Errorf("message %q, want one about %s saying %q", report.String(), r, msg)
			}
			if got := readFile(t, o); !bytes.Equal(got, output) {
				t.Errorf("the output changed: %d bytes, was %d", len(got), len(output))
			}
		})
	}
}

// Cells a spreadsheet would run as formulas are written as text; everything else as it
// is.
func TestTextCell(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"Anna-Lena Müller-Lüdenscheidt", "Anna-Lena Müller-Lüdenscheidt"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{"", ""},
		{"2024-01-31", "2024-01-31"},
	}
	for _, tc := range tests {
		if got := textCell(tc.in); got != tc.want {
			t.Errorf("textCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The CSV writer neutralises every cell, whichever field it comes from.
func TestCSVFormulaCells(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	cfg := &config{format: "csv"}
	o, err := openOutput(cfg, "personio", nil, &b)
	if err != nil {
		t.Fatal(err)
	}
	u := unified.User{Provider: "personio", ID: "1", Email: "@evil.example", FirstName: "\tx", LastName: "\rx",
		DisplayName: "Anna-Lena Schmidt", Title: "-2", Department: &unified.Ref{ID: "+1", Name: `=HYPERLINK("http://x","y")`}}
	if err := o.writePage([]unified.User{u}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b.String())
	got := map[string]string{}
	for i, name := range rows[0] {
		got[name] = rows[1][i]
	}
	want := map[string]string{"email": "'@evil.example", "first_name": "'\tx", "last_name": "'\rx", "display_name": "Anna-Lena Schmidt",
		"title": "'-2", "department_id": "'+1", "department": `'=HYPERLINK("http://x","y")`}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// End to end: names from a directory that would be formulas come out as text, through
// the environment, as a real Personio would be read.
func TestExportFormulaNames(t *testing.T) {
	c := personiotest.GenerateCompany(3, 8)
	names := [][2]string{
		{`=HYPERLINK("http://x","y")`, "Evil"},
		{"+1", "-2"},
		{"@SUM(A1)", "Smith"},
		{"Anna-Lena", "Meyer-Hoffmann"},
	}
	for i, n := range names {
		c.People[i+1].FirstName, c.People[i+1].LastName = n[0], n[1]
	}
	srv := personiotest.NewTestServer(t, personiotest.WithCompany(c))
	t.Setenv(cli.EnvPersonioClientID, srv.ClientID)
	t.Setenv(cli.EnvPersonioClientSecret, srv.ClientSecret)
	t.Setenv(cli.EnvPersonioBaseURL, srv.URL)
	t.Setenv(cli.EnvLatticeAPIKey, "")
	var out bytes.Buffer
	if err := run(context.Background(), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out.String())
	var got [][2]string
	for _, r := range rows[2:6] {
		got = append(got, [2]string{r[5], r[6]}) // first_name, last_name
	}
	want := [][2]string{
		{`'=HYPERLINK("http://x","y")`, "Evil"},
		{"'+1", "'-2"},
		{"'@SUM(A1)", "Smith"},
		{"Anna-Lena", "Meyer-Hoffmann"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if rows[0][5] != "first_name" || rows[0][6] != "last_name" {
		t.Errorf("header %q", rows[0])
	}
}
