package lattice_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/hrisconnect/hrisconnect/lattice"
	"github.com/hrisconnect/hrisconnect/unified"
)

// sampleUser is the user object of the API notes (§1.7), with absolute and path URLs
// mixed as a client must accept both.
const sampleUser = `{
  "id": "52d2420e-cbd0-11ec-bfdd-93fec5413bdc",
  "object": "user",
  "url": "/v1/user/52d2420e-cbd0-11ec-bfdd-93fec5413bdc",
  "name": "Ada Lovelace",
  "preferredName": "Ada",
  "email": "ada@example.com",
  "title": "Staff Engineer",
  "status": "ACTIVE",
  "isAdmin": false,
  "externalUserId": "HR-1042",
  "startDate": "2021-03-01",
  "birthDate": "1990-12-10",
  "gender": "Female",
  "timezone": "America/Los_Angeles",
  "jobFunction": null, "jobLevel": null, "jobType": null,
  "manager": {"object": "user", "id": "52d2780a", "url": "https://api.latticehq.com/v1/user/52d2780a"},
  "department": {"object": "department", "id": "7f0c", "url": "/v1/department/7f0c"},
  "directReports": {"object": "list", "url": "/v1/user/52d2420e-cbd0-11ec-bfdd-93fec5413bdc/directReports"},
  "tasks": {"object": "list", "url": "/v1/user/52d2420e-cbd0-11ec-bfdd-93fec5413bdc/tasks"},
  "customAttributes": {"object": "list", "url": "https://api.latticehq.com/v1/user/52d2420e-cbd0-11ec-bfdd-93fec5413bdc/customAttributes"},
  "createdAt": 1651584000,
  "updatedAt": 1654125498
}`

func datePtr(y int, m time.Month, d int) *unified.Date {
	v := unified.NewDate(y, m, d)
	return &v
}

func TestDecodeUser(t *testing.T) {
	t.Parallel()
	const id = "52d2420e-cbd0-11ec-bfdd-93fec5413bdc"
	tests := []struct {
		name string
		json string
		want lattice.User
	}{
		{
			name: "api notes sample",
			json: sampleUser,
			want: lattice.User{
				ID: id, Object: "user", URL: "/v1/user/" + id,
				Name: "Ada Lovelace", PreferredName: "Ada", Email: "ada@example.com", Title: "Staff Engineer",
				Status: "ACTIVE", ExternalUserID: "HR-1042",
				StartDate: datePtr(2021, time.March, 1), BirthDate: datePtr(1990, time.December, 10),
				Gender: "Female", Timezone: "America/Los_Angeles",
				Manager:          &lattice.Ref{Object: "user", ID: "52d2780a", URL: "https://api.latticehq.com/v1/user/52d2780a"},
				Department:       &lattice.Ref{Object: "department", ID: "7f0c", URL: "/v1/department/7f0c"},
				DirectReports:    &lattice.Ref{Object: "list", URL: "/v1/user/" + id + "/directReports"},
				Tasks:            &lattice.Ref{Object: "list", URL: "/v1/user/" + id + "/tasks"},
				CustomAttributes: &lattice.Ref{Object: "list", URL: "https://api.latticehq.com/v1/user/" + id + "/customAttributes"},
				CreatedAt:        time.Date(2022, time.May, 3, 13, 20, 0, 0, time.UTC),
				UpdatedAt:        time.Date(2022, time.June, 1, 23, 18, 18, 0, time.UTC),
			},
		},
		{
			name: "nulls everywhere",
			json: `{"id":"u1","object":"user","url":null,"name":null,"preferredName":null,"email":null,"title":null,
				"status":null,"isAdmin":null,"externalUserId":null,"startDate":null,"birthDate":null,"gender":null,
				"timezone":null,"jobFunction":null,"jobLevel":null,"jobType":null,"manager":null,"department":null,
				"directReports":null,"tasks":null,"customAttributes":null,"createdAt":null,"updatedAt":null}`,
			want: lattice.User{ID: "u1", Object: "user"},
		},
		{
			name: "fields missing",
			json: `{"id":"u1"}`,
			want: lattice.User{ID: "u1"},
		},
		{
			name: "loose encodings",
			json: `{"id":"u1","externalUserId":1042,"jobLevel":{"id":"l3","name":"L3"},"jobType":"FULL_TIME","jobFunction":7,
				"startDate":"2021-03-01T00:00:00+01:00","birthDate":"","createdAt":"1651584000","updatedAt":"2022-06-01T23:18:18Z",
				"manager":{},"department":{"object":"department"}}`,
			want: lattice.User{
				ID: "u1", ExternalUserID: "1042", JobLevel: "L3", JobType: "FULL_TIME", JobFunction: "7",
				StartDate: datePtr(2021, time.March, 1),
				CreatedAt: time.Date(2022, time.May, 3, 13, 20, 0, 0, time.UTC),
				UpdatedAt: time.Date(2022, time.June, 1, 23, 18, 18, 0, time.UTC),
			},
		},
		{
			name: "millisecond and fractional timestamps",
			json: `{"id":"u1","createdAt":1651584000000,"updatedAt":1654125498.5}`,
			want: lattice.User{
				ID:        "u1",
				CreatedAt: time.Date(2022, time.May, 3, 13, 20, 0, 0, time.UTC),
				UpdatedAt: time.Date(2022, time.June, 1, 23, 18, 18, 500_000_000, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, lattice.Config{})
			mt.RegisterResponder("GET", apiBase+"/v1/users", jsonResponder(nil, 200, listJSON(false, "", tt.json)))
			mt.RegisterResponder("GET", apiBase+"/v1/user/u1", jsonResponder(nil, 200, tt.json))
			p, err := c.ListUsers(context.Background(), nil)
			if err != nil {
				t.Fatalf("ListUsers: %v", err)
			}
			if len(p.Data) != 1 {
				t.Fatalf("%d users, want 1", len(p.Data))
			}
			if diff := cmp.Diff(tt.want, p.Data[0]); diff != "" {
				t.Errorf("decoded user (-want +got):\n%s", diff)
			}
			// json.Unmarshal reads the API form too, and what json.Marshal makes of a User.
			var u lattice.User
			if err := json.Unmarshal([]byte(tt.json), &u); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(u)
			if err != nil {
				t.Fatal(err)
			}
			var back lattice.User
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", b, err)
			}
			if diff := cmp.Diff(tt.want, back); diff != "" {
				t.Errorf("JSON round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeUserErrors(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"timestamp text":   `{"id":"u1","createdAt":"yesterday"}`,
		"timestamp object": `{"id":"u1","updatedAt":{"s":1}}`,
		"date not ISO":     `{"id":"u1","startDate":"01/03/2021"}`,
		"date number":      `{"id":"u1","birthDate":19901210}`,
		"impossible date":  `{"id":"u1","birthDate":"1990-02-30"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, lattice.Config{MaxAttempts: 1})
			mt.RegisterResponder("GET", apiBase+"/v1/users", jsonResponder(nil, 200, listJSON(false, "", body)))
			_, err := c.ListUsers(context.Background(), nil)
			if !errors.Is(err, unified.ErrInvalidValue) {
				t.Errorf("err = %v, want ErrInvalidValue", err)
			}
		})
	}
}

func TestListUsersQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *lattice.ListUsersOptions
		want url.Values
	}{
		{"nil asks for 100 of every status", nil, url.Values{"limit": {"100"}, "status": {"NULL"}}},
		{"zero value", &lattice.ListUsersOptions{}, url.Values{"limit": {"100"}, "status": {"NULL"}}},
		{"small page", &lattice.ListUsersOptions{Limit: 10}, url.Values{"limit": {"10"}, "status": {"NULL"}}},
		{"capped at 100", &lattice.ListUsersOptions{Limit: 1000}, url.Values{"limit": {"100"}, "status": {"NULL"}}},
		{"cursor", &lattice.ListUsersOptions{StartingAfter: "c/1+2"}, url.Values{"limit": {"100"}, "startingAfter": {"c/1+2"}, "status": {"NULL"}}},
		{"leavers", &lattice.ListUsersOptions{Statuses: []unified.Status{unified.StatusInactive}}, url.Values{"limit": {"100"}, "status": {"DEACTIVATED"}}},
		{"active", &lattice.ListUsersOptions{Statuses: []unified.Status{unified.StatusActive}}, url.Values{"limit": {"100"}, "status": {"ACTIVE"}}},
		{"several statuses repeat the parameter", &lattice.ListUsersOptions{Statuses: []unified.Status{unified.StatusInvited, unified.StatusOnboarding}},
			url.Values{"limit": {"100"}, "status": {"INVITED", "CREATED"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, lattice.Config{})
			rec := &recorder{}
			mt.RegisterResponder("GET", apiBase+"/v1/users", jsonResponder(rec, 200, listJSON(false, "")))
			if _, err := c.ListUsers(context.Background(), tt.opts); err != nil {
				t.Fatal(err)
			}
			req := rec.all()[0]
			if req.URL.Path != "/v1/users" {
				t.Errorf("path = %q", req.URL.Path)
			}
			if diff := cmp.Diff(tt.want, req.URL.Query()); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListOptionsErrors(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["negative limit"] = c.ListUsers(ctx, &lattice.ListUsersOptions{Limit: -1})
	_, checks["status with no Lattice equivalent"] = c.ListUsers(ctx, &lattice.ListUsersOptions{Statuses: []unified.Status{unified.StatusLeave}})
	_, checks["negative department limit"] = c.ListDepartments(ctx, &lattice.PageOptions{Limit: -5})
	_, checks["empty user id"] = c.GetUser(ctx, " ")
	_, checks["dot user id"] = c.GetUser(ctx, "..")
	_, checks["empty department id"] = c.GetDepartment(ctx, "")
	_, checks["direct reports of nobody"] = c.DirectReports(ctx, "", nil)
	_, checks["custom attributes of nobody"] = c.CustomAttributes(ctx, "", nil)
	_, checks["list ref without url"] = c.FollowUsers(ctx, lattice.Ref{Object: "list"}, nil)
	for name, err := range checks {
		if !errors.Is(err, unified.ErrInvalidValue) {
			t.Errorf("%s: err = %v, want ErrInvalidValue", name, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestItemPaths(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	rec := &recorder{}
	for _, p := range []string{"/v1/me", "/v1/user/abc", `=~^https://api\.latticehq\.com/v1/user/a%2Fb\z`} {
		u := apiBase + p
		if strings.HasPrefix(p, "=~") {
			u = p
		}
		mt.RegisterResponder("GET", u, jsonResponder(rec, 200, userJSON("x")))
	}
	mt.RegisterResponder("GET", apiBase+"/v1/department/d1",
		jsonResponder(rec, 200, `{"id":"d1","object":"department","url":"/v1/department/d1","name":"Engineering","description":null,"createdAt":1651584000}`))
	ctx := context.Background()
	if _, err := c.Me(ctx); err != nil {
		t.Error(err)
	}
	if _, err := c.GetUser(ctx, "abc"); err != nil {
		t.Error(err)
	}
	if _, err := c.GetUser(ctx, "a/b"); err != nil {
		t.Error(err)
	}
	dep, err := c.GetDepartment(ctx, "d1")
	if err != nil {
		t.Fatal(err)
	}
	want := &lattice.Department{ID: "d1", Object: "department", URL: "/v1/department/d1", Name: "Engineering",
		CreatedAt: time.Date(2022, time.May, 3, 13, 20, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, dep); diff != "" {
		t.Errorf("department (-want +got):\n%s", diff)
	}
	var paths []string
	for _, r := range rec.all() {
		paths = append(paths, r.URL.EscapedPath())
	}
	if diff := cmp.Diff([]string{"/v1/me", "/v1/user/abc", "/v1/user/a%2Fb", "/v1/department/d1"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func TestFollowReferences(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	rec := &recorder{}
	mt.RegisterResponder("GET", apiBase+"/v1/user/52d2420e-cbd0-11ec-bfdd-93fec5413bdc/directReports",
		jsonResponder(rec, 200, listJSON(false, "", userJSON("r1"), userJSON("r2"))))
	mt.RegisterResponder("GET", apiBase+"/v1/user/52d2420e-cbd0-11ec-bfdd-93fec5413bdc/customAttributes",
		jsonResponder(rec, 200, listJSON(false, "", `{"id":"v1","object":"customAttributeValue","attribute":{"id":"a1","object":"customAttribute","name":"Location","description":null,"type":"TEXT"},"value":"London"}`)))
	mt.RegisterResponder("GET", apiBase+"/v1/user/52d2780a", jsonResponder(rec, 200, userJSON("52d2780a")))
	mt.RegisterResponder("GET", apiBase+"/v1/department/7f0c",
		jsonResponder(rec, 200, `{"id":"7f0c","object":"department","name":"Engineering"}`))
	var u lattice.User
	if err := json.Unmarshal([]byte(sampleUser), &u); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reports, err := c.FollowUsers(ctx, *u.DirectReports, &lattice.PageOptions{Limit: 50}) // a path
	if err != nil {
		t.Fatal(err)
	}
	if len(reports.Data) != 2 || reports.Data[1].ID != "r2" {
		t.Errorf("reports = %+v", reports.Data)
	}
	vals, err := c.FollowCustomAttributes(ctx, *u.CustomAttributes, nil) // an absolute URL
	if err != nil {
		t.Fatal(err)
	}
	if len(vals.Data) != 1 || vals.Data[0].Attribute.Name != "Location" || vals.Data[0].Text() != "London" {
		t.Errorf("values = %+v", vals.Data)
	}
	m, err := c.FollowUser(ctx, *u.Manager) // an absolute URL
	if err != nil || m.ID != "52d2780a" {
		t.Errorf("manager = %+v, %v", m, err)
	}
	if _, err := c.FollowUser(ctx, lattice.Ref{Object: "user", ID: "52d2780a"}); err != nil { // no URL: by ID
		t.Errorf("manager by id: %v", err)
	}
	dep, err := c.FollowDepartment(ctx, *u.Department)
	if err != nil || dep.Name != "Engineering" {
		t.Errorf("department = %+v, %v", dep, err)
	}
	if got := rec.all()[0].URL.Query().Get("limit"); got != "50" {
		t.Errorf("limit = %q, want 50", got)
	}
}

func TestCustomAttributeValueText(t *testing.T) {
	t.Parallel()
	tests := []struct{ value, want string }{
		{`"London"`, "London"},
		{`42`, "42"},
		{`2.5`, "2.5"},
		{`true`, "true"},
		{`null`, ""},
		{`["Go","Rust"]`, "Go, Rust"},
		{`{"id":"o1","name":"Option 1"}`, "Option 1"},
		{`{"value":"v"}`, "v"},
		{`{"x":1}`, `{"x":1}`},
	}
	for _, tt := range tests {
		var v lattice.CustomAttributeValue
		if err := json.Unmarshal([]byte(`{"id":"v","attribute":{"id":"a"},"value":`+tt.value+`}`), &v); err != nil {
			t.Fatal(err)
		}
		if got := v.Text(); got != tt.want {
			t.Errorf("Text(%s) = %q, want %q", tt.value, got, tt.want)
		}
		if tt.value == "null" && v.Value != nil {
			t.Errorf("null value kept as %q", v.Value)
		}
	}
}

// pagedResponder serves pages keyed by the startingAfter they answer.
func pagedResponder(rec *recorder, pages map[string]string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		body, ok := pages[req.URL.Query().Get("startingAfter")]
		if !ok {
			return httpmock.NewStringResponse(400, `{"error":"unknown cursor"}`), nil
		}
		return httpmock.NewStringResponse(200, body), nil
	}
}

func collectIDs(t *testing.T, seq func(func(lattice.User, error) bool)) ([]string, []error) {
	t.Helper()
	var ids []string
	var errs []error
	for u, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, u.ID)
	}
	return ids, errs
}

func TestUsersIterator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		pages    map[string]string
		wantIDs  []string
		wantErr  error
		wantReqs int
	}{
		{
			name: "stops when hasMore is false",
			pages: map[string]string{
				"":   listJSON(true, "c1", userJSON("u1"), userJSON("u2")),
				"c1": listJSON(false, "", userJSON("u3")),
			},
			wantIDs: []string{"u1", "u2", "u3"}, wantReqs: 2,
		},
		{
			name: "an empty page with more does not stop",
			pages: map[string]string{
				"":   listJSON(true, "c1", userJSON("u1")),
				"c1": listJSON(true, "c2"),
				"c2": listJSON(false, "", userJSON("u2")),
			},
			wantIDs: []string{"u1", "u2"}, wantReqs: 3,
		},
		{
			name: "hasMore without a cursor ends",
			pages: map[string]string{
				"":   listJSON(true, "c1", userJSON("u1")),
				"c1": listJSON(true, "", userJSON("u2")),
			},
			wantIDs: []string{"u1", "u2"}, wantReqs: 2,
		},
		{
			name: "a repeated cursor fails",
			pages: map[string]string{
				"":   listJSON(true, "c1", userJSON("u1")),
				"c1": listJSON(true, "c1", userJSON("u2")),
			},
			wantIDs: []string{"u1", "u2"}, wantErr: unified.ErrCursorLoop, wantReqs: 2,
		},
		{
			name: "a loop A→B→A fails",
			pages: map[string]string{
				"":  listJSON(true, "A", userJSON("u1")),
				"A": listJSON(true, "B", userJSON("u2")),
				"B": listJSON(true, "A", userJSON("u3")),
			},
			wantIDs: []string{"u1", "u2", "u3"}, wantErr: unified.ErrCursorLoop, wantReqs: 3,
		},
		{
			name: "an error is yielded once",
			pages: map[string]string{
				"": listJSON(true, "gone", userJSON("u1")),
			},
			wantIDs: []string{"u1"}, wantErr: unified.ErrInvalidRequest, wantReqs: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, lattice.Config{})
			rec := &recorder{}
			mt.RegisterResponder("GET", apiBase+"/v1/users", pagedResponder(rec, tt.pages))
			opts := &lattice.ListUsersOptions{Statuses: []unified.Status{unified.StatusInactive}, Limit: 2}
			seq := c.Users(context.Background(), opts)
			opts.Limit, opts.Statuses[0] = 99, unified.StatusActive // the iterator copied opts
			ids, errs := collectIDs(t, seq)
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantErr == nil && len(errs) > 0:
				t.Errorf("errors %v", errs)
			case tt.wantErr != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.wantErr)):
				t.Errorf("errors %v, want one %v", errs, tt.wantErr)
			}
			reqs := rec.all()
			if len(reqs) != tt.wantReqs {
				t.Errorf("%d requests, want %d", len(reqs), tt.wantReqs)
			}
			for _, r := range reqs {
				if q := r.URL.Query(); q.Get("limit") != "2" || q.Get("status") != "DEACTIVATED" {
					t.Errorf("request query %v, want the options as given", q)
				}
			}
			// A second range starts again.
			if ids2, _ := collectIDs(t, seq); !cmp.Equal(ids, ids2) {
				t.Errorf("second range = %v, want %v", ids2, ids)
			}
		})
	}
}

func TestIteratorStopsOnBreakAndCancel(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	rec := &recorder{}
	mt.RegisterResponder("GET", apiBase+"/v1/departments", pagedResponder(rec, map[string]string{
		"":   listJSON(true, "c1", `{"id":"d1","name":"A"}`, `{"id":"d2","name":"B"}`),
		"c1": listJSON(false, "", `{"id":"d3","name":"C"}`),
	}))
	for range c.Departments(context.Background(), nil) {
		break
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests after a break on the first item, want 1", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	for _, err := range c.Departments(ctx, nil) {
		n++
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	}
	if n != 1 || len(rec.all()) != 1 {
		t.Errorf("cancelled iterator yielded %d times and sent %d requests, want 1 and none", n, len(rec.all())-1)
	}
}

func TestDirectReportsAndCustomAttributesIterators(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	rec := &recorder{}
	mt.RegisterResponder("GET", apiBase+"/v1/user/boss/directReports", pagedResponder(rec, map[string]string{
		"":   listJSON(true, "r1", userJSON("r1")),
		"r1": listJSON(false, "", userJSON("r2")),
	}))
	mt.RegisterResponder("GET", apiBase+"/v1/user/boss/customAttributes", pagedResponder(rec, map[string]string{
		"": listJSON(false, "", `{"id":"v1","attribute":{"id":"a1","name":"Shoe size","type":"NUMBER"},"value":44}`),
	}))
	ids, errs := collectIDs(t, c.DirectReportsIter(context.Background(), "boss", nil))
	if len(errs) > 0 || !cmp.Equal(ids, []string{"r1", "r2"}) {
		t.Errorf("reports %v, errors %v", ids, errs)
	}
	var vals []string
	for v, err := range c.CustomAttributesIter(context.Background(), "boss", &lattice.PageOptions{Limit: 7}) {
		if err != nil {
			t.Fatal(err)
		}
		vals = append(vals, v.Attribute.Name+"="+v.Text())
	}
	if !cmp.Equal(vals, []string{"Shoe size=44"}) {
		t.Errorf("values %v", vals)
	}
}

func TestNotAList(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	mt.RegisterResponder("GET", apiBase+"/v1/users", jsonResponder(nil, 200, userJSON("u1")))
	if _, err := c.ListUsers(context.Background(), nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("err = %v, want ErrInvalidValue for a user where a list was expected", err)
	}
}

func TestNilContext(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	d := c.Directory()
	var nilCtx context.Context // a programming error, reported instead of a panic
	errs := map[string]error{}
	_, errs["Me"] = c.Me(nilCtx)
	_, errs["ListUsers"] = c.ListUsers(nilCtx, nil)
	for _, err := range c.Users(nilCtx, nil) {
		errs["Users"] = err
	}
	_, errs["Directory.ListUsers"] = d.ListUsers(nilCtx, nil)
	_, errs["Directory.GetUser"] = d.GetUser(nilCtx, "x")
	_, errs["Directory.Me"] = d.Me(nilCtx)
	for _, err := range d.StreamUsers(nilCtx, nil) {
		errs["StreamUsers"] = err
	}
	for name, err := range errs {
		if !errors.Is(err, unified.ErrInvalidValue) {
			t.Errorf("%s: err = %v, want ErrInvalidValue", name, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests", n)
	}
}

func TestListDepartments(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, lattice.Config{})
	rec := &recorder{}
	mt.RegisterResponder("GET", apiBase+"/v1/departments", jsonResponder(rec, 200, listJSON(true, "d2",
		`{"id":"d1","object":"department","url":"/v1/department/d1","name":"Engineering","description":"Builds things","createdAt":1651584000}`,
		`{"id":"d2","object":"department","url":null,"name":null,"description":null,"createdAt":null}`)))
	p, err := c.ListDepartments(context.Background(), &lattice.PageOptions{Limit: 2, StartingAfter: "d0"})
	if err != nil {
		t.Fatal(err)
	}
	want := &lattice.DepartmentsPage{HasMore: true, EndingCursor: "d2", Data: []lattice.Department{
		{ID: "d1", Object: "department", URL: "/v1/department/d1", Name: "Engineering", Description: "Builds things",
			CreatedAt: time.Date(2022, time.May, 3, 13, 20, 0, 0, time.UTC)},
		{ID: "d2", Object: "department"},
	}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	if p.Next() != "d2" {
		t.Errorf("Next() = %q", p.Next())
	}
	if diff := cmp.Diff(url.Values{"limit": {"2"}, "startingAfter": {"d0"}}, rec.all()[0].URL.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	var last *lattice.DepartmentsPage
	if last.Next() != "" || (&lattice.DepartmentsPage{EndingCursor: "x"}).Next() != "" {
		t.Error("Next of a nil page or a page without more is not empty")
	}
}
