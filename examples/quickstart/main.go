// Command quickstart lists the users of Personio and Lattice through the one
// unified.Directory interface and prints a short table.
//
// With no credentials in the environment it starts in-process fake Personio and Lattice
// servers that serve the same generated sample company, so it works offline:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -n 5 -provider lattice
//
// With PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET (and optionally PERSONIO_BASE_URL),
// or LATTICE_API_KEY (and optionally LATTICE_BASE_URL or LATTICE_REGION), it reads the
// real service(s) instead. See openDirectory for how each client and Directory is made.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { cli.Main("quickstart", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("quickstart", "Lists the users of Personio and Lattice (the in-process fakes unless credentials are set).")
	var f cli.Flags
	f.Register(fs, cli.All, false)
	limit := fs.Int("n", 10, "rows to print per directory (0 for all)")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.CheckRange("n", *limit, 0, -1); err != nil {
		return err
	}
	env, err := cli.ReadEnv(os.Getenv)
	if err != nil {
		return err
	}
	sources, err := f.Sources(env, false)
	if err != nil {
		return err
	}
	// The fakes serve one generated company, the same people in both.
	var company *personiotest.Company
	if !sources[0].Real {
		company = personiotest.GenerateCompany(f.Seed, f.People)
	}
	fmt.Fprintf(stderr, "reading %s\n", cli.Describe(sources, company))

	out := cli.NewOutput(stdout)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tID\tNAME\tEMAIL\tTITLE\tDEPARTMENT\tMANAGER\tSTATUS")
	for _, src := range sources {
		if err := printUsers(ctx, tw, src, env, company, *limit); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return out.Close()
}

// printUsers writes a row for each of the first limit users (0: all) of the source.
func printUsers(ctx context.Context, w io.Writer, src cli.Source, env cli.Env, company *personiotest.Company, limit int) error {
	dir, stop, err := openDirectory(src, env, company)
	if err != nil {
		return err
	}
	defer stop()
	// Every provider behind the same interface: unified.Users pages for us.
	n := 0
	for u, err := range unified.Users(ctx, dir, nil) {
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Provider, u.ID, cell(u.Name()), cell(u.Email),
			cell(u.Title), cell(u.Department.String()), cell(managerName(u.Manager)), u.Status)
		if err != nil {
			return err
		}
		if n++; n == limit {
			break
		}
	}
	return nil
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
		// Lattice references a manager by id; WithManagerNames looks up the names the
		// listing has not met yet, for the MANAGER column.
		return client.Directory(lattice.WithManagerNames()), func() {}, nil
	default:
		srv := latticetest.NewServer(latticetest.WithCompany(company))
		client, err := lattice.New(srv.ClientConfig())
		if err != nil {
			srv.Close()
			return nil, nil, err
		}
		return client.Directory(lattice.WithManagerNames()), srv.Close, nil
	}
}

// managerName is the manager's name, else email, else ID.
func managerName(m *unified.Ref) string {
	switch {
	case m == nil:
		return ""
	case m.Name != "":
		return m.Name
	case m.Email != "":
		return m.Email
	}
	return m.ID
}

// cell makes s fit a table cell: no tabs or line breaks, "-" when empty.
func cell(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\t' || r == '\n' || r == '\r' }), " ")
	if s == "" {
		return "-"
	}
	return s
}
