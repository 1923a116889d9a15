package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// output is where the export writes: stdout or a file, through an encoder of the format.
type output struct {
	name  string   // for errors: the file, or "the output"
	f     *os.File // nil for stdout
	w     *countingWriter
	enc   encoder
	start int64 // the length the file was resumed at
}

// countingWriter counts the bytes written and keeps the first write error, so that the
// export can tell a failed write from a user the encoder cannot encode.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// openOutput opens the output and writes the format's header: stdout, a new file, or,
// when resuming, the file cut back to the length the resume file records (no header).
// provider is the directory's, for the JSON Lines header.
func openOutput(cfg *config, provider string, resume *resumeState, stdout io.Writer) (*output, error) {
	o := &output{name: "the output"}
	var w io.Writer = stdout
	if cfg.out != "" {
		o.name = cfg.out
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if resume != nil {
			flags = os.O_WRONLY
		}
		f, err := os.OpenFile(cfg.out, flags, 0o600)
		if err != nil {
			return nil, err
		}
		if resume != nil {
			err = f.Truncate(resume.Offset)
			if err == nil {
				_, err = f.Seek(resume.Offset, io.SeekStart)
			}
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("resuming: %w", err)
			}
			o.start = resume.Offset
		}
		o.f, w = f, f
	}
	o.w = &countingWriter{w: w}
	if cfg.format == "jsonl" {
		o.enc = &jsonlEncoder{sw: snapshot.NewWriter(o.w)}
	} else {
		bw := bufio.NewWriterSize(o.w, 64<<10)
		o.enc = &csvEncoder{bw: bw, cw: csv.NewWriter(bw)}
	}
	var err error
	if resume == nil {
		err = o.enc.header(snapshot.Header{Provider: provider, Filter: cfg.filter, TakenAt: time.Now().UTC()})
	}
	if err == nil {
		err = o.enc.flush()
	}
	if err != nil {
		err = errors.Join(o.failed(err), o.close())
		return nil, err
	}
	return o, nil
}

// writePage writes the users and flushes them to the output.
func (o *output) writePage(users []unified.User) error {
	for i := range users {
		if err := o.enc.write(&users[i]); err != nil {
			return o.failed(err)
		}
	}
	if err := o.enc.flush(); err != nil {
		return o.failed(err)
	}
	return nil
}

// failed returns the error of a write: the output's own error, naming it, when a write
// to it failed; else the encoder's.
func (o *output) failed(err error) error {
	if o.w.err != nil {
		return fmt.Errorf("writing %s: %w", o.name, o.w.err)
	}
	return err
}

// size is the length of the output: what earlier runs and this one wrote.
func (o *output) size() int64 { return o.start + o.w.n }

// sync commits the file to disk, so that the resume file never records more than the
// disk holds.
func (o *output) sync() error {
	if o.f == nil {
		return nil
	}
	if err := o.f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", o.name, err)
	}
	return nil
}

// close closes the file; the encoder was flushed after each page. It may be called again.
func (o *output) close() error {
	if o.f == nil {
		return nil
	}
	f := o.f
	o.f = nil
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", o.name, err)
	}
	return nil
}

// encoder writes users in one format.
type encoder interface {
	header(h snapshot.Header) error
	write(u *unified.User) error
	flush() error
}

type jsonlEncoder struct{ sw *snapshot.Writer }

func (e *jsonlEncoder) header(h snapshot.Header) error { return e.sw.WriteHeader(h) }
func (e *jsonlEncoder) write(u *unified.User) error    { return e.sw.Write(u) }
func (e *jsonlEncoder) flush() error                   { return e.sw.Flush() }

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

func (e *csvEncoder) header(snapshot.Header) error { return e.cw.Write(csvHeader) }

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
	for i, cell := range e.row {
		e.row[i] = textCell(cell)
	}
	return e.cw.Write(e.row)
}

func (e *csvEncoder) flush() error {
	e.cw.Flush()
	if err := e.cw.Error(); err != nil {
		return err
	}
	return e.bw.Flush()
}

// textCell returns s as a CSV cell that spreadsheets show as text. Excel and LibreOffice
// run a cell starting with =, +, - or @ as a formula (=HYPERLINK("http://…") in a name
// sends whoever clicks it anywhere), and also after a leading tab or carriage return.
// Following OWASP's guidance on CSV injection, such a cell gets a leading single quote,
// which the spreadsheet shows as text and does not display; other cells, a hyphen inside
// a name included, are left as they are. Programs that read the CSV back should drop
// the quote; the JSON Lines output holds the values unchanged.
func textCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
