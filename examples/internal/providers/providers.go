// Package providers opens the directories the example programs read: the real Personio
// and Lattice when their credentials are in the environment, else in-process fake
// servers (personiotest, latticetest) that serve one generated sample company, the same
// people in both.
//
// The environment:
//
//	PERSONIO_CLIENT_ID, PERSONIO_CLIENT_SECRET   Personio API credentials
//	PERSONIO_BASE_URL                            optional: another API origin (a proxy)
//	LATTICE_API_KEY                              a Lattice API key
//	LATTICE_BASE_URL                             optional: another API origin
//	LATTICE_REGION                               optional: "us" (default) or "emea"
//
// When any credential is set (and -fake is not), the programs read only the real
// services whose credentials are set; otherwise they start the fakes. No credential is
// ever printed.
package providers

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The provider names, as the -provider flag takes them.
const (
	Personio = personio.ProviderName
	Lattice  = lattice.ProviderName
	// All selects every provider.
	All = "all"
)

// The environment variables read.
const (
	EnvPersonioClientID     = "PERSONIO_CLIENT_ID"
	EnvPersonioClientSecret = "PERSONIO_CLIENT_SECRET"
	EnvPersonioBaseURL      = "PERSONIO_BASE_URL"
	EnvLatticeAPIKey        = "LATTICE_API_KEY"
	EnvLatticeBaseURL       = "LATTICE_BASE_URL"
	EnvLatticeRegion        = "LATTICE_REGION"
)

// The sample company the fakes serve by default.
const (
	SampleSeed = 1
	SampleSize = 25
)

// userAgent identifies the example programs to the APIs.
const userAgent = "hrisconnect-examples"

// Flags are the command-line flags shared by the example programs.
type Flags struct {
	// Provider is "personio", "lattice" or "all".
	Provider string
	// Fake uses the fake servers even when credentials are set.
	Fake bool
	// Seed and People describe the fakes' company.
	Seed   uint64
	People int
}

// Register defines the flags on fs; provider is the default of -provider, and single
// says that the program reads one directory.
func (f *Flags) Register(fs *flag.FlagSet, provider string, single bool) {
	usage := "directory to read: personio, lattice or all"
	if single {
		usage = "directory to read: personio or lattice (default: the first with credentials, else personio)"
	}
	fs.StringVar(&f.Provider, "provider", provider, usage)
	fs.BoolVar(&f.Fake, "fake", false, "use the in-process fake servers even when credentials are set")
	fs.Uint64Var(&f.Seed, "seed", SampleSeed, "seed of the fakes' generated company")
	fs.IntVar(&f.People, "people", SampleSize, "number of people in the fakes' generated company")
}

// Options says what to open.
type Options struct {
	Flags
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Single asks for exactly one provider: "all" is an error, and an empty Provider
	// means the first one available (Personio, else Lattice).
	Single bool
	// Personio and Lattice are extra options for the directories.
	Personio []personio.DirectoryOption
	Lattice  []lattice.DirectoryOption
}

// Source is one opened directory.
type Source struct {
	// Name is the provider's name.
	Name string
	// Fake reports whether Dir reads a fake server.
	Fake bool
	// Dir is the directory.
	Dir unified.Directory
	// Personio is the client, for a Personio source.
	Personio *personio.Client
	// Lattice is the client, for a Lattice source.
	Lattice *lattice.Client
	// PersonioServer and LatticeServer are the fake servers, for fake sources.
	PersonioServer *personiotest.Server
	LatticeServer  *latticetest.Server
}

// Set is the opened sources, in the order Personio, Lattice. Close it when done.
type Set struct {
	Sources []*Source
	// Company is the company the fakes serve; nil when reading the real services.
	Company *fakecompany.Company
	closers []func()
}

// Close stops the fake servers.
func (s *Set) Close() {
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
}

// Get returns the source of the named provider, or nil.
func (s *Set) Get(name string) *Source {
	for _, src := range s.Sources {
		if src.Name == name {
			return src
		}
	}
	return nil
}

// ErrUsage is matched by errors in the flags or the environment.
var ErrUsage = errors.New("usage")

// Open opens the directories o asks for. It makes no request.
func Open(o Options) (*Set, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	pID, pSecret, lKey := env(EnvPersonioClientID), env(EnvPersonioClientSecret), env(EnvLatticeAPIKey)
	if (pID == "") != (pSecret == "") && !o.Fake {
		return nil, fmt.Errorf("%w: set both %s and %s, or neither", ErrUsage, EnvPersonioClientID, EnvPersonioClientSecret)
	}
	hasPersonio, hasLattice := pID != "" && pSecret != "", lKey != ""
	useReal := (hasPersonio || hasLattice) && !o.Fake

	name := strings.ToLower(strings.TrimSpace(o.Provider))
	var want []string
	switch name {
	case Personio, Lattice:
		want = []string{name}
	case All:
		if o.Single {
			return nil, fmt.Errorf("%w: this program reads one directory: choose -provider personio or lattice", ErrUsage)
		}
		want = []string{Personio, Lattice}
	case "":
		switch {
		case !o.Single:
			want = []string{Personio, Lattice}
		case useReal && !hasPersonio:
			want = []string{Lattice}
		default:
			want = []string{Personio}
		}
	default:
		return nil, fmt.Errorf("%w: unknown -provider %q (want personio, lattice or all)", ErrUsage, o.Provider)
	}

	set := &Set{}
	ok := false
	defer func() {
		if !ok {
			set.Close()
		}
	}()
	if !useReal {
		if o.People < 1 {
			return nil, fmt.Errorf("%w: -people must be at least 1", ErrUsage)
		}
		set.Company = fakecompany.Generate(o.Seed, o.People, nil)
	}
	for _, p := range want {
		src := &Source{Name: p, Fake: !useReal}
		var err error
		switch {
		case p == Personio && useReal && !hasPersonio:
			if name == "" || name == All {
				continue
			}
			return nil, fmt.Errorf("%w: reading Personio needs %s and %s (or -fake)", ErrUsage, EnvPersonioClientID, EnvPersonioClientSecret)
		case p == Lattice && useReal && !hasLattice:
			if name == "" || name == All {
				continue
			}
			return nil, fmt.Errorf("%w: reading Lattice needs %s (or -fake)", ErrUsage, EnvLatticeAPIKey)
		case p == Personio && useReal:
			src.Personio, err = personio.New(personio.Config{
				ClientID: pID, ClientSecret: pSecret, BaseURL: env(EnvPersonioBaseURL), UserAgent: userAgent,
			})
		case p == Personio:
			srv := personiotest.NewServer(personiotest.WithCompany(set.Company))
			set.closers = append(set.closers, srv.Close)
			src.PersonioServer = srv
			cfg := srv.ClientConfig()
			cfg.UserAgent = userAgent
			src.Personio, err = personio.New(cfg)
		case p == Lattice && useReal:
			src.Lattice, err = lattice.New(lattice.Config{
				APIKey: lKey, BaseURL: env(EnvLatticeBaseURL), Region: lattice.Region(strings.ToLower(env(EnvLatticeRegion))),
				UserAgent: userAgent,
			})
		default:
			srv := latticetest.NewServer(latticetest.WithCompany(set.Company))
			set.closers = append(set.closers, srv.Close)
			src.LatticeServer = srv
			cfg := srv.ClientConfig()
			cfg.UserAgent = userAgent
			src.Lattice, err = lattice.New(cfg)
		}
		if err != nil {
			return nil, err
		}
		if src.Personio != nil {
			src.Dir = src.Personio.Directory(o.Personio...)
		} else {
			src.Dir = src.Lattice.Directory(o.Lattice...)
		}
		set.Sources = append(set.Sources, src)
	}
	if len(set.Sources) == 0 {
		return nil, fmt.Errorf("%w: no directory to read", ErrUsage)
	}
	ok = true
	return set, nil
}

// Describe returns a short description of where the sources come from, for a status
// line: "fake Personio and Lattice servers (25 people, seed 1)" or "personio (https://…)".
func (s *Set) Describe() string {
	var names []string
	fake := false
	for _, src := range s.Sources {
		names = append(names, src.Name)
		fake = fake || src.Fake
	}
	if fake && s.Company != nil {
		return fmt.Sprintf("in-process fake %s (%s, %d people, seed %d); set credentials to read the real service",
			strings.Join(names, " and "), s.Company.Name, len(s.Company.People), s.Company.Seed)
	}
	return strings.Join(names, " and ")
}
