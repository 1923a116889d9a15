package personio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// DefaultConcurrency is how many requests a Directory runs at once when it fans out
// (parallel v1 pages, v2 employments), within the client's rate limit.
const DefaultConcurrency = 4

// Directory is the unified.Directory over a Personio account. Build one with
// [Client.Directory]; it is safe for concurrent use.
//
// In v1 mode (the default) a page of users is one GET /v1/company/employees request of up
// to 100 people, with department, team, office and supervisor names inline. In v2 mode
// ([WithV2]) a page is one GET /v2/persons request of up to 50 people, plus one request per
// person for the latest employment (run concurrently, bounded by [WithConcurrency]), a
// batched lookup of supervisors not seen before, and the names of org units and legal
// entities (listed once per Directory and cached).
//
// Records become users through a mapping.Mapper: by default [DefaultSpec] compiled against
// [Catalog] merged with the tenant's attribute list (GET /v1/company/employees/attributes,
// read once per Directory, when first needed; in v2 mode too, for the labels of custom
// attributes). A standard attribute that the tenant keeps under a key of its own (the
// birthday as "dynamic_180883" with universal_id "date_of_birth", as in Personio's
// example) is read from that key. In v1 mode only the attributes the mapper reads are
// requested (attributes[]), unless [WithRaw] asks for the whole record. Catalog and names
// are cached for the lifetime of the Directory: make a new one (it is cheap) to see
// renamed departments or new custom attributes.
//
// Without the catalog: when the credentials cannot read the attribute list (403 or 404; in
// v2 mode also 401, for credentials without v1 access), custom attributes do not vanish.
// Each v1 attribute carries its label, type and universal id, and each v2 custom attribute
// its id, type and (when Personio sends it) label; so the Directory reads v1 records whole
// and compiles the spec for each page against the built-in catalog merged with what the
// page's records describe (leniently: a name that no record of the page describes is read
// as a key). User.Custom then holds every custom attribute of the record, keyed by its key
// (v1) or id (v2), with the record's label, or the key when the record has none. This is
// visible without a logger: in lenient mode (the default) [Directory.Degraded] returns an
// error matching [ErrCatalogUnreadable], and in strict mode ([WithStrictMapping]) every
// call fails with it instead of listing without the catalog.
// A [WithMapper] mapper reads the keys it was compiled for, catalog or not.
//
// Filters: an UpdatedSince filter is pushed down (v1 updated_since, v2 updated_at.gt, one
// second early), as are a single email (v1 email) or a list of emails (v2 email) and, in v2,
// a status filter that maps onto ACTIVE/INACTIVE; every filter is then checked exactly with
// [unified.Filter.Match] on the mapped user, so one Filter means the same on every provider.
// Filters apply to the mapped user, so a custom mapper must map the fields it filters on.
// Note that v1 ignores limit and offset with updated_since: such a listing comes back as
// one page, whatever the page size.
//
// Cursors are opaque ([unified.ListOptions.Cursor]) and bound to the filter. A v1 cursor
// carries the offset, the totals seen, the number of distinct people read and the ids of
// the previous page, which is what heals a listing that changes while it is read (see the
// package documentation); a v2 cursor carries Personio's next link and what it needs to
// notice a link that loops or points backwards ([unified.ErrCursorLoop]).
type Directory struct {
	c   *Client
	cfg dirConfig
	err error // invalid options: every call fails with it

	// Values read once, when first needed, and kept (see loader).
	setup         loader[*dirSetup]         // one value, key ""
	legalEntities loader[map[string]string] // names by id, key ""
	orgLists      loader[map[string]string] // names by id, keyed by type; empty: no list endpoint
	units         loader[string]            // names of single org units, by unitKey
	names         *nameCache                // people, for supervisors
}

var (
	_ unified.Directory             = (*Directory)(nil)
	_ unified.Streamer              = (*Directory)(nil)
	_ unified.UpdatedSinceSupporter = (*Directory)(nil)
)

type dirConfig struct {
	v2          bool
	mapper      *mapping.Mapper
	spec        *mapping.Spec
	raw         bool
	pageSize    int
	concurrency int
	strict      bool
	onError     func(*mapping.RecordError)
	errs        []error
}

func (c *dirConfig) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %w: %s", ProviderName, unified.ErrInvalidConfig, fmt.Sprintf(format, args...)))
}

// DirectoryOption configures a Directory.
//
// The options that lattice offers too (WithConcurrency, WithPageSize, WithRaw,
// WithMapper, WithSpec, WithStrictMapping, WithMappingErrors) mean the same in both
// packages: a zero value (0, nil) asks for the default, and a negative number makes every
// call of the directory fail with an error matching unified.ErrInvalidConfig, without a
// request.
type DirectoryOption func(*dirConfig)

// WithV2 reads the directory through the v2 API (persons and employments) instead of v1.
func WithV2() DirectoryOption { return func(c *dirConfig) { c.v2 = true } }

// WithMapper maps records with m instead of [DefaultSpec]; it takes precedence over
// WithSpec, whatever their order. m must have been compiled for Personio records (v1
// attribute keys; the v2 mode exposes the same keys). nil means the default.
func WithMapper(m *mapping.Mapper) DirectoryOption { return func(c *dirConfig) { c.mapper = m } }

// WithSpec maps records with spec instead of [DefaultSpec], compiled against [Catalog]
// merged with the tenant's attributes when first needed: for example
// DefaultSpec().With(...) to take the title from a custom attribute. A spec that fails to
// compile makes every call of the directory fail with an error matching
// unified.ErrInvalidConfig (and wrapping the mapping error); mistakes that do not depend
// on the tenant's attributes fail before any request. nil means the default.
func WithSpec(spec *mapping.Spec) DirectoryOption { return func(c *dirConfig) { c.spec = spec } }

// WithRaw fills unified.User.Raw with the record as received: the v1 employee object, or
// in v2 mode {"person": ..., "employment": ...}. It turns off the attributes[]
// projection, since the raw record is wanted whole.
func WithRaw() DirectoryOption { return func(c *dirConfig) { c.raw = true } }

// WithPageSize sets the page size used when ListOptions.PageSize is 0: 0 means the
// default, the largest the API allows (100 in v1, 50 in v2); larger values are capped at
// it.
func WithPageSize(n int) DirectoryOption {
	return func(c *dirConfig) {
		if n < 0 {
			c.fail("WithPageSize(%d): the page size must not be negative (0 means the API's largest)", n)
			return
		}
		c.pageSize = n
	}
}

// WithConcurrency bounds the requests the Directory runs at once when it fans out: the
// parallel v1 pages of StreamUsers, and the employments and org units of a v2 page (while
// StreamUsers requests the next persons page besides); 0 means DefaultConcurrency, 1 makes
// the requests of a listing run one at a time. Every request also waits on the client's
// rate limiter, so this bounds parallelism, not the request rate.
func WithConcurrency(n int) DirectoryOption {
	return func(c *dirConfig) {
		if n < 0 {
			c.fail("WithConcurrency(%d): the concurrency must not be negative (0 means %d)", n, DefaultConcurrency)
			return
		}
		c.concurrency = n
	}
}

// WithStrictMapping sets what happens to a record whose mapping fails (a required field
// missing, a value a transform rejects). Lenient (false, the default): the user is
// returned with the fields that did map, and the *mapping.RecordError goes to the
// WithMappingErrors callback, or is logged as a warning. Strict (true): the listing (or
// GetUser) fails with the *mapping.RecordError. Strict mode also refuses to list without
// the tenant's attribute catalog: every call fails with an error matching
// [ErrCatalogUnreadable] (see [Directory.Degraded]).
func WithStrictMapping(strict bool) DirectoryOption { return func(c *dirConfig) { c.strict = strict } }

// WithMappingErrors receives every *mapping.RecordError of lenient mode (see
// WithStrictMapping), in listing order, on the goroutine that consumes the listing (the
// caller of ListUsers or GetUser, the loop of StreamUsers), before the user is returned.
// nil means that they are logged as warnings.
func WithMappingErrors(f func(*mapping.RecordError)) DirectoryOption {
	return func(c *dirConfig) { c.onError = f }
}

// Directory returns the unified.Directory over this client's Personio account. It makes no
// request until used. Invalid options make every method fail with an error matching
// unified.ErrInvalidConfig.
func (c *Client) Directory(opts ...DirectoryOption) *Directory {
	d := &Directory{c: c, names: newNameCache(maxCachedPeople)}
	for _, o := range opts {
		if o != nil {
			o(&d.cfg)
		}
	}
	if d.cfg.concurrency == 0 {
		d.cfg.concurrency = DefaultConcurrency
	}
	if d.cfg.mapper != nil {
		d.cfg.spec = nil // WithMapper takes precedence over WithSpec
	}
	d.err = errors.Join(d.cfg.errs...)
	if d.err == nil && d.cfg.spec != nil {
		// What is wrong with the spec whatever the tenant's attributes (a transform's
		// arguments, a duplicate target) fails now; unknown attributes when first used.
		if _, err := mapping.Compile(d.cfg.spec, Catalog(), mapping.WithStrict(false)); err != nil {
			d.err = invalidSpec(err)
		}
	}
	return d
}

// invalidSpec is the error of a spec that does not compile.
func invalidSpec(err error) error {
	return fmt.Errorf("%s: %w: %w", ProviderName, unified.ErrInvalidConfig, err)
}

// Client returns the client the Directory reads through.
func (d *Directory) Client() *Client { return d.c }

// Provider returns "personio".
func (d *Directory) Provider() string { return ProviderName }

// String describes the Directory by its client and API version, without credentials.
func (d *Directory) String() string {
	api := "v1"
	if d.cfg.v2 {
		api = "v2"
	}
	return fmt.Sprintf("personio.Directory{API: %s, Client: %s}", api, d.c)
}

// GoString is String, so that %#v prints no credentials either.
func (d *Directory) GoString() string { return d.String() }

// Format prints String for every verb: printing a Directory never walks its state.
func (d *Directory) Format(f fmt.State, verb rune) { formatRedacted(f, verb, d.String()) }

// LogValue implements slog.LogValuer: the API version and the client.
func (d *Directory) LogValue() slog.Value {
	api := "v1"
	if d.cfg.v2 {
		api = "v2"
	}
	return slog.GroupValue(slog.String("api", api), slog.Any("client", d.c))
}

// SupportsUpdatedSince implements unified.UpdatedSinceSupporter: true in v1 mode, where
// updated_since selects on the employee record's last_modified_at. False in v2 mode
// ([WithV2]): the filter applies to the person's updated_at, and Personio does not
// document that a change to an employment (department, supervisor, position) moves it,
// so unified.Sync makes full passes there.
func (d *Directory) SupportsUpdatedSince() bool { return !d.cfg.v2 }

// Me fails with unified.ErrUnsupported: Personio's API has no "current user".
func (d *Directory) Me(context.Context) (*unified.User, error) {
	if d.err != nil {
		return nil, d.err
	}
	return nil, fmt.Errorf("personio: API credentials belong to the company, not to a person, so there is no current user: %w", unified.ErrUnsupported)
}

// dirSetup is what a Directory computes once: the catalog, the mapper and the v1
// projection.
type dirSetup struct {
	catalog *mapping.Catalog
	mapper  *mapping.Mapper
	attrs   []string          // attributes[] to ask for; nil: everything
	aliases map[string]string // standard key → the key the tenant keeps it under (see aliasKeys)

	// unread is set when the tenant's catalog cannot be read and the Directory compiles
	// spec itself: records are then read whole, and the spec is compiled for each batch
	// of records against the catalog merged with the attributes the records describe.
	unread error
	spec   *mapping.Spec
}

// mapperFor returns the mapper for records that describe the attributes attrs (see
// describeV1, describeV2): the Directory's, or, when the tenant's catalog cannot be read,
// the spec compiled against the built-in catalog merged with attrs, so that the records'
// custom attributes are kept (custom.*), a standard attribute under a key of the tenant's
// is found by its universal id, and a custom attribute by its label. The compile is
// lenient: a v2 record lists only the custom attributes it has a value for, so a batch
// may describe none of those a spec names.
func (s *dirSetup) mapperFor(attrs map[string]AttributeInfo) (*mapping.Mapper, error) {
	if s.unread == nil {
		return s.mapper, nil
	}
	list := make([]AttributeInfo, 0, len(attrs))
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		list = append(list, attrs[k])
	}
	m, err := mapping.Compile(s.spec, s.catalog.Merge(tenantCatalog(list)), mapping.WithStrict(false))
	if err != nil {
		return nil, invalidSpec(err)
	}
	return m, nil
}

// describe adds a to attrs, keeping a label already known.
func describe(attrs map[string]AttributeInfo, a AttributeInfo) {
	if prev, ok := attrs[a.Key]; !ok || (prev.Label == "" && a.Label != "") {
		attrs[a.Key] = a
	}
}

// describeV1 adds the attributes of a v1 record to attrs: each carries its label, type
// and universal id, as the attribute catalog lists them.
func describeV1(attrs map[string]AttributeInfo, rec map[string]Attribute) {
	for k, a := range rec {
		describe(attrs, AttributeInfo{Key: k, Label: a.Label, Type: a.Type, UniversalID: a.UniversalID})
	}
}

// describeV2 adds the custom attributes of v2 persons to attrs, with their label when the
// record carries one. Their global_id is not taken as a universal id: v2 persons carry the
// standard attributes in fields of their own.
func describeV2(attrs map[string]AttributeInfo, persons []Person) {
	for i := range persons {
		for _, a := range persons[i].CustomAttributes {
			if a.ID != "" {
				describe(attrs, AttributeInfo{Key: a.ID, Label: a.Label, Type: a.Type})
			}
		}
	}
}

// aliasKeys returns, for each standard key in read, the key of another attribute of cat
// whose universal id is that standard key (the smallest key if several), for a tenant
// that lists both: the listing then reads the standard key, and that attribute where the
// standard key has no value, as Employee does. nil when there is none.
func aliasKeys(cat *mapping.Catalog, read []string) map[string]string {
	var out map[string]string
	for _, a := range cat.Attributes {
		u := a.UniversalID
		if !isAlias(a.Key, u) || !a.Available || !slices.Contains(read, u) {
			continue
		}
		if prev, dup := out[u]; dup && prev < a.Key {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[u] = a.Key
	}
	return out
}

// Catalog returns the attribute catalog the Directory maps against:
// [Catalog] merged with the attributes the credentials can read. It is read
// once per Directory.
func (d *Directory) Catalog(ctx context.Context) (*mapping.Catalog, error) {
	s, err := d.ready(ctx)
	if err != nil {
		return nil, err
	}
	return s.catalog, nil
}

// Mapper returns the mapper the Directory uses.
func (d *Directory) Mapper(ctx context.Context) (*mapping.Mapper, error) {
	s, err := d.ready(ctx)
	if err != nil {
		return nil, err
	}
	return s.mapper, nil
}

// Check is a preflight: it reports the attributes the mapper needs that the API
// credentials cannot read (see mapping.Check). Without the tenant's catalog (see
// Degraded) it checks against the built-in one, which marks every attribute as not
// readable.
func (d *Directory) Check(ctx context.Context) (*mapping.Report, error) {
	s, err := d.ready(ctx)
	if err != nil {
		return nil, err
	}
	return mapping.Check(s.mapper, s.catalog), nil
}

// Degraded reports whether the Directory maps without the tenant's attribute catalog,
// reading it first if it has not been read yet. It returns nil when the catalog was read
// (or a WithMapper mapper needs none), and an error matching [ErrCatalogUnreadable] when
// the credentials cannot read GET /v1/company/employees/attributes (403, 404, or 401 for
// v2 credentials in v2 mode) and the Directory lists without it: custom attributes are
// then kept in unified.User.Custom by their key (their id in v2) with the label the record
// carries, and v1 records are read whole. The error wraps the API's answer
// (errors.Is(err, unified.ErrForbidden)). In strict mode ([WithStrictMapping]) such a
// Directory does not list at all: every call fails with that error, and the catalog is
// asked for again on the next call. Any other failure to read the catalog is returned as
// it is.
func (d *Directory) Degraded(ctx context.Context) error {
	s, err := d.ready(ctx)
	if err != nil {
		return err
	}
	return s.unread
}

func (d *Directory) ready(ctx context.Context) (*dirSetup, error) {
	if d.err != nil {
		return nil, d.err
	}
	return d.setup.get(ctx, "", d.compute)
}

func (d *Directory) compute(ctx context.Context) (*dirSetup, error) {
	s := &dirSetup{catalog: Catalog()}
	tenant, err := d.c.Attributes(ctx)
	switch {
	case err == nil:
		s.catalog = s.catalog.Merge(tenantCatalog(tenant))
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case d.cfg.mapper != nil:
		// The mapper is given and reads the keys it was compiled for: the catalog only
		// serves Catalog and Check.
		d.c.log.Warn("personio: cannot read the attribute catalog; using the built-in one",
			slog.String("error", err.Error()))
	case errors.Is(err, unified.ErrForbidden), errors.Is(err, unified.ErrNotFound),
		d.cfg.v2 && errors.Is(err, unified.ErrUnauthorized):
		// These credentials cannot list the v1 attributes: map with what the records
		// describe (see mapperFor), or, in strict mode, do not map at all.
		s.unread = &catalogError{cause: err}
		if d.cfg.strict {
			return nil, s.unread
		}
		d.c.log.Warn("personio: cannot read the attribute catalog; mapping with the attributes the records describe",
			slog.String("error", s.unread.Error()))
	default:
		return nil, err
	}
	switch {
	case d.cfg.mapper != nil:
		s.mapper = d.cfg.mapper
	default:
		s.spec = d.cfg.spec
		if s.spec == nil {
			s.spec = DefaultSpec()
		}
		// Without the tenant's catalog, names of the tenant's attributes cannot be
		// resolved here: they are resolved for each batch of records (mapperFor), and a
		// name that no record of a batch describes is read as a key.
		m, err := mapping.Compile(s.spec, s.catalog, mapping.WithStrict(s.unread == nil))
		if err != nil {
			return nil, invalidSpec(err)
		}
		s.mapper = m
	}
	if !d.cfg.v2 && s.unread == nil {
		s.aliases = aliasKeys(s.catalog, s.mapper.SourceKeys())
		if !d.cfg.raw {
			keys := append(s.mapper.SourceKeys(), "id")
			keys = append(keys, slices.Collect(maps.Values(s.aliases))...)
			slices.Sort(keys)
			s.attrs = slices.Compact(keys)
		}
	}
	return s, nil
}

// tenantCatalog converts the attribute list of the API into a mapping catalog.
func tenantCatalog(attrs []AttributeInfo) *mapping.Catalog {
	out := make([]mapping.Attribute, 0, len(attrs))
	for _, a := range attrs {
		ma := mapping.Attribute{
			Key:         a.Key,
			UniversalID: a.UniversalID,
			Type:        a.Type,
			Custom:      a.IsCustom(),
			Available:   true,
		}
		if a.Label != "" {
			ma.Labels = []string{a.Label}
		}
		out = append(out, ma)
	}
	return mapping.NewCatalog(ProviderName, out)
}

// mapped is one record mapped to a user.
type mapped struct {
	user unified.User
	err  *mapping.RecordError
}

// mapRecord maps rec with mapper (see dirSetup.mapperFor).
func (d *Directory) mapRecord(mapper *mapping.Mapper, rec mapping.Record, raw json.RawMessage) (mapped, error) {
	var m mapped
	err := mapper.ApplyUser(rec, &m.user)
	if err != nil && !errors.As(err, &m.err) {
		return m, fmt.Errorf("personio: mapping record %s: %w", rec.ID(), err)
	}
	m.user.Provider = ProviderName
	if m.user.ID == "" {
		m.user.ID = rec.ID()
	}
	if d.cfg.raw {
		m.user.Raw = raw
	}
	return m, nil
}

// accept applies the mapping policy to a record about to be returned: strict mode turns
// its error into the listing's error; lenient mode reports it.
func (d *Directory) accept(m *mapped) error {
	if m.err == nil {
		return nil
	}
	if d.cfg.strict {
		return m.err
	}
	if d.cfg.onError != nil {
		d.cfg.onError(m.err)
	} else {
		d.c.log.Warn("personio: record mapped with errors", slog.String("record", m.err.RecordID), slog.String("error", m.err.Error()))
	}
	return nil
}

// GetUser returns the user with the given id. An id that is not a Personio id (not a
// positive number) fails with unified.ErrNotFound without a request.
func (d *Directory) GetUser(ctx context.Context, id string) (*unified.User, error) {
	if d.err != nil {
		return nil, d.err
	}
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 || strconv.Itoa(n) != id {
		return nil, notFoundID("user", id)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := d.ready(ctx)
	if err != nil {
		return nil, err
	}
	var m mapped
	if d.cfg.v2 {
		p, err := d.c.GetPerson(ctx, id)
		if err != nil {
			return nil, err
		}
		res, err := d.buildV2(ctx, s, []Person{*p})
		if err != nil {
			return nil, err
		}
		m = res[0]
	} else {
		e, err := d.c.GetEmployee(ctx, n)
		if err != nil {
			return nil, err
		}
		var attrs map[string]AttributeInfo
		if s.unread != nil {
			attrs = map[string]AttributeInfo{}
			describeV1(attrs, e.Attributes)
		}
		mapper, err := s.mapperFor(attrs)
		if err != nil {
			return nil, err
		}
		if m, err = d.mapRecord(mapper, employeeRecord(e, d.c.loc), e.Raw); err != nil {
			return nil, err
		}
	}
	if err := d.accept(&m); err != nil {
		return nil, err
	}
	return &m.user, nil
}

// ListUsers returns one page of users; see Directory for the push-down of filters and the
// cursor rules.
func (d *Directory) ListUsers(ctx context.Context, opts *unified.ListOptions) (*unified.Page, error) {
	var o unified.ListOptions
	if opts != nil {
		o = *opts
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.cfg.v2 {
		l, err := d.newV2Listing(&o)
		if err != nil {
			return nil, err
		}
		return l.page(ctx)
	}
	l, err := d.newV1Listing(&o)
	if err != nil {
		return nil, err
	}
	return l.page(ctx)
}

// StreamUsers implements unified.Streamer: the users of ListUsers, in the same order, each
// once, with requests overlapped. In v1 mode the first page is read alone, since it tells
// the total; then the remaining offset pages are read in parallel (at most WithConcurrency
// requests at once, all through the client's rate limiter, and at most twice that many
// pages ahead of the caller) and yielded in offset order; if the listing changes under the
// read, the rest is read page by page with the healing rules. With a token that Personio
// rotates on every response (legacy v1) pages are read one after the other. In v2 mode the
// next persons page is requested while the current one is completed and yielded, and the
// employments of a page are fetched WithConcurrency at a time.
//
// When the caller stops early or ctx ends, the requests in flight are cancelled and every
// goroutine has ended before the loop returns.
func (d *Directory) StreamUsers(ctx context.Context, opts *unified.ListOptions) iter.Seq2[unified.User, error] {
	var o unified.ListOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(unified.User, error) bool) {
		if d.err != nil {
			yield(unified.User{}, d.err)
			return
		}
		if err := ctx.Err(); err != nil {
			yield(unified.User{}, err)
			return
		}
		if d.cfg.v2 {
			d.streamV2(ctx, o, yield)
			return
		}
		d.streamV1(ctx, o, yield)
	}
}

// pageSize returns the limit to ask the API for.
func (d *Directory) pageSize(requested, maximum int) (int, error) {
	switch {
	case requested < 0:
		return 0, fmt.Errorf("personio: ListOptions.PageSize %d is negative: %w", requested, unified.ErrInvalidValue)
	case requested == 0 && d.cfg.pageSize > 0:
		requested = d.cfg.pageSize
	case requested == 0:
		return maximum, nil
	}
	return min(requested, maximum), nil
}

// decodeCursor decodes a cursor made for filter f into pos.
func decodeCursor(c string, f *unified.Filter, pos any) error {
	if err := cursor.Decode(c, ProviderName, f.Fingerprint(), pos); err != nil {
		return fmt.Errorf("personio: %w", err)
	}
	return nil
}

func encodeCursor(f *unified.Filter, pos any) (string, error) {
	c, err := cursor.Encode(ProviderName, f.Fingerprint(), pos)
	if err != nil {
		return "", fmt.Errorf("personio: %w", err)
	}
	return c, nil
}

// singleEmail returns the one email of the filter, lower-cased, or "".
func singleEmail(f *unified.Filter) string {
	if len(f.Emails) != 1 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(f.Emails[0]))
}
