// Package cli is the command-line plumbing the example programs share: flags and their
// checks, the environment, exit codes, Ctrl-C, and output whose write errors are not
// lost. It builds no client: each program's main.go shows how its clients and
// directories are made.
//
// Exit codes: 0 on success (and for -h), 1 when the work failed, 2 for a usage error (a
// bad flag value, a stray argument, an unknown provider, credentials half set), 130 when
// interrupted (Ctrl-C). Errors are printed once, prefixed by the program's name.
//
// Status lines on stderr are diagnostics: a program does not stop because stderr cannot
// be written to (there is nowhere to report it). Every write to the output (stdout or
// the -o file) is checked, and a failed one fails the program.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// Exit codes of the example programs.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130 // 128 + SIGINT, as shells report a program ended by Ctrl-C
)

// ErrUsage is matched by errors in the command line or the environment.
var ErrUsage = errors.New("usage error")

// ErrInterrupted is matched by the error of a program stopped by Ctrl-C. Programs that
// can say how to continue wrap it (export: "interrupted; run again with -resume-file F
// to continue"); Report also treats context.Canceled as an interruption.
var ErrInterrupted = errors.New("interrupted")

// usageError is an error in the command line or the environment.
type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// Usagef returns a usage error with the formatted message; it matches ErrUsage.
func Usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// RunFunc is a program's body: it parses args and writes to stdout and stderr. Tests
// call it directly.
type RunFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// Main runs run with the command line and a context that Ctrl-C (SIGINT) cancels, then
// exits with the code Report gives. A second Ctrl-C ends the program at once.
func Main(name string, run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stop) // after the first Ctrl-C, the default handling again
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(Report(os.Stderr, name, err))
}

// Report prints err to w, prefixed by the program's name, and returns the exit code:
// ExitOK for nil and flag.ErrHelp, ExitUsage for a usage error (with a hint to -h),
// ExitInterrupted for an interruption, ExitFailure otherwise.
func Report(w io.Writer, name string, err error) int {
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, ErrInterrupted):
		fmt.Fprintf(w, "%s: %v\n", name, err)
		return ExitInterrupted
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(w, "%s: %v\n", name, ErrInterrupted)
		return ExitInterrupted
	case errors.Is(err, ErrUsage):
		fmt.Fprintf(w, "%s: %v\nRun '%s -h' for usage.\n", name, err, name)
		return ExitUsage
	}
	fmt.Fprintf(w, "%s: %v\n", name, err)
	return ExitFailure
}

// NewFlagSet returns a flag set whose usage message starts with the program's synopsis.
func NewFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses args with fs. -h prints the usage to stderr and returns flag.ErrHelp; a
// malformed flag or a stray argument is a usage error, printed once by Report.
func Parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard) // the flag package prints parse errors itself; Report does
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		if fs.Usage != nil {
			fs.Usage()
		} else {
			fs.PrintDefaults()
		}
		return err
	case err != nil:
		return Usagef("%v", err)
	case fs.NArg() > 0:
		return Usagef("unexpected arguments %q (every option is a flag)", fs.Args())
	}
	return nil
}

// CheckRange returns a usage error unless lo <= v <= hi; hi < 0 means no upper bound.
func CheckRange(flagName string, v, lo, hi int) error {
	switch {
	case v < lo && hi < 0:
		return Usagef("-%s %d: want at least %d", flagName, v, lo)
	case v < lo || hi >= 0 && v > hi:
		return Usagef("-%s %d: want %d to %d", flagName, v, lo, hi)
	}
	return nil
}
