package personio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime"
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

// employeesPage is the wire form of the employees list without its records, as
// scanEmployeesPage reads it.
type employeesPage struct {
	success               *bool
	total, current, pages flexInt
	offset, limit         flexInt
}

// scanEmployeesPage parses a whole GET /v1/company/employees answer in one pass with the
// scanner: {"success", "metadata": {...}, "offset", "limit", "data": [...]}. Each record
// goes to each as soon as it is parsed, with its index and its JSON, while its bytes are
// still in the processor's cache; the page it returns has no data. With reuse, the
// Attributes map of a record is cleared and filled again for the next one, so each must
// not keep it. An error of each comes back as a *consumerError.
func scanEmployeesPage(b []byte, reuse bool, each func(i int, rec *employeeJSON, raw []byte) error) (*employeesPage, error) {
	p := newEmployeeParser()
	pg := &employeesPage{}
	end, err := parseObject(b, skipSpace(b, 0), func(k []byte, i int) (int, error) {
		if keyIs(k, "data") && b[i] == '[' {
			var rec employeeJSON
			n := 0
			return parseArray(b, i, func(j int) (int, error) {
				yieldSometimes(n)
				attrs := rec.Attributes
				if reuse && attrs != nil {
					clear(attrs)
				} else {
					attrs = nil
				}
				rec = employeeJSON{Attributes: attrs}
				end, err := p.parseAt(b, j, &rec)
				if err != nil {
					return 0, fmt.Errorf("record %d: %w", n, err)
				}
				if err := each(n, &rec, b[j:end]); err != nil {
					return 0, &consumerError{err: err}
				}
				n++
				return end, nil
			})
		}
		end, err := skipValue(b, i)
		if err != nil {
			return 0, err
		}
		v := b[i:end]
		switch {
		case keyIs(k, "success"):
			switch string(v) {
			case "true", "false":
				ok := string(v) == "true"
				pg.success = &ok
			}
		case keyIs(k, "offset"):
			err = pg.offset.UnmarshalJSON(v)
		case keyIs(k, "limit"):
			err = pg.limit.UnmarshalJSON(v)
		case keyIs(k, "metadata") && v[0] == '{':
			err = scanObjectErr(v, func(mk, mv []byte) error {
				switch {
				case keyIs(mk, "total_elements"):
					return pg.total.UnmarshalJSON(mv)
				case keyIs(mk, "current_page"):
					return pg.current.UnmarshalJSON(mv)
				case keyIs(mk, "total_pages"):
					return pg.pages.UnmarshalJSON(mv)
				}
				return nil
			})
		}
		return end, err
	})
	if err != nil {
		return nil, err
	}
	if skipSpace(b, end) != len(b) {
		return nil, fmt.Errorf("unexpected data after the JSON object: %w", errJSONSyntax)
	}
	return pg, nil
}

// consumerError is an error of the code a parsed record was handed to (converting or
// mapping it), not of the body: getParsed returns its cause as it is, without fetching
// the body again.
type consumerError struct{ err error }

func (e *consumerError) Error() string { return e.err.Error() }
func (e *consumerError) Unwrap() error { return e.err }

func (r *employeesPage) page(o *ListEmployeesOptions, limit int) *EmployeesPage {
	p := &EmployeesPage{Offset: o.Offset, Limit: limit, Total: -1, CurrentPage: -1, TotalPages: -1}
	for _, f := range []struct {
		src flexInt
		dst *int
	}{{r.offset, &p.Offset}, {r.limit, &p.Limit}, {r.total, &p.Total}, {r.current, &p.CurrentPage}, {r.pages, &p.TotalPages}} {
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
	return c.listEmployees(ctx, opts, gates{})
}

// listEmployees is ListEmployees with its request and its parsing bounded by g.
func (c *Client) listEmployees(ctx context.Context, opts *ListEmployeesOptions, g gates) (*EmployeesPage, error) {
	emps := []Employee{}
	p, err := c.scanEmployees(ctx, opts, g, false, func(i int, e *Employee) error {
		emps = append(emps[:i], *e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.Employees = emps
	return p, nil
}

// scanEmployees reads the page of GET /v1/company/employees that opts selects, its request
// and its decoding bounded by g, and hands each employee to each as soon as its record is
// parsed and converted: i counts from 0, and starts again from 0 when a body that did not
// parse is fetched again. With reuse, each must not keep e or its Attributes (one map
// holds the attributes of every record in turn). An error of each ends the page and is
// returned as it is. The page returned has no Employees.
func (c *Client) scanEmployees(ctx context.Context, opts *ListEmployeesOptions, g gates, reuse bool, each func(i int, e *Employee) error) (*EmployeesPage, error) {
	var o ListEmployeesOptions
	if opts != nil {
		o = *opts
	}
	q, limit, err := employeesQuery(&o)
	if err != nil {
		return nil, err
	}
	req := c.request(&transport.Request{Path: "/v1/company/employees", Query: q})
	var pg *employeesPage
	// With reuse and without Raw, nothing refers to the body once its records are
	// handed over (the values in Attributes do, and e.Raw): its buffer serves again.
	recycle := reuse && !o.Raw
	err = c.getParsed(ctx, c.v1, req, g, recycle, func(body []byte) error {
		var err error
		pg, err = c.decodeEmployees(body, o.Raw, reuse, each)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := checkSuccess(pg.success, "GET /v1/company/employees"); err != nil {
		return nil, err
	}
	return pg.page(&o, limit), nil
}

// decodeEmployees parses an employee list body and converts each record into the
// Employee it hands to each (see scanEmployees), with the record's JSON in Employee.Raw
// when raw is set.
func (c *Client) decodeEmployees(body []byte, raw, reuse bool, each func(i int, e *Employee) error) (*employeesPage, error) {
	return scanEmployeesPage(body, reuse, func(i int, rec *employeeJSON, js []byte) error {
		var keep json.RawMessage
		if raw {
			keep = js
		}
		e, err := newEmployee(rec, keep, c.loc)
		if err != nil {
			return fmt.Errorf("personio: GET /v1/company/employees: record %d: %w", i, err)
		}
		return each(i, &e)
	})
}

// getParsed sends the idempotent GET req, reads the whole (capped) body and hands it to
// parse. A body cut short by a connection failure, or one that does not parse, is fetched
// again, up to the client's MaxAttempts; then the error matches unified.ErrUnavailable. It
// reads the body itself instead of decoding it with encoding/json: the employee scanner
// validates as it parses, and a second validating pass would double the CPU cost of a page.
// Each attempt holds a slot of g.net from before the request until the body has arrived,
// and one of g.decode while parse runs (which, for a listing, converts and maps the
// records too), so that decoding one page overlaps the requests for the next ones. With
// recycle, the body is read into a buffer of c.bodies and given back after parse, which
// must then keep nothing of it.
func (c *Client) getParsed(ctx context.Context, tc *transport.Client, req *transport.Request, g gates, recycle bool, parse func([]byte) error) error {
	var last error
	attempts := max(1, c.maxAttempts)
	var buf *[]byte
	if recycle && c.bodies != nil {
		buf = c.bodies.get()
		defer func() {
			if cap(*buf) <= maxRecycledBody {
				c.bodies.put(buf)
			}
		}()
	}
	for range attempts {
		if err := g.net.acquire(ctx); err != nil {
			return err
		}
		var into []byte
		if buf != nil {
			into = (*buf)[:0]
		}
		body, err := c.receive(ctx, tc, req, into)
		g.net.release()
		if buf != nil && cap(body) > cap(*buf) {
			*buf = body[:0]
		}
		switch {
		case err == nil:
			if g.peek != nil {
				g.peek(body)
			}
			if err := g.decode.acquire(ctx); err != nil {
				return err
			}
			err = parse(body)
			g.decode.release()
			var ce *consumerError
			switch {
			case err == nil:
				return nil
			case errors.As(err, &ce):
				return ce.err
			}
			last = fmt.Errorf("decoding the response: %w", err)
		case errors.Is(err, unified.ErrResponseTooLarge), ctx.Err() != nil:
			return err
		case !errors.Is(err, errBodyCut):
			return err // the request failed (the transport has retried what it could)
		default:
			last = fmt.Errorf("reading the response: %w", err)
		}
	}
	return fmt.Errorf("personio: GET %s: %w (after %d attempts): %w", req.Path, last, attempts, unified.ErrUnavailable)
}

// maxRecycledBody is the largest body buffer getParsed gives back for reuse: a page of
// 100 employees with every attribute is well under it, while an unpaged answer
// (updated_since) can be far larger and is better left to the collector.
const maxRecycledBody = 4 << 20

// errBodyCut marks a response body that could not be read to its end.
var errBodyCut = errors.New("the response body was cut short")

// receive sends req and reads the whole (capped) body into buf's array (when it has room
// for it; else a new one), in one allocation when the response has a Content-Length (the
// transport has refused one above its cap).
func (c *Client) receive(ctx context.Context, tc *transport.Client, req *transport.Request, buf []byte) ([]byte, error) {
	resp, err := tc.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b := bytes.NewBuffer(buf[:0])
	if resp.ContentLength > 0 {
		b.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	if _, err := b.ReadFrom(resp.Body); err != nil {
		if errors.Is(err, unified.ErrResponseTooLarge) || ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", errBodyCut, err)
	}
	return b.Bytes(), nil
}

// yieldSometimes gives up the processor before every yieldEvery-th record (i counts from
// 0) of a page being parsed, converted or mapped. Decoding a page is milliseconds of CPU
// that the Go scheduler does not interrupt; meanwhile responses to the other requests of
// a parallel listing arrive, and until some processor schedules, nobody reads them and
// their request slots stay taken. Yielding lets the goroutines that read them (and, for
// an in-process server, write them) run within a fraction of a millisecond. It costs
// well under a microsecond per yield.
func yieldSometimes(i int) {
	if i%yieldEvery == yieldEvery-1 {
		runtime.Gosched()
	}
}

// yieldEvery is how many records a decoding goroutine handles between yields: at about
// 10–30 µs per record (a v1 record parsed, converted and mapped, a v2 person mapped), a
// yield every few hundred microseconds.
const yieldEvery = 16

// requestSlots bounds how many goroutines do something at once; nil means no bound.
type requestSlots chan struct{}

// gates bound the requests on the network (net) and the pages being decoded (decode) of a
// listing; the zero value bounds nothing. peek, when set, sees every body that arrived
// before it is parsed (a body that then fails to parse included).
type gates struct {
	net, decode requestSlots
	peek        func(body []byte)
}

// scanTotal returns metadata.total_elements of a raw employee list body, without parsing
// the records; -1 when the body does not tell it (or is not JSON).
func scanTotal(body []byte) int {
	meta, err := member(bytes.TrimSpace(body), "metadata")
	if err != nil || len(meta) == 0 || meta[0] != '{' {
		return -1
	}
	v, err := member(meta, "total_elements")
	if err != nil || v == nil {
		return -1
	}
	var n flexInt
	if n.UnmarshalJSON(v) != nil || !n.Set || n.V < 0 {
		return -1
	}
	return n.V
}

// acquire waits for a free slot or the end of ctx.
func (s requestSlots) acquire(ctx context.Context) error {
	if s == nil {
		return nil
	}
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees a slot taken by acquire.
func (s requestSlots) release() {
	if s != nil {
		<-s
	}
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
	if err := newEmployeeParser().parse(resp.Data, &rec); err != nil {
		return nil, fmt.Errorf("personio: GET %s: %w: %w", path, err, unified.ErrInvalidValue)
	}
	e, err := newEmployee(&rec, resp.Data, c.loc)
	if err != nil {
		return nil, fmt.Errorf("personio: GET %s: %w", path, err)
	}
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
