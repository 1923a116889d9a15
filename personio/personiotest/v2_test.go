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

func TestV2PersonsPagingEveryoneOnce(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(12, 120))
	tok := v2Token(t, s, "")
	want := companyIDs(s.Company(), nil)
	for _, tt := range []struct {
		query string
		pages int
	}{{"", 12}, {"?limit=50", 3}, {"?limit=1", 120}, {"?limit=40", 3}} {
		var hrefs []string
		href := "/v2/persons" + tt.query
		var got []string
		for href != "" {
			if len(hrefs) > tt.pages {
				t.Fatalf("%s: more than %d pages", tt.query, tt.pages)
			}
			r := get(t, s, tok, href)
			var p v2Page[v2Person]
			mustDecode(t, r, &p)
			got = append(got, personIDs(p.Data)...)
			href = p.next()
			if href != "" {
				hrefs = append(hrefs, href)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: ids (-want +got):\n%s", tt.query, diff)
		}
		if len(hrefs)+1 != tt.pages {
			t.Errorf("%s: %d pages, want %d", tt.query, len(hrefs)+1, tt.pages)
		}
		for _, h := range hrefs {
			u, err := url.Parse(h)
			if err != nil || !strings.HasPrefix(h, s.URL+"/v2/persons?") || u.Path != "/v2/persons" {
				t.Fatalf("next href %q is not an absolute URL of /v2/persons", h)
			}
			q := u.Query()
			if len(q) != 1 || !strings.HasPrefix(q.Get("cursor"), "cur_") {
				t.Errorf("next href %q: query should hold only an opaque cursor", h)
			}
		}
	}
}

func TestV2PersonsLimit(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(12, 60))
	tok := v2Token(t, s, "")
	for _, tt := range []struct {
		limit string
		n     int
	}{{"1", 1}, {"50", 50}, {"", 10}} {
		var p v2Page[v2Person]
		mustDecode(t, get(t, s, tok, "/v2/persons?limit="+tt.limit), &p)
		if len(p.Data) != tt.n {
			t.Errorf("limit=%s: %d persons, want %d", tt.limit, len(p.Data), tt.n)
		}
	}
	for _, bad := range []string{"0", "51", "-1", "ten", "2.5"} {
		p := problem(t, get(t, s, tok, "/v2/persons?limit="+bad), http.StatusBadRequest)
		if p.Errors[0].Title != "Bad request" || !strings.HasSuffix(p.Errors[0].Type, "#common.bad_request") {
			t.Errorf("limit=%s: %+v", bad, p.Errors[0])
		}
	}
}

func TestV2PersonFilters(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(21, 150))
	c := s.Company()
	tok := v2Token(t, s, "")
	p1, p2, p3 := c.People[10], c.People[57], c.People[99]
	var withPreferred *personiotest.Person
	for i := range c.People {
		if c.People[i].PreferredName != "" {
			withPreferred = &c.People[i]
			break
		}
	}
	if withPreferred == nil {
		t.Fatal("generated company has nobody with a preferred name")
	}
	mid := c.People[75].CreatedAt
	upd := c.People[40].UpdatedAt
	rfc := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339)) }
	tests := []struct {
		query string
		keep  func(p *personiotest.Person) bool
	}{
		{"id=" + strconv.Itoa(p1.ID), func(p *personiotest.Person) bool { return p.ID == p1.ID }},
		{"id=" + strconv.Itoa(p1.ID) + "," + strconv.Itoa(p3.ID) + ",99999999",
			func(p *personiotest.Person) bool { return p.ID == p1.ID || p.ID == p3.ID }},
		{"id=" + strconv.Itoa(p1.ID) + "&id=" + strconv.Itoa(p2.ID),
			func(p *personiotest.Person) bool { return p.ID == p1.ID || p.ID == p2.ID }},
		{"email=" + url.QueryEscape(strings.ToUpper(p2.Email)+","+p3.Email),
			func(p *personiotest.Person) bool { return p.ID == p2.ID || p.ID == p3.ID }},
		{"first_name=" + url.QueryEscape(p1.FirstName), func(p *personiotest.Person) bool { return p.FirstName == p1.FirstName }},
		{"last_name=" + url.QueryEscape(p2.LastName), func(p *personiotest.Person) bool { return p.LastName == p2.LastName }},
		{"preferred_name=" + url.QueryEscape(strings.ToUpper(fullPreferred(withPreferred))),
			func(p *personiotest.Person) bool { return fullPreferred(p) == fullPreferred(withPreferred) }},
		{"created_at=" + rfc(mid), func(p *personiotest.Person) bool { return p.CreatedAt.Equal(mid) }},
		{"created_at.gt=" + rfc(mid), func(p *personiotest.Person) bool { return p.CreatedAt.After(mid) }},
		{"created_at.lt=" + rfc(mid), func(p *personiotest.Person) bool { return p.CreatedAt.Before(mid) }},
		{"updated_at.gt=" + rfc(upd), func(p *personiotest.Person) bool { return p.UpdatedAt.After(upd) }},
		{"updated_at.lt=" + rfc(upd), func(p *personiotest.Person) bool { return p.UpdatedAt.Before(upd) }},
		{"updated_at=" + rfc(upd), func(p *personiotest.Person) bool { return p.UpdatedAt.Equal(upd) }},
		{"status=INACTIVE", func(p *personiotest.Person) bool { return p.Status == unified.StatusInactive }},
		{"status=ACTIVE", func(p *personiotest.Person) bool { return p.Status != unified.StatusInactive }},
		{"status=ACTIVE&created_at.lt=" + rfc(mid) + "&updated_at.gt=" + rfc(upd), func(p *personiotest.Person) bool {
			return p.Status != unified.StatusInactive && p.CreatedAt.Before(mid) && p.UpdatedAt.After(upd)
		}},
		{"created_at.gt=" + rfc(mid) + "&created_at.lt=" + rfc(mid.Add(90*24*time.Hour)), func(p *personiotest.Person) bool {
			return p.CreatedAt.After(mid) && p.CreatedAt.Before(mid.Add(90*24*time.Hour))
		}},
		{"unknown_param=1", nil},
	}
	for _, tt := range tests {
		got, _ := v2All[v2Person](t, s, tok, "/v2/persons?limit=7&"+tt.query, 100)
		want := companyIDs(c, tt.keep)
		if len(want) == 0 {
			t.Fatalf("?%s matches nobody in the company: the case proves nothing", tt.query)
		}
		if diff := cmp.Diff(want, personIDs(got)); diff != "" {
			t.Errorf("?%s (-want +got):\n%s", tt.query, diff)
		}
	}
	var inactive int
	for i := range c.People {
		if c.People[i].Status == unified.StatusInactive {
			inactive++
		}
	}
	if inactive == 0 {
		t.Error("the company has no inactive people; the status filter test proves nothing")
	}
}

func TestV2PersonFilterErrors(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(21, 20))
	tok := v2Token(t, s, "")
	for _, q := range []string{
		"created_at.lt=wrong-date-format",
		"updated_at.gt=2024-01-01",
		"updated_at=yesterday",
		"id.nooperator=1",
		"email.gt=a@b.c",
		"status.lt=ACTIVE",
		"created_at.gte=2024-01-01T00:00:00Z",
		"foo.gt=1",
		"status=active",
		"status=UNSPECIFIED",
		"id=abc",
		"id=1,,2",
		"id=",
		"email=",
		"first_name=",
	} {
		p := problem(t, get(t, s, tok, "/v2/persons?"+q), http.StatusBadRequest)
		if p.Errors[0].Title != "Bad request" || p.Errors[0].Detail == "" {
			t.Errorf("?%s: %+v", q, p.Errors[0])
		}
	}
}

func TestV2CursorKeepsFiltersAndLimit(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(31, 200))
	c := s.Company()
	tok := v2Token(t, s, "")
	got, pages := v2All[v2Person](t, s, tok, "/v2/persons?status=INACTIVE&limit=2", 200)
	want := companyIDs(c, func(p *personiotest.Person) bool { return p.Status == unified.StatusInactive })
	if diff := cmp.Diff(want, personIDs(got)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if wantPages := (len(want) + 1) / 2; pages != wantPages && !(len(want)%2 == 0 && pages == wantPages) {
		t.Errorf("%d pages for %d people at limit 2", pages, len(want))
	}
	// Parameters sent with a cursor do not change the listing.
	var first v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?status=INACTIVE&limit=2"), &first)
	var second v2Page[v2Person]
	mustDecode(t, get(t, s, tok, first.next()+"&status=ACTIVE&limit=50"), &second)
	if diff := cmp.Diff(want[2:4], personIDs(second.Data)); diff != "" {
		t.Errorf("page 2 with extra parameters (-want +got):\n%s", diff)
	}
}

func TestV2CursorErrors(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(31, 40), personiotest.WithMaxCursors(2))
	tok := v2Token(t, s, "")
	nextOf := func(path string) string {
		var p v2Page[json.RawMessage]
		mustDecode(t, get(t, s, tok, path), &p)
		if p.next() == "" {
			t.Fatalf("%s has no next link", path)
		}
		return p.next()
	}
	first := nextOf("/v2/persons?limit=5")
	problem(t, get(t, s, tok, "/v2/persons?cursor=cur_doesnotexist"), http.StatusBadRequest)
	u, _ := url.Parse(first)
	problem(t, get(t, s, tok, "/v2/legal-entities?"+u.RawQuery), http.StatusBadRequest)
	problem(t, get(t, s, tok, "/v2/persons/10001/employments?"+u.RawQuery), http.StatusBadRequest)
	if r := get(t, s, tok, first); r.status != http.StatusOK {
		t.Fatalf("fresh cursor: %d", r.status)
	}
	// Two more cursors evict the first.
	nextOf("/v2/persons?limit=6")
	nextOf("/v2/persons?limit=7")
	p := problem(t, get(t, s, tok, first), http.StatusBadRequest)
	if !strings.Contains(p.Errors[0].Detail, "cursor") {
		t.Errorf("evicted cursor: %+v", p.Errors[0])
	}
}

func TestV2PersonGet(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(13, 30))
	c := s.Company()
	tok := v2Token(t, s, "")
	for i := range c.People {
		p := &c.People[i]
		r := get(t, s, tok, "/v2/persons/"+strconv.Itoa(p.ID))
		var got v2Person
		mustDecode(t, r, &got)
		wantGender := strings.ToUpper(p.Gender)
		if wantGender == "" {
			wantGender = "UNSPECIFIED"
		}
		wantStatus := "ACTIVE"
		if p.Status == unified.StatusInactive {
			wantStatus = "INACTIVE"
		}
		want := v2Person{ID: strconv.Itoa(p.ID), Email: p.Email, FirstName: p.FirstName, LastName: p.LastName,
			PreferredName: fullPreferred(p), Gender: wantGender, Status: wantStatus,
			CreatedAt: p.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339)}
		got.CustomAttributes, got.Employments = nil, nil
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("person %d (-want +got):\n%s", p.ID, diff)
		}
	}
	for _, path := range []string{"/v2/persons/1", "/v2/persons/abc", "/v2/persons/99999999"} {
		p := problem(t, get(t, s, tok, path), http.StatusNotFound)
		if e := p.Errors[0]; e.Title != "Resource not found" || e.Detail != "There is no resource for the specified id." ||
			!strings.HasSuffix(e.Type, "#common.resource_not_found") {
			t.Errorf("%s: %+v", path, e)
		}
	}
}

func TestV2CustomAttributes(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(13, 40))
	c := s.Company()
	tok := v2Token(t, s, "")
	persons, _ := v2All[v2Person](t, s, tok, "/v2/persons?limit=50", 5)
	wantType := map[string]string{
		fakecompany.AttrText: "string", fakecompany.AttrList: "string", fakecompany.AttrDate: "date",
		fakecompany.AttrInteger: "int", fakecompany.AttrDecimal: "double", fakecompany.AttrTags: "string_list",
	}
	for i, got := range persons {
		p := &c.People[i]
		byID := map[string]v2Custom{}
		for _, ca := range got.CustomAttributes {
			byID[ca.ID] = ca
		}
		if p.EmployeeNumber != "" {
			ca := byID[personiotest.PersonnelNumberKey]
			if string(ca.Value) != strconv.Quote(p.EmployeeNumber) || ca.GlobalID == nil ||
				*ca.GlobalID != personiotest.PersonnelNumberKey || ca.Label != "Personal Number" {
				t.Errorf("%d: personnel number %+v, want %q", p.ID, ca, p.EmployeeNumber)
			}
		}
		for _, a := range c.Attributes {
			v, set := p.Custom[a.Key]
			ca, ok := byID[a.Key]
			if ok != set {
				t.Errorf("%d: %s present=%v, set=%v", p.ID, a.Key, ok, set)
				continue
			}
			if !ok {
				continue
			}
			// global_id is always a string: the universal id, else the key; the label
			// is the English one.
			wantGlobal := a.UniversalID
			if wantGlobal == "" {
				wantGlobal = a.Key
			}
			if ca.Type != wantType[a.Type] || ca.GlobalID == nil || *ca.GlobalID != wantGlobal || ca.Label != a.LabelEN {
				t.Errorf("%d: %s = %+v, want global_id %q and label %q", p.ID, a.Key, ca, wantGlobal, a.LabelEN)
			}
			// Values as the schema types them: strings (numbers too), tags a list.
			var want any = v
			switch a.Type {
			case fakecompany.AttrDecimal:
				f, _ := strconv.ParseFloat(v, 64)
				want = strconv.FormatFloat(f, 'f', -1, 64)
			case fakecompany.AttrTags:
				var tags []any
				for _, tag := range strings.Split(v, ", ") {
					tags = append(tags, tag)
				}
				want = tags
			}
			var gotV any
			_ = json.Unmarshal(ca.Value, &gotV)
			if diff := cmp.Diff(want, gotV); diff != "" {
				t.Errorf("%d: %s value (-want +got):\n%s", p.ID, a.Key, diff)
			}
		}
	}
}

type v2Employment struct {
	ID          string                      `json:"id"`
	Status      string                      `json:"status"`
	Type        string                      `json:"type"`
	Position    struct{ Title string }      `json:"position"`
	WeeklyHours *float64                    `json:"weekly_working_hours"`
	StartDate   *string                     `json:"employment_start_date"`
	EndDate     *string                     `json:"employment_end_date"`
	Supervisor  *struct{ ID string }        `json:"supervisor"`
	Office      *struct{ ID string }        `json:"office"`
	LegalEntity *struct{ ID string }        `json:"legal_entity"`
	OrgUnits    []struct{ Type, ID string } `json:"org_units"`
	Person      struct{ ID string }         `json:"person"`
	Termination map[string]json.RawMessage  `json:"termination"`
}

func TestV2Employments(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(41, 400))
	c := s.Company()
	tok := v2Token(t, s, "")
	movers, inactive := 0, 0
	for i := range c.People {
		p := &c.People[i]
		pid := strconv.Itoa(p.ID)
		ems, _ := v2All[v2Employment](t, s, tok, "/v2/persons/"+pid+"/employments", 3)
		if len(ems) == 0 || len(ems) > 2 {
			t.Fatalf("%d: %d employments", p.ID, len(ems))
		}
		cur := ems[0]
		wantStatus := strings.ToUpper(p.Status.String())
		wantOrg := [][2]string{}
		if p.TeamID != 0 {
			wantOrg = append(wantOrg, [2]string{"team", strconv.Itoa(p.TeamID)})
		}
		if p.DepartmentID != 0 {
			wantOrg = append(wantOrg, [2]string{"department", strconv.Itoa(p.DepartmentID)})
		}
		gotOrg := [][2]string{}
		for _, u := range cur.OrgUnits {
			gotOrg = append(gotOrg, [2]string{u.Type, u.ID})
		}
		if cur.Status != wantStatus || cur.Type != strings.ToUpper(p.EmploymentType) || cur.Person.ID != pid ||
			cur.Position.Title != p.Position || !cmp.Equal(wantOrg, gotOrg) {
			t.Errorf("%d: current employment %+v", p.ID, cur)
		}
		if (cur.Supervisor == nil) != (p.SupervisorID == 0) || (cur.Supervisor != nil && cur.Supervisor.ID != strconv.Itoa(p.SupervisorID)) {
			t.Errorf("%d: supervisor %+v, want %d", p.ID, cur.Supervisor, p.SupervisorID)
		}
		if (cur.LegalEntity == nil) != (p.LegalEntityID == 0) || (cur.LegalEntity != nil && cur.LegalEntity.ID != strconv.Itoa(p.LegalEntityID)) {
			t.Errorf("%d: legal entity %+v, want %d", p.ID, cur.LegalEntity, p.LegalEntityID)
		}
		if p.Status == unified.StatusInactive {
			inactive++
			var term struct {
				TerminationDate string `json:"termination_date"`
				LastWorkingDay  string `json:"last_working_day"`
				Type            string `json:"type"`
			}
			b, _ := json.Marshal(cur.Termination)
			_ = json.Unmarshal(b, &term)
			if term.TerminationDate != p.TerminationDate.String() || term.LastWorkingDay != p.LastWorkingDay.String() ||
				term.Type != strings.ToUpper(p.TerminationType) || cur.EndDate == nil || *cur.EndDate != p.TerminationDate.String() {
				t.Errorf("%d: termination %s, want %v / %v", p.ID, b, p.TerminationDate, p.LastWorkingDay)
			}
		} else if p.TerminationDate.IsZero() && cur.Termination != nil {
			t.Errorf("%d: termination %v for somebody without a termination date", p.ID, cur.Termination)
		}
		if len(ems) == 1 {
			if cur.StartDate == nil || *cur.StartDate != p.HireDate.String() {
				t.Errorf("%d: start %v, want %v", p.ID, cur.StartDate, p.HireDate)
			}
			continue
		}
		// A mover: the older, inactive employment comes second and ended before the
		// current one began; the first began on the hire date.
		movers++
		old := ems[1]
		start, _ := unified.ParseDate(*cur.StartDate)
		end, _ := unified.ParseDate(*old.EndDate)
		if old.Status != "INACTIVE" || *old.StartDate != p.HireDate.String() || !end.Before(start) ||
			old.LegalEntity == nil || old.LegalEntity.ID == cur.LegalEntity.ID || old.Termination == nil {
			t.Errorf("%d: older employment %+v, current starts %v", p.ID, old, start)
		}
		// limit=1 pages through them most recent first, and each one can be fetched.
		paged, pages := v2All[v2Employment](t, s, tok, "/v2/persons/"+pid+"/employments?limit=1", 3)
		if pages != 2 || paged[0].ID != cur.ID || paged[1].ID != old.ID {
			t.Errorf("%d: limit=1 gave %d pages", p.ID, pages)
		}
		for _, e := range ems {
			var one v2Employment
			mustDecode(t, get(t, s, tok, "/v2/persons/"+pid+"/employments/"+e.ID), &one)
			if one.ID != e.ID {
				t.Errorf("%d: GET employment %s returned %s", p.ID, e.ID, one.ID)
			}
		}
		filtered, _ := v2All[v2Employment](t, s, tok, "/v2/persons/"+pid+"/employments?id="+old.ID, 2)
		if len(filtered) != 1 || filtered[0].ID != old.ID {
			t.Errorf("%d: id filter gave %d employments", p.ID, len(filtered))
		}
	}
	if movers == 0 || inactive == 0 {
		t.Errorf("%d movers, %d inactive: the generated company does not exercise the cases", movers, inactive)
	}
	problem(t, get(t, s, tok, "/v2/persons/99999999/employments"), http.StatusNotFound)
	problem(t, get(t, s, tok, "/v2/persons/"+strconv.Itoa(c.People[0].ID)+"/employments/00000000-0000-4000-8000-000000000000"), http.StatusNotFound)
	problem(t, get(t, s, tok, "/v2/persons/"+strconv.Itoa(c.People[0].ID)+"/employments?updated_at.gt=nope"), http.StatusBadRequest)
	problem(t, get(t, s, tok, "/v2/persons/"+strconv.Itoa(c.People[0].ID)+"/employments?limit=51"), http.StatusBadRequest)
	// updated_at filters apply to the employment.
	future := url.QueryEscape(time.Now().AddDate(50, 0, 0).Format(time.RFC3339))
	none, _ := v2All[v2Employment](t, s, tok, "/v2/persons/"+strconv.Itoa(c.People[0].ID)+"/employments?updated_at.gt="+future, 2)
	if len(none) != 0 {
		t.Errorf("updated_at.gt in the future matched %d employments", len(none))
	}
}

func TestV2LegalEntities(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(5, 20))
	c := s.Company()
	tok := v2Token(t, s, "")
	type entity struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Country   string `json:"country"`
		CreatedAt string `json:"created_at"`
	}
	all, _ := v2All[entity](t, s, tok, "/v2/legal-entities", 2)
	if len(all) != len(c.LegalEntities) || len(all) < 2 {
		t.Fatalf("%d legal entities, want %d", len(all), len(c.LegalEntities))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].CreatedAt < all[i].CreatedAt {
			t.Errorf("not newest first: %v", all)
		}
	}
	byID := map[string]entity{}
	for _, e := range all {
		byID[e.ID] = e
	}
	for _, le := range c.LegalEntities {
		e := byID[strconv.Itoa(le.ID)]
		if e.Name != le.Name || e.Country != le.Country {
			t.Errorf("legal entity %d rendered as %+v", le.ID, e)
		}
		var one entity
		mustDecode(t, get(t, s, tok, "/v2/legal-entities/"+strconv.Itoa(le.ID)), &one)
		if one != e {
			t.Errorf("GET legal entity %d = %+v, want %+v", le.ID, one, e)
		}
	}
	gb, _ := v2All[entity](t, s, tok, "/v2/legal-entities?country=gb", 2)
	if len(gb) != 1 || gb[0].Country != "GB" {
		t.Errorf("country=gb: %+v", gb)
	}
	one, _ := v2All[entity](t, s, tok, "/v2/legal-entities?id="+all[1].ID, 2)
	if len(one) != 1 || one[0] != all[1] {
		t.Errorf("id filter: %+v", one)
	}
	paged, pages := v2All[entity](t, s, tok, "/v2/legal-entities?limit=1", 5)
	if pages != len(all) || !cmp.Equal(paged, all) {
		t.Errorf("limit=1: %d pages, %+v", pages, paged)
	}
	problem(t, get(t, s, tok, "/v2/legal-entities/1"), http.StatusNotFound)
	for _, q := range []string{"limit=0", "limit=101", "country=GBR", "id=x", "country.gt=DE"} {
		problem(t, get(t, s, tok, "/v2/legal-entities?"+q), http.StatusBadRequest)
	}
}

type orgUnitJSON struct {
	ID           string        `json:"id"`
	Type         string        `json:"type"`
	Name         string        `json:"name"`
	Abbreviation *string       `json:"abbreviation"`
	Description  *string       `json:"description"`
	ParentID     *string       `json:"parent_id"`
	ParentChain  []orgUnitJSON `json:"parent_chain"`
}

func TestV2OrgUnits(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(5, 20))
	c := s.Company()
	tok := v2Token(t, s, "")
	d := c.Departments[1]
	var team fakecompany.Team
	for _, tm := range c.Teams {
		if tm.DepartmentID == d.ID {
			team = tm
			break
		}
	}
	var got orgUnitJSON
	mustDecode(t, get(t, s, tok, "/v2/org-units/"+strconv.Itoa(d.ID)+"?type=department"), &got)
	if got.ID != strconv.Itoa(d.ID) || got.Type != "department" || got.Name != d.Name || got.ParentID != nil ||
		got.Description != nil || got.Abbreviation == nil || *got.Abbreviation == "" || got.ParentChain != nil {
		t.Errorf("department: %+v", got)
	}
	got = orgUnitJSON{}
	mustDecode(t, get(t, s, tok, "/v2/org-units/"+strconv.Itoa(team.ID)+"?type=team&include_parent_chain=true"), &got)
	if got.Type != "team" || got.Name != team.Name || got.ParentID == nil || *got.ParentID != strconv.Itoa(d.ID) ||
		len(got.ParentChain) != 1 || got.ParentChain[0].ID != strconv.Itoa(d.ID) {
		t.Errorf("team with parent chain: %+v", got)
	}
	problem(t, get(t, s, tok, "/v2/org-units/"+strconv.Itoa(d.ID)), http.StatusBadRequest)
	problem(t, get(t, s, tok, "/v2/org-units/"+strconv.Itoa(d.ID)+"?type=squad"), http.StatusBadRequest)
	problem(t, get(t, s, tok, "/v2/org-units/"+strconv.Itoa(d.ID)+"?type=team"), http.StatusNotFound)
	problem(t, get(t, s, tok, "/v2/org-units/"+strconv.Itoa(team.ID)+"?type=team&include_parent_chain=maybe"), http.StatusBadRequest)

	all, _ := v2All[orgUnitJSON](t, s, tok, "/v2/org-units?limit=7", 50)
	if len(all) != len(c.Departments)+len(c.Teams) {
		t.Errorf("%d org units, want %d", len(all), len(c.Departments)+len(c.Teams))
	}
	units, _ := dedupe(func() []string {
		var out []string
		for _, u := range all {
			out = append(out, u.Type+u.ID)
		}
		return out
	}())
	if len(units) != len(all) {
		t.Error("the org-unit listing repeats units")
	}
	teams, _ := v2All[orgUnitJSON](t, s, tok, "/v2/org-units?type=team&sort=id", 50)
	if len(teams) != len(c.Teams) {
		t.Errorf("%d teams, want %d", len(teams), len(c.Teams))
	}
	problem(t, get(t, s, tok, "/v2/org-units?sort=name"), http.StatusBadRequest)

	closed := personiotest.NewTestServer(t, personiotest.WithGenerated(5, 20), personiotest.WithoutOrgUnitList())
	ctok := v2Token(t, closed, "")
	problem(t, get(t, closed, ctok, "/v2/org-units?type=team"), http.StatusNotFound)
	if r := get(t, closed, ctok, "/v2/org-units/"+strconv.Itoa(team.ID)+"?type=team"); r.status != http.StatusOK {
		t.Errorf("single org unit without the list: %d", r.status)
	}
}

func TestV2Whitelist(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(5, 20), personiotest.WithAttributes("first_name", "dynamic_21827"))
	tok := v2Token(t, s, "")
	r := get(t, s, tok, "/v2/persons?limit=50")
	var page struct {
		Data []map[string]json.RawMessage `json:"_data"`
	}
	mustDecode(t, r, &page)
	for _, p := range page.Data {
		var keys []string
		for k := range p {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if diff := cmp.Diff([]string{"_meta", "custom_attributes", "employments", "first_name", "id"}, keys); diff != "" {
			t.Fatalf("person fields (-want +got):\n%s", diff)
		}
		var cas []v2Custom
		_ = json.Unmarshal(p["custom_attributes"], &cas)
		for _, ca := range cas {
			if ca.ID != "dynamic_21827" {
				t.Errorf("custom attribute %s is not whitelisted", ca.ID)
			}
		}
	}
	var em struct {
		Data []map[string]json.RawMessage `json:"_data"`
	}
	mustDecode(t, get(t, s, tok, "/v2/persons/10001/employments"), &em)
	for k := range em.Data[0] {
		if !slices.Contains([]string{"id", "job", "org_units", "person", "_meta"}, k) {
			t.Errorf("employment field %q is not whitelisted", k)
		}
	}
	if string(em.Data[0]["org_units"]) != "[]" {
		t.Errorf("org_units = %s without department and team access", em.Data[0]["org_units"])
	}
}

// TestV2CursorsSurviveMutation: person cursors are keyset positions, so a removal
// behind the cursor and a hire ahead of it neither skip nor repeat anybody.
func TestV2CursorsSurviveMutation(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(9, 30))
	orig := companyIDs(s.Company(), nil)
	tok := v2Token(t, s, "")
	var first v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?limit=10"), &first)
	var hired int
	s.Mutate(func(c *personiotest.Company) {
		if err := c.Remove(c.People[3].ID); err != nil {
			t.Error(err)
		}
		p, err := c.Hire(fakecompany.Person{FirstName: "Nova", LastName: "Hire", HireDate: unified.NewDate(2026, 5, 4)})
		if err != nil {
			t.Fatal(err)
		}
		hired = p.ID
	})
	rest, _ := v2All[v2Person](t, s, tok, first.next(), 10)
	got := append(personIDs(first.Data), personIDs(rest)...)
	want := append(slices.Clone(orig), strconv.Itoa(hired))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

// fullPreferred is the preferred_name Personio reports for p: the full name the person
// goes by ("Alex Bergmann"), or "" when there is none.
func fullPreferred(p *personiotest.Person) string {
	if p.PreferredName == "" {
		return ""
	}
	return p.PreferredName + " " + p.LastName
}
