package personio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

// MaxEmployeesLimit is the largest page GET /v1/company/employees serves (enforced by
// Personio since 2025; it used to be 200).
const MaxEmployeesLimit = 100

// updatedSinceLayout is the updated_since format of Personio's documentation.
const updatedSinceLayout = "2006-01-02T15:04:05"

// ListEmployeesOptions selects a page of GET /v1/company/employees.
type ListEmployeesOptions struct {
	// Limit is the page size, 1 to MaxEmployeesLimit; 0 means MaxEmployeesLimit. It is
	// always sent: without it Personio silently serves 50.
	Limit int
	// Offset is the 0-based record offset of the page.
	Offset int
	// Email keeps only the employee with this email address.
	Email string
	// Attributes, when set, asks only for these attribute keys (attributes[]); the id
	// always comes back. With UpdatedSince, Personio treats the list as a filter instead
	// (employees where one of these attributes changed).
	Attributes []string
	// UpdatedSince keeps employees changed at or after this instant. Personio then ignores
	// Email, Limit and Offset and returns every match in one response. It is sent as UTC
	// wall-clock time without a zone ("2022-12-24T08:15:30"), the documented form; a server
	// that reads it in a zone east of UTC returns a superset, never less.
	UpdatedSince time.Time
	// Raw keeps each record's JSON in Employee.Raw.
	Raw bool
}

// EmployeesPage is one page of employees.
type EmployeesPage struct {
	Employees []Employee
	// Offset and Limit as Personio echoed them (as requested when it did not).
	Offset int
	Limit  int
	// Total is metadata.total_elements: the number of employees in the whole listing, or
	// -1 when the response has no metadata.
	Total int
	// CurrentPage (0-based) and TotalPages from the metadata; -1 when absent.
	CurrentPage int
	TotalPages  int
}

// employeesPageJSON is the wire form of a GET /v1/company/employees answer. Data points to
// the slice the records decode into ([]employeeJSON, []json.RawMessage when the records'
// JSON is kept, or a Directory's records): encoding/json decodes into the value a non-nil
// interface points to.
type employeesPageJSON struct {
	Success  *bool `json:"success"`
	Metadata struct {
		TotalElements flexInt `json:"total_elements"`
		CurrentPage   flexInt `json:"current_page"`
		TotalPages    flexInt `json:"total_pages"`
	} `json:"metadata"`
	Offset flexInt `json:"offset"`
	Limit  flexInt `json:"limit"`
	Data   any     `json:"data"`
}

// page returns the page's numbers, from the response where it has them, else as asked.
func (r *employeesPageJSON) page(o *ListEmployeesOptions, limit int) *EmployeesPage {
	p := &EmployeesPage{Offset: o.Offset, Limit: limit, Total: -1, CurrentPage: -1, TotalPages: -1}
	for _, f := range []struct {
		src flexInt
		dst *int
	}{{r.Offset, &p.Offset}, {r.Limit, &p.Limit}, {r.Metadata.TotalElements, &p.Total}, {r.Metadata.CurrentPage, &p.CurrentPage}, {r.Metadata.TotalPages, &p.TotalPages}} {
		if f.src.Set {
			*f.dst = f.src.V
		}
	}
	return p
}

// employeesQuery validates o and builds the query. It always sends limit and offset.
func employeesQuery(o *ListEmployeesOptions) (url.Values, int, error) {
	limit := o.Limit
	switch {
	case limit == 0:
		limit = MaxEmployeesLimit
	case limit < 0 || limit > MaxEmployeesLimit:
		return nil, 0, fmt.Errorf("personio: ListEmployeesOptions.Limit %d is out of range 1..%d: %w", o.Limit, MaxEmployeesLimit, unified.ErrInvalidValue)
	}
	if o.Offset < 0 {
		return nil, 0, fmt.Errorf("personio: ListEmployeesOptions.Offset %d is negative: %w", o.Offset, unified.ErrInvalidValue)
	}
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(o.Offset))
	if e := strings.TrimSpace(o.Email); e != "" {
		q.Set("email", e)
	}
	for i, a := range o.Attributes {
		if a == "" || strings.ContainsFunc(a, isSpaceOrControl) {
			return nil, 0, fmt.Errorf("personio: ListEmployeesOptions.Attributes[%d] %q is not an attribute key: %w", i, clipText(a), unified.ErrInvalidValue)
		}
		q.Add("attributes[]", a)
	}
	if !o.UpdatedSince.IsZero() {
		q.Set("updated_since", o.UpdatedSince.UTC().Format(updatedSinceLayout))
	}
	return q, limit, nil
}

// ListEmployees returns one page of GET /v1/company/employees. A nil opts means the first
// page of 100. To read everything, advance Offset by the number of records received until
// it reaches Total, or use a [Directory], which also heals changes made during the
// listing.
func (c *Client) ListEmployees(ctx context.Context, opts *ListEmployeesOptions) (*EmployeesPage, error) {
	var o ListEmployeesOptions
	if opts != nil {
		o = *opts
	}
	var records []employeeJSON
	p, raws, err := getEmployees(ctx, c, &o, &records)
	if err != nil {
		return nil, err
	}
	p.Employees = make([]Employee, len(records))
	for i := range records {
		var raw json.RawMessage
		if raws != nil {
			raw = raws[i]
		}
		if p.Employees[i], err = newEmployee(&records[i], raw); err != nil {
			return nil, fmt.Errorf("personio: GET /v1/company/employees: record %d: %w", i, err)
		}
		p.Employees[i].fill(c.loc)
	}
	return p, nil
}

// getEmployees sends GET /v1/company/employees for o and decodes the answer, its records
// into records (a pointer to a slice): with the page, or, when o.Raw, one by one from
// their JSON, which it returns too.
func getEmployees(ctx context.Context, c *Client, o *ListEmployeesOptions, records any) (*EmployeesPage, []json.RawMessage, error) {
	q, limit, err := employeesQuery(o)
	if err != nil {
		return nil, nil, err
	}
	const path = "/v1/company/employees"
	var raws []json.RawMessage
	resp := employeesPageJSON{Data: records}
	if o.Raw {
		resp.Data = &raws
	}
	if _, err := c.v1.DoJSON(ctx, c.request(&transport.Request{Path: path, Query: q}), &resp); err != nil {
		return nil, nil, err
	}
	if err := checkSuccess(resp.Success, "GET "+path); err != nil {
		return nil, nil, err
	}
	if o.Raw {
		s := reflect.ValueOf(records).Elem()
		s.Set(reflect.MakeSlice(s.Type(), len(raws), len(raws)))
		for i, raw := range raws {
			if err := json.Unmarshal(raw, s.Index(i).Addr().Interface()); err != nil {
				return nil, nil, fmt.Errorf("personio: GET %s: record %d: %w: %w", path, i, err, unified.ErrInvalidValue)
			}
		}
	}
	return resp.page(o, limit), raws, nil
}

// GetEmployee returns the employee with the given id (GET /v1/company/employees/{id}),
// with Raw set. An unknown id fails with an error matching unified.ErrNotFound.
func (c *Client) GetEmployee(ctx context.Context, id int) (*Employee, error) {
	if id <= 0 {
		return nil, fmt.Errorf("personio: employee id %d: ids are positive: %w", id, unified.ErrNotFound)
	}
	var resp struct {
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
	}
	path := "/v1/company/employees/" + strconv.Itoa(id)
	if _, err := c.v1.DoJSON(ctx, c.request(&transport.Request{Path: path}), &resp); err != nil {
		return nil, err
	}
	if err := checkSuccess(resp.Success, "GET "+path); err != nil {
		return nil, err
	}
	if isNullJSON(resp.Data) {
		return nil, fmt.Errorf("personio: GET %s: the response holds no employee: %w", path, unified.ErrNotFound)
	}
	var rec employeeJSON
	if err := json.Unmarshal(resp.Data, &rec); err != nil {
		return nil, fmt.Errorf("personio: GET %s: %w: %w", path, err, unified.ErrInvalidValue)
	}
	e, err := newEmployee(&rec, resp.Data)
	if err != nil {
		return nil, fmt.Errorf("personio: GET %s: %w", path, err)
	}
	e.fill(c.loc)
	return &e, nil
}

// Attributes lists the employee attributes the API credentials can read, custom ones
// included (GET /v1/company/employees/attributes). Labels are in the credentials'
// language.
func (c *Client) Attributes(ctx context.Context) ([]AttributeInfo, error) {
	var resp struct {
		Success *bool `json:"success"`
		Data    []struct {
			Key         flexString `json:"key"`
			Label       string     `json:"label"`
			Type        string     `json:"type"`
			UniversalID string     `json:"universal_id"`
		} `json:"data"`
	}
	const path = "/v1/company/employees/attributes"
	if _, err := c.v1.DoJSON(ctx, c.request(&transport.Request{Path: path}), &resp); err != nil {
		return nil, err
	}
	if err := checkSuccess(resp.Success, "GET "+path); err != nil {
		return nil, err
	}
	out := make([]AttributeInfo, 0, len(resp.Data))
	for _, a := range resp.Data {
		if a.Key == "" {
			continue
		}
		out = append(out, AttributeInfo{Key: string(a.Key), Label: a.Label, Type: a.Type, UniversalID: a.UniversalID})
	}
	return out, nil
}

// checkSuccess turns a 2xx v1 answer with "success": false into an error.
func checkSuccess(success *bool, what string) error {
	if success != nil && !*success {
		return fmt.Errorf("personio: %s: the API answered success=false: %w", what, unified.ErrUnavailable)
	}
	return nil
}
