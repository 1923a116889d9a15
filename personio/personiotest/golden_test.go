package personiotest_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCompany is a small hand-made company whose values exercise every rendering rule:
// winter, summer and pre-1980 dates, a DST-change day, split cost centres, every custom
// attribute type, a supervisor and a person without team or office.
func goldenCompany() *personiotest.Company {
	d := unified.NewDate
	return &fakecompany.Company{
		Name: "Golden Test", Seed: 42, Domain: "golden.example",
		LegalEntities: []fakecompany.LegalEntity{{ID: 170, Name: "Golden Test GmbH", Country: "DE"}, {ID: 171, Name: "Golden Test Ltd", Country: "GB"}},
		Departments:   []fakecompany.Department{{ID: 401, Name: "Engineering"}, {ID: 402, Name: "Customer Support"}},
		Teams:         []fakecompany.Team{{ID: 4502, Name: "Platform", DepartmentID: 401}},
		Offices:       []fakecompany.Office{{ID: 60302, Name: "Munich", Country: "DE", Timezone: "Europe/Berlin"}},
		CostCenters:   []fakecompany.CostCenter{{ID: 1000, Name: "1000 Engineering"}, {ID: 9000, Name: "9000 Shared Services"}},
		Attributes: []fakecompany.CustomAttribute{
			{Key: "dynamic_24407", LabelEN: "Title", LabelDE: "Titel", Type: fakecompany.AttrText},
			{Key: "dynamic_21827", LabelEN: "IBAN", LabelDE: "IBAN", Type: fakecompany.AttrText, UniversalID: "iban"},
			{Key: "dynamic_33400", LabelEN: "Anniversary Date", LabelDE: "Jubiläumsdatum", Type: fakecompany.AttrDate},
			{Key: "dynamic_40101", LabelEN: "T-shirt size", LabelDE: "T-Shirt-Größe", Type: fakecompany.AttrList, Options: []string{"S", "M"}},
			{Key: "dynamic_40103", LabelEN: "Number of children", LabelDE: "Anzahl Kinder", Type: fakecompany.AttrInteger},
			{Key: "dynamic_40104", LabelEN: "Remote days per week", LabelDE: "Remote-Tage pro Woche", Type: fakecompany.AttrDecimal},
			{Key: "dynamic_40105", LabelEN: "Skills", LabelDE: "Fähigkeiten", Type: fakecompany.AttrTags, Options: []string{"Go", "SQL"}},
		},
		People: []fakecompany.Person{
			{
				ID: 3003, EmployeeNumber: "DE-00001", FirstName: "Jen", LastName: "Doe", Email: "jen.doe@golden.example",
				Gender: fakecompany.GenderFemale, Position: "CEO", Status: unified.StatusActive,
				EmploymentType: fakecompany.EmploymentInternal, DepartmentID: 401, OfficeID: 60302, LegalEntityID: 170,
				HireDate: d(2012, 1, 2), WeeklyHours: 40,
				CreatedAt: time.Date(2012, 1, 1, 9, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2012, 1, 1, 9, 0, 0, 0, time.UTC),
			},
			{
				ID: 5005, EmployeeNumber: "DE-00042", FirstName: "Alexander", LastName: "Bergmann", PreferredName: "Alex",
				Email: "alexander.bergmann@golden.example", Gender: fakecompany.GenderMale, Position: "Senior \"Backend\" Engineer",
				Status: unified.StatusActive, EmploymentType: fakecompany.EmploymentInternal,
				SupervisorID: 3003, DepartmentID: 401, TeamID: 4502, OfficeID: 60302, LegalEntityID: 170,
				CostCenters:       []fakecompany.CostCenterShare{{ID: 1000, Percentage: 80}, {ID: 9000, Percentage: 20}},
				HireDate:          d(2014, 11, 9),
				ProbationEnd:      d(2015, 5, 9),
				ContractEndDate:   d(2026, 10, 25),
				TerminationDate:   d(2026, 3, 29),
				LastWorkingDay:    d(2026, 3, 27),
				BirthDate:         d(1979, 6, 15),
				TerminationType:   "employee",
				TerminationReason: "Relocation",
				WeeklyHours:       32,
				CreatedAt:         time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC),
				UpdatedAt:         time.Date(2020, 11, 18, 16, 33, 55, 0, time.UTC),
				Custom: map[string]string{
					"dynamic_24407": "Dr", "dynamic_21827": "DE98 8989 9898 0000 8989 00", "dynamic_33400": "2021-01-01",
					"dynamic_40101": "M", "dynamic_40103": "2", "dynamic_40104": "2.5", "dynamic_40105": "Go, SQL",
				},
			},
			{
				ID: 5006, FirstName: "Sam", LastName: "Lee", Email: "sam.lee@golden.example", Status: unified.StatusOnboarding,
				EmploymentType: fakecompany.EmploymentExternal, SupervisorID: 5005, DepartmentID: 402, WeeklyHours: 20,
				HireDate:  d(2026, 7, 1),
				CreatedAt: time.Date(2026, 5, 2, 8, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 5, 3, 8, 0, 0, 0, time.UTC),
			},
		},
	}
}

// goldenFetch renders path against the golden company, with the server's URL replaced by
// a fixed one so the document does not depend on the port.
func goldenFetch(t *testing.T, v2 bool, path string, opts ...personiotest.Option) []byte {
	t.Helper()
	s := personiotest.NewTestServer(t, append([]personiotest.Option{personiotest.WithCompany(goldenCompany())}, opts...)...)
	var tok string
	if v2 {
		tok = v2Token(t, s, "")
	} else {
		tok = v1Token(t, s)
	}
	r := get(t, s, tok, path)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return []byte(strings.ReplaceAll(string(r.body), s.URL, "https://api.personio.test"))
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var v any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatal(err)
		}
		pretty, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(path, append(pretty, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantRaw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var want, have any
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		t.Fatalf("response: %v", err)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", name, diff)
	}
}

func TestGoldenEmployee(t *testing.T) {
	t.Parallel()
	body := goldenFetch(t, false, "/v1/company/employees/5005")
	compareGolden(t, "employee.golden.json", body)

	// The rules the golden file encodes, spelled out.
	var one struct {
		Data v1Employee `json:"data"`
	}
	if err := json.Unmarshal(body, &one); err != nil {
		t.Fatal(err)
	}
	e := one.Data
	checkStrings(t, e, map[string]string{
		"hire_date":            "2014-11-08T23:00:00.000Z", // 9 Nov 2014, CET
		"probation_period_end": "2015-05-08T22:00:00.000Z", // 9 May 2015, CEST
		"termination_date":     "2026-03-28T23:00:00.000Z", // 29 Mar 2026 begins in CET; summer time starts at 02:00
		"contract_end_date":    "2026-10-24T22:00:00.000Z", // 25 Oct 2026 begins in CEST; winter time starts at 03:00
		"date_of_birth":        "1979-06-14T23:00:00.000Z", // no summer time in Germany before 1980
		"created_at":           "2017-05-23T09:49:03+02:00",
		"last_modified_at":     "2020-11-18T17:33:55+01:00",
		"weekly_working_hours": "32",
		"dynamic_33400":        "2021-01-01T00:00:00.000Z",
		"dynamic_40105":        "Go, SQL",
		"position":             `Senior "Backend" Engineer`,
	})
	if uid := e.Attributes["dynamic_24407"].UniversalID; uid != nil {
		t.Errorf("custom attribute without universal id rendered %q, want null", *uid)
	}
	if got := string(e.Attributes["dynamic_40104"].Value); got != "2.5" {
		t.Errorf("decimal custom value %s, want 2.5", got)
	}
}

func TestGoldenEmployeeGermanAndUTC(t *testing.T) {
	t.Parallel()
	var one struct {
		Data v1Employee `json:"data"`
	}
	if err := json.Unmarshal(goldenFetch(t, false, "/v1/company/employees/5006", personiotest.WithLanguage("de"),
		personiotest.WithTimeZone(time.UTC)), &one); err != nil {
		t.Fatal(err)
	}
	e := one.Data
	checkStrings(t, e, map[string]string{"hire_date": "2026-07-01T00:00:00.000Z", "created_at": "2026-05-02T08:00:00+00:00"})
	for key, raw := range map[string]string{"team": "null", "office": "null", "cost_centers": "[]", "absence_entitlement": "[]",
		"termination_date": "null", "termination_type": "null", "dynamic_24407": "null", personiotest.PersonnelNumberKey: "null"} {
		if got := string(e.Attributes[key].Value); got != raw {
			t.Errorf("%s = %s, want %s", key, got, raw)
		}
	}
	if l := e.Attributes["hire_date"].Label; l != "Anstelldatum" {
		t.Errorf("hire_date label %q", l)
	}
}

func TestGoldenPersonAndEmployment(t *testing.T) {
	t.Parallel()
	compareGolden(t, "person.golden.json", goldenFetch(t, true, "/v2/persons/5005"))
	compareGolden(t, "employments.golden.json", goldenFetch(t, true, "/v2/persons/5005/employments"))
}

// TestDayInstantsAcrossDST renders hire dates around every kind of German clock change
// and converts them back with the IANA database.
func TestDayInstantsAcrossDST(t *testing.T) {
	t.Parallel()
	berlin := mustBerlin(t)
	days := []unified.Date{
		unified.NewDate(1979, 7, 1), unified.NewDate(1980, 4, 5), unified.NewDate(1980, 4, 6), unified.NewDate(1980, 4, 7),
		unified.NewDate(1980, 9, 28), unified.NewDate(1980, 9, 29), unified.NewDate(1995, 9, 24), unified.NewDate(1995, 9, 25),
		unified.NewDate(1995, 10, 29), unified.NewDate(1996, 10, 27), unified.NewDate(1996, 10, 28), unified.NewDate(2000, 2, 29),
		unified.NewDate(2021, 3, 27), unified.NewDate(2021, 3, 28), unified.NewDate(2021, 3, 29), unified.NewDate(2021, 10, 30),
		unified.NewDate(2021, 10, 31), unified.NewDate(2021, 11, 1), unified.NewDate(2024, 12, 31), unified.NewDate(2025, 1, 1),
	}
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, len(days)))
	s.Mutate(func(c *personiotest.Company) {
		for i, d := range days {
			c.People[i].HireDate = d
		}
	})
	tok := v1Token(t, s)
	l := v1Page(t, s, tok, "limit=100&attributes[]=hire_date")
	for i, e := range l.Data {
		checkDay(t, e.id(t), "hire_date", e.str(t, "hire_date"), days[i], berlin)
	}
	// Spot checks with the offsets written out.
	want := map[int]string{
		0: "1979-06-30T23:00:00.000Z", 2: "1980-04-05T23:00:00.000Z", 3: "1980-04-06T22:00:00.000Z",
		13: "2021-03-27T23:00:00.000Z", 14: "2021-03-28T22:00:00.000Z", 16: "2021-10-30T22:00:00.000Z",
		17: "2021-10-31T23:00:00.000Z",
	}
	for i, w := range want {
		if got := l.Data[i].str(t, "hire_date"); got != w {
			t.Errorf("%v: %s, want %s", days[i], got, w)
		}
	}
}
