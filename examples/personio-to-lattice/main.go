// Command personio-to-lattice plans an HR-to-HR sync the way Personio's Lattice
// integration does it, and prints the plan without writing anything:
//
//  1. It reads the Personio attribute catalog and checks that the credentials can read
//     what lattice.FromPersonioSpec needs (the preflight); a missing required
//     attribute stops it, unless -force.
//  2. It reads every Personio employee and maps each with the preset: Lattice's field
//     names, status in Lattice's vocabulary, the manager by email. The preset's
//     filter-only employment type selects internal people, external people or both
//     (-employment), as the integration's import setting does.
//  3. It reads every Lattice user, matches people (externalUserId = Personio employee
//     id, else email, ignoring case) and prints what a sync would CREATE, UPDATE (each
//     field, old → new) and DEACTIVATE, with counts.
//
// Deactivation follows the integration's rule that deselecting an employment type does
// not remove people already imported: a Lattice user is deactivated only when its
// Personio record is in scope and inactive, or when it is linked (externalUserId) to a
// Personio employee that no longer exists and every employment type is synced (under a
// filter, the deleted record's type is unknown: it is reported, not deactivated).
// Lattice users linked to nothing are left alone. An empty Personio value never clears a Lattice field, and a Lattice name made of
// the preferred first name ("Nik Dubois" for Niklas Dubois, preferred name Nik) counts
// as the same name.
//
// With no credentials in the environment it reads the in-process fakes, which serve the
// same generated company, after making a few changes in the fake Personio (two hires,
// one of them a contractor, a termination, a title change, a department move and a
// deleted record) so that the plan shows every kind of action; -sample-changes=false
// leaves them out. With PERSONIO_CLIENT_ID, PERSONIO_CLIENT_SECRET and LATTICE_API_KEY
// it reads the real services (read-only).
//
//	go run ./examples/personio-to-lattice
//	go run ./examples/personio-to-lattice -employment internal -json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { cli.Main("personio-to-lattice", run) }

// ErrPreflight is returned when the credentials cannot read a required attribute.
var ErrPreflight = errors.New("preflight failed")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("personio-to-lattice", "Plans a Personio → Lattice sync and prints the plan; writes nothing (the in-process fakes unless credentials are set).")
	var f cli.Flags
	f.Register(fs, "-", false)
	employment := fs.String("employment", "both", "employment types to sync: internal, external or both")
	force := fs.Bool("force", false, "plan even when the preflight finds required attributes missing")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	sample := fs.Bool("sample-changes", true, "with the fakes: change the fake Personio first, so that the plan has something to do")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	*employment = strings.ToLower(*employment)
	if *employment != "internal" && *employment != "external" && *employment != "both" {
		return cli.Usagef("-employment %q: want internal, external or both", *employment)
	}
	if err := f.CheckPeople(1); err != nil {
		return err
	}
	env, err := cli.ReadEnv(os.Getenv)
	if err != nil {
		return err
	}
	real := (env.HasPersonio() || env.HasLattice()) && !f.Fake
	if real && (!env.HasPersonio() || !env.HasLattice()) {
		return cli.Usagef("this program reads both Personio and Lattice: set %s, %s and %s, or none of them for the fakes",
			cli.EnvPersonioClientID, cli.EnvPersonioClientSecret, cli.EnvLatticeAPIKey)
	}

	// The clients: the real services with the credentials from the environment, or
	// in-process fakes serving one generated company, whose ClientConfig is everything a
	// client needs.
	var pc *personio.Client
	var lc *lattice.Client
	if real {
		fmt.Fprintln(stderr, "reading Personio and Lattice")
		if pc, err = personio.New(personio.Config{
			ClientID:     env.PersonioClientID,
			ClientSecret: env.PersonioClientSecret,
			BaseURL:      env.PersonioBaseURL, // "" is Personio's API
			UserAgent:    cli.UserAgent,
		}); err != nil {
			return err
		}
		if lc, err = lattice.New(lattice.Config{
			APIKey:    env.LatticeAPIKey,
			BaseURL:   env.LatticeBaseURL, // "" is the Region's API
			Region:    lattice.Region(env.LatticeRegion),
			UserAgent: cli.UserAgent,
		}); err != nil {
			return err
		}
	} else {
		company := personiotest.GenerateCompany(f.Seed, f.People)
		fmt.Fprintf(stderr, "reading %s\n", cli.Describe([]cli.Source{{Provider: cli.Personio}, {Provider: cli.Lattice}}, company))
		psrv := personiotest.NewServer(personiotest.WithCompany(company))
		defer psrv.Close()
		lsrv := latticetest.NewServer(latticetest.WithCompany(company))
		defer lsrv.Close()
		if pc, err = personio.New(psrv.ClientConfig()); err != nil {
			return err
		}
		if lc, err = lattice.New(lsrv.ClientConfig()); err != nil {
			return err
		}
		if *sample {
			var sc sampleChanges
			psrv.Mutate(func(c *fakecompany.Company) { sc, err = applySampleChanges(c) })
			if err != nil {
				return fmt.Errorf("changing the fake Personio: %w", err)
			}
			fmt.Fprintf(stderr, "changed the fake Personio: %s\n", sc)
		}
	}
	// Lattice keeps one name string; read it as it is (not split, not preferred) to
	// compare it with the name the preset writes.
	spec := lattice.DefaultSpec().With(mapping.Field{Target: "display_name", Sources: []string{"name"}, Transforms: []mapping.Transform{mapping.Trim()}})
	ldir := lc.Directory(lattice.WithSpec(spec))

	// 1. Preflight.
	cat, err := pc.Directory().Catalog(ctx)
	if err != nil {
		return err
	}
	m, err := mapping.Compile(lattice.FromPersonioSpec(), cat)
	if err != nil {
		return err
	}
	report := mapping.Check(m, cat)
	// 2. Personio, mapped and filtered. 3. Lattice, matched and compared.
	var plan *Plan
	failed := len(report.Required()) > 0 && !*force
	if !failed {
		recs, err := readPersonio(ctx, pc, m)
		if err != nil {
			return err
		}
		users, err := unified.All(ctx, ldir, nil)
		if err != nil {
			return err
		}
		plan = makePlan(*employment, recs, users)
	}
	out := cli.NewOutput(stdout)
	if *asJSON {
		err = writeJSON(out, report, plan)
	} else {
		writeText(out, report, plan)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if failed {
		return fmt.Errorf("%w: the credentials cannot read %d required attribute(s); fix them, or plan anyway with -force", ErrPreflight, len(report.Required()))
	}
	return nil
}

// readPersonio reads every employee (v1, page by page, only the attributes the preset
// reads) and maps each.
func readPersonio(ctx context.Context, c *personio.Client, m *mapping.Mapper) ([]personioRecord, error) {
	var out []personioRecord
	opts := &personio.ListEmployeesOptions{Attributes: m.SourceKeys()}
	for {
		page, err := c.ListEmployees(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range page.Employees {
			e := &page.Employees[i]
			rec := personio.EmployeeRecord(e, c.Location())
			o, err := m.Apply(rec)
			out = append(out, personioRecord{ID: rec.ID(), Email: e.Email, LastName: e.LastName, Out: o, Err: err})
		}
		opts.Offset += len(page.Employees)
		if len(page.Employees) == 0 || page.Total >= 0 && opts.Offset >= page.Total {
			return out, nil
		}
	}
}

// jsonPlan is the -json output.
type jsonPlan struct {
	Preflight struct {
		OK       bool     `json:"ok"`
		Required []string `json:"required_missing,omitempty"`
		Optional []string `json:"optional_missing,omitempty"`
	} `json:"preflight"`
	Plan *Plan `json:"plan"`
}

func writeJSON(w io.Writer, report *mapping.Report, plan *Plan) error {
	var out jsonPlan
	out.Preflight.OK = report.OK()
	for _, m := range report.Required() {
		out.Preflight.Required = append(out.Preflight.Required, m.String())
	}
	for _, m := range report.Optional() {
		out.Preflight.Optional = append(out.Preflight.Optional, m.String())
	}
	out.Plan = plan
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// writeText writes the plan as text to w, an output that keeps its first write error.
func writeText(w *cli.Output, report *mapping.Report, plan *Plan) {
	fmt.Fprintln(w, "Preflight:")
	if report.OK() {
		fmt.Fprintln(w, "  OK: the credentials can read every attribute the mapping uses")
	} else {
		for _, l := range strings.Split(strings.TrimRight(report.String(), "\n"), "\n") {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if plan == nil {
		return
	}
	c := plan.Counts
	fmt.Fprintf(w, "\nPersonio: %d people; employment types synced: %s (%d out of scope)\n", c.Personio, plan.Employment, c.OutOfScope)
	fmt.Fprintf(w, "Lattice: %d users\n\n", c.Lattice)
	for _, a := range plan.Actions {
		who := a.Name
		if a.Email != "" {
			who += " <" + a.Email + ">"
		}
		ids := "personio " + a.PersonioID
		switch {
		case a.PersonioID == "":
			ids = "lattice " + a.LatticeID
		case a.LatticeID != "":
			ids += ", lattice " + a.LatticeID
		}
		line := fmt.Sprintf("%-10s  %s (%s)", a.Action, who, ids)
		if a.MatchedBy == "email" {
			line += ", matched by email"
		}
		if a.Reason != "" {
			line += ": " + a.Reason
		}
		fmt.Fprintln(w, line)
		width := 0
		for _, f := range a.Fields {
			width = max(width, len(f.Field))
		}
		for _, ch := range a.Changes {
			width = max(width, len(ch.Field))
		}
		for _, f := range a.Fields {
			fmt.Fprintf(w, "            %-*s  %s\n", width, f.Field, f.Value)
		}
		for _, ch := range a.Changes {
			fmt.Fprintf(w, "            %-*s  %q → %q\n", width, ch.Field, ch.Old, ch.New)
		}
	}
	for _, p := range plan.Problems {
		fmt.Fprintf(w, "PROBLEM  %s\n", p)
	}
	fmt.Fprintf(w, "\nPlan: %d to create, %d to update, %d to deactivate; %d unchanged, %d out of scope, %d leavers, %d not managed by Personio, %d problems. Nothing was written.\n",
		c.Create, c.Update, c.Deactivate, c.Unchanged, c.OutOfScope, c.Leavers, c.Unmanaged, c.Problems)
}
