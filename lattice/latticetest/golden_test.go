package latticetest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
	"github.com/hrisconnect/hrisconnect/unified"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Lattice ids of the golden company.
const (
	goldenGrace = "52d2780a-cbd0-41ec-bfdd-000000000001"
	goldenAda   = "52d2420e-cbd0-41ec-bfdd-93fec5413bdc"
	goldenKim   = "52d2420e-cbd0-41ec-bfdd-000000000003"
	goldenDept  = "7f0c5a52-1111-4222-8333-444455556666"
)

// goldenCompany is a small hand-made company whose people cover the shapes a user can
// take: every optional field set (Ada), and almost none (Kim, who was created directly in
// Lattice and has left, keeping her manager).
func goldenCompany() *latticetest.Company {
	at := func(s string) time.Time { return must(time.Parse(time.RFC3339, s)) }
	return &latticetest.Company{
		Name:   "Golden",
		Domain: "golden.example",
		Departments: []fakecompany.Department{
			{ID: 281521, Name: "People & Culture", LatticeID: goldenDept},
		},
		Attributes: []fakecompany.CustomAttribute{
			{Key: "dynamic_1", LabelEN: "Location", Type: fakecompany.AttrText, LatticeID: "a0000000-0000-4000-8000-000000000001"},
			{Key: "dynamic_2", LabelEN: "Anniversary Date", Type: fakecompany.AttrDate, LatticeID: "a0000000-0000-4000-8000-000000000002"},
			{Key: "dynamic_3", LabelEN: "Number of children", Type: fakecompany.AttrInteger, LatticeID: "a0000000-0000-4000-8000-000000000003"},
			{Key: "dynamic_4", LabelEN: "Remote days per week", Type: fakecompany.AttrDecimal, LatticeID: "a0000000-0000-4000-8000-000000000004"},
			{Key: "dynamic_5", LabelEN: "Skills", Type: fakecompany.AttrTags, Options: []string{"Go", "SQL", "Kubernetes"}, LatticeID: "a0000000-0000-4000-8000-000000000005"},
			{Key: "dynamic_6", LabelEN: "Job level", Type: fakecompany.AttrList, Options: []string{"L1", "L5"}, LatticeID: "a0000000-0000-4000-8000-000000000006"},
		},
		People: []fakecompany.Person{
			{
				ID: 10001, LatticeID: goldenGrace, FirstName: "Grace", LastName: "Hopper",
				Email: "grace.hopper@golden.example", Gender: fakecompany.GenderFemale,
				Position: "Chief Executive Officer", Status: unified.StatusActive,
				EmploymentType: fakecompany.EmploymentInternal, DepartmentID: 281521,
				HireDate: unified.NewDate(2015, 1, 5), CreatedAt: at("2015-01-01T09:00:00Z"),
				UpdatedAt: at("2024-05-01T10:00:00Z"), IsAdmin: true, Timezone: "Europe/Berlin",
			},
			{
				ID: 10002, LatticeID: goldenAda, FirstName: "Augusta Ada", LastName: "King",
				PreferredName: "Ada", Email: "ada.king@golden.example", Gender: fakecompany.GenderFemale,
				Position: `Staff "Compiler" Engineer & <Lead>`, Status: unified.StatusActive,
				EmploymentType: fakecompany.EmploymentInternal, SupervisorID: 10001, DepartmentID: 281521,
				HireDate: unified.NewDate(2021, 3, 1), BirthDate: unified.NewDate(1990, 12, 10),
				CreatedAt: at("2021-02-10T08:30:00Z"), UpdatedAt: at("2022-06-01T23:18:18Z"),
				Timezone: "Europe/London",
				Custom: map[string]string{
					"dynamic_1": "London", "dynamic_2": "2021-03-01", "dynamic_3": "2",
					"dynamic_4": "2.5", "dynamic_5": "Go, SQL", "dynamic_6": "L5",
				},
			},
			{
				ID: 10003, LatticeID: goldenKim, FirstName: "Kim", Email: "kim@golden.example",
				Status: unified.StatusInactive, EmploymentType: fakecompany.EmploymentExternal,
				SupervisorID: 10002, CreatedAt: at("2023-01-01T00:00:00Z"), UpdatedAt: at("2023-01-01T00:00:00Z"),
			},
		},
	}
}

// golden compares got (JSON) with testdata/name after unmarshalling both, or rewrites
// the file with -update. The server's URL in got is replaced by http://lattice.test.
func golden(t *testing.T, srv *latticetest.Server, name string, got []byte) {
	t.Helper()
	got = bytes.ReplaceAll(got, []byte(srv.URL), []byte("http://lattice.test"))
	path := filepath.Join("testdata", name)
	if *update {
		var buf bytes.Buffer
		if err := json.Indent(&buf, got, "", "  "); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("response %s: %v", got, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	c := goldenCompany()
	if latticetest.CreatedInLattice(&c.People[1]) || !latticetest.CreatedInLattice(&c.People[2]) {
		t.Fatal("golden company: Ada must have an externalUserId and Kim none; pick other IDs")
	}
	srv := latticetest.NewTestServer(t, latticetest.WithCompany(c), latticetest.WithSCIM())
	tests := []struct{ file, path string }{
		{"user.golden.json", "/v1/user/" + goldenAda},
		{"user_minimal.golden.json", "/v1/user/" + goldenKim},
		{"users_deactivated.golden.json", "/v1/users?status=DEACTIVATED"},
		{"department.golden.json", "/v1/department/" + goldenDept},
		{"custom_attributes.golden.json", "/v1/user/" + goldenAda + "/customAttributes"},
		{"scim_user.golden.json", "/scim/v2/Users/" + goldenAda},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".golden.json"), func(t *testing.T) {
			r := get(t, srv, tt.path)
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", tt.path, r.status, r.body)
			}
			golden(t, srv, tt.file, r.body)
		})
	}
}

// TestUserJSONExactFields checks the user JSON of the golden company field by field
// against the API notes, independently of the golden file.
func TestUserJSONExactFields(t *testing.T) {
	t.Parallel()
	srv := latticetest.NewTestServer(t, latticetest.WithCompany(goldenCompany()))
	r := get(t, srv, "/v1/user/"+goldenAda)
	var m map[string]any
	r.decode(t, &m)
	str := func(s string) any { return s }
	want := map[string]any{
		"id": goldenAda, "object": "user", "url": "/v1/user/" + goldenAda,
		"name": "Ada King", "preferredName": "Ada", "email": "ada.king@golden.example",
		"title": `Staff "Compiler" Engineer & <Lead>`, "status": "ACTIVE", "isAdmin": false,
		"externalUserId": "10002", "startDate": "2021-03-01", "birthDate": "1990-12-10",
		"gender": "Female", "timezone": "Europe/London", "jobFunction": nil, "jobLevel": "L5", "jobType": nil,
		"manager":          map[string]any{"object": "user", "id": goldenGrace, "url": str("/v1/user/" + goldenGrace)},
		"department":       map[string]any{"object": "department", "id": goldenDept, "url": str("/v1/department/" + goldenDept)},
		"directReports":    map[string]any{"object": "list", "url": str("/v1/user/" + goldenAda + "/directReports")},
		"tasks":            map[string]any{"object": "list", "url": str("/v1/user/" + goldenAda + "/tasks")},
		"customAttributes": map[string]any{"object": "list", "url": str("/v1/user/" + goldenAda + "/customAttributes")},
		"createdAt":        float64(time.Date(2021, 2, 10, 8, 30, 0, 0, time.UTC).Unix()),
		"updatedAt":        float64(time.Date(2022, 6, 1, 23, 18, 18, 0, time.UTC).Unix()),
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("user JSON mismatch (-want +got):\n%s", diff)
	}
	// Not HTML-escaped, as a JSON API in the wild would send it.
	if !bytes.Contains(r.body, []byte(`& <Lead>`)) {
		t.Errorf("title was HTML-escaped: %s", r.body)
	}
}
