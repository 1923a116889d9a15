package mapping

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// Sentinel errors. Every error of this package matches one of them with [errors.Is].
var (
	// ErrUnknownAttribute: a source names an attribute that the catalog does not know by
	// key, universal id or label. The error text suggests the closest names.
	ErrUnknownAttribute = errors.New("unknown attribute")
	// ErrAmbiguousAttribute: a source label names several attributes of the catalog. Use
	// the stable key instead.
	ErrAmbiguousAttribute = errors.New("ambiguous attribute")
	// ErrInvalidSpec: a spec is malformed (bad JSON, unknown key, bad transform argument,
	// unknown target or transform) or cannot be compiled against the catalog. Errors with
	// the JSON path of the mistake are [*SpecError] values.
	ErrInvalidSpec = errors.New("invalid spec")
	// ErrRequiredMissing: a required field had no value for a record, or (from
	// [Report.Err]) a required source attribute is not available to the credentials.
	ErrRequiredMissing = errors.New("required value missing")
	// ErrTransform: a transform failed on a record's value, or its result could not be
	// stored in the target field (an unknown status, an unparsable date).
	ErrTransform = errors.New("transform failed")
)

// SpecError is a mistake in a spec, at a JSON path such as
// "fields[3].transforms[1].args.sep". It matches [ErrInvalidSpec] and whatever Err matches
// (for example [ErrUnknownAttribute]).
type SpecError struct {
	// Path locates the mistake in the spec's JSON form; "" for the document as a whole.
	Path string
	// Err says what is wrong.
	Err error
}

// Error returns "mapping: <path>: <what is wrong>".
func (e *SpecError) Error() string {
	if e.Path == "" {
		return "mapping: " + e.Err.Error()
	}
	return "mapping: " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *SpecError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrInvalidSpec]: every SpecError is one.
func (e *SpecError) Is(target error) bool { return target == ErrInvalidSpec }

func specErr(path string, format string, args ...any) error {
	return &SpecError{Path: path, Err: fmt.Errorf(format, args...)}
}

// FieldError is the failure of one field of one record.
type FieldError struct {
	// Field is the target of the failing field ("email", "custom.dynamic_24407").
	Field string
	// Source names the attribute(s) the value came from ("email", "first_name+last_name").
	Source string
	// Value is the text of the value that failed, clipped to 64 characters; "" when the
	// field had no value at all.
	Value string
	// Err is the cause. It matches [ErrRequiredMissing] or [ErrTransform].
	Err error
}

// Error describes the failure: field, source, value and cause.
func (e *FieldError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "field %q", e.Field)
	if e.Source != "" || e.Value != "" {
		b.WriteString(" (")
		if e.Source != "" {
			fmt.Fprintf(&b, "source %q", e.Source)
		}
		if e.Value != "" {
			if e.Source != "" {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "value %q", e.Value)
		}
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// RecordError gathers every failing field of one record. The fields that did not fail were
// still set.
type RecordError struct {
	// Provider is the catalog's provider ("acme"), when the mapper was compiled with
	// a catalog.
	Provider string
	// RecordID is the failing record's ID().
	RecordID string
	// Errors lists the failing fields in spec order; it is never empty.
	Errors []*FieldError
}

// Error returns one line naming the record and every failing field, after the provider
// as the one prefix ("acme: record "7": field ..."), or "mapping:" when there is none.
func (e *RecordError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	} else {
		b.WriteString("mapping: ")
	}
	fmt.Fprintf(&b, "record %q: ", e.RecordID)
	if len(e.Errors) == 1 {
		b.WriteString(e.Errors[0].Error())
		return b.String()
	}
	fmt.Fprintf(&b, "%d fields failed: ", len(e.Errors))
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Unwrap returns the field errors, so that [errors.Is] and [errors.As] see each of them.
func (e *RecordError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		out[i] = fe
	}
	return out
}

// ErrorPolicy says what a sync does with a record that fails to map.
type ErrorPolicy uint8

const (
	// Strict treats the first failing record as fatal.
	Strict ErrorPolicy = iota
	// Lenient collects failing records and carries on; the fields that mapped are kept.
	Lenient
)

// String returns "strict" or "lenient".
func (p ErrorPolicy) String() string {
	switch p {
	case Strict:
		return "strict"
	case Lenient:
		return "lenient"
	}
	return fmt.Sprintf("ErrorPolicy(%d)", uint8(p))
}

// defaultCollectorLimit is how many record errors a Collector keeps when Limit is 0.
const defaultCollectorLimit = 100

// Collector applies an [ErrorPolicy] to the errors of [Mapper.ApplyUser] and
// [Mapper.Apply]. The zero value is a strict collector that logs nothing. It is safe for
// concurrent use; do not copy it after first use.
//
// A typical adapter loop:
//
//	for _, rec := range records {
//		var u unified.User
//		if err := col.Handle(m.ApplyUser(rec, &u)); err != nil {
//			return err // strict mode, or not a mapping error of the record
//		}
//		users = append(users, u)
//	}
//	// col.Errors() lists the records that mapped only partly.
type Collector struct {
	// Policy is Strict (the default) or Lenient.
	Policy ErrorPolicy
	// Limit caps how many record errors are kept (all are counted); 0 means 100.
	Limit int
	// Logger, if set, gets a warning for each record error collected in lenient mode.
	Logger *slog.Logger

	mu    sync.Mutex
	errs  []*RecordError
	count int
}

// Handle returns nil for a nil err. A *RecordError is returned unchanged under Strict;
// under Lenient it is recorded (and logged) and Handle returns nil, so that the caller keeps
// the partly mapped record and goes on. Any other error (a misused mapper) is returned
// unchanged under both policies.
func (c *Collector) Handle(err error) error {
	if err == nil {
		return nil
	}
	var re *RecordError
	if !errors.As(err, &re) || c.Policy != Lenient {
		return err
	}
	limit := c.Limit
	if limit <= 0 {
		limit = defaultCollectorLimit
	}
	c.mu.Lock()
	c.count++
	if len(c.errs) < limit {
		c.errs = append(c.errs, re)
	}
	c.mu.Unlock()
	if c.Logger != nil {
		c.Logger.Warn("mapping: record mapped with errors",
			slog.String("provider", re.Provider),
			slog.String("record", re.RecordID),
			slog.Int("failed_fields", len(re.Errors)),
			slog.String("error", re.Error()))
	}
	return nil
}

// Count returns how many record errors were collected, including those beyond Limit.
func (c *Collector) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// Errors returns a copy of the collected record errors (at most Limit), in the order they
// were handled.
func (c *Collector) Errors() []*RecordError {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*RecordError(nil), c.errs...)
}

// Err returns nil when no record failed, else an error that joins the kept record errors
// and says how many were dropped beyond Limit.
func (c *Collector) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.count == 0 {
		return nil
	}
	errs := make([]error, 0, len(c.errs)+1)
	for _, e := range c.errs {
		errs = append(errs, e)
	}
	if dropped := c.count - len(c.errs); dropped > 0 {
		errs = append(errs, fmt.Errorf("mapping: %d more record errors not kept", dropped))
	}
	return errors.Join(errs...)
}

// clip shortens a value quoted in an error message to 64 characters, on a rune boundary.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
