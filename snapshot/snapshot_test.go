package snapshot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	users := synth.Generate(synth.Options{N: 300, Seed: 51, Orphans: 2}).Users
	// One user with every kind of value, awkward text and a large raw record.
	full := synthPerson("full")
	full.DisplayName = "Zoë \"Z\" <O'Brien> & 李\n\u2028"
	full.Custom["n"] = unified.Value{Kind: unified.KindNumber, Number: -1.25}
	full.Custom["b"] = unified.Value{Kind: unified.KindBool, Bool: true}
	full.Custom["d"] = unified.Value{Kind: unified.KindDate, Date: unified.NewDate(2024, 2, 29)}
	full.Custom["t"] = unified.Value{Kind: unified.KindTime, Time: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)}
	full.Custom["l"] = unified.Value{Kind: unified.KindList, List: []string{"a", "b, c"}}
	full.Raw = json.RawMessage(`{"payload":"` + strings.Repeat("x", 200_000) + `"}`)
	users = append(users, full)

	want := &snapshot.Snapshot{
		Provider: "synth",
		Filter: unified.Filter{
			Statuses:     []unified.Status{unified.StatusActive, unified.StatusLeave},
			Departments:  []string{"d-eng", "Sales"},
			UpdatedSince: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		},
		TakenAt:    time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC),
		FullSyncAt: time.Date(2025, 2, 27, 2, 0, 0, 0, time.UTC),
		Users:      users,
	}
	var buf bytes.Buffer
	if err := snapshot.Write(&buf, want); err != nil {
		t.Fatal(err)
	}
	if lines := bytes.Count(buf.Bytes(), []byte("\n")); lines != 1+len(users) {
		t.Errorf("%d lines for a header and %d users", lines, len(users))
	}
	got, err := snapshot.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rawEqual := cmp.Comparer(func(a, b json.RawMessage) bool { return bytes.Equal(a, b) })
	if diff := cmp.Diff(want, got, rawEqual); diff != "" {
		t.Errorf("round trip (-wrote +read):\n%s", diff)
	}
	if got.Filter.Fingerprint() != want.Filter.Fingerprint() {
		t.Errorf("the filter read back has another fingerprint")
	}
}

func TestSnapshotHeader(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sw := snapshot.NewWriter(&buf)
	taken := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	if err := sw.WriteHeader(snapshot.Header{Provider: "personio", TakenAt: taken}); err != nil {
		t.Fatal(err)
	}
	a, b := synthPerson("a"), synthPerson("b")
	for _, u := range []*unified.User{&a, &b} {
		if err := sw.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.WriteHeader(snapshot.Header{}); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("header after users: %v, want ErrInvalidValue", err)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.Write(&a); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Close = %v, want fs.ErrClosed", err)
	}
	if sw.Count() != 2 {
		t.Errorf("Count = %d", sw.Count())
	}
	first, _, _ := strings.Cut(buf.String(), "\n")
	if want := `{"$snapshot":{"version":1,"provider":"personio","taken_at":"2025-03-01T02:00:00Z"}}`; first != want {
		t.Errorf("header line = %s, want %s", first, want)
	}

	// Header first, then users.
	sr := snapshot.NewReader(bytes.NewReader(buf.Bytes()))
	h, err := sr.Header()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&snapshot.Header{Version: 1, Provider: "personio", TakenAt: taken}, h); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	var ids []string
	for u, err := range sr.Users() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if diff := cmp.Diff([]string{"a", "b"}, ids); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	// Users without asking for the header skip it.
	users, err := collectIDs(snapshot.NewReader(bytes.NewReader(buf.Bytes())).Users())
	if err != nil || len(users) != 2 {
		t.Errorf("Users = %v, %v", users, err)
	}
	s, err := snapshot.Read(bytes.NewReader(buf.Bytes()))
	if err != nil || s.Provider != "personio" || !s.TakenAt.Equal(taken) || len(s.Users) != 2 {
		t.Errorf("Read = %+v, %v", s, err)
	}
	// Header of a snapshot without one, asked first or after reading.
	plain := "\n" + `{"id":"x"}` + "\n"
	sr = snapshot.NewReader(strings.NewReader(plain))
	if h, err := sr.Header(); h != nil || err != nil {
		t.Errorf("Header of a plain snapshot = %v, %v", h, err)
	}
	if got, err := collectIDs(sr.Users()); err != nil || !cmp.Equal(got, []string{"x"}) {
		t.Errorf("users after Header = %v, %v", got, err)
	}
	sr = snapshot.NewReader(strings.NewReader(buf.String()))
	if _, err := collectIDs(sr.Users()); err != nil {
		t.Fatal(err)
	}
	if h, err := sr.Header(); h == nil || err != nil || h.Provider != "personio" {
		t.Errorf("Header after reading = %v, %v", h, err)
	}
}

func collectIDs(seq iter.Seq2[unified.User, error]) ([]string, error) {
	var ids []string
	for u, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

func TestReadSnapshotErrors(t *testing.T) {
	t.Parallel()
	good := `{"id":"a","provider":"p","status":"active","employment_type":"internal"}`
	tests := []struct {
		name    string
		data    string
		line    int      // line named by the error
		ids     []string // users read before it
		invalid bool     // matches ErrInvalid
	}{
		{name: "broken JSON", data: good + "\n" + good + "\n" + `{"id":` + "\n" + good, line: 3, ids: []string{"a", "a"}, invalid: true},
		{name: "trailing garbage", data: good + " x\n", line: 1, invalid: true},
		{name: "null", data: good + "\nnull\n", line: 2, ids: []string{"a"}, invalid: true},
		{name: "array", data: "[1]\n", line: 1, invalid: true},
		{name: "bad status", data: good + "\n\n" + `{"id":"b","status":"retired"}` + "\n", line: 3, ids: []string{"a"}, invalid: true},
		{name: "bad date", data: `{"id":"b","start_date":"2024-02-30"}`, line: 1, invalid: true},
		{name: "header later", data: good + "\n" + `{"$snapshot":{"version":1}}` + "\n", line: 2, ids: []string{"a"}, invalid: true},
		{name: "header newer", data: `{"$snapshot":{"version":2}}` + "\n" + good, line: 1, invalid: true},
		{name: "header without version", data: `{"$snapshot":{}}` + "\n" + good, line: 1, invalid: true},
		{name: "header not an object", data: `{"$snapshot":"v1"}` + "\n" + good, line: 1, invalid: true},
		{name: "truncated last line", data: good + "\n" + `{"id":"b","prov`, line: 2, ids: []string{"a"}, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ids []string
			var errs []error
			for u, err := range snapshot.NewReader(strings.NewReader(tt.data)).Users() {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ids = append(ids, u.ID)
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want exactly 1: %v", len(errs), errs)
			}
			var se *snapshot.LineError
			if !errors.As(errs[0], &se) || se.Line != tt.line {
				t.Errorf("error %v: want a LineError at line %d", errs[0], tt.line)
			}
			if !strings.Contains(errs[0].Error(), fmt.Sprintf("line %d:", tt.line)) {
				t.Errorf("error %q does not name line %d", errs[0], tt.line)
			}
			if errors.Is(errs[0], snapshot.ErrInvalid) != tt.invalid {
				t.Errorf("errors.Is(%v, ErrInvalid) = %v", errs[0], !tt.invalid)
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("users before the error (-want +got):\n%s", diff)
			}
			// Read gives the same error and no part of the snapshot.
			if s, err := snapshot.Read(strings.NewReader(tt.data)); s != nil || err == nil || err.Error() != errs[0].Error() {
				t.Errorf("Read = %v, %v; want no snapshot and %v", s, err, errs[0])
			}
		})
	}
}

func TestReadSnapshotTolerates(t *testing.T) {
	t.Parallel()
	data := "\r\n" + `{"id":"a"}` + "\r\n\n   \n" + `  {"id":"b","unknown_field":1}  ` + "\n" + `{"id":"c"}`
	got, err := snapshot.Read(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, userIDs(got.Users)); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if s, err := snapshot.Read(strings.NewReader("")); err != nil || len(s.Users) != 0 || s.Provider != "" {
		t.Errorf("empty snapshot: %+v, %v", s, err)
	}
}

func TestReadSnapshotReaderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	r := func() io.Reader { return io.MultiReader(strings.NewReader(`{"id":"a"}`+"\n"), iotest.ErrReader(boom)) }
	users, err := collectIDs(snapshot.NewReader(r()).Users())
	var se *snapshot.LineError
	if !errors.Is(err, boom) || !errors.As(err, &se) || se.Line != 2 {
		t.Errorf("err = %v, want the reader's error at line 2", err)
	}
	if errors.Is(err, snapshot.ErrInvalid) {
		t.Errorf("a reader error is not invalid data: %v", err)
	}
	if len(users) != 1 {
		t.Errorf("yielded %d users before the error, want 1", len(users))
	}
	if s, err := snapshot.Read(r()); s != nil || !errors.Is(err, boom) {
		t.Errorf("Read = %v, %v; want no snapshot and the reader's error", s, err)
	}
	// The error is sticky.
	sr := snapshot.NewReader(iotest.ErrReader(boom))
	for range 2 {
		if _, err := collectIDs(sr.Users()); !errors.Is(err, boom) {
			t.Errorf("err = %v", err)
		}
	}
}

func TestReadSnapshotLineLimit(t *testing.T) {
	t.Parallel()
	long := `{"id":"long","title":"` + strings.Repeat("é", 100_000) + `"}`
	data := `{"id":"a"}` + "\n" + long + "\n" + `{"id":"b"}` + "\n"
	// Lines well beyond bufio's 64 KiB default are fine.
	got, err := snapshot.Read(strings.NewReader(data))
	if err != nil || len(got.Users) != 3 || got.Users[1].Title != strings.Repeat("é", 100_000) {
		t.Fatalf("long line: %+v, %v", got, err)
	}
	// Beyond the limit: an error naming the line.
	sr := snapshot.NewReader(strings.NewReader(data))
	sr.SetMaxLineSize(64 << 10)
	ids, err := collectIDs(sr.Users())
	var se *snapshot.LineError
	if !errors.As(err, &se) || se.Line != 2 || !errors.Is(err, snapshot.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid at line 2", err)
	}
	if !cmp.Equal(ids, []string{"a"}) {
		t.Errorf("ids = %v", ids)
	}
	// A line exactly at the limit (not counting "\n") is fine, also without a final
	// newline; one byte more is not.
	exact := `{"id":"` + strings.Repeat("x", 2000-len(`{"id":""}`)) + `"}`
	for _, d := range []string{exact, exact + "\n", " " + exact + "\n"} {
		sr = snapshot.NewReader(strings.NewReader(d))
		sr.SetMaxLineSize(2000)
		if d[0] == ' ' {
			if _, err := collectIDs(sr.Users()); !errors.Is(err, snapshot.ErrInvalid) {
				t.Errorf("line of the limit + 1: %v", err)
			}
			continue
		}
		if ids, err := collectIDs(sr.Users()); err != nil || len(ids) != 1 {
			t.Errorf("line of exactly the limit: %d users, %v", len(ids), err)
		}
	}
}

// synthSnapshotSource produces a snapshot of n generated users line by line, without ever
// holding it whole, and counts the bytes handed out.
type synthSnapshotSource struct {
	n, next int
	pending []byte
	read    int64
	ends    []int64 // ends[i] is the offset just past line i+1
}

func (s *synthSnapshotSource) Read(p []byte) (int, error) {
	for len(s.pending) == 0 {
		if s.next == s.n {
			return 0, io.EOF
		}
		u := synthPerson(fmt.Sprintf("u%07d", s.next))
		b, err := json.Marshal(u)
		if err != nil {
			return 0, err
		}
		s.pending = append(b, '\n')
		s.next++
		prev := int64(0)
		if len(s.ends) > 0 {
			prev = s.ends[len(s.ends)-1]
		}
		s.ends = append(s.ends, prev+int64(len(s.pending)))
	}
	k := copy(p, s.pending)
	s.pending = s.pending[k:]
	s.read += int64(k)
	return k, nil
}

func TestReadSnapshotStreams(t *testing.T) {
	t.Parallel()
	const n = 8_000 // about 4 MB of JSON Lines
	src := &synthSnapshotSource{n: n}
	count := 0
	for u, err := range snapshot.NewReader(src).Users() {
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("u%07d", count); u.ID != want {
			t.Fatalf("user %d is %q", count, u.ID)
		}
		count++
		// The reader never runs ahead of the user it yields by more than its buffer.
		if ahead := src.read - src.ends[count-1]; ahead > 128<<10 {
			t.Fatalf("after user %d the reader has read %d bytes ahead", count, ahead)
		}
		if count == n/2 {
			break
		}
	}
	if count != n/2 {
		t.Fatalf("read %d users", count)
	}
	if src.read > src.ends[n/2-1]+128<<10 {
		t.Errorf("stopping early read %d bytes, %d needed", src.read, src.ends[n/2-1])
	}
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	// A user that cannot be encoded is reported by ID and writes nothing.
	bad := synthPerson("bad")
	bad.StartDate = synthDate(2024, 2, 30)
	var buf bytes.Buffer
	sw := snapshot.NewWriter(&buf)
	a, c := synthPerson("a"), synthPerson("c")
	if err := sw.Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := sw.Write(&bad); !errors.Is(err, unified.ErrInvalidValue) || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("Write with an invalid date = %v", err)
	}
	if err := sw.Write(&c); err != nil {
		t.Fatal(err)
	}
	if err := sw.Close(); err != nil || sw.Count() != 2 {
		t.Fatalf("Close = %v, Count = %d", err, sw.Count())
	}
	if got, err := collectIDs(snapshot.NewReader(&buf).Users()); err != nil || !cmp.Equal(got, []string{"a", "c"}) {
		t.Errorf("after a bad user the snapshot holds %v, %v", got, err)
	}

	// Write stops at the first user that cannot be written.
	buf.Reset()
	err := snapshot.Write(&buf, &snapshot.Snapshot{Provider: "synth", Users: []unified.User{a, bad, c}})
	if !errors.Is(err, unified.ErrInvalidValue) || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("Write of a snapshot with an invalid date = %v", err)
	}
	if err := snapshot.Write(failWriter{}, &snapshot.Snapshot{Users: []unified.User{a}}); !errors.Is(err, os.ErrPermission) {
		t.Errorf("Write to a failing writer = %v", err)
	}
	if err := snapshot.Write(io.Discard, nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("Write(nil) = %v", err)
	}

	sw = snapshot.NewWriter(io.Discard)
	if err := sw.Write(nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("Write(nil) = %v", err)
	}
	if err := sw.WriteHeader(snapshot.Header{Version: 7}); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("WriteHeader(version 7) = %v", err)
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := sw.WriteHeader(snapshot.Header{}); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("WriteHeader after Close = %v", err)
	}
}

func TestSaveLoad(t *testing.T) {
	t.Parallel()
	s := &snapshot.Snapshot{
		Provider:   "hr",
		Filter:     unified.Filter{EmploymentTypes: []unified.EmploymentType{unified.EmploymentInternal}},
		TakenAt:    time.Date(2026, 3, 2, 3, 30, 0, 0, time.UTC),
		FullSyncAt: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC),
		Users:      []unified.User{synthPerson("1"), synthPerson("2")},
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "people.jsonl")
	if _, err := snapshot.Load(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want fs.ErrNotExist", err)
	}
	for range 2 { // the second save replaces the first
		if err := snapshot.Save(path, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := snapshot.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got, rawCompare); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("snapshot file mode %v, want 0600", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after saving, want only the snapshot", len(entries))
	}
	if err := snapshot.Save(filepath.Join(dir, "missing", "people.jsonl"), s); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
	if err := snapshot.Save(path, nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("Save(nil) = %v, want ErrInvalidValue", err)
	}

	// A file without a header is a snapshot that names no provider, filter or time.
	plain := filepath.Join(dir, "plain.jsonl")
	if err := os.WriteFile(plain, []byte(`{"id":"1"}`+"\n"+`{"id":"2"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = snapshot.Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&snapshot.Snapshot{Users: []unified.User{{ID: "1"}, {ID: "2"}}}, got); diff != "" {
		t.Errorf("Load of a plain file (-want +got):\n%s", diff)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"id":"1"}`+"\nnot json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := snapshot.Load(bad); s != nil || !errors.Is(err, snapshot.ErrInvalid) || !strings.Contains(err.Error(), "bad.jsonl") {
		t.Errorf("Load of bad data = %v, %v; want no snapshot and ErrInvalid naming the file", s, err)
	}
}

func TestTake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inactive := synthWith(synthPerson("2"), func(u *unified.User) { u.Status = unified.StatusInactive })
	dir := directorytest.NewMemory("hr", []unified.User{synthPerson("1"), inactive, synthPerson("3")},
		directorytest.WithPageSizes(1, 1))
	filter := unified.Filter{Statuses: []unified.Status{unified.StatusActive}}
	before := time.Now()
	s, err := snapshot.Take(ctx, dir, &unified.ListOptions{Filter: filter})
	if err != nil {
		t.Fatal(err)
	}
	if s.Provider != "hr" || s.Filter.Fingerprint() != filter.Fingerprint() || s.TakenAt.Before(before.Add(-time.Second)) ||
		!cmp.Equal(userIDs(s.Users), []string{"1", "3"}) {
		t.Errorf("Take = %s %+v at %v with %v; want hr, the filter, now, users 1 and 3",
			s.Provider, s.Filter, s.TakenAt, userIDs(s.Users))
	}
	all, err := snapshot.Take(ctx, dir, nil)
	if err != nil || len(all.Users) != 3 || !all.Filter.IsZero() {
		t.Errorf("Take with nil options = %+v, %v", all, err)
	}
	// A snapshot is a whole listing, never the rest of one.
	calls := dir.Calls()
	if s, err := snapshot.Take(ctx, dir, &unified.ListOptions{Cursor: "abc"}); s != nil || !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("Take with a cursor = %v, %v; want ErrInvalidValue", s, err)
	}
	if dir.Calls() != calls {
		t.Errorf("Take with a cursor listed users")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if s, err := snapshot.Take(cctx, dir, nil); s != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Take with a cancelled context = %v, %v", s, err)
	}
}

func TestSnapshotThenDiff(t *testing.T) {
	t.Parallel()
	// The nightly job: save yesterday, load it back, diff against today.
	yesterday := &snapshot.Snapshot{Provider: "synth", Users: synth.Generate(synth.Options{N: 400, Seed: 52}).Users}
	users, joined, _, _, _ := synthEvolve(yesterday.Users, 25)
	today := &snapshot.Snapshot{Provider: "synth", Users: users}
	path := filepath.Join(t.TempDir(), "people.jsonl")
	if err := snapshot.Save(path, yesterday); err != nil {
		t.Fatal(err)
	}
	saved, err := snapshot.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := snapshot.Diff(yesterday, today, snapshot.AsOf(synthDay))
	if err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Diff(saved, today, snapshot.AsOf(synthDay))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, rawCompare); diff != "" {
		t.Errorf("diff against the saved snapshot differs:\n%s", diff)
	}
	if len(got.Joined) != len(joined) {
		t.Errorf("%d joiners, want %d", len(got.Joined), len(joined))
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrPermission }
