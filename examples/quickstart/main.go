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
// real service(s) instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hrisconnect/hrisconnect/examples/internal/providers"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { providers.Main("quickstart", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf providers.Flags
	pf.Register(fs, providers.All, false)
	limit := fs.Int("n", 10, "rows to print per directory (0 for all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set, err := providers.Open(providers.Options{Flags: pf})
	if err != nil {
		return err
	}
	defer set.Close()
	fmt.Fprintf(stderr, "reading %s\n", set.Describe())

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tID\tNAME\tEMAIL\tTITLE\tDEPARTMENT\tMANAGER\tSTATUS")
	for _, src := range set.Sources {
		// Every provider behind the same interface: unified.Users pages for us.
		n := 0
		for u, err := range unified.Users(ctx, src.Dir, nil) {
			if err != nil {
				return fmt.Errorf("listing %s: %w", src.Name, err)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Provider, u.ID, cell(u.Name()), cell(u.Email),
				cell(u.Title), cell(u.Department.String()), cell(managerName(u.Manager)), u.Status)
			if n++; n == *limit {
				break
			}
		}
	}
	return tw.Flush()
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
