package personio

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

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

// v1Fetched is one page as received and mapped.
type v1Fetched struct {
	off   int
	total int
	ids   []int
	users []mapped
}

// fetch reads and maps the page at offset off, its request and its decoding bounded by g.
func (l *v1Listing) fetch(ctx context.Context, off int, g gates) (*v1Fetched, error) {
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
	f := &v1Fetched{off: off, ids: make([]int, 0, l.limit), users: make([]mapped, 0, l.limit)}
	p, err := l.d.c.scanEmployees(ctx, opts, g, true, l.collect(s, f))
	if err != nil {
		return nil, err
	}
	f.total = p.Total
	return f, nil
}

// collect returns the function that maps each employee of a page into f, as
// scanEmployees hands them over (it keeps neither the employee nor its attributes).
func (l *v1Listing) collect(s *dirSetup, f *v1Fetched) func(i int, e *Employee) error {
	return func(i int, e *Employee) error {
		m, err := l.d.mapRecord(s, EmployeeRecord(e, l.d.c.loc), e.Raw)
		if err != nil {
			return err
		}
		f.ids = append(f.ids[:i], e.ID)
		f.users = append(f.users[:i], m)
		return nil
	}
}

// next consumes the next page: pre when it was fetched ahead at the right offset, else a
// page it reads itself. It returns the users to yield (new, filtered) and whether the
// listing is complete.
func (l *v1Listing) next(ctx context.Context, pre *v1Fetched) ([]unified.User, bool, error) {
	heals := 0
	for {
		f := pre
		pre = nil
		if f == nil || f.off != l.st.Off {
			var err error
			if f, err = l.fetch(ctx, l.st.Off, gates{}); err != nil {
				return nil, false, err
			}
		}
		off := l.st.Off
		step, err := l.st.apply(f.total, f.ids, l.limit, l.plan.unpaged)
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
			m := &f.users[i]
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
func (l *v1Listing) page(ctx context.Context, pre *v1Fetched) (*unified.Page, error) {
	users, done, err := l.next(ctx, pre)
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

// v1Future is a page fetched ahead.
type v1Future struct {
	off  int
	done chan struct{}
	res  *v1Fetched
	err  error
}

// streamV1 yields a v1 listing, fetching pages in parallel once the total is known.
func (d *Directory) streamV1(ctx context.Context, o unified.ListOptions, yield func(unified.User, error) bool) {
	l, err := d.newV1Listing(&o)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	emit := func(users []unified.User) bool { return yieldUsers(yield, users) }

	var par *v1Parallel
	if d.cfg.concurrency > 1 && !l.plan.unpaged {
		par = newV1Parallel(ctx, l, d.cfg.concurrency)
		defer par.stop()
	}
	var first *v1Fetched
	if par != nil {
		if first, err = par.first(ctx); err != nil {
			yield(unified.User{}, err)
			return
		}
	}
	users, done, err := l.next(ctx, first)
	if err != nil {
		yield(unified.User{}, err)
		return
	}
	if !emit(users) || done {
		return
	}
	if par != nil && l.st.Last >= 0 && !l.healed && !d.c.v1tok.rotating() && l.lastStep > 0 {
		// A total to plan with, and a token that does not change with every response:
		// the other pages in parallel. Else one page after the other.
		var stopped bool
		if done, stopped, err = par.run(ctx, emit); err != nil {
			yield(unified.User{}, err)
			return
		}
		if stopped {
			return
		}
	}
	if !done {
		readOn(ctx, func(ctx context.Context) ([]unified.User, bool, error) { return l.next(ctx, nil) }, yield)
	}
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

// v1Parallel fetches the pages of a listing after the first in parallel and yields them
// in offset order. At most conc requests are on the network at once, and at most 2·conc
// pages are fetched ahead: a page is decoded and mapped by the goroutine that fetched it,
// after it has given its request slot to the next page, so that the network is never
// idle while pages are parsed. Pages are decoded on at most GOMAXPROCS−1 goroutines at
// once (at least one), which leaves a CPU for the goroutines that send requests and read
// responses: a response that waits for a CPU holds its request slot longer. Once the last
// body is in, the pages still to decode may use every CPU.
//
// The pages after the first are requested as soon as the first page's body has arrived
// and tells the total, so that parsing and mapping the first page overlaps their round
// trips. Call stop when done: every goroutine it started has ended when stop returns.
type v1Parallel struct {
	l     *v1Listing
	g     gates
	ahead int

	fctx   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	queue []*v1Future
	// The plan: the pages at next, next+step, ... below total are requested; step is 0
	// until there is a plan.
	next, step, total int

	// The decode slot kept for the network (reserved), and when it is given back: once
	// every page is planned (planned) and no planned page's body is still to come
	// (pending).
	reserved       bool
	pending        atomic.Int64
	planned, given atomic.Bool
}

func newV1Parallel(ctx context.Context, l *v1Listing, conc int) *v1Parallel {
	p := &v1Parallel{l: l, ahead: 2 * conc}
	p.reset(ctx, conc)
	return p
}

// reset starts afresh: no plan, no page in flight, new bounds.
func (p *v1Parallel) reset(ctx context.Context, conc int) {
	p.fctx, p.cancel = context.WithCancel(ctx)
	p.queue, p.step = nil, 0
	// Decoding may use every processor but one while responses are still to come; the
	// slot kept for them is one taken in advance, given back once the last body is in.
	procs := runtime.GOMAXPROCS(0)
	p.g = gates{net: make(requestSlots, conc), decode: make(requestSlots, procs)}
	p.reserved = procs > 1
	if p.reserved {
		p.g.decode <- struct{}{}
	}
	p.pending.Store(0)
	p.planned.Store(false)
	p.given.Store(false)
}

// arrived notes that the body of a planned page has arrived (once per page). When every
// page is planned and in, nothing is left on the network, and decoding gets the slot
// kept for it.
func (p *v1Parallel) arrived() {
	if p.pending.Add(-1) == 0 {
		p.lastIn()
	}
}

// lastIn gives the decode slot kept for the network back, once, if every page is planned
// and no body is still to come.
func (p *v1Parallel) lastIn() {
	if p.planned.Load() && p.pending.Load() == 0 && p.given.CompareAndSwap(false, true) && p.reserved {
		p.g.decode.release()
	}
}

// stop cancels the pages still being fetched and waits for their goroutines.
func (p *v1Parallel) stop() {
	p.cancel()
	p.wg.Wait()
}

// first fetches the page at the listing's offset. Once its body has arrived, the pages
// after it are planned with the total it tells and a step of a full page, unless the
// token rotates (then nothing may run in parallel); run checks the plan against what the
// first page turns out to be.
func (p *v1Parallel) first(ctx context.Context) (*v1Fetched, error) {
	l := p.l
	off := l.st.Off
	peek := func(body []byte) {
		if p.step != 0 || l.d.c.v1tok.rotating() {
			return
		}
		if total := scanTotal(body); total > off+l.limit {
			p.plan(off+l.limit, l.limit, total)
		}
	}
	return l.fetch(ctx, off, gates{peek: peek})
}

// plan sets the pages to request and requests the first of them.
func (p *v1Parallel) plan(next, step, total int) {
	p.next, p.step, p.total = next, step, total
	p.fill()
}

// fill requests pages of the plan until ahead of them are in flight or queued.
func (p *v1Parallel) fill() {
	for len(p.queue) < p.ahead && p.next < p.total {
		f := &v1Future{off: p.next, done: make(chan struct{})}
		g := p.g
		in := false
		g.peek = func([]byte) {
			if !in {
				in = true
				p.arrived()
			}
		}
		p.pending.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer close(f.done)
			f.res, f.err = p.l.fetch(p.fctx, f.off, g)
		}()
		p.queue = append(p.queue, f)
		p.next += p.step
	}
	if p.next >= p.total && !p.planned.Load() {
		p.planned.Store(true)
		p.lastIn()
	}
}

// run yields the pages after the first, planned from the listing's state unless first
// planned them already with the same offset, step and total. It returns done=false
// without error when the listing changed under the read and the rest must be read page
// by page, and stopped=true when the consumer stopped (emit returned false).
func (p *v1Parallel) run(ctx context.Context, emit func([]unified.User) bool) (done, stopped bool, err error) {
	l := p.l
	// The step is how far a page moves the offset, not how many records it held: a page
	// that starts with the last record of the one before (see v1State.apply) still moves
	// it by a page.
	step, total := l.lastStep, l.st.Last
	if p.step != 0 && (p.step != step || p.total != total || p.queueStart() != l.st.Off) {
		// The first page was not what the plan assumed (a shorter or longer page, another
		// total): drop the requests made for it and plan again.
		p.stop()
		p.reset(ctx, cap(p.g.net))
	}
	if p.step == 0 {
		p.plan(l.st.Off, step, total)
	}
	for !done {
		p.fill()
		if len(p.queue) == 0 {
			return false, false, nil // nothing planned but not done: read on sequentially
		}
		f := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		select {
		case <-f.done:
		case <-ctx.Done():
			return false, false, ctx.Err()
		}
		if f.err != nil {
			return false, false, f.err
		}
		if f.off != l.st.Off {
			return false, false, nil
		}
		var users []unified.User
		if users, done, err = l.next(ctx, f.res); err != nil {
			return false, false, err
		}
		if !emit(users) {
			return false, true, nil
		}
		if !done && (l.healed || l.st.Last != total || l.lastStep != step) {
			return false, false, nil // the listing changed under the read: go on page by page
		}
	}
	return true, false, nil
}

// queueStart is the offset of the first planned page not yet yielded.
func (p *v1Parallel) queueStart() int {
	if len(p.queue) > 0 {
		return p.queue[0].off
	}
	return p.next
}
