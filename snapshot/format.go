package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"strconv"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/textclip"
	"github.com/hrisconnect/hrisconnect/unified"
)

// FormatVersion is the snapshot format version this package writes and reads.
const FormatVersion = 1

// DefaultMaxLine is the longest line, in bytes, that a [Reader] accepts
// unless told otherwise: room for users with a large Raw record.
const DefaultMaxLine = 32 << 20

// ErrInvalid is matched by the errors for snapshot data that cannot be read: a
// line that is not a JSON object, is too long, or a header of an unknown version.
var ErrInvalid = errors.New("invalid snapshot")

// Header is the first line of a snapshot file: what the users were read from, and when.
// See [Snapshot] for the meaning of its fields. A file without a header reads as a
// snapshot that names no provider.
type Header struct {
	// Version is the format version; 0 when writing means [FormatVersion].
	Version  int    `json:"version"`
	Provider string `json:"provider,omitempty"`
	// Filter is omitted when it selects every user.
	Filter     unified.Filter `json:"filter,omitzero"`
	TakenAt    time.Time      `json:"taken_at,omitzero"`
	FullSyncAt time.Time      `json:"full_sync_at,omitzero"`
}

// LineError is an error at one line of a snapshot. It wraps the cause: a JSON error
// together with [ErrInvalid], or the reader's own error.
type LineError struct {
	Line int // 1-based
	Err  error
}

// Error returns "snapshot: line N: cause".
func (e *LineError) Error() string {
	return "snapshot: line " + strconv.Itoa(e.Line) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// Writer writes a snapshot file line by line, through a buffer: the header, then one user
// per line, so that a listing can be written as it is read, whatever its size. Call
// [Writer.Close] (or Flush) at the end. It is not safe for concurrent use. [Write] and
// [Save] write a whole [Snapshot].
type Writer struct {
	bw     *bufio.Writer
	enc    *json.Encoder
	n      int
	lines  int
	closed bool
}

// NewWriter returns a writer of a snapshot to w.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{bw: bw, enc: enc}
}

// WriteHeader writes the header line. It must come before the first user (a file meant
// for [Diff] or [Sync] needs one); a Version of 0 means [FormatVersion], any other
// version is an error matching [unified.ErrInvalidValue].
func (sw *Writer) WriteHeader(h Header) error {
	if sw.closed {
		return fmt.Errorf("snapshot: %w", fs.ErrClosed)
	}
	if sw.lines > 0 {
		return fmt.Errorf("snapshot: the header must be the first line: %w", unified.ErrInvalidValue)
	}
	if h.Version == 0 {
		h.Version = FormatVersion
	}
	if h.Version != FormatVersion {
		return fmt.Errorf("snapshot: header version %d: this package writes version %d: %w",
			h.Version, FormatVersion, unified.ErrInvalidValue)
	}
	if err := sw.enc.Encode(struct {
		H Header `json:"$snapshot"`
	}{h}); err != nil {
		return fmt.Errorf("snapshot: header: %w", err)
	}
	sw.lines++
	return nil
}

// Write writes one user as a line. A user that cannot be encoded (an invalid date or
// status, a Raw that is not valid JSON) gives an error and writes nothing.
func (sw *Writer) Write(u *unified.User) error {
	if sw.closed {
		return fmt.Errorf("snapshot: %w", fs.ErrClosed)
	}
	if u == nil {
		return fmt.Errorf("snapshot: nil user: %w", unified.ErrInvalidValue)
	}
	if err := sw.enc.Encode(u); err != nil {
		return fmt.Errorf("snapshot: user %q: %w", clip(u.ID), err)
	}
	sw.n++
	sw.lines++
	return nil
}

// Count returns the number of users written.
func (sw *Writer) Count() int { return sw.n }

// Flush writes any buffered lines to the underlying writer.
func (sw *Writer) Flush() error {
	if err := sw.bw.Flush(); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// Close flushes the buffer; later writes fail. It does not close the underlying writer.
func (sw *Writer) Close() error {
	if sw.closed {
		return nil
	}
	sw.closed = true
	return sw.Flush()
}

// Reader reads a snapshot line by line; memory use depends on the longest line,
// not on the number of lines. It is not safe for concurrent use.
type Reader struct {
	br      *bufio.Reader
	max     int
	line    int    // lines read so far
	buf     []byte // a line longer than the bufio buffer
	pending []byte // the first user line, when read by Header
	started bool   // the first non-blank line has been read
	header  *Header
	err     error // sticky
}

// NewReader returns a reader of the snapshot in r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), max: DefaultMaxLine}
}

// SetMaxLineSize sets the longest line accepted, in bytes, not counting the "\n" that
// ends it (default [DefaultMaxLine]); values below 1 KiB mean 1 KiB. Call it
// before reading.
func (sr *Reader) SetMaxLineSize(n int) { sr.max = max(n, 1<<10) }

// Header reads the header, if the snapshot has one, and returns it; it returns nil and no
// error for a snapshot without a header. It may be called before or after reading users.
func (sr *Reader) Header() (*Header, error) {
	if !sr.started && sr.err == nil {
		line, err := sr.first()
		switch {
		case err == io.EOF:
		case err != nil:
			sr.err = err
			return nil, err
		default:
			sr.pending = append([]byte(nil), line...)
		}
	}
	if sr.header == nil {
		return nil, nil
	}
	h := *sr.header
	return &h, nil
}

// first reads up to the first non-blank line, takes it as the header if it is one, and
// returns the first user line (nil at the end of the data).
func (sr *Reader) first() ([]byte, error) {
	sr.started = true
	line, err := sr.next()
	if err != nil {
		return nil, err
	}
	raw, isHeader, err := probeHeader(line)
	if err != nil {
		return nil, &LineError{Line: sr.line, Err: err}
	}
	if !isHeader {
		return line, nil
	}
	var h Header
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, &LineError{Line: sr.line, Err: fmt.Errorf("header: %w: %w", err, ErrInvalid)}
	}
	switch {
	case h.Version < 1:
		return nil, &LineError{Line: sr.line, Err: fmt.Errorf("header has no version: %w", ErrInvalid)}
	case h.Version > FormatVersion:
		return nil, &LineError{Line: sr.line, Err: fmt.Errorf(
			"snapshot format version %d is newer than this package reads (%d): %w", h.Version, FormatVersion, ErrInvalid)}
	}
	sr.header = &h
	return sr.next()
}

const headerKey = `"$snapshot"`

// probeHeader reports whether line is a header line, and returns the header's JSON.
func probeHeader(line []byte) (json.RawMessage, bool, error) {
	if !bytes.Contains(line, []byte(headerKey)) {
		return nil, false, nil
	}
	var probe struct {
		H json.RawMessage `json:"$snapshot"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return nil, false, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	return probe.H, probe.H != nil, nil
}

// next returns the next non-blank line, without its line ending. The slice is valid
// until the next call. It returns io.EOF at the end of the data.
func (sr *Reader) next() ([]byte, error) {
	for {
		line, err := sr.readLine()
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

func (sr *Reader) readLine() ([]byte, error) {
	sr.buf = sr.buf[:0]
	for {
		chunk, err := sr.br.ReadSlice('\n')
		size := len(sr.buf) + len(chunk)
		if err == nil {
			size-- // the newline
		}
		if size > sr.max {
			return nil, &LineError{Line: sr.line + 1, Err: fmt.Errorf(
				"line longer than %d bytes (see Reader.SetMaxLineSize): %w", sr.max, ErrInvalid)}
		}
		switch {
		case err == bufio.ErrBufferFull:
			sr.buf = append(sr.buf, chunk...)
			continue
		case err == io.EOF && size == 0:
			return nil, io.EOF
		case err != nil && err != io.EOF:
			return nil, &LineError{Line: sr.line + 1, Err: err}
		}
		sr.line++
		line := chunk
		if len(sr.buf) > 0 {
			sr.buf = append(sr.buf, chunk...)
			line = sr.buf
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
}

// decodeUser decodes one user line.
func (sr *Reader) decodeUser(line []byte) (unified.User, error) {
	var u unified.User
	if t := bytes.TrimSpace(line); len(t) == 0 || t[0] != '{' {
		return u, &LineError{Line: sr.line, Err: fmt.Errorf("want a JSON object: %w", ErrInvalid)}
	}
	if _, isHeader, _ := probeHeader(line); isHeader {
		return u, &LineError{Line: sr.line, Err: fmt.Errorf("a header is allowed on the first line only: %w", ErrInvalid)}
	}
	if err := json.Unmarshal(line, &u); err != nil {
		return unified.User{}, &LineError{Line: sr.line, Err: fmt.Errorf("%w: %w", err, ErrInvalid)}
	}
	// A date written as "" decodes into a pointer to the zero Date; no date is a nil
	// pointer, which is also what the line reads as once it is written again.
	for _, d := range []**unified.Date{&u.StartDate, &u.TerminationDate, &u.LastWorkingDay, &u.BirthDate} {
		if *d != nil && (*d).IsZero() {
			*d = nil
		}
	}
	return u, nil
}

// Users returns an iterator over the users of the snapshot, read one line at a time. The
// header, if any, is skipped (see [Reader.Header]). On the first error (a
// [*LineError] naming the line) the iterator yields it once and stops; every later
// range yields the same error. A range that ends early leaves the reader after the last
// user yielded, and the next range goes on from there.
func (sr *Reader) Users() iter.Seq2[unified.User, error] {
	return func(yield func(unified.User, error) bool) {
		if sr.err != nil {
			yield(unified.User{}, sr.err)
			return
		}
		for {
			var (
				line []byte
				err  error
			)
			switch {
			case !sr.started:
				line, err = sr.first()
			case sr.pending != nil:
				line, sr.pending = sr.pending, nil
			default:
				line, err = sr.next()
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				sr.err = err
				yield(unified.User{}, err)
				return
			}
			u, err := sr.decodeUser(line)
			if err != nil {
				sr.err = err
				yield(unified.User{}, err)
				return
			}
			if !yield(u, nil) {
				return
			}
		}
	}
}

// clip shortens untrusted text quoted in an error message.
func clip(s string) string { return textclip.Text(s, 64) }
