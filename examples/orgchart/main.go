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
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hrisconnect/hrisconnect/examples/internal/providers"
	"github.com/hrisconnect/hrisconnect/orgchart"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { providers.Main("orgchart", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orgchart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf providers.Flags
	pf.Register(fs, "", true)
	format := fs.String("format", "svg", "output format: svg, dot or mermaid")
	outPath := fs.String("o", "", "output file (default: stdout)")
	title := fs.String("title", "", "title of the SVG drawing (default: the company or provider)")
	maxDepth := fs.Int("max-depth", 0, "levels to draw in SVG (0: all)")
	all := fs.Bool("all", false, "draw inactive users (leavers) too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected arguments %q", providers.ErrUsage, fs.Args())
	case *format != "svg" && *format != "dot" && *format != "mermaid":
		return fmt.Errorf("%w: -format %q: want svg, dot or mermaid", providers.ErrUsage, *format)
	case *maxDepth < 0:
		return fmt.Errorf("%w: -max-depth must not be negative", providers.ErrUsage)
	}
	set, err := providers.Open(providers.Options{Flags: pf, Single: true})
	if err != nil {
		return err
	}
	defer set.Close()
	src := set.Sources[0]
	fmt.Fprintf(stderr, "reading %s\n", set.Describe())

	var users []unified.User
	for u, err := range unified.Users(ctx, src.Dir, nil) {
		if err != nil {
			return fmt.Errorf("listing %s: %w", src.Name, err)
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
		*title = "Org chart: " + src.Name
		if set.Company != nil {
			*title = set.Company.Name + " (sample company)"
		}
	}
	var out io.Writer = stdout
	var f *os.File
	if *outPath != "" {
		if f, err = os.Create(*outPath); err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	bw := bufio.NewWriter(out)
	switch *format {
	case "dot":
		err = chart.WriteDOT(bw)
	case "mermaid":
		err = chart.WriteMermaid(bw)
	default:
		err = chart.WriteSVG(bw, &orgchart.SVGOptions{Title: *title, MaxDepth: *maxDepth})
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && f != nil {
		err = f.Close()
	}
	return err
}
