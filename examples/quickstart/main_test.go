package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/providers"
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
	c := sample(providers.SampleSeed, providers.SampleSize)
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
	c := sample(providers.SampleSeed, 12)
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

	for _, args := range [][]string{
		{"-fake", "-provider", "bamboo"},
		{"-fake", "extra"},
		{"-fake", "-people", "0"},
		{"-no-such-flag"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-fake", "-provider", "bamboo"}, &out, &errOut)
	if !errors.Is(err, providers.ErrUsage) {
		t.Errorf("unknown provider: %v, want a usage error", err)
	}
}

// With Personio credentials in the environment the real service is read, and only it;
// here the "real service" is a fake on loopback with another company.
func TestQuickstartCredentials(t *testing.T) {
	srv := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 7))
	t.Setenv(providers.EnvPersonioClientID, srv.ClientID)
	t.Setenv(providers.EnvPersonioClientSecret, srv.ClientSecret)
	t.Setenv(providers.EnvPersonioBaseURL, srv.URL)
	t.Setenv(providers.EnvLatticeAPIKey, "")
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
	if !errors.Is(err, providers.ErrUsage) || !strings.Contains(err.Error(), providers.EnvLatticeAPIKey) {
		t.Errorf("-provider lattice without a key: %v, want a usage error naming %s", err, providers.EnvLatticeAPIKey)
	}
}
