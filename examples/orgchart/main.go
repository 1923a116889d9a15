// Command orgchart draws the org chart of a directory as SVG, Graphviz DOT or Mermaid,
// and prints what is wrong with the reporting lines (cycles, managers missing from the
// directory, inactive managers) to stderr.
//
//	go run ./examples/orgchart -o chart.svg
//	go run ./examples/orgchart -provider lattice -format mermaid
//	go run ./examples/orgchart -format dot | dot -Tpng > chart.png
//
// By default it draws the people who are active, on leave, onboarding or invited
// (unified.User.IsActive); -all draws leavers too. The directory is chosen as in
// quickstart: the in-process fakes by default, the real service when its credentials are
// in the environment.
//
// docs/orgchart-sample.svg is this program's drawing of the fakes' sample company:
//
//go:generate go run . -fake -o ../../docs/orgchart-sample.svg
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/orgchart"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { cli.Main("orgchart", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("orgchart", "Draws the org chart of a directory as SVG, DOT or Mermaid (the in-process fakes unless credentials are set).")
	var f cli.Flags
	f.Register(fs, "", true)
	format := fs.String("format", "svg", "output format: svg, dot or mermaid")
	outPath := fs.String("o", "", "output file (default: stdout)")
	title := fs.String("title", "", "title of the SVG drawing (default: the company or provider)")
	maxDepth := fs.Int("max-depth", 0, "levels to draw in SVG (0: all)")
	all := fs.Bool("all", false, "draw inactive users (leavers) too")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if *format != "svg" && *format != "dot" && *format != "mermaid" {
		return cli.Usagef("-format %q: want svg, dot or mermaid", *format)
	}
	if err := cli.CheckRange("max-depth", *maxDepth, 0, -1); err != nil {
		return err
	}
	env, err := cli.ReadEnv(os.Getenv)
	if err != nil {
		return err
	}
	sources, err := f.Sources(env, true)
	if err != nil {
		return err
	}
	src := sources[0]
	var company *personiotest.Company
	if !src.Real {
		company = personiotest.GenerateCompany(f.Seed, f.People)
	}
	fmt.Fprintf(stderr, "reading %s\n", cli.Describe(sources, company))
	dir, stop, err := openDirectory(src, env, company)
	if err != nil {
		return err
	}
	defer stop()

	var users []unified.User
	for u, err := range unified.Users(ctx, dir, nil) {
		if err != nil {
			return err
		}
		if *all || u.IsActive() {
			users = append(users, u)
		}
	}
	chart := orgchart.Build(users)
	for _, p := range chart.Problems() {
		fmt.Fprintf(stderr, "problem: %s\n", p)
	}
	fmt.Fprintf(stderr, "%d people, %d levels, %d roots, %d problems\n",
		chart.Len(), chart.MaxDepth(), len(chart.Roots()), len(chart.Problems()))

	if *title == "" {
		*title = "Org chart: " + src.Provider
		if company != nil {
			*title = company.Name + " (sample company)"
		}
	}
	// The output file is created only now, so that a failed listing leaves it as it was.
	out := cli.NewOutput(stdout)
	if *outPath != "" {
		if out, err = cli.CreateOutput(*outPath); err != nil {
			return err
		}
	}
	switch *format {
	case "dot":
		err = chart.WriteDOT(out)
	case "mermaid":
		err = chart.WriteMermaid(out)
	default:
		err = chart.WriteSVG(out, &orgchart.SVGOptions{Title: *title, MaxDepth: *maxDepth})
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// openDirectory makes the client and the Directory of one source: the real service with
// the credentials from the environment, or an in-process fake server of company, whose
// ClientConfig is everything a client needs. stop stops the fake.
func openDirectory(src cli.Source, env cli.Env, company *personiotest.Company) (dir unified.Directory, stop func(), err error) {
	switch {
	case src.Provider == personio.ProviderName && src.Real:
		client, err := personio.New(personio.Config{
			ClientID:     env.PersonioClientID,
			ClientSecret: env.PersonioClientSecret,
			BaseURL:      env.PersonioBaseURL, // "" is Personio's API
			UserAgent:    cli.UserAgent,
		})
		if err != nil {
			return nil, nil, err
		}
		return client.Directory(), func() {}, nil
	case src.Provider == personio.ProviderName:
		srv := personiotest.NewServer(personiotest.WithCompany(company))
		client, err := personio.New(srv.ClientConfig())
		if err != nil {
			srv.Close()
			return nil, nil, err
		}
		return client.Directory(), srv.Close, nil
	case src.Real:
		client, err := lattice.New(lattice.Config{
			APIKey:    env.LatticeAPIKey,
			BaseURL:   env.LatticeBaseURL, // "" is the Region's API
			Region:    lattice.Region(env.LatticeRegion),
			UserAgent: cli.UserAgent,
		})
		if err != nil {
			return nil, nil, err
		}
		return client.Directory(), func() {}, nil
	default:
		srv := latticetest.NewServer(latticetest.WithCompany(company))
		client, err := lattice.New(srv.ClientConfig())
		if err != nil {
			srv.Close()
			return nil, nil, err
		}
		return client.Directory(), srv.Close, nil
	}
}
