package personiotest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestV1PagingMetadata(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 23))
	ids := intIDs(s.Company())
	if len(ids) != 23 {
		t.Fatalf("company has %d people", len(ids))
	}
	tok := v1Token(t, s)
	tests := []struct {
		query                      string
		limit, offset              int
		currentPage, pages, nItems int
	}{
		{"", 50, 0, 0, 1, 23},
		{"limit=10", 10, 0, 0, 3, 10},
		{"limit=10&offset=10", 10, 10, 1, 3, 10},
		{"limit=10&offset=20", 10, 20, 2, 3, 3},
		{"limit=10&offset=23", 10, 23, 2, 3, 0},
		{"limit=10&offset=40", 10, 40, 4, 3, 0},
		{"limit=7&offset=14", 7, 14, 2, 4, 7},
		{"limit=7&offset=21", 7, 21, 3, 4, 2},
		{"limit=10&offset=5", 10, 5, 0, 3, 10},
		{"limit=1&offset=22", 1, 22, 22, 23, 1},
		{"limit=23", 23, 0, 0, 1, 23},
		{"offset=3", 50, 3, 0, 1, 20},
	}
	for _, tt := range tests {
		l := v1Page(t, s, tok, tt.query)
		got := []int{l.Metadata.TotalElements, l.Metadata.CurrentPage, l.Metadata.TotalPages, l.Offset, l.Limit, len(l.Data)}
		want := []int{23, tt.currentPage, tt.pages, tt.offset, tt.limit, tt.nItems}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("?%s: [total page pages offset limit n] (-want +got):\n%s", tt.query, diff)
		}
		if tt.nItems > 0 {
			if diff := cmp.Diff(ids[tt.offset:tt.offset+tt.nItems], l.ids(t)); diff != "" {
				t.Errorf("?%s: ids (-want +got):\n%s", tt.query, diff)
			}
		}
	}
}

func TestV1LimitClampAndBadParams(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 150))
	tok := v1Token(t, s)
	l := v1Page(t, s, tok, "limit=500")
	if l.Limit != 100 || len(l.Data) != 100 || l.Metadata.TotalPages != 2 {
		t.Errorf("limit=500: limit %d, %d records, %d pages; want the clamp to 100", l.Limit, len(l.Data), l.Metadata.TotalPages)
	}
	for _, q := range []string{"limit=0", "limit=-5", "limit=ten", "offset=-1", "offset=x", "limit=1.5"} {
		r := get(t, s, tok, "/v1/company/employees?"+q)
		var env struct {
			Success bool `json:"success"`
			Error   struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		mustDecode(t, r, &env)
		if r.status != http.StatusBadRequest || env.Success || env.Error.Code != 400 {
			t.Errorf("?%s: %d %s, want a 400 envelope", q, r.status, r.body)
		}
	}
}

func TestV1ListEveryoneOnce(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(11, 250))
	tok := v1Token(t, s)
	var got []int
	requests := 0
	for offset := 0; ; offset += 100 {
		l := v1Page(t, s, tok, "limit=100&offset="+strconv.Itoa(offset))
		requests++
		got = append(got, l.ids(t)...)
		if offset+100 >= l.Metadata.TotalElements {
			break
		}
	}
	if diff := cmp.Diff(intIDs(s.Company()), got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if requests != 3 || s.Count(http.MethodGet, "/v1/company/employees") != 3 {
		t.Errorf("%d requests, %d recorded; want 3", requests, s.Count(http.MethodGet, "/v1/company/employees"))
	}
}

func TestV1EmailFilter(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(5, 60))
	c := s.Company()
	p := c.People[17]
	tok := v1Token(t, s)
	for _, email := range []string{p.Email, strings.ToUpper(p.Email)} {
		l := v1Page(t, s, tok, "email="+url.QueryEscape(email))
		if diff := cmp.Diff([]int{p.ID}, l.ids(t)); diff != "" || l.Metadata.TotalElements != 1 {
			t.Errorf("email=%s: total %d, ids (-want +got):\n%s", email, l.Metadata.TotalElements, diff)
		}
	}
	l := v1Page(t, s, tok, "email=nobody%40example.org")
	if len(l.Data) != 0 || l.Metadata.TotalElements != 0 || l.Metadata.TotalPages != 0 {
		t.Errorf("unknown email: %+v", l.Metadata)
	}
	if string(get(t, s, tok, "/v1/company/employees?email=nobody%40example.org").body) !=
		`{"success":true,"metadata":{"total_elements":0,"current_page":0,"total_pages":0},"offset":0,"limit":50,"data":[]}` {
		t.Error("an empty result is not rendered as an empty data list")
	}
}

func attrKeys(e v1Employee) []string {
	var keys []string
	for k := range e.Attributes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestV1ProjectionAndWhitelist(t *testing.T) {
	t.Parallel()
	open := personiotest.NewTestServer(t, personiotest.WithGenerated(2, 12))
	limited := personiotest.NewTestServer(t, personiotest.WithGenerated(2, 12),
		personiotest.WithAttributes("first_name", "last_name", "dynamic_24407"))
	tests := []struct {
		name  string
		s     *personiotest.Server
		query string
		want  []string
	}{
		{"projection", open, "attributes[]=first_name&attributes[]=email", []string{"email", "first_name", "id"}},
		{"projection comma form", open, "attributes=first_name,department", []string{"department", "first_name", "id"}},
		{"projection of custom", open, "attributes[]=dynamic_33400", []string{"dynamic_33400", "id"}},
		{"projection of unknown", open, "attributes[]=shoe_size", []string{"id"}},
		{"whitelist", limited, "", []string{"dynamic_24407", "first_name", "id", "last_name"}},
		{"whitelist and projection", limited, "attributes[]=first_name&attributes[]=email", []string{"first_name", "id"}},
	}
	for _, tt := range tests {
		tok := v1Token(t, tt.s)
		l := v1Page(t, tt.s, tok, tt.query)
		if len(l.Data) != 12 {
			t.Fatalf("%s: %d records", tt.name, len(l.Data))
		}
		for _, e := range l.Data {
			if diff := cmp.Diff(tt.want, attrKeys(e)); diff != "" {
				t.Errorf("%s: attributes of %d (-want +got):\n%s", tt.name, e.id(t), diff)
				break
			}
		}
	}
	// The whitelist applies to single employees too.
	tok := v1Token(t, limited)
	var one struct {
		Data v1Employee `json:"data"`
	}
	mustDecode(t, get(t, limited, tok, "/v1/company/employees/10001"), &one)
	if diff := cmp.Diff([]string{"dynamic_24407", "first_name", "id", "last_name"}, attrKeys(one.Data)); diff != "" {
		t.Errorf("single employee under the whitelist (-want +got):\n%s", diff)
	}
}

func TestV1UpdatedSince(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(4, 40))
	base := time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC)
	var ids []int
	s.Mutate(func(c *personiotest.Company) {
		for i := range c.People {
			c.People[i].UpdatedAt = base
			ids = append(ids, c.People[i].ID)
		}
		c.People[2].UpdatedAt = base.Add(time.Hour)                  // 09:00:00Z, exactly the cut-off
		c.People[5].UpdatedAt = base.AddDate(0, 1, 0)                // a month later
		c.People[7].UpdatedAt = base.Add(time.Hour - time.Second)    // one second before the cut-off
		c.People[9].UpdatedAt = base.Add(time.Hour + 30*time.Minute) // after
	})
	tok := v1Token(t, s)
	after := []int{ids[2], ids[5], ids[9]}
	tests := []struct {
		query string
		want  []int
	}{
		// Without a zone the time is Berlin time: 10:00 CET is 09:00Z.
		{"updated_since=2030-01-01T10:00:00", after},
		{"updated_since=2030-01-01T09:00:00Z", after},
		{"updated_since=" + url.QueryEscape("2030-01-01T10:00:00+01:00"), after},
		{"updated_since=2030-01-01T10:00:00+01:00", after}, // unescaped '+' arrives as a space
		{"updated_since=2030-01-01T09:00:01Z", []int{ids[5], ids[9]}},
		{"updated_since=2030-01-01T09:59:59Z", []int{ids[5]}},
		// email, limit and offset are ignored.
		{"updated_since=2030-01-01T09:00:00Z&limit=1&offset=2&email=x%40y.z", after},
		{"updated_since=2031-01-01T00:00:00Z", nil},
	}
	for _, tt := range tests {
		l := v1Page(t, s, tok, tt.query)
		got := l.ids(t)
		if len(got) == 0 {
			got = nil
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("?%s (-want +got):\n%s", tt.query, diff)
		}
		if l.Metadata.TotalElements != len(tt.want) || l.Offset != 0 {
			t.Errorf("?%s: metadata %+v offset %d", tt.query, l.Metadata, l.Offset)
		}
	}
	// With attributes[] it still filters, and projects.
	l := v1Page(t, s, tok, "updated_since=2030-01-01T09:00:00Z&attributes[]=last_modified_at")
	if diff := cmp.Diff(after, l.ids(t)); diff != "" {
		t.Errorf("with attributes[] (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"id", "last_modified_at"}, attrKeys(l.Data[0])); diff != "" {
		t.Errorf("with attributes[]: keys (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"yesterday", "2030-13-01T00:00:00", ""} {
		if r := get(t, s, tok, "/v1/company/employees?updated_since="+bad); r.status != http.StatusBadRequest {
			t.Errorf("updated_since=%q: %d, want 400", bad, r.status)
		}
	}
}

func TestV1GetEmployeeAndGerman404(t *testing.T) {
	t.Parallel()
	const want404 = `{"success":false,"error":{"code":404,"message":"Es ist ein Problem aufgetreten "}}`
	for _, lang := range []string{"en", "de"} {
		s := personiotest.NewTestServer(t, personiotest.WithGenerated(6, 10), personiotest.WithLanguage(lang))
		tok := v1Token(t, s)
		id := s.Company().People[4].ID
		r := get(t, s, tok, "/v1/company/employees/"+strconv.Itoa(id))
		var one struct {
			Success bool       `json:"success"`
			Data    v1Employee `json:"data"`
		}
		mustDecode(t, r, &one)
		if r.status != 200 || !one.Success || one.Data.Type != "Employee" || one.Data.id(t) != id {
			t.Errorf("%s: GET %d: %d %s", lang, id, r.status, clip(r.body))
		}
		for _, path := range []string{"/v1/company/employees/1", "/v1/company/employees/99999999", "/v1/company/employees/abc"} {
			r := get(t, s, tok, path)
			if r.status != http.StatusNotFound || string(r.body) != want404 {
				t.Errorf("%s: GET %s: %d %s", lang, path, r.status, r.body)
			}
		}
	}
}

func TestV1AttributesAndAlias(t *testing.T) {
	t.Parallel()
	type attr struct {
		Key         string  `json:"key"`
		Label       string  `json:"label"`
		Type        string  `json:"type"`
		UniversalID *string `json:"universal_id"`
	}
	fetch := func(s *personiotest.Server, path string) []attr {
		t.Helper()
		r := get(t, s, v1Token(t, s), path)
		var out struct {
			Success bool   `json:"success"`
			Data    []attr `json:"data"`
		}
		mustDecode(t, r, &out)
		if r.status != 200 || !out.Success {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		return out.Data
	}
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3))
	c := s.Company()
	list := fetch(s, "/v1/company/employees/attributes")
	if diff := cmp.Diff(list, fetch(s, "/v1/company/employees/custom-attributes")); diff != "" {
		t.Errorf("alias differs (-attributes +custom-attributes):\n%s", diff)
	}
	byKey := map[string]attr{}
	for _, a := range list {
		byKey[a.Key] = a
	}
	for _, k := range []string{"id", "first_name", "last_name", "email", "status", "supervisor", "department", "team",
		"office", "subcompany", "hire_date", "termination_date", "cost_centers", personiotest.PersonnelNumberKey} {
		if _, ok := byKey[k]; !ok {
			t.Errorf("catalogue lacks %q", k)
		}
	}
	for _, ca := range c.Attributes {
		a, ok := byKey[ca.Key]
		if !ok {
			t.Errorf("catalogue lacks custom attribute %q", ca.Key)
			continue
		}
		var uid string
		if a.UniversalID != nil {
			uid = *a.UniversalID
		}
		if a.Label != ca.LabelEN || a.Type != ca.Type || uid != ca.UniversalID || (ca.UniversalID == "" && a.UniversalID != nil) {
			t.Errorf("custom attribute %q rendered as %+v", ca.Key, a)
		}
	}
	if a := byKey["first_name"]; a.UniversalID == nil || *a.UniversalID != "first_name" || a.Type != "standard" {
		t.Errorf("first_name rendered as %+v", a)
	}

	limited := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3),
		personiotest.WithAttributes("email", "dynamic_21827"), personiotest.WithLanguage("de"))
	var keys []string
	for _, a := range fetch(limited, "/v1/company/employees/attributes") {
		keys = append(keys, a.Key+"="+a.Label)
	}
	if diff := cmp.Diff([]string{"id=ID", "email=E-Mail", "dynamic_21827=IBAN"}, keys); diff != "" {
		t.Errorf("whitelisted catalogue (-want +got):\n%s", diff)
	}
}

func TestV1Labels(t *testing.T) {
	t.Parallel()
	// German labels as Personio's credential form names them (Vorname, E-Mail,
	// Abteilung, Anstelldatum, Arbeitszeiten, Gesellschaft, Standort, Kostenstelle,
	// Anstellungsart, Letzter Arbeitstag, Austrittsdatum, Zuletzt geändert, Erstellt am).
	tests := []struct{ key, en, de string }{
		{"first_name", "First name", "Vorname"},
		{"last_name", "Last name", "Nachname"},
		{"email", "Email", "E-Mail"},
		{"department", "Department", "Abteilung"},
		{"office", "Office", "Standort"},
		{"subcompany", "Subcompany", "Gesellschaft"},
		{"cost_centers", "Cost center", "Kostenstelle"},
		{"employment_type", "Employment type", "Anstellungsart"},
		{"hire_date", "Hire date", "Anstelldatum"},
		{"termination_date", "Termination date", "Austrittsdatum"},
		{"last_working_day", "Last day of work", "Letzter Arbeitstag"},
		{"weekly_working_hours", "Weekly hours", "Arbeitszeiten"},
		{"last_modified_at", "Last modified", "Zuletzt geändert"},
		{"created_at", "created_at", "Erstellt am"},
		{personiotest.PersonnelNumberKey, "Personal Number", "Personalnummer"},
	}
	en := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3))
	de := personiotest.NewTestServer(t, personiotest.WithGenerated(1, 3), personiotest.WithLanguage("de-DE"))
	enEmp := v1Page(t, en, v1Token(t, en), "limit=1").Data[0]
	deEmp := v1Page(t, de, v1Token(t, de), "limit=1").Data[0]
	for _, tt := range tests {
		if got := enEmp.Attributes[tt.key].Label; got != tt.en {
			t.Errorf("en %s: %q, want %q", tt.key, got, tt.en)
		}
		if got := deEmp.Attributes[tt.key].Label; got != tt.de {
			t.Errorf("de %s: %q, want %q", tt.key, got, tt.de)
		}
	}
	for _, a := range en.Company().Attributes {
		if got := enEmp.Attributes[a.Key].Label; got != a.LabelEN {
			t.Errorf("en %s: %q, want %q", a.Key, got, a.LabelEN)
		}
		if got := deEmp.Attributes[a.Key].Label; got != a.LabelDE {
			t.Errorf("de %s: %q, want %q", a.Key, got, a.LabelDE)
		}
	}
}

// TestV1EmployeeShape checks every employee of a generated company against its record.
func TestV1EmployeeShape(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(8, 200))
	c := s.Company()
	berlin := mustBerlin(t)
	tok := v1Token(t, s)
	var raw []map[string]map[string]json.RawMessage
	var list v1List
	for offset := 0; offset < 200; offset += 100 {
		r := get(t, s, tok, "/v1/company/employees?limit=100&offset="+strconv.Itoa(offset))
		var page struct {
			Data []struct {
				Attributes map[string]map[string]json.RawMessage `json:"attributes"`
			} `json:"data"`
		}
		mustDecode(t, r, &page)
		for _, d := range page.Data {
			raw = append(raw, d.Attributes)
		}
		var l v1List
		mustDecode(t, r, &l)
		list.Data = append(list.Data, l.Data...)
	}
	if len(list.Data) != len(c.People) {
		t.Fatalf("%d employees, want %d", len(list.Data), len(c.People))
	}
	salary := map[string]bool{"fix_salary": true, "hourly_salary": true}
	for i, e := range list.Data {
		p := &c.People[i]
		for key, a := range raw[i] {
			want := []string{"label", "type", "universal_id", "value"}
			if salary[key] {
				want = []string{"currency", "label", "type", "universal_id", "value"}
			}
			var got []string
			for k := range a {
				got = append(got, k)
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%d.%s: fields (-want +got):\n%s", p.ID, key, diff)
			}
		}
		if e.Type != "Employee" || e.id(t) != p.ID {
			t.Fatalf("record %d is %s %d, want Employee %d", i, e.Type, e.id(t), p.ID)
		}
		checkStrings(t, e, map[string]string{
			"first_name": p.FirstName, "last_name": p.LastName, "email": p.Email, "status": p.Status.String(),
			"employment_type": p.EmploymentType, "position": p.Position, "gender": p.Gender,
			personiotest.PersonnelNumberKey: p.EmployeeNumber,
		})
		if h, err := strconv.ParseFloat(e.str(t, "weekly_working_hours"), 64); err != nil || h != p.WeeklyHours {
			t.Errorf("%d: weekly_working_hours %q, want %v", p.ID, e.str(t, "weekly_working_hours"), p.WeeklyHours)
		}
		for key, d := range map[string]unified.Date{"hire_date": p.HireDate, "termination_date": p.TerminationDate,
			"last_working_day": p.LastWorkingDay, "contract_end_date": p.ContractEndDate, "date_of_birth": p.BirthDate} {
			checkDay(t, p.ID, key, e.str(t, key), d, berlin)
		}
		if ts, err := time.Parse(time.RFC3339, e.str(t, "created_at")); err != nil || !ts.Equal(p.CreatedAt) {
			t.Errorf("%d: created_at %q, want %v", p.ID, e.str(t, "created_at"), p.CreatedAt)
		}
		if ts, err := time.Parse(time.RFC3339, e.str(t, "last_modified_at")); err != nil || !ts.Equal(p.UpdatedAt) {
			t.Errorf("%d: last_modified_at %q, want %v", p.ID, e.str(t, "last_modified_at"), p.UpdatedAt)
		}
		checkRelation(t, p.ID, e, "department", "Department", idName(c.Department(p.DepartmentID)))
		checkRelation(t, p.ID, e, "team", "Team", idName(c.Team(p.TeamID)))
		checkRelation(t, p.ID, e, "office", "Office", idName(c.Office(p.OfficeID)))
		checkRelation(t, p.ID, e, "subcompany", "Subcompany", idName(c.LegalEntity(p.LegalEntityID)))
		checkSupervisor(t, c, p, e)
		var ccs []struct {
			Type       string `json:"type"`
			Attributes struct {
				ID         int     `json:"id"`
				Name       string  `json:"name"`
				Percentage float64 `json:"percentage"`
			} `json:"attributes"`
		}
		if err := json.Unmarshal(e.Attributes["cost_centers"].Value, &ccs); err != nil || ccs == nil {
			t.Fatalf("%d: cost_centers %s is not a list", p.ID, e.Attributes["cost_centers"].Value)
		}
		if len(ccs) != len(p.CostCenters) {
			t.Errorf("%d: %d cost centres, want %d", p.ID, len(ccs), len(p.CostCenters))
		}
		for j := range min(len(ccs), len(p.CostCenters)) {
			if ccs[j].Type != "CostCenter" || ccs[j].Attributes.ID != p.CostCenters[j].ID ||
				ccs[j].Attributes.Percentage != p.CostCenters[j].Percentage || ccs[j].Attributes.Name != c.CostCenter(p.CostCenters[j].ID).Name {
				t.Errorf("%d: cost centre %d rendered as %+v", p.ID, j, ccs[j])
			}
		}
		if cur := e.Attributes["fix_salary"].Currency; cur != "EUR" && cur != "GBP" {
			t.Errorf("%d: fix_salary currency %q", p.ID, cur)
		}
		for _, a := range c.Attributes {
			got := e.Attributes[a.Key]
			if (a.UniversalID == "") != (got.UniversalID == nil) || got.Type != a.Type {
				t.Errorf("%d: %s rendered as %+v", p.ID, a.Key, got)
			}
			checkCustom(t, p, a, got.Value)
		}
	}
}

func checkStrings(t *testing.T, e v1Employee, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := e.str(t, k); got != v {
			t.Errorf("%d: %s = %q, want %q", e.id(t), k, got, v)
		}
	}
}

// checkDay checks that a v1 date value is the instant of midnight of want in Berlin.
func checkDay(t *testing.T, id int, key, value string, want unified.Date, berlin *time.Location) {
	t.Helper()
	if want.IsZero() {
		if value != "" {
			t.Errorf("%d: %s = %q, want null", id, key, value)
		}
		return
	}
	ts, err := time.Parse("2006-01-02T15:04:05.000Z", value)
	if err != nil {
		t.Errorf("%d: %s = %q: %v", id, key, value, err)
		return
	}
	local := ts.In(berlin)
	if unified.DateOf(local) != want || local.Hour() != 0 || local.Minute() != 0 {
		t.Errorf("%d: %s = %q is %v in Berlin, want midnight of %v", id, key, value, local, want)
	}
}

type idAndName struct {
	ID   int
	Name string
}

func idName(v any) *idAndName {
	switch x := v.(type) {
	case *fakecompany.Department:
		if x != nil {
			return &idAndName{x.ID, x.Name}
		}
	case *fakecompany.Team:
		if x != nil {
			return &idAndName{x.ID, x.Name}
		}
	case *fakecompany.Office:
		if x != nil {
			return &idAndName{x.ID, x.Name}
		}
	case *fakecompany.LegalEntity:
		if x != nil {
			return &idAndName{x.ID, x.Name}
		}
	}
	return nil
}

func checkRelation(t *testing.T, id int, e v1Employee, key, typ string, want *idAndName) {
	t.Helper()
	var got *struct {
		Type       string    `json:"type"`
		Attributes idAndName `json:"attributes"`
	}
	if err := json.Unmarshal(e.Attributes[key].Value, &got); err != nil {
		t.Fatalf("%d: %s: %v", id, key, err)
	}
	switch {
	case want == nil && got != nil:
		t.Errorf("%d: %s = %+v, want null", id, key, got)
	case want != nil && (got == nil || got.Type != typ || got.Attributes != *want):
		t.Errorf("%d: %s = %s, want %s %+v", id, key, e.Attributes[key].Value, typ, *want)
	}
}

func checkSupervisor(t *testing.T, c *personiotest.Company, p *personiotest.Person, e v1Employee) {
	t.Helper()
	var sup *v1Employee
	if err := json.Unmarshal(e.Attributes["supervisor"].Value, &sup); err != nil {
		t.Fatalf("%d: supervisor: %v", p.ID, err)
	}
	if p.SupervisorID == 0 {
		if sup != nil {
			t.Errorf("%d: supervisor %+v, want null", p.ID, sup)
		}
		return
	}
	boss := c.Person(p.SupervisorID)
	if sup == nil || sup.Type != "Employee" || sup.id(t) != boss.ID {
		t.Fatalf("%d: supervisor %s, want %d", p.ID, e.Attributes["supervisor"].Value, boss.ID)
	}
	checkStrings(t, *sup, map[string]string{"first_name": boss.FirstName, "last_name": boss.LastName, "email": boss.Email})
}

// checkCustom checks a v1 custom attribute value against the person's text value.
func checkCustom(t *testing.T, p *personiotest.Person, a fakecompany.CustomAttribute, raw json.RawMessage) {
	t.Helper()
	v, ok := p.Custom[a.Key]
	if !ok {
		if string(raw) != "null" {
			t.Errorf("%d: unset %s = %s, want null", p.ID, a.Key, raw)
		}
		return
	}
	switch a.Type {
	case fakecompany.AttrDate:
		var s string
		_ = json.Unmarshal(raw, &s)
		if s != v+"T00:00:00.000Z" {
			t.Errorf("%d: %s = %s, want %sT00:00:00.000Z", p.ID, a.Key, raw, v)
		}
	case fakecompany.AttrInteger, fakecompany.AttrDecimal:
		var f float64
		want, _ := strconv.ParseFloat(v, 64)
		if err := json.Unmarshal(raw, &f); err != nil || f != want {
			t.Errorf("%d: %s = %s, want the number %s", p.ID, a.Key, raw, v)
		}
	default:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || s != v {
			t.Errorf("%d: %s = %s, want %q", p.ID, a.Key, raw, v)
		}
	}
}

func mustBerlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	return loc
}

// TestV1MutateDuringPaging shows the record shift of offset paging: a person removed
// before the current offset makes the next page skip somebody.
func TestV1MutateDuringPaging(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 30))
	orig := intIDs(s.Company())
	tok := v1Token(t, s)
	first := v1Page(t, s, tok, "limit=10&offset=0").ids(t)
	s.Mutate(func(c *personiotest.Company) {
		if err := c.Remove(orig[3]); err != nil {
			t.Error(err)
		}
	})
	second := v1Page(t, s, tok, "limit=10&offset=10")
	if diff := cmp.Diff(orig[11:21], second.ids(t)); diff != "" {
		t.Errorf("page 2 after a removal (-want +got):\n%s", diff)
	}
	if second.Metadata.TotalElements != 29 {
		t.Errorf("total_elements = %d after a removal, want 29", second.Metadata.TotalElements)
	}
	if seen := append(first, second.ids(t)...); slices.Contains(seen, orig[10]) {
		t.Errorf("person %d should have been skipped by the shift", orig[10])
	}
	// A hire appears at the end (ids grow) and is counted at once.
	var hired int
	s.Mutate(func(c *personiotest.Company) {
		p, err := c.Hire(fakecompany.Person{FirstName: "Nova", LastName: "Hire", HireDate: unified.NewDate(2026, 5, 4)})
		if err != nil {
			t.Fatal(err)
		}
		hired = p.ID
	})
	third := v1Page(t, s, tok, "limit=10&offset=20")
	if ids := third.ids(t); third.Metadata.TotalElements != 30 || ids[len(ids)-1] != hired || hired <= orig[29] {
		t.Errorf("after hiring %d: total %d, last page %v", hired, third.Metadata.TotalElements, ids)
	}
}
