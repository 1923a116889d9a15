package unified

import (
	"context"
	"fmt"
	"iter"
)

// Users returns an iterator over every user of d that matches opts.Filter, starting at
// opts.Cursor. It calls d.ListUsers page after page until a page has an empty NextCursor.
//
// The contract:
//   - opts is copied; the caller may reuse or change it afterwards. A nil opts lists all users.
//   - On the first error the iterator yields (User{}, err) once and stops. Errors are those
//     of ListUsers, the context's error when ctx is done, or ErrCursorLoop when the provider
//     returns the cursor it was just given.
//   - An empty page with a NextCursor does not end the listing; only an empty NextCursor does.
//   - When the loop body breaks (or returns), no further request is made.
//   - The context is checked before every request; cancelling it ends the iteration promptly.
//   - It starts no goroutines. Each range over the returned sequence starts again from
//     opts.Cursor.
//
// When d implements [Streamer], Users returns d.StreamUsers, which keeps this contract but
// may overlap requests with the caller's work (prefetching, parallel pages).
//
// To resume a listing later, use [Directory.ListUsers] directly and keep Page.NextCursor.
func Users(ctx context.Context, d Directory, opts *ListOptions) iter.Seq2[User, error] {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if s, ok := d.(Streamer); ok {
		return s.StreamUsers(ctx, &o)
	}
	return PagedUsers(ctx, d, &o)
}

// Streamer is implemented by directories that can list users faster than one ListUsers call
// after another: fetching offset pages in parallel, or the next page of a cursor chain while
// the caller works on the current one. [Users] prefers it.
//
// StreamUsers must keep the contract of [Users]: the same users in the same order as
// paging with ListUsers, each exactly once; the error yielded once; and when the caller
// stops (break, or a cancelled ctx) every request still in flight is cancelled and every
// goroutine has ended before the range loop returns. It copies opts. Concurrency and
// read-ahead must be bounded, so memory stays a few pages whatever the size of the directory.
type Streamer interface {
	StreamUsers(ctx context.Context, opts *ListOptions) iter.Seq2[User, error]
}

// PagedUsers is the plain auto-pager behind [Users]: it yields the users of d, calling
// d.ListUsers one page after another, with the contract described at Users, and never
// uses [Streamer]. Directory implementations use it as their baseline; most callers want
// Users.
func PagedUsers(ctx context.Context, d Directory, opts *ListOptions) iter.Seq2[User, error] {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(User, error) bool) {
		page := o // each range starts again from the caller's cursor
		for {
			if err := ctx.Err(); err != nil {
				yield(User{}, err)
				return
			}
			p, err := d.ListUsers(ctx, &page)
			if err != nil {
				yield(User{}, err)
				return
			}
			for i := range p.Users {
				if !yield(p.Users[i], nil) {
					return
				}
			}
			if p.NextCursor == "" {
				return
			}
			if p.NextCursor == page.Cursor {
				yield(User{}, fmt.Errorf("%s: %w", d.Provider(), ErrCursorLoop))
				return
			}
			page.Cursor = p.NextCursor
		}
	}
}

// All reads every user of d that matches opts.Filter into a slice. It is [Users] collected;
// prefer Users for large directories, which holds only one page in memory.
func All(ctx context.Context, d Directory, opts *ListOptions) ([]User, error) {
	var out []User
	for u, err := range Users(ctx, d, opts) {
		if err != nil {
			return out, err
		}
		out = append(out, u)
	}
	return out, nil
}
