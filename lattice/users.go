package lattice

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/hrisconnect/hrisconnect/unified"
)

// userPath returns the path of the user with the given id (singular "user": the API has no
// /v1/users/{id}).
func userPath(id string) string { return "/v1/user/" + url.PathEscape(id) }

func checkID(what, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("%s: empty %s id: %w", ProviderName, what, unified.ErrInvalidValue)
	case id == "." || id == "..":
		return fmt.Errorf("%s: %s id %q is not an id: %w", ProviderName, what, id, unified.ErrInvalidValue)
	}
	return nil
}

// getUser reads one user object from path.
func (c *Client) getUser(ctx context.Context, path string) (*User, error) {
	var w wireUser
	if err := c.call(ctx, path, nil, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, fmt.Errorf("%s: GET %s: the answer has no user id: %w", ProviderName, shownPath(path), unified.ErrInvalidValue)
	}
	u := w.user()
	return &u, nil
}

// Me returns the user the API key belongs to (the admin who created it): GET /v1/me.
func (c *Client) Me(ctx context.Context) (*User, error) {
	return c.getUser(ctx, "/v1/me")
}

// GetUser returns the user with the given id (GET /v1/user/{id}). An unknown id fails
// with an error matching unified.ErrNotFound.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	if err := checkID("user", id); err != nil {
		return nil, err
	}
	return c.getUser(ctx, userPath(id))
}

// FollowUser reads the user a reference stub points to (a User's Manager, say): its URL
// when it has one, else /v1/user/{ID}.
func (c *Client) FollowUser(ctx context.Context, ref Ref) (*User, error) {
	if ref.URL == "" {
		return c.GetUser(ctx, ref.ID)
	}
	return c.getUser(ctx, ref.URL)
}

// ListUsers returns one page of users (GET /v1/users) of the statuses opts selects: every
// status unless opts.Statuses says otherwise.
func (c *Client) ListUsers(ctx context.Context, opts *ListUsersOptions) (*UsersPage, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	return listPage(ctx, c, "/v1/users", q, (*wireUser).user)
}

// Users iterates over every user that opts selects, page after page, starting at
// opts.StartingAfter. opts is copied. On the first error it yields the error once and
// stops; it ends when the API says there is no more, never because a page is empty, and
// fails with unified.ErrCursorLoop when the API repeats a cursor. It starts no goroutines.
func (c *Client) Users(ctx context.Context, opts *ListUsersOptions) iter.Seq2[User, error] {
	var o ListUsersOptions
	if opts != nil {
		o = *opts
		o.Statuses = slices.Clone(o.Statuses)
	}
	return paginate(ctx, "users", o.StartingAfter, func(ctx context.Context, after string) (*UsersPage, error) {
		page := o
		page.StartingAfter = after
		return c.ListUsers(ctx, &page)
	})
}

// DirectReports returns one page of the direct reports of the user with the given id
// (GET /v1/user/{id}/directReports).
func (c *Client) DirectReports(ctx context.Context, id string, opts *PageOptions) (*UsersPage, error) {
	if err := checkID("user", id); err != nil {
		return nil, err
	}
	return c.listUsersAt(ctx, userPath(id)+"/directReports", opts)
}

// DirectReportsIter iterates over every direct report of the user with the given id, with
// the contract of Users.
func (c *Client) DirectReportsIter(ctx context.Context, id string, opts *PageOptions) iter.Seq2[User, error] {
	return pageIter(ctx, "direct reports", opts, func(ctx context.Context, o *PageOptions) (*UsersPage, error) {
		return c.DirectReports(ctx, id, o)
	})
}

// FollowUsers returns one page of the user list a list reference points to (a User's
// DirectReports, say). The reference's URL may be a path or an absolute URL on the API's
// origin; other origins are refused.
func (c *Client) FollowUsers(ctx context.Context, ref Ref, opts *PageOptions) (*UsersPage, error) {
	if ref.URL == "" {
		return nil, fmt.Errorf("%s: list reference has no url: %w", ProviderName, unified.ErrInvalidValue)
	}
	return c.listUsersAt(ctx, ref.URL, opts)
}

func (c *Client) listUsersAt(ctx context.Context, path string, opts *PageOptions) (*UsersPage, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	return listPage(ctx, c, path, q, (*wireUser).user)
}

// CustomAttributes returns one page of the custom attribute values of the user with the
// given id (GET /v1/user/{id}/customAttributes).
func (c *Client) CustomAttributes(ctx context.Context, userID string, opts *PageOptions) (*CustomAttributesPage, error) {
	if err := checkID("user", userID); err != nil {
		return nil, err
	}
	return c.listValuesAt(ctx, userPath(userID)+"/customAttributes", opts)
}

// CustomAttributesIter iterates over every custom attribute value of the user with the
// given id, with the contract of Users.
func (c *Client) CustomAttributesIter(ctx context.Context, userID string, opts *PageOptions) iter.Seq2[CustomAttributeValue, error] {
	return pageIter(ctx, "custom attributes", opts, func(ctx context.Context, o *PageOptions) (*CustomAttributesPage, error) {
		return c.CustomAttributes(ctx, userID, o)
	})
}

// FollowCustomAttributes returns one page of the custom attribute values a list reference
// (a User's CustomAttributes) points to.
func (c *Client) FollowCustomAttributes(ctx context.Context, ref Ref, opts *PageOptions) (*CustomAttributesPage, error) {
	if ref.URL == "" {
		return nil, fmt.Errorf("%s: list reference has no url: %w", ProviderName, unified.ErrInvalidValue)
	}
	return c.listValuesAt(ctx, ref.URL, opts)
}

func (c *Client) listValuesAt(ctx context.Context, path string, opts *PageOptions) (*CustomAttributesPage, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	return listPage(ctx, c, path, q, func(v *CustomAttributeValue) CustomAttributeValue { return *v })
}

// pageIter adapts a PageOptions list call to paginate, copying opts.
func pageIter[T any](ctx context.Context, what string, opts *PageOptions, call func(context.Context, *PageOptions) (*Page[T], error)) iter.Seq2[T, error] {
	var o PageOptions
	if opts != nil {
		o = *opts
	}
	return paginate(ctx, what, o.StartingAfter, func(ctx context.Context, after string) (*Page[T], error) {
		page := o
		page.StartingAfter = after
		return call(ctx, &page)
	})
}
