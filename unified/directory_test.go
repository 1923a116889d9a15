package unified_test

import (
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestFilterMatch(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := unified.User{
		ID: "1", Email: "Ada@Example.com", Status: unified.StatusActive, EmploymentType: unified.EmploymentInternal,
		Department:  &unified.Ref{ID: "d1", Name: "Engineering"},
		LegalEntity: &unified.Ref{ID: "7033", Name: "CS Demo GmbH"},
		UpdatedAt:   since.Add(time.Hour),
	}
	noDates := u
	noDates.UpdatedAt = time.Time{}
	noDept := u
	noDept.Department = nil

	tests := []struct {
		name string
		f    unified.Filter
		u    unified.User
		want bool
	}{
		{"zero filter", unified.Filter{}, u, true},
		{"status hit", unified.Filter{Statuses: []unified.Status{unified.StatusLeave, unified.StatusActive}}, u, true},
		{"status miss", unified.Filter{Statuses: []unified.Status{unified.StatusInactive}}, u, false},
		{"employment hit", unified.Filter{EmploymentTypes: []unified.EmploymentType{unified.EmploymentInternal}}, u, true},
		{"employment miss", unified.Filter{EmploymentTypes: []unified.EmploymentType{unified.EmploymentExternal}}, u, false},
		{"department by id", unified.Filter{Departments: []string{"d1"}}, u, true},
		{"department by name any case", unified.Filter{Departments: []string{"engineering"}}, u, true},
		{"department id is case-sensitive", unified.Filter{Departments: []string{"D1"}}, u, false},
		{"department miss", unified.Filter{Departments: []string{"Sales"}}, u, false},
		{"no department", unified.Filter{Departments: []string{"d1"}}, noDept, false},
		{"legal entity by name", unified.Filter{LegalEntities: []string{"cs demo gmbh"}}, u, true},
		{"legal entity by id", unified.Filter{LegalEntities: []string{"7033"}}, u, true},
		{"email any case", unified.Filter{Emails: []string{"ada@example.COM"}}, u, true},
		{"email miss", unified.Filter{Emails: []string{"bob@example.com"}}, u, false},
		{"updated since: after", unified.Filter{UpdatedSince: since}, u, true},
		{"updated since: exactly", unified.Filter{UpdatedSince: since.Add(time.Hour)}, u, true},
		{"updated since: before", unified.Filter{UpdatedSince: since.Add(2 * time.Hour)}, u, false},
		{"updated since: unknown time kept", unified.Filter{UpdatedSince: since.Add(2 * time.Hour)}, noDates, true},
		{"all conditions", unified.Filter{Statuses: []unified.Status{unified.StatusActive}, Departments: []string{"d1"},
			EmploymentTypes: []unified.EmploymentType{unified.EmploymentInternal}, Emails: []string{"ada@example.com"}}, u, true},
		{"one condition fails", unified.Filter{Statuses: []unified.Status{unified.StatusActive}, Departments: []string{"x"}}, u, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.f.Match(&tt.u); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFilterFingerprint(t *testing.T) {
	t.Parallel()
	base := unified.Filter{
		Statuses:    []unified.Status{unified.StatusActive, unified.StatusLeave},
		Departments: []string{"d1", "d2"},
		Emails:      []string{"a@x.io"},
	}
	same := []unified.Filter{
		{Statuses: []unified.Status{unified.StatusLeave, unified.StatusActive}, Departments: []string{"d2", "d1"}, Emails: []string{"A@X.io"}},
		{Statuses: []unified.Status{unified.StatusLeave, unified.StatusActive, unified.StatusLeave}, Departments: []string{"d2", "d1"}, Emails: []string{"a@x.io"}},
	}
	different := []unified.Filter{
		{},
		{Statuses: []unified.Status{unified.StatusActive}, Departments: []string{"d1", "d2"}, Emails: []string{"a@x.io"}},
		{Statuses: base.Statuses, Departments: []string{"D1", "d2"}, Emails: base.Emails},
		{Statuses: base.Statuses, LegalEntities: []string{"d1", "d2"}, Emails: base.Emails},
		{Statuses: base.Statuses, Departments: base.Departments, Emails: base.Emails, UpdatedSince: time.Unix(1, 0)},
		// Values must not run together across a field boundary.
		{Statuses: base.Statuses, Departments: []string{"d1d2"}, Emails: base.Emails},
	}
	fp := base.Fingerprint()
	if fp == "" {
		t.Fatal("empty fingerprint")
	}
	for i, f := range same {
		if got := f.Fingerprint(); got != fp {
			t.Errorf("same[%d]: fingerprint %q, want %q", i, got, fp)
		}
	}
	seen := map[string]int{fp: -1}
	for i, f := range different {
		got := f.Fingerprint()
		if j, dup := seen[got]; dup {
			t.Errorf("different[%d] has the fingerprint of %d", i, j)
		}
		seen[got] = i
	}
	// Time zones do not change the instant.
	berlin := time.FixedZone("CET", 3600)
	a := unified.Filter{UpdatedSince: time.Date(2026, 1, 1, 1, 0, 0, 0, berlin)}
	b := unified.Filter{UpdatedSince: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("the same instant in two zones fingerprints differently")
	}
	if !(&unified.Filter{}).IsZero() || base.IsZero() {
		t.Error("IsZero")
	}
}
