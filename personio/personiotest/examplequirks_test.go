package personiotest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// The tests of the quirks that reproduce shapes of Personio's own documented examples.

// goldenEmployee fetches the v1 record of a golden company's person with opts.
func goldenEmployee(t *testing.T, id int, opts ...personiotest.Option) v1Employee {
	t.Helper()
	var one struct {
		Data v1Employee `json:"data"`
	}
	if err := json.Unmarshal(goldenFetch(t, false, "/v1/company/employees/"+strconv.Itoa(id), opts...), &one); err != nil {
		t.Fatal(err)
	}
	return one.Data
}

// rawValues returns the raw values of the named attributes ("<absent>" for a missing
// one).
func rawValues(e v1Employee, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		a, ok := e.Attributes[k]
		if !ok {
			out[k] = "<absent>"
			continue
		}
		out[k] = string(a.Value)
	}
	return out
}

func TestQuirkColonlessOffsets(t *testing.T) {
	t.Parallel()
	keys := []string{"hire_date", "probation_period_end", "termination_date", "contract_end_date", "date_of_birth",
		"created_at", "last_modified_at", "dynamic_33400"}
	for _, tt := range []struct {
		on   bool
		want map[string]string
	}{
		{false, map[string]string{
			"hire_date":            `"2014-11-08T23:00:00.000Z"`,
			"probation_period_end": `"2015-05-08T22:00:00.000Z"`,
			"termination_date":     `"2026-03-28T23:00:00.000Z"`,
			"contract_end_date":    `"2026-10-24T22:00:00.000Z"`,
			"date_of_birth":        `"1979-06-14T23:00:00.000Z"`,
			"created_at":           `"2017-05-23T09:49:03+02:00"`,
			"last_modified_at":     `"2020-11-18T17:33:55+01:00"`,
			"dynamic_33400":        `"2021-01-01T00:00:00.000Z"`,
		}},
		// Days as local midnight and timestamps with "+0100"/"+0200", as the examples of
		// the v1 description's Employee attributes ("2012-02-01T00:00:00+0100"); custom
		// dates keep their form.
		{true, map[string]string{
			"hire_date":            `"2014-11-09T00:00:00+0100"`,
			"probation_period_end": `"2015-05-09T00:00:00+0200"`,
			"termination_date":     `"2026-03-29T00:00:00+0100"`,
			"contract_end_date":    `"2026-10-25T00:00:00+0200"`,
			"date_of_birth":        `"1979-06-15T00:00:00+0100"`,
			"created_at":           `"2017-05-23T09:49:03+0200"`,
			"last_modified_at":     `"2020-11-18T17:33:55+0100"`,
			"dynamic_33400":        `"2021-01-01T00:00:00.000Z"`,
		}},
	} {
		e := goldenEmployee(t, 5005, withQuirk(func(q *personiotest.Quirks) { q.ColonlessOffsets = tt.on }))
		if diff := cmp.Diff(tt.want, rawValues(e, keys...)); diff != "" {
			t.Errorf("quirk %v (-want +got):\n%s", tt.on, diff)
		}
	}
}

func TestQuirkNumericWeeklyHours(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		on   bool
		want string
	}{{false, `"32"`}, {true, `32`}} {
		e := goldenEmployee(t, 5005, withQuirk(func(q *personiotest.Quirks) { q.NumericWeeklyHours = tt.on }))
		if got := string(e.Attributes["weekly_working_hours"].Value); got != tt.want {
			t.Errorf("quirk %v: weekly_working_hours %s, want %s", tt.on, got, tt.want)
		}
	}
}

func TestQuirkRelationsWithoutIDs(t *testing.T) {
	t.Parallel()
	keys := []string{"office", "team", "department", "subcompany"}
	for _, tt := range []struct {
		on   bool
		want map[string]string
	}{
		{false, map[string]string{
			"office":     `{"type":"Office","attributes":{"id":60302,"name":"Munich"}}`,
			"team":       `{"type":"Team","attributes":{"id":4502,"name":"Platform"}}`,
			"department": `{"type":"Department","attributes":{"id":401,"name":"Engineering"}}`,
			"subcompany": `{"type":"Subcompany","attributes":{"id":170,"name":"Golden Test GmbH"}}`,
		}},
		// As the v1 description's Office and Team schemas: a name, no id.
		{true, map[string]string{
			"office":     `{"type":"Office","attributes":{"name":"Munich"}}`,
			"team":       `{"type":"Team","attributes":{"name":"Platform"}}`,
			"department": `{"type":"Department","attributes":{"id":401,"name":"Engineering"}}`,
			"subcompany": `{"type":"Subcompany","attributes":{"id":170,"name":"Golden Test GmbH"}}`,
		}},
	} {
		e := goldenEmployee(t, 5005, withQuirk(func(q *personiotest.Quirks) { q.RelationsWithoutIDs = tt.on }))
		if diff := cmp.Diff(tt.want, rawValues(e, keys...)); diff != "" {
			t.Errorf("quirk %v (-want +got):\n%s", tt.on, diff)
		}
	}
}

func TestQuirkZeroErrorCodes(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		s := personiotest.NewTestServer(t, personiotest.WithGenerated(3, 5),
			withQuirk(func(q *personiotest.Quirks) { q.ZeroErrorCodes = on }))
		tok := v1Token(t, s)
		for _, tt := range []struct {
			method, path string
			hdr          http.Header
			status       int
			message      string
		}{
			{"GET", "/v1/company/employees/99999999", bearerHeader(tok), 404, "Es ist ein Problem aufgetreten "},
			{"GET", "/v1/company/employees/99999999/profile-picture/75", bearerHeader(tok), 404, "Etwas ist schiefgelaufen ..."},
			{"GET", "/v1/company/employees?limit=0", bearerHeader(tok), 400, "The limit parameter must be a positive integer"},
			{"GET", "/v1/company/employees", nil, 401, "Authorization is not provided"},
			{"POST", "/v1/auth?client_id=someone&client_secret=wrong", nil, 401, "Wrong credentials"},
			{"DELETE", "/v1/company/employees", bearerHeader(tok), 405, "Method Not Allowed"},
		} {
			r := call(t, s, tt.method, tt.path, tt.hdr, "")
			var body struct {
				Success bool `json:"success"`
				Error   struct {
					Code      *int            `json:"code"`
					Message   string          `json:"message"`
					ErrorData json.RawMessage `json:"error_data"`
				} `json:"error"`
			}
			mustDecode(t, r, &body)
			wantCode, wantData := tt.status, "" // the status, no error_data
			if on {
				wantCode, wantData = 0, "{}" // as in the description's 404, 422 and 500 examples
			}
			if r.status != tt.status || body.Success || body.Error.Code == nil || *body.Error.Code != wantCode ||
				string(body.Error.ErrorData) != wantData || body.Error.Message != tt.message {
				t.Errorf("quirk %v: %s %s: %d %s; want %d with code %d, error_data %q, message %q",
					on, tt.method, tt.path, r.status, r.body, tt.status, wantCode, wantData, tt.message)
			}
		}
	}
}

// moverID returns the id of a person with two employments.
func moverID(t *testing.T, s *personiotest.Server, tok string) string {
	t.Helper()
	persons, _ := v2All[v2Person](t, s, tok, "/v2/persons?limit=50", 10)
	for _, p := range persons {
		if len(p.Employments) == 2 {
			return p.ID
		}
	}
	t.Fatal("nobody has two employments")
	return ""
}

func TestQuirkEmploymentLinksAtRoot(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(41, 400),
		withQuirk(func(q *personiotest.Quirks) { q.EmploymentLinksAtRoot = true }))
	tok := v2Token(t, s, "")
	pid := moverID(t, s, tok)

	var first v2Page[v2Employment]
	mustDecode(t, get(t, s, tok, "/v2/persons/"+pid+"/employments?limit=1"), &first)
	// As the examples of Personio's employments description: the links name
	// /v2/employments, not the person's employments path.
	if self := first.Meta.Links.Self; self == nil || self.Href != s.URL+"/v2/employments?limit=1" {
		t.Errorf("self link %+v, want %s/v2/employments?limit=1", self, s.URL)
	}
	next := first.next()
	if !strings.HasPrefix(next, s.URL+"/v2/employments?cursor=cur_") {
		t.Fatalf("next link %q does not point at /v2/employments", next)
	}
	// The link leads to the second page, the person's older employment.
	var second v2Page[v2Employment]
	mustDecode(t, get(t, s, tok, next), &second)
	if len(first.Data) != 1 || len(second.Data) != 1 || second.Data[0].ID == first.Data[0].ID ||
		second.Data[0].Person.ID != pid || second.next() != "" {
		t.Errorf("pages %+v then %+v", first.Data, second.Data)
	}
	if self := second.Meta.Links.Self; self == nil || !strings.HasPrefix(self.Href, s.URL+"/v2/employments?cursor=cur_") {
		t.Errorf("second page self link %+v", self)
	}
	// The same listing, read through the quirk's links, and through the person's path
	// without the quirk, holds the same employments.
	all, pages := v2All[v2Employment](t, s, tok, "/v2/persons/"+pid+"/employments?limit=1", 3)
	s.SetQuirks(personiotest.DefaultQuirks())
	plain, _ := v2All[v2Employment](t, s, tok, "/v2/persons/"+pid+"/employments?limit=1", 3)
	if pages != 2 || !cmp.Equal(all, plain) {
		t.Errorf("%d pages; through /v2/employments %+v, directly %+v", pages, all, plain)
	}

	// /v2/employments is no list of its own: no cursor 404, a cursor of another
	// listing or an unknown one 400, and it needs the employments scope.
	problem(t, get(t, s, tok, "/v2/employments"), http.StatusNotFound)
	problem(t, get(t, s, tok, "/v2/employments?cursor=cur_unknown"), http.StatusBadRequest)
	var persons v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?limit=1"), &persons)
	problem(t, get(t, s, tok, strings.Replace(persons.next(), "/v2/persons?", "/v2/employments?", 1)), http.StatusBadRequest)
	problem(t, get(t, s, v2Token(t, s, personiotest.ScopePersonsRead), next), http.StatusForbidden)
}

func TestQuirkTotalElementsOff(t *testing.T) {
	t.Parallel()
	const n = 35
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, n))
	tok := v1Token(t, s)
	want := intIDs(s.Company())
	for _, tt := range []struct{ off, total, pages int }{{0, 35, 4}, {3, 38, 4}, {6, 41, 5}, {-5, 30, 3}, {-100, 0, 0}} {
		s.SetQuirks(personiotest.Quirks{TotalElementsOff: tt.off})
		var ids []int
		for offset := 0; offset < n; offset += 10 {
			l := v1Page(t, s, tok, "limit=10&offset="+strconv.Itoa(offset))
			if l.Metadata.TotalElements != tt.total || l.Metadata.TotalPages != tt.pages || l.Metadata.CurrentPage != offset/10 {
				t.Errorf("off %d, offset %d: metadata %+v, want total %d in %d pages", tt.off, offset, l.Metadata, tt.total, tt.pages)
			}
			ids = append(ids, l.ids(t)...)
		}
		// The records themselves are all there, whatever the totals say.
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("off %d: ids (-want +got):\n%s", tt.off, diff)
		}
	}
}

func TestQuirkDynamicDateOfBirth(t *testing.T) {
	t.Parallel()
	dyn := withQuirk(func(q *personiotest.Quirks) { q.DynamicDateOfBirth = true })
	key := personiotest.DateOfBirthDynamicKey
	uid := "date_of_birth"
	for _, tt := range []struct {
		name string
		id   int
		opts []personiotest.Option
		want map[string]v1Attr // nil: absent
	}{
		{"off", 5005, nil, map[string]v1Attr{
			"date_of_birth": {Label: "Date of birth", Value: json.RawMessage(`"1979-06-14T23:00:00.000Z"`), Type: "date", UniversalID: &uid},
			key:             {}}},
		// As the v1 description's "get employee" example: a custom key, the standard
		// universal id, midnight UTC.
		{"on", 5005, []personiotest.Option{dyn}, map[string]v1Attr{
			"date_of_birth": {},
			key:             {Label: "Birthday", Value: json.RawMessage(`"1979-06-15T00:00:00.000Z"`), Type: "date", UniversalID: &uid}}},
		{"on, no birthday", 5006, []personiotest.Option{dyn}, map[string]v1Attr{
			"date_of_birth": {},
			key:             {Label: "Birthday", Value: json.RawMessage(`null`), Type: "date", UniversalID: &uid}}},
		{"on, German", 5005, []personiotest.Option{dyn, personiotest.WithLanguage("de")}, map[string]v1Attr{
			"date_of_birth": {},
			key:             {Label: "Geburtstag", Value: json.RawMessage(`"1979-06-15T00:00:00.000Z"`), Type: "date", UniversalID: &uid}}},
		{"on, whitelisted by the custom key", 5005, []personiotest.Option{dyn, personiotest.WithAttributes("first_name", key)},
			map[string]v1Attr{
				"date_of_birth": {},
				key:             {Label: "Birthday", Value: json.RawMessage(`"1979-06-15T00:00:00.000Z"`), Type: "date", UniversalID: &uid}}},
		{"on, not whitelisted", 5005, []personiotest.Option{dyn, personiotest.WithAttributes("first_name")},
			map[string]v1Attr{"date_of_birth": {}, key: {}}},
	} {
		e := goldenEmployee(t, tt.id, tt.opts...)
		got := map[string]v1Attr{}
		for k := range tt.want {
			got[k] = e.Attributes[k]
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}

	// Projection by either key, and the attribute list.
	s := personiotest.NewTestServer(t, personiotest.WithCompany(goldenCompany()), dyn)
	tok := v1Token(t, s)
	for _, proj := range []string{"date_of_birth", key} {
		l := v1Page(t, s, tok, "attributes[]="+proj)
		if diff := cmp.Diff([]string{key, "id"}, attrKeys(l.Data[1])); diff != "" {
			t.Errorf("attributes[]=%s: keys (-want +got):\n%s", proj, diff)
		}
	}
	var attrs struct {
		Data []struct {
			Key         string  `json:"key"`
			Label       string  `json:"label"`
			Type        string  `json:"type"`
			UniversalID *string `json:"universal_id"`
		} `json:"data"`
	}
	mustDecode(t, get(t, s, tok, "/v1/company/employees/attributes"), &attrs)
	found := 0
	for _, a := range attrs.Data {
		switch a.Key {
		case "date_of_birth":
			t.Errorf("the attribute list still has the standard key: %+v", a)
		case key:
			found++
			if a.Label != "Birthday" || a.Type != "date" || a.UniversalID == nil || *a.UniversalID != uid {
				t.Errorf("the attribute list has %+v", a)
			}
		}
	}
	if found != 1 {
		t.Errorf("the attribute list has %s %d times", key, found)
	}
}

// goldenCustom fetches the golden person 5005 and returns its custom attributes as raw
// JSON objects by id.
func goldenCustom(t *testing.T, opts ...personiotest.Option) map[string]map[string]json.RawMessage {
	t.Helper()
	var p struct {
		Custom []map[string]json.RawMessage `json:"custom_attributes"`
	}
	if err := json.Unmarshal(goldenFetch(t, true, "/v2/persons/5005", opts...), &p); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]json.RawMessage{}
	for _, ca := range p.Custom {
		var id string
		_ = json.Unmarshal(ca["id"], &id)
		out[id] = ca
	}
	return out
}

func TestQuirkNumericCustomValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		on   bool
		want map[string]string
	}{
		{false, map[string]string{"dynamic_40103": `"2"`, "dynamic_40104": `"2.5"`, "dynamic_40105": `["Go","SQL"]`, "dynamic_33400": `"2021-01-01"`}},
		{true, map[string]string{"dynamic_40103": `2`, "dynamic_40104": `2.5`, "dynamic_40105": `["Go","SQL"]`, "dynamic_33400": `"2021-01-01"`}},
	} {
		custom := goldenCustom(t, withQuirk(func(q *personiotest.Quirks) { q.NumericCustomValues = tt.on }))
		got := map[string]string{}
		for id := range tt.want {
			got[id] = string(custom[id]["value"])
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("quirk %v: values (-want +got):\n%s", tt.on, diff)
		}
	}
}

func TestQuirkUnlabeledCustomAttributes(t *testing.T) {
	t.Parallel()
	labels := func(opts ...personiotest.Option) map[string]string {
		out := map[string]string{}
		for id, ca := range goldenCustom(t, opts...) {
			out[id] = string(ca["label"])
			if _, ok := ca["label"]; !ok {
				out[id] = "<absent>"
			}
		}
		return out
	}
	want := map[string]string{
		personiotest.PersonnelNumberKey: `"Personal Number"`, "dynamic_24407": `"Title"`, "dynamic_21827": `"IBAN"`,
		"dynamic_33400": `"Anniversary Date"`, "dynamic_40101": `"T-shirt size"`, "dynamic_40103": `"Number of children"`,
		"dynamic_40104": `"Remote days per week"`, "dynamic_40105": `"Skills"`,
	}
	if diff := cmp.Diff(want, labels()); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	german := labels(personiotest.WithLanguage("de"))
	if german["dynamic_24407"] != `"Titel"` || german[personiotest.PersonnelNumberKey] != `"Personalnummer"` {
		t.Errorf("German labels %v", german)
	}
	for id, l := range labels(withQuirk(func(q *personiotest.Quirks) { q.UnlabeledCustomAttributes = true })) {
		if l != "<absent>" {
			t.Errorf("quirk on: %s has label %s", id, l)
		}
	}
}

// TestV2EmploymentJob checks the job of employments: one per position title, shared by
// the people who hold it, absent when the credential may not read the position.
func TestV2EmploymentJob(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(41, 120))
	c := s.Company()
	tok := v2Token(t, s, "")
	byTitle := map[string]string{}
	jobs := map[string]string{}
	for i := range c.People {
		p := &c.People[i]
		var page struct {
			Data []struct {
				Job *struct {
					ID string `json:"id"`
				} `json:"job"`
			} `json:"_data"`
		}
		mustDecode(t, get(t, s, tok, "/v2/persons/"+strconv.Itoa(p.ID)+"/employments"), &page)
		for _, e := range page.Data {
			if e.Job == nil || !isUUID(e.Job.ID) {
				t.Fatalf("%d: job %+v, want {id: uuid}", p.ID, e.Job)
			}
			if prev, ok := byTitle[p.Position]; ok && prev != e.Job.ID {
				t.Errorf("%d: title %q has jobs %s and %s", p.ID, p.Position, prev, e.Job.ID)
			}
			if other, ok := jobs[e.Job.ID]; ok && other != p.Position {
				t.Errorf("job %s stands for %q and %q", e.Job.ID, other, p.Position)
			}
			byTitle[p.Position], jobs[e.Job.ID] = e.Job.ID, p.Position
		}
	}
	if len(jobs) < 10 {
		t.Errorf("only %d jobs", len(jobs))
	}

	// Without the position attribute, no job; without a title, job null.
	hidden := personiotest.NewTestServer(t, personiotest.WithGenerated(41, 5), personiotest.WithAttributes("first_name", "status"))
	var list struct {
		Data []map[string]json.RawMessage `json:"_data"`
	}
	mustDecode(t, get(t, hidden, v2Token(t, hidden, ""), "/v2/persons/10001/employments"), &list)
	if job, ok := list.Data[0]["job"]; ok {
		t.Errorf("job sent without the position attribute: %s", job)
	}
	untitled := personiotest.NewTestServer(t, personiotest.WithGenerated(41, 5))
	untitled.Mutate(func(c *personiotest.Company) { c.People[0].Position = "" })
	mustDecode(t, get(t, untitled, v2Token(t, untitled, ""), "/v2/persons/10001/employments"), &list)
	if got := string(list.Data[0]["job"]); got != "null" {
		t.Errorf("job of an employment without a title: %s, want null", got)
	}
}

// isUUID reports whether s has the form of a UUID (8-4-4-4-12 lower-case hex digits).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", r) {
				return false
			}
		}
	}
	return true
}
