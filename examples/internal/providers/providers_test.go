package providers

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

// The programs start and stop fake servers: none may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOpen(t *testing.T) {
	t.Parallel()
	personioEnv := map[string]string{EnvPersonioClientID: "id", EnvPersonioClientSecret: "secret"}
	latticeEnv := map[string]string{EnvLatticeAPIKey: "key"}
	bothEnv := map[string]string{EnvPersonioClientID: "id", EnvPersonioClientSecret: "secret", EnvLatticeAPIKey: "key"}
	tests := []struct {
		name     string
		env      map[string]string
		provider string
		fake     bool
		single   bool
		want     []string // "name/fake" or "name/real"
		usage    bool
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
		{name: "Lattice asked, only Personio credentials", env: personioEnv, provider: "lattice", usage: true},
		{name: "Personio asked, only Lattice credentials", env: latticeEnv, provider: "personio", usage: true},
		{name: "half the Personio credentials", env: map[string]string{EnvPersonioClientID: "id"}, usage: true},
		{name: "all for a single-provider program", provider: All, single: true, usage: true},
		{name: "unknown provider", provider: "hibob", usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set, err := Open(Options{
				Flags:  Flags{Provider: tc.provider, Fake: tc.fake, Seed: SampleSeed, People: 3},
				Getenv: func(k string) string { return tc.env[k] },
				Single: tc.single,
			})
			if tc.usage {
				if !errors.Is(err, ErrUsage) {
					t.Fatalf("Open: %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer set.Close()
			var got []string
			for _, s := range set.Sources {
				kind := "real"
				if s.Fake {
					kind = "fake"
				}
				got = append(got, s.Name+"/"+kind)
				if s.Dir == nil || s.Dir.Provider() != s.Name {
					t.Errorf("%s: directory %v", s.Name, s.Dir)
				}
				if s.Fake != (s.PersonioServer != nil || s.LatticeServer != nil) {
					t.Errorf("%s: fake %v but servers %v, %v", s.Name, s.Fake, s.PersonioServer, s.LatticeServer)
				}
				if set.Get(s.Name) != s {
					t.Errorf("Get(%q) is not the source", s.Name)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("sources (-want +got):\n%s", diff)
			}
			if (set.Company != nil) != (got[0][len(got[0])-4:] == "fake") {
				t.Errorf("Company = %v for sources %v", set.Company, got)
			}
		})
	}
}

// The fakes serve one company: the same people in both.
func TestOpenFakesShareTheCompany(t *testing.T) {
	t.Parallel()
	set, err := Open(Options{Flags: Flags{Provider: All, Seed: 4, People: 9}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if set.Get(Personio).PersonioServer.Company().People[8].Email != set.Company.People[8].Email ||
		set.Get(Lattice).LatticeServer.Company().People[8].Email != set.Company.People[8].Email {
		t.Error("the fakes do not serve the set's company")
	}
	ctx := context.Background()
	for _, s := range set.Sources {
		p, err := s.Dir.ListUsers(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Users) != 9 {
			t.Errorf("%s lists %d users, want 9", s.Name, len(p.Users))
		}
	}
	if got, want := set.Describe(), fmt.Sprintf("in-process fake personio and lattice (%s, 9 people, seed 4)", set.Company.Name); got[:len(want)] != want {
		t.Errorf("Describe() = %q, want it to start with %q", got, want)
	}
}
