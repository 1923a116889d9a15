package personio

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Bounds of what a v2 cursor remembers.
const (
	maxV2Links   = 16                  // links followed, for loop detection
	maxV2PrevIDs = 2 * MaxPersonsLimit // ids of the previous pages, for dedupe
)

// maxCachedPeople bounds the names of supervisors a Directory keeps.
const maxCachedPeople = 20000

// v2Pos is the position in a v2 persons listing. It is what a v2 cursor carries.
type v2Pos struct {
	// Href is the next page's link as Personio sent it (path and query, origin removed).
	Href string `json:"h"`
	// Links are short hashes of the links already followed.
	Links []string `json:"l,omitempty"`
	// Prev holds the ids of the previous pages.
	Prev []string `json:"p,omitempty"`
}

func linkHash(href string) string {
	sum := sha256.Sum256([]byte(href))
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}

// v2Plan is how a filter is pushed down to GET /v2/persons.
func v2Options(f *unified.Filter, limit int, raw bool) *ListPersonsOptions {
	o := &ListPersonsOptions{Limit: limit, Raw: raw}
	if !f.UpdatedSince.IsZero() {
		o.UpdatedAfter = f.UpdatedSince.Add(-time.Second)
	}
	if len(f.Emails) > 0 {
		// Both as given and lower-cased: Personio's matching of the case is not
		// documented, and Filter.Match compares case-insensitively afterwards.
		var emails []string
		for _, e := range f.Emails {
			e = strings.TrimSpace(e)
			if e == "" || strings.ContainsAny(e, ",") {
				continue
			}
			emails = append(emails, e)
			if lo := strings.ToLower(e); lo != e {
				emails = append(emails, lo)
			}
		}
		slices.Sort(emails)
		o.Emails = slices.Compact(emails)
	}
	if len(f.Statuses) > 0 {
		// Personio's person status is ACTIVE when the latest employment is active, on leave
		// or onboarding, which is also the status the mapping reads.
		active, inactive := false, false
		for _, s := range f.Statuses {
			switch s {
			case unified.StatusActive, unified.StatusLeave, unified.StatusOnboarding:
				active = true
			case unified.StatusInactive:
				inactive = true
			default:
				active, inactive = true, true // unknown/invited: do not push down
			}
		}
		switch {
		case active && !inactive:
			o.Status = "ACTIVE"
		case inactive && !active:
			o.Status = "INACTIVE"
		}
	}
	return o
}

// v2Listing reads a v2 persons listing page by page.
type v2Listing struct {
	d      *Directory
	filter unified.Filter
	limit  int
	pos    v2Pos
	width  int // requests at once, from the first persons page (see fanOut); 0 before it
}

func (d *Directory) newV2Listing(o *unified.ListOptions) (*v2Listing, error) {
	limit, err := d.pageSize(o.PageSize, MaxPersonsLimit)
	if err != nil {
		return nil, err
	}
	l := &v2Listing{d: d, filter: o.Filter, limit: limit}
	if o.Cursor != "" {
		if err := decodeCursor(o.Cursor, &o.Filter, &l.pos); err != nil {
			return nil, err
		}
		if l.pos.Href == "" || len(l.pos.Links) > maxV2Links || len(l.pos.Prev) > maxV2PrevIDs {
			return nil, fmt.Errorf("personio: %w: the cursor's position is not consistent", unified.ErrInvalidCursor)
		}
	}
	return l, nil
}

// v2Page is a persons page as received, and how long its request took.
type v2Page struct {
	p    *PersonsPage
	took time.Duration
	err  error
}

// fetch reads the persons page at href ("" for the first).
func (l *v2Listing) fetch(ctx context.Context, href string) v2Page {
	opts := &ListPersonsOptions{Next: href, Raw: l.d.cfg.raw}
	if href == "" {
		opts = v2Options(&l.filter, l.limit, l.d.cfg.raw)
	}
	start := time.Now()
	p, err := l.d.c.ListPersons(ctx, opts)
	return v2Page{p: p, took: time.Since(start), err: err}
}

// fanOut returns how many requests the listing keeps on the network at once (see
// fanOut): set from f, its first persons page, which holds persons persons; when it is
// the only page, their employments are the requests left, else they are unknown.
func (l *v2Listing) fanOut(f v2Page, persons int, done bool) int {
	if l.width == 0 {
		left := math.MaxInt
		if done {
			left = persons
		}
		l.width = fanOut(l.d.c.Limiter(), f.took, left, l.d.cfg.concurrency)
	}
	return l.width
}

// step takes p, the persons page read at the listing's position: it drops the persons of
// the previous pages (and repeats within p), checks p's next link and moves the position
// to it. It returns the persons to list and whether the listing is complete. A next link
// that leads back to a page already read fails with an error matching
// unified.ErrCursorLoop.
func (l *v2Listing) step(p *PersonsPage) ([]Person, bool, error) {
	next := ""
	if p.Next != "" {
		u, err := l.d.c.v2.ResolveURL(p.Next)
		if err != nil {
			return nil, false, err // it names the provider and the link
		}
		next = u.RequestURI()
	}
	seen := make(map[string]struct{}, len(l.pos.Prev)+len(p.Persons))
	for _, id := range l.pos.Prev {
		seen[id] = struct{}{}
	}
	fresh := make([]Person, 0, len(p.Persons))
	ids := make([]string, 0, len(p.Persons))
	for i := range p.Persons {
		id := p.Persons[i].ID
		ids = append(ids, id)
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		fresh = append(fresh, p.Persons[i])
	}
	if next == "" {
		return fresh, true, nil
	}
	loop := next == l.pos.Href || slices.Contains(l.pos.Links, linkHash(next))
	if loop || (len(p.Persons) > 0 && len(fresh) == 0) {
		return nil, false, fmt.Errorf("personio: GET /v2/persons: the next link leads back to a page already read (a looping or backwards cursor): %w", unified.ErrCursorLoop)
	}
	if l.pos.Href != "" {
		l.pos.Links = appendBounded(l.pos.Links, maxV2Links, linkHash(l.pos.Href))
	}
	l.pos.Prev = appendBounded(l.pos.Prev, maxV2PrevIDs, ids...)
	l.pos.Href = next
	return fresh, false, nil
}

func appendBounded[T any](s []T, limit int, items ...T) []T {
	s = append(s, items...)
	if len(s) > limit {
		s = slices.Clone(s[len(s)-limit:])
	}
	return s
}

// users completes and maps persons (see completeV2), width requests at a time, and returns
// those that pass the filter.
func (l *v2Listing) users(ctx context.Context, persons []Person, width int) ([]unified.User, error) {
	s, err := l.d.ready(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := l.d.completeV2(ctx, s, persons, width)
	if err != nil {
		return nil, err
	}
	users := make([]unified.User, 0, len(ms))
	for i := range ms {
		if err := l.d.accept(&ms[i]); err != nil {
			return nil, err
		}
		if l.filter.Match(&ms[i].user) {
			users = append(users, ms[i].user)
		}
	}
	return users, nil
}

// page returns the next page as a unified.Page.
func (l *v2Listing) page(ctx context.Context) (*unified.Page, error) {
	// The mapper first: a strict Directory without its catalog lists nothing.
	if _, err := l.d.ready(ctx); err != nil {
		return nil, err
	}
	f := l.fetch(ctx, l.pos.Href)
	if f.err != nil {
		return nil, f.err
	}
	persons, done, err := l.step(f.p)
	if err != nil {
		return nil, err
	}
	users, err := l.users(ctx, persons, l.fanOut(f, len(persons), done))
	if err != nil {
		return nil, err
	}
	page := &unified.Page{Users: users, Total: -1}
	if !done {
		if page.NextCursor, err = encodeCursor(&l.filter, &l.pos); err != nil {
			// A very long next link: keep less history (the last page's ids still catch a
			// link that points back one page).
			l.pos.Prev = appendBounded(nil, MaxPersonsLimit, l.pos.Prev...)
			l.pos.Links = appendBounded(nil, 2, l.pos.Links...)
			if page.NextCursor, err = encodeCursor(&l.filter, &l.pos); err != nil {
				return nil, err
			}
		}
	}
	return page, nil
}

// streamV2 yields a v2 listing. Persons pages are a cursor chain; the employments of a
// page's persons are fetched fanOut at a time, and when that is more than one the next
// persons page is requested while the current one is completed and yielded, and nothing
// more is read ahead.
func (d *Directory) streamV2(ctx context.Context, o unified.ListOptions, yield func(unified.User, error) bool) {
	l, err := d.newV2Listing(&o)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	var ahead sync.WaitGroup
	defer ahead.Wait()
	defer cancel()
	// The token first, so that the first page's request, which sets the listing's fan-out,
	// takes one round trip.
	if _, err := d.c.v2tok.get(ctx); err != nil {
		yield(unified.User{}, err)
		return
	}
	if _, err := d.ready(ctx); err != nil {
		yield(unified.User{}, err)
		return
	}
	f := l.fetch(ctx, l.pos.Href)
	for f.err == nil {
		persons, done, err := l.step(f.p)
		if err != nil {
			f.err = err
			break
		}
		width := l.fanOut(f, len(persons), done)
		var next chan v2Page
		if !done && width > 1 {
			next = make(chan v2Page, 1)
			href := l.pos.Href
			ahead.Go(func() { next <- l.fetch(ctx, href) })
		}
		users, err := l.users(ctx, persons, width)
		if err != nil {
			f.err = err
			break
		}
		if !yieldUsers(yield, users) || done {
			return
		}
		if f.err = ctx.Err(); f.err != nil {
			break
		}
		if next == nil {
			f = l.fetch(ctx, l.pos.Href)
		} else {
			f = <-next
		}
	}
	yield(unified.User{}, f.err)
}

// buildV2 is completeV2 with WithConcurrency requests at a time.
func (d *Directory) buildV2(ctx context.Context, s *dirSetup, persons []Person) ([]mapped, error) {
	return d.completeV2(ctx, s, persons, d.cfg.concurrency)
}

// completeV2 completes persons: their latest employments (fetched width at a time), the
// names of their supervisors, departments, teams and legal entities; and maps each.
func (d *Directory) completeV2(ctx context.Context, s *dirSetup, persons []Person, width int) ([]mapped, error) {
	emps := make([]*Employment, len(persons))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(width)
	for i := range persons {
		p := &persons[i]
		if p.EmploymentIDs != nil && len(p.EmploymentIDs) == 0 {
			continue // no employment
		}
		g.Go(func() error {
			e, err := d.latestEmployment(gctx, p.ID)
			if errors.Is(err, unified.ErrNotFound) {
				return nil // removed since it was listed
			}
			emps[i] = e
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// People of this page and their supervisors, by id. Names come from the page itself,
	// from the Directory's cache, or from one batched lookup.
	people := make(map[string]unified.Ref, len(persons))
	for i := range persons {
		if r, ok := personRef(&persons[i]); ok {
			people[r.ID] = r
			d.names.put(r.ID, r)
		}
	}
	if err := d.lookupSupervisors(ctx, emps, people); err != nil {
		return nil, err
	}
	les, err := d.legalEntityNames(ctx)
	if err != nil {
		return nil, err
	}
	units, err := d.orgUnitNames(ctx, emps, width)
	if err != nil {
		return nil, err
	}

	var attrs map[string]AttributeInfo
	if s.unread != nil {
		attrs = map[string]AttributeInfo{}
		describeV2(attrs, persons)
	}
	mapper, err := s.mapperFor(attrs)
	if err != nil {
		return nil, err
	}
	out := make([]mapped, len(persons))
	for i := range persons {
		rec := &v2Record{p: &persons[i], e: emps[i], loc: d.c.loc}
		if e := emps[i]; e != nil {
			if e.SupervisorID != "" {
				rec.supervisor = people[e.SupervisorID]
				rec.supervisor.ID = e.SupervisorID
			}
			if id := e.OrgUnit("department"); id != "" {
				rec.department = unified.Ref{ID: id, Name: units[unitKey("department", id)]}
			}
			if id := e.OrgUnit("team"); id != "" {
				rec.team = unified.Ref{ID: id, Name: units[unitKey("team", id)]}
			}
			if e.OfficeID != "" {
				rec.office = unified.Ref{ID: e.OfficeID}
			}
			le := e.LegalEntityID
			if le == "" {
				le = e.SubCompanyID
			}
			if le != "" {
				rec.legalEntity = unified.Ref{ID: le, Name: les[le]}
			}
		}
		var raw json.RawMessage
		if d.cfg.raw {
			var er json.RawMessage
			if emps[i] != nil {
				er = emps[i].Raw
			}
			raw, _ = json.Marshal(struct {
				Person     json.RawMessage `json:"person"`
				Employment json.RawMessage `json:"employment"`
			}{persons[i].Raw, er})
		}
		if out[i], err = d.mapRecord(mapper, rec, raw); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxLinkPages bounds the pages one listing follows through next links or cursors (a
// person's employments, a batch of supervisors, the legal entities, the org units of one
// type, the webhooks, a webhook's events or its activity): far more than a tenant has,
// and a bound that an API whose links never end reaches soon.
const maxLinkPages = 1000

// followNext yields the items of a list page after page: page is called with start ("" for
// the first page) and then with each next link or cursor it returns, until it returns ""
// or an error, or the caller stops. The context is checked between pages. A next link on
// another origin is not followed: it fails with an error matching
// unified.ErrInvalidCursor and transport.ErrForeignOrigin. A link or cursor that comes
// again (a relative and an absolute link to one page are the same), or more than
// maxLinkPages pages, fails with an error matching unified.ErrCursorLoop. what names the
// list in the errors. An error is yielded once and ends the sequence.
func followNext[T any](ctx context.Context, c *Client, what, start string, page func(ctx context.Context, next string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		next := start
		for range maxLinkPages {
			err := ctx.Err()
			if err == nil && next != "" {
				key, kerr := c.nextKey(next)
				switch {
				case kerr != nil:
					err = fmt.Errorf("personio: %s: the next link is not on the API origin: %w: %w", what, kerr, unified.ErrInvalidCursor)
				case seen[key]:
					err = fmt.Errorf("personio: %s: a next link leads back to a page already read: %w", what, unified.ErrCursorLoop)
				}
				seen[key] = true
			}
			var items []T
			if err == nil {
				items, next, err = page(ctx, next)
			}
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
		}
		yield(zero, fmt.Errorf("personio: %s: more than %d pages: %w", what, maxLinkPages, unified.ErrCursorLoop))
	}
}

// isCursorLink tells a next link (absolute URL or path) from a bare cursor value.
func isCursorLink(cursor string) bool { return strings.ContainsAny(cursor, "/?") }

// nextKey is a next link or cursor as loop detection compares it: a link resolved against
// the base URL, so that a relative and an absolute link to one page are the same, or a
// bare cursor value after "cursor=". A link on another origin is an error.
func (c *Client) nextKey(next string) (string, error) {
	if !isCursorLink(next) {
		return "cursor=" + next, nil
	}
	u, err := c.v2.ResolveURL(next)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// latestEmployment returns the most recent employment of a person (Personio lists them
// most recent first), or nil when there is none. Empty pages with a next link are
// followed.
func (d *Directory) latestEmployment(ctx context.Context, personID string) (*Employment, error) {
	for e, err := range followNext(ctx, d.c, "GET /v2/persons/"+personID+"/employments", "", func(ctx context.Context, next string) ([]Employment, string, error) {
		p, err := d.c.ListEmployments(ctx, personID, &ListEmploymentsOptions{Limit: 1, Next: next, Raw: d.cfg.raw})
		if err != nil {
			return nil, "", err
		}
		return p.Employments, p.Next, nil
	}) {
		if err != nil {
			return nil, err
		}
		return &e, nil
	}
	return nil, nil
}

// lookupSupervisors puts the supervisors of emps into people: from people itself, from
// the Directory's cache, or by looking up the names and emails of the others, in batches
// of the largest page. Persons that do not exist get their id only.
func (d *Directory) lookupSupervisors(ctx context.Context, emps []*Employment, people map[string]unified.Ref) error {
	var unknown []string
	for _, e := range emps {
		if e == nil || e.SupervisorID == "" {
			continue
		}
		if _, ok := people[e.SupervisorID]; ok {
			continue
		}
		if r, ok := d.names.get(e.SupervisorID); ok {
			people[e.SupervisorID] = r
			continue
		}
		if !slices.Contains(unknown, e.SupervisorID) {
			unknown = append(unknown, e.SupervisorID)
		}
	}
	for batch := range slices.Chunk(unknown, MaxPersonsLimit) {
		for p, err := range followNext(ctx, d.c, "GET /v2/persons", "", func(ctx context.Context, next string) ([]Person, string, error) {
			p, err := d.c.ListPersons(ctx, &ListPersonsOptions{IDs: batch, Limit: MaxPersonsLimit, Next: next})
			if err != nil {
				return nil, "", err
			}
			return p.Persons, p.Next, nil
		}) {
			if err != nil {
				return err
			}
			if r, ok := personRef(&p); ok && slices.Contains(batch, r.ID) {
				people[r.ID] = r
			}
		}
		for _, id := range batch {
			r, ok := people[id]
			if !ok {
				r = unified.Ref{ID: id}
				people[id] = r
			}
			d.names.put(id, r)
		}
	}
	return nil
}

// personRef is the reference to a person as a supervisor: id, "First Last" and email.
func personRef(p *Person) (unified.Ref, bool) {
	if p.ID == "" {
		return unified.Ref{}, false
	}
	return unified.Ref{ID: p.ID, Name: strings.TrimSpace(p.FirstName + " " + p.LastName), Email: p.Email}, true
}

// legalEntityNames lists the legal entities once per Directory.
func (d *Directory) legalEntityNames(ctx context.Context) (map[string]string, error) {
	return d.legalEntities.get(ctx, "", func(ctx context.Context) (map[string]string, error) {
		names := map[string]string{}
		for le, err := range followNext(ctx, d.c, "GET /v2/legal-entities", "", func(ctx context.Context, next string) ([]LegalEntity, string, error) {
			p, err := d.c.ListLegalEntities(ctx, &ListLegalEntitiesOptions{Next: next})
			if err != nil {
				return nil, "", err
			}
			return p.LegalEntities, p.Next, nil
		}) {
			if errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden) {
				return map[string]string{}, nil // not available to these credentials: ids only
			} else if err != nil {
				return nil, err
			}
			names[le.ID] = le.Name
		}
		return names, nil
	})
}

var orgUnitTypes = [2]string{"department", "team"}

func unitKey(typ, id string) string { return typ + "/" + id }

// orgUnitNames returns the names of the departments and teams of emps by unitKey: from
// the org-unit list of each type (read once per Directory) where the tenant has it, else
// from one GET /v2/org-units/{id} per unit (each once per Directory, width at a time). A
// unit the credentials cannot read has no name.
func (d *Directory) orgUnitNames(ctx context.Context, emps []*Employment, width int) (map[string]string, error) {
	names := map[string]string{}
	type unit struct{ typ, id string }
	var missing []unit
	for _, typ := range orgUnitTypes {
		var list map[string]string
		for _, e := range emps {
			id := ""
			if e != nil {
				id = e.OrgUnit(typ)
			}
			if _, seen := names[unitKey(typ, id)]; id == "" || seen {
				continue
			}
			if list == nil {
				var err error
				list, err = d.orgLists.get(ctx, typ, func(ctx context.Context) (map[string]string, error) { return d.listOrgUnits(ctx, typ) })
				if err != nil {
					return nil, err
				}
			}
			name, ok := list[id]
			if !ok {
				missing = append(missing, unit{typ, id})
			}
			names[unitKey(typ, id)] = name
		}
	}
	found := make([]string, len(missing))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(width)
	for i, u := range missing {
		g.Go(func() error {
			var err error
			found[i], err = d.units.get(gctx, unitKey(u.typ, u.id), func(ctx context.Context) (string, error) {
				ou, err := d.c.GetOrgUnit(ctx, u.id, u.typ)
				switch {
				case errors.Is(err, unified.ErrNotFound), errors.Is(err, unified.ErrForbidden):
					return "", nil
				case err != nil:
					return "", err
				}
				return ou.Name, nil
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, u := range missing {
		names[unitKey(u.typ, u.id)] = found[i]
	}
	return names, nil
}

// listOrgUnits reads every org unit of a type. A tenant without the list endpoint (404)
// gives an empty map: units are then fetched one by one.
func (d *Directory) listOrgUnits(ctx context.Context, typ string) (map[string]string, error) {
	names := map[string]string{}
	for u, err := range followNext(ctx, d.c, "GET /v2/org-units", "", func(ctx context.Context, next string) ([]OrgUnit, string, error) {
		p, err := d.c.ListOrgUnits(ctx, &ListOrgUnitsOptions{Type: typ, Next: next})
		if err != nil {
			return nil, "", err
		}
		return p.OrgUnits, p.Next, nil
	}) {
		if errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden) {
			return map[string]string{}, nil
		} else if err != nil {
			return nil, err
		}
		names[u.ID] = u.Name
	}
	return names, nil
}

// nameCache holds the names and emails of the people a Directory has seen, for the
// supervisors of later pages. It is bounded: when full it starts afresh.
type nameCache struct {
	mu     sync.Mutex
	max    int
	people map[string]unified.Ref
}

func newNameCache(max int) *nameCache {
	return &nameCache{max: max, people: map[string]unified.Ref{}}
}

func (c *nameCache) put(id string, r unified.Ref) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.people) >= c.max {
		clear(c.people)
	}
	c.people[id] = r
}

func (c *nameCache) get(id string) (unified.Ref, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.people[id]
	return r, ok
}

var _ mapping.Record = (*v2Record)(nil)
