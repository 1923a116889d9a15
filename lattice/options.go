package lattice

import (
	"fmt"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// DirectoryOption configures a Directory; see Client.Directory.
//
// The options that personio offers too (WithConcurrency, WithPageSize, WithRaw,
// WithMapper, WithSpec, WithStrictMapping, WithMappingErrors) mean the same in both
// packages: a zero value (0, nil) asks for the default, and a negative number makes every
// call of the directory fail with an error matching unified.ErrInvalidConfig, without a
// request.
type DirectoryOption func(*dirConfig)

type dirConfig struct {
	mapper       *mapping.Mapper
	spec         *mapping.Spec
	raw          bool
	pageSize     int
	concurrency  int
	strict       bool
	onMapErr     func(*mapping.RecordError)
	custom       bool
	ttl          time.Duration
	noDeptNames  bool
	managerNames bool
	errs         []error
}

func (c *dirConfig) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %w: %s", ProviderName, unified.ErrInvalidConfig, fmt.Sprintf(format, args...)))
}

// WithMapper maps users with m instead of [DefaultSpec]; it takes precedence over
// WithSpec, whatever their order. m reads the keys of [Record]. Status filters are then
// applied after mapping only, on every user (the directory cannot know how m maps Lattice
// statuses). nil means the default.
func WithMapper(m *mapping.Mapper) DirectoryOption { return func(c *dirConfig) { c.mapper = m } }

// WithSpec maps users with spec, compiled against [Catalog] (the Lattice fields plus the
// custom attributes met so far), instead of [DefaultSpec]. Layer your changes over the
// preset with DefaultSpec().With(...). A spec that fails to compile makes every call of
// the directory fail with an error matching unified.ErrInvalidConfig (and wrapping the
// mapping error). nil means the default.
func WithSpec(spec *mapping.Spec) DirectoryOption { return func(c *dirConfig) { c.spec = spec } }

// WithRaw sets unified.User.Raw to the user's JSON as the API sent it.
func WithRaw() DirectoryOption { return func(c *dirConfig) { c.raw = true } }

// WithPageSize sets the page size used when ListOptions.PageSize is 0: 0 means the
// default, MaxPageSize (100), the API's maximum; larger values are capped at it.
func WithPageSize(n int) DirectoryOption {
	return func(c *dirConfig) {
		if n < 0 {
			c.fail("WithPageSize(%d): the page size must not be negative (0 means the API's largest)", n)
			return
		}
		c.pageSize = n
	}
}

// WithConcurrency bounds the requests sent at once for one page (custom attribute values,
// manager lookups), while StreamUsers requests the next page besides; 0 means
// DefaultConcurrency, 1 makes the requests of a listing run one at a time (no page is
// read ahead). Every request also waits on the client's rate limiter, so this bounds
// parallelism, not the request rate.
func WithConcurrency(n int) DirectoryOption {
	return func(c *dirConfig) {
		if n < 0 {
			c.fail("WithConcurrency(%d): the concurrency must not be negative (0 means %d)", n, DefaultConcurrency)
			return
		}
		c.concurrency = n
	}
}

// WithStrictMapping sets what happens to a user whose mapping fails (a required field
// missing, a value a transform rejects). Lenient (false, the default): the user is
// returned with the fields that did map, and the *mapping.RecordError goes to the
// WithMappingErrors callback, or is logged as a warning. Strict (true): the listing (or
// GetUser) fails with the *mapping.RecordError.
func WithStrictMapping(strict bool) DirectoryOption {
	return func(c *dirConfig) { c.strict = strict }
}

// WithMappingErrors receives every *mapping.RecordError of lenient mode (see
// WithStrictMapping), in listing order, on the goroutine that consumes the listing (the
// caller of ListUsers or GetUser, the loop of StreamUsers), before the user is returned.
// nil means that they are logged as warnings. A user without an ID is reported here and
// left out, since it cannot be told apart from others.
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

// WithCacheTTL sets how long department names and (with WithManagerNames) the managers
// read are reused; 0 means DefaultCacheTTL. Departments are listed once (one request for
// up to 100 departments) and reused by every call of the directory until they are older
// than ttl; a department that is not in the cached list is fetched on its own. Use
// Refresh to drop the caches at once.
func WithCacheTTL(ttl time.Duration) DirectoryOption {
	return func(c *dirConfig) {
		if ttl < 0 {
			c.fail("WithCacheTTL(%s): the time to live must not be negative (0 means %s)", ttl, DefaultCacheTTL)
			return
		}
		c.ttl = ttl
	}
}

// WithManagerNames gives every manager reference (unified.User.Manager) the manager's
// name and email as well as the ID: from users the directory has read within
// WithCacheTTL, else from a request (GET /v1/user/{id}) for each manager not read yet,
// sent at most WithConcurrency at a time and paced by the rate limiter. The name is the
// one the default mapping gives the manager's own row: Lattice's name, else the
// preferred name. A manager the API does not show (404, 403) is referred to by ID only.
//
// Without it, a manager reference carries the ID only, whatever the directory has read
// before, and no manager is requested: Lattice refers to managers by ID, and a name costs
// a request for every manager listed after all of their reports (a tenth of 10,000 users
// in the fake company of the tests: ten times the list requests, at 240 a minute).
func WithManagerNames() DirectoryOption { return func(c *dirConfig) { c.managerNames = true } }

// WithoutDepartmentNames leaves department names out: unified.User.Department carries the
// department's ID only, and no department is requested. Use it with an API key that
// cannot read departments (403 Forbidden); a department filter must then name IDs.
func WithoutDepartmentNames() DirectoryOption { return func(c *dirConfig) { c.noDeptNames = true } }
