package lattice

import (
	"fmt"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// DirectoryOption configures a Directory; see Client.Directory.
type DirectoryOption func(*dirConfig)

type dirConfig struct {
	mapper      *mapping.Mapper
	spec        *mapping.Spec
	raw         bool
	pageSize    int
	concurrency int
	strict      bool
	onMapErr    func(*mapping.RecordError)
	custom      bool
	ttl         time.Duration
	noDeptNames bool
	lookups     ManagerLookups
	errs        []error
}

func (c *dirConfig) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %w: %s", ProviderName, unified.ErrInvalidConfig, fmt.Sprintf(format, args...)))
}

// WithMapper maps users with m instead of [DefaultSpec]. m reads the keys of
// [Record]. Status filters are then applied after mapping only, on every user (the
// directory cannot know how m maps Lattice statuses).
func WithMapper(m *mapping.Mapper) DirectoryOption {
	return func(c *dirConfig) {
		if m == nil {
			c.fail("WithMapper: nil mapper")
		}
		c.mapper, c.spec = m, nil
	}
}

// WithSpec maps users with spec, compiled against [Catalog] (the Lattice fields plus the
// custom attributes met so far), instead of [DefaultSpec]. Layer your changes
// over the preset with DefaultSpec().With(...). A spec that fails to compile
// makes every call of the directory fail with an error matching unified.ErrInvalidConfig.
func WithSpec(spec *mapping.Spec) DirectoryOption {
	return func(c *dirConfig) {
		if spec == nil {
			c.fail("WithSpec: nil spec")
		}
		c.spec, c.mapper = spec, nil
	}
}

// WithRaw sets unified.User.Raw to the user's JSON as the API sent it.
func WithRaw() DirectoryOption { return func(c *dirConfig) { c.raw = true } }

// WithPageSize sets the page size used when ListOptions.PageSize is 0: 1 to 100; the
// default is 100, the API's maximum. Larger values are capped at 100.
func WithPageSize(n int) DirectoryOption {
	return func(c *dirConfig) {
		if n < 0 {
			c.fail("WithPageSize(%d): the page size must not be negative", n)
			return
		}
		c.pageSize = n
	}
}

// WithConcurrency bounds the requests sent at once for one page (custom attribute values,
// manager lookups); the default is DefaultConcurrency. Every request also waits on the
// client's rate limiter, so this bounds parallelism, not the request rate.
func WithConcurrency(n int) DirectoryOption {
	return func(c *dirConfig) {
		if n < 1 {
			c.fail("WithConcurrency(%d): want at least 1", n)
			return
		}
		c.concurrency = n
	}
}

// WithStrictMapping sets what happens to a user whose mapping fails (a required field
// missing, a value a transform rejects). Lenient (false, the default): the user is
// returned with the fields that did map, and the *mapping.RecordError goes to the
// WithMappingErrors callback, or is logged as a warning. Strict (true): the listing fails
// with an error wrapping the *mapping.RecordError.
func WithStrictMapping(strict bool) DirectoryOption {
	return func(c *dirConfig) { c.strict = strict }
}

// WithMappingErrors receives the mapping errors of lenient mode (see WithStrictMapping).
// It may be called from several goroutines at once. A user without an ID is reported
// here and left out, since it cannot be told apart from others.
func WithMappingErrors(f func(*mapping.RecordError)) DirectoryOption {
	return func(c *dirConfig) { c.onMapErr = f }
}

// WithCustomAttributes loads every user's custom attribute values (GET
// /v1/user/{id}/customAttributes) and maps them into unified.User.Custom, keyed by
// attribute id and labelled with the attribute's name. It costs one more request per user
// (N+1), sent at most WithConcurrency at a time and paced by the client's rate limiter:
// at Lattice's 240 requests per minute, 1,000 users take about four minutes.
//
// With it, a spec's sources may name custom attributes by name; names are resolved once an
// attribute has been seen (the catalog grows as users are read), so a misspelt name
// reads nothing instead of failing.
func WithCustomAttributes() DirectoryOption { return func(c *dirConfig) { c.custom = true } }

// WithCacheTTL sets how long department names and what is known of managers are reused;
// the default is DefaultCacheTTL. Departments are listed once (one request for up to 100
// departments) and reused by every call of the directory until they are older than ttl;
// a department that is not in the cached list is fetched on its own. Use Refresh to drop
// the caches at once.
func WithCacheTTL(ttl time.Duration) DirectoryOption {
	return func(c *dirConfig) {
		if ttl <= 0 {
			c.fail("WithCacheTTL(%s): want a positive duration", ttl)
			return
		}
		c.ttl = ttl
	}
}

// ManagerLookups says when a listing fetches (GET /v1/user/{id}) the managers it has not
// read yet, to give their references a name and email. See [Directory] for where names
// come from otherwise.
type ManagerLookups uint8

const (
	// ManagerLookupsAuto, the default, fetches unknown managers only in listings that the
	// API filters by status (a filter on exactly one status): the managers of leavers, say,
	// are mostly active users such a listing never reaches. A listing of every status
	// makes no lookups: its late managers are referred to by ID only.
	ManagerLookupsAuto ManagerLookups = iota
	// ManagerLookupsAlways fetches every unknown manager, so that every reference has
	// name and email. It costs one request per manager listed on a later page than all
	// of their reports: in a directory whose listing order puts many managers late (a
	// tenth of 10,000 users in the fake company of the tests) lookups can outnumber list
	// requests several times, at 240 requests a minute.
	ManagerLookupsAlways
	// ManagerLookupsNever makes no lookups in listings.
	ManagerLookupsNever
)

// WithManagerLookups sets when listings fetch managers they have not read yet; the default
// is ManagerLookupsAuto. Lookups are cached, sent at most WithConcurrency at a time and
// paced by the rate limiter. GetUser and Me always fetch an unknown manager.
func WithManagerLookups(m ManagerLookups) DirectoryOption {
	return func(c *dirConfig) {
		if m > ManagerLookupsNever {
			c.fail("WithManagerLookups(%d): unknown mode", m)
			return
		}
		c.lookups = m
	}
}

// WithoutDepartmentNames leaves department names out: unified.User.Department carries the
// department's ID only, and no department is requested. Use it with an API key that
// cannot read departments (403 Forbidden); a department filter must then name IDs.
func WithoutDepartmentNames() DirectoryOption { return func(c *dirConfig) { c.noDeptNames = true } }
