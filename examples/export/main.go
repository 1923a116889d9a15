// Command export writes a whole directory to CSV or JSON Lines, page by page, with a
// progress line on stderr, and can resume an interrupted export from a saved cursor.
//
//	go run ./examples/export -format csv -o people.csv
//	go run ./examples/export -provider lattice -format jsonl > people.jsonl
//	go run ./examples/export -status active,leave -o people.csv
//	go run ./examples/export -o people.csv -resume-file people.resume   # run again after an interruption
//
// JSON Lines output is the snapshot format (a header line with the provider and the
// filter, then one unified.User per line), which snapshot.Read and snapshot.Load read and
// snapshot.Diff compares. CSV has one row per user with the standard fields; custom
// attributes are in the JSON Lines output only. CSV cells that a spreadsheet would run
// as a formula (starting with =, +, -, @, a tab or a carriage return) are written with a
// leading single quote, as OWASP's guidance on CSV injection says, so that Excel and
// LibreOffice show them as text: a name "=HYPERLINK(...)" is the cell "'=HYPERLINK(...)".
//
// With -resume-file, after each page has been written (and synced to disk) the export
// records the page's NextCursor, the length of the output so far, the provider, the
// format and the filter. Started again with the same file, it checks all of them, the
// start of the output and, with a first request, the cursor, before it touches the
// output; then it cuts the output back to the recorded length (a page written after the
// last record is written again, never twice) and carries on from the cursor. A finished
// export deletes its resume file. Ctrl-C stops it between pages, with the command to
// continue.
//
// The directory is chosen as in quickstart: the in-process fakes by default, the real
// service when its credentials are in the environment; openDirectory shows how each
// client and Directory is made.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/examples/internal/cli"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { cli.Main("export", run) }

// config is the parsed command line.
type config struct {
	cli.Flags
	format     string
	out        string
	resumeFile string
	pageSize   int
	maxPages   int
	every      time.Duration
	filter     unified.Filter
}

func parse(args []string, stderr io.Writer) (*config, error) {
	fs := cli.NewFlagSet("export", "Writes a whole directory to CSV or JSON Lines (the in-process fakes unless credentials are set).")
	var c config
	c.Register(fs, "", true)
	fs.StringVar(&c.format, "format", "csv", "output format: csv or jsonl (the unified snapshot format)")
	fs.StringVar(&c.out, "o", "", "output file (default: stdout)")
	fs.StringVar(&c.resumeFile, "resume-file", "", "file that records progress after each page, to resume an interrupted export (needs -o)")
	fs.IntVar(&c.pageSize, "page-size", 0, "users per request (0: the provider's largest page)")
	fs.IntVar(&c.maxPages, "max-pages", 0, "stop after this many pages (0: no limit); with -resume-file, the next run carries on")
	fs.DurationVar(&c.every, "progress", time.Second, "interval between progress lines on stderr (0: one per page)")
	statuses := fs.String("status", "", "export only these statuses, comma-separated: active, inactive, onboarding, leave, invited")
	departments := fs.String("department", "", "export only these departments (names or ids), comma-separated")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return nil, err
	}
	switch {
	case c.format != "csv" && c.format != "jsonl":
		return nil, cli.Usagef("-format %q: want csv or jsonl", c.format)
	case c.resumeFile != "" && c.out == "":
		return nil, cli.Usagef("-resume-file needs -o: the export appends to the file it was writing")
	case c.resumeFile != "" && filepath.Clean(c.resumeFile) == filepath.Clean(c.out):
		return nil, cli.Usagef("-resume-file and -o name the same file")
	case c.every < 0:
		return nil, cli.Usagef("-progress %s: want 0 or more", c.every)
	}
	if err := cli.CheckRange("page-size", c.pageSize, 0, -1); err != nil {
		return nil, err
	}
	if err := cli.CheckRange("max-pages", c.maxPages, 0, -1); err != nil {
		return nil, err
	}
	for _, s := range splitList(*statuses) {
		st, err := unified.ParseStatus(s)
		if err != nil || st == unified.StatusUnknown {
			return nil, cli.Usagef("-status %q: want active, inactive, onboarding, leave or invited", s)
		}
		c.filter.Statuses = append(c.filter.Statuses, st)
	}
	c.filter.Departments = splitList(*departments)
	return &c, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	env, err := cli.ReadEnv(os.Getenv)
	if err != nil {
		return err
	}
	sources, err := cfg.Sources(env, true)
	if err != nil {
		return err
	}
	src := sources[0]

	// A resume file is checked before anything is read or written.
	var resume *resumeState
	if cfg.resumeFile != "" {
		if resume, err = loadResume(cfg.resumeFile); err != nil {
			return err
		}
		if resume != nil {
			if err := resume.check(src.Provider, cfg); err != nil {
				return err
			}
		}
	}

	var company *personiotest.Company
	if !src.Real {
		company = personiotest.GenerateCompany(cfg.Seed, cfg.People)
	}
	fmt.Fprintf(stderr, "exporting %s\n", cli.Describe(sources, company))
	dir, stop, err := openDirectory(src, env, company)
	if err != nil {
		return err
	}
	defer stop()
	return export(ctx, dir, cfg, resume, stdout, stderr)
}

// export lists dir page by page into the output. The output is opened (and, when
// resuming, cut back) only once the first page has been read, so that a request that
// fails, a cursor the provider rejects or Ctrl-C before then leaves it as it was.
func export(ctx context.Context, dir unified.Directory, cfg *config, resume *resumeState, stdout, stderr io.Writer) (err error) {
	st := resumeState{Version: resumeVersion, Provider: dir.Provider(), Format: cfg.format, Filter: cfg.filter}
	if cfg.out != "" {
		if st.Output, err = filepath.Abs(cfg.out); err != nil {
			return err
		}
	}
	opts := &unified.ListOptions{PageSize: cfg.pageSize, Filter: cfg.filter}
	if resume != nil {
		st = *resume
		opts.Cursor = st.Cursor
		fmt.Fprintf(stderr, "resuming the %s export after %d users (%d pages)\n", st.Provider, st.Users, st.Pages)
	}
	var out *output
	defer func() {
		if out != nil {
			err = errors.Join(err, out.close())
		}
		if err != nil {
			err = explain(err, cfg, out != nil, resume != nil && out == nil)
		}
	}()
	prog := newProgress(stderr, cfg.every, st.Users)
	for pages := 0; ; pages++ {
		if cfg.maxPages > 0 && pages == cfg.maxPages {
			prog.stopped(st.Users, st.Pages)
			return nil
		}
		page, err := dir.ListUsers(ctx, opts)
		if err != nil {
			return err
		}
		if page.NextCursor != "" && page.NextCursor == opts.Cursor {
			return fmt.Errorf("%s: %w", dir.Provider(), unified.ErrCursorLoop)
		}
		if out == nil {
			if out, err = openOutput(cfg, dir.Provider(), resume, stdout); err != nil {
				return err
			}
		}
		if err := out.writePage(page.Users); err != nil {
			return err
		}
		st.Users += len(page.Users)
		st.Pages++
		st.Cursor = page.NextCursor
		// The last page records nothing: the resume file is deleted below, and should
		// that fail, a resumption reads the last page again.
		if cfg.resumeFile != "" && page.NextCursor != "" {
			if err := out.sync(); err != nil {
				return err
			}
			st.Offset = out.size()
			if err := st.save(cfg.resumeFile); err != nil {
				return err
			}
		}
		prog.page(st.Users, st.Pages, page.Total, page.NextCursor == "")
		if page.NextCursor == "" {
			break
		}
		opts.Cursor = page.NextCursor
	}
	if err := out.close(); err != nil {
		return err
	}
	if cfg.resumeFile != "" {
		if err := os.Remove(cfg.resumeFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// explain adds to an export's error what the user can do: after Ctrl-C or a failure,
// how to continue; for a cursor the provider rejects when resuming, how to start over.
func explain(err error, cfg *config, written, firstResumed bool) error {
	interrupted := errors.Is(err, context.Canceled)
	switch {
	case firstResumed && errors.Is(err, unified.ErrInvalidCursor):
		return resumeErrorf(cfg.resumeFile, "the provider rejects its cursor (%v)", err)
	case interrupted && cfg.resumeFile != "":
		return fmt.Errorf("%w; run again with -resume-file %s to continue", cli.ErrInterrupted, cfg.resumeFile)
	case interrupted && !written:
		return fmt.Errorf("%w; nothing was written", cli.ErrInterrupted)
	case interrupted && cfg.out != "":
		return fmt.Errorf("%w; %s is incomplete (with -resume-file an export can continue where it stopped)", cli.ErrInterrupted, cfg.out)
	case interrupted:
		return fmt.Errorf("%w; the output is incomplete", cli.ErrInterrupted)
	case cfg.resumeFile != "" && !errors.Is(err, cli.ErrUsage):
		return fmt.Errorf("%w\nrun again with -resume-file %s to continue", err, cfg.resumeFile)
	}
	return err
}

// openDirectory makes the client and the Directory of the source: the real service with
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
