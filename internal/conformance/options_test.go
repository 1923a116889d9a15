package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/internal/fakeserver"
	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/unified"
)

// each builds the same option for both providers.
func each(p personio.DirectoryOption, l lattice.DirectoryOption) options {
	return options{personio: []personio.DirectoryOption{p}, lattice: []lattice.DirectoryOption{l}}
}

// both is each for an option that takes the same argument in both packages.
func both[T any](p func(T) personio.DirectoryOption, l func(T) lattice.DirectoryOption, v T) options {
	return each(p(v), l(v))
}

// compileFor compiles the provider's DefaultSpec with extra fields against its built-in
// catalog.
func compileFor(t *testing.T, tgt target, extra ...mapping.Field) *mapping.Mapper {
	t.Helper()
	spec, cat := lattice.DefaultSpec(), lattice.Catalog()
	if tgt.personio() {
		spec, cat = personio.DefaultSpec(), personio.Catalog()
	}
	m, err := mapping.Compile(spec.With(extra...), cat)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// specFor returns the provider's DefaultSpec with extra fields.
func specFor(tgt target, extra ...mapping.Field) *mapping.Spec {
	if tgt.personio() {
		return personio.DefaultSpec().With(extra...)
	}
	return lattice.DefaultSpec().With(extra...)
}

// maleFails is a gender field that fails for everyone but women: some records of every
// company fail to map.
var maleFails = mapping.Field{Target: "gender", Sources: []string{"gender"},
	Transforms: []mapping.Transform{mapping.Enum(map[string]string{"female": "female"})}}

// invalid checks that every call of d fails with an error matching
// unified.ErrInvalidConfig whose text after the provider prefix is want, and that no
// request was made.
func invalid(t *testing.T, f *fake, d unified.Directory, want string) {
	t.Helper()
	ctx := t.Context()
	_, err1 := d.ListUsers(ctx, nil)
	_, err2 := d.GetUser(ctx, f.anID())
	_, err3 := d.Me(ctx)
	_, err4 := unified.All(ctx, d, nil)
	for i, err := range []error{err1, err2, err3, err4} {
		if !errors.Is(err, unified.ErrInvalidConfig) {
			t.Errorf("call %d: err = %v, want ErrInvalidConfig", i, err)
			continue
		}
		if got, ok := strings.CutPrefix(err.Error(), f.tgt.prefix()); !ok || got != want {
			t.Errorf("call %d: err = %q, want %q after the prefix", i, err, want)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests from a misconfigured directory", n)
	}
}

// goid returns the id of the calling goroutine.
func goid() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1] // "goroutine 42 [running]:"
}

// TestDirectoryOptions runs every directory option that personio and lattice both offer
// against both fakes (Personio in v1 and v2 mode) and checks that it means the same:
// 0 and nil are the defaults, a negative number is ErrInvalidConfig for every call with
// the same words and no request, WithMapper wins over WithSpec, and mapping errors reach
// the callback in listing order on the goroutine that consumes the listing.
func TestDirectoryOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, tgt target)
	}{
		{"WithConcurrency(0) is the default", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(both(personio.WithConcurrency, lattice.WithConcurrency, 0))
			if got := len(collect(t, unified.Users(t.Context(), d, nil))); got != companySize {
				t.Errorf("%d users, want %d", got, companySize)
			}
		}},
		{"WithConcurrency(-1) is invalid", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(both(personio.WithConcurrency, lattice.WithConcurrency, -1))
			invalid(t, f, d, "invalid configuration: WithConcurrency(-1): the concurrency must not be negative (0 means 4)")
		}},
		{"WithConcurrency(1) sends one request at a time", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			s := f.config()
			in := &inflight{next: s.HTTPClient.Transport}
			hc := *s.HTTPClient
			hc.Transport = in
			s.HTTPClient = &hc
			// Lattice fans out for custom attributes and manager names; Personio v2 for
			// employments; v1 reads pages in parallel.
			o := options{
				personio: []personio.DirectoryOption{personio.WithConcurrency(1), personio.WithPageSize(20)},
				lattice: []lattice.DirectoryOption{lattice.WithConcurrency(1), lattice.WithPageSize(20),
					lattice.WithCustomAttributes(), lattice.WithManagerNames()},
			}
			d := mustClient(t, f, s).dir(o)
			if got := len(collect(t, unified.Users(t.Context(), d, nil))); got != companySize {
				t.Errorf("%d users, want %d", got, companySize)
			}
			if got := in.max(); got != 1 {
				t.Errorf("%d requests in flight at once, want 1", got)
			}
		}},
		{"WithPageSize(0) is the largest page", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(both(personio.WithPageSize, lattice.WithPageSize, 0))
			p, err := d.ListUsers(t.Context(), nil)
			if err != nil || len(p.Users) != tgt.maxPage() {
				t.Errorf("first page: %d users, %v; want %d", len(p.Users), err, tgt.maxPage())
			}
		}},
		{"WithPageSize(7) sets the page size", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(both(personio.WithPageSize, lattice.WithPageSize, 7))
			p, err := d.ListUsers(t.Context(), nil)
			if err != nil || len(p.Users) != 7 || p.NextCursor == "" {
				t.Fatalf("first page: %d users, %v; want 7 and more", len(p.Users), err)
			}
			if p, err = d.ListUsers(t.Context(), &unified.ListOptions{Cursor: p.NextCursor}); err != nil || len(p.Users) != 7 {
				t.Errorf("second page: %d users, %v; want 7", len(p.Users), err)
			}
		}},
		{"WithPageSize(1000) is capped", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(both(personio.WithPageSize, lattice.WithPageSize, 1000))
			p, err := d.ListUsers(t.Context(), nil)
			if err != nil || len(p.Users) != tgt.maxPage() {
				t.Errorf("first page: %d users, %v; want %d", len(p.Users), err, tgt.maxPage())
			}
		}},
		{"WithPageSize(-1) is invalid", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(both(personio.WithPageSize, lattice.WithPageSize, -1))
			invalid(t, f, d, "invalid configuration: WithPageSize(-1): the page size must not be negative (0 means the API's largest)")
		}},
		{"WithRaw keeps the record as received", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(each(personio.WithRaw(), lattice.WithRaw()))
			users := collect(t, unified.Users(t.Context(), d, nil))
			for _, u := range users {
				if !json.Valid(u.Raw) || !bytes.Contains(u.Raw, []byte(u.ID)) {
					t.Fatalf("user %s: Raw = %.80s", u.ID, u.Raw)
				}
			}
			if len(users) != companySize {
				t.Errorf("%d users, want %d", len(users), companySize)
			}
		}},
		{"WithMapper(nil) and WithSpec(nil) are the defaults", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			c := mustClient(t, f, f.config())
			want := collect(t, unified.Users(t.Context(), c.dir(options{}), nil))
			for _, o := range []options{
				each(personio.WithMapper(nil), lattice.WithMapper(nil)),
				each(personio.WithSpec(nil), lattice.WithSpec(nil)),
			} {
				if diff := cmp.Diff(want, collect(t, unified.Users(t.Context(), c.dir(o), nil))); diff != "" {
					t.Errorf("(-default +nil):\n%s", diff)
				}
			}
		}},
		{"WithMapper wins over WithSpec, in either order", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			c := mustClient(t, f, f.config())
			m := compileFor(t, tgt, mapping.Field{Target: "title", Sources: []string{"email"}})
			spec := specFor(tgt, mapping.Field{Target: "title", Sources: []string{"id"}})
			for _, o := range []options{
				{personio: []personio.DirectoryOption{personio.WithMapper(m), personio.WithSpec(spec)},
					lattice: []lattice.DirectoryOption{lattice.WithMapper(m), lattice.WithSpec(spec)}},
				{personio: []personio.DirectoryOption{personio.WithSpec(spec), personio.WithMapper(m)},
					lattice: []lattice.DirectoryOption{lattice.WithSpec(spec), lattice.WithMapper(m)}},
			} {
				for _, u := range collect(t, unified.Users(t.Context(), c.dir(o), nil)) {
					if u.Title != u.Email {
						t.Fatalf("user %s: title %q, want the mapper's (the email)", u.ID, u.Title)
					}
				}
			}
		}},
		{"WithSpec that does not compile is invalid before any request", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			spec := &mapping.Spec{Fields: []mapping.Field{{Target: "title", Sources: []string{"email"},
				Transforms: []mapping.Transform{{Name: "no-such-transform"}}}}}
			d := mustClient(t, f, f.config()).dir(both(personio.WithSpec, lattice.WithSpec, spec))
			invalid(t, f, d, `invalid configuration: mapping: fields[0].transforms[0].name: unknown transform "no-such-transform" `+
				`(built in: date, default, email, enum, first, join, lower, pick, ref, split, text, trim, upper; others must be registered with WithTransform)`)
		}},
		{"WithSpec naming an unknown attribute is invalid", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			spec := specFor(tgt, mapping.Field{Target: "title", Sources: []string{"no such attribute"}})
			d := mustClient(t, f, f.config()).dir(both(personio.WithSpec, lattice.WithSpec, spec))
			_, err := d.ListUsers(t.Context(), nil)
			if !errors.Is(err, unified.ErrInvalidConfig) || !errors.Is(err, mapping.ErrUnknownAttribute) {
				t.Errorf("err = %v, want ErrInvalidConfig and ErrUnknownAttribute", err)
			}
		}},
		{"WithStrictMapping(true) fails with the record's error", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			spec := specFor(tgt, maleFails)
			d := mustClient(t, f, f.config()).dir(options{
				personio: []personio.DirectoryOption{personio.WithSpec(spec), personio.WithStrictMapping(true)},
				lattice:  []lattice.DirectoryOption{lattice.WithSpec(spec), lattice.WithStrictMapping(true)},
			})
			_, err := unified.All(t.Context(), d, nil)
			var re *mapping.RecordError
			if !errors.As(err, &re) || !errors.Is(err, mapping.ErrTransform) {
				t.Fatalf("err = %v, want a *mapping.RecordError matching ErrTransform", err)
			}
			if want := tgt.prefix() + `record "` + re.RecordID + `": field "gender"`; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %q, want it to start %q", err, want)
			}
		}},
		{"WithMappingErrors is called in listing order on the consuming goroutine", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			spec := specFor(tgt, maleFails)
			var events []string // appended without a lock: the race detector checks the contract
			var consumer string
			cb := func(re *mapping.RecordError) {
				if g := goid(); g != consumer {
					t.Errorf("callback for %s on goroutine %s, the listing is consumed on %s", re.RecordID, g, consumer)
				}
				events = append(events, "error "+re.RecordID)
			}
			d := mustClient(t, f, f.config()).dir(options{
				personio: []personio.DirectoryOption{personio.WithSpec(spec), personio.WithMappingErrors(cb)},
				lattice:  []lattice.DirectoryOption{lattice.WithSpec(spec), lattice.WithMappingErrors(cb)},
			})
			for name, seq := range map[string]func(func(unified.User, error) bool){
				"Users":      unified.Users(t.Context(), d, nil),
				"PagedUsers": unified.PagedUsers(t.Context(), d, nil),
			} {
				events = nil
				consumer = goid()
				n := 0
				for u, err := range seq {
					if err != nil {
						t.Fatal(err)
					}
					events = append(events, "user "+u.ID)
					n++
				}
				checkErrorOrder(t, name, events, n)
			}
		}},
		{"without WithMappingErrors, mapping errors are logged", func(t *testing.T, tgt target) {
			f := newFake(t, tgt)
			var buf syncBuffer
			s := f.config()
			s.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
			var reported int
			c := mustClient(t, f, s)
			spec := specFor(tgt, maleFails)
			collect(t, unified.Users(t.Context(), c.dir(options{
				personio: []personio.DirectoryOption{personio.WithSpec(spec), personio.WithMappingErrors(func(*mapping.RecordError) { reported++ })},
				lattice:  []lattice.DirectoryOption{lattice.WithSpec(spec), lattice.WithMappingErrors(func(*mapping.RecordError) { reported++ })},
			}), nil))
			collect(t, unified.Users(t.Context(), c.dir(both(personio.WithSpec, lattice.WithSpec, spec)), nil))
			if logged := strings.Count(buf.String(), "level=WARN"); reported == 0 || logged != reported {
				t.Errorf("%d warnings logged, want one per record error (%d)", logged, reported)
			}
		}},
	}
	for _, tt := range tests {
		for _, tgt := range targets {
			t.Run(tt.name+"/"+string(tgt), func(t *testing.T) {
				t.Parallel()
				tt.run(t, tgt)
			})
		}
	}
}

// checkErrorOrder checks a listing's events: every record error comes right before its
// user (errors are reported before the user is returned, and a page's errors before its
// users), in the order of the users, and there are some.
func checkErrorOrder(t *testing.T, name string, events []string, users int) {
	t.Helper()
	pos := map[string]int{}
	var errs []string
	for i, e := range events {
		if id, ok := strings.CutPrefix(e, "user "); ok {
			pos[id] = i
		} else {
			errs = append(errs, strings.TrimPrefix(e, "error "))
		}
	}
	if len(errs) == 0 || users != companySize {
		t.Fatalf("%s: %d users and %d record errors, want %d users and some errors", name, users, len(errs), companySize)
	}
	last := -1
	for i, e := range events {
		id, ok := strings.CutPrefix(e, "error ")
		if !ok {
			continue
		}
		p, listed := pos[id]
		switch {
		case !listed:
			t.Errorf("%s: record %s reported but not listed", name, id)
		case p < i:
			t.Errorf("%s: record %s reported after its user was returned", name, id)
		case p < last:
			t.Errorf("%s: record %s reported out of listing order", name, id)
		}
		last = p
	}
}

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConfigFields sets every Config field that personio and lattice share to the same
// value in both and checks that it means the same: the same validation with the same
// words after the provider prefix, the same defaults, and the same effect on requests.
func TestConfigFields(t *testing.T) {
	t.Parallel()
	t.Run("invalid values", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name string
			edit func(s *shared)
			want string
		}{
			{"negative RateLimit", func(s *shared) { s.RateLimit = -1 },
				"Config.RateLimit must be a number of requests per second, not -1 (0 means the default, NoRateLimit no limit)"},
			{"NaN RateLimit", func(s *shared) { s.RateLimit = math.NaN() },
				"Config.RateLimit must be a number of requests per second, not NaN (0 means the default, NoRateLimit no limit)"},
			{"negative Burst", func(s *shared) { s.Burst = -1 }, "Config.Burst must not be negative (0 means the default)"},
			{"Limiter that allows nothing", func(s *shared) { s.Limiter = rate.NewLimiter(1, 0) },
				"Config.Limiter has burst 0 and would never allow a request"},
			{"negative MaxAttempts", func(s *shared) { s.MaxAttempts = -1 },
				"Config.MaxAttempts must not be negative (0 means 4, 1 disables retries)"},
			{"negative MinWait", func(s *shared) { s.MinWait = -time.Second }, "Config.MinWait must not be negative (0 means 500ms)"},
			{"negative MaxWait", func(s *shared) { s.MaxWait = -time.Second }, "Config.MaxWait must not be negative (0 means 30s)"},
			{"MinWait above MaxWait", func(s *shared) { s.MinWait, s.MaxWait = 2*time.Second, time.Second },
				"Config.MinWait (2s) must not exceed MaxWait (1s)"},
			{"negative MaxRetryAfter", func(s *shared) { s.MaxRetryAfter = -time.Second },
				"Config.MaxRetryAfter must not be negative (0 means 2m0s)"},
			{"plain http", func(s *shared) { s.BaseURL = "http://api.example.com" },
				"BaseURL http://api.example.com uses plain http: use https (plain http is only allowed for loopback hosts: localhost, 127.0.0.0/8, ::1)"},
			{"UserAgent with a newline", func(s *shared) { s.UserAgent = "app/1\nX-Evil: 1" },
				"Config.UserAgent must not contain control characters"},
		}
		for _, tt := range tests {
			for _, tgt := range []target{personioV1, latticeAPI} {
				t.Run(tt.name+"/"+string(tgt), func(t *testing.T) {
					t.Parallel()
					f := newFake(t, tgt)
					s := f.config()
					tt.edit(&s)
					_, err := f.newClient(s)
					if !errors.Is(err, unified.ErrInvalidConfig) {
						t.Fatalf("err = %v, want ErrInvalidConfig", err)
					}
					if got, want := err.Error(), tgt.prefix()+"invalid configuration: "+tt.want; got != want {
						t.Errorf("err:\n got %s\nwant %s", got, want)
					}
				})
			}
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		t.Parallel()
		common := rate.NewLimiter(3, 2)
		tests := []struct {
			name      string
			edit      func(s *shared)
			wantLimit map[target]rate.Limit
			wantBurst map[target]int
		}{
			{"zero values are the defaults", func(s *shared) { s.RateLimit, s.Burst = 0, 0 },
				map[target]rate.Limit{personioV1: personio.DefaultRateLimit, latticeAPI: lattice.DefaultRateLimit},
				map[target]int{personioV1: personio.DefaultBurst, latticeAPI: lattice.DefaultBurst}},
			{"NoRateLimit switches it off", func(s *shared) { s.RateLimit = personio.NoRateLimit },
				map[target]rate.Limit{personioV1: rate.Inf, latticeAPI: rate.Inf}, nil},
			{"+Inf switches it off", func(s *shared) { s.RateLimit = math.Inf(1) },
				map[target]rate.Limit{personioV1: rate.Inf, latticeAPI: rate.Inf}, nil},
			{"a rate and a burst", func(s *shared) { s.RateLimit, s.Burst = 2.5, 3 },
				map[target]rate.Limit{personioV1: 2.5, latticeAPI: 2.5}, map[target]int{personioV1: 3, latticeAPI: 3}},
			{"a shared Limiter", func(s *shared) { s.Limiter = common },
				map[target]rate.Limit{personioV1: 3, latticeAPI: 3}, map[target]int{personioV1: 2, latticeAPI: 2}},
		}
		for _, tt := range tests {
			for _, tgt := range []target{personioV1, latticeAPI} {
				t.Run(tt.name+"/"+string(tgt), func(t *testing.T) {
					t.Parallel()
					f := newFake(t, tgt)
					s := f.config()
					tt.edit(&s)
					lim := mustClient(t, f, s).limiter()
					if lim.Limit() != tt.wantLimit[tgt] || (tt.wantBurst != nil && lim.Burst() != tt.wantBurst[tgt]) {
						t.Errorf("limiter %v/%d, want %v/%d", lim.Limit(), lim.Burst(), tt.wantLimit[tgt], tt.wantBurst[tgt])
					}
					if s.Limiter != nil && lim != s.Limiter {
						t.Error("the client does not use the shared Limiter")
					}
				})
			}
		}
	})

	t.Run("MaxAttempts", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct{ set, want int }{{0, 4}, {1, 1}, {2, 2}} {
			for _, tgt := range targets {
				t.Run(strconv.Itoa(tt.set)+"/"+string(tgt), func(t *testing.T) {
					t.Parallel()
					f := newFake(t, tgt)
					f.inject(fakeserver.Fault{Path: tgt.listPath(), Status: http.StatusServiceUnavailable, Times: -1})
					s := f.config()
					s.MaxAttempts = tt.set
					_, err := mustClient(t, f, s).dir(options{}).ListUsers(t.Context(), nil)
					if !errors.Is(err, unified.ErrUnavailable) {
						t.Errorf("err = %v, want ErrUnavailable", err)
					}
					if got := f.count("GET", tgt.listPath()); got != tt.want {
						t.Errorf("%d list requests, want %d", got, tt.want)
					}
				})
			}
		}
	})

	t.Run("MaxRetryAfter", func(t *testing.T) {
		t.Parallel()
		for _, tgt := range targets {
			t.Run(string(tgt), func(t *testing.T) {
				t.Parallel()
				f := newFake(t, tgt)
				f.inject(fakeserver.Fault{Path: tgt.listPath(), Status: http.StatusTooManyRequests, Times: -1,
					Header: http.Header{"Retry-After": {"30"}}})
				s := f.config()
				s.MaxRetryAfter = time.Second
				_, err := mustClient(t, f, s).dir(options{}).ListUsers(t.Context(), nil)
				var ae *unified.APIError
				if !errors.Is(err, unified.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 30*time.Second {
					t.Errorf("err = %v, want ErrRateLimited asking for 30s", err)
				}
				if got := f.count("GET", tgt.listPath()); got != 1 {
					t.Errorf("%d list requests, want 1: a longer Retry-After than MaxRetryAfter is not waited for", got)
				}
			})
		}
	})

	t.Run("HTTPClient, UserAgent and Logger", func(t *testing.T) {
		t.Parallel()
		for _, tgt := range targets {
			t.Run(string(tgt), func(t *testing.T) {
				t.Parallel()
				f := newFake(t, tgt)
				s := f.config()
				in := &inflight{next: s.HTTPClient.Transport}
				hc := *s.HTTPClient
				hc.Transport = in
				var logs syncBuffer
				s.HTTPClient, s.UserAgent = &hc, "conformance/1.0"
				s.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				collect(t, unified.Users(t.Context(), mustClient(t, f, s).dir(options{}), nil))
				sent := len(f.requests())
				if len(in.agents) != sent || sent == 0 {
					t.Errorf("the HTTPClient sent %d requests, the fake received %d", len(in.agents), sent)
				}
				for _, ua := range in.agents {
					if !strings.HasPrefix(ua, "hrisconnect/") || !strings.HasSuffix(ua, " conformance/1.0") {
						t.Errorf("User-Agent %q, want hrisconnect's with conformance/1.0 last", ua)
						break
					}
				}
				if got := strings.Count(logs.String(), `msg="http attempt"`); got != sent {
					t.Errorf("%d attempts logged, want one per request (%d)", got, sent)
				}
			})
		}
	})

	t.Run("MaxWait alone", func(t *testing.T) {
		t.Parallel()
		// A MaxWait below the default MinWait makes MinWait MaxWait, in both.
		for _, tgt := range []target{personioV1, latticeAPI} {
			f := newFake(t, tgt)
			s := f.config()
			s.MinWait, s.MaxWait = 0, time.Millisecond
			if _, err := f.newClient(s); err != nil {
				t.Errorf("%s: %v", tgt, err)
			}
		}
	})
}

// TestManagerReferencesNameRows checks both providers' default mappings: the name and
// email of a manager reference are those of the manager's own row, for every reference,
// so a manager column shows what the manager's row shows. The companies have people
// whose preferred name differs from their first name. Lattice references carry names with
// WithManagerNames (without it, IDs only).
func TestManagerReferencesNameRows(t *testing.T) {
	t.Parallel()
	for _, tgt := range targets {
		t.Run(string(tgt), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tgt)
			d := mustClient(t, f, f.config()).dir(options{lattice: []lattice.DirectoryOption{lattice.WithManagerNames()}})
			users := collect(t, unified.Users(t.Context(), d, nil))
			rows := map[string]*unified.User{}
			for i := range users {
				rows[users[i].ID] = &users[i]
			}
			refs, preferred := 0, 0
			for _, u := range users {
				if u.Manager == nil {
					continue
				}
				m := rows[u.Manager.ID]
				if m == nil {
					t.Errorf("user %s: manager %s is not listed", u.ID, u.Manager.ID)
					continue
				}
				refs++
				if m.PreferredName != "" {
					preferred++
				}
				if got, want := [2]string{u.Manager.Name, u.Manager.Email}, [2]string{m.DisplayName, m.Email}; got != want {
					t.Errorf("user %s: manager reference %q, the manager's row %q", u.ID, got, want)
				}
			}
			if refs == 0 || preferred == 0 {
				t.Fatalf("%d manager references, %d to managers with a preferred name: the test needs both", refs, preferred)
			}
		})
	}
}
