package temporalsync

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// SnapshotStore keeps what a sync reads and hands on: the pages of the snapshots being
// listed, the tenants' current snapshots and the batches of changes. It is a plain
// store of objects by key, so that a bucket of an object store (S3, GCS, Azure Blob) is
// a few lines of code; [FileStore] keeps them in a directory.
//
// Keys are slash-separated paths made of letters, digits, '.', '_' and '-' (no "." or
// ".." element), built from the tenant ID and the snapshot ID:
//
//	tenants/<tenant>/current.json                        which snapshot is current
//	tenants/<tenant>/snapshots/<id>/manifest.json        header and counts of a complete listing
//	tenants/<tenant>/snapshots/<id>/pages/00000001.jsonl one page of users, JSON Lines
//	tenants/<tenant>/snapshots/<id>/changes/00000001.jsonl one batch of changes, JSON Lines
//
// The objects hold personal data: keep them where the product keeps its people data,
// encrypted at rest, readable by the workers only.
//
// Implementations must be safe for concurrent use. A retried activity writes the same
// keys again, so Put must replace an object whole (readers see the old object or the
// new one, never a mix), and Delete must succeed when there is nothing to delete.
type SnapshotStore interface {
	// Put stores data under key, replacing the object there, if any.
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the object under key, or an error matching [fs.ErrNotExist] when
	// there is none.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes every object whose key starts with prefix, which ends in "/".
	Delete(ctx context.Context, prefix string) error
}

// Keys of the store; see SnapshotStore.
func tenantPrefix(tenant string) string       { return "tenants/" + tenant + "/" }
func currentKey(tenant string) string         { return tenantPrefix(tenant) + "current.json" }
func snapshotPrefix(tenant, id string) string { return tenantPrefix(tenant) + "snapshots/" + id + "/" }
func manifestKey(tenant, id string) string    { return snapshotPrefix(tenant, id) + "manifest.json" }
func changesPrefix(tenant, id string) string  { return snapshotPrefix(tenant, id) + "changes/" }

func pageKey(tenant, id string, n int) string {
	return fmt.Sprintf("%spages/%08d.jsonl", snapshotPrefix(tenant, id), n)
}

func batchKey(tenant, id string, n int) string {
	return fmt.Sprintf("%s%08d.jsonl", changesPrefix(tenant, id), n)
}

// maxIDLen bounds tenant and snapshot IDs.
const maxIDLen = 128

// checkID reports whether s can be one element of a key: 1 to maxIDLen letters, digits,
// '.', '_' and '-', and not "." or "..".
func checkID(what, s string) error {
	if s == "" || len(s) > maxIDLen || s == "." || s == ".." {
		return fmt.Errorf("%s %q must be 1 to %d characters, not \".\" or \"..\": %w", what, clip(s), maxIDLen, ErrInvalidInput)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("%s %q may hold only letters, digits, '.', '_' and '-': %w", what, clip(s), ErrInvalidInput)
		}
	}
	return nil
}

// clip shortens untrusted text quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// current is the object that names a tenant's current snapshot.
type current struct {
	Snapshot string `json:"snapshot"`
}

// manifest is the object that marks a listing complete.
type manifest struct {
	Header snapshot.Header `json:"header"`
	Pages  int             `json:"pages"`
	Users  int             `json:"users"`
}

// currentID returns the ID of the tenant's current snapshot, or "" when it has none.
func currentID(ctx context.Context, st SnapshotStore, tenant string) (string, error) {
	b, err := st.Get(ctx, currentKey(tenant))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the current snapshot of tenant %s: %w", tenant, err)
	}
	var c current
	if err := json.Unmarshal(b, &c); err != nil {
		return "", fmt.Errorf("reading the current snapshot of tenant %s: %w: %w", tenant, snapshot.ErrInvalid, err)
	}
	if err := checkID("snapshot ID", c.Snapshot); err != nil {
		return "", fmt.Errorf("reading the current snapshot of tenant %s: %w: %w", tenant, snapshot.ErrInvalid, err)
	}
	return c.Snapshot, nil
}

// Current returns the tenant's current snapshot: the one the last successful sync made
// current after handing on its changes. When the tenant has none (no sync has
// succeeded yet) the error matches [fs.ErrNotExist].
//
// It loads the whole snapshot into memory, as [snapshot.Load] does.
func Current(ctx context.Context, st SnapshotStore, tenantID string) (*snapshot.Snapshot, error) {
	if err := checkID("tenant ID", tenantID); err != nil {
		return nil, fmt.Errorf("temporalsync: %w", err)
	}
	id, err := currentID(ctx, st, tenantID)
	if err != nil {
		return nil, fmt.Errorf("temporalsync: %w", err)
	}
	if id == "" {
		return nil, fmt.Errorf("temporalsync: tenant %s has no current snapshot: %w", tenantID, fs.ErrNotExist)
	}
	s, err := loadSnapshot(ctx, st, tenantID, id)
	if err != nil {
		return nil, fmt.Errorf("temporalsync: %w", err)
	}
	return s, nil
}

// loadSnapshot reads a complete snapshot: its manifest and its pages.
func loadSnapshot(ctx context.Context, st SnapshotStore, tenant, id string) (*snapshot.Snapshot, error) {
	b, err := st.Get(ctx, manifestKey(tenant, id))
	if err != nil {
		return nil, fmt.Errorf("reading snapshot %s of tenant %s: %w", id, tenant, err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("reading snapshot %s of tenant %s: manifest: %w: %w", id, tenant, snapshot.ErrInvalid, err)
	}
	if m.Header.Version != snapshot.FormatVersion || m.Pages < 0 || m.Users < 0 {
		return nil, fmt.Errorf("reading snapshot %s of tenant %s: manifest of version %d, %d pages, %d users: %w",
			id, tenant, m.Header.Version, m.Pages, m.Users, snapshot.ErrInvalid)
	}
	s := &snapshot.Snapshot{
		Provider:   m.Header.Provider,
		Filter:     m.Header.Filter,
		TakenAt:    m.Header.TakenAt,
		FullSyncAt: m.Header.FullSyncAt,
		Users:      make([]unified.User, 0, m.Users),
	}
	for n := 1; n <= m.Pages; n++ {
		b, err := st.Get(ctx, pageKey(tenant, id, n))
		if err != nil {
			return nil, fmt.Errorf("reading snapshot %s of tenant %s: page %d: %w", id, tenant, n, err)
		}
		for u, err := range snapshot.NewReader(bytes.NewReader(b)).Users() {
			if err != nil {
				return nil, fmt.Errorf("reading snapshot %s of tenant %s: page %d: %w", id, tenant, n, err)
			}
			s.Users = append(s.Users, u)
		}
	}
	if len(s.Users) != m.Users {
		return nil, fmt.Errorf("reading snapshot %s of tenant %s: %d users in the pages, %d in the manifest: %w",
			id, tenant, len(s.Users), m.Users, snapshot.ErrInvalid)
	}
	return s, nil
}

// encodeUsers renders users as the lines of a snapshot file, without a header.
func encodeUsers(users []unified.User) ([]byte, error) {
	var buf bytes.Buffer
	w := snapshot.NewWriter(&buf)
	for i := range users {
		if err := w.Write(&users[i]); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeChanges renders changes as JSON Lines.
func encodeChanges(changes []snapshot.Change) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range changes {
		if err := enc.Encode(&changes[i]); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// decodeChanges reads what encodeChanges wrote.
func decodeChanges(b []byte) ([]snapshot.Change, error) {
	var out []snapshot.Change
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var c snapshot.Change
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("change %d: %w: %w", len(out)+1, snapshot.ErrInvalid, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// FileStore is a [SnapshotStore] in a directory of the local file system, for one
// machine or a shared volume. Objects are files named by their keys below the
// directory; a Put writes a temporary file, syncs it to disk and renames it over the
// object, so that a crash leaves the old object or the new one. Files are created with
// mode 0o600 and directories with 0o700: they hold personal data. Keys cannot reach
// outside the directory (the directory is opened as an [os.Root]).
//
// A FileStore is safe for concurrent use. Close it when done.
type FileStore struct {
	root *os.Root
}

// NewFileStore returns a store in dir, which it creates if needed.
func NewFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("temporalsync: file store: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("temporalsync: file store: %w", err)
	}
	return &FileStore{root: root}, nil
}

// Close releases the directory.
func (s *FileStore) Close() error { return s.root.Close() }

// checkKey rejects keys that are not clean relative slash paths.
func checkKey(key string) error {
	if !fs.ValidPath(key) || key == "." || strings.Contains(key, `\`) {
		return fmt.Errorf("file store: key %q is not a clean relative path: %w", clip(key), ErrInvalidInput)
	}
	return nil
}

// Put implements SnapshotStore.
func (s *FileStore) Put(ctx context.Context, key string, data []byte) (err error) {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.root.MkdirAll(path.Dir(key), 0o700); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	tmp := key + ".tmp-" + rand.Text()
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	defer func() {
		if err != nil {
			_ = s.root.Remove(tmp)
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, key)
	}
	if err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	return nil
}

// Get implements SnapshotStore.
func (s *FileStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := s.root.ReadFile(key)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return b, nil
}

// Delete implements SnapshotStore.
func (s *FileStore) Delete(ctx context.Context, prefix string) error {
	dir, ok := strings.CutSuffix(prefix, "/")
	if !ok {
		return fmt.Errorf("file store: prefix %q does not end in \"/\": %w", clip(prefix), ErrInvalidInput)
	}
	if err := checkKey(dir); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.root.RemoveAll(dir); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	return nil
}
