// Command export writes a whole directory to CSV or JSON Lines, page by page, with a
// progress line on stderr, and can resume an interrupted export from a saved cursor.
//
//	go run ./examples/export -format csv -o people.csv
//	go run ./examples/export -provider lattice -format jsonl > people.jsonl
//	go run ./examples/export -o people.csv -resume-file people.resume   # run again after an interruption
//
// JSON Lines output is the snapshot format (a header line, then one unified.User per
// line), which snapshot.Read and snapshot.Load read and snapshot.Diff compares. CSV has
// one row per user with the standard fields; custom attributes are in the JSON Lines
// output only.
//
// With -resume-file, after each page has been written (and synced to disk) the export
// records the page's NextCursor and the length of the output so far. Started again with
// the same file, it cuts the output back to that length (a page written after the last
// record is written again, never twice) and carries on from the cursor. A finished
// export deletes its resume file.
//
// The directory is chosen as in quickstart: the in-process fakes by default, the real
// service when its credentials are in the environment.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hrisconnect/hrisconnect/examples/internal/providers"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

func main() { providers.Main("export", run) }

// config is the parsed command line.
type config struct {
	providers.Flags
	format     string
	out        string
	resumeFile string
	pageSize   int
	maxPages   int
	every      time.Duration
}

func parse(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	c.Register(fs, "", true)
	fs.StringVar(&c.format, "format", "csv", "output format: csv or jsonl (the unified snapshot format)")
	fs.StringVar(&c.out, "o", "", "output file (default: stdout)")
	fs.StringVar(&c.resumeFile, "resume-file", "", "file that records progress after each page, to resume an interrupted export (needs -o)")
	fs.IntVar(&c.pageSize, "page-size", 0, "users per request (0: the provider's largest page)")
	fs.IntVar(&c.maxPages, "max-pages", 0, "stop after this many pages (0: no limit); with -resume-file, the next run carries on")
	fs.DurationVar(&c.every, "progress", time.Second, "interval between progress lines on stderr (0: one per page)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("%w: unexpected arguments %q", providers.ErrUsage, fs.Args())
	case c.format != "csv" && c.format != "jsonl":
		return nil, fmt.Errorf("%w: -format %q: want csv or jsonl", providers.ErrUsage, c.format)
	case c.resumeFile != "" && c.out == "":
		return nil, fmt.Errorf("%w: -resume-file needs -o: the export appends to the file it was writing", providers.ErrUsage)
	case c.pageSize < 0 || c.maxPages < 0:
		return nil, fmt.Errorf("%w: -page-size and -max-pages must not be negative", providers.ErrUsage)
	}
	return &c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	set, err := providers.Open(providers.Options{Flags: cfg.Flags, Single: true})
	if err != nil {
		return err
	}
	defer set.Close()
	src := set.Sources[0]
	fmt.Fprintf(stderr, "exporting %s\n", set.Describe())

	var resume *resumeState
	if cfg.resumeFile != "" {
		if resume, err = loadResume(cfg.resumeFile); err != nil {
			return err
		}
		if resume != nil {
			if err := resume.check(src.Name, cfg); err != nil {
				return err
			}
		}
	}
	out, err := openOutput(cfg, resume, stdout)
	if err != nil {
		return err
	}
	defer out.close()

	enc, err := newEncoder(cfg.format, out.w, src.Name, resume == nil)
	if err != nil {
		return err
	}
	st := resumeState{Version: resumeVersion, Provider: src.Name, Format: cfg.format, Output: out.abs}
	if resume != nil {
		st = *resume
		fmt.Fprintf(stderr, "resuming %s export after %d users (%d pages)\n", src.Name, st.Users, st.Pages)
	}
	prog := newProgress(stderr, cfg.every, st.Users)
	opts := &unified.ListOptions{Cursor: st.Cursor, PageSize: cfg.pageSize}
	for pages := 0; ; pages++ {
		if cfg.maxPages > 0 && pages == cfg.maxPages {
			prog.stopped(st.Users, st.Pages)
			return nil
		}
		page, err := src.Dir.ListUsers(ctx, opts)
		if err != nil {
			if errors.Is(err, unified.ErrInvalidCursor) && cfg.resumeFile != "" {
				return fmt.Errorf("%w (delete %s to start over)", err, cfg.resumeFile)
			}
			return err
		}
		if page.NextCursor != "" && page.NextCursor == opts.Cursor {
			return fmt.Errorf("%s: %w", src.Name, unified.ErrCursorLoop)
		}
		for i := range page.Users {
			if err := enc.write(&page.Users[i]); err != nil {
				return err
			}
		}
		if err := enc.flush(); err != nil {
			return err
		}
		st.Users += len(page.Users)
		st.Pages++
		st.Cursor = page.NextCursor
		if cfg.resumeFile != "" {
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

// output is where the export writes: stdout or a file, counting the bytes written.
type output struct {
	w     *countingWriter
	f     *os.File // nil for stdout
	abs   string
	start int64
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// openOutput opens the output: stdout, a new file, or, when resuming, the file cut back
// to the length recorded with the cursor.
func openOutput(cfg *config, resume *resumeState, stdout io.Writer) (*output, error) {
	if cfg.out == "" {
		return &output{w: &countingWriter{w: stdout}}, nil
	}
	abs, err := filepath.Abs(cfg.out)
	if err != nil {
		return nil, err
	}
	o := &output{abs: abs}
	if resume == nil {
		o.f, err = os.OpenFile(cfg.out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return nil, err
		}
	} else {
		if o.f, err = os.OpenFile(cfg.out, os.O_WRONLY, 0); err != nil {
			return nil, fmt.Errorf("resuming: %w", err)
		}
		fi, err := o.f.Stat()
		if err == nil && fi.Size() < resume.Offset {
			err = fmt.Errorf("%s is shorter (%d bytes) than the resume file records (%d): delete %s to start over",
				cfg.out, fi.Size(), resume.Offset, cfg.resumeFile)
		}
		if err == nil {
			err = o.f.Truncate(resume.Offset)
		}
		if err == nil {
			_, err = o.f.Seek(resume.Offset, io.SeekStart)
		}
		if err != nil {
			o.f.Close()
			return nil, fmt.Errorf("resuming: %w", err)
		}
		o.start = resume.Offset
	}
	o.w = &countingWriter{w: o.f}
	return o, nil
}

func (o *output) size() int64 { return o.start + o.w.n }

func (o *output) sync() error {
	if o.f == nil {
		return nil
	}
	return o.f.Sync()
}

func (o *output) close() error {
	if o.f == nil {
		return nil
	}
	f := o.f
	o.f = nil
	return f.Close()
}

// encoder writes users in one format.
type encoder interface {
	write(u *unified.User) error
	flush() error
}

// newEncoder returns the encoder of format; header says whether to start with the
// header (not when resuming).
func newEncoder(format string, w io.Writer, provider string, header bool) (encoder, error) {
	if format == "jsonl" {
		sw := snapshot.NewWriter(w)
		if header {
			if err := sw.WriteHeader(snapshot.Header{Provider: provider, TakenAt: time.Now().UTC()}); err != nil {
				return nil, err
			}
		}
		return jsonlEncoder{sw}, nil
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &csvEncoder{bw: bw, cw: csv.NewWriter(bw)}
	if header {
		if err := e.cw.Write(csvHeader); err != nil {
			return nil, err
		}
	}
	return e, nil
}

type jsonlEncoder struct{ sw *snapshot.Writer }

func (e jsonlEncoder) write(u *unified.User) error { return e.sw.Write(u) }
func (e jsonlEncoder) flush() error                { return e.sw.Flush() }

type csvEncoder struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	row []string
}

var csvHeader = []string{
	"provider", "id", "employee_number", "external_id", "email",
	"first_name", "last_name", "preferred_name", "display_name", "title", "gender",
	"status", "employment_type",
	"department_id", "department", "team_id", "team", "office_id", "office",
	"legal_entity_id", "legal_entity", "manager_id", "manager", "manager_email",
	"start_date", "termination_date", "last_working_day", "birth_date",
	"created_at", "updated_at",
}

func (e *csvEncoder) write(u *unified.User) error {
	ref := func(r *unified.Ref) (string, string) {
		if r == nil {
			return "", ""
		}
		return r.ID, r.Name
	}
	day := func(d *unified.Date) string {
		if d == nil {
			return ""
		}
		return d.String()
	}
	instant := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	deptID, dept := ref(u.Department)
	teamID, team := ref(u.Team)
	officeID, office := ref(u.Office)
	leID, le := ref(u.LegalEntity)
	mgrID, mgr := ref(u.Manager)
	mgrEmail := ""
	if u.Manager != nil {
		mgrEmail = u.Manager.Email
	}
	e.row = append(e.row[:0],
		u.Provider, u.ID, u.EmployeeNumber, u.ExternalID, u.Email,
		u.FirstName, u.LastName, u.PreferredName, u.DisplayName, u.Title, u.Gender,
		u.Status.String(), u.EmploymentType.String(),
		deptID, dept, teamID, team, officeID, office, leID, le, mgrID, mgr, mgrEmail,
		day(u.StartDate), day(u.TerminationDate), day(u.LastWorkingDay), day(u.BirthDate),
		instant(u.CreatedAt), instant(u.UpdatedAt),
	)
	return e.cw.Write(e.row)
}

func (e *csvEncoder) flush() error {
	e.cw.Flush()
	if err := e.cw.Error(); err != nil {
		return err
	}
	return e.bw.Flush()
}

// resumeState is what the resume file records after each page.
type resumeState struct {
	Version  int    `json:"version"`
	Provider string `json:"provider"`
	Format   string `json:"format"`
	// Output is the absolute path of the output file.
	Output string `json:"output"`
	// Cursor reads the next page; Offset is the output's length after the last page.
	Cursor string `json:"cursor"`
	Offset int64  `json:"offset"`
	Users  int    `json:"users"`
	Pages  int    `json:"pages"`
}

const resumeVersion = 1

// loadResume reads the resume file; nil when there is none.
func loadResume(path string) (*resumeState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st resumeState
	if err := json.Unmarshal(b, &st); err != nil || st.Version != resumeVersion || st.Offset < 0 {
		return nil, fmt.Errorf("%w: %s is not a resume file of this program (delete it to start over)", providers.ErrUsage, path)
	}
	return &st, nil
}

// check reports whether st belongs to the export cfg asks for.
func (st *resumeState) check(provider string, cfg *config) error {
	abs, err := filepath.Abs(cfg.out)
	if err != nil {
		return err
	}
	if st.Provider != provider || st.Format != cfg.format || st.Output != abs {
		return fmt.Errorf("%w: %s records a %s export of %s to %s, not a %s export of %s to %s (delete it to start over)",
			providers.ErrUsage, cfg.resumeFile, st.Format, st.Provider, st.Output, cfg.format, provider, abs)
	}
	return nil
}

// save writes st to path atomically (a temporary file renamed over it).
func (st *resumeState) save(path string) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// progress writes the progress line: on a terminal one line rewritten in place,
// elsewhere a line per interval.
type progress struct {
	w      io.Writer
	tty    bool
	every  time.Duration
	start  time.Time
	last   time.Time
	before int // users exported by earlier runs
}

func newProgress(w io.Writer, every time.Duration, before int) *progress {
	p := &progress{w: w, every: every, start: time.Now(), before: before}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// page reports progress after a page; total is the provider's count of the whole
// listing, or negative when unknown.
func (p *progress) page(users, pages, total int, done bool) {
	now := time.Now()
	if !done && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	rate := float64(users-p.before) / max(elapsed.Seconds(), 1e-3)
	line := fmt.Sprintf("%d users, %d pages, %.0f users/s", users, pages, rate)
	switch {
	case done:
		line = fmt.Sprintf("done: %d users, %d pages in %s (%.0f users/s)", users, pages, elapsed.Round(time.Millisecond), rate)
	case total > 0 && users <= total && rate > 0:
		eta := time.Duration(float64(total-users) / rate * float64(time.Second))
		line += fmt.Sprintf(", %d of %d, ETA %s", users, total, eta.Round(time.Second))
	}
	p.print(line, done)
}

func (p *progress) stopped(users, pages int) {
	p.print(fmt.Sprintf("stopped after %d users, %d pages (-max-pages); run again to resume", users, pages), true)
}

func (p *progress) print(line string, last bool) {
	switch {
	case !p.tty:
		fmt.Fprintln(p.w, line)
	case last:
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
	default:
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	}
}
