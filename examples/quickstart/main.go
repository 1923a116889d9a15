// Command quickstart lists the users of a directory through the one unified.Directory
// interface and prints a short table.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	limit := fs.Int("n", 10, "number of users to print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := directorytest.NewMemory("sample", []unified.User{
		{ID: "1", DisplayName: "Ada Lovelace", Email: "ada@example.com", Status: unified.StatusActive},
		{ID: "2", DisplayName: "Grace Hopper", Email: "grace@example.com", Status: unified.StatusLeave},
	})
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tID\tNAME\tEMAIL\tSTATUS")
	n := 0
	for u, err := range unified.Users(ctx, dir, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Provider, u.ID, u.Name(), u.Email, u.Status)
		if n++; n == *limit {
			break
		}
	}
	return tw.Flush()
}
