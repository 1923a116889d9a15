package personio

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/unified"
)

// v1Plan is how a filter is pushed down to GET /v1/company/employees.
type v1Plan struct {
	email   string    // the email parameter, for a filter on exactly one email
	since   time.Time // the updated_since parameter
	unpaged bool      // updated_since: Personio ignores limit and offset
}

func planV1(f *unified.Filter) v1Plan {
	if e := singleEmail(f); e != "" {
		return v1Plan{email: e}
	}
	if !f.UpdatedSince.IsZero() {
		// One second early: the parameter has whole seconds, and Filter.Match checks the
		// exact instant afterwards.
		return v1Plan{since: f.UpdatedSince.Add(-time.Second), unpaged: true}
	}
	return v1Plan{}
}

// v1Listing reads a v1 employee listing page by page.
type v1Listing struct {
	d      *Directory
	filter unified.Filter
	plan   v1Plan
	limit  int
	st     v1State

	lastStep int  // how far the latest page moved the offset
	healed   bool // a page was read again after the total dropped

	codecOnce sync.Once
	codec     *recordCodec // for the attributes the mapper reads
}

func (d *Directory) newV1Listing(o *unified.ListOptions) (*v1Listing, error) {
	limit, err := d.pageSize(o.PageSize, MaxEmployeesLimit)
	if err != nil {
		return nil, err
	}
	l := &v1Listing{d: d, filter: o.Filter, plan: planV1(&o.Filter), limit: limit, st: newV1State()}
	if o.Cursor != "" {
		var st v1State
		if err := decodeCursor(o.Cursor, &o.Filter, &st); err != nil {
			return nil, err
		}
		if !st.Started || st.Off < 0 || st.Seen < 0 || len(st.Prev) > maxPrevIDs || st.Last < -1 || st.First < -1 {
			return nil, fmt.Errorf("personio: %w: the cursor's position is not consistent", unified.ErrInvalidCursor)
		}
		l.st = st
	}
	return l, nil
}

// v1Page is one page of employees as received, mapped as soon as it is decoded: a page
// read ahead holds its users, not its records.
type v1Page struct {
	off   int // the offset it was read at
	total int // metadata.total_elements, -1 when absent
	ids   []int
	users []mapped      // users[i] is the record with id ids[i]
	took  time.Duration // how long its request took, decoding included
}

// mapPage sets f's ids and users from recs, the records of the page, with their JSON when
// the Directory keeps it (WithRaw), and, without the tenant's catalog, the description of
// their attributes (see dirSetup.mapperFor).
func (l *v1Listing) mapPage(s *dirSetup, f *v1Page, recs []*v1Record, raws []json.RawMessage, attrs map[string]AttributeInfo) error {
	mapper, err := s.mapperFor(attrs)
	if err != nil {
		return err
	}
	f.ids, f.users = make([]int, len(recs)), make([]mapped, len(recs))
	for i, r := range recs {
		var raw json.RawMessage
		if raws != nil {
			raw = raws[i]
		}
		f.ids[i] = r.id
		if f.users[i], err = l.d.mapRecord(mapper, r, raw); err != nil {
			return err
		}
	}
	return nil
}

// fetch reads the page at offset off.
func (l *v1Listing) fetch(ctx context.Context, off int) (*v1Page, error) {
	s, err := l.d.ready(ctx)
	if err != nil {
		return nil, err
	}
	opts := &ListEmployeesOptions{
		Limit:        l.limit,
		Offset:       off,
		Email:        l.plan.email,
		UpdatedSince: l.plan.since,
		Raw:          l.d.cfg.raw,
	}
	if l.plan.since.IsZero() {
		// With updated_since Personio reads attributes[] as "changed in one of these",
		// which would hide people changed elsewhere; so the projection is only used
		// without it.
		opts.Attributes = s.attrs
	}
	start := time.Now()
	if s.unread != nil {
		return l.fetchWhole(ctx, s, opts, start)
	}
	l.codecOnce.Do(func() { l.codec = newRecordCodec(append(s.mapper.SourceKeys(), "id"), s.aliases) })
	recs := l.codec.slice(l.limit)
	p, raws, err := getEmployees(ctx, l.d.c, opts, recs.Interface())
	if err != nil {
		return nil, err
	}
	f := &v1Page{off: off, total: p.Total, took: time.Since(start)}
	list := make([]*v1Record, recs.Elem().Len())
	for i := range list {
		if list[i], err = l.codec.record(recs.Elem().Index(i), l.d.c.loc); err != nil {
			return nil, fmt.Errorf("personio: GET /v1/company/employees: record %d: %w", i, err)
		}
	}
	return f, l.mapPage(s, f, list, raws, nil)
}

// fetchWhole reads the page asked for by opts, started at start, as employees with every
// attribute and its description, for a Directory without the tenant's catalog.
func (l *v1Listing) fetchWhole(ctx context.Context, s *dirSetup, opts *ListEmployeesOptions, start time.Time) (*v1Page, error) {
	var records []employeeJSON
	p, raws, err := getEmployees(ctx, l.d.c, opts, &records)
	if err != nil {
		return nil, err
	}
	f := &v1Page{off: opts.Offset, total: p.Total, took: time.Since(start)}
	list, attrs := make([]*v1Record, len(records)), map[string]AttributeInfo{}
	for i := range records {
		e, err := newEmployee(&records[i], nil)
		if err != nil {
			return nil, fmt.Errorf("personio: GET /v1/company/employees: record %d: %w", i, err)
		}
		list[i] = employeeRecord(&e, l.d.c.loc)
		describeV1(attrs, e.Attributes)
	}
	return f, l.mapPage(s, f, list, raws, attrs)
}

// next consumes the next page: pre when it was read ahead at the right offset, else a
// page it reads itself. It returns the users to yield (new, mapped, filtered) and whether
// the listing is complete.
func (l *v1Listing) next(ctx context.Context, pre *v1Page) ([]unified.User, bool, error) {
	heals := 0
	for {
		p := pre
		pre = nil
		if p == nil || p.off != l.st.Off {
			var err error
			if p, err = l.fetch(ctx, l.st.Off); err != nil {
				return nil, false, err
			}
		}
		off := l.st.Off
		step, err := l.st.apply(p.total, p.ids, l.limit, l.plan.unpaged)
		if err != nil {
			return nil, false, err
		}
		if step.refetch {
			l.healed = true
			if heals++; heals > maxHeals {
				return nil, false, fmt.Errorf("personio: the employee list kept shrinking while it was being read (%d times in a row); start the listing again: %w",
					heals, unified.ErrInconsistentListing)
			}
			continue
		}
		l.lastStep = l.st.Off - off
		users := make([]unified.User, 0, step.used)
		for i := 0; i < step.used; i++ {
			if !step.keep[i] {
				continue
			}
			m := &p.users[i]
			if err := l.d.accept(m); err != nil {
				return nil, false, err
			}
			if l.filter.Match(&m.user) {
				users = append(users, m.user)
			}
		}
		return users, step.done, nil
	}
}

// page returns the next page as a unified.Page.
func (l *v1Listing) page(ctx context.Context) (*unified.Page, error) {
	users, done, err := l.next(ctx, nil)
	if err != nil {
		return nil, err
	}
	p := &unified.Page{Users: users, Total: l.st.Last}
	if !done {
		if p.NextCursor, err = encodeCursor(&l.filter, &l.st); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// streamV1 yields a v1 listing. The first page is read alone: it tells the total, and how
// long a request takes. Then, unless the token rotates with every response (legacy v1),
// the other pages are read fanOut at a time when that is more than one (see parallel); if
// the listing changes under the read, the rest is read page by page with the healing rules
// of v1State.
func (d *Directory) streamV1(ctx context.Context, o unified.ListOptions, yield func(unified.User, error) bool) {
	l, err := d.newV1Listing(&o)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	first, err := l.fetch(ctx, l.st.Off)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	users, done, err := l.next(ctx, first)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	if !yieldUsers(yield, users) || done {
		return
	}
	left := 0
	if l.lastStep > 0 {
		left = (l.st.Last - l.st.Off + l.lastStep - 1) / l.lastStep // pages
	}
	width := fanOut(d.c.Limiter(), first.took, left, d.cfg.concurrency)
	if width > 1 && !l.plan.unpaged && l.st.Last >= 0 && !l.healed && l.lastStep > 0 && !d.c.v1tok.rotating() {
		done, stopped, err := l.parallel(ctx, width, yield)
		if err != nil {
			yield(unified.User{}, err)
			return
		}
		if done || stopped {
			return
		}
	}
	readOn(ctx, func(ctx context.Context) ([]unified.User, bool, error) { return l.next(ctx, nil) }, yield)
}

// fanOut returns how many requests a listing that still needs left requests keeps on the
// network at once, at least one and at most conc (WithConcurrency): conc when the limit is
// lifted or when the limiter holds a token for each request left, so that a listing within
// the burst takes ⌈left/conc⌉ round trips instead of left; otherwise as many as the limiter
// lets start within the time one request takes, ⌈R·took⌉. When R·took is below one, one
// request at a time already goes as fast as the limiter lets it: a listing of N requests
// beyond the burst B takes about (N−B)/R + took either way, and more requests at once would
// only spend the API's burst sooner, and meet 429s where another client of the same
// credentials has spent it (after a 429 the limiter holds at most one token).
func fanOut(lim *rate.Limiter, took time.Duration, left, conc int) int {
	r := lim.Limit()
	if r == rate.Inf || float64(left) <= lim.Tokens() {
		return conc
	}
	return min(conc, max(1, int(math.Ceil(float64(r)*took.Seconds()))))
}

// v1Future is a page being read ahead.
type v1Future struct {
	off  int
	done chan struct{} // closed when page or err is set
	page *v1Page
	err  error
}

// parallel yields the pages after the first, planned from the total and the step of the
// first page: at most conc requests at once, at most conc pages read ahead of the
// consumer, yielded in offset order. It returns done=false without error when the listing
// changed under the read and the rest must be read page by page, and stopped=true when
// yield asked to stop. Every goroutine it starts has ended, and every request it made is
// finished or cancelled, when it returns.
func (l *v1Listing) parallel(ctx context.Context, conc int, yield func(unified.User, error) bool) (done, stopped bool, err error) {
	step, total := l.lastStep, l.st.Last
	ctx, cancel := context.WithCancel(ctx)
	var fetches errgroup.Group
	fetches.SetLimit(conc)
	var planner sync.WaitGroup
	defer func() {
		cancel()
		planner.Wait()
		_ = fetches.Wait() // the fetches return no error: it is in their future
	}()
	futures := make(chan *v1Future, conc)
	planner.Go(func() {
		defer close(futures)
		for off := l.st.Off; off < total; off += step {
			f := &v1Future{off: off, done: make(chan struct{})}
			select {
			case futures <- f:
			case <-ctx.Done():
				return
			}
			fetches.Go(func() error {
				defer close(f.done)
				f.page, f.err = l.fetch(ctx, f.off)
				return nil
			})
		}
	})
	for f := range futures {
		select {
		case <-f.done:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			return false, false, err
		}
		if f.err != nil {
			return false, false, f.err
		}
		if f.off != l.st.Off {
			return false, false, nil // the previous page moved the offset elsewhere
		}
		users, done, err := l.next(ctx, f.page)
		if err != nil {
			return false, false, err
		}
		if !yieldUsers(yield, users) {
			return false, true, nil
		}
		if done {
			return true, false, nil
		}
		if l.healed || l.st.Last != total || l.lastStep != step {
			return false, false, nil // the listing changed under the read
		}
	}
	return false, false, nil // every planned page read, but not done: read on page by page
}

// yieldUsers yields users one after the other and reports whether the consumer wants
// more.
func yieldUsers(yield func(unified.User, error) bool, users []unified.User) bool {
	for i := range users {
		if !yield(users[i], nil) {
			return false
		}
	}
	return true
}

// readOn yields the rest of a listing page after page, reading each with next, until
// the last page, an error (yielded), the end of ctx (its error yielded) or the consumer
// stopping.
func readOn(ctx context.Context, next func(context.Context) ([]unified.User, bool, error), yield func(unified.User, error) bool) {
	for {
		if err := ctx.Err(); err != nil {
			yield(unified.User{}, err)
			return
		}
		users, done, err := next(ctx)
		if err != nil {
			yield(unified.User{}, err)
			return
		}
		if !yieldUsers(yield, users) || done {
			return
		}
	}
}
