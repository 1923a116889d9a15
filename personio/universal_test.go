package personio_test

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/mapping"
	. "github.com/hrisconnect/hrisconnect/personio"
	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// exampleAttributes are attributes of the employee of Personio's "get employee" example
// (GET /v1/company/employees/{employee_id} in the v1 description), standard ones with
// their own universal id and custom ones with none, with a foreign one (iban) or with a
// standard one (the birthday).
var exampleAttributes = map[string]string{
	"id":             `{"label":"ID","value":1,"type":"integer","universal_id":"id"}`,
	"first_name":     `{"label":"First name","value":"Alexander","type":"standard","universal_id":"first_name"}`,
	"last_name":      `{"label":"Last name","value":"Bergmann","type":"standard","universal_id":"last_name"}`,
	"email":          `{"label":"Email","value":"alexander.bergmann@demo.email","type":"standard","universal_id":"email"}`,
	"status":         `{"label":"Status","value":"active","type":"standard","universal_id":"status"}`,
	"hire_date":      `{"label":"Hire date","value":"2014-11-08T23:00:00.000Z","type":"date","universal_id":"hire_date"}`,
	"dynamic_24407":  `{"label":"Titel","value":"Dr","universal_id":null,"type":"standard"}`,
	"dynamic_21827":  `{"label":"IBAN","value":"DE98 8989 9898 0000 8989 00","universal_id":"iban","type":"standard"}`,
	"dynamic_33400":  `{"label":"Anniversary Date","value":"2021-01-01T00:00:00.000Z","universal_id":null,"type":"date"}`,
	"dynamic_180883": `{"label":"Birthday","value":"1983-08-18T00:00:00.000Z","universal_id":"date_of_birth","type":"date"}`,
}

// exampleEmployee returns the example's employee object with the attributes edited by
// edit (a value "" removes the attribute).
func exampleEmployee(edit map[string]string) string {
	attrs := maps.Clone(exampleAttributes)
	for k, v := range edit {
		if v == "" {
			delete(attrs, k)
		} else {
			attrs[k] = v
		}
	}
	parts := make([]string, 0, len(attrs))
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		parts = append(parts, strconv.Quote(k)+":"+attrs[k])
	}
	return `{"type":"Employee","attributes":{` + strings.Join(parts, ",") + `}}`
}

// answer responds 200 with body to every call.
func answer(body string) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) { return newResponse(req, 200, body), nil }
}

func day(s string) *unified.Date {
	d, err := unified.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// TestStandardFieldsByUniversalID decodes variants of Personio's "get employee" example
// through GetEmployee and ListEmployees: an attribute whose universal_id is a standard
// key fills that field whatever its key, the standard key wins when it has a value, and
// Attributes keeps the keys as received. EmployeeRecord reads the field the same way.
func TestStandardFieldsByUniversalID(t *testing.T) {
	t.Parallel()
	type fields struct {
		FirstName, Email   string
		HireDate, Birthday *unified.Date
		Keys               []string
		Birth              mapping.Value // EmployeeRecord's date_of_birth
		Err                bool
	}
	allKeys := slices.Sorted(maps.Keys(exampleAttributes))
	birthday := mapping.DateValue(*day("1983-08-18"))
	tests := []struct {
		name string
		edit map[string]string
		want fields
	}{
		{
			name: "the example: birthday on dynamic_180883",
			want: fields{FirstName: "Alexander", Email: "alexander.bergmann@demo.email", HireDate: day("2014-11-09"),
				Birthday: day("1983-08-18"), Keys: allKeys, Birth: birthday},
		},
		{
			name: "standard key with a value wins",
			edit: map[string]string{"date_of_birth": `{"label":"Date of birth","value":"1990-01-01T23:00:00.000Z","type":"date","universal_id":"date_of_birth"}`},
			want: fields{FirstName: "Alexander", Email: "alexander.bergmann@demo.email", HireDate: day("2014-11-09"),
				Birthday: day("1990-01-02"), Keys: append([]string{"date_of_birth"}, allKeys...),
				Birth: mapping.DateValue(*day("1990-01-02"))},
		},
		{
			name: "standard key null: the universal id's attribute",
			edit: map[string]string{"date_of_birth": `{"label":"Date of birth","value":null,"type":"date","universal_id":"date_of_birth"}`},
			want: fields{FirstName: "Alexander", Email: "alexander.bergmann@demo.email", HireDate: day("2014-11-09"),
				Birthday: day("1983-08-18"), Keys: append([]string{"date_of_birth"}, allKeys...), Birth: birthday},
		},
		{
			name: "birthday without universal id is custom only",
			edit: map[string]string{"dynamic_180883": `{"label":"Birthday","value":"1983-08-18T00:00:00.000Z","universal_id":null,"type":"date"}`},
			want: fields{FirstName: "Alexander", Email: "alexander.bergmann@demo.email", HireDate: day("2014-11-09"), Keys: allKeys},
		},
		{
			name: "email and hire date under dynamic keys",
			edit: map[string]string{
				"email":         "",
				"hire_date":     "",
				"dynamic_501":   `{"label":"Work email","value":"alex@demo.email","universal_id":"email","type":"standard"}`,
				"dynamic_502":   `{"label":"Start","value":"2015-03-31T22:00:00.000Z","universal_id":"hire_date","type":"date"}`,
				"dynamic_24407": "",
			},
			want: fields{FirstName: "Alexander", Email: "alex@demo.email", HireDate: day("2015-04-01"), Birthday: day("1983-08-18"),
				Keys:  []string{"dynamic_180883", "dynamic_21827", "dynamic_33400", "dynamic_501", "dynamic_502", "first_name", "id", "last_name", "status"},
				Birth: birthday},
		},
		{
			name: "an unreadable value is reported under its own key",
			edit: map[string]string{"dynamic_180883": `{"label":"Birthday","value":"18.08.","universal_id":"date_of_birth","type":"date"}`},
			want: fields{FirstName: "Alexander", Email: "alexander.bergmann@demo.email", HireDate: day("2014-11-09"),
				Keys: allKeys, Birth: mapping.StringValue("18.08."), Err: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockClient(t, nil)
			registerTokens(mt)
			rec := exampleEmployee(tt.edit)
			mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees/1", answer(`{"success":true,"data":`+rec+`}`))
			mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees",
				answer(`{"success":true,"metadata":{"total_elements":1,"current_page":0,"total_pages":1},"offset":0,"limit":100,"data":[`+rec+`]}`))
			got := func(e *Employee) fields {
				f := fields{FirstName: e.FirstName, Email: e.Email, HireDate: e.HireDate, Birthday: e.DateOfBirth,
					Keys: slices.Sorted(maps.Keys(e.Attributes)), Err: e.Err() != nil}
				for k, a := range e.Attributes {
					if a.Key != k {
						t.Errorf("Attributes[%q].Key = %q", k, a.Key)
					}
				}
				f.Birth, _ = EmployeeRecord(e, c.Location()).Lookup("date_of_birth")
				return f
			}
			e, err := c.GetEmployee(t.Context(), 1)
			if err != nil {
				t.Fatalf("GetEmployee: %v", err)
			}
			if diff := cmp.Diff(tt.want, got(e)); diff != "" {
				t.Errorf("GetEmployee (-want +got):\n%s", diff)
			}
			if err := e.Err(); tt.want.Err && (err == nil || !strings.Contains(err.Error(), `"dynamic_180883"`)) {
				t.Errorf("Err() = %v, want it to name dynamic_180883", e.Err())
			}
			p, err := c.ListEmployees(t.Context(), nil)
			if err != nil || len(p.Employees) != 1 {
				t.Fatalf("ListEmployees: %v, %+v", err, p)
			}
			if diff := cmp.Diff(tt.want, got(&p.Employees[0])); diff != "" {
				t.Errorf("ListEmployees (-want +got):\n%s", diff)
			}
		})
	}
}

// forbidCatalog makes the server answer GET /v1/company/employees/attributes with
// Personio's documented 403.
func forbidCatalog(srv *personiotest.Server) {
	srv.Inject(personiotest.Fault{
		Name: "forbidden catalog", Path: "/v1/company/employees/attributes", Times: -1,
		Status: http.StatusForbidden, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"success":false,"error":{"code":403,"message":"Provided authorization is not valid"}}`,
	})
}

// TestStandardFieldsByUniversalIDDirectory lists a fake whose birthdays come as
// Personio's example sends them (dynamic_180883 with universal_id date_of_birth), with the
// attribute catalog readable and answering 403: every user's birth date is set, paged,
// streamed and by GetUser. A tenant that lists both date_of_birth and a dynamic key with
// its universal id gets the birthday from the dynamic key where date_of_birth is empty,
// the same way in the listing and in GetUser.
func TestStandardFieldsByUniversalIDDirectory(t *testing.T) {
	t.Parallel()
	co := personiotest.GenerateCompany(31, 12)
	for _, forbidden := range []bool{false, true} {
		t.Run(fmt.Sprintf("catalog forbidden=%v", forbidden), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, personiotest.WithCompany(co), personiotest.WithQuirks(personiotest.Quirks{DynamicDateOfBirth: true, LowercaseCustomTypes: true}))
			if forbidden {
				forbidCatalog(srv)
			}
			d := fakeClient(t, srv, nil).Directory(WithPageSize(5))
			want := map[string]*unified.Date{}
			for _, p := range co.People {
				var b *unified.Date
				if !p.BirthDate.IsZero() {
					b = &p.BirthDate
				}
				want[strconv.Itoa(p.ID)] = b
			}
			birthdays := func(users []unified.User) map[string]*unified.Date {
				out := map[string]*unified.Date{}
				for _, u := range users {
					out[u.ID] = u.BirthDate
				}
				return out
			}
			if diff := cmp.Diff(want, birthdays(collect(t, unified.PagedUsers(t.Context(), d, nil)))); diff != "" {
				t.Errorf("ListUsers birth dates (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, birthdays(collect(t, unified.Users(t.Context(), d, nil)))); diff != "" {
				t.Errorf("unified.Users birth dates (-want +got):\n%s", diff)
			}
			var got []unified.User
			for id := range want {
				u, err := d.GetUser(t.Context(), id)
				if err != nil {
					t.Fatalf("GetUser(%s): %v", id, err)
				}
				got = append(got, *u)
			}
			if diff := cmp.Diff(want, birthdays(got)); diff != "" {
				t.Errorf("GetUser birth dates (-want +got):\n%s", diff)
			}
			if !forbidden {
				for _, r := range srv.Requests() {
					if r.Path == "/v1/company/employees" && !slices.Contains(r.Query["attributes[]"], personiotest.DateOfBirthDynamicKey) {
						t.Errorf("the listing does not ask for %s: %v", personiotest.DateOfBirthDynamicKey, r.Query["attributes[]"])
					}
				}
			}
		})
	}

	t.Run("standard and dynamic key both listed", func(t *testing.T) {
		t.Parallel()
		c, mt := mockClient(t, nil)
		registerTokens(mt)
		mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees/attributes", answer(`{"success":true,"data":[
			{"key":"id","label":"ID","type":"integer","universal_id":"id"},
			{"key":"first_name","label":"First name","type":"standard","universal_id":"first_name"},
			{"key":"status","label":"Status","type":"standard","universal_id":"status"},
			{"key":"date_of_birth","label":"Date of birth","type":"date","universal_id":"date_of_birth"},
			{"key":"dynamic_180883","label":"Birthday","type":"date","universal_id":"date_of_birth"}]}`))
		recs := []string{
			exampleEmployee(map[string]string{"date_of_birth": `{"label":"Date of birth","value":null,"type":"date","universal_id":"date_of_birth"}`}),
			exampleEmployee(map[string]string{"id": `{"label":"ID","value":2,"type":"integer","universal_id":"id"}`,
				"date_of_birth": `{"label":"Date of birth","value":"1990-01-01T23:00:00.000Z","type":"date","universal_id":"date_of_birth"}`}),
		}
		var asked [][]string
		mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees", func(req *http.Request) (*http.Response, error) {
			asked = append(asked, req.URL.Query()["attributes[]"])
			return newResponse(req, 200, `{"success":true,"metadata":{"total_elements":2},"offset":0,"limit":100,"data":[`+strings.Join(recs, ",")+`]}`), nil
		})
		for i, rec := range recs {
			mt.RegisterResponder(http.MethodGet, testBase+"/v1/company/employees/"+strconv.Itoa(i+1), answer(`{"success":true,"data":`+rec+`}`))
		}
		d := c.Directory()
		want := map[string]*unified.Date{"1": day("1983-08-18"), "2": day("1990-01-02")}
		page, err := d.ListUsers(t.Context(), nil)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		got := map[string]*unified.Date{}
		for _, u := range page.Users {
			got[u.ID] = u.BirthDate
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListUsers birth dates (-want +got):\n%s", diff)
		}
		for id := range want {
			u, err := d.GetUser(t.Context(), id)
			if err != nil {
				t.Fatalf("GetUser(%s): %v", id, err)
			}
			got[id] = u.BirthDate
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetUser birth dates (-want +got):\n%s", diff)
		}
		if len(asked) != 1 || !slices.Contains(asked[0], "date_of_birth") || !slices.Contains(asked[0], "dynamic_180883") {
			t.Errorf("attributes[] asked for: %v, want date_of_birth and dynamic_180883", asked)
		}
	})
}

// TestCustomAttributesWithoutCatalog lists the fake in v1 and v2 with its attribute
// catalog answering Personio's documented 403: every user's Custom holds every custom
// attribute the fake's company has for them, keyed by key (id), with the label the record
// carries; the users are those of a listing with the catalog readable; the degradation is
// reported by Degraded in lenient mode and fails every call in strict mode.
func TestCustomAttributesWithoutCatalog(t *testing.T) {
	t.Parallel()
	co := personiotest.GenerateCompany(32, 14)
	type custom struct{ Label, Text string }
	// wantCustom is what the fake's company holds for each person; unlabeled: the record
	// carries no label, and the key stands in for it.
	wantCustom := func(unlabeled bool) map[string]map[string]custom {
		out := map[string]map[string]custom{}
		label := func(key, l string) string {
			if unlabeled {
				return key
			}
			return l
		}
		for _, p := range co.People {
			m := map[string]custom{}
			if p.EmployeeNumber != "" {
				m[personiotest.PersonnelNumberKey] = custom{label(personiotest.PersonnelNumberKey, "Personal Number"), p.EmployeeNumber}
			}
			for _, a := range co.Attributes {
				if v := p.Custom[a.Key]; v != "" {
					m[a.Key] = custom{label(a.Key, a.LabelEN), v}
				}
			}
			out[strconv.Itoa(p.ID)] = m
		}
		return out
	}
	customs := func(users []unified.User) map[string]map[string]custom {
		out := map[string]map[string]custom{}
		for _, u := range users {
			m := map[string]custom{}
			for k, v := range u.Custom {
				m[k] = custom{v.Label, v.String()}
			}
			out[u.ID] = m
		}
		return out
	}
	tests := []struct {
		name   string
		v2     bool
		quirks personiotest.Quirks
	}{
		{"v1", false, personiotest.DefaultQuirks()},
		{"v1 string numbers", false, personiotest.Quirks{StringNumbers: true, LowercaseCustomTypes: true}},
		{"v2", true, personiotest.DefaultQuirks()},
		{"v2 upper-case types", true, personiotest.Quirks{}},
		{"v2 unlabeled custom attributes", true, personiotest.Quirks{UnlabeledCustomAttributes: true, LowercaseCustomTypes: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []DirectoryOption
			if tt.v2 {
				opts = append(opts, WithV2())
			}
			readable := newServer(t, personiotest.WithCompany(co), personiotest.WithQuirks(tt.quirks))
			normal := fakeClient(t, readable, nil).Directory(append(opts, WithPageSize(5))...)
			if err := normal.Degraded(t.Context()); err != nil {
				t.Errorf("Degraded with the catalog readable: %v", err)
			}
			normalUsers := collect(t, unified.PagedUsers(t.Context(), normal, nil))

			srv := newServer(t, personiotest.WithCompany(co), personiotest.WithQuirks(tt.quirks))
			forbidCatalog(srv)
			c := fakeClient(t, srv, nil)
			d := c.Directory(append(opts, WithPageSize(5))...)
			users := collect(t, unified.PagedUsers(t.Context(), d, nil))
			if diff := cmp.Diff(wantCustom(tt.quirks.UnlabeledCustomAttributes), customs(users)); diff != "" {
				t.Errorf("Custom without the catalog (-the fake's company +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantCustom(false), customs(normalUsers)); diff != "" {
				t.Errorf("Custom with the catalog (-the fake's company +got):\n%s", diff)
			}
			if !tt.quirks.UnlabeledCustomAttributes {
				if diff := cmp.Diff(normalUsers, users); diff != "" {
					t.Errorf("users without the catalog differ from those with it (-with +without):\n%s", diff)
				}
			}
			if diff := cmp.Diff(users, collect(t, unified.Users(t.Context(), d, nil))); diff != "" {
				t.Errorf("unified.Users differs from the pages (-pages +stream):\n%s", diff)
			}
			u, err := d.GetUser(t.Context(), users[0].ID)
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			if diff := cmp.Diff(users[0], *u); diff != "" {
				t.Errorf("GetUser differs from the listing (-listed +got):\n%s", diff)
			}
			if !tt.v2 {
				for _, r := range srv.Requests() {
					if r.Path == "/v1/company/employees" && len(r.Query["attributes[]"]) > 0 {
						t.Errorf("without the catalog the listing asks for attributes[] %v, want every attribute", r.Query["attributes[]"])
					}
				}
			}

			// A spec that names a custom attribute by its label maps it as with the
			// catalog, where the records carry labels.
			byLabel := WithSpec(DefaultSpec().With(mapping.Field{Target: "title", Sources: []string{"Job level"}}))
			titles := func(users []unified.User) map[string]string {
				out := map[string]string{}
				for _, u := range users {
					out[u.ID] = u.Title
				}
				return out
			}
			wantTitles := map[string]string{}
			for _, p := range co.People {
				if !tt.quirks.UnlabeledCustomAttributes {
					wantTitles[strconv.Itoa(p.ID)] = p.Custom["dynamic_40106"]
				} else {
					wantTitles[strconv.Itoa(p.ID)] = "" // no label to find it by: empty, reported by Degraded
				}
			}
			spec := c.Directory(append(opts, byLabel)...)
			if diff := cmp.Diff(wantTitles, titles(collect(t, unified.PagedUsers(t.Context(), spec, nil)))); diff != "" {
				t.Errorf("title from \"Job level\" without the catalog (-the fake's company +got):\n%s", diff)
			}

			// Lenient: the listing goes on, and Degraded says why.
			err = d.Degraded(t.Context())
			if !errors.Is(err, ErrCatalogUnreadable) || !errors.Is(err, unified.ErrForbidden) {
				t.Errorf("Degraded = %v, want ErrCatalogUnreadable and ErrForbidden", err)
			}
			var apiErr *unified.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
				t.Errorf("Degraded = %v, want it to wrap the 403 *unified.APIError", err)
			}
			const wantText = "personio: attribute catalog unreadable: custom attributes keyed by id: GET /v1/company/employees/attributes: 403 Forbidden: Provided authorization is not valid"
			if err == nil || err.Error() != wantText {
				t.Errorf("Degraded text = %v, want %q", err, wantText)
			}

			// Strict: every call fails with it, without listing, and asks for the catalog
			// again.
			srv.ResetRequests()
			strict := c.Directory(append(opts, WithStrictMapping(true))...)
			calls := []struct {
				name string
				call func() error
			}{
				{"ListUsers", func() error { _, err := strict.ListUsers(t.Context(), nil); return err }},
				{"GetUser", func() error { _, err := strict.GetUser(t.Context(), users[0].ID); return err }},
				{"StreamUsers", func() error {
					for _, err := range strict.StreamUsers(t.Context(), nil) {
						return err
					}
					return nil
				}},
				{"Degraded", func() error { return strict.Degraded(t.Context()) }},
			}
			for _, call := range calls {
				if err := call.call(); !errors.Is(err, ErrCatalogUnreadable) || !errors.Is(err, unified.ErrForbidden) {
					t.Errorf("strict %s: %v, want ErrCatalogUnreadable and ErrForbidden", call.name, err)
				}
			}
			if n := srv.Count("", "/v1/company/employees/attributes"); n != len(calls) {
				t.Errorf("strict: %d catalog requests for %d calls, want one each", n, len(calls))
			}
			for _, r := range srv.Requests() {
				if r.Path != "/v1/company/employees/attributes" && !strings.HasPrefix(r.Path, "/v1/auth") && !strings.HasPrefix(r.Path, "/v2/auth") {
					t.Errorf("strict: requested %s %s", r.Method, r.Path)
				}
			}
		})
	}
}
