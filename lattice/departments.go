package lattice

import (
	"context"
	"fmt"
	"iter"
	"net/url"

	"github.com/hrisconnect/hrisconnect/unified"
)

// ListDepartments returns one page of departments (GET /v1/departments).
func (c *Client) ListDepartments(ctx context.Context, opts *PageOptions) (*DepartmentsPage, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	return listPage(ctx, c, "/v1/departments", q, (*wireDepartment).department)
}

// Departments iterates over every department, with the contract of Client.Users.
func (c *Client) Departments(ctx context.Context, opts *PageOptions) iter.Seq2[Department, error] {
	return pageIter(ctx, "departments", opts, c.ListDepartments)
}

// GetDepartment returns the department with the given id (GET /v1/department/{id},
// singular). An unknown id fails with an error matching unified.ErrNotFound.
func (c *Client) GetDepartment(ctx context.Context, id string) (*Department, error) {
	if err := checkID("department", id); err != nil {
		return nil, err
	}
	return c.getDepartment(ctx, "/v1/department/"+url.PathEscape(id))
}

// FollowDepartment reads the department a reference stub (a User's Department) points to:
// its URL when it has one, else /v1/department/{ID}.
func (c *Client) FollowDepartment(ctx context.Context, ref Ref) (*Department, error) {
	if ref.URL == "" {
		return c.GetDepartment(ctx, ref.ID)
	}
	return c.getDepartment(ctx, ref.URL)
}

func (c *Client) getDepartment(ctx context.Context, path string) (*Department, error) {
	var w wireDepartment
	if err := c.call(ctx, path, nil, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, fmt.Errorf("%s: GET %s: the answer has no department id: %w", ProviderName, shownPath(path), unified.ErrInvalidValue)
	}
	d := w.department()
	return &d, nil
}
