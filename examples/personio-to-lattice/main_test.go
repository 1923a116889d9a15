package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The programs start and stop fake servers: none may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// planJSON runs the program with -json and decodes its output.
func planJSON(t *testing.T, args ...string) (*jsonPlan, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), append([]string{"-json"}, args...), &out, &errOut); err != nil {
		t.Fatalf("run(%q): %v\nstderr: %s", args, err, errOut.String())
	}
	var p jsonPlan
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatalf("the output is not a JSON plan: %v\n%s", err, out.String())
	}
	return &p, errOut.String()
}

// summary is an action reduced to what the tests check.
type summary struct {
	Action, PersonioID string
	Fields             []string // CREATE: the field names
	Changes            []Change // UPDATE
	Reason             string   // DEACTIVATE
}

func summarize(p *Plan) []summary {
	var out []summary
	for _, a := range p.Actions {
		s := summary{Action: a.Action, PersonioID: a.PersonioID, Changes: a.Changes, Reason: a.Reason}
		for _, f := range a.Fields {
			s.Fields = append(s.Fields, f.Field)
		}
		out = append(out, s)
	}
	return out
}

// expectation is what the sample changes must produce, worked out from the company
// before and after the changes.
type expectation struct {
	before, after *fakecompany.Company
	sc            sampleChanges
}

func newExpectation(t *testing.T, people int) *expectation {
	t.Helper()
	e := &expectation{before: fakecompany.Generate(cli.SampleSeed, people, nil)}
	e.after = e.before.Clone()
	sc, err := applySampleChanges(e.after)
	if err != nil {
		t.Fatal(err)
	}
	e.sc = sc
	return e
}

var createFields = []string{"externalUserId", "name", "status", "gender", "title", "manager", "startDate", "department", "email"}

// want returns the actions expected under the employment selection.
func (e *expectation) want(employment string) []summary {
	id := strconv.Itoa
	inScope := func(p *fakecompany.Person) bool { return employment == "both" || p.EmploymentType == employment }
	var creates, updates, deacts []summary
	for _, h := range e.sc.Hired {
		p := e.after.Person(h)
		if !inScope(p) {
			continue
		}
		fields := createFields
		if p.EmploymentType == fakecompany.EmploymentExternal { // no title and manager for contractors
			fields = slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return f == "title" || f == "manager" })
		}
		creates = append(creates, summary{Action: ActionCreate, PersonioID: id(h), Fields: fields})
	}
	for _, p := range e.after.People {
		if !inScope(&p) || p.Status == unified.StatusInactive || slices.Contains(e.sc.Hired, p.ID) {
			continue
		}
		var ch []Change
		if latticetest.CreatedInLattice(&p) { // no externalUserId in Lattice: matched by email
			ch = append(ch, Change{Field: "externalUserId", Old: "", New: id(p.ID)})
		}
		old := e.before.Person(p.ID)
		switch p.ID {
		case e.sc.Retitled:
			ch = append(ch, Change{Field: "title", Old: old.Position, New: e.sc.NewTitle})
		case e.sc.Moved:
			ch = append(ch,
				Change{Field: "manager", Old: e.before.Person(old.SupervisorID).Email, New: e.after.Person(p.SupervisorID).Email},
				Change{Field: "department", Old: e.before.Department(old.DepartmentID).Name, New: e.sc.Department})
		}
		if ch != nil {
			updates = append(updates, summary{Action: ActionUpdate, PersonioID: id(p.ID), Changes: ch})
		}
	}
	if inScope(e.after.Person(e.sc.Terminated)) {
		deacts = append(deacts, summary{Action: ActionDeactivate, PersonioID: id(e.sc.Terminated), Reason: "inactive in Personio"})
	}
	if employment == "both" {
		deacts = append(deacts, summary{Action: ActionDeactivate, PersonioID: id(e.sc.Removed),
			Reason: "Personio employee " + id(e.sc.Removed) + " no longer exists"})
	}
	return slices.Concat(creates, updates, deacts)
}

// The fakes with the sample changes: the plan has each change, and nothing else.
func TestPlanSampleChanges(t *testing.T) {
	t.Parallel()
	e := newExpectation(t, 40)
	for _, employment := range []string{"both", "internal", "external"} {
		t.Run(employment, func(t *testing.T) {
			t.Parallel()
			got, stderr := planJSON(t, "-fake", "-people", "40", "-employment", employment)
			if !got.Preflight.OK {
				t.Errorf("preflight not OK: %+v", got.Preflight)
			}
			if diff := cmp.Diff(e.want(employment), summarize(got.Plan)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			c := got.Plan.Counts
			if c.Personio != len(e.after.People) || c.Lattice != len(e.before.People) {
				t.Errorf("counts %+v: want %d Personio records and %d Lattice users", c, len(e.after.People), len(e.before.People))
			}
			outOfScope := 0
			for _, p := range e.after.People {
				if employment != "both" && p.EmploymentType != employment {
					outOfScope++
				}
			}
			if c.OutOfScope != outOfScope {
				t.Errorf("%d out of scope, want %d", c.OutOfScope, outOfScope)
			}
			// Every Personio record is counted once.
			if sum := c.Create + c.Update + c.Unchanged + c.OutOfScope + c.Leavers + c.Problems + deactivatedInPersonio(got.Plan); employment == "both" && sum != c.Personio {
				t.Errorf("counts %+v add up to %d records, want %d", c, sum, c.Personio)
			}
			if employment != "both" && !slices.ContainsFunc(got.Plan.Problems, func(s string) bool {
				return strings.Contains(s, "Personio "+strconv.Itoa(e.sc.Removed)+", which no longer exists")
			}) {
				t.Errorf("problems %q do not report the Lattice user of the deleted record", got.Plan.Problems)
			}
			if !strings.Contains(stderr, "changed the fake Personio: hired "+strconv.Itoa(e.sc.Hired[0])) {
				t.Errorf("stderr %q does not report the sample changes", stderr)
			}
		})
	}
}

// deactivatedInPersonio counts the deactivations of records that exist in Personio.
func deactivatedInPersonio(p *Plan) int {
	n := 0
	for _, a := range p.Actions {
		if a.Action == ActionDeactivate && a.Reason == "inactive in Personio" {
			n++
		}
	}
	return n
}

// Without the sample changes the two fakes agree: the only actions link the Lattice
// users created without an externalUserId.
func TestPlanNoChanges(t *testing.T) {
	t.Parallel()
	got, _ := planJSON(t, "-fake", "-people", "150", "-sample-changes=false")
	c := fakecompany.Generate(cli.SampleSeed, 150, nil)
	var want []summary
	for _, p := range c.People {
		if latticetest.CreatedInLattice(&p) && p.Status != unified.StatusInactive {
			want = append(want, summary{Action: ActionUpdate, PersonioID: strconv.Itoa(p.ID),
				Changes: []Change{{Field: "externalUserId", Old: "", New: strconv.Itoa(p.ID)}}})
		}
	}
	if len(want) == 0 {
		t.Fatal("the company has no user created in Lattice; pick another size")
	}
	if diff := cmp.Diff(want, summarize(got.Plan)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	for _, a := range got.Plan.Actions {
		if a.MatchedBy != "email" {
			t.Errorf("%s %s matched by %q, want email", a.Action, a.PersonioID, a.MatchedBy)
		}
	}
}

func TestPlanText(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-fake"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	e := newExpectation(t, cli.SampleSize)
	text := out.String()
	for _, want := range []string{
		"Preflight:\n  OK",
		"CREATE      ",
		"title  \"" + e.before.Person(e.sc.Retitled).Position + "\" → \"" + e.sc.NewTitle + "\"",
		"(personio " + strconv.Itoa(e.sc.Terminated) + ", lattice " + e.before.Person(e.sc.Terminated).LatticeID + "): inactive in Personio",
		"Plan: 2 to create, ",
		"Nothing was written.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan has no %q:\n%s", want, text)
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
func TestPlanErrors(t *testing.T) {
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
		{name: "unknown employment", args: []string{"-fake", "-employment", "contractors"}, code: cli.ExitUsage,
			msg: `personio-to-lattice: -employment "contractors": want internal, external or both` + "\nRun 'personio-to-lattice -h' for usage.\n"},
		{name: "stray argument", args: []string{"-fake", "stray"}, code: cli.ExitUsage, msg: `personio-to-lattice: unexpected arguments ["stray"]`},
		{name: "no such flag", args: []string{"-provider", "lattice"}, code: cli.ExitUsage, msg: "personio-to-lattice: flag provided but not defined: -provider\n"},
		{name: "huge company", args: []string{"-fake", "-people", "200000"}, code: cli.ExitUsage, msg: "personio-to-lattice: -people 200000: want 1 to 100000"},
		{name: "full disk, text", args: []string{"-fake"}, stdout: &failingWriter{limit: 500}, code: cli.ExitFailure,
			msg: "personio-to-lattice: writing the output: no space left on device\n"},
		{name: "full disk, JSON", args: []string{"-fake", "-json"}, stdout: &failingWriter{limit: 0}, code: cli.ExitFailure,
			msg: "personio-to-lattice: writing the output: no space left on device\n"},
		{name: "interrupted", ctx: cancelled, args: []string{"-fake"}, code: cli.ExitInterrupted, msg: "personio-to-lattice: interrupted\n"},
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
			code := cli.Report(&report, "personio-to-lattice", run(ctx, tc.args, stdout, io.Discard))
			if code != tc.code {
				t.Errorf("exit code %d, want %d (%s)", code, tc.code, report.String())
			}
			if !strings.HasPrefix(report.String(), tc.msg) {
				t.Errorf("message %q, want it to start with %q", report.String(), tc.msg)
			}
		})
	}
}

// Through the environment, as the real services would be read: credentials that cannot
// read a required attribute fail the preflight, unless -force; and both services are
// needed.
func TestPlanPreflight(t *testing.T) {
	company := fakecompany.Generate(11, 20, nil)
	ps := personiotest.NewTestServer(t, personiotest.WithCompany(company),
		personiotest.WithAttributes("first_name", "last_name", "status", "employment_type", "position", "supervisor", "department", "hire_date", "gender"))
	ls := latticetest.NewTestServer(t, latticetest.WithCompany(company))
	t.Setenv(cli.EnvPersonioClientID, ps.ClientID)
	t.Setenv(cli.EnvPersonioClientSecret, ps.ClientSecret)
	t.Setenv(cli.EnvPersonioBaseURL, ps.URL)
	t.Setenv(cli.EnvLatticeAPIKey, ls.APIKey)
	t.Setenv(cli.EnvLatticeBaseURL, ls.URL)

	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, &out, &errOut)
	if !errors.Is(err, ErrPreflight) {
		t.Fatalf("run = %v, want ErrPreflight\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `"email"`) || strings.Contains(out.String(), "Plan:") {
		t.Errorf("the preflight report should name email and no plan follow:\n%s", out.String())
	}
	if ps.Count("GET", "/v1/company/employees") != 0 {
		t.Error("employees were read although the preflight failed")
	}

	got, _ := planJSON(t, "-force")
	if got.Preflight.OK || len(got.Preflight.Required) == 0 {
		t.Errorf("preflight %+v, want required attributes missing", got.Preflight)
	}
	// Without email every record fails its required fields: nothing to create or
	// update, every record a problem.
	if c := got.Plan.Counts; c.Create != 0 || c.Update != 0 || c.Problems != len(company.People) {
		t.Errorf("counts %+v: want no creates or updates and %d problems", c, len(company.People))
	}
	for _, a := range got.Plan.Actions {
		if a.Action == ActionDeactivate {
			t.Errorf("%+v: a record that fails to map must not deactivate anyone", a)
		}
	}

	t.Setenv(cli.EnvLatticeAPIKey, "")
	if err := run(context.Background(), nil, &out, &errOut); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("with Personio credentials only: %v, want a usage error", err)
	}
}
