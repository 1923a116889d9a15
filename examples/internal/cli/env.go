package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/hrisconnect/hrisconnect/fakecompany"
)

// The environment variables the programs read.
const (
	EnvPersonioClientID     = "PERSONIO_CLIENT_ID"
	EnvPersonioClientSecret = "PERSONIO_CLIENT_SECRET"
	EnvPersonioBaseURL      = "PERSONIO_BASE_URL"
	EnvLatticeAPIKey        = "LATTICE_API_KEY"
	EnvLatticeBaseURL       = "LATTICE_BASE_URL"
	EnvLatticeRegion        = "LATTICE_REGION"
)

// The provider names, as -provider takes them; they are personio.ProviderName and
// lattice.ProviderName.
const (
	Personio = "personio"
	Lattice  = "lattice"
	// All selects every provider.
	All = "all"
)

// The company the fakes serve by default, and the largest one the programs generate:
// the fakes hold it in memory, and the library is built for directories up to this size.
const (
	SampleSeed = 1
	SampleSize = 25
	MaxPeople  = 100_000
)

// UserAgent identifies the example programs to the real APIs.
const UserAgent = "hrisconnect-examples"

// Env holds the credentials and settings read from the environment, trimmed. Never
// print it: it holds secrets.
type Env struct {
	PersonioClientID     string
	PersonioClientSecret string
	PersonioBaseURL      string // "" means Personio's API
	LatticeAPIKey        string
	LatticeBaseURL       string // "" means the LatticeRegion's API
	LatticeRegion        string // "" or "us", "emea"
}

// ReadEnv reads the environment through getenv (os.Getenv). Setting one of the two
// Personio credentials without the other is a usage error.
func ReadEnv(getenv func(string) string) (Env, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	e := Env{
		PersonioClientID:     get(EnvPersonioClientID),
		PersonioClientSecret: get(EnvPersonioClientSecret),
		PersonioBaseURL:      get(EnvPersonioBaseURL),
		LatticeAPIKey:        get(EnvLatticeAPIKey),
		LatticeBaseURL:       get(EnvLatticeBaseURL),
		LatticeRegion:        strings.ToLower(get(EnvLatticeRegion)),
	}
	if (e.PersonioClientID == "") != (e.PersonioClientSecret == "") {
		return Env{}, Usagef("set both %s and %s, or neither", EnvPersonioClientID, EnvPersonioClientSecret)
	}
	return e, nil
}

// HasPersonio reports whether Personio credentials are set.
func (e Env) HasPersonio() bool { return e.PersonioClientID != "" }

// HasLattice reports whether a Lattice API key is set.
func (e Env) HasLattice() bool { return e.LatticeAPIKey != "" }

// Flags are the flags of the programs that read directories.
type Flags struct {
	// Provider is "personio", "lattice", "all" or "" (the default of the program).
	Provider string
	// Fake uses the fake servers even when credentials are set.
	Fake bool
	// Seed and People describe the fakes' generated company.
	Seed   uint64
	People int
}

// Register defines -provider (unless provider is "-"), -fake, -seed and -people on fs.
// provider is the default of -provider; single says that the program reads one
// directory.
func (f *Flags) Register(fs *flag.FlagSet, provider string, single bool) {
	if provider != "-" {
		usage := "directory to read: personio, lattice or all"
		if single {
			usage = "directory to read: personio or lattice (default: the first with credentials, else personio)"
		}
		fs.StringVar(&f.Provider, "provider", provider, usage)
	}
	fs.BoolVar(&f.Fake, "fake", false, "use the in-process fake servers even when credentials are set")
	fs.Uint64Var(&f.Seed, "seed", SampleSeed, "seed of the fakes' generated company")
	fs.IntVar(&f.People, "people", SampleSize, fmt.Sprintf("people in the fakes' generated company (1 to %d)", MaxPeople))
}

// CheckPeople returns a usage error unless min <= f.People <= MaxPeople.
func (f *Flags) CheckPeople(min int) error {
	if f.People < min || f.People > MaxPeople {
		return Usagef("-people %d: want %d to %d (the fakes hold the generated company in memory)", f.People, min, MaxPeople)
	}
	return nil
}

// Source is one directory a program reads: a provider, from the real service or from an
// in-process fake.
type Source struct {
	Provider string
	Real     bool
}

// Sources returns the directories to read, in the order Personio, Lattice, and checks
// the flags. With credentials in env (and no -fake) they are the real services whose
// credentials are set; otherwise the fakes. single asks for exactly one directory: "all"
// is then a usage error, and no -provider means the first available.
func (f *Flags) Sources(env Env, single bool) ([]Source, error) {
	if err := f.CheckPeople(1); err != nil {
		return nil, err
	}
	real := (env.HasPersonio() || env.HasLattice()) && !f.Fake
	has := map[string]bool{Personio: !real || env.HasPersonio(), Lattice: !real || env.HasLattice()}
	name := strings.ToLower(strings.TrimSpace(f.Provider))
	var want []string
	switch name {
	case Personio, Lattice:
		if !has[name] {
			need := EnvPersonioClientID + " and " + EnvPersonioClientSecret
			if name == Lattice {
				need = EnvLatticeAPIKey
			}
			return nil, Usagef("reading %s needs %s (or -fake for the fakes)", name, need)
		}
		want = []string{name}
	case All, "":
		if name == All && single {
			return nil, Usagef("this program reads one directory: choose -provider personio or lattice")
		}
		for _, p := range []string{Personio, Lattice} {
			if has[p] {
				want = append(want, p)
			}
		}
		if single {
			want = want[:1]
		}
	default:
		if single {
			return nil, Usagef("unknown -provider %q: want personio or lattice", f.Provider)
		}
		return nil, Usagef("unknown -provider %q: want personio, lattice or all", f.Provider)
	}
	out := make([]Source, len(want))
	for i, p := range want {
		out[i] = Source{Provider: p, Real: real}
	}
	return out, nil
}

// Describe says where the sources come from, for a status line: "in-process fake
// Personio and Lattice servers (Nordlicht Software, 25 people, seed 1); ..." or
// "Personio and Lattice".
func Describe(sources []Source, company *fakecompany.Company) string {
	var names []string
	for _, s := range sources {
		switch s.Provider {
		case Personio:
			names = append(names, "Personio")
		case Lattice:
			names = append(names, "Lattice")
		default:
			names = append(names, s.Provider)
		}
	}
	list := strings.Join(names, " and ")
	if len(sources) == 0 || sources[0].Real || company == nil {
		return list
	}
	servers := "server"
	if len(sources) > 1 {
		servers += "s"
	}
	return fmt.Sprintf("in-process fake %s %s (%s, %d people, seed %d); set credentials to read the real service",
		list, servers, company.Name, len(company.People), company.Seed)
}
