package personio

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/internal/transport"
	"github.com/hrisconnect/hrisconnect/unified"
)

const personsURL = testBase + "/v2/persons"

const personJSONText = `{
  "id": "3003", "email": "jen.doe@personio.de",
  "created_at": "2017-07-21T17:32:28Z", "updated_at": "2017-07-22T17:32:28Z",
  "first_name": "John", "last_name": "Smith", "preferred_name": "John Smith", "gender": "MALE",
  "profile_picture": {"url": "https://api.personio.de/v1/company/employees/3003/profile-picture"},
  "status": "ACTIVE",
  "custom_attributes": [
    {"id": "dynamic_305", "type": "string", "value": "Red", "global_id": "color"},
    {"id": "dynamic_306", "type": "DATE", "value": "2021-01-01"}
  ],
  "employments": [{"id": "c85d978e-1104-4762-be94-c868525eef45"}],
  "_meta": {"links": {"employments": {"href": "https://api.personio.de/v2/persons/3003/employments"}}}
}`

func TestListPersonsQuery(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		opts *ListPersonsOptions
		want url.Values
	}{
		{"nil: largest page", nil, url.Values{"limit": {"50"}}},
		{"every filter", &ListPersonsOptions{
			Limit: 10, IDs: []string{"1", "2"}, Emails: []string{"a@x.de", "b@x.de"},
			FirstName: "Ada", LastName: "Lovelace", PreferredName: "Ada L",
			CreatedAfter: at, CreatedBefore: at.Add(time.Hour), UpdatedAfter: at, UpdatedBefore: at.Add(2 * time.Hour),
			Status: "inactive",
		}, url.Values{
			"limit": {"10"}, "id": {"1,2"}, "email": {"a@x.de,b@x.de"},
			"first_name": {"Ada"}, "last_name": {"Lovelace"}, "preferred_name": {"Ada L"},
			"created_at.gt": {"2024-05-01T12:00:00Z"}, "created_at.lt": {"2024-05-01T13:00:00Z"},
			"updated_at.gt": {"2024-05-01T12:00:00Z"}, "updated_at.lt": {"2024-05-01T14:00:00Z"},
			"status": {"INACTIVE"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			registerTokens(mt)
			var got url.Values
			mt.RegisterResponder(http.MethodGet, personsURL, func(req *http.Request) (*http.Response, error) {
				got = req.URL.Query()
				return newResponse(req, 200, `{"_data":[],"_meta":{"links":{}}}`), nil
			})
			if _, err := c.ListPersons(t.Context(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListPersonsInvalidOptions(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	for name, o := range map[string]*ListPersonsOptions{
		"limit 51":      {Limit: 51},
		"bad status":    {Status: "LEAVE"},
		"comma in id":   {IDs: []string{"1,2"}},
		"empty email":   {Emails: []string{" "}},
		"limit -1":      {Limit: -1},
		"comma in mail": {Emails: []string{"a@x,b@y"}},
	} {
		if _, err := c.ListPersons(t.Context(), o); !errors.Is(err, unified.ErrInvalidValue) {
			t.Errorf("%s: err = %v, want ErrInvalidValue", name, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent for invalid options", n)
	}
}

func TestListPersonsDecodesAndFollowsNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		next string
		ok   bool
	}{
		{"absolute", testBase + "/v2/persons?cursor=cur_2", true},
		{"relative", "/v2/persons?cursor=cur_2", true},
		{"other origin", "https://evil.example/v2/persons?cursor=cur_2", false},
		{"downgrade", "http://api.personio.de/v2/persons?cursor=cur_2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			registerTokens(mt)
			mt.RegisterResponder(http.MethodGet, personsURL, func(req *http.Request) (*http.Response, error) {
				if req.URL.Query().Get("cursor") == "cur_2" {
					if len(req.URL.Query()) != 1 {
						t.Errorf("the next link must be followed as given, got query %q", req.URL.RawQuery)
					}
					return newResponse(req, 200, `{"_data":[{"id":"3004"}],"_meta":{"links":{"self":{"href":"x"}}}}`), nil
				}
				return newResponse(req, 200, `{"_data":[`+personJSONText+`],"_meta":{"links":{"next":{"href":"`+tt.next+`"}}}}`), nil
			})
			p, err := c.ListPersons(t.Context(), &ListPersonsOptions{Raw: true})
			if err != nil {
				t.Fatal(err)
			}
			want := Person{
				ID: "3003", Email: "jen.doe@personio.de", FirstName: "John", LastName: "Smith", PreferredName: "John Smith",
				Gender: "MALE", Status: "ACTIVE",
				CreatedAt:         time.Date(2017, 7, 21, 17, 32, 28, 0, time.UTC),
				UpdatedAt:         time.Date(2017, 7, 22, 17, 32, 28, 0, time.UTC),
				ProfilePictureURL: "https://api.personio.de/v1/company/employees/3003/profile-picture",
				CustomAttributes: []CustomAttribute{
					{ID: "dynamic_305", Type: "string", GlobalID: "color", Value: []byte(`"Red"`)},
					{ID: "dynamic_306", Type: "DATE", Value: []byte(`"2021-01-01"`)},
				},
				EmploymentIDs: []string{"c85d978e-1104-4762-be94-c868525eef45"},
			}
			if diff := cmp.Diff(want, p.Persons[0], cmpopts.IgnoreFields(Person{}, "Raw"), cmpopts.IgnoreUnexported(Person{})); diff != "" {
				t.Errorf("person (-want +got):\n%s", diff)
			}
			if len(p.Persons[0].Raw) == 0 {
				t.Error("Raw not kept")
			}
			if p.Persons[0].CustomAttributes[0].Kind() != "STRING" {
				t.Errorf("Kind() = %q", p.Persons[0].CustomAttributes[0].Kind())
			}
			p2, err := c.ListPersons(t.Context(), &ListPersonsOptions{Next: p.Next})
			if !tt.ok {
				if !errors.Is(err, transport.ErrForeignOrigin) {
					t.Fatalf("following %s: err = %v, want ErrForeignOrigin", tt.next, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p2.Persons) != 1 || p2.Persons[0].ID != "3004" || p2.Next != "" {
				t.Errorf("second page = %+v", p2)
			}
		})
	}
}

func TestPersonMissingFields(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, personsURL+"/5", respond(200, `{"id":5,"employments":[],"_meta":{}}`))
	p, err := c.GetPerson(t.Context(), "5")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "5" || p.EmploymentIDs == nil || len(p.EmploymentIDs) != 0 || p.Email != "" || !p.CreatedAt.IsZero() {
		t.Errorf("person = %+v", p)
	}
}

func TestV2ProblemErrors(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, personsURL+"/404", respond(404,
		`{"personio_trace_id":"trace-404","timestamp":"2021-05-28T11:17:30+00:00","errors":[{"title":"Resource not found","detail":"There is no resource for the specified id.","type":"https://developer.personio.de/reference/errors#common.resource_not_found","_meta":{}}]}`,
		"Content-Type", "application/problem+json"))
	mt.RegisterResponder(http.MethodGet, personsURL, respond(403,
		`{"personio_trace_id":"trace-403","errors":[{"title":"Insufficient access scope","detail":"Client scope insufficient to access resource","type":"https://developer.personio.de/v2.0/page/public-api-error-codes#commonforbidden"}]}`,
		"Content-Type", "application/problem+json"))
	_, err := c.GetPerson(t.Context(), "404")
	var ae *unified.APIError
	if !errors.Is(err, unified.ErrNotFound) || !errors.As(err, &ae) || ae.RequestID != "trace-404" || ae.Code != "common.resource_not_found" {
		t.Errorf("404: err = %v (%+v)", err, ae)
	}
	_, err = c.ListPersons(t.Context(), nil)
	if !errors.Is(err, unified.ErrForbidden) || !strings.Contains(err.Error(), "Insufficient access scope") {
		t.Errorf("403: err = %v", err)
	}
	// Ids that cannot be Personio ids never reach the API.
	for _, id := range []string{"", "../employees", "1/2", "a b"} {
		if _, err := c.GetPerson(t.Context(), id); !errors.Is(err, unified.ErrNotFound) {
			t.Errorf("GetPerson(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func TestListEmployments(t *testing.T) {
	t.Parallel()
	const emp = `{
	  "id": "2306b77a-35fb-4b1d-8044-3b14f7f2ca65", "status": "INACTIVE", "type": "INTERNAL",
	  "position": {"title": "Software Engineer"},
	  "weekly_working_hours": 40, "full_time_weekly_working_hours": "40",
	  "probation_end_date": "2023-07-01", "employment_start_date": "2023-01-01", "employment_end_date": null,
	  "contract_end_date": "2024-01-01", "created_at": "2023-01-01T14:07:17Z", "updated_at": "2023-06-17T14:07:17Z",
	  "supervisor": {"id": "3003"}, "office": {"id": 60302}, "legal_entity": {"id": "170"}, "sub_company": {"id": "47"},
	  "job": null, "org_units": [{"type": "TEAM", "id": "4502"}, {"type": "department", "id": 401}],
	  "cost_centers": [{"id": "1000", "weight": 100}], "person": {"id": "5005"},
	  "termination": {"termination_date": "2022-12-12", "last_working_date": "2023-01-07", "terminated_at": "2022-11-01", "type": "QUIT", "reason": "Moving"}
	}`
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	var got url.Values
	mt.RegisterResponder(http.MethodGet, personsURL+"/5005/employments", func(req *http.Request) (*http.Response, error) {
		got = req.URL.Query()
		return newResponse(req, 200, `{"_data":[`+emp+`],"_meta":{"links":{}}}`), nil
	})
	p, err := c.ListEmployments(t.Context(), "5005", &ListEmploymentsOptions{Limit: 1, UpdatedAfter: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(url.Values{"limit": {"1"}, "updated_at.gt": {"2023-01-01T00:00:00Z"}}, got); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	want := Employment{
		ID: "2306b77a-35fb-4b1d-8044-3b14f7f2ca65", Status: "INACTIVE", Type: "INTERNAL", Position: "Software Engineer",
		WeeklyWorkingHours: 40, FullTimeWeeklyWorkingHours: 40,
		StartDate: date(2023, 1, 1), ProbationEndDate: date(2023, 7, 1), ContractEndDate: date(2024, 1, 1),
		CreatedAt: time.Date(2023, 1, 1, 14, 7, 17, 0, time.UTC), UpdatedAt: time.Date(2023, 6, 17, 14, 7, 17, 0, time.UTC),
		PersonID: "5005", SupervisorID: "3003", OfficeID: "60302", LegalEntityID: "170", SubCompanyID: "47",
		OrgUnits:    []OrgUnitRef{{ID: "4502", Type: "team"}, {ID: "401", Type: "department"}},
		CostCenters: []CostCenterWeight{{ID: "1000", Weight: 100}},
		Termination: &Termination{TerminationDate: date(2022, 12, 12), LastWorkingDay: date(2023, 1, 7), TerminatedAt: date(2022, 11, 1), Type: "QUIT", Reason: "Moving"},
	}
	if diff := cmp.Diff(want, p.Employments[0], cmpopts.IgnoreUnexported(Employment{}), cmpopts.IgnoreFields(Employment{}, "Raw")); diff != "" {
		t.Errorf("employment (-want +got):\n%s", diff)
	}
	if err := p.Employments[0].Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
	if p.Employments[0].OrgUnit("department") != "401" || p.Employments[0].OrgUnit("team") != "4502" {
		t.Error("OrgUnit lookup")
	}
}

func TestLegalEntitiesAndOrgUnits(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/legal-entities", respond(200,
		`{"_data":[{"id":"170","name":"Nordlicht GmbH","country":"DE","created_at":"2020-01-01T00:00:00Z"}],"_meta":{"links":{"next":{"href":"/v2/legal-entities?cursor=c2"}}}}`))
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/legal-entities/170", respond(200, `{"id":170,"name":"Nordlicht GmbH","country":"DE"}`))
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/org-units/401", func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("type") != "department" {
			return newResponse(req, 400, `{"errors":[{"title":"Bad request","detail":"type is required"}]}`), nil
		}
		return newResponse(req, 200, `{"id":"401","type":"department","name":"Engineering","abbreviation":"ENG","description":null,"parent_id":null}`), nil
	})
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/org-units", respond(404, `{"errors":[{"title":"Resource not found"}]}`))

	les, err := c.ListLegalEntities(t.Context(), &ListLegalEntitiesOptions{Countries: []string{"DE"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&LegalEntitiesPage{
		LegalEntities: []LegalEntity{{ID: "170", Name: "Nordlicht GmbH", Country: "DE", CreatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}},
		Next:          "/v2/legal-entities?cursor=c2",
	}, les); diff != "" {
		t.Errorf("legal entities (-want +got):\n%s", diff)
	}
	le, err := c.GetLegalEntity(t.Context(), "170")
	if err != nil || le.Name != "Nordlicht GmbH" || le.ID != "170" {
		t.Errorf("GetLegalEntity = %+v, %v", le, err)
	}
	ou, err := c.GetOrgUnit(t.Context(), "401", "Department")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&OrgUnit{ID: "401", Type: "department", Name: "Engineering", Abbreviation: "ENG"}, ou); diff != "" {
		t.Errorf("org unit (-want +got):\n%s", diff)
	}
	if _, err := c.GetOrgUnit(t.Context(), "401", "division"); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("bad type: %v", err)
	}
	if _, err := c.ListOrgUnits(t.Context(), &ListOrgUnitsOptions{Type: "team"}); !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("missing list endpoint: err = %v, want ErrNotFound", err)
	}
}

func TestListOrgUnits(t *testing.T) {
	t.Parallel()
	c, mt := mockClient(t, nil)
	registerTokens(mt)
	var got []url.Values
	mt.RegisterResponder(http.MethodGet, testBase+"/v2/org-units", func(req *http.Request) (*http.Response, error) {
		got = append(got, req.URL.Query())
		if req.URL.Query().Get("cursor") == "" {
			return newResponse(req, 200, `{"_data":[{"id":4502,"type":"TEAM","name":"Platform","parent_id":"401"}],"_meta":{"links":{"next":{"href":"`+testBase+`/v2/org-units?cursor=c2"}}}}`), nil
		}
		return newResponse(req, 200, `{"_data":[{"id":"4503","name":"Mobile"}],"_meta":{"links":{}}}`), nil
	})
	p, err := c.ListOrgUnits(t.Context(), &ListOrgUnitsOptions{Type: "Team", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := c.ListOrgUnits(t.Context(), &ListOrgUnitsOptions{Next: p.Next})
	if err != nil {
		t.Fatal(err)
	}
	wantQ := []url.Values{{"type": {"team"}, "limit": {"20"}}, {"cursor": {"c2"}}}
	if diff := cmp.Diff(wantQ, got); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	units := append(p.OrgUnits, p2.OrgUnits...)
	want := []OrgUnit{{ID: "4502", Type: "team", Name: "Platform", ParentID: "401"}, {ID: "4503", Name: "Mobile"}}
	if diff := cmp.Diff(want, units); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	if p2.Next != "" {
		t.Errorf("last page Next = %q", p2.Next)
	}
	if _, err := c.ListOrgUnits(t.Context(), nil); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("missing type: err = %v", err)
	}
}
