package personio

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/unified"
)

const employeesURL = testBase + "/v1/company/employees"

func TestListEmployeesQuery(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name string
		opts *ListEmployeesOptions
		want url.Values
	}{
		{"nil options: limit and offset always sent", nil, url.Values{"limit": {"100"}, "offset": {"0"}}},
		{"page", &ListEmployeesOptions{Limit: 20, Offset: 40}, url.Values{"limit": {"20"}, "offset": {"40"}}},
		{"email", &ListEmployeesOptions{Email: " ada@example.com "}, url.Values{"limit": {"100"}, "offset": {"0"}, "email": {"ada@example.com"}}},
		{"attributes", &ListEmployeesOptions{Attributes: []string{"first_name", "dynamic_24407"}},
			url.Values{"limit": {"100"}, "offset": {"0"}, "attributes[]": {"first_name", "dynamic_24407"}}},
		{"updated since in UTC wall time", &ListEmployeesOptions{UpdatedSince: time.Date(2022, 12, 24, 9, 15, 30, 0, berlin)},
			url.Values{"limit": {"100"}, "offset": {"0"}, "updated_since": {"2022-12-24T08:15:30"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			registerTokens(mt)
			var got url.Values
			mt.RegisterResponder(http.MethodGet, employeesURL, func(req *http.Request) (*http.Response, error) {
				got = req.URL.Query()
				return newResponse(req, 200, `{"success":true,"metadata":{"total_elements":0},"data":[]}`), nil
			})
			if _, err := c.ListEmployees(t.Context(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListEmployeesInvalidOptions(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	for name, o := range map[string]*ListEmployeesOptions{
		"limit too large": {Limit: 101},
		"negative limit":  {Limit: -1},
		"negative offset": {Offset: -5},
		"bad attribute":   {Attributes: []string{"first name"}},
		"empty attribute": {Attributes: []string{""}},
	} {
		if _, err := c.ListEmployees(t.Context(), o); !errors.Is(err, unified.ErrInvalidValue) {
			t.Errorf("%s: err = %v, want ErrInvalidValue", name, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests were sent for invalid options", n)
	}
}

// fullEmployee is api-notes §1.4's example record, with a custom date attribute.
const fullEmployee = `{
  "type": "Employee",
  "attributes": {
    "id": {"label": "ID", "value": 1, "type": "integer", "universal_id": "id"},
    "first_name": {"label": "First name", "value": "Alexander", "type": "standard", "universal_id": "first_name"},
    "last_name": {"label": "Last name", "value": "Bergmann", "type": "standard", "universal_id": "last_name"},
    "preferred_name": {"label": "Name (preferred)", "value": "Alexander Bergmann", "type": "standard", "universal_id": "preferred_name"},
    "email": {"label": "Email", "value": "alexander.bergmann@demo.email", "type": "standard", "universal_id": "email"},
    "gender": {"label": "Gender", "value": "male", "type": "standard", "universal_id": "gender"},
    "status": {"label": "Status", "value": "active", "type": "standard", "universal_id": "status"},
    "position": {"label": "Position", "value": "CTO", "type": "standard", "universal_id": "position"},
    "supervisor": {"label": "Supervisor", "type": "standard", "universal_id": "supervisor",
      "value": {"type": "Employee", "attributes": {
        "id": {"label": "ID", "value": 2, "type": "integer", "universal_id": "id"},
        "first_name": {"label": "First name", "value": "Berta", "type": "standard", "universal_id": "first_name"},
        "last_name": {"label": "Last name", "value": "Böhm", "type": "standard", "universal_id": "last_name"},
        "email": {"label": "Email", "value": "berta.boehm@demo.email", "type": "standard", "universal_id": "email"}}}},
    "employment_type": {"label": "Employment type", "value": "external", "type": "standard", "universal_id": "employment_type"},
    "weekly_working_hours": {"label": "Weekly hours", "value": "40", "type": "standard", "universal_id": "weekly_working_hours"},
    "hire_date": {"label": "Hire date", "value": "2014-11-08T23:00:00.000Z", "type": "date", "universal_id": "hire_date"},
    "contract_end_date": {"label": "Contract ends", "value": null, "type": "date", "universal_id": "contract_end_date"},
    "termination_date": {"label": "Termination date", "value": null, "type": "date", "universal_id": "termination_date"},
    "termination_type": {"label": "Termination type", "value": null, "type": "standard", "universal_id": "termination_type"},
    "probation_period_end": {"label": "Probation period end", "value": "2015-05-08T22:00:00.000Z", "type": "date", "universal_id": "probation_period_end"},
    "created_at": {"label": "created_at", "value": "2017-05-23T09:49:03+02:00", "type": "date", "universal_id": "created_at"},
    "last_modified_at": {"label": "Last modified", "value": "2020-11-18T17:33:55+01:00", "type": "date", "universal_id": "last_modified_at"},
    "subcompany": {"label": "Subcompany", "type": "standard", "universal_id": "subcompany", "value": {"type": "Subcompany", "attributes": {"id": 7033, "name": "CS Demo GmbH"}}},
    "office": {"label": "Office", "type": "standard", "universal_id": "office", "value": {"type": "Office", "attributes": {"id": 131014, "name": "Munich"}}},
    "department": {"label": "Department", "type": "standard", "universal_id": "department", "value": {"type": "Department", "attributes": {"id": 281521, "name": "Customer Support"}}},
    "team": {"label": "Team", "type": "standard", "universal_id": "team", "value": {"type": "Team", "attributes": {"id": 59026, "name": "T_X"}}},
    "cost_centers": {"label": "Cost center", "type": "standard", "universal_id": "cost_centers", "value": [{"type": "CostCenter", "attributes": {"id": 82957, "name": "Cost center 1", "percentage": 100}}]},
    "holiday_calendar": {"label": "Public holidays", "type": "standard", "universal_id": "holiday_calendar", "value": {"type": "HolidayCalendar", "attributes": {"id": 2, "name": "Deutschland (Bayern) Feiertage", "country": "DE", "state": "Bayern"}}},
    "absence_entitlement": {"label": "Absence entitlement", "type": "standard", "universal_id": "absence_entitlement", "value": [{"type": "TimeOffType", "attributes": {"id": 113437, "name": "Paid vacation", "category": "paid_vacation", "entitlement": 24}}]},
    "work_schedule": {"label": "Work schedule", "type": "standard", "universal_id": "work_schedule", "value": {"type": "WorkSchedule", "attributes": {"id": 97188, "name": "Full-time, 40 hours", "valid_from": null, "monday": "08:00", "tuesday": "08:00", "wednesday": "08:00", "thursday": "08:00", "friday": "08:00", "saturday": "00:00", "sunday": "00:00"}}},
    "fix_salary": {"label": "Fix salary", "value": 3000, "type": "decimal", "universal_id": "fix_salary", "currency": "EUR"},
    "last_working_day": {"label": "Last day of work", "value": null, "type": "date", "universal_id": "last_working_day"},
    "profile_picture": {"label": "Profile Picture", "value": "https://api.personio.de/v1/company/employees/1/profile-picture", "type": "standard", "universal_id": "profile_picture"},
    "dynamic_24407": {"label": "Titel", "value": "Dr", "universal_id": null, "type": "standard"},
    "dynamic_21827": {"label": "IBAN", "value": "DE98 8989 9898 0000 8989 00", "universal_id": "iban", "type": "standard"},
    "dynamic_33400": {"label": "Anniversary Date", "value": "2021-01-01T00:00:00.000Z", "universal_id": null, "type": "date"}
  }
}`

func date(y int, m time.Month, d int) *unified.Date {
	v := unified.NewDate(y, m, d)
	return &v
}

var employeeCmp = cmp.Options{
	cmpopts.IgnoreFields(Employee{}, "Attributes", "Raw"),
	cmpopts.IgnoreUnexported(Employee{}),
	cmpopts.EquateEmpty(),
}

func TestGetEmployeeDecodes(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, employeesURL+"/1", respond(200, `{"success":true,"data":`+fullEmployee+`}`))
	e, err := c.GetEmployee(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
	want := Employee{
		ID: 1, FirstName: "Alexander", LastName: "Bergmann", PreferredName: "Alexander Bergmann",
		Email: "alexander.bergmann@demo.email", Gender: "male", Status: "active", Position: "CTO",
		EmploymentType: "external", WeeklyHours: 40,
		Supervisor:         &EmployeeRef{ID: 2, FirstName: "Berta", LastName: "Böhm", Email: "berta.boehm@demo.email"},
		HireDate:           date(2014, time.November, 9), // 23:00Z is midnight in Berlin (CET)
		ProbationPeriodEnd: date(2015, time.May, 9),      // 22:00Z is midnight in Berlin (CEST)
		CreatedAt:          time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC),
		LastModifiedAt:     time.Date(2020, 11, 18, 16, 33, 55, 0, time.UTC),
		Subcompany:         &Entity{ID: 7033, Name: "CS Demo GmbH"},
		Office:             &Entity{ID: 131014, Name: "Munich"},
		Department:         &Entity{ID: 281521, Name: "Customer Support"},
		Team:               &Entity{ID: 59026, Name: "T_X"},
		CostCenters:        []CostCenter{{ID: 82957, Name: "Cost center 1", Percentage: 100}},
		HolidayCalendar:    &HolidayCalendar{ID: 2, Name: "Deutschland (Bayern) Feiertage", Country: "DE", State: "Bayern"},
		WorkSchedule: &WorkSchedule{ID: 97188, Name: "Full-time, 40 hours", Days: map[string]string{
			"monday": "08:00", "tuesday": "08:00", "wednesday": "08:00", "thursday": "08:00", "friday": "08:00", "saturday": "00:00", "sunday": "00:00"}},
		AbsenceEntitlements: []AbsenceEntitlement{{ID: 113437, Name: "Paid vacation", Category: "paid_vacation", Entitlement: 24}},
		ProfilePictureURL:   "https://api.personio.de/v1/company/employees/1/profile-picture",
	}
	if diff := cmp.Diff(want, *e, employeeCmp); diff != "" {
		t.Errorf("employee (-want +got):\n%s", diff)
	}
	// Every attribute stays available with key, label, type and universal id.
	title := e.Attributes["dynamic_24407"]
	if title.Key != "dynamic_24407" || title.Label != "Titel" || title.Type != "standard" || title.UniversalID != "" {
		t.Errorf("dynamic_24407 = %+v", title)
	}
	if s, err := title.Text(); err != nil || s != "Dr" {
		t.Errorf("Text() = %q, %v", s, err)
	}
	if iban := e.Attributes["dynamic_21827"]; iban.UniversalID != "iban" {
		t.Errorf("dynamic_21827 universal id = %q", iban.UniversalID)
	}
	if d, err := e.Attributes["dynamic_33400"].Date(c.Location()); err != nil || d != unified.NewDate(2021, 1, 1) {
		t.Errorf("dynamic_33400 Date = %v, %v", d, err)
	}
	if f, err := e.Attributes["fix_salary"].Number(); err != nil || f != 3000 || e.Attributes["fix_salary"].Currency != "EUR" {
		t.Errorf("fix_salary = %v %v (%s)", f, err, e.Attributes["fix_salary"].Currency)
	}
	if len(e.Raw) == 0 || !strings.Contains(string(e.Raw), "dynamic_24407") {
		t.Errorf("GetEmployee should keep the raw record")
	}
}

func TestEmployeeNullEmptyMissing(t *testing.T) {
	t.Parallel()
	rec := employeeJSONText(map[string]string{
		"id":               "1",
		"supervisor":       "null",
		"team":             "[]",
		"department":       `{}`,
		"cost_centers":     "null",
		"subcompany":       `{"type":"Subcompany","attributes":{"id":null,"name":null}}`,
		"hire_date":        `date|null`,
		"termination_date": `date|""`,
		"first_name":       `""`,
		"dynamic_1":        "[]",
		// office is missing entirely
	})
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, employeesURL, respond(200, `{"success":true,"metadata":{"total_elements":1},"data":[`+rec+`]}`))
	p, err := c.ListEmployees(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := p.Employees[0]
	if diff := cmp.Diff(Employee{ID: 1}, e, employeeCmp); diff != "" {
		t.Errorf("every empty form should decode as none (-want +got):\n%s", diff)
	}
	if err := e.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
	for _, k := range []string{"supervisor", "team", "department", "cost_centers", "dynamic_1", "first_name"} {
		a, ok := e.Attribute(k)
		if !ok || !a.IsNull() {
			t.Errorf("attribute %s: present %v, null %v; want present and null", k, ok, a.IsNull())
		}
	}
	if _, ok := e.Attribute("office"); ok {
		t.Error("a missing attribute is reported present")
	}
}

func TestEmployeeStringNumbers(t *testing.T) {
	t.Parallel()
	rec := employeeJSONText(map[string]string{
		"id":                   `integer|"12"`,
		"weekly_working_hours": `"37,5"`,
		"supervisor":           `{"type":"Employee","attributes":{"id":{"label":"ID","value":"7","type":"integer","universal_id":"id"}}}`,
		"department":           `{"type":"Department","attributes":{"id":"281521","name":"Sales"}}`,
		"cost_centers":         `[{"type":"CostCenter","attributes":{"id":"5","name":"CC","percentage":"50.5"}}]`,
	})
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, employeesURL, respond(200,
		`{"success":true,"metadata":{"total_elements":"301","current_page":"3","total_pages":"4"},"offset":"300","limit":"100","data":[`+rec+`]}`))
	p, err := c.ListEmployees(t.Context(), &ListEmployeesOptions{Offset: 300})
	if err != nil {
		t.Fatal(err)
	}
	gotPage := [5]int{p.Total, p.CurrentPage, p.TotalPages, p.Offset, p.Limit}
	if gotPage != [5]int{301, 3, 4, 300, 100} {
		t.Errorf("page numbers = %v", gotPage)
	}
	want := Employee{ID: 12, WeeklyHours: 37.5, Supervisor: &EmployeeRef{ID: 7},
		Department: &Entity{ID: 281521, Name: "Sales"}, CostCenters: []CostCenter{{ID: 5, Name: "CC", Percentage: 50.5}}}
	if diff := cmp.Diff(want, p.Employees[0], employeeCmp); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEmployeeBadValuesReported(t *testing.T) {
	t.Parallel()
	rec := employeeJSONText(map[string]string{
		"id":                   "3",
		"first_name":           `"Ada"`,
		"hire_date":            `date|"yesterday"`,
		"weekly_working_hours": `"forty"`,
		"department":           `"Sales"`,
	})
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, employeesURL, respond(200, `{"success":true,"data":[`+rec+`]}`))
	p, err := c.ListEmployees(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := p.Employees[0]
	if e.FirstName != "Ada" || e.HireDate != nil || e.WeeklyHours != 0 || e.Department != nil {
		t.Errorf("bad values must leave their fields empty and keep the rest: %+v", e)
	}
	err = e.Err()
	if !errors.Is(err, unified.ErrInvalidValue) {
		t.Fatalf("Err() = %v, want ErrInvalidValue", err)
	}
	for _, k := range []string{"hire_date", "weekly_working_hours", "department"} {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("Err() does not name %s: %v", k, err)
		}
	}
}

func TestEmployeeWithoutID(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, employeesURL, respond(200, `{"success":true,"data":[`+employeeJSONText(map[string]string{"first_name": `"A"`})+`]}`))
	if _, err := c.ListEmployees(t.Context(), nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("err = %v, want ErrInvalidValue for a record without id", err)
	}
	// The body parsed: asking again would get the same record.
	if n := mt.GetCallCountInfo()["GET "+employeesURL]; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestDatesAcrossDST converts Personio's midnight instants in several zones, around the
// days the clocks change.
func TestDatesAcrossDST(t *testing.T) {
	t.Parallel()
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	berlin, london, ny := load("Europe/Berlin"), load("Europe/London"), load("America/New_York")
	tests := []struct {
		value string
		loc   *time.Location
		want  unified.Date
	}{
		{"2014-11-08T23:00:00.000Z", berlin, unified.NewDate(2014, 11, 9)},  // CET
		{"2020-06-30T22:00:00.000Z", berlin, unified.NewDate(2020, 7, 1)},   // CEST
		{"2021-03-27T23:00:00.000Z", berlin, unified.NewDate(2021, 3, 28)},  // the day clocks go forward
		{"2021-03-28T22:00:00.000Z", berlin, unified.NewDate(2021, 3, 29)},  // the day after
		{"2021-10-30T22:00:00.000Z", berlin, unified.NewDate(2021, 10, 31)}, // the day clocks go back
		{"2021-10-31T23:00:00.000Z", berlin, unified.NewDate(2021, 11, 1)},
		{"1990-01-01T00:00:00+01:00", berlin, unified.NewDate(1990, 1, 1)}, // must not become Dec 31
		{"2021-03-28T00:00:00.000Z", london, unified.NewDate(2021, 3, 28)},
		{"2021-03-14T05:00:00.000Z", ny, unified.NewDate(2021, 3, 14)},
		{"2021-01-01", ny, unified.NewDate(2021, 1, 1)}, // a plain day is taken as written
		{"2021-01-01T00:00:00", berlin, unified.NewDate(2021, 1, 1)},
	}
	for _, tt := range tests {
		a := Attribute{Key: "hire_date", Type: "date", Value: []byte(`"` + tt.value + `"`)}
		got, err := a.Date(tt.loc)
		if err != nil || got != tt.want {
			t.Errorf("Date(%s in %s) = %v, %v; want %v", tt.value, tt.loc, got, err, tt.want)
		}
	}
}

func TestGetEmployeeNotFound(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, employeesURL+"/999", respond(404, `{"success":false,"error":{"code":404,"message":"Es ist ein Problem aufgetreten "}}`))
	_, err := c.GetEmployee(t.Context(), 999)
	if !errors.Is(err, unified.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	var ae *unified.APIError
	if !errors.As(err, &ae) || ae.Message != "Es ist ein Problem aufgetreten" || ae.Code != "404" || ae.Provider != ProviderName {
		t.Errorf("APIError = %+v", ae)
	}
	if _, err := c.GetEmployee(t.Context(), 0); !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("id 0: err = %v", err)
	}
}

// TestEmployeesErrors answers the employee list with each kind of failure, in virtual
// time: the call fails with the matching sentinel, after at most MaxAttempts (3)
// requests, and its error shows no secret.
func TestEmployeesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		sentinel error
		attempts int64
	}{
		{"gateway page", 502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, unified.ErrUnavailable, 3},
		{"rate limited", 429, `{"success":false,"error":{"code":429,"message":"Too Many Requests"}}`, unified.ErrRateLimited, 3},
		{"forbidden", 403, `{"success":false,"error":{"code":403,"message":"Provided authorization is not valid"}}`, unified.ErrForbidden, 1},
		{"success false", 200, `{"success":false,"data":[]}`, unified.ErrUnavailable, 1},
		{"truncated", 200, `{"success":true,"data":[{"type":"Employee","attr`, unified.ErrUnavailable, 3},
		{"record not an object", 200, `{"success":true,"data":[5]}`, nil, 1},
		{"attribute not an object", 200, `{"success":true,"data":[{"type":"Employee","attributes":{"id":5}}]}`, nil, 1},
		{"offset not a whole number", 200, `{"success":true,"offset":1.5,"data":[]}`, nil, 1},
		{"trailing data", 200, `{"success":true,"data":[]} trailing`, unified.ErrUnavailable, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, mt := mockClient(t, nil)
				registerTokens(mt)
				var calls atomic.Int64
				mt.RegisterResponder(http.MethodGet, employeesURL, func(req *http.Request) (*http.Response, error) {
					calls.Add(1)
					return newResponse(req, tt.status, tt.body), nil
				})
				_, err := c.ListEmployees(t.Context(), nil)
				if err == nil {
					t.Fatal("no error")
				}
				if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
					t.Errorf("err = %v, want %v", err, tt.sentinel)
				}
				if calls.Load() != tt.attempts {
					t.Errorf("%d requests, want %d", calls.Load(), tt.attempts)
				}
				if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), v1Token) {
					t.Errorf("error leaks a secret: %v", err)
				}
				if strings.Count(err.Error(), "personio:") != 1 {
					t.Errorf("error text should have one provider prefix: %v", err)
				}
			})
		})
	}
}

// failingBody fails after handing out part of a response, as a connection cut mid-body.
type failingBody struct{ r io.Reader }

func (f *failingBody) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}
func (f *failingBody) Close() error { return nil }

// TestBodyFailuresRetried cuts or garbles the body of the employee list, in virtual
// time: a good answer within MaxAttempts (3) requests is used; else the call fails with
// ErrUnavailable after exactly 3.
func TestBodyFailuresRetried(t *testing.T) {
	t.Parallel()
	good := `{"success":true,"metadata":{"total_elements":1},"data":[` + employeeJSONText(map[string]string{"id": "1"}) + `]}`
	tests := []struct {
		name    string
		bodies  []string // "" = a body cut off mid-way
		wantErr bool
		calls   int64
	}{
		{"cut once", []string{"", good}, false, 2},
		{"garbage once", []string{`{"success":true,"data":[{"attr`, good}, false, 2},
		{"always cut", []string{""}, true, 3},
		{"always garbage", []string{`<html>oops</html>`}, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, mt := mockClient(t, nil)
				registerTokens(mt)
				var calls atomic.Int64
				mt.RegisterResponder(http.MethodGet, employeesURL, func(req *http.Request) (*http.Response, error) {
					i := int(calls.Add(1)) - 1
					b := tt.bodies[min(i, len(tt.bodies)-1)]
					resp := newResponse(req, 200, good)
					if b == "" {
						resp.Body = &failingBody{r: strings.NewReader(good[:len(good)/2])}
					} else {
						resp.Body = io.NopCloser(strings.NewReader(b))
						resp.ContentLength = int64(len(b))
					}
					return resp, nil
				})
				p, err := c.ListEmployees(t.Context(), nil)
				if tt.wantErr {
					if !errors.Is(err, unified.ErrUnavailable) {
						t.Errorf("err = %v, want ErrUnavailable", err)
					}
				} else if err != nil || len(p.Employees) != 1 || p.Employees[0].ID != 1 {
					t.Errorf("page = %+v, err = %v", p, err)
				}
				if got := calls.Load(); got != tt.calls {
					t.Errorf("%d requests, want %d", got, tt.calls)
				}
			})
		})
	}
}

func TestAttributes(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, attributesURL, respond(200, `{"success":true,"data":[
		{"key":"first_name","label":"Vorname","type":"standard","universal_id":"first_name"},
		{"key":"dynamic_24407","label":"Titel","type":"standard","universal_id":null},
		{"key":"","label":"broken"}]}`))
	got, err := c.Attributes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []AttributeInfo{
		{Key: "first_name", Label: "Vorname", Type: "standard", UniversalID: "first_name"},
		{Key: "dynamic_24407", Label: "Titel", Type: "standard"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !got[1].IsCustom() || got[0].IsCustom() {
		t.Error("IsCustom is wrong")
	}
}
