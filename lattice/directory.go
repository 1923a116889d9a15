package lattice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Directory defaults.
const (
	// DefaultConcurrency bounds the requests a Directory sends at once for one page: custom
	// attribute values (WithCustomAttributes) and manager lookups (WithManagerNames). All
	// of them also wait on the client's rate limiter.
	DefaultConcurrency = 4
	// DefaultCacheTTL is how long a Directory reuses its department names and (with
	// WithManagerNames) the managers it read.
	DefaultCacheTTL = 10 * time.Minute
	// DefaultPeopleCacheSize bounds how many users a Directory remembers to describe
	// managers (WithManagerNames).
	DefaultPeopleCacheSize = 10000
)

// Directory is Lattice as a unified.Directory (and unified.Streamer). Make one with
// Client.Directory. It is safe for concurrent use.
//
// Listing: ListUsers reads GET /v1/users with status=NULL, so users of every status are
// listed (a provisioning tool must see leavers), 100 per request by default. A filter on
// statuses is sent to the API when it names exactly one Lattice status (active → ACTIVE,
// invited → INVITED, onboarding → CREATED, inactive → DEACTIVATED); "leave" has no Lattice
// equivalent and matches nobody. All other conditions (several statuses, departments,
// emails, updated-since) are applied to the mapped users with unified.Filter.Match:
// Lattice has no server-side filter for them, and in particular no incremental
// (updated-since) query, so an updated-since listing still reads every user. Pages may
// therefore hold fewer users than the page size, or none, and still have a NextCursor.
//
// Cursors are opaque (internal/cursor, provider "lattice", bound to the filter). Each
// carries the Lattice cursor, hashes of the previous page's user IDs (a user repeated at
// the top of the next page is dropped) and of the last 64 Lattice cursors (a repeated
// cursor fails with unified.ErrCursorLoop).
//
// Departments are listed once (one request per 100 departments) and cached for
// WithCacheTTL; a department missing from the cached list is fetched on its own.
//
// Managers: unified.User.Manager has the manager's ID only (the API refers to managers by
// ID), unless WithManagerNames asks for their names and emails too; either way a
// reference does not depend on what the directory read before.
//
// Names are lossy: Lattice keeps one name string, and [DefaultSpec] splits it
// at the first space into first and last name. Override first_name and last_name with
// WithSpec when a better source exists.
type Directory struct {
	c          *Client
	cfg        dirConfig
	err        error
	log        *slog.Logger
	pushStatus bool

	mapMu  sync.Mutex
	mapper *mapping.Mapper            // compiled with the custom attributes in attrs
	attrs  map[string]CustomAttribute // by ID

	depts  deptNames
	people *peopleCache
}

var (
	_ unified.Directory = (*Directory)(nil)
	_ unified.Streamer  = (*Directory)(nil)
)

// Directory returns the client as a unified.Directory. See [Directory] for what it
// does, and the With* options for what can be changed. The result is a *Directory, which
// also implements unified.Streamer. Invalid options make every method fail with an error
// matching unified.ErrInvalidConfig.
func (c *Client) Directory(opts ...DirectoryOption) *Directory {
	var cfg dirConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.pageSize == 0 || cfg.pageSize > MaxPageSize {
		cfg.pageSize = MaxPageSize
	}
	if cfg.concurrency == 0 {
		cfg.concurrency = DefaultConcurrency
	}
	if cfg.ttl == 0 {
		cfg.ttl = DefaultCacheTTL
	}
	d := &Directory{c: c, cfg: cfg, log: c.log, people: newPeopleCache(DefaultPeopleCacheSize, cfg.ttl), attrs: map[string]CustomAttribute{}}
	d.err = errors.Join(cfg.errs...)
	if cfg.mapper != nil {
		d.cfg.spec = nil // WithMapper takes precedence over WithSpec
	}
	if d.err == nil && cfg.mapper == nil {
		if d.cfg.spec == nil {
			d.cfg.spec = DefaultSpec()
		}
		m, err := d.compile(nil)
		if err != nil {
			d.err = fmt.Errorf("%s: %w: %w", ProviderName, unified.ErrInvalidConfig, err)
		} else {
			d.mapper = m
			d.pushStatus = sameStatusField(d.cfg.spec, DefaultSpec())
		}
	}
	return d
}

// sameStatusField reports whether spec maps status exactly as the preset does, so that a
// status filter may be sent to the API.
func sameStatusField(spec, preset *mapping.Spec) bool {
	find := func(s *mapping.Spec) *mapping.Field {
		fs := s.Effective()
		for i := range fs {
			if fs[i].Target == "status" {
				return &fs[i]
			}
		}
		return nil
	}
	a, b := find(spec), find(preset)
	return a != nil && b != nil && reflect.DeepEqual(*a, *b)
}

// Provider returns "lattice".
func (d *Directory) Provider() string { return ProviderName }

// Client returns the client the directory uses.
func (d *Directory) Client() *Client { return d.c }

// Refresh drops the cached department names and what the directory knows of managers; the
// next call reads them again.
func (d *Directory) Refresh() {
	d.depts.reset()
	d.people.reset()
}

// ready returns the error every call fails with before it starts: invalid options, a nil
// context, or one that is done already.
func (d *Directory) ready(ctx context.Context) error {
	if d.err != nil {
		return d.err
	}
	if ctx == nil {
		return errNilContext
	}
	return ctx.Err()
}

// Me returns the user the API key belongs to (GET /v1/me).
func (d *Directory) Me(ctx context.Context) (*unified.User, error) {
	if err := d.ready(ctx); err != nil {
		return nil, err
	}
	return d.one(ctx, "/v1/me")
}

// GetUser returns the user with the given ID (GET /v1/user/{id}), or an error matching
// unified.ErrNotFound.
func (d *Directory) GetUser(ctx context.Context, id string) (*unified.User, error) {
	if err := d.ready(ctx); err != nil {
		return nil, err
	}
	if checkID("user", id) != nil {
		return nil, fmt.Errorf("%s: user %q: %w", ProviderName, clip(id, 64), unified.ErrNotFound)
	}
	return d.one(ctx, userPath(id))
}

// one reads the user at path and maps it, looking up its manager if need be.
func (d *Directory) one(ctx context.Context, path string) (*unified.User, error) {
	var r rawUser
	if err := d.c.call(ctx, path, nil, &r); err != nil {
		return nil, err
	}
	if r.ID == "" {
		return nil, fmt.Errorf("%s: GET %s: the answer has no user id: %w", ProviderName, shownPath(path), unified.ErrInvalidValue)
	}
	var raws []json.RawMessage
	if d.cfg.raw {
		raws = []json.RawMessage{r.raw}
	}
	out, err := d.convert(ctx, []User{r.user()}, raws)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: user %s could not be mapped: %w", ProviderName, clip(r.ID, 64), unified.ErrInvalidValue)
	}
	return &out[0], nil
}
