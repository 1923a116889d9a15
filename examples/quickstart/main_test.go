package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// The programs start and stop fake servers: none may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var columns = regexp.MustCompile(`\s{2,}`)

// table runs quickstart and returns the rows of its table (without the header) and
// what it wrote to stderr.
func table(t *testing.T, args ...string) ([][]string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("run(%q): %v\nstderr: %s", args, err, errOut.String())
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	want := []string{"PROVIDER", "ID", "NAME", "EMAIL", "TITLE", "DEPARTMENT", "MANAGER", "STATUS"}
	if diff := cmp.Diff(want, columns.Split(lines[0], -1)); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	var rows [][]string
	for _, l := range lines[1:] {
		row := columns.Split(strings.TrimSpace(l), -1)
		if len(row) != len(want) {
			t.Fatalf("row %q has %d columns, want %d", l, len(row), len(want))
		}
		rows = append(rows, row)
	}
	return rows, errOut.String()
}

// emails returns the column of emails of the provider's rows.
func emails(rows [][]string, provider string) []string {
	var out []string
	for _, r := range rows {
		if r[0] == provider {
			out = append(out, r[3])
		}
	}
	return out
}

func sample(seed uint64, n int) *fakecompany.Company { return fakecompany.Generate(seed, n, nil) }

// The fakes serve the same company: both providers list its first people, in the
// order of their Personio ids, with Personio ids and Lattice UUIDs.
func TestQuickstartFakes(t *testing.T) {
	t.Parallel()
	rows, stderr := table(t, "-fake")
	c := sample(cli.SampleSeed, cli.SampleSize)
	var want []string
	for _, p := range c.People[:10] {
		want = append(want, p.Email)
	}
	for _, provider := range []string{"personio", "lattice"} {
		if diff := cmp.Diff(want, emails(rows, provider)); diff != "" {
			t.Errorf("%s emails (-want +got):\n%s", provider, diff)
		}
	}
	for i, p := range c.People[:10] {
		if got := rows[i][1]; got != strconv.Itoa(p.ID) {
			t.Errorf("personio row %d: id %s, want %d", i, got, p.ID)
		}
		if got := rows[10+i][1]; got != p.LatticeID {
			t.Errorf("lattice row %d: id %s, want %s", i, got, p.LatticeID)
		}
	}
	if ceo := rows[0]; ceo[4] != c.People[0].Position || ceo[6] != "-" || ceo[7] != "active" {
		t.Errorf("first row %q: want the CEO (%s), no manager, active", ceo, c.People[0].Position)
	}
	if !strings.Contains(stderr, "fake") {
		t.Errorf("stderr %q does not say that the fakes are read", stderr)
	}
}

func TestQuickstartFlags(t *testing.T) {
	t.Parallel()
	c := sample(cli.SampleSeed, 12)
	rows, _ := table(t, "-fake", "-provider", "lattice", "-n", "0", "-people", "12")
	if got := len(emails(rows, "lattice")); got != 12 || len(rows) != 12 {
		t.Errorf("-provider lattice -n 0: %d rows, %d from Lattice; want all 12 from Lattice", len(rows), got)
	}
	var want []string
	for _, p := range c.People {
		want = append(want, p.Email)
	}
	if diff := cmp.Diff(want, emails(rows, "lattice")); diff != "" {
		t.Errorf("emails (-want +got):\n%s", diff)
	}

	// -n 3: the first three of each provider.
	rows, _ = table(t, "-fake", "-n", "3", "-people", "12")
	for _, provider := range []string{"personio", "lattice"} {
		if diff := cmp.Diff(want[:3], emails(rows, provider)); diff != "" {
			t.Errorf("-n 3: %s emails (-want +got):\n%s", provider, diff)
		}
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
func TestQuickstartErrors(t *testing.T) {
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
		{name: "help", args: []string{"-h"}, code: cli.ExitOK},
		{name: "negative -n", args: []string{"-fake", "-n", "-5"}, code: cli.ExitUsage,
			msg: "quickstart: -n -5: want at least 0\nRun 'quickstart -h' for usage.\n"},
		{name: "unknown provider", args: []string{"-fake", "-provider", "bamboo"}, code: cli.ExitUsage,
			msg: `quickstart: unknown -provider "bamboo": want personio, lattice or all` + "\n"},
		{name: "huge company", args: []string{"-fake", "-people", "100000000"}, code: cli.ExitUsage,
			msg: "quickstart: -people 100000000: want 1 to 100000 (the fakes hold the generated company in memory)\n"},
		{name: "no people", args: []string{"-fake", "-people", "0"}, code: cli.ExitUsage, msg: "quickstart: -people 0: want 1 to 100000"},
		{name: "stray argument", args: []string{"-fake", "extra"}, code: cli.ExitUsage, msg: `quickstart: unexpected arguments ["extra"]`},
		{name: "unknown flag", args: []string{"-no-such-flag"}, code: cli.ExitUsage,
			msg: "quickstart: flag provided but not defined: -no-such-flag\nRun 'quickstart -h' for usage.\n"},
		{name: "not a number", args: []string{"-n", "five"}, code: cli.ExitUsage, msg: `quickstart: invalid value "five" for flag -n`},
		{name: "full disk", args: []string{"-fake", "-n", "0", "-people", "300"}, stdout: &failingWriter{limit: 1000}, code: cli.ExitFailure,
			msg: "quickstart: writing the output: no space left on device\n"},
		{name: "full disk, small output", args: []string{"-fake", "-n", "1", "-provider", "lattice"}, stdout: &failingWriter{limit: 10}, code: cli.ExitFailure,
			msg: "quickstart: writing the output: no space left on device\n"},
		{name: "interrupted", ctx: cancelled, args: []string{"-fake"}, code: cli.ExitInterrupted, msg: "quickstart: interrupted\n"},
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
			var stderr, report strings.Builder
			code := cli.Report(&report, "quickstart", run(ctx, tc.args, stdout, &stderr))
			if code != tc.code {
				t.Errorf("exit code %d, want %d (%s)", code, tc.code, report.String())
			}
			if !strings.HasPrefix(report.String(), tc.msg) {
				t.Errorf("message %q, want it to start with %q", report.String(), tc.msg)
			}
			if tc.code == cli.ExitOK && !strings.Contains(stderr.String(), "rows to print per directory") {
				t.Errorf("-h printed %q, not the flags", stderr.String())
			}
		})
	}
}

// With Personio credentials in the environment the real service is read, and only it;
// here the "real service" is a fake on loopback with another company.
func TestQuickstartCredentials(t *testing.T) {
	srv := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 7))
	t.Setenv(cli.EnvPersonioClientID, srv.ClientID)
	t.Setenv(cli.EnvPersonioClientSecret, srv.ClientSecret)
	t.Setenv(cli.EnvPersonioBaseURL, srv.URL)
	t.Setenv(cli.EnvLatticeAPIKey, "")
	rows, stderr := table(t)
	var want []string
	for _, p := range srv.Company().People {
		want = append(want, p.Email)
	}
	if diff := cmp.Diff(want, emails(rows, "personio")); diff != "" {
		t.Errorf("emails (-want +got):\n%s", diff)
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows, want only the %d Personio users", len(rows), len(want))
	}
	if strings.Contains(stderr, srv.ClientSecret) || strings.Contains(fmt.Sprint(rows), srv.ClientSecret) {
		t.Error("the output contains the client secret")
	}
	if strings.Contains(stderr, "fake") {
		t.Errorf("stderr %q: the fakes were read although credentials are set", stderr)
	}
	if srv.Count("GET", "/v1/company/employees") == 0 {
		t.Error("the server named by PERSONIO_BASE_URL was not read")
	}

	// Lattice asked for, but no key: a usage error that names the variable.
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-provider", "lattice"}, &out, &errOut)
	if !errors.Is(err, cli.ErrUsage) || !strings.Contains(err.Error(), cli.EnvLatticeAPIKey) {
		t.Errorf("-provider lattice without a key: %v, want a usage error naming %s", err, cli.EnvLatticeAPIKey)
	}
}
