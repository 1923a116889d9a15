package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
)

func TestReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"success", nil, ExitOK, ""},
		{"help", flag.ErrHelp, ExitOK, ""},
		{"failure", errors.New("personio: GET /v1/company/employees: 503 Service Unavailable"), ExitFailure,
			"prog: personio: GET /v1/company/employees: 503 Service Unavailable\n"},
		{"usage", Usagef("-n %d: want 0 or more", -5), ExitUsage, "prog: -n -5: want 0 or more\nRun 'prog -h' for usage.\n"},
		{"wrapped usage", fmt.Errorf("resume: %w", Usagef("bad")), ExitUsage, "prog: resume: bad\nRun 'prog -h' for usage.\n"},
		{"cancelled", fmt.Errorf("personio: GET /v1/company/employees: %w", context.Canceled), ExitInterrupted, "prog: interrupted\n"},
		{"interrupted with a hint", fmt.Errorf("%w; run again with -resume-file x.resume to continue", ErrInterrupted), ExitInterrupted,
			"prog: interrupted; run again with -resume-file x.resume to continue\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			if got := Report(&b, "prog", tc.err); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
			if diff := cmp.Diff(tc.msg, b.String()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		usage bool   // a usage error
		help  bool   // flag.ErrHelp
		msg   string // the error's text
	}{
		{args: []string{"-n", "3"}},
		{args: []string{"-h"}, help: true, msg: flag.ErrHelp.Error()},
		{args: []string{"-n", "many"}, usage: true, msg: `invalid value "many" for flag -n: parse error`},
		{args: []string{"-no-such-flag"}, usage: true, msg: "flag provided but not defined: -no-such-flag"},
		{args: []string{"stray"}, usage: true, msg: `unexpected arguments ["stray"] (every option is a flag)`},
	}
	for _, tc := range tests {
		fs := NewFlagSet("prog", "Does things.")
		fs.Int("n", 0, "how many")
		var stderr strings.Builder
		err := Parse(fs, tc.args, &stderr)
		if errors.Is(err, ErrUsage) != tc.usage || errors.Is(err, flag.ErrHelp) != tc.help {
			t.Errorf("Parse(%q) = %v", tc.args, err)
		}
		if err != nil && err.Error() != tc.msg {
			t.Errorf("Parse(%q) = %q, want %q", tc.args, err, tc.msg)
		}
		// Only -h prints (the usage); errors are printed once, by Report.
		if printed := stderr.String(); tc.help != strings.HasPrefix(printed, "usage: prog [flags]\n\nDoes things.\n") ||
			tc.help != strings.Contains(printed, "how many") {
			t.Errorf("Parse(%q) printed %q", tc.args, printed)
		}
	}
}

func TestCheckRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v, lo, hi int
		want      string
	}{
		{5, 0, -1, ""},
		{-5, 0, -1, "-n -5: want at least 0"},
		{0, 0, 10, ""},
		{10, 0, 10, ""},
		{11, 0, 10, "-n 11: want 0 to 10"},
		{-1, 0, 10, "-n -1: want 0 to 10"},
	}
	for _, tc := range tests {
		err := CheckRange("n", tc.v, tc.lo, tc.hi)
		got := ""
		if err != nil {
			got = err.Error()
			if !errors.Is(err, ErrUsage) {
				t.Errorf("CheckRange(%d, %d, %d) = %v, not a usage error", tc.v, tc.lo, tc.hi, err)
			}
		}
		if got != tc.want {
			t.Errorf("CheckRange(%d, %d, %d) = %q, want %q", tc.v, tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestReadEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		EnvPersonioClientID: " id ", EnvPersonioClientSecret: "secret\n", EnvPersonioBaseURL: "http://127.0.0.1:1",
		EnvLatticeAPIKey: "key", EnvLatticeRegion: "EMEA",
	}
	got, err := ReadEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := Env{PersonioClientID: "id", PersonioClientSecret: "secret", PersonioBaseURL: "http://127.0.0.1:1",
		LatticeAPIKey: "key", LatticeRegion: "emea"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
	if !got.HasPersonio() || !got.HasLattice() {
		t.Error("HasPersonio or HasLattice is false")
	}
	half := map[string]string{EnvPersonioClientSecret: "secret"}
	_, err = ReadEnv(func(k string) string { return half[k] })
	if !errors.Is(err, ErrUsage) || strings.Contains(err.Error(), "secret\"") || !strings.Contains(err.Error(), EnvPersonioClientID) {
		t.Errorf("half the Personio credentials: %v, want a usage error naming %s", err, EnvPersonioClientID)
	}
}

func TestSources(t *testing.T) {
	t.Parallel()
	personioEnv := Env{PersonioClientID: "id", PersonioClientSecret: "secret"}
	latticeEnv := Env{LatticeAPIKey: "key"}
	bothEnv := Env{PersonioClientID: "id", PersonioClientSecret: "secret", LatticeAPIKey: "key"}
	tests := []struct {
		name     string
		env      Env
		provider string
		fake     bool
		single   bool
		people   int
		want     []string // "name/fake" or "name/real"
		usage    string   // a usage error containing this
	}{
		{name: "no credentials: both fakes", provider: All, want: []string{"personio/fake", "lattice/fake"}},
		{name: "no credentials, empty provider", want: []string{"personio/fake", "lattice/fake"}},
		{name: "no credentials, one", provider: "lattice", want: []string{"lattice/fake"}},
		{name: "no credentials, single default", single: true, want: []string{"personio/fake"}},
		{name: "Personio credentials", env: personioEnv, provider: All, want: []string{"personio/real"}},
		{name: "Lattice credentials", env: latticeEnv, want: []string{"lattice/real"}},
		{name: "Lattice credentials, single default", env: latticeEnv, single: true, want: []string{"lattice/real"}},
		{name: "both credentials", env: bothEnv, provider: All, want: []string{"personio/real", "lattice/real"}},
		{name: "both credentials, single default", env: bothEnv, single: true, want: []string{"personio/real"}},
		{name: "credentials but -fake", env: bothEnv, fake: true, provider: All, want: []string{"personio/fake", "lattice/fake"}},
		{name: "upper-case provider", provider: "Lattice", want: []string{"lattice/fake"}},
		{name: "largest company", people: MaxPeople, want: []string{"personio/fake", "lattice/fake"}},
		{name: "Lattice asked, only Personio credentials", env: personioEnv, provider: "lattice", usage: EnvLatticeAPIKey},
		{name: "Personio asked, only Lattice credentials", env: latticeEnv, provider: "personio", usage: EnvPersonioClientSecret},
		{name: "all for a single-provider program", provider: All, single: true, usage: "reads one directory"},
		{name: "unknown provider", provider: "hibob", usage: `unknown -provider "hibob": want personio, lattice or all`},
		{name: "unknown provider, single", provider: "hibob", single: true, usage: `unknown -provider "hibob": want personio or lattice`},
		{name: "no people", people: -1, usage: "-people -1: want 1 to 100000"},
		{name: "too many people", people: MaxPeople + 1, usage: "-people 100001: want 1 to 100000 (the fakes hold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := Flags{Provider: tc.provider, Fake: tc.fake, Seed: SampleSeed, People: 3}
			if tc.people != 0 {
				f.People = tc.people
			}
			sources, err := f.Sources(tc.env, tc.single)
			if tc.usage != "" {
				if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tc.usage) {
					t.Fatalf("Sources: %v, want a usage error containing %q", err, tc.usage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sources {
				kind := "fake"
				if s.Real {
					kind = "real"
				}
				got = append(got, s.Provider+"/"+kind)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("sources (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(4, 9, nil)
	fakes := []Source{{Provider: Personio}, {Provider: Lattice}}
	want := fmt.Sprintf("in-process fake Personio and Lattice servers (%s, 9 people, seed 4); set credentials to read the real service", c.Name)
	if got := Describe(fakes, c); got != want {
		t.Errorf("Describe(fakes) = %q, want %q", got, want)
	}
	if got := Describe([]Source{{Provider: Lattice, Real: true}}, nil); got != "Lattice" {
		t.Errorf("Describe(real) = %q, want Lattice", got)
	}
	want = fmt.Sprintf("in-process fake Lattice server (%s, 9 people, seed 4); set credentials to read the real service", c.Name)
	if got := Describe(fakes[1:], c); got != want {
		t.Errorf("Describe(one fake) = %q, want %q", got, want)
	}
}

// errDiskFull is what a write to a full disk fails with.
var errDiskFull = errors.New("no space left on device")

// failingWriter accepts limit bytes, then fails every write, as a full disk does.
type failingWriter struct{ limit, n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		k := w.limit - w.n
		w.n = w.limit
		return k, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

func TestOutput(t *testing.T) {
	t.Parallel()
	// A full disk: the error comes out of Write once the buffer spills, or out of Close.
	for _, size := range []int{10, 10 << 10, 1 << 20} {
		out := NewOutput(&failingWriter{limit: 5})
		var werr error
		for i := 0; i < size && werr == nil; i += 10 {
			_, werr = out.Write([]byte("0123456789"))
		}
		cerr := out.Close()
		if cerr == nil || !errors.Is(cerr, errDiskFull) || !strings.HasPrefix(cerr.Error(), "writing the output: ") {
			t.Errorf("%d bytes: Close = %v, want the write error, naming the output", size, cerr)
		}
		if werr != nil && !errors.Is(werr, errDiskFull) {
			t.Errorf("%d bytes: Write = %v", size, werr)
		}
	}

	var b strings.Builder
	out := NewOutput(&b)
	fmt.Fprint(out, "hello")
	if b.Len() != 0 {
		t.Error("Output does not buffer")
	}
	if err := out.Close(); err != nil || b.String() != "hello" {
		t.Errorf("Close = %v, wrote %q", err, b.String())
	}

	path := filepath.Join(t.TempDir(), "out.txt")
	f, err := CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "to a file")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "to a file" {
		t.Errorf("file %q, %v", data, err)
	}
	if _, err := CreateOutput(filepath.Join(path, "not-a-dir", "x")); err == nil {
		t.Error("CreateOutput under a file succeeded")
	}
}
