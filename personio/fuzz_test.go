package personio

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// FuzzPersonsPage decodes arbitrary GET /v2/persons pages the two ways ListPersons does
// (typed, and record by record when the raw records are kept): nothing panics, and when
// the typed decoding accepts a page, the record-by-record decoding accepts it too and
// gives the same people.
func FuzzPersonsPage(f *testing.F) {
	for _, seed := range []string{
		`{"_data":[],"_meta":{"links":{"self":{"href":"https://api.personio.de/v2/persons"}}}}`,
		`{"_data":[{"id":"1","email":"a@b.c","first_name":"Ada","last_name":"L","preferred_name":"","gender":"FEMALE","status":"ACTIVE","created_at":"2021-01-01T10:00:00Z","updated_at":"2021-01-02T10:00:00+01:00","custom_attributes":[{"id":"dynamic_1","type":"date","value":"2021-02-03"}],"employments":[{"id":"9"}]}],"_meta":{"links":{"next":{"href":"https://api.personio.de/v2/persons?cursor=cur_x"}}}}`,
		`{"_data":[{"id":17,"created_at":"not a time","custom_attributes":[{"id":"x","type":"STRING_LIST","value":["a",1]}]}],"_meta":{"links":{"next":{"href":"/v2/persons?cursor=c"}}}}`,
		`{"_data":[{"id":null,"employments":null,"custom_attributes":{}}]}`,
		`{"_data":null,"_meta":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var typed listJSON[personJSON]
		if json.Unmarshal(data, &typed) != nil {
			return
		}
		_ = typed.next()
		var raw listJSON[json.RawMessage]
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatalf("typed decoding accepts the page, raw decoding does not: %v", err)
		}
		if len(raw.Data) != len(typed.Data) || raw.next() != typed.next() {
			t.Fatalf("raw page has %d records and next %q, typed %d and %q", len(raw.Data), raw.next(), len(typed.Data), typed.next())
		}
		for i := range typed.Data {
			want := typed.Data[i].person(nil)
			_ = want.Err()
			var j personJSON
			if err := json.Unmarshal(raw.Data[i], &j); err != nil {
				t.Fatalf("record %d: typed decoding accepts it, record decoding does not: %v", i, err)
			}
			got := j.person(raw.Data[i])
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Person{}, "Raw"), cmpopts.IgnoreUnexported(Person{}), cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
				t.Fatalf("record %d (-typed +raw):\n%s", i, diff)
			}
		}
	})
}

// FuzzEmployeesPage decodes arbitrary GET /v1/company/employees answers the two ways
// ListEmployees does (records decoded with the page, and records kept as JSON and decoded
// one by one when Raw is asked for): nothing panics; when the page decodes, it decodes the
// same both ways; and every employee converts, and maps with the default mapping, without
// a panic.
func FuzzEmployeesPage(f *testing.F) {
	for _, seed := range []string{
		`{"success":true,"metadata":{"total_elements":1,"current_page":0,"total_pages":1},"offset":0,"limit":100,"data":[` + fullEmployee + `]}`,
		`{"success":true,"metadata":{"total_elements":"301"},"offset":"300","limit":"100","data":[{"type":"Employee","attributes":{"id":{"value":"12"},"weekly_working_hours":{"value":"37,5"},"supervisor":{"value":{"type":"Employee","attributes":{"id":{"value":"7"}}}},"cost_centers":{"value":[{"attributes":{"id":"5","percentage":"50.5"}},null]}}}]}`,
		`{"data":[{"attributes":{"id":{"value":1},"team":{"value":[]},"department":{"value":{}},"office":{"value":{"id":3,"name":"Flat"}},"hire_date":{"value":"","type":"date"},"dynamic_1":{"value":["a",""],"type":"tags"}}},null,{}]}`,
		`{"data":[{"attributes":{"id":{"value":"x"},"created_at":{"value":"0000-01-01T00:00:00Z","type":"date"},"supervisor":{"value":"Boss"}}}]}`,
		`{"success":false,"data":null}`,
		`{"data":[{"type":"Employee","attributes":{"id":{"value":3},"date_of_birth":{"value":null,"type":"date","universal_id":"date_of_birth"},"dynamic_180883":{"label":"Birthday","value":"1983-08-18T00:00:00.000Z","universal_id":"date_of_birth","type":"date"},"dynamic_2":{"value":"x","universal_id":"email"}}}]}`,
	} {
		f.Add([]byte(seed))
	}
	loc, err := time.LoadLocation(DefaultLocation)
	if err != nil {
		f.Fatal(err)
	}
	m, err := mapping.Compile(DefaultSpec(), Catalog())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var records []employeeJSON
		typed := employeesPageJSON{Data: &records}
		if json.Unmarshal(data, &typed) != nil {
			return
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &employeesPageJSON{Data: &raws}); err != nil {
			t.Fatalf("the page decodes with its records but not with them kept as JSON: %v", err)
		}
		_ = typed.page(&ListEmployeesOptions{}, MaxEmployeesLimit)
		if len(raws) != len(records) {
			t.Fatalf("%d records kept as JSON, %d decoded", len(raws), len(records))
		}
		// A Directory's listing decodes the records for the keys it reads; it must see in
		// them what EmployeeRecord sees.
		keys := append(m.SourceKeys(), "id")
		for i := range records {
			for k := range records[i].Attributes {
				keys = append(keys, k)
			}
		}
		codec := newRecordCodec(keys, nil)
		listed := codec.slice(1) // room for one: longer pages grow it
		if err := json.Unmarshal(data, &employeesPageJSON{Data: listed.Interface()}); err != nil {
			t.Fatalf("the page decodes with its records as employees but not as a listing's records: %v", err)
		}
		if listed.Elem().Len() != len(records) {
			t.Fatalf("%d records decoded as employees, %d as a listing's", len(records), listed.Elem().Len())
		}
		for i := range records {
			want, wantErr := newEmployee(&records[i], nil)
			var rec employeeJSON
			if err := json.Unmarshal(raws[i], &rec); err != nil {
				t.Fatalf("record %d decodes with the page but not alone: %v", i, err)
			}
			got, gotErr := newEmployee(&rec, raws[i])
			want.fill(loc)
			got.fill(loc)
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("record %d: errors differ: %v, alone %v", i, wantErr, gotErr)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Employee{}, "Raw"), cmpopts.IgnoreUnexported(Employee{}), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("record %d (-with the page +alone):\n%s", i, diff)
			}
			if gotErr != nil {
				continue
			}
			_ = got.Err()
			for _, d := range []*unified.Date{got.HireDate, got.ContractEndDate, got.ProbationPeriodEnd, got.TerminationDate, got.LastWorkingDay, got.DateOfBirth} {
				if d != nil && !d.IsValid() {
					t.Fatalf("record %d has the invalid day %#v", i, *d)
				}
			}
			var u unified.User
			_ = m.ApplyUser(EmployeeRecord(&got, loc), &u)

			// Compared on the record's canonical JSON: where a key comes twice, a listing
			// merges the two values and EmployeeRecord keeps the last.
			canonical, err := json.Marshal(records[i])
			if err != nil {
				t.Fatal(err)
			}
			// The listing knows from the tenant's catalog which keys hold standard
			// attributes under a universal id; here the record tells.
			aliased := byUniversalID(got.Attributes)
			aliases := map[string]string{}
			for k, a := range aliased {
				aliases[k] = a.Key
			}
			rc := newRecordCodec(keys, aliases)
			one := reflect.New(rc.typ)
			if err := json.Unmarshal(canonical, one.Interface()); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			rec2, err := rc.record(one.Elem(), loc)
			if err != nil {
				t.Fatalf("record %d: EmployeeRecord has the id %d, the listing: %v", i, got.ID, err)
			}
			er := EmployeeRecord(&got, loc)
			for _, k := range keys {
				if _, ok := rc.index[k]; !ok || foldedTwin(got.Attributes, k) {
					continue // not a JSON field name; encoding/json matches fields regardless of case
				}
				if alias, ok := aliases[k]; ok {
					if _, found := rc.index[alias]; !found || foldedTwin(got.Attributes, alias) {
						continue // the same, for the key the value comes from
					}
				}
				want, wantOK := er.Lookup(k)
				got, gotOK := rec2.Lookup(k)
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" || (wantOK != gotOK && want.Kind != mapping.KindNull) {
					t.Fatalf("record %d, %s: found %v, %v by the listing (-EmployeeRecord +listing):\n%s", i, k, wantOK, gotOK, diff)
				}
			}
		}
	})
}

// foldedTwin reports whether attrs has a key other than k that equals it but for case.
func foldedTwin(attrs map[string]Attribute, k string) bool {
	for a := range attrs {
		if a != k && strings.EqualFold(a, k) {
			return true
		}
	}
	return false
}

// FuzzAttribute reads arbitrary values of a v1 attribute of any type with every accessor
// and as the mapping does: nothing panics, a whole number is also a number, and a day is
// a valid date.
func FuzzAttribute(f *testing.F) {
	for _, seed := range []struct{ typ, value string }{
		{"standard", `"Dr"`}, {"integer", `"12"`}, {"decimal", `37.5`}, {"date", `"2014-11-08T23:00:00.000Z"`},
		{"date", `"2021-01-01"`}, {"tags", `"Go, SQL"`}, {"tags", `["a",""]`}, {"standard", `true`},
		{"standard", `{"type":"Department","attributes":{"id":1,"name":"Sales"}}`},
		{"standard", `{"type":"Employee","attributes":{"id":{"label":"ID","value":2},"first_name":{"value":"Berta"}}}`},
		{"standard", `[{"type":"CostCenter","attributes":{"id":"5","name":"CC","percentage":"50.5"}}]`},
		{"list", `null`}, {"date", `"0000-06-01T12:00:00Z"`}, {"standard", `1e400`},
	} {
		f.Add(seed.typ, []byte(seed.value))
	}
	loc, err := time.LoadLocation(DefaultLocation)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, typ string, value []byte) {
		if !json.Valid(value) {
			return
		}
		for _, key := range []string{"dynamic_1", "hire_date", "created_at", "supervisor", "department", "cost_centers", "weekly_working_hours", "id"} {
			a := Attribute{Key: key, Type: typ, Value: value}
			_, _ = a.Text()
			n, errN := a.Number()
			if i, err := a.Int(); err == nil && (errN != nil || float64(i) != n) {
				t.Fatalf("%s: Int %d, Number %v, %v", value, i, n, errN)
			}
			_, _ = a.Bool()
			_, _ = a.Time(loc)
			if d, err := a.Date(loc); err == nil && d != (unified.Date{}) && !d.IsValid() {
				t.Fatalf("%s: invalid day %#v", value, d)
			}
			_, _ = a.Entity()
			_, _ = a.Entities()
			_, _ = a.Employee()
			_, _ = a.Tags()
			e, err := newEmployee(&employeeJSON{Attributes: map[string]Attribute{"id": {Value: []byte("1")}, key: a}}, nil)
			if key != "id" && err != nil {
				t.Fatalf("%s: %v", value, err)
			}
			if v, _ := EmployeeRecord(&e, loc).Lookup(key); v.Kind == mapping.KindDate && !v.Date().IsValid() {
				t.Fatalf("%s: Lookup(%s) is the invalid day %#v", value, key, v.Date())
			}
		}
	})
}

// FuzzEmploymentsPage decodes arbitrary employment records as ListEmployments does:
// nothing panics, and every calendar day it reports is a valid date.
func FuzzEmploymentsPage(f *testing.F) {
	for _, seed := range []string{
		`{"_data":[{"id":"5","status":"ACTIVE","type":"INTERNAL","position":{"title":"Engineer"},"weekly_working_hours":"40","employment_start_date":"2020-01-01","person":{"id":"1"},"supervisor":{"id":2},"org_units":[{"type":"DEPARTMENT","id":"401"}],"cost_centers":[{"id":"c","weight":"50.5"}],"termination":{"termination_date":"2024-12-31","last_working_date":"2024-12-20","type":"RESIGNATION"}}]}`,
		`{"_data":[{"id":"6","position":"Designer","employment_start_date":"2014-11-08T23:00:00.000Z","created_at":"2014-11-08T23:00:00Z"}]}`,
		`{"_data":[{"id":"7","position":[1],"employment_start_date":"31.12.2020","termination":{}}]}`,
		`{"_data":[{"weekly_working_hours":"NaN","cost_centers":[{"weight":1e999}]}]}`,
	} {
		f.Add([]byte(seed))
	}
	loc, err := time.LoadLocation(DefaultLocation)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var page listJSON[json.RawMessage]
		if json.Unmarshal(data, &page) != nil {
			return
		}
		for _, raw := range page.Data {
			var j employmentJSON
			if json.Unmarshal(raw, &j) != nil {
				continue
			}
			e := j.employment(raw, loc)
			_ = e.Err()
			_ = e.OrgUnit("department")
			days := []*unified.Date{e.StartDate, e.EndDate, e.ProbationEndDate, e.ContractEndDate}
			if e.Termination != nil {
				days = append(days, e.Termination.TerminationDate, e.Termination.LastWorkingDay, e.Termination.TerminatedAt)
			}
			for _, d := range days {
				if d != nil && !d.IsValid() {
					t.Fatalf("employment %q has the invalid day %#v", e.ID, *d)
				}
			}
		}
	})
}

// TestParseDayOutsideTheCalendar rejects instants whose day falls outside the years 1 to
// 9999 (which unified.Date can hold) instead of returning an invalid Date.
func TestParseDayOutsideTheCalendar(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation(DefaultLocation)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"0000-01-01 0:00:00Z", "0000-06-01T12:00:00Z", "0000-12-31T23:30:00+01:00"} {
		if d, err := parseDay(s, loc); err == nil {
			t.Errorf("parseDay(%q) = %#v, want an error", s, d)
		} else if !errors.Is(err, unified.ErrInvalidValue) {
			t.Errorf("parseDay(%q): %v, want ErrInvalidValue", s, err)
		}
	}
	if d, err := parseDay("0001-01-01T12:00:00Z", loc); err != nil || d != unified.NewDate(1, 1, 1) {
		t.Errorf("parseDay(year 1) = %v, %v", d, err)
	}
}

// FuzzDecodeError runs DecodeError on arbitrary bodies: it never panics, never touches
// the status, and leaves the error alone for bodies that are not JSON objects.
func FuzzDecodeError(f *testing.F) {
	for _, seed := range []string{
		`{"success":false,"error":{"code":404,"message":"Es ist ein Problem aufgetreten "}}`,
		`{"personio_trace_id":"t-1","timestamp":"2024-01-01T00:00:00Z","errors":[{"title":"Forbidden","detail":"Insufficient access scope","type":"https://developer.personio.de/errors#common.forbidden","_meta":{}}]}`,
		`{"error":"invalid_client","error_description":"Client authentication failed","trace_id":"abc"}`,
		`{"error":{"code":"0","message":""}}`,
		`{"message":"Too Many Requests"}`,
		`<html><body>502 Bad Gateway</body></html>`,
		`{"errors":[{}],"error":"x"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := &unified.APIError{StatusCode: 502}
		DecodeError(e, body)
		if e.StatusCode != 502 {
			t.Fatalf("status changed to %d", e.StatusCode)
		}
		if trimmed := strings.TrimSpace(string(body)); (trimmed == "" || trimmed[0] != '{') && (e.Code != "" || e.Message != "" || e.RequestID != "") {
			t.Fatalf("a body that is not a JSON object filled %+v", e)
		}
	})
}

// FuzzFlexScalars decodes arbitrary JSON values as the numbers and ids Personio sends as
// numbers or strings (v1 auth expires_in, attribute keys, page metadata): nothing panics,
// and an integer and a number read from the same value agree.
func FuzzFlexScalars(f *testing.F) {
	for _, seed := range []string{`86400`, `"86400"`, `null`, `""`, `"1e3"`, `12.5`, `"abc"`, `true`, `[1]`, `{"a":1}`, `-0`, `1e400`, `9223372036854775808`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var i flexInt
		var fl flexFloat
		var s flexString
		errI := i.UnmarshalJSON(data)
		errF := fl.UnmarshalJSON(data)
		errS := s.UnmarshalJSON(data)
		// A value of the wrong kind is a type error, so that a response holding one fails
		// at once instead of being fetched again.
		for _, err := range []error{errI, errF, errS} {
			var te *json.UnmarshalTypeError
			if err != nil && !errors.As(err, &te) {
				t.Fatalf("%q: %v is not a *json.UnmarshalTypeError", data, err)
			}
		}
		if errI == nil && i.Set {
			if errF != nil || !fl.Set {
				t.Fatalf("%q is the integer %d but not a number: %v", data, i.V, errF)
			}
			if math.Abs(fl.V-float64(i.V)) > math.Abs(float64(i.V))*1e-9+1e-9 {
				t.Fatalf("%q: integer %d, number %v", data, i.V, fl.V)
			}
		}
		// A v1 token response decodes whatever the fields hold, or fails cleanly.
		var tok v1TokenResponse
		_ = json.Unmarshal([]byte(`{"success":true,"data":{"token":"t","expires_in":`+strconv.Quote(string(data))+`}}`), &tok)
		_ = json.Unmarshal(append([]byte(`{"success":true,"data":{"token":"t","expires_in":`), append(data, '}', '}')...), &tok)
	})
}

// FuzzDirectoryCursor feeds arbitrary positions through the cursor codec to both listing
// modes: a cursor is accepted or rejected with ErrInvalidCursor, never a panic, and an
// accepted v1 position can take the next page.
func FuzzDirectoryCursor(f *testing.F) {
	f.Add(`{"o":20,"f":50,"t":50,"n":20,"p":[19,20],"s":true}`)
	f.Add(`{"o":-1,"s":true}`)
	f.Add(`{"h":"/v2/persons?cursor=cur_x","l":["ab"],"p":["1"]}`)
	f.Add(`{"h":"https://evil.example/v2/persons"}`)
	f.Add(`{"o":1e9,"t":-5,"s":true,"p":null}`)
	c, err := New(Config{ClientID: testID, ClientSecret: testSecret})
	if err != nil {
		f.Fatal(err)
	}
	dirs := []*Directory{c.Directory(), c.Directory(WithV2())}
	f.Fuzz(func(t *testing.T, payload string) {
		var raw json.RawMessage
		if json.Unmarshal([]byte(payload), &raw) != nil {
			return
		}
		var filter unified.Filter
		cur, err := encodeCursor(&filter, raw)
		if err != nil {
			return
		}
		opts := &unified.ListOptions{Cursor: cur, PageSize: 10}
		for _, d := range dirs {
			var err error
			if d.cfg.v2 {
				_, err = d.newV2Listing(opts)
			} else {
				var l *v1Listing
				if l, err = d.newV1Listing(opts); err == nil {
					_, _ = l.st.apply(l.st.Last+1, []int{1, 2, 3}, l.limit, false)
				}
			}
			if err != nil && !errors.Is(err, unified.ErrInvalidCursor) {
				t.Fatalf("cursor %s: %v, want nil or ErrInvalidCursor", payload, err)
			}
		}
	})
}
