package lattice

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"time"

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
// runs a pipeline of three stages, each one page ahead of the next: the first requests
// the pages one after the other, as fast as the API answers, reading the cursor of each
// page from its raw body as soon as it is in and sending the request for the next page
// while the page is decoded and checked (that request is cancelled, and nothing of it
// used, when the check fails or does not confirm its cursor); the second resolves names,
// loads custom attribute values and maps the users of the page before; the caller works
// on the page before that. With ManagerLookupsAlways it reads further ahead (up
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

// fetchChain reads the pages of a listing from pos on and sends them to out, checked and
// in order, until the last page, an error (which it sends too), or the end of ctx.
//
// Each page is requested on a goroutine of its own (a pageFetch). As soon as the body of
// a page is in, before it is decoded, its top-level hasMore and endingCursor are read from
// the raw bytes (see withListHead), and the request for the next page starts while this one
// is decoded and checked. That request is speculative: the page is decoded and checked by
// checkPage exactly as it would be without it, and the request is cancelled and forgotten
// when the check fails, when the page turns out to be the last, or when the cursor the
// check accepts is not the one the request was sent with (the right request is then sent
// instead). No request goes out for a cursor the listing has followed already. There is
// never more than one request ahead of the page being checked and handed on, and none
// outlives fetchChain.
func (d *Directory) fetchChain(ctx context.Context, f *unified.Filter, size int, pos position, out chan<- queued) {
	seen := newCursorSet(maxSeenCursors)
	if pos.After != "" {
		seen.add(pos.After)
	}
	send := func(q queued) bool {
		select {
		case out <- q:
			return true
		case <-ctx.Done():
			return false
		}
	}
	status, ok := d.statusParam(f)
	if !ok {
		rp, err := d.fetchPage(ctx, f, size, pos, seen) // an empty last page, or ctx's error
		send(queued{rp: rp, err: err})
		return
	}

	cur := d.startFetch(ctx, size, status, pos.After) // the page at pos
	var next *pageFetch                               // the page after it, once requested
	defer func() {
		cur.stop()
		next.stop()
	}()
	for {
		select {
		case h := <-cur.head:
			if h.more && h.cursor != "" && !followed(h.cursor, pos, seen) {
				next = d.startFetch(ctx, size, status, h.cursor)
			}
		case <-cur.done:
		}
		<-cur.done
		var checked *rawPage
		err := cur.err
		if err == nil {
			checked, err = d.checkPage(ctx, cur.page, status, pos, seen)
		}
		switch {
		case err != nil || checked.next == nil:
			next.stop()
			next = nil
		case next == nil || next.after != checked.next.After:
			next.stop()
			next = d.startFetch(ctx, size, status, checked.next.After)
		}
		if !send(queued{rp: checked, err: err}) || err != nil || checked.next == nil {
			return
		}
		pos = *checked.next
		cur.stop() // ended already: this releases its context
		cur, next = next, nil
	}
}

// followed reports whether cursor, read from the page at pos, is one the listing has
// followed already, so that checkPage will refuse it.
func followed(cursor string, pos position, seen *cursorSet) bool {
	return cursor == pos.After || pos.Seen.contains(hashID(cursor)) || seen.has(cursor)
}

// pageFetch is the request for one page of a StreamUsers listing, sent on a goroutine of
// its own.
type pageFetch struct {
	after  string             // the page's startingAfter
	cancel context.CancelFunc // cancels the request
	head   chan listHead      // receives the page's hasMore and cursor when its body is in
	done   chan struct{}      // closed when the request has ended and page or err is set
	page   *usersPage
	err    error
}

// decodePause is how long the goroutine that read a page waits, once it has handed the
// page's cursor on, before it decodes the page; see startFetch.
const decodePause = 100 * time.Microsecond

// startFetch sends the request for the page after the cursor after ("" for the first).
//
// When the body is in, the goroutine hands the page's hasMore and cursor to the head
// channel (those of the first attempt, if the request is retried). When they name a next
// page, it then yields, so that fetchChain can send the request for it at once, and
// pauses for decodePause before it decodes the page. The pause costs nothing on the chain
// of requests, and it leaves a CPU to whatever takes the new request on this machine (a
// local proxy, or the in-process fake server of tests and benchmarks) instead of
// competing with it: on a machine with two CPUs and a busy consumer, decoding at once
// delays the next request by a millisecond or more.
func (d *Directory) startFetch(ctx context.Context, size int, status, after string) *pageFetch {
	ctx, cancel := context.WithCancel(ctx)
	p := &pageFetch{after: after, cancel: cancel, head: make(chan listHead, 1), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		if p.err = ctx.Err(); p.err != nil {
			return
		}
		p.page, p.err = d.fetchUsers(ctx, size, status, after, func(h listHead) {
			select {
			case p.head <- h:
			default:
				return // a retried attempt: only the first body's cursor is used
			}
			if h.more && h.cursor != "" {
				runtime.Gosched()
				time.Sleep(decodePause)
			}
		})
	}()
	return p
}

// stop cancels the request, if it is still running, and waits for its goroutine to end.
// p may be nil.
func (p *pageFetch) stop() {
	if p != nil {
		p.cancel()
		<-p.done
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
