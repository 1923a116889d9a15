package personiotest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
)

// TestSchema drives every endpoint of the fake that Personio's published OpenAPI
// descriptions cover, in every mode that changes the shape of an answer, and validates
// each answer (status, content type, body) against the descriptions. What the
// descriptions forbid and the fake sends is an error unless one of two lists accounts
// for it:
//
//   - specAllowlist: the descriptions contradict themselves or the real service; the
//     fake follows the service.
//   - a scenario's intended rules: the quirk the scenario turns on exists to reproduce a
//     reported bug of the real service, so it must depart from the descriptions there
//     (and the test fails if it does not).
//
// Anything else is a deviation of the fake, and fails the test. Every entry of every
// list must match at least once, so a stale one fails the test too. Run with -v for the
// per-endpoint table and the list of finding categories:
//
//	go test ./personio/personiotest -run 'TestSchema$' -v
//
// The descriptions are read from $HRISCONNECT_OPENAPI_DIR or ../shared/openapi/personio
// beside the module root; without them the test skips. The transport faults of
// Server.Inject are not validated: their bodies are the test author's, or broken on
// purpose.
func TestSchema(t *testing.T) {
	t.Parallel()
	start := time.Now()
	specs, dir := testSpecs(t)
	results := make([][]judged, len(schemaScenarios))
	t.Run("scenarios", func(t *testing.T) {
		for i, sc := range schemaScenarios {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				s := personiotest.NewTestServer(t, append([]personiotest.Option{
					personiotest.WithGenerated(schemaSeed, schemaPeople),
					personiotest.WithClock(func() time.Time { return schemaNow }),
				}, sc.opts...)...)
				c := &crawler{t: t, s: s, scenario: sc.name}
				sc.run(c)
				if n := len(s.Requests()); n != len(c.ex) {
					t.Fatalf("the fake answered %d requests, the crawl recorded %d", n, len(c.ex))
				}
				out := make([]judged, len(c.ex))
				for k, ex := range c.ex {
					out[k] = judged{ex: ex, findings: specs.validate(ex)}
					out[k].ex.body = nil
				}
				results[i] = out
			})
		}
	})
	if t.Failed() {
		return
	}

	rep := judge(specs, results)
	t.Logf("validated %d responses against %s in %v\n%s",
		rep.responses, dir, time.Since(start).Round(time.Millisecond), rep.table())
	var gl strings.Builder
	for _, g := range specGaps() {
		fmt.Fprintf(&gl, "  %s %s: %s\n", g.endpoint, g.status, g.why)
	}
	t.Logf("answers the descriptions leave out, validated against the closest schema they publish:\n%s", gl.String())
	t.Logf("finding categories (pointer, keyword: reason):\n%s", rep.categories(false))
	for _, p := range rep.problems {
		t.Error(p)
	}
	if rep.errors > 0 {
		t.Errorf("%d findings in %d categories are not accounted for:\n%s", rep.errors, rep.errorCategories, rep.categories(true))
	}
}

// loadedSpecs loads the descriptions once for the tests of the package and compiles
// the schemas of every endpoint the tests reach, so that parallel scenarios validate
// against compiled schemas.
var loadedSpecs = sync.OnceValue(func() specsLoad {
	dir, absent, err := openAPIDir()
	if err != nil || dir == "" {
		return specsLoad{absent: absent, err: err}
	}
	specs, err := loadSpecs(dir, specGaps())
	if err != nil {
		return specsLoad{err: err}
	}
	specs.warm(schemaEndpoints)
	return specsLoad{specs: specs, dir: dir}
})

type specsLoad struct {
	specs       *specSet
	dir, absent string
	err         error
}

// testSpecs returns the loaded descriptions and their folder; it skips the test when
// the folder is absent (a clone without ../shared).
func testSpecs(t *testing.T) (*specSet, string) {
	t.Helper()
	l := loadedSpecs()
	if l.err != nil {
		t.Fatal(l.err)
	}
	if l.specs == nil {
		t.Skip("Personio's OpenAPI descriptions are not available: " + l.absent)
	}
	return l.specs, l.dir
}

// The company and clock of every scenario. The clock is fixed, so rate limits never
// refill and timestamps and cursors repeat from run to run.
const (
	schemaSeed   = 11
	schemaPeople = 120
)

var schemaNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// The endpoints of the fake, named as the table shows them: method and full path
// template of the operation that describes them.
const (
	epV1Auth             = "POST /v1/auth"
	epV1Employees        = "GET /v1/company/employees"
	epV1Employee         = "GET /v1/company/employees/{employee_id}"
	epV1Attributes       = "GET /v1/company/employees/attributes"
	epV1CustomAttributes = "GET /v1/company/employees/custom-attributes"
	epV1Picture          = "GET /v1/company/employees/{employee_id}/profile-picture/{width}"
	epV2Token            = "POST /v2/auth/token"
	epV2Persons          = "GET /v2/persons"
	epV2Person           = "GET /v2/persons/{id}"
	epV2Employments      = "GET /v2/persons/{person_id}/employments"
	epV2Employment       = "GET /v2/persons/{person_id}/employments/{id}"
	// epV2EmploymentsRoot is where the links of Personio's employment examples point
	// (the EmploymentLinksAtRoot quirk); no description has the operation.
	epV2EmploymentsRoot = "GET /v2/employments"
)

// schemaEndpoints are the endpoints the test must reach, in the order of the table.
var schemaEndpoints = []string{epV1Auth, epV1Employees, epV1Employee, epV1Attributes, epV1CustomAttributes,
	epV1Picture, epV2Token, epV2Persons, epV2Person, epV2Employments, epV2Employment, epV2EmploymentsRoot}

// specGaps supplies descriptions of answers the descriptions leave out. The real
// service sends them (see ../shared/api-notes/personio.md), so the fake must; each is
// validated against the closest schema Personio publishes. Every gap must be exercised.
func specGaps() []specGap {
	v1Error := func(s *specSet) *v3.Response { return componentResponse(s.v1, "ErrorResponse", "application/json") }
	v1Unauthorized := func(s *specSet) *v3.Response {
		return s.v1.doc.Components.Responses.GetOrZero("401UnauthorizedResponse")
	}
	// sameAs reuses another documented answer of the same or another operation.
	sameAs := func(ep, status string) func(*specSet) *v3.Response {
		return func(s *specSet) *v3.Response {
			if e := s.endpoint(ep); e != nil && slices.Contains(e.documented, status) {
				return e.responses[status]
			}
			return nil
		}
	}
	const (
		whyAuth = "POST /v1/auth is in no description; the credentials description carries its answer " +
			"(components/schemas/V1AuthenticationTokenResponse), its errors use the v1 envelope " +
			"(v1 components/schemas/ErrorResponse)"
		whyV1401 = "the v1 description documents 401 for its attendance operations and as " +
			"components/responses/401UnauthorizedResponse, not for the employee operations"
		whyV1Err = "a v1 error the description does not list for this operation: the v1 envelope " +
			"(components/schemas/ErrorResponse)"
		whyV2 = "v2 resource errors (401, 403, 429) that the description does not list: Personio's " +
			"problem+json envelope, as documented for the operation's 400/404"
		whyAlias = "the description gives …/custom-attributes no body and says " +
			"\"Please refer to /company/employees/attributes\""
		whyEmploymentsRoot = "no description has GET /v2/employments, but the links of the employments " +
			"description's examples point there (\"https://api.personio.de/v2/employments?cursor=…\"); " +
			"the fake serves those links (EmploymentLinksAtRoot), validated as the employments list"
	)
	gaps := []specGap{
		{epV1Auth, "200", whyAuth, func(s *specSet) *v3.Response {
			return componentResponse(s.credentials, "V1AuthenticationTokenResponse", "application/json")
		}},
		{epV1Auth, "400", whyAuth, v1Error},
		{epV1Auth, "401", whyAuth, v1Error},
		{epV1Auth, "429", whyAuth, v1Error},
		{epV1Employees, "400", whyV1Err, v1Error},
		{epV1CustomAttributes, "200", whyAlias, sameAs(epV1Attributes, "200")},
		{epV2Token, "429", "the token endpoint's rate limit answers with its OAuth2 error body, as documented for 400",
			sameAs(epV2Token, "400")},
		{epV2EmploymentsRoot, "200", whyEmploymentsRoot, sameAs(epV2Employments, "200")},
		{epV2EmploymentsRoot, "404", whyEmploymentsRoot, sameAs(epV2Employments, "404")},
	}
	for _, ep := range []string{epV1Employees, epV1Employee, epV1Attributes, epV1CustomAttributes} {
		gaps = append(gaps, specGap{ep, "401", whyV1401, v1Unauthorized}, specGap{ep, "429", whyV1Err, v1Error})
	}
	for ep, doc := range map[string]string{epV2Persons: "400", epV2Person: "404", epV2Employments: "400", epV2Employment: "404"} {
		for _, st := range []string{"401", "403", "429"} {
			gaps = append(gaps, specGap{ep, st, whyV2, sameAs(ep, doc)})
		}
	}
	slices.SortFunc(gaps, func(a, b specGap) int {
		if d := slices.Index(schemaEndpoints, a.endpoint) - slices.Index(schemaEndpoints, b.endpoint); d != 0 {
			return d
		}
		return strings.Compare(a.status, b.status)
	})
	return gaps
}

// rule describes findings of one kind: at one of the endpoints, a pointer matching the
// pattern, the keyword, and (when set) a value that value accepts.
type rule struct {
	name      string
	endpoints []string
	pointer   *regexp.Regexp
	keyword   string
	value     func(any) bool
}

func (r *rule) matches(f finding) bool {
	return slices.Contains(r.endpoints, f.endpoint) && r.keyword == f.keyword && r.pointer.MatchString(f.pointer) &&
		(r.value == nil || r.value(f.value))
}

func isNull(v any) bool   { return v == nil }
func isNumber(v any) bool { _, ok := v.(float64); return ok }
func isString(v any) bool { _, ok := v.(string); return ok }
func isArray(v any) bool  { _, ok := v.([]any); return ok }

// ptr compiles an anchored pointer pattern.
func ptr(pattern string) *regexp.Regexp { return regexp.MustCompile("^" + pattern + "$") }

// v2CustomTypes is the enum of Person.custom_attributes[].type.
var v2CustomTypes = []string{"UNSPECIFIED", "STRING", "INT", "DOUBLE", "DATE", "BOOLEAN", "STRING_LIST"}

// specAllowlist forgives what the descriptions get wrong about the real service. Each
// entry names the place in the description and why; nothing else is forgiven.
//
// Two contradictions listed in ../shared/openapi/personio/README.md need no entry,
// because the schemas do not forbid what the service sends: the v1 auth answer
// (components/schemas/V1AuthenticationTokenResponse nests data.data.token, but does not
// require data.data, so the real data.token passes) and termination.last_working_date
// (an undeclared property; last_working_day is not required).
var specAllowlist = []rule{
	{
		// persons-service-api-v2.json Person.properties.custom_attributes.items.properties.type:
		// the enum is upper case, every example of the same description writes "string",
		// and so does the real service. Only a lower-cased enum value is forgiven.
		name:      "v2 custom attribute types in lower case, as Personio's examples and service send them",
		endpoints: []string{epV2Persons, epV2Person},
		pointer:   ptr(`(/_data/\*)?/custom_attributes/\*/type`),
		keyword:   "enum",
		value: func(v any) bool {
			s, ok := v.(string)
			return ok && s != strings.ToUpper(s) && slices.Contains(v2CustomTypes, strings.ToUpper(s))
		},
	},
	{
		// employment-contract-v2.json Employment.properties.{employment_end_date,
		// contract_end_date, probation_end_date} are non-nullable strings; every example
		// of the description has "employment_end_date": null for an employment that has
		// not ended, so the service writes an unset date of an employment as null, and
		// no example leaves a date key out. Clients run against live tenants read these
		// dates as optional (ninjaneers-team/pysonio, commit 884fc54 "mark optional
		// fields as optional": probation_end_date became Optional[str]). The fake writes
		// a contract without end, an employment without probation and one that has not
		// ended the same way (see v2EmploymentJSON).
		name:      "v2 employment dates null when unset, as employment_end_date in Personio's examples",
		endpoints: []string{epV2Employments, epV2Employment, epV2EmploymentsRoot},
		pointer:   ptr(`(/_data/\*)?/(employment_end_date|contract_end_date|probation_end_date)`),
		keyword:   "type",
		value:     isNull,
	},
	{
		// employment-contract-v2.json Employment.properties.{supervisor, office,
		// legal_entity, sub_company} are non-nullable objects {id}. The description
		// written for a pipeline that loads live Personio data declares supervisor
		// "oneOf: [type: null, Supervisor]" (planet-a-ventures/dlt-source-personio,
		// dlt_source_personio/model/v2_spec/employment.yaml): the head of the company
		// has supervisor null. For office, legal_entity and sub_company nothing
		// published shows the unset form; the fake writes them as supervisor (see
		// v2EmploymentJSON; confidence low).
		name:      "v2 employment references null when unset, as supervisor for the head of a live company",
		endpoints: []string{epV2Employments, epV2Employment, epV2EmploymentsRoot},
		pointer:   ptr(`(/_data/\*)?/(supervisor|office|legal_entity|sub_company)`),
		keyword:   "type",
		value:     isNull,
	},
	{
		// v1-personnel.yaml components/schemas/{Supervisor,Office,Department,Team,
		// HolidayCalendar}.properties.value are objects; the real service sends null for
		// an unset relation (api-notes §1.4).
		name:      "v1 relation attribute null when the relation is unset, as the real service sends it",
		endpoints: []string{epV1Employees, epV1Employee},
		pointer:   ptr(`/data(/\*)?/attributes/(supervisor|office|subcompany|department|team|holiday_calendar)/value`),
		keyword:   "type",
		value:     isNull,
	},
	{
		// v1-personnel.yaml EmployeesListAttributesResponse_data_inner.universal_id is a
		// string; custom attributes without a universal id have universal_id null, as
		// the description's own Employee example shows (dynamic_24407, dynamic_33400).
		name:      "v1 universal_id null for a custom attribute without one, as in Personio's Employee example",
		endpoints: []string{epV1Attributes, epV1CustomAttributes},
		pointer:   ptr(`/data/\*/universal_id`),
		keyword:   "type",
		value:     isNull,
	},
	{
		// v1-personnel.yaml EmployeesResponse is allOf [Response, EmployeesResponse_allOf]:
		// Response.data is {type: object}, EmployeesResponse_allOf.data is an array of
		// employees. No document satisfies both; the description's example, the
		// pagination guide and the real service send the array.
		name:      "v1 employee list data is an array: EmployeesResponse's allOf also demands an object",
		endpoints: []string{epV1Employees},
		pointer:   ptr(`/data`),
		keyword:   "type",
		value:     isArray,
	},
}

// schemaScenario is one server configuration and the requests sent to it.
type schemaScenario struct {
	name string
	opts []personiotest.Option
	run  func(c *crawler)
	// intended are the departures from the descriptions that the scenario's quirk exists
	// to reproduce; each must occur.
	intended []rule
}

// withQuirks returns the real service's quirks plus the ones set turns on.
func withQuirks(set func(q *personiotest.Quirks)) personiotest.Option {
	q := personiotest.DefaultQuirks()
	set(&q)
	return personiotest.WithQuirks(q)
}

var schemaScenarios = []schemaScenario{
	{name: "default", run: crawlEverything},
	{name: "schema custom types", opts: []personiotest.Option{personiotest.WithQuirks(personiotest.Quirks{})},
		run: crawlListings},
	{name: "German labels, restricted attributes", run: crawlListings, opts: []personiotest.Option{
		personiotest.WithLanguage("de"),
		personiotest.WithAttributes("first_name", "last_name", "email", "status", "team", "supervisor",
			"hire_date", "termination_date", "dynamic_40103", "dynamic_40105", personiotest.PersonnelNumberKey),
	}},
	{name: "legacy token rotation", opts: []personiotest.Option{personiotest.WithLegacyTokenRotation()},
		run: crawlRotation},
	{name: "scopes", opts: []personiotest.Option{personiotest.WithScopes(personiotest.ScopePersonsRead)},
		run: crawlScopes},
	{name: "rate limits", opts: []personiotest.Option{personiotest.WithRateLimit(60, 1),
		personiotest.WithAuthRateLimit(1), personiotest.WithRateLimitRetryAfter()}, run: crawlRateLimits},
	{name: "expired tokens", run: crawlExpired},
	// The paging quirks change which records a page holds, not their shape: one
	// scenario has them all. SelfReferencingNext, which stops a listing from advancing,
	// has its own.
	{name: "paging quirks", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) {
			q.DuplicateAcrossPages, q.OversizedPages, q.EmptyPageWithNext, q.BackwardsCursor = true, true, true, true
		})}},
	{name: "quirk SelfReferencingNext", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.SelfReferencingNext = true })}},
	{name: "quirk RelativeNext", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.RelativeNext = true })},
		intended: []rule{{
			name:      "RelativeNext: relative self and next links (schema: format uri)",
			endpoints: []string{epV2Persons, epV2Employments},
			pointer:   ptr(`/_meta/links/(self|next)/href`),
			keyword:   "format",
			value:     func(v any) bool { s, ok := v.(string); return ok && strings.HasPrefix(s, "/v2/") },
		}}},
	{name: "quirk StringNumbers", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.StringNumbers = true })},
		intended: []rule{{
			name:      "StringNumbers: v1 paging numbers as strings (schema: integer)",
			endpoints: []string{epV1Employees},
			pointer:   ptr(`/(offset|limit|metadata/(total_elements|current_page|total_pages))`),
			keyword:   "type",
			value:     isString,
		}, {
			name:      "StringNumbers: v1 ids of nested objects as strings (schema: integer or number)",
			endpoints: []string{epV1Employees, epV1Employee},
			pointer: ptr(`/data(/\*)?/attributes/(department/value/attributes/id|` +
				`(cost_centers|absence_entitlement)/value/\*/attributes/id|(holiday_calendar|work_schedule)/value/attributes/id)`),
			keyword: "type",
			value:   isString,
		}}},
	{name: "quirk LastWorkingDate", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.LastWorkingDate = true })}},
	// The shapes of Personio's own examples.
	{name: "quirk ColonlessOffsets", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.ColonlessOffsets = true })}},
	{name: "quirk NumericWeeklyHours", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.NumericWeeklyHours = true })}},
	{name: "quirk RelationsWithoutIDs", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.RelationsWithoutIDs = true })}},
	{name: "quirk ZeroErrorCodes", run: crawlV1Errors,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.ZeroErrorCodes = true })}},
	{name: "quirk EmploymentLinksAtRoot", run: crawlEmploymentLinks,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.EmploymentLinksAtRoot = true })}},
	{name: "quirk TotalElementsOff", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.TotalElementsOff = 3 })}},
	{name: "quirk DynamicDateOfBirth", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.DynamicDateOfBirth = true })}},
	{name: "quirk NumericCustomValues", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.NumericCustomValues = true })},
		intended: []rule{{
			name:      "NumericCustomValues: INT and DOUBLE custom values as JSON numbers (schema: string, list of strings or of objects)",
			endpoints: []string{epV2Persons, epV2Person},
			pointer:   ptr(`(/_data/\*)?/custom_attributes/\*/value`),
			keyword:   "oneOf",
			value:     isNumber,
		}}},
	{name: "quirk UnlabeledCustomAttributes", run: crawlListings,
		opts: []personiotest.Option{withQuirks(func(q *personiotest.Quirks) { q.UnlabeledCustomAttributes = true })}},
}

// crawler sends requests to one server and records every exchange.
type crawler struct {
	t        *testing.T
	s        *personiotest.Server
	scenario string
	ex       []exchange
}

var (
	jsonContent = http.Header{"Content-Type": {"application/json"}}
	formContent = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
)

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// do sends a request; target is a path with its query, or a URL taken from an answer.
func (c *crawler) do(method, target string, hdr http.Header, body string, linked bool) exchange {
	c.t.Helper()
	u, err := url.Parse(c.s.URL)
	if err != nil {
		c.t.Fatal(err)
	}
	ref, err := url.Parse(target)
	if err != nil {
		c.t.Fatalf("%s: %v", target, err)
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u.ResolveReference(ref).String(), rd)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.s.Client().Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, target, err)
	}
	ex := exchange{scenario: c.scenario, method: method, path: req.URL.Path, query: req.URL.RawQuery,
		status: resp.StatusCode, header: resp.Header, body: b, linked: linked}
	c.ex = append(c.ex, ex)
	return ex
}

// getJSON sends an authenticated GET and decodes a successful JSON answer into v.
func (c *crawler) getJSON(tok, target string, linked bool, v any) exchange {
	c.t.Helper()
	var hdr http.Header
	if tok != "" {
		hdr = bearer(tok)
	}
	ex := c.do(http.MethodGet, target, hdr, "", linked)
	if ex.status == http.StatusOK && v != nil {
		if err := json.Unmarshal(ex.body, v); err != nil {
			c.t.Fatalf("GET %s: %v", target, err)
		}
	}
	return ex
}

func (c *crawler) credentials() url.Values {
	return url.Values{"client_id": {c.s.ClientID}, "client_secret": {c.s.ClientSecret}}
}

// v1Token authenticates with query parameters.
func (c *crawler) v1Token() string {
	c.t.Helper()
	ex := c.do(http.MethodPost, "/v1/auth?"+c.credentials().Encode(), nil, "", false)
	var out struct{ Data struct{ Token string } }
	if err := json.Unmarshal(ex.body, &out); err != nil || out.Data.Token == "" {
		c.t.Fatalf("POST /v1/auth: %d %s", ex.status, ex.body)
	}
	return out.Data.Token
}

// v2Token gets an access token for scope ("" = every scope of the credential).
func (c *crawler) v2Token(scope string) string {
	c.t.Helper()
	f := c.credentials()
	f.Set("grant_type", "client_credentials")
	if scope != "" {
		f.Set("scope", scope)
	}
	ex := c.do(http.MethodPost, "/v2/auth/token", formContent, f.Encode(), false)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(ex.body, &out); err != nil || out.AccessToken == "" {
		c.t.Fatalf("POST /v2/auth/token: %d %s", ex.status, ex.body)
	}
	return out.AccessToken
}

// schemaV1Employee is what the crawl reads from a v1 employee.
type schemaV1Employee struct {
	Attributes struct {
		ID             struct{ Value any }
		Email          struct{ Value string }
		LastModifiedAt struct{ Value string } `json:"last_modified_at"`
		ProfilePicture struct{ Value string } `json:"profile_picture"`
	}
}

func (e schemaV1Employee) id() string { return fmt.Sprint(e.Attributes.ID.Value) }

// v1Pages lists /v1/company/employees with the query (which must not set offset), at
// most maxPages pages, and returns the employees, following offsets as a client does.
func (c *crawler) v1Pages(tok, query string, maxPages int) []schemaV1Employee {
	c.t.Helper()
	var all []schemaV1Employee
	for offset, pages := 0, 0; pages < maxPages; pages++ {
		var page struct {
			Data     []schemaV1Employee
			Limit    json.Number
			Metadata struct {
				TotalElements json.Number `json:"total_elements"`
			}
		}
		ex := c.getJSON(tok, fmt.Sprintf("/v1/company/employees?%s&offset=%d", query, offset), false, &page)
		if ex.status != http.StatusOK {
			c.t.Fatalf("GET /v1/company/employees: %d %s", ex.status, ex.body)
		}
		all = append(all, page.Data...)
		limit, _ := page.Limit.Int64()
		total, _ := page.Metadata.TotalElements.Int64()
		offset += int(limit)
		if limit <= 0 || int64(offset) >= total {
			break
		}
	}
	return all
}

// schemaV2Item is what the crawl reads from a v2 person or employment.
type schemaV2Item struct {
	ID          string
	Status      string
	Employments []struct{ ID string }
	Meta        struct {
		Links map[string]struct{ Href string }
	} `json:"_meta"`
}

// v2Pages follows a v2 listing from first through its next links, at most maxPages
// pages, and returns the items.
func (c *crawler) v2Pages(tok, first string, maxPages int) []schemaV2Item {
	c.t.Helper()
	var all []schemaV2Item
	target, linked := first, false
	for range maxPages {
		var page struct {
			Data []schemaV2Item `json:"_data"`
			Meta struct {
				Links map[string]struct{ Href string }
			} `json:"_meta"`
		}
		ex := c.getJSON(tok, target, linked, &page)
		if ex.status != http.StatusOK {
			c.t.Fatalf("GET %s: %d %s", target, ex.status, ex.body)
		}
		all = append(all, page.Data...)
		next := page.Meta.Links["next"].Href
		if next == "" {
			break
		}
		target, linked = next, true
	}
	return all
}

// crawlEverything reaches every endpoint with every status the fake answers with in
// its default configuration.
func crawlEverything(c *crawler) {
	// v1 auth: query, JSON and form bodies; missing and wrong credentials.
	tok := c.v1Token()
	creds := c.credentials()
	body, _ := json.Marshal(map[string]string{"client_id": c.s.ClientID, "client_secret": c.s.ClientSecret})
	c.do(http.MethodPost, "/v1/auth", jsonContent, string(body), false)
	c.do(http.MethodPost, "/v1/auth", formContent, creds.Encode(), false)
	c.do(http.MethodPost, "/v1/auth", nil, "", false)
	c.do(http.MethodPost, "/v1/auth?client_id=someone&client_secret=wrong", nil, "", false)

	// v1 lists: every employee at the largest limit, the default limit, past the end,
	// filtered, projected; bad parameters.
	emps := c.v1Pages(tok, "limit=100", 20)
	c.getJSON(tok, fmt.Sprintf("/v1/company/employees?offset=%d", len(emps)-5), false, nil)
	c.getJSON(tok, "/v1/company/employees?offset=100000", false, nil)
	c.getJSON(tok, "/v1/company/employees?email="+url.QueryEscape(emps[len(emps)/2].Attributes.Email.Value), false, nil)
	latest := ""
	for _, e := range emps {
		latest = max(latest, e.Attributes.LastModifiedAt.Value)
	}
	c.getJSON(tok, "/v1/company/employees?updated_since="+url.QueryEscape(latest), false, nil)
	c.getJSON(tok, "/v1/company/employees?limit=5&attributes[]=first_name&attributes[]=team&attributes[]=dynamic_40104", false, nil)
	c.getJSON(tok, "/v1/company/employees?limit=0", false, nil)
	c.getJSON(tok, "/v1/company/employees?offset=-1", false, nil)
	c.getJSON(tok, "/v1/company/employees?updated_since=yesterday", false, nil)

	// The lists carry every employee; one in ten also alone, with the picture its record
	// links to (at a width, as the description's path has it). Every record links to a
	// picture; of a person who has none, the picture answers the documented 404, so the
	// link must lead to a picture only where the person has one. Then the picture of the
	// first person without one, and of nobody.
	noPicture := ""
	for i, e := range emps {
		id, err := strconv.Atoi(e.id())
		if err != nil {
			c.t.Fatalf("employee id %q: %v", e.id(), err)
		}
		if noPicture == "" && !personiotest.HasPicture(id) {
			noPicture = e.id()
		}
		if i%10 != 0 {
			continue
		}
		c.getJSON(tok, "/v1/company/employees/"+e.id(), false, nil)
		if pic := e.Attributes.ProfilePicture.Value; pic != "" {
			c.getJSON(tok, pic+"/75", personiotest.HasPicture(id), nil)
		}
	}
	if noPicture == "" {
		c.t.Fatal("everybody has a profile picture: choose another seed")
	}
	c.getJSON(tok, "/v1/company/employees/"+noPicture+"/profile-picture/75", false, nil)
	c.getJSON(tok, "/v1/company/employees/99999999/profile-picture/75", false, nil)
	c.getJSON(tok, "/v1/company/employees/99999999", false, nil)
	c.getJSON(tok, "/v1/company/employees/not-a-number", false, nil)
	c.getJSON(tok, "/v1/company/employees/attributes", false, nil)
	c.getJSON(tok, "/v1/company/employees/custom-attributes", false, nil)

	// v1 without a token and with a made-up one.
	v1Paths := []string{"/v1/company/employees", "/v1/company/employees/" + emps[0].id(),
		"/v1/company/employees/attributes", "/v1/company/employees/custom-attributes"}
	for _, p := range v1Paths {
		c.getJSON("", p, false, nil)
		c.getJSON("papi-made-up", p, false, nil)
	}

	// v2 token: success and each documented error.
	v2 := c.v2Token("")
	f := c.credentials()
	f.Set("grant_type", "client_credentials")
	c.do(http.MethodPost, "/v2/auth/token", jsonContent, string(body), false)
	c.do(http.MethodPost, "/v2/auth/token", formContent, url.Values{"client_id": {c.s.ClientID}}.Encode(), false)
	bad := c.credentials()
	bad.Set("grant_type", "password")
	c.do(http.MethodPost, "/v2/auth/token", formContent, bad.Encode(), false)
	bad.Set("grant_type", "client_credentials")
	bad.Set("client_secret", "wrong")
	c.do(http.MethodPost, "/v2/auth/token", formContent, bad.Encode(), false)
	f.Set("scope", "personio:persons:read fake_scope:777")
	c.do(http.MethodPost, "/v2/auth/token", formContent, f.Encode(), false)
	personsOnly := c.v2Token(personiotest.ScopePersonsRead)
	employmentsOnly := c.v2Token(personiotest.ScopeEmploymentsRead)

	// v2 persons: every page at the largest limit, the default limit, filters, bad ones.
	persons := c.v2Pages(v2, "/v2/persons?limit=50", 10)
	c.v2Pages(v2, "/v2/persons", 1)
	for _, q := range []string{"status=ACTIVE", "status=INACTIVE", "id=" + persons[0].ID + "," + persons[1].ID,
		"email=" + url.QueryEscape(emps[0].Attributes.Email.Value), "created_at.gt=2020-01-01T00:00:00Z",
		"updated_at.lt=2030-01-01T00:00:00Z"} {
		c.v2Pages(v2, "/v2/persons?limit=3&"+q, 1)
	}
	for _, q := range []string{"limit=0", "limit=51", "status=BOGUS", "created_at.lt=wrong-date-format",
		"id.nooperator=1", "cursor=cur_unknown"} {
		c.getJSON(v2, "/v2/persons?"+q, false, nil)
	}

	// Every person's employments (through the link the person carries: there is no
	// other way to list them). One person in ten, and the first few with two
	// employments and who left, also alone, with each employment; the links in the
	// employments of one in ten lead somewhere.
	var twoJobs string
	multi, left := 0, 0
	for i, p := range persons {
		ems := c.v2Pages(v2, p.Meta.Links["employments"].Href, 10)
		if len(ems) > 1 && twoJobs == "" {
			twoJobs = p.ID
		}
		switch {
		case i%10 == 0:
		case len(ems) > 1 && multi < 5:
			multi++
		case p.Status == "INACTIVE" && left < 5:
			left++
		default:
			continue
		}
		c.getJSON(v2, "/v2/persons/"+p.ID, false, nil)
		for _, e := range ems {
			c.getJSON(v2, "/v2/persons/"+p.ID+"/employments/"+e.ID, false, nil)
			if i%10 != 0 {
				continue
			}
			for _, rel := range slices.Sorted(maps.Keys(e.Meta.Links)) {
				c.getJSON(v2, e.Meta.Links[rel].Href, true, nil)
			}
		}
	}
	if twoJobs == "" {
		c.t.Fatal("no person with two employments: choose another seed")
	}
	c.v2Pages(v2, "/v2/persons/"+twoJobs+"/employments?limit=1", 10)
	for _, q := range []string{"limit=0", "id.gt=1", "updated_at.gt=wrong", "cursor=cur_unknown"} {
		c.getJSON(v2, "/v2/persons/"+twoJobs+"/employments?"+q, false, nil)
	}
	c.getJSON(v2, "/v2/persons/99999999", false, nil)
	c.getJSON(v2, "/v2/persons/not-a-number", false, nil)
	c.getJSON(v2, "/v2/persons/99999999/employments", false, nil)
	c.getJSON(v2, "/v2/persons/"+twoJobs+"/employments/00000000-0000-4000-8000-000000000000", false, nil)

	// v2 without a token, with a made-up one, and with a token of the other scope.
	pid := persons[0].ID
	emID := persons[0].Employments[0].ID
	for _, x := range []struct{ path, wrongScope string }{
		{"/v2/persons", employmentsOnly}, {"/v2/persons/" + pid, employmentsOnly},
		{"/v2/persons/" + pid + "/employments", personsOnly}, {"/v2/persons/" + pid + "/employments/" + emID, personsOnly},
	} {
		c.getJSON("", x.path, false, nil)
		c.getJSON("papi-made-up", x.path, false, nil)
		c.getJSON(x.wrongScope, x.path, false, nil)
	}
}

// crawlListings reads the first pages of the lists of both versions, a few single
// records, and the employments of people who left (the termination blocks): what a
// quirk or an option changes.
func crawlListings(c *crawler) {
	tok := c.v1Token()
	for _, e := range c.v1Pages(tok, "limit=10", 2)[:2] {
		c.getJSON(tok, "/v1/company/employees/"+e.id(), false, nil)
	}
	c.getJSON(tok, "/v1/company/employees/attributes", false, nil)
	v2 := c.v2Token("")
	persons := c.v2Pages(v2, "/v2/persons?limit=5", 3)
	left := c.v2Pages(v2, "/v2/persons?status=INACTIVE&limit=4", 1)
	for _, p := range slices.Concat(persons[:2], left) {
		c.getJSON(v2, "/v2/persons/"+p.ID, false, nil)
		for _, e := range c.v2Pages(v2, "/v2/persons/"+p.ID+"/employments?limit=1", 4) {
			c.getJSON(v2, "/v2/persons/"+p.ID+"/employments/"+e.ID, false, nil)
		}
	}
}

// crawlV1Errors provokes every v1 error the fake answers that a description or a gap
// covers.
func crawlV1Errors(c *crawler) {
	c.do(http.MethodPost, "/v1/auth", nil, "", false)
	c.do(http.MethodPost, "/v1/auth?client_id=someone&client_secret=wrong", nil, "", false)
	tok := c.v1Token()
	for _, p := range []string{"/v1/company/employees?limit=0", "/v1/company/employees/99999999",
		"/v1/company/employees/99999999/profile-picture/75"} {
		c.getJSON(tok, p, false, nil)
	}
	c.getJSON("", "/v1/company/employees", false, nil)
}

// crawlEmploymentLinks pages through the employments of a person with two, one a page,
// through the next links; then asks /v2/employments without a cursor.
func crawlEmploymentLinks(c *crawler) {
	v2 := c.v2Token("")
	for _, p := range c.v2Pages(v2, "/v2/persons?limit=50", 3) {
		if len(p.Employments) > 1 {
			c.v2Pages(v2, "/v2/persons/"+p.ID+"/employments?limit=1", 4)
			c.getJSON(v2, "/v2/employments", false, nil)
			return
		}
	}
	c.t.Fatal("no person with two employments: choose another seed")
}

// crawlRotation lists v1 employees with rotating tokens, then presents a consumed one.
func crawlRotation(c *crawler) {
	tok := c.v1Token()
	first := tok
	for offset := 0; offset < 30; offset += 10 {
		ex := c.getJSON(tok, fmt.Sprintf("/v1/company/employees?limit=10&offset=%d", offset), false, nil)
		next, ok := strings.CutPrefix(ex.header.Get("Authorization"), "Bearer ")
		if ex.status != http.StatusOK || !ok {
			c.t.Fatalf("GET /v1/company/employees: %d, Authorization %q", ex.status, ex.header.Get("Authorization"))
		}
		tok = next
	}
	c.getJSON(first, "/v1/company/employees", false, nil)
	c.v1Token()
}

// crawlScopes asks for a scope the credential lacks and reads outside its scope.
func crawlScopes(c *crawler) {
	f := c.credentials()
	f.Set("grant_type", "client_credentials")
	f.Set("scope", personiotest.ScopeEmploymentsRead)
	c.do(http.MethodPost, "/v2/auth/token", formContent, f.Encode(), false)
	tok := c.v2Token("")
	persons := c.v2Pages(tok, "/v2/persons?limit=1", 1)
	c.getJSON(tok, "/v2/persons/"+persons[0].ID+"/employments", false, nil)
	c.getJSON(tok, "/v2/persons/"+persons[0].ID+"/employments/"+persons[0].Employments[0].ID, false, nil)
}

// crawlRateLimits spends each bucket (bursts of one, a clock that stands still) and
// then reaches every limited endpoint.
func crawlRateLimits(c *crawler) {
	tok := c.v1Token()
	c.do(http.MethodPost, "/v1/auth?"+c.credentials().Encode(), nil, "", false)
	v2 := c.v2Token("")
	f := c.credentials()
	f.Set("grant_type", "client_credentials")
	c.do(http.MethodPost, "/v2/auth/token", formContent, f.Encode(), false)

	var page struct{ Data []schemaV1Employee }
	c.getJSON(tok, "/v1/company/employees?limit=1", false, &page)
	for _, p := range []string{"/v1/company/employees", "/v1/company/employees/" + page.Data[0].id(),
		"/v1/company/employees/attributes", "/v1/company/employees/custom-attributes"} {
		c.getJSON(tok, p, false, nil)
	}
	var persons struct {
		Data []schemaV2Item `json:"_data"`
	}
	c.getJSON(v2, "/v2/persons?limit=1", false, &persons)
	p := persons.Data[0]
	for _, path := range []string{"/v2/persons", "/v2/persons/" + p.ID, "/v2/persons/" + p.ID + "/employments",
		"/v2/persons/" + p.ID + "/employments/" + p.Employments[0].ID} {
		c.getJSON(v2, path, false, nil)
	}
}

// crawlExpired presents tokens after the server expired them.
func crawlExpired(c *crawler) {
	tok := c.v1Token()
	v2 := c.v2Token("")
	c.s.ExpireTokens()
	c.getJSON(tok, "/v1/company/employees", false, nil)
	c.getJSON(v2, "/v2/persons", false, nil)
}

// judged is an exchange and what the descriptions say about it.
type judged struct {
	ex       exchange
	findings []finding
}

// verdict says which list accounts for a finding.
type verdict struct {
	list string // "spec allowlist", "intended by the quirk", "" = error
	rule string
}

// schemaReport is the outcome of judging every exchange.
type schemaReport struct {
	responses       int
	rows            map[string]*endpointRow
	order           []string
	cats            map[string]*category
	errors          int
	errorCategories int
	problems        []string
}

type endpointRow struct {
	responses, valid, errors, allowed, intended int
	statuses                                    map[int]int
}

type category struct {
	endpoint, pointer, keyword, reason, schemaAt string
	count                                        int
	verdict                                      verdict
	example                                      string
}

// judge applies the lists to every finding and checks that every list entry and every
// gap was needed.
func judge(specs *specSet, results [][]judged) *schemaReport {
	rep := &schemaReport{rows: map[string]*endpointRow{}, cats: map[string]*category{}, order: slices.Clone(schemaEndpoints)}
	used := map[string]int{}
	usedGaps := map[string]bool{}
	for i, res := range results {
		sc := schemaScenarios[i]
		for _, j := range res {
			rep.responses++
			name := j.ex.method + " " + j.ex.path
			if e := specs.route(j.ex.method, j.ex.path); e != nil {
				name = e.name
				if _, gap := e.lookup(j.ex.status); gap {
					usedGaps[name+" "+fmt.Sprint(j.ex.status)] = true
				}
			}
			row := rep.rows[name]
			if row == nil {
				row = &endpointRow{statuses: map[int]int{}}
				rep.rows[name] = row
				if !slices.Contains(rep.order, name) {
					rep.order = append(rep.order, name)
				}
			}
			row.responses++
			row.statuses[j.ex.status]++
			valid := true
			for _, f := range j.findings {
				v := classify(f, sc)
				used[v.list+"\x00"+v.rule+"\x00"+sc.name]++
				used[v.list+"\x00"+v.rule]++
				switch v.list {
				case "":
					row.errors++
					rep.errors++
					valid = false
				case "spec allowlist":
					row.allowed++
				default:
					row.intended++
				}
				key := strings.Join([]string{f.endpoint, f.pointer, f.keyword, f.reason, v.list, v.rule}, "\x00")
				cat := rep.cats[key]
				if cat == nil {
					val, _ := json.Marshal(f.value)
					ex := j.ex.method + " " + j.ex.path
					if j.ex.query != "" {
						ex += "?" + j.ex.query
					}
					cat = &category{endpoint: f.endpoint, pointer: f.pointer, keyword: f.keyword, reason: f.reason,
						schemaAt: f.schemaAt, verdict: v,
						example: fmt.Sprintf("scenario %q, %s → %d, value %s", sc.name, ex, j.ex.status, clipString(string(val), 80))}
					rep.cats[key] = cat
					if v.list == "" {
						rep.errorCategories++
					}
				}
				cat.count++
			}
			if valid {
				row.valid++
			}
		}
	}
	for _, ep := range schemaEndpoints {
		if rep.rows[ep] == nil {
			rep.problems = append(rep.problems, "no response from "+ep+": the crawl no longer reaches it")
		}
	}
	for _, g := range specGaps() {
		if !usedGaps[g.endpoint+" "+g.status] {
			rep.problems = append(rep.problems, fmt.Sprintf("spec gap %s %s was never needed: no scenario answers with it", g.endpoint, g.status))
		}
	}
	for _, r := range specAllowlist {
		if used["spec allowlist\x00"+r.name] == 0 {
			rep.problems = append(rep.problems, "specAllowlist entry matched nothing: "+r.name)
		}
	}
	for _, sc := range schemaScenarios {
		for _, r := range sc.intended {
			if used["intended by the quirk\x00"+r.name+"\x00"+sc.name] == 0 {
				rep.problems = append(rep.problems, fmt.Sprintf("scenario %q: its quirk no longer departs from the descriptions: %s", sc.name, r.name))
			}
		}
	}
	return rep
}

func classify(f finding, sc schemaScenario) verdict {
	for _, r := range specAllowlist {
		if r.matches(f) {
			return verdict{"spec allowlist", r.name}
		}
	}
	for _, r := range sc.intended {
		if r.matches(f) {
			return verdict{"intended by the quirk", r.name}
		}
	}
	return verdict{}
}

// table renders the per-endpoint table. A response is valid when the descriptions,
// less specAllowlist and the quirk's intended departures, accept it.
func (rep *schemaReport) table() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "endpoint\tresponses\tvalid\terrors\tspec-allowed\tquirk-intended\tstatuses")
	var tot endpointRow
	for _, ep := range rep.order {
		r := rep.rows[ep]
		if r == nil {
			r = &endpointRow{}
		}
		var st []string
		for _, s := range slices.Sorted(maps.Keys(r.statuses)) {
			st = append(st, fmt.Sprintf("%d×%d", s, r.statuses[s]))
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%s\n", ep, r.responses, r.valid, r.errors, r.allowed, r.intended, strings.Join(st, " "))
		tot.responses += r.responses
		tot.valid += r.valid
		tot.errors += r.errors
		tot.allowed += r.allowed
		tot.intended += r.intended
	}
	fmt.Fprintf(w, "total\t%d\t%d\t%d\t%d\t%d\t\n", tot.responses, tot.valid, tot.errors, tot.allowed, tot.intended)
	w.Flush()
	return b.String()
}

// categories lists the finding categories, errors only when onlyErrors is set.
func (rep *schemaReport) categories(onlyErrors bool) string {
	cats := make([]*category, 0, len(rep.cats))
	for _, c := range rep.cats {
		if !onlyErrors || c.verdict.list == "" {
			cats = append(cats, c)
		}
	}
	rank := func(ep string) int { return slices.Index(rep.order, ep) }
	slices.SortFunc(cats, func(a, b *category) int {
		if d := rank(a.endpoint) - rank(b.endpoint); d != 0 {
			return d
		}
		return strings.Compare(a.pointer+a.keyword+a.reason, b.pointer+b.keyword+b.reason)
	})
	var b strings.Builder
	for _, c := range cats {
		v := "ERROR"
		if c.verdict.list != "" {
			v = c.verdict.list + ": " + c.verdict.rule
		}
		fmt.Fprintf(&b, "%6d  %s  %s %s: %s\n        [%s]", c.count, c.endpoint, orRoot(c.pointer), c.keyword, c.reason, v)
		if c.schemaAt != "" {
			fmt.Fprintf(&b, " schema %s", c.schemaAt)
		}
		fmt.Fprintf(&b, "\n        e.g. %s\n", c.example)
	}
	return b.String()
}

func orRoot(p string) string {
	if p == "" {
		return "(response)"
	}
	return p
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// TestSchemaLists checks that each list forgives exactly what it names: the value
// predicates and pointer patterns are narrow, and a quirk's intended departures apply
// only to its scenario.
func TestSchemaLists(t *testing.T) {
	t.Parallel()
	scenario := func(name string) schemaScenario {
		for _, sc := range schemaScenarios {
			if sc.name == name {
				return sc
			}
		}
		t.Fatalf("no scenario %q", name)
		return schemaScenario{}
	}
	def, relative := scenario("default"), scenario("quirk RelativeNext")
	for _, tc := range []struct {
		name string
		f    finding
		sc   schemaScenario
		want string
	}{
		{"lower-case custom type", finding{endpoint: epV2Persons, pointer: "/_data/*/custom_attributes/*/type", keyword: "enum", value: "string"},
			def, "spec allowlist"},
		{"custom type outside the enum", finding{endpoint: epV2Persons, pointer: "/_data/*/custom_attributes/*/type", keyword: "enum", value: "strng"},
			def, ""},
		{"open employment", finding{endpoint: epV2Employment, pointer: "/employment_end_date", keyword: "type", value: nil},
			def, "spec allowlist"},
		{"end date as a number", finding{endpoint: epV2Employment, pointer: "/employment_end_date", keyword: "type", value: 20240101.0},
			def, ""},
		{"unset v1 team", finding{endpoint: epV1Employees, pointer: "/data/*/attributes/team/value", keyword: "type", value: nil},
			def, "spec allowlist"},
		{"v1 team as text", finding{endpoint: epV1Employees, pointer: "/data/*/attributes/team/value", keyword: "type", value: "T_X"},
			def, ""},
		{"unset v1 cost centers", finding{endpoint: epV1Employees, pointer: "/data/*/attributes/cost_centers/value", keyword: "type", value: nil},
			def, ""},
		{"unset contract end", finding{endpoint: epV2Employments, pointer: "/_data/*/contract_end_date", keyword: "type", value: nil},
			def, "spec allowlist"},
		{"head of the company", finding{endpoint: epV2Employment, pointer: "/supervisor", keyword: "type", value: nil},
			def, "spec allowlist"},
		{"supervisor as a string", finding{endpoint: epV2Employment, pointer: "/supervisor", keyword: "type", value: "3003"},
			def, ""},
		{"job null", finding{endpoint: epV2Employment, pointer: "/job", keyword: "type", value: nil},
			def, ""},
		{"null global_id", finding{endpoint: epV2Person, pointer: "/custom_attributes/*/global_id", keyword: "type", value: nil},
			def, ""},
		{"relative next under RelativeNext", finding{endpoint: epV2Persons, pointer: "/_meta/links/next/href", keyword: "format", value: "/v2/persons?cursor=cur_1"},
			relative, "intended by the quirk"},
		{"relative next elsewhere", finding{endpoint: epV2Persons, pointer: "/_meta/links/next/href", keyword: "format", value: "/v2/persons?cursor=cur_1"},
			def, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tc.f, tc.sc).list; got != tc.want {
				t.Errorf("classify = %q, want %q", got, tc.want)
			}
		})
	}
}
