package mapping

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/unified"
)

func compileUserSpec(t *testing.T) *Mapper {
	t.Helper()
	m, err := Compile(userSpec(), tenantCatalog())
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

func dp(y int, m time.Month, d int) *unified.Date {
	x := unified.NewDate(y, m, d)
	return &x
}

// wantUser is the fixture employee as a unified.User, written out by hand from
// the fixture's values and the preset's documented rules.
func wantUser() unified.User {
	return unified.User{
		ID:             "1",
		EmployeeNumber: "P-0042",
		Email:          "alexander.bergmann@demo.email",
		FirstName:      "Alexander",
		LastName:       "Bergmann",
		PreferredName:  "Alexander Bergmann",
		DisplayName:    "Alexander Bergmann",
		Title:          "CTO",
		Gender:         "male",
		Status:         unified.StatusActive,
		EmploymentType: unified.EmploymentInternal,
		Department:     &unified.Ref{ID: "281521", Name: "Customer Support"},
		Team:           &unified.Ref{ID: "59026", Name: "T_X"},
		Office:         &unified.Ref{ID: "131014", Name: "Munich"},
		LegalEntity:    &unified.Ref{ID: "7033", Name: "CS Demo GmbH"},
		Manager:        &unified.Ref{ID: "2", Name: "Bianca Schmidt", Email: "Bianca.Schmidt@demo.email"},
		StartDate:      dp(2014, time.November, 9),
		BirthDate:      dp(1985, time.March, 14),
		CreatedAt:      time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC),
		UpdatedAt:      time.Date(2020, 11, 18, 16, 33, 55, 0, time.UTC),
		Custom: map[string]unified.Value{
			"dynamic_24407": {Label: "Titel", Kind: unified.KindText, Text: "Dr"},
			"dynamic_21827": {Label: "IBAN", Kind: unified.KindText, Text: "DE98 8989 9898 0000 8989 00"},
			"dynamic_33400": {Label: "Jubiläum", Kind: unified.KindDate, Date: unified.NewDate(2021, 1, 1)},
			"dynamic_40001": {Label: "Personal Number", Kind: unified.KindText, Text: "P-0042"},
			"dynamic_40002": {Label: "Remote", Kind: unified.KindBool, Bool: true},
		},
	}
}

func TestApplyUserSpec(t *testing.T) {
	t.Parallel()
	m := compileUserSpec(t)
	var u unified.User
	if err := m.ApplyUser(employeeRecord(), &u); err != nil {
		t.Fatalf("ApplyUser: %v", err)
	}
	if diff := cmp.Diff(wantUser(), u); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}
}

func TestApplyUserDisplayNameFallback(t *testing.T) {
	t.Parallel()
	m := compileUserSpec(t)
	tests := []struct {
		name      string
		preferred Value
		first     Value
		want      string
	}{
		{"preferred name wins", StringValue("Alex B."), StringValue("Alexander"), "Alex B."},
		{"blank preferred name falls back", StringValue("   "), StringValue("Alexander"), "Alexander Bergmann"},
		{"no preferred name", Value{}, StringValue("Alexander"), "Alexander Bergmann"},
		{"last name only", Value{}, Value{}, "Bergmann"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := employeeRecord()
			rec.Values["preferred_name"] = tt.preferred
			rec.Values["first_name"] = tt.first
			var u unified.User
			if err := m.ApplyUser(rec, &u); err != nil {
				t.Fatal(err)
			}
			if u.DisplayName != tt.want {
				t.Errorf("DisplayName = %q, want %q", u.DisplayName, tt.want)
			}
		})
	}
}

func TestApplyUserCollectsFieldErrors(t *testing.T) {
	t.Parallel()
	m := compileUserSpec(t)
	rec := employeeRecord()
	delete(rec.Values, "id")
	rec.Values["status"] = StringValue("retired")
	rec.Values["employment_type"] = StringValue("freelance")
	var u unified.User
	err := m.ApplyUser(rec, &u)
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("ApplyUser error = %v, want a *RecordError", err)
	}
	type failure struct {
		Field, Source, Value string
		Required, Transform  bool
	}
	var got []failure
	for _, fe := range re.Errors {
		got = append(got, failure{fe.Field, fe.Source, fe.Value,
			errors.Is(fe, ErrRequiredMissing), errors.Is(fe, ErrTransform)})
	}
	want := []failure{
		{Field: "id", Source: "id", Required: true},
		{Field: "status", Source: "status", Value: "retired", Transform: true},
		{Field: "employment_type", Source: "employment_type", Value: "freelance", Transform: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
	if re.RecordID != "1" || re.Provider != "acme" {
		t.Errorf("RecordError = {%q, %q}, want {acme, 1}", re.Provider, re.RecordID)
	}
	if !errors.Is(err, ErrRequiredMissing) || !errors.Is(err, ErrTransform) {
		t.Errorf("errors.Is through RecordError failed: %v", err)
	}
	// The fields that did not fail are set all the same.
	if u.Email != "alexander.bergmann@demo.email" || u.Department == nil || u.StartDate == nil {
		t.Errorf("working fields not set: %+v", u)
	}
	msg := err.Error()
	for _, s := range []string{`record "1"`, `3 fields failed`, `field "status"`, `"retired"`, `no mapping for`} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not mention %s", msg, s)
		}
	}
}

// TestApplyUserTargets covers the conversion of each kind of value into each kind of
// unified.User target.
// Without a catalog, the label of a custom value is its source key.
func TestApplyUserTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target  string
		value   Value
		check   func(u *unified.User) any
		want    any
		wantErr error
	}{
		{"title", NumberValue(42), func(u *unified.User) any { return u.Title }, "42", nil},
		{"title", RefValue(unified.Ref{ID: "7", Name: "Engineer"}), func(u *unified.User) any { return u.Title }, "Engineer", nil},
		{"status", StringValue("LEAVE"), func(u *unified.User) any { return u.Status }, unified.StatusLeave, nil},
		{"status", StringValue("gone"), nil, nil, ErrTransform},
		{"employment_type", StringValue("External"), func(u *unified.User) any { return u.EmploymentType }, unified.EmploymentExternal, nil},
		{"department", StringValue("Sales"), func(u *unified.User) any { return *u.Department }, unified.Ref{Name: "Sales"}, nil},
		{"department", NumberValue(401), func(u *unified.User) any { return *u.Department }, unified.Ref{ID: "401"}, nil},
		{"department", date(2020, 1, 1), nil, nil, ErrTransform},
		{"department.id", NumberValue(401), func(u *unified.User) any { return *u.Department }, unified.Ref{ID: "401"}, nil},
		{"manager.email", RefValue(unified.Ref{ID: "2", Email: "b@x.io"}), func(u *unified.User) any { return *u.Manager }, unified.Ref{Email: "b@x.io"}, nil},
		{"team.name", StringValue("Platform"), func(u *unified.User) any { return *u.Team }, unified.Ref{Name: "Platform"}, nil},
		{"start_date", StringValue("2014-11-09"), func(u *unified.User) any { return *u.StartDate }, unified.NewDate(2014, 11, 9), nil},
		{"start_date", StringValue("9.11.2014"), func(u *unified.User) any { return *u.StartDate }, unified.NewDate(2014, 11, 9), nil},
		{"start_date", StringValue("1990-01-01T00:00:00+01:00"), func(u *unified.User) any { return *u.StartDate }, unified.NewDate(1990, 1, 1), nil},
		{"start_date", TimeValue(time.Date(2014, 11, 9, 0, 0, 0, 0, time.FixedZone("CET", 3600))), func(u *unified.User) any { return *u.StartDate }, unified.NewDate(2014, 11, 9), nil},
		{"start_date", StringValue("11/09/2014"), nil, nil, ErrTransform},
		{"start_date", DateValue(unified.NewDate(2014, 2, 30)), nil, nil, ErrTransform},
		{"start_date", NumberValue(5), nil, nil, ErrTransform},
		{"created_at", StringValue("2017-05-23T09:49:03+02:00"), func(u *unified.User) any { return u.CreatedAt.UTC() }, time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC), nil},
		{"created_at", NumberValue(1651584000), func(u *unified.User) any { return u.CreatedAt }, time.Date(2022, 5, 3, 13, 20, 0, 0, time.UTC), nil},
		{"created_at", date(2020, 1, 2), func(u *unified.User) any { return u.CreatedAt }, time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), nil},
		{"updated_at", StringValue("yesterday"), nil, nil, ErrTransform},
		{"custom.level", NumberValue(3), func(u *unified.User) any { return u.Custom["level"] },
			unified.Value{Label: "x", Kind: unified.KindNumber, Number: 3}, nil},
		{"custom.teams", RefValue(unified.Ref{ID: "1", Name: "Blue"}), func(u *unified.User) any { return u.Custom["teams"] },
			unified.Value{Label: "x", Kind: unified.KindText, Text: "Blue"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target+"/"+tt.value.Kind.String()+"/"+tt.value.String(), func(t *testing.T) {
			spec := &Spec{Fields: []Field{{Target: tt.target, Sources: []string{"x"}}}}
			m, err := Compile(spec, nil)
			if err != nil {
				t.Fatal(err)
			}
			var u unified.User
			err = m.ApplyUser(MapRecord{RecordID: "r", Values: map[string]Value{"x": tt.value}}, &u)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.check(&u)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyUserRefPartsDoNotWriteThroughSharedPointers(t *testing.T) {
	t.Parallel()
	spec := &Spec{Fields: []Field{
		{Target: "department.id", Sources: []string{"dept_id"}},
		{Target: "department.name", Sources: []string{"dept_name"}},
	}}
	m, err := Compile(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	shared := &unified.Ref{ID: "old", Name: "Old"}
	u := unified.User{Department: shared}
	rec := MapRecord{RecordID: "r", Values: map[string]Value{"dept_id": StringValue("401")}}
	if err := m.ApplyUser(rec, &u); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(unified.Ref{ID: "401", Name: "Old"}, *u.Department); diff != "" {
		t.Errorf("department (-want +got):\n%s", diff)
	}
	if *shared != (unified.Ref{ID: "old", Name: "Old"}) {
		t.Errorf("the caller's Ref was modified: %+v", *shared)
	}
	rec.Values["dept_name"] = StringValue("Sales")
	if err := m.ApplyUser(rec, &u); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(unified.Ref{ID: "401", Name: "Sales"}, *u.Department); diff != "" {
		t.Errorf("department (-want +got):\n%s", diff)
	}
}

func TestApplyUserLeavesEmptyResultsAlone(t *testing.T) {
	t.Parallel()
	m, err := Compile(&Spec{Fields: []Field{{Target: "title", Sources: []string{"position"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := unified.User{Title: "kept"}
	if err := m.ApplyUser(MapRecord{RecordID: "r"}, &u); err != nil {
		t.Fatal(err)
	}
	if u.Title != "kept" {
		t.Errorf("Title = %q, want it untouched", u.Title)
	}
}

func TestApplyUserMisuse(t *testing.T) {
	t.Parallel()
	rm, err := Compile(importSpec(), tenantCatalog())
	if err != nil {
		t.Fatal(err)
	}
	var u unified.User
	if err := rm.ApplyUser(employeeRecord(), &u); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("ApplyUser on a record spec: err = %v, want ErrInvalidSpec", err)
	}
	um := compileUserSpec(t)
	if err := um.ApplyUser(nil, &u); err == nil {
		t.Error("ApplyUser(nil record) succeeded")
	}
	if err := um.ApplyUser(employeeRecord(), nil); err == nil {
		t.Error("ApplyUser(nil user) succeeded")
	}
	if _, err := um.Apply(nil); err == nil {
		t.Error("Apply(nil) succeeded")
	}
}

func TestCustomWildcard(t *testing.T) {
	t.Parallel()
	cat := tenantCatalog()
	// Not available to the credentials: known, but not expanded.
	cat = cat.Merge(NewCatalog("acme", []Attribute{{Key: "dynamic_99999", LabelEN: "Hidden", Custom: true}}))
	spec := userSpec().With(
		Field{Target: "custom.dynamic_24407", Sources: []string{"Titel"}, Transforms: []Transform{Upper()}},
	)
	m, err := Compile(spec, cat)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, f := range m.Fields() {
		if strings.HasPrefix(f.Target, "custom.") {
			targets = append(targets, f.Target+"@"+f.Path)
		}
	}
	// The explicit field keeps its own position and wins over the wildcard; the
	// wildcard expands in catalog order at its own position (dynamic_40001 took the
	// place of the built-in "Personalnummer" placeholder when the catalogs merged).
	want := []string{
		"custom.dynamic_40001@fields[22]",
		"custom.dynamic_21827@fields[22]",
		"custom.dynamic_33400@fields[22]",
		"custom.dynamic_40002@fields[22]",
		"custom.dynamic_24407@fields[23]",
	}
	if diff := cmp.Diff(want, targets); diff != "" {
		t.Errorf("custom targets (-want +got):\n%s", diff)
	}
	var u unified.User
	if err := m.ApplyUser(employeeRecord(), &u); err != nil {
		t.Fatal(err)
	}
	if got := u.Custom["dynamic_24407"]; got.Text != "DR" || got.Label != "Titel" {
		t.Errorf("explicit custom field = %+v, want DR labelled Titel", got)
	}
	if len(u.Custom) != 5 {
		t.Errorf("len(Custom) = %d, want 5: %v", len(u.Custom), u.Custom)
	}

	if _, err := Compile(userSpec(), nil); !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("wildcard without catalog: err = %v, want ErrInvalidSpec", err)
	}
}

// TestMapperConcurrentUse maps many records with one Mapper from many goroutines; run
// with -race.
func TestMapperConcurrentUse(t *testing.T) {
	t.Parallel()
	m := compileUserSpec(t)
	lm, err := Compile(importSpec(), tenantCatalog())
	if err != nil {
		t.Fatal(err)
	}
	const workers, perWorker = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				id := fmt.Sprintf("%d", w*perWorker+i+1)
				rec := employeeRecord()
				rec.RecordID = id
				rec.Values["id"] = StringValue(id)
				var u unified.User
				if err := m.ApplyUser(rec, &u); err != nil {
					errs <- err
					return
				}
				want := wantUser()
				want.ID = id
				if diff := cmp.Diff(want, u); diff != "" {
					errs <- fmt.Errorf("record %s (-want +got):\n%s", id, diff)
					return
				}
				out, err := lm.Apply(rec)
				if err != nil {
					errs <- err
					return
				}
				if v, _ := out.Get("externalUserId"); v.Str != id {
					errs <- fmt.Errorf("externalUserId = %q, want %q", v.Str, id)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCollector(t *testing.T) {
	t.Parallel()
	recErr := &RecordError{RecordID: "7", Errors: []*FieldError{{Field: "id", Err: ErrRequiredMissing}}}
	other := errors.New("boom")

	strict := &Collector{}
	if err := strict.Handle(recErr); err != recErr {
		t.Errorf("strict Handle = %v, want the record error", err)
	}
	if err := strict.Handle(nil); err != nil {
		t.Errorf("Handle(nil) = %v", err)
	}

	lenient := &Collector{Policy: Lenient, Limit: 2}
	for range 3 {
		if err := lenient.Handle(fmt.Errorf("wrapped: %w", recErr)); err != nil {
			t.Errorf("lenient Handle = %v, want nil", err)
		}
	}
	if err := lenient.Handle(other); err != other {
		t.Errorf("lenient Handle(other) = %v, want it returned", err)
	}
	if got := lenient.Count(); got != 3 {
		t.Errorf("Count = %d, want 3", got)
	}
	if got := len(lenient.Errors()); got != 2 {
		t.Errorf("len(Errors) = %d, want 2 (Limit)", got)
	}
	err := lenient.Err()
	if !errors.Is(err, ErrRequiredMissing) || !strings.Contains(err.Error(), "1 more record errors not kept") {
		t.Errorf("Err = %v", err)
	}
	if (&Collector{Policy: Lenient}).Err() != nil {
		t.Error("Err of an empty collector is not nil")
	}
}
