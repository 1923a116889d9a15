package lattice

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Page is one page of a Lattice list endpoint.
type Page[T any] struct {
	// Data holds the page's items. A page may be empty and still have more after it.
	Data []T
	// HasMore says whether the API has more items after this page.
	HasMore bool
	// EndingCursor is the API's cursor for the next page ("" when the API sent null).
	EndingCursor string
}

// Next returns the cursor to pass as StartingAfter for the next page, or "" when this
// page is the last: the API said hasMore false, or gave no cursor to continue from. An
// empty page with hasMore and a cursor is not the last.
func (p *Page[T]) Next() string {
	if p == nil || !p.HasMore {
		return ""
	}
	return p.EndingCursor
}

// UsersPage is a page of users.
type UsersPage = Page[User]

// DepartmentsPage is a page of departments.
type DepartmentsPage = Page[Department]

// CustomAttributesPage is a page of custom attribute values.
type CustomAttributesPage = Page[CustomAttributeValue]

// PageOptions selects a page of a list endpoint. A nil *PageOptions is the first page at
// the largest page size.
type PageOptions struct {
	// Limit is the page size, 1 to 100; 0 means 100 (the API's own default would be 10).
	// Larger values are capped at 100.
	Limit int
	// StartingAfter is the cursor of the page to read: the previous page's Next(). ""
	// reads the first page.
	StartingAfter string
}

// ListUsersOptions selects a page of users. A nil *ListUsersOptions is the first page of
// users of every status at the largest page size.
type ListUsersOptions struct {
	// Limit is the page size, 1 to 100; 0 means 100. Larger values are capped at 100.
	Limit int
	// StartingAfter is the cursor of the page to read: the previous page's Next().
	StartingAfter string
	// Statuses selects users by status: unified.StatusActive (Lattice's ACTIVE),
	// StatusInvited (INVITED), StatusOnboarding (CREATED) or StatusInactive
	// (DEACTIVATED). Empty means every status (the request says status=NULL: the API's own
	// default would be ACTIVE users only). Each status is sent as its own status
	// parameter; the API documents one status per request, so prefer one status or none.
	// StatusLeave and StatusUnknown have no Lattice equivalent and fail with an error
	// matching unified.ErrInvalidValue.
	Statuses []unified.Status
}

// pageQuery encodes limit and startingAfter, asking for MaxPageSize by default.
func pageQuery(limit int, after string) (url.Values, error) {
	if limit < 0 {
		return nil, fmt.Errorf("%s: page limit %d is negative (0 means %d): %w", ProviderName, limit, MaxPageSize, unified.ErrInvalidValue)
	}
	if limit == 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if after != "" {
		q.Set("startingAfter", after)
	}
	return q, nil
}

func (o *PageOptions) query() (url.Values, error) {
	if o == nil {
		return pageQuery(0, "")
	}
	return pageQuery(o.Limit, o.StartingAfter)
}

func (o *ListUsersOptions) query() (url.Values, error) {
	if o == nil {
		o = &ListUsersOptions{}
	}
	q, err := pageQuery(o.Limit, o.StartingAfter)
	if err != nil {
		return nil, err
	}
	for _, s := range o.Statuses {
		st, ok := apiStatus(s)
		if !ok {
			return nil, fmt.Errorf("%s: Lattice has no user status for %q (want active, invited, onboarding or inactive): %w",
				ProviderName, s, unified.ErrInvalidValue)
		}
		q.Add("status", st)
	}
	if len(o.Statuses) == 0 {
		q.Set("status", statusAll)
	}
	return q, nil
}

// envelope is the API's list envelope.
type envelope[T any] struct {
	Object       string  `json:"object"`
	HasMore      bool    `json:"hasMore"`
	EndingCursor *string `json:"endingCursor"`
	Data         []T     `json:"data"`
}

// check checks the "object" of a list envelope read from path.
func (e *envelope[T]) check(path string) error {
	if e.Object != "" && e.Object != "list" {
		return fmt.Errorf("%s: GET %s: the API answered with a %q object where a list was expected: %w",
			ProviderName, shownPath(path), clip(e.Object, 32), unified.ErrInvalidValue)
	}
	return nil
}

func (e *envelope[T]) cursor() string {
	if e.EndingCursor == nil {
		return ""
	}
	return *e.EndingCursor
}

// listPage reads one page of a list endpoint into W values (with encoding/json) and
// converts them, in order, with conv.
func listPage[T, W any](ctx context.Context, c *Client, path string, q url.Values, conv func(*W) T) (*Page[T], error) {
	var env envelope[W]
	if err := c.call(ctx, path, q, &env); err != nil {
		return nil, err
	}
	if err := env.check(path); err != nil {
		return nil, err
	}
	p := &Page[T]{HasMore: env.HasMore, EndingCursor: env.cursor(), Data: make([]T, len(env.Data))}
	for i := range env.Data {
		p.Data[i] = conv(&env.Data[i])
	}
	return p, nil
}

// maxSeenCursors bounds the set of cursors an iterator remembers to detect loops: 65,536
// pages are 6.5 million users at 100 per page.
const maxSeenCursors = 1 << 16

// cursorSet remembers the most recent cursors of a listing, up to a bound, by their 64-bit
// hashes (16 bytes or so per cursor, whatever its length).
type cursorSet struct {
	max  int
	m    map[uint64]struct{}
	fifo []uint64
	next int
}

func newCursorSet(max int) *cursorSet { return &cursorSet{max: max, m: map[uint64]struct{}{}} }

// add records c and reports whether it was new.
func (s *cursorSet) add(c string) bool {
	h := hashID(c)
	if _, dup := s.m[h]; dup {
		return false
	}
	if len(s.fifo) < s.max {
		s.fifo = append(s.fifo, h)
	} else {
		delete(s.m, s.fifo[s.next])
		s.fifo[s.next] = h
		s.next = (s.next + 1) % s.max
	}
	s.m[h] = struct{}{}
	return true
}

// cursorLoopError reports a cursor the listing had already followed.
func cursorLoopError(what, cursor string) error {
	return fmt.Errorf("%s: listing %s: the API returned cursor %q a second time: %w",
		ProviderName, what, clip(cursor, 64), unified.ErrCursorLoop)
}

// paginate is the one pager behind every iterator of the package. It reads pages with
// fetch, starting after start, and yields their items.
//
// The contract, shared by every iterator of the package:
//   - the caller's options were copied before paginate was called;
//   - on the first error it yields (zero, err) once and stops;
//   - it stops when a page says hasMore false or gives no cursor, never because a page is
//     empty;
//   - a cursor seen before in the listing (the last 65,536 are remembered, so a loop
//     A→B→A is caught too) fails with unified.ErrCursorLoop;
//   - ctx is checked before every request; after the loop body breaks no request is made;
//   - it starts no goroutines, and each range starts again from start.
func paginate[T any](ctx context.Context, what, start string, fetch func(ctx context.Context, after string) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if ctx == nil {
			yield(zero, errNilContext)
			return
		}
		seen := newCursorSet(maxSeenCursors)
		after := start
		if after != "" {
			seen.add(after)
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			p, err := fetch(ctx, after)
			if err != nil {
				yield(zero, err)
				return
			}
			for i := range p.Data {
				if !yield(p.Data[i], nil) {
					return
				}
			}
			next := p.Next()
			if next == "" {
				return
			}
			if !seen.add(next) {
				yield(zero, cursorLoopError(what, next))
				return
			}
			after = next
		}
	}
}
