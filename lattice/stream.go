package lattice

import (
	"context"
	"errors"
	"iter"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/hrisconnect/hrisconnect/unified"
)

// fetched is a page read by the StreamUsers producer, or the error that ended it. When
// ahead is false the producer waits for the consumer to ask for the next page.
type fetched struct {
	rp    *rawPage
	err   error
	ahead bool
}

// StreamUsers lists the users matching opts.Filter, from opts.Cursor on, with the contract
// of unified.Users: the same users in the same order as paging with ListUsers, each once;
// an error yielded once; nothing left running when the loop ends.
//
// Lattice pages are a cursor chain: each page names the next. Unless WithConcurrency is 1,
// StreamUsers reads the chain on one goroutine, one page ahead of the caller: once a page has been decoded and
// checked, it is handed over and the request for the next page goes out while the caller
// works through this one (names are resolved and users mapped on the caller's
// goroutine). That is, unless the client's rate limiter would not let a second request
// start within the time the first page took: then the next request waits until the
// caller is done with the page, since two requests at once would take no less time and
// would spend the API's budget sooner (meeting two 429s where another client with the
// same key has spent it). A request is never sent for a cursor before the page that gave
// it has passed its checks. Memory stays at two pages whatever the size of the directory. When
// the loop breaks or ctx ends, the request in flight is cancelled and the goroutine has
// ended before StreamUsers returns. It remembers the last 65,536 Lattice cursors of the
// listing and fails with unified.ErrCursorLoop when one comes back.
func (d *Directory) StreamUsers(ctx context.Context, opts *unified.ListOptions) iter.Seq2[unified.User, error] {
	var o unified.ListOptions
	if opts != nil {
		o = *opts
		o.Filter = cloneFilter(o.Filter)
	}
	return func(yield func(unified.User, error) bool) {
		if err := d.ready(ctx); err != nil {
			yield(unified.User{}, err)
			return
		}
		size, pos, err := d.start(&o)
		if err != nil {
			yield(unified.User{}, err)
			return
		}
		if d.cfg.concurrency == 1 {
			d.streamInTurn(ctx, &o.Filter, size, pos, yield)
			return
		}

		pctx, cancel := context.WithCancel(ctx)
		pages := make(chan fetched)    // unbuffered: the producer is one page ahead at most
		more := make(chan struct{}, 1) // the caller is done with a page that was not read ahead of
		go func() {
			defer close(pages)
			d.fetchChain(pctx, &o.Filter, size, pos, pages, more)
		}()
		defer func() {
			cancel()
			for range pages { // wait for the producer to end
			}
		}()

		for p := range pages {
			err := p.err
			if err == nil {
				err = ctx.Err()
			}
			var users []unified.User
			if err == nil {
				users, err = d.finish(ctx, &o.Filter, p.rp)
			}
			if err != nil {
				yield(unified.User{}, err)
				return
			}
			for i := range users {
				if !yield(users[i], nil) {
					return
				}
			}
			if p.rp.next == nil {
				return
			}
			if !p.ahead {
				more <- struct{}{}
			}
		}
		// The producer stopped before the last page: ctx ended.
		err = ctx.Err()
		if err == nil {
			err = errors.New(ProviderName + ": listing ended before its last page")
		}
		yield(unified.User{}, err)
	}
}

// streamInTurn is StreamUsers with WithConcurrency(1): each page is read once the caller
// is done with the one before, so that the listing's requests run one at a time.
func (d *Directory) streamInTurn(ctx context.Context, f *unified.Filter, size int, pos position, yield func(unified.User, error) bool) {
	seen := newCursorSet(maxSeenCursors)
	if pos.After != "" {
		seen.add(pos.After)
	}
	for {
		rp, err := d.fetchPage(ctx, f, size, pos, seen)
		var users []unified.User
		if err == nil {
			users, err = d.finish(ctx, f, rp)
		}
		if err != nil {
			yield(unified.User{}, err)
			return
		}
		for i := range users {
			if !yield(users[i], nil) {
				return
			}
		}
		if rp.next == nil {
			return
		}
		pos = *rp.next
	}
}

// fetchChain reads the pages of a listing from pos on and sends them to out, checked and
// in order, until the last page, an error (which it sends too), or the end of ctx. It
// reads a page ahead of the consumer when the client's rate limiter lets a request start
// within the time the first page took (R·took ≥ 1, or no limit); otherwise it waits on
// more before each next page.
func (d *Directory) fetchChain(ctx context.Context, f *unified.Filter, size int, pos position, out chan<- fetched, more <-chan struct{}) {
	seen := newCursorSet(maxSeenCursors)
	if pos.After != "" {
		seen.add(pos.After)
	}
	ahead := false
	for first := true; ; first = false {
		start := time.Now()
		rp, err := d.fetchPage(ctx, f, size, pos, seen)
		if first {
			r := d.c.Limiter().Limit()
			ahead = r == rate.Inf || float64(r)*time.Since(start).Seconds() >= 1
		}
		select {
		case out <- fetched{rp: rp, err: err, ahead: ahead}:
		case <-ctx.Done():
			return
		}
		if err != nil || rp.next == nil {
			return
		}
		if !ahead {
			select {
			case <-more:
			case <-ctx.Done():
				return
			}
		}
		pos = *rp.next
	}
}

func cloneFilter(f unified.Filter) unified.Filter {
	f.Statuses = slices.Clone(f.Statuses)
	f.EmploymentTypes = slices.Clone(f.EmploymentTypes)
	f.Departments = slices.Clone(f.Departments)
	f.LegalEntities = slices.Clone(f.LegalEntities)
	f.Emails = slices.Clone(f.Emails)
	return f
}
