package personio

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

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

// v2Fetched is one page of persons as received, with employments, and mapped.
type v2Fetched struct {
	href  string // the link it was read from; "" for the first page
	ids   []string
	users []mapped
	next  string
}

// fetch reads the page at href ("" for the first) with its employments, and maps it.
func (l *v2Listing) fetch(ctx context.Context, href string) (*v2Fetched, error) {
	p, err := l.fetchPersons(ctx, href, nil)
	if err != nil {
		return nil, err
	}
	next, err := l.nextHref(p)
	if err != nil {
		return nil, err
	}
	return l.build(ctx, href, p, next, nil)
}

// fetchPersons reads the persons page at href, holding one of slots (nil: no bound).
func (l *v2Listing) fetchPersons(ctx context.Context, href string, slots requestSlots) (*PersonsPage, error) {
	opts := &ListPersonsOptions{Next: href, Raw: l.d.cfg.raw}
	if href == "" {
		opts = v2Options(&l.filter, l.limit, l.d.cfg.raw)
	}
	if err := slots.acquire(ctx); err != nil {
		return nil, err
	}
	defer slots.release()
	return l.d.c.ListPersons(ctx, opts)
}

// nextHref returns the link of the page after p, as a request URI; "" after the last.
func (l *v2Listing) nextHref(p *PersonsPage) (string, error) {
	if p.Next == "" {
		return "", nil
	}
	u, err := l.d.c.v2.ResolveURL(p.Next)
	if err != nil {
		return "", fmt.Errorf("personio: GET /v2/persons: next link: %w", err)
	}
	return u.RequestURI(), nil
}

// build completes and maps the persons of p, read from href, whose next page is at next.
func (l *v2Listing) build(ctx context.Context, href string, p *PersonsPage, next string, slots requestSlots) (*v2Fetched, error) {
	s, err := l.d.ready(ctx)
	if err != nil {
		return nil, err
	}
	users, err := l.d.buildV2(ctx, s, p.Persons, slots)
	if err != nil {
		return nil, err
	}
	f := &v2Fetched{href: href, ids: make([]string, len(p.Persons)), users: users, next: next}
	for i := range p.Persons {
		f.ids[i] = p.Persons[i].ID
	}
	return f, nil
}

// next consumes the next page (pre when it was fetched ahead from the right link).
func (l *v2Listing) next(ctx context.Context, pre *v2Fetched) ([]unified.User, bool, error) {
	f := pre
	if f == nil || f.href != l.pos.Href {
		var err error
		if f, err = l.fetch(ctx, l.pos.Href); err != nil {
			return nil, false, err
		}
	}
	seen := make(map[string]struct{}, len(l.pos.Prev)+len(f.ids))
	for _, id := range l.pos.Prev {
		seen[id] = struct{}{}
	}
	users := make([]unified.User, 0, len(f.ids))
	fresh := 0
	for i, id := range f.ids {
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		fresh++
		m := &f.users[i]
		if err := l.d.accept(m); err != nil {
			return nil, false, err
		}
		if l.filter.Match(&m.user) {
			users = append(users, m.user)
		}
	}
	if f.next == "" {
		return users, true, nil
	}
	loop := f.next == f.href || slices.Contains(l.pos.Links, linkHash(f.next))
	if loop || (len(f.ids) > 0 && fresh == 0) {
		return nil, false, fmt.Errorf("personio: GET /v2/persons: the next link leads back to a page already read (a looping or backwards cursor): %w", unified.ErrCursorLoop)
	}
	if f.href != "" {
		l.pos.Links = appendBounded(l.pos.Links, maxV2Links, linkHash(f.href))
	}
	l.pos.Prev = appendBounded(l.pos.Prev, maxV2PrevIDs, f.ids...)
	l.pos.Href = f.next
	return users, false, nil
}

func appendBounded[T any](s []T, limit int, items ...T) []T {
	s = append(s, items...)
	if len(s) > limit {
		s = slices.Clone(s[len(s)-limit:])
	}
	return s
}

func (l *v2Listing) page(ctx context.Context, pre *v2Fetched) (*unified.Page, error) {
	users, done, err := l.next(ctx, pre)
	if err != nil {
		return nil, err
	}
	p := &unified.Page{Users: users, Total: -1}
	if !done {
		if p.NextCursor, err = encodeCursor(&l.filter, &l.pos); err != nil {
			// A very long next link: keep less history (the last page's ids still catch a
			// link that points back one page).
			l.pos.Prev = appendBounded(nil, MaxPersonsLimit, l.pos.Prev...)
			l.pos.Links = appendBounded(nil, 2, l.pos.Links...)
			if p.NextCursor, err = encodeCursor(&l.filter, &l.pos); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// v2Future is a page being read ahead.
type v2Future struct {
	href string
	done chan struct{}
	res  *v2Fetched
	err  error
}

// streamV2 yields a v2 listing. Persons pages are a cursor chain, but each page also
// needs one employments request per person, so the listing runs as a pipeline: one
// goroutine follows the chain of persons pages, one page ahead of the consumer and
// handing each page on as soon as it has arrived, while the employments of up to three
// pages are fetched, all inside the same bound of WithConcurrency requests at once. The
// consumer receives the pages in order and checks each link as ListUsers does.
func (d *Directory) streamV2(ctx context.Context, o unified.ListOptions, yield func(unified.User, error) bool) {
	l, err := d.newV2Listing(&o)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	pctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	futures := make(chan *v2Future, 1)
	slots := make(requestSlots, max(1, d.cfg.concurrency))
	wg.Go(func() {
		defer close(futures)
		l.chain(pctx, &wg, l.pos.Href, slots, futures)
	})

	for {
		f, ok := <-futures
		if !ok || f.href != l.pos.Href {
			break // the chain ended early (ctx) or went elsewhere: read on page by page
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			yield(unified.User{}, ctx.Err())
			return
		}
		if f.err != nil {
			yield(unified.User{}, f.err)
			return
		}
		users, done, err := l.next(ctx, f.res)
		if err != nil {
			yield(unified.User{}, err)
			return
		}
		if !yieldUsers(yield, users) || done {
			return
		}
	}
	cancel()
	for range futures { // wait for the chain to end
	}
	readOn(ctx, func(ctx context.Context) ([]unified.User, bool, error) { return l.next(ctx, nil) }, yield)
}

// chain follows the persons pages from href on and sends each to out as a future whose
// employments are fetched on a goroutine of wg, until the last page, an error (sent as a
// failed future) or the end of ctx.
func (l *v2Listing) chain(ctx context.Context, wg *sync.WaitGroup, href string, slots requestSlots, out chan<- *v2Future) {
	for {
		f := &v2Future{href: href, done: make(chan struct{})}
		p, err := l.fetchPersons(ctx, href, slots)
		var next string
		if err == nil {
			next, err = l.nextHref(p)
		}
		if err != nil {
			f.err = err
			close(f.done)
		} else {
			from := href
			wg.Go(func() {
				defer close(f.done)
				f.res, f.err = l.build(ctx, from, p, next, slots)
			})
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return
		}
		if err != nil || next == "" {
			return
		}
		href = next
	}
}

// buildV2 completes a page of persons: their latest employments (fetched concurrently),
// the names of supervisors, departments, teams and legal entities; and maps each.
func (d *Directory) buildV2(ctx context.Context, s *dirSetup, persons []Person, slots requestSlots) ([]mapped, error) {
	emps := make([]*Employment, len(persons))
	err := forEach(ctx, len(persons), d.cfg.concurrency, func(ctx context.Context, i int) error {
		p := &persons[i]
		if p.EmploymentIDs != nil && len(p.EmploymentIDs) == 0 {
			return nil // no employment
		}
		if err := slots.acquire(ctx); err != nil {
			return err
		}
		e, err := d.latestEmployment(ctx, p.ID)
		slots.release()
		switch {
		case errors.Is(err, unified.ErrNotFound):
			return nil // removed since it was listed
		case err != nil:
			return fmt.Errorf("personio: employments of person %s: %w", p.ID, err)
		}
		emps[i] = e
		return nil
	})
	if err != nil {
		return nil, err
	}

	// People of this page and their supervisors, by id. Names come from the page itself,
	// from the Directory's cache, or from one batched lookup.
	people := make(map[string]unified.Ref, len(persons))
	for i := range persons {
		if r, ok := personRef(&persons[i]); ok {
			people[r.ID] = r
			d.names.putRef(r.ID, r)
		}
	}
	// Pages built at the same time resolve names one after the other, so that each name
	// is looked up once and found in the cache by the others.
	d.resolveMu.Lock()
	les, err := d.resolveNames(ctx, emps, people)
	d.resolveMu.Unlock()
	if err != nil {
		return nil, err
	}

	out := make([]mapped, len(persons))
	for i := range persons {
		yieldSometimes(i)
		rec := &v2Record{p: &persons[i], e: emps[i], loc: d.c.loc}
		if e := emps[i]; e != nil {
			if e.SupervisorID != "" {
				rec.supervisor = people[e.SupervisorID]
				rec.supervisor.ID = e.SupervisorID
			}
			if id := e.OrgUnit("department"); id != "" {
				rec.department = unified.Ref{ID: id, Name: d.names.unit("department", id)}
			}
			if id := e.OrgUnit("team"); id != "" {
				rec.team = unified.Ref{ID: id, Name: d.names.unit("team", id)}
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
		if out[i], err = d.mapRecord(s, rec, raw); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resolveNames completes people with the supervisors of emps, resolves their org units
// and returns the names of the legal entities.
func (d *Directory) resolveNames(ctx context.Context, emps []*Employment, people map[string]unified.Ref) (map[string]string, error) {
	var unknown []string
	for _, e := range emps {
		if e == nil || e.SupervisorID == "" {
			continue
		}
		if _, ok := people[e.SupervisorID]; ok {
			continue
		}
		if r, ok := d.names.person(e.SupervisorID); ok {
			people[e.SupervisorID] = r
			continue
		}
		if !slices.Contains(unknown, e.SupervisorID) {
			unknown = append(unknown, e.SupervisorID)
		}
	}
	if err := d.lookupPeople(ctx, unknown, people); err != nil {
		return nil, err
	}
	les, err := d.legalEntityNames(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.resolveOrgUnits(ctx, emps); err != nil {
		return nil, err
	}
	return les, nil
}

// maxLinkHops bounds the pages followed for one lookup (an employment, a batch of
// people): a bound that a well-behaved API never reaches and a looping one hits soon.
const maxLinkHops = 20

// latestEmployment returns the most recent employment of a person (Personio lists them
// most recent first), or nil when there is none. An empty page with a next link is
// followed.
func (d *Directory) latestEmployment(ctx context.Context, personID string) (*Employment, error) {
	opts := &ListEmploymentsOptions{Limit: 1, Raw: d.cfg.raw}
	for range maxLinkHops {
		p, err := d.c.ListEmployments(ctx, personID, opts)
		if err != nil {
			return nil, err
		}
		if len(p.Employments) > 0 {
			return &p.Employments[0], nil
		}
		if p.Next == "" {
			return nil, nil
		}
		if p.Next == opts.Next {
			return nil, fmt.Errorf("personio: the next link of the employments repeats itself: %w", unified.ErrCursorLoop)
		}
		opts = &ListEmploymentsOptions{Next: p.Next, Raw: d.cfg.raw}
	}
	return nil, fmt.Errorf("personio: the employments list has more than %d empty pages: %w", maxLinkHops, unified.ErrCursorLoop)
}

// lookupPeople fetches the names and emails of the given persons, in batches of the
// largest page, into into and the name cache. Persons that do not exist get their id only.
func (d *Directory) lookupPeople(ctx context.Context, ids []string, into map[string]unified.Ref) error {
	for start := 0; start < len(ids); start += MaxPersonsLimit {
		batch := ids[start:min(len(ids), start+MaxPersonsLimit)]
		opts := &ListPersonsOptions{IDs: batch, Limit: MaxPersonsLimit}
		for hop := 0; ; hop++ {
			if hop == maxLinkHops {
				return fmt.Errorf("personio: looking up supervisors: more than %d pages for %d people: %w", maxLinkHops, len(batch), unified.ErrCursorLoop)
			}
			p, err := d.c.ListPersons(ctx, opts)
			if err != nil {
				return fmt.Errorf("personio: looking up supervisors: %w", err)
			}
			for i := range p.Persons {
				if r, ok := personRef(&p.Persons[i]); ok && slices.Contains(batch, r.ID) {
					into[r.ID] = r
				}
			}
			if p.Next == "" || p.Next == opts.Next {
				break
			}
			opts = &ListPersonsOptions{Next: p.Next}
		}
		for _, id := range batch {
			r, ok := into[id]
			if !ok {
				r = unified.Ref{ID: id}
				into[id] = r
			}
			d.names.putRef(id, r)
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
	return d.legalEntities.get(ctx, func(ctx context.Context) (map[string]string, error) {
		names := map[string]string{}
		opts := &ListLegalEntitiesOptions{}
		for range 1000 {
			p, err := d.c.ListLegalEntities(ctx, opts)
			if errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden) {
				return names, nil // not available to these credentials: ids only
			}
			if err != nil {
				return nil, fmt.Errorf("personio: listing legal entities: %w", err)
			}
			for _, le := range p.LegalEntities {
				names[le.ID] = le.Name
			}
			if p.Next == "" || p.Next == opts.Next {
				break
			}
			opts = &ListLegalEntitiesOptions{Next: p.Next}
		}
		return names, nil
	})
}

var orgUnitTypes = [2]string{"department", "team"}

// resolveOrgUnits puts the names of the departments and teams of emps into the name
// cache: from the org-unit list (read once per Directory) where the tenant has it, else one
// GET /v2/org-units/{id} per unknown unit.
func (d *Directory) resolveOrgUnits(ctx context.Context, emps []*Employment) error {
	type unit struct{ typ, id string }
	var missing []unit
	for ti, typ := range orgUnitTypes {
		var ids []string
		for _, e := range emps {
			if e == nil {
				continue
			}
			if id := e.OrgUnit(typ); id != "" && !d.names.hasUnit(typ, id) && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		list, err := d.orgLists[ti].get(ctx, func(ctx context.Context) (map[string]string, error) {
			return d.listOrgUnits(ctx, typ)
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if name, ok := list[id]; ok {
				d.names.putUnit(typ, id, name)
			} else {
				missing = append(missing, unit{typ, id})
			}
		}
	}
	return forEach(ctx, len(missing), d.cfg.concurrency, func(ctx context.Context, i int) error {
		u := missing[i]
		ou, err := d.c.GetOrgUnit(ctx, u.id, u.typ)
		switch {
		case errors.Is(err, unified.ErrNotFound), errors.Is(err, unified.ErrForbidden):
			d.names.putUnit(u.typ, u.id, "")
			return nil
		case err != nil:
			return fmt.Errorf("personio: looking up %s %s: %w", u.typ, u.id, err)
		}
		d.names.putUnit(u.typ, u.id, ou.Name)
		return nil
	})
}

// listOrgUnits reads every org unit of a type. A tenant without the list endpoint (404)
// gives an empty map: units are then fetched one by one.
func (d *Directory) listOrgUnits(ctx context.Context, typ string) (map[string]string, error) {
	names := map[string]string{}
	opts := &ListOrgUnitsOptions{Type: typ}
	for range 10000 {
		p, err := d.c.ListOrgUnits(ctx, opts)
		if errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden) {
			return map[string]string{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("personio: listing %ss: %w", typ, err)
		}
		for _, u := range p.OrgUnits {
			names[u.ID] = u.Name
		}
		if p.Next == "" || p.Next == opts.Next {
			break
		}
		opts = &ListOrgUnitsOptions{Type: typ, Next: p.Next}
	}
	return names, nil
}

// nameCache holds names of people and org units a Directory has seen. The people part
// is bounded: when full it starts afresh.
type nameCache struct {
	mu     sync.Mutex
	max    int
	people map[string]unified.Ref
	units  map[string]string
}

func newNameCache(max int) *nameCache {
	return &nameCache{max: max, people: map[string]unified.Ref{}, units: map[string]string{}}
}

func (c *nameCache) putRef(id string, r unified.Ref) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.people) >= c.max {
		clear(c.people)
	}
	c.people[id] = r
}

func (c *nameCache) person(id string) (unified.Ref, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.people[id]
	return r, ok
}

func (c *nameCache) putUnit(typ, id, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.units[typ+"\x00"+id] = name
}

func (c *nameCache) hasUnit(typ, id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.units[typ+"\x00"+id]
	return ok
}

func (c *nameCache) unit(typ, id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.units[typ+"\x00"+id]
}

var _ mapping.Record = (*v2Record)(nil)
