package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Snapshot is one complete read of a directory: the users, the provider and filter they
// were listed with, and when. [Diff] compares two snapshots only when they are reads of
// the same listing (same provider, same filter), so keep these fields as [Take] and [Sync]
// set them.
type Snapshot struct {
	// Provider is the directory's provider name ([unified.Directory.Provider]).
	Provider string
	// Filter is the filter the users were listed with; the zero Filter lists everyone.
	Filter unified.Filter
	// TakenAt is when the listing started, by this machine's clock.
	TakenAt time.Time
	// FullSyncAt is set in the snapshots that [Sync] makes: when the last full pass of
	// the directory, which this snapshot descends from, started.
	FullSyncAt time.Time
	// Users are the users in listing order.
	Users []unified.User
}

// Take lists every user of d that matches opts.Filter (a nil opts lists everyone, at the
// provider's largest page) and returns them as a snapshot, with d's provider, the filter
// and the time the listing started. opts.Cursor must be empty: a snapshot is a whole
// listing, never the rest of one. On error Take returns no snapshot.
func Take(ctx context.Context, d unified.Directory, opts *unified.ListOptions) (*Snapshot, error) {
	var o unified.ListOptions
	if opts != nil {
		o = *opts
	}
	if o.Cursor != "" {
		return nil, fmt.Errorf("snapshot: Take lists a whole directory: ListOptions.Cursor must be empty: %w",
			unified.ErrInvalidValue)
	}
	s := &Snapshot{Provider: d.Provider(), Filter: o.Filter, TakenAt: time.Now().UTC()}
	users, err := unified.All(ctx, d, &o)
	if err != nil {
		return nil, fmt.Errorf("snapshot: take: %w", err)
	}
	s.Users = users
	return s, nil
}

// Write writes s to w as a snapshot file: a header with the provider, filter and times,
// then one user per line (see the package documentation for the format).
func Write(w io.Writer, s *Snapshot) error {
	if s == nil {
		return fmt.Errorf("snapshot: nil snapshot: %w", unified.ErrInvalidValue)
	}
	sw := NewWriter(w)
	err := sw.WriteHeader(Header{
		Provider: s.Provider, Filter: s.Filter, TakenAt: s.TakenAt, FullSyncAt: s.FullSyncAt,
	})
	for i := 0; err == nil && i < len(s.Users); i++ {
		err = sw.Write(&s.Users[i])
	}
	return errors.Join(err, sw.Close())
}

// Read reads a whole snapshot file. A file without a header gives a snapshot with no
// provider, filter or times, which [Diff] compares only with another such snapshot.
// Errors are [*LineError] values that name the line and match [ErrInvalid] for malformed
// data; on error Read returns no snapshot, never part of one.
func Read(r io.Reader) (*Snapshot, error) {
	sr := NewReader(r)
	h, err := sr.Header()
	if err != nil {
		return nil, err
	}
	s := &Snapshot{}
	if h != nil {
		s.Provider, s.Filter, s.TakenAt, s.FullSyncAt = h.Provider, h.Filter, h.TakenAt, h.FullSyncAt
	}
	for u, err := range sr.Users() {
		if err != nil {
			return nil, err
		}
		s.Users = append(s.Users, u)
	}
	return s, nil
}

// Save writes s to the file at path with [Write], atomically: it writes a temporary file
// in the same directory, syncs it to disk and renames it over path, so that a crash
// leaves the old snapshot or the new one, never half of one. The file is created with
// mode 0o600: directories hold personal data.
func Save(path string, s *Snapshot) (err error) {
	if s == nil {
		return fmt.Errorf("snapshot: nil snapshot: %w", unified.ErrInvalidValue)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("snapshot: saving: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("snapshot: saving: %w", err)
	}
	if err = Write(f, s); err != nil {
		return fmt.Errorf("snapshot: saving: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("snapshot: saving: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("snapshot: saving: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("snapshot: saving: %w", err)
	}
	return nil
}

// Load reads the snapshot file at path, as written by [Save]. When there is no such file
// the error matches [io/fs.ErrNotExist]; that alone does not make a first run (see
// [FirstRun]).
func Load(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("snapshot: loading: %w", err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("snapshot: loading %s: %w", filepath.Base(path), err)
	}
	return s, nil
}
