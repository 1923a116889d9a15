package temporalsync_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	temporalsync "github.com/hrisconnect/hrisconnect/contrib/temporal"
)

func TestFileStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "store")
	st, err := temporalsync.NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	put := func(key, data string) {
		t.Helper()
		if err := st.Put(ctx, key, []byte(data)); err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
	}
	get := func(key string) (string, error) {
		b, err := st.Get(ctx, key)
		return string(b), err
	}

	put("tenants/a/snapshots/1/pages/00000001.jsonl", "one")
	put("tenants/a/snapshots/1/pages/00000001.jsonl", "one, again") // replaces
	put("tenants/a/snapshots/2/manifest.json", "two")
	put("tenants/a/current.json", "current")
	if got, err := get("tenants/a/snapshots/1/pages/00000001.jsonl"); err != nil || got != "one, again" {
		t.Errorf("Get after two Puts: %q, %v; want the second", got, err)
	}
	info, err := os.Stat(filepath.Join(dir, "tenants", "a", "current.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("object file mode: %v, %v; want 0600", info.Mode(), err)
	}
	if _, err := get("tenants/a/snapshots/3/manifest.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get of a missing key: %v, want fs.ErrNotExist", err)
	}

	if err := st.Delete(ctx, "tenants/a/snapshots/1/"); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "tenants/a/snapshots/9/"); err != nil {
		t.Errorf("Delete of nothing: %v", err)
	}
	if _, err := get("tenants/a/snapshots/1/pages/00000001.jsonl"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get after Delete: %v, want fs.ErrNotExist", err)
	}
	for _, key := range []string{"tenants/a/snapshots/2/manifest.json", "tenants/a/current.json"} {
		if _, err := get(key); err != nil {
			t.Errorf("Delete of another prefix removed %s: %v", key, err)
		}
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"tenants/a/current.json", "tenants/a/snapshots/2/manifest.json"}, files); diff != "" {
		t.Errorf("files left, no temporary ones (-want +got):\n%s", diff)
	}

	for _, key := range []string{"", "../outside", "/abs", "a/../../b", `a\b`, "a//b", "."} {
		if err := st.Put(ctx, key, nil); !errors.Is(err, temporalsync.ErrInvalidInput) {
			t.Errorf("Put(%q): %v, want ErrInvalidInput", key, err)
		}
		if _, err := st.Get(ctx, key); !errors.Is(err, temporalsync.ErrInvalidInput) {
			t.Errorf("Get(%q): %v, want ErrInvalidInput", key, err)
		}
	}
	for _, prefix := range []string{"tenants/a", "../", "/"} {
		if err := st.Delete(ctx, prefix); !errors.Is(err, temporalsync.ErrInvalidInput) {
			t.Errorf("Delete(%q): %v, want ErrInvalidInput", prefix, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tenants", "a", "current.json")); err != nil {
		t.Errorf("after refused deletes: %v", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.Put(cancelled, "tenants/a/x", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v", err)
	}
}

func TestCurrentRefusesBadTenant(t *testing.T) {
	t.Parallel()
	st, err := temporalsync.NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := temporalsync.Current(context.Background(), st, "a/b"); !errors.Is(err, temporalsync.ErrInvalidInput) {
		t.Errorf("Current of tenant \"a/b\": %v, want ErrInvalidInput", err)
	}
	if _, err := temporalsync.Current(context.Background(), st, "a"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Current of a tenant never synced: %v, want fs.ErrNotExist", err)
	}
}
