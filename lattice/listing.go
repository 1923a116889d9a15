package lattice

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/hrisconnect/hrisconnect/internal/cursor"
	"github.com/hrisconnect/hrisconnect/unified"
)

// ListUsers returns one page of users matching opts.Filter; see [Directory] for how
// filters, cursors and names work. Page.Total is -1: Lattice does not report totals.
func (d *Directory) ListUsers(ctx context.Context, opts *unified.ListOptions) (*unified.Page, error) {
	if err := d.ready(ctx); err != nil {
		return nil, err
	}
	var o unified.ListOptions
	if opts != nil {
		o = *opts
	}
	size, pos, err := d.start(&o)
	if err != nil {
		return nil, err
	}
	rp, err := d.fetchPage(ctx, &o.Filter, size, pos, nil)
	if err != nil {
		return nil, err
	}
	users, err := d.finish(ctx, &o.Filter, rp)
	if err != nil {
		return nil, err
	}
	p := &unified.Page{Users: users, Total: -1}
	if rp.next != nil {
		if p.NextCursor, err = cursor.Encode(ProviderName, o.Filter.Fingerprint(), rp.next); err != nil {
			return nil, fmt.Errorf("%s: %w", ProviderName, err)
		}
	}
	return p, nil
}

// start checks the page size and decodes the cursor of o.
func (d *Directory) start(o *unified.ListOptions) (int, position, error) {
	var pos position
	size := o.PageSize
	switch {
	case size < 0:
		return 0, pos, fmt.Errorf("%s: page size %d is negative: %w", ProviderName, size, unified.ErrInvalidValue)
	case size == 0:
		size = d.cfg.pageSize
	case size > MaxPageSize:
		size = MaxPageSize
	}
	if o.Cursor != "" {
		if err := cursor.Decode(o.Cursor, ProviderName, o.Filter.Fingerprint(), &pos); err != nil {
			return 0, pos, fmt.Errorf("%s: %w", ProviderName, err)
		}
		if pos.After == "" || len(pos.Prev) > MaxPageSize || len(pos.Seen) > maxCursorHistory {
			return 0, pos, fmt.Errorf("%s: %w: position out of range", ProviderName, unified.ErrInvalidCursor)
		}
	}
	return size, pos, nil
}

// statusParam returns the status query value for f, and false when f's statuses cannot
// match any Lattice user.
func (d *Directory) statusParam(f *unified.Filter) (string, bool) {
	if !d.pushStatus || len(f.Statuses) == 0 {
		return statusAll, true
	}
	var want []string
	for _, s := range f.Statuses {
		if ls, ok := apiStatus(s); ok && !slices.Contains(want, ls) {
			want = append(want, ls)
		}
	}
	switch len(want) {
	case 0:
		return "", false
	case 1:
		return want[0], true
	}
	// The API documents one status per request: read everyone and filter here.
	return statusAll, true
}

// rawPage is a page of users as read, with repeats dropped, before names are resolved
// and users mapped.
type rawPage struct {
	users []User
	raws  []json.RawMessage // with WithRaw
	next  *position         // nil after the last page
}

// fetchPage reads the page at pos, drops users repeated from the previous page (or within
// the page) and checks the API's cursor. seen, when set, is the listing's set of cursors;
// the page's cursor is added to it.
func (d *Directory) fetchPage(ctx context.Context, f *unified.Filter, size int, pos position, seen *cursorSet) (*rawPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	status, ok := d.statusParam(f)
	if !ok {
		return &rawPage{}, nil
	}
	pg, raws, err := d.fetchUsers(ctx, size, status, pos.After)
	if err != nil {
		return nil, err
	}
	users := pg.Data
	received, lastID := len(users), ""
	if received > 0 {
		lastID = users[received-1].ID
	}

	ids := make(hashList, 0, len(users))
	rp := &rawPage{users: users[:0]}
	for i := range users {
		h := hashID(users[i].ID)
		dup := pos.Prev.contains(h) || ids.contains(h)
		if !ids.contains(h) {
			ids = append(ids, h)
		}
		if dup && users[i].ID != "" {
			d.log.LogAttrs(ctx, slog.LevelDebug, "dropping a user listed twice", slog.String("user", users[i].ID))
			continue
		}
		rp.users = append(rp.users, users[i])
		if raws != nil {
			rp.raws = append(rp.raws, raws[i])
		}
	}

	next := pg.Next()
	if next == "" {
		if pg.HasMore {
			d.log.LogAttrs(ctx, slog.LevelDebug, "the API said hasMore without a cursor; treating the page as the last")
		}
		return rp, nil
	}
	if next == pos.After || pos.Seen.contains(hashID(next)) || (seen != nil && !seen.add(next)) {
		return nil, cursorLoopError("users", next)
	}
	idCursors := pos.IDCursors
	if received > 0 {
		switch {
		case pos.After == "" && next == lastID:
			idCursors = true
		case idCursors && next != lastID:
			return nil, fmt.Errorf("%s: listing users: the API's cursor %q does not name the last user of the page (%q), as its earlier cursors did; following it would list users twice or skip some: %w",
				ProviderName, clip(next, 64), clip(lastID, 64), unified.ErrInconsistentListing)
		}
	}
	rp.next = &position{After: next, Prev: ids, Seen: pos.Seen, IDCursors: idCursors}
	if received == 0 {
		rp.next.Prev = pos.Prev // an empty page: the last users seen are still those before it
	}
	if pos.After != "" {
		rp.next.Seen = pos.Seen.appendBounded(hashID(pos.After), maxCursorHistory)
	}
	return rp, nil
}

// finish resolves names of rp's users, maps them and keeps those that match f.
func (d *Directory) finish(ctx context.Context, f *unified.Filter, rp *rawPage) ([]unified.User, error) {
	out, err := d.convert(ctx, rp.users, rp.raws)
	if err != nil {
		return nil, err
	}
	if !f.IsZero() {
		out = slices.DeleteFunc(out, func(u unified.User) bool { return !f.Match(&u) })
	}
	return out, nil
}

// rawUser is a wireUser that keeps its JSON.
type rawUser struct {
	wireUser
	raw json.RawMessage
}

func (r *rawUser) UnmarshalJSON(b []byte) error {
	r.raw = append(json.RawMessage(nil), b...)
	return json.Unmarshal(b, &r.wireUser)
}

// fetchUsers reads one page of GET /v1/users, and with WithRaw the users' JSON.
func (d *Directory) fetchUsers(ctx context.Context, size int, status, after string) (*UsersPage, []json.RawMessage, error) {
	q, err := pageQuery(size, after)
	if err != nil {
		return nil, nil, err
	}
	q.Set("status", status)
	if !d.cfg.raw {
		pg, err := listPage(ctx, d.c, "/v1/users", q, (*wireUser).user)
		return pg, nil, err
	}
	var raws []json.RawMessage
	pg, err := listPage(ctx, d.c, "/v1/users", q, func(r *rawUser) User {
		raws = append(raws, r.raw)
		return r.user()
	})
	return pg, raws, err
}
