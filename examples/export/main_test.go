package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/providers"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/snapshot"
)

// The programs start and stop fake servers: none may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// export runs the program and returns stdout and stderr.
func export(t *testing.T, args ...string) (string, string) {
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

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// A CSV export holds every person of the company, in order, with the progress line
// giving the total Personio reports.
func TestExportCSV(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "people.csv")
	_, stderr := export(t, "-people", "230", "-page-size", "50", "-progress", "0", "-o", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, string(data))
	if diff := cmp.Diff(csvHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	c := fakecompany.Generate(providers.SampleSeed, 230, nil)
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
	got := lines(stderr)[1:] // after the "reading ..." line
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

// JSON Lines is the unified snapshot format.
func TestExportJSONLines(t *testing.T) {
	t.Parallel()
	stdout, _ := export(t, "-provider", "lattice", "-format", "jsonl", "-people", "40")
	sr := snapshot.NewReader(strings.NewReader(stdout))
	h, err := sr.Header()
	if err != nil || h == nil || h.Provider != "lattice" || h.TakenAt.IsZero() {
		t.Fatalf("header %+v, %v; want one naming lattice with a time", h, err)
	}
	var got, want []string
	for u, err := range sr.Users() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u.ID+" "+u.Email)
	}
	for _, p := range fakecompany.Generate(providers.SampleSeed, 40, nil).People {
		want = append(want, p.LatticeID+" "+p.Email)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

// An export stopped after two pages and resumed gives the same file as one run; so does
// one whose last page was written but not recorded in the resume file.
func TestExportResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	common := []string{"-people", "260", "-page-size", "60"}
	whole := filepath.Join(dir, "whole.csv")
	export(t, append(common, "-o", whole)...)
	want, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}

	for _, crash := range []bool{false, true} {
		out := filepath.Join(dir, "part-"+strconv.FormatBool(crash)+".csv")
		resume := out + ".resume"
		args := append(common, "-o", out, "-resume-file", resume)
		_, stderr := export(t, append(args, "-max-pages", "2")...)
		if !strings.Contains(stderr, "stopped after 120 users, 2 pages") {
			t.Errorf("stderr %q does not report the stop", stderr)
		}
		part, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(readCSV(t, string(part))); n != 121 {
			t.Errorf("after two pages the file has %d rows, want the header and 120", n)
		}
		if _, err := os.Stat(resume); err != nil {
			t.Fatalf("no resume file after a stopped export: %v", err)
		}
		if crash { // a page written after the last record of the resume file
			if err := os.WriteFile(out, append(part, "personio,99999,half a row\n"...), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		_, stderr = export(t, args...)
		if !strings.Contains(stderr, "resuming personio export after 120 users (2 pages)") {
			t.Errorf("stderr %q does not report the resumption", stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("crash=%v: the resumed export differs from a whole one (%d bytes, want %d)", crash, len(got), len(want))
		}
		if _, err := os.Stat(resume); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the resume file is still there after the export finished: %v", err)
		}
	}
}

func TestExportUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "x.csv")
	resume := filepath.Join(dir, "x.resume")
	// A resume file of a CSV export.
	export(t, "-people", "150", "-page-size", "50", "-o", out, "-resume-file", resume, "-max-pages", "1")
	garbage := filepath.Join(dir, "garbage.resume")
	if err := os.WriteFile(garbage, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"resume without -o", []string{"-resume-file", resume}},
		{"unknown format", []string{"-format", "xml"}},
		{"both providers", []string{"-provider", "all"}},
		{"other format than the resume file", []string{"-people", "150", "-page-size", "50", "-format", "jsonl", "-o", out, "-resume-file", resume}},
		{"other provider than the resume file", []string{"-people", "150", "-provider", "lattice", "-o", out, "-resume-file", resume}},
		{"not a resume file", []string{"-o", out, "-resume-file", garbage}},
		{"negative page size", []string{"-page-size", "-1"}},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"-fake"}, tc.args...), &stdout, &stderr)
		if !errors.Is(err, providers.ErrUsage) {
			t.Errorf("%s: %v, want a usage error", tc.name, err)
		}
	}
}
