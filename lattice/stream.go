package lattice

import (
	"context"
	"errors"
	"iter"
	"slices"

	"github.com/hrisconnect/hrisconnect/unified"
)

// managerLookahead is how many pages StreamUsers reads ahead, at most, with
// ManagerLookupsAlways, to find managers listed after their reports on pages it has to read
// anyway, instead of fetching them one by one.
const managerLookahead = 8

// streamPage is one page handed from the StreamUsers producer to the consumer.
type streamPage struct {
	users []unified.User
	err   error
	last  bool
}

// queued is a page read by the StreamUsers producer and not yet handed on.
type queued struct {
	rp  *rawPage
	err error // the read failed; the pages before it are handed on first
}

// StreamUsers lists the users matching opts.Filter, from opts.Cursor on, with the contract
// of unified.Users: the same users in the same order as paging with ListUsers, each once;
// an error yielded once; nothing left running when the loop ends.
//
// Lattice pages are a cursor chain, so they cannot be fetched in parallel. StreamUsers
// runs a pipeline of three stages, each one page ahead of the next: one goroutine
// requests the pages one after the other, as fast as the API answers; another resolves
// names, loads custom attribute values and maps the users of the page before; the caller
// works on the page before that. With ManagerLookupsAlways it reads further ahead (up
// to 8 pages, which the listing needs anyway) while the page it prepares has managers it
// has not seen yet, so that they are found without extra requests. Memory stays at a few
// pages whatever the size of the directory. When the loop breaks or ctx ends, the
// requests in flight are cancelled and every goroutine has ended before StreamUsers
// returns. It remembers the last 65,536 Lattice cursors of the listing and fails with
// unified.ErrCursorLoop when one comes back.
func (d *Directory) StreamUsers(ctx context.Context, opts *unified.ListOptions) iter.Seq2[unified.User, error] {
	var o unified.ListOptions
	if opts != nil {
		o = *opts
		o.Filter = cloneFilter(o.Filter)
	}
	return func(yield func(unified.User, error) bool) {
		if d.err != nil {
			yield(unified.User{}, d.err)
			return
		}
		if ctx == nil {
			yield(unified.User{}, errNilContext)
			return
		}
		if err := ctx.Err(); err != nil {
			yield(unified.User{}, err)
			return
		}
		size, pos, err := d.start(&o)
		if err != nil {
			yield(unified.User{}, err)
			return
		}

		pctx, cancel := context.WithCancel(ctx)
		pages := make(chan streamPage) // unbuffered: each stage works one page ahead
		go func() {
			defer close(pages)
			raw := make(chan queued)
			fctx, fcancel := context.WithCancel(pctx)
			go func() {
				defer close(raw)
				d.fetchChain(fctx, &o.Filter, size, pos, raw)
			}()
			defer func() {
				fcancel()
				for range raw { // wait for the fetcher to end
				}
			}()
			d.prepare(pctx, &o.Filter, raw, pages)
		}()
		defer func() {
			cancel()
			for range pages { // wait for the producer to end
			}
		}()

		for p := range pages {
			if p.err != nil {
				yield(unified.User{}, p.err)
				return
			}
			for i := range p.users {
				if !yield(p.users[i], nil) {
					return
				}
			}
			if p.last {
				return
			}
		}
		// The producer stopped without the last page: ctx ended.
		err = ctx.Err()
		if err == nil {
			err = errors.New(ProviderName + ": listing ended unexpectedly")
		}
		yield(unified.User{}, err)
	}
}

// fetchChain reads the pages of a listing from pos on, one after the other, and sends
// them to out, until the last page, an error (which it sends too), or the end of ctx.
func (d *Directory) fetchChain(ctx context.Context, f *unified.Filter, size int, pos position, out chan<- queued) {
	seen := newCursorSet(maxSeenCursors)
	if pos.After != "" {
		seen.add(pos.After)
	}
	for {
		rp, err := d.fetchPage(ctx, f, size, pos, seen)
		select {
		case out <- queued{rp: rp, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil || rp.next == nil {
			return
		}
		pos = *rp.next
	}
}

// prepare receives pages from in, resolves names and maps them (see finish), and sends
// them to out in order, until the last page, an error, or the end of ctx. With
// ManagerLookupsAlways it takes pages from in ahead of time while the page at hand has
// managers it has not seen.
func (d *Directory) prepare(ctx context.Context, f *unified.Filter, in <-chan queued, out chan<- streamPage) {
	var queue []queued
	queuedIDs := map[string]int{} // IDs of the users on queued pages
	receive := func() bool {
		q, ok := <-in
		if !ok {
			return false // the fetcher stopped: ctx ended
		}
		queue = append(queue, q)
		if q.err == nil {
			for i := range q.rp.users {
				queuedIDs[q.rp.users[i].ID]++
			}
		}
		return true
	}
	send := func(p streamPage) bool {
		select {
		case out <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if !receive() {
		return
	}
	for len(queue) > 0 {
		head := queue[0]
		if head.err != nil {
			send(streamPage{err: head.err})
			return
		}
		for d.cfg.lookups == ManagerLookupsAlways && len(queue) <= managerLookahead {
			tail := queue[len(queue)-1]
			if tail.err != nil || tail.rp.next == nil || !d.unknownManagers(head.rp, queuedIDs) || !receive() {
				break
			}
		}
		ahead := make([]*rawPage, 0, len(queue)-1)
		for _, q := range queue[1:] {
			if q.err == nil {
				ahead = append(ahead, q.rp)
			}
		}
		users, err := d.finish(ctx, f, head.rp, ahead)
		if err != nil {
			send(streamPage{err: err})
			return
		}
		last := head.rp.next == nil
		if !send(streamPage{users: users, last: last}) || last {
			return
		}
		for i := range head.rp.users {
			if id := head.rp.users[i].ID; queuedIDs[id] <= 1 {
				delete(queuedIDs, id)
			} else {
				queuedIDs[id]--
			}
		}
		queue[0] = queued{}
		queue = queue[1:]
		if len(queue) == 0 && !receive() {
			return
		}
	}
}

// unknownManagers reports whether a manager of head's users is neither on a queued page
// (queued holds their IDs) nor in the people cache.
func (d *Directory) unknownManagers(head *rawPage, queued map[string]int) bool {
	for i := range head.users {
		r := head.users[i].Manager
		if r == nil || r.ID == "" || queued[r.ID] > 0 {
			continue
		}
		if _, ok := d.people.peek(r.ID); !ok {
			return true
		}
	}
	return false
}

func cloneFilter(f unified.Filter) unified.Filter {
	f.Statuses = slices.Clone(f.Statuses)
	f.EmploymentTypes = slices.Clone(f.EmploymentTypes)
	f.Departments = slices.Clone(f.Departments)
	f.LegalEntities = slices.Clone(f.LegalEntities)
	f.Emails = slices.Clone(f.Emails)
	return f
}
