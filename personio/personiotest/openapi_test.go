package personiotest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/responses"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// This file loads Personio's published OpenAPI descriptions, routes a recorded exchange
// with the fake to the operation that describes it and validates status, content type
// and body. schema_test.go drives the fake and judges the findings.

// openAPIDirEnv names the environment variable that overrides where the descriptions
// are read from.
const openAPIDirEnv = "HRISCONNECT_OPENAPI_DIR"

// The description files, as kept in ../shared/openapi/personio (see its README).
const (
	specV1          = "v1-personnel.yaml"
	specCredentials = "credentials-service-api-v2.json"
	specPersons     = "persons-service-api-v2.json"
	specEmployments = "employment-contract-v2.json"
)

// openAPIDir returns the folder of the descriptions: $HRISCONNECT_OPENAPI_DIR, or
// ../shared/openapi/personio next to the module root (the nearest folder above the
// working directory with a go.mod). When that folder does not exist it returns "" and
// says why; an error means $HRISCONNECT_OPENAPI_DIR names a folder without them.
func openAPIDir() (dir, absent string, err error) {
	if d := os.Getenv(openAPIDirEnv); d != "" {
		if _, err := os.Stat(filepath.Join(d, specV1)); err != nil {
			return "", "", fmt.Errorf("%s=%s: %w", openAPIDirEnv, d, err)
		}
		return d, "", nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(filepath.Dir(dir), "shared", "openapi", "personio")
			if _, err := os.Stat(filepath.Join(d, specV1)); err != nil {
				return "", "no " + specV1 + " in " + d + " (" + openAPIDirEnv + " may name the folder)", nil
			}
			return d, "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "no go.mod above " + wd, nil
		}
		dir = parent
	}
}

// apiSpec is one loaded description.
type apiSpec struct {
	file    string
	doc     *v3.Document
	version float32 // 3.0 for all of Personio's
	prefix  string  // the path of its server URL ("/v1"), which its paths are relative to
}

func loadSpec(dir, file string) (*apiSpec, error) {
	raw, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	d, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	m, err := d.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	sp := &apiSpec{file: file, doc: &m.Model}
	major, minor, _ := strings.Cut(m.Model.Version, ".")
	v, err := strconv.ParseFloat(major+"."+strings.SplitN(minor, ".", 2)[0], 32)
	if err != nil {
		return nil, fmt.Errorf("%s: openapi version %q: %w", file, m.Model.Version, err)
	}
	sp.version = float32(v)
	if len(m.Model.Servers) > 0 {
		u, err := url.Parse(m.Model.Servers[0].URL)
		if err != nil {
			return nil, fmt.Errorf("%s: server URL: %w", file, err)
		}
		sp.prefix = strings.TrimSuffix(u.Path, "/")
	}
	return sp, nil
}

// endpoint is one operation the fake serves, as the table names it.
type endpoint struct {
	name   string // "GET /v2/persons/{id}": method and full path template
	method string
	segs   []string // segments of the full path template
	spec   *apiSpec
	// responses by status ("200"): the operation's own, and the ones specGaps supplies.
	responses map[string]*v3.Response
	// documented lists the statuses the operation itself documents.
	documented []string
	// gaps marks the statuses specGaps supplies.
	gaps map[string]bool
}

// lookup returns the description of status (or the operation's default), and whether
// specGaps supplied it.
func (e *endpoint) lookup(status int) (*v3.Response, bool) {
	code := strconv.Itoa(status)
	if r := e.responses[code]; r != nil {
		return r, e.gaps[code]
	}
	return e.responses["default"], false
}

// specGap supplies a response description the operation lacks: a status the real
// service answers with that the spec does not list (Personio documents no 401 or 429 for
// most operations), or an operation absent from every spec. Each names its source.
type specGap struct {
	endpoint string
	status   string
	why      string
	// from returns the description to validate against.
	from func(s *specSet) *v3.Response
}

// specSet is the four descriptions and the endpoints of the fake they describe.
type specSet struct {
	v1, credentials, persons, employments *apiSpec
	endpoints                             []*endpoint
	opts                                  *config.ValidationOptions
}

func loadSpecs(dir string, gaps []specGap) (*specSet, error) {
	s := &specSet{}
	for _, x := range []struct {
		dst  **apiSpec
		file string
	}{{&s.v1, specV1}, {&s.credentials, specCredentials}, {&s.persons, specPersons}, {&s.employments, specEmployments}} {
		sp, err := loadSpec(dir, x.file)
		if err != nil {
			return nil, err
		}
		*x.dst = sp
	}
	// Every operation of the four descriptions becomes an endpoint; only those the fake
	// serves receive exchanges.
	for _, sp := range []*apiSpec{s.v1, s.credentials, s.persons, s.employments} {
		for path, item := range sp.doc.Paths.PathItems.FromOldest() {
			for method, op := range item.GetOperations().FromOldest() {
				full := sp.prefix + path
				e := &endpoint{
					name:      strings.ToUpper(method) + " " + full,
					method:    strings.ToUpper(method),
					segs:      strings.Split(strings.Trim(full, "/"), "/"),
					spec:      sp,
					responses: map[string]*v3.Response{},
				}
				if op.Responses != nil && op.Responses.Codes != nil {
					for code, r := range op.Responses.Codes.FromOldest() {
						e.responses[code] = r
						e.documented = append(e.documented, code)
					}
				}
				if op.Responses != nil && op.Responses.Default != nil {
					e.responses["default"] = op.Responses.Default
					e.documented = append(e.documented, "default")
				}
				s.endpoints = append(s.endpoints, e)
			}
		}
	}
	for _, g := range gaps {
		e := s.endpoint(g.endpoint)
		if e == nil {
			method, path, _ := strings.Cut(g.endpoint, " ")
			e = &endpoint{name: g.endpoint, method: method, segs: strings.Split(strings.Trim(path, "/"), "/"),
				responses: map[string]*v3.Response{}}
			s.endpoints = append(s.endpoints, e)
		}
		if r := e.responses[g.status]; r != nil && r.Content != nil && r.Content.Len() > 0 {
			return nil, fmt.Errorf("spec gap %s %s: the spec documents it now; delete the gap", g.endpoint, g.status)
		}
		r := g.from(s)
		if r == nil {
			return nil, fmt.Errorf("spec gap %s %s: its source description is missing", g.endpoint, g.status)
		}
		e.responses[g.status] = r
		if e.gaps == nil {
			e.gaps = map[string]bool{}
		}
		e.gaps[g.status] = true
		if e.spec == nil {
			// An operation of no description (POST /v1/auth): its schemas come from the
			// credentials description, an OpenAPI 3.0 document like the others.
			e.spec = s.credentials
		}
	}
	s.opts = config.NewValidationOptions(
		config.WithFormatAssertions(),
		// "url" is no JSON Schema format; Person.profile_picture.url uses it for what
		// "uri" means: an absolute URL.
		config.WithCustomFormat("url", func(v any) error {
			if str, ok := v.(string); ok {
				if u, err := url.Parse(str); err != nil || !u.IsAbs() {
					return errors.New("not an absolute URL")
				}
			}
			return nil
		}),
	)
	return s, nil
}

// warm compiles the schema of every JSON answer of the named endpoints into the
// validation options' cache (ValidateResponseSchema compiles and caches before it looks
// at the body), so that concurrent validations find them compiled.
func (s *specSet) warm(names []string) {
	req, _ := http.NewRequest(http.MethodGet, "https://api.personio.de/", nil)
	for _, name := range names {
		e := s.endpoint(name)
		if e == nil {
			continue
		}
		for _, code := range slices.Sorted(maps.Keys(e.responses)) {
			r := e.responses[code]
			status, err := strconv.Atoi(code)
			if r.Content == nil || err != nil {
				continue
			}
			for mt, media := range r.Content.FromOldest() {
				if media.Schema == nil || !strings.HasSuffix(mt, "json") {
					continue
				}
				responses.ValidateResponseSchema(&responses.ValidateResponseSchemaInput{
					Request: req, Response: &http.Response{StatusCode: status, Body: http.NoBody},
					Schema: media.Schema.Schema(), Version: e.spec.version,
					Options: []config.Option{config.WithExistingOpts(s.opts)}, ValueDecoded: true,
				})
			}
		}
	}
}

// endpoint returns the endpoint named name, or nil.
func (s *specSet) endpoint(name string) *endpoint {
	for _, e := range s.endpoints {
		if e.name == name {
			return e
		}
	}
	return nil
}

// route returns the endpoint whose path template matches the request, preferring the
// template with the most literal segments ("/company/employees/attributes" over
// "/company/employees/{employee_id}"), or nil.
func (s *specSet) route(method, path string) *endpoint {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *endpoint
	bestLit := -1
	for _, e := range s.endpoints {
		if e.method != method || len(e.segs) != len(segs) {
			continue
		}
		lit := 0
		ok := true
		for i, t := range e.segs {
			switch {
			case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
				ok = segs[i] != ""
			case t == segs[i]:
				lit++
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && lit > bestLit {
			best, bestLit = e, lit
		}
	}
	return best
}

// componentResponse returns the component schema named schema of sp as a response
// description of one media type, or nil.
func componentResponse(sp *apiSpec, schema, mediaType string) *v3.Response {
	proxy := sp.doc.Components.Schemas.GetOrZero(schema)
	if proxy == nil {
		return nil
	}
	content := orderedmap.New[string, *v3.MediaType]()
	content.Set(mediaType, &v3.MediaType{Schema: proxy})
	return &v3.Response{Description: "components/schemas/" + schema, Content: content}
}

// finding is one way an exchange departs from the descriptions.
type finding struct {
	endpoint string
	status   int
	// pointer is the JSON pointer of the offending value in the body, with array
	// indexes as "*" ("/_data/*/custom_attributes/*/global_id"); "" for the exchange.
	pointer string
	// keyword is the failing schema keyword (type, enum, format, oneOf, required, …),
	// or status, content-type, json or link for the exchange itself.
	keyword string
	// reason says what is wrong, without the value.
	reason string
	value  any // the offending value
	// schemaAt is the keyword's location in the schema, for the report.
	schemaAt string
}

// exchange is one request to the fake and its answer.
type exchange struct {
	scenario string
	method   string
	path     string // without the query
	query    string
	status   int
	header   http.Header
	body     []byte
	// linked marks a request that followed a link in an earlier answer: the resource
	// must exist.
	linked bool
}

// validate checks one exchange against the descriptions.
func (s *specSet) validate(ex exchange) []finding {
	e := s.route(ex.method, ex.path)
	if e == nil || len(e.responses) == 0 {
		return []finding{{endpoint: ex.method + " " + ex.path, status: ex.status, keyword: "route",
			reason: "no operation of the descriptions serves this path"}}
	}
	at := func(f finding) finding {
		f.endpoint, f.status = e.name, ex.status
		return f
	}
	var out []finding
	if ex.linked && ex.status == http.StatusNotFound {
		out = append(out, at(finding{keyword: "link",
			reason: "a link in an earlier answer leads here, and it answers 404"}))
	}
	r, _ := e.lookup(ex.status)
	if r == nil {
		return append(out, at(finding{keyword: "status",
			reason: fmt.Sprintf("status %d is not documented (documented: %s)", ex.status, strings.Join(e.documented, ", "))}))
	}
	if r.Content == nil || r.Content.Len() == 0 {
		return out // the description has no body to check
	}
	ct := ex.header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	media := r.Content.GetOrZero(mt)
	if media == nil {
		var want []string
		for k := range r.Content.KeysFromOldest() {
			want = append(want, k)
		}
		return append(out, at(finding{keyword: "content-type",
			reason: fmt.Sprintf("content type %q is not documented (documented: %s)", ct, strings.Join(want, ", "))}))
	}
	if media.Schema == nil || !strings.HasSuffix(mt, "json") {
		return out // a picture: nothing to validate in the body
	}
	var body any
	if err := json.Unmarshal(ex.body, &body); err != nil {
		return append(out, at(finding{keyword: "json", reason: "the body is not JSON: " + err.Error()}))
	}
	req, _ := http.NewRequest(ex.method, "https://api.personio.de"+ex.path, nil)
	resp := &http.Response{StatusCode: ex.status, Header: ex.header, Request: req,
		Body: io.NopCloser(bytes.NewReader(ex.body))}
	ok, verrs := responses.ValidateResponseSchema(&responses.ValidateResponseSchemaInput{
		Request: req, Response: resp, Schema: media.Schema.Schema(), Version: e.spec.version,
		Options:      []config.Option{config.WithExistingOpts(s.opts)},
		DecodedValue: body, RawBody: ex.body, ValueDecoded: true,
	})
	if ok {
		return out
	}
	for _, f := range schemaFindings(verrs, body) {
		out = append(out, at(f))
	}
	return out
}

// indexSegment matches an array index in a JSON pointer.
var indexSegment = regexp.MustCompile(`^[0-9]+$`)

// quotedValue matches the value a format message starts with ("'x' is not valid uri").
var quotedValue = regexp.MustCompile(`^'.*' is not valid `)

// schemaFindings turns the validator's errors into findings: one per failing value and
// keyword. The failures of the branches of one oneOf become one oneOf finding.
func schemaFindings(verrs []*liberrors.ValidationError, body any) []finding {
	var out []finding
	oneOf := map[string]int{} // pointer+schema location of the oneOf → index in out
	for _, ve := range verrs {
		if len(ve.SchemaValidationErrors) == 0 {
			out = append(out, finding{keyword: "body", reason: ve.Message + ": " + ve.Reason})
			continue
		}
		for _, sf := range ve.SchemaValidationErrors {
			segs := slices.Clone(sf.InstancePath)
			raw := strings.Join(segs, "/")
			value := lookupPointer(body, segs)
			for i, sg := range segs {
				if indexSegment.MatchString(sg) {
					segs[i] = "*"
				}
			}
			ptr := ""
			if len(segs) > 0 {
				ptr = "/" + strings.Join(segs, "/")
			}
			kw := sf.KeywordLocation
			reason := quotedValue.ReplaceAllString(sf.Reason, "not valid ")
			if i := strings.LastIndex(kw, "/oneOf/"); i >= 0 {
				key := raw + " " + kw[:i]
				if j, ok := oneOf[key]; ok {
					out[j].reason += "; " + reason
					continue
				}
				oneOf[key] = len(out)
				out = append(out, finding{pointer: ptr, keyword: "oneOf", value: value, schemaAt: kw[:i+len("/oneOf")],
					reason: "matches no oneOf branch: " + reason})
				continue
			}
			out = append(out, finding{pointer: ptr, keyword: kw[strings.LastIndex(kw, "/")+1:], value: value,
				schemaAt: kw, reason: reason})
		}
	}
	// Per value, one oneOf finding: its branch reasons in a fixed order, once each.
	for i := range out {
		if out[i].keyword == "oneOf" {
			head, tail, _ := strings.Cut(out[i].reason, ": ")
			parts := strings.Split(tail, "; ")
			slices.Sort(parts)
			out[i].reason = head + ": " + strings.Join(slices.Compact(parts), "; ")
		}
	}
	return out
}

// lookupPointer returns the value at the path segments in a decoded JSON document, or
// nil.
func lookupPointer(doc any, segs []string) any {
	for _, sg := range segs {
		switch d := doc.(type) {
		case map[string]any:
			doc = d[sg]
		case []any:
			i, err := strconv.Atoi(sg)
			if err != nil || i < 0 || i >= len(d) {
				return nil
			}
			doc = d[i]
		default:
			return nil
		}
	}
	return doc
}

// TestValidateFindings checks the validation itself on answers made by hand: what it
// must report and what it must accept.
func TestValidateFindings(t *testing.T) {
	t.Parallel()
	specs, _ := testSpecs(t)
	type found struct {
		Endpoint, Pointer, Keyword string
		Value                      any
	}
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	problemHeader := http.Header{"Content-Type": {"application/problem+json"}}
	for _, tc := range []struct {
		name string
		ex   exchange
		want []found
	}{{
		name: "person: bad enum, null global_id, number value, lower-case type",
		ex: exchange{method: "GET", path: "/v2/persons/7", status: 200, header: jsonHeader,
			body: []byte(`{"id":"7","gender":"X","email":"a@b.example","created_at":"2024-01-02T03:04:05Z",
				"custom_attributes":[{"id":"d1","type":"string","value":3,"global_id":null},
				{"id":"d2","type":"STRING_LIST","value":["a","b"],"global_id":"g"}]}`)},
		want: []found{
			{epV2Person, "/custom_attributes/*/global_id", "type", nil},
			{epV2Person, "/custom_attributes/*/type", "enum", "string"},
			{epV2Person, "/custom_attributes/*/value", "oneOf", 3.0},
			{epV2Person, "/gender", "enum", "X"},
		},
	}, {
		name: "person: formats",
		ex: exchange{method: "GET", path: "/v2/persons/7", status: 200, header: jsonHeader,
			body: []byte(`{"id":"7","email":"nobody","updated_at":"2024-01-02","profile_picture":{"url":"/x.png"}}`)},
		want: []found{
			{epV2Person, "/email", "format", "nobody"},
			{epV2Person, "/profile_picture/url", "format", "/x.png"},
			{epV2Person, "/updated_at", "format", "2024-01-02"},
		},
	}, {
		name: "token: nullable refresh_token accepted, string expires_in not",
		ex: exchange{method: "POST", path: "/v2/auth/token", status: 200, header: jsonHeader,
			body: []byte(`{"access_token":"papi-x","token_type":"Bearer","expires_in":"86400","refresh_token":null}`)},
		want: []found{{epV2Token, "/expires_in", "type", "86400"}},
	}, {
		name: "v1 auth as Personio sends it",
		ex: exchange{method: "POST", path: "/v1/auth", status: 200, header: jsonHeader,
			body: []byte(`{"success":true,"data":{"token":"papi-x"}}`)},
	}, {
		name: "v1 employee: an untyped attribute value may be null",
		ex: exchange{method: "GET", path: "/v1/company/employees/7", status: 200, header: jsonHeader,
			body: []byte(`{"success":true,"data":{"type":"Employee","attributes":{
				"termination_date":{"label":"Termination date","value":null,"type":"date","universal_id":"termination_date"},
				"team":{"label":"Team","value":null,"type":"standard","universal_id":"team"}}}}`)},
		want: []found{{epV1Employee, "/data/attributes/team/value", "type", nil}},
	}, {
		name: "problem+json sent as JSON",
		ex: exchange{method: "GET", path: "/v2/persons/7", status: 404, header: jsonHeader,
			body: []byte(`{"errors":[]}`)},
		want: []found{{epV2Person, "", "content-type", nil}},
	}, {
		name: "undocumented status",
		ex:   exchange{method: "GET", path: "/v2/persons", status: 418, header: problemHeader, body: []byte(`{}`)},
		want: []found{{epV2Persons, "", "status", nil}},
	}, {
		name: "a link that leads nowhere",
		ex: exchange{method: "GET", path: "/v1/company/employees/7/profile-picture/75", status: 404, header: jsonHeader,
			body: []byte(`{"success":false,"error":{"code":404,"message":"Not Found"}}`), linked: true},
		want: []found{{epV1Picture, "", "link", nil}},
	}, {
		name: "no operation",
		ex:   exchange{method: "GET", path: "/v2/nowhere", status: 200, header: jsonHeader, body: []byte(`{}`)},
		want: []found{{"GET /v2/nowhere", "", "route", nil}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []found
			for _, f := range specs.validate(tc.ex) {
				got = append(got, found{f.endpoint, f.pointer, f.keyword, f.value})
			}
			slices.SortFunc(got, func(a, b found) int { return strings.Compare(a.Pointer+a.Keyword, b.Pointer+b.Keyword) })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
