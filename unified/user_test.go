package unified_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestStatusText(t *testing.T) {
	t.Parallel()
	for _, s := range []unified.Status{unified.StatusUnknown, unified.StatusActive, unified.StatusInactive,
		unified.StatusOnboarding, unified.StatusLeave, unified.StatusInvited} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		var back unified.Status
		if err := back.UnmarshalText([]byte(strings.ToUpper(string(b)))); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if back != s {
			t.Errorf("round-trip of %v gave %v", s, back)
		}
	}
	if _, err := unified.ParseStatus("terminated"); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("ParseStatus(terminated) err = %v", err)
	}
	if _, err := unified.Status(42).MarshalText(); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("marshal of Status(42) err = %v", err)
	}
	if got := unified.Status(42).String(); got != "Status(42)" {
		t.Errorf("String = %q", got)
	}
}

func TestEmploymentTypeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]unified.EmploymentType{
		"internal": unified.EmploymentInternal, "EXTERNAL": unified.EmploymentExternal, "Unknown": unified.EmploymentUnknown,
	} {
		got, err := unified.ParseEmploymentType(in)
		if err != nil || got != want {
			t.Errorf("ParseEmploymentType(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := unified.ParseEmploymentType("freelance"); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("err = %v", err)
	}
}

func TestUserJSONRoundTrip(t *testing.T) {
	t.Parallel()
	start := unified.NewDate(2014, time.November, 9)
	u := unified.User{
		ID: "1", Provider: "personio", Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace",
		Status: unified.StatusLeave, EmploymentType: unified.EmploymentExternal,
		Department: &unified.Ref{ID: "10", Name: "Engineering"},
		Manager:    &unified.Ref{ID: "2", Name: "Charles Babbage", Email: "cb@example.com"},
		StartDate:  &start,
		CreatedAt:  time.Date(2017, 5, 23, 7, 49, 3, 0, time.UTC),
		Custom: map[string]unified.Value{
			"dynamic_1": {Label: "Titel", Kind: unified.KindText, Text: "Dr"},
			"dynamic_2": {Label: "Anniversary", Kind: unified.KindDate, Date: unified.NewDate(2021, 1, 1)},
			"dynamic_3": {Label: "Sizes", Kind: unified.KindList, List: []string{"M", "L"}},
			"dynamic_4": {Label: "Hours", Kind: unified.KindNumber, Number: 38.5},
		},
		Raw: json.RawMessage(`{"id":1}`),
	}
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"status":"leave"`, `"employment_type":"external"`, `"start_date":"2014-11-09"`, `"kind":"date"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back unified.User
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, back); diff != "" {
		t.Errorf("round-trip mismatch (-want +got):\n%s", diff)
	}
}

func TestUserHelpers(t *testing.T) {
	t.Parallel()
	today := unified.NewDate(2026, 6, 1)
	past := unified.NewDate(2026, 5, 31)
	future := unified.NewDate(2026, 6, 2)
	tests := []struct {
		name       string
		u          unified.User
		active     bool
		terminated bool
		display    string
	}{
		{"active", unified.User{Status: unified.StatusActive, FirstName: "Ada", LastName: "L"}, true, false, "Ada L"},
		{"leave", unified.User{Status: unified.StatusLeave, PreferredName: "Addy", FirstName: "Ada"}, true, false, "Addy"},
		{"inactive", unified.User{Status: unified.StatusInactive, Email: "x@y.z"}, false, true, "x@y.z"},
		{"termination passed", unified.User{Status: unified.StatusActive, TerminationDate: &past, ID: "7"}, true, true, "7"},
		{"termination ahead", unified.User{Status: unified.StatusActive, TerminationDate: &future, DisplayName: "D"}, true, false, "D"},
		{"last day passed", unified.User{Status: unified.StatusActive, LastWorkingDay: &past}, true, true, ""},
		{"unknown", unified.User{}, false, false, ""},
	}
	for _, tt := range tests {
		if got := tt.u.IsActive(); got != tt.active {
			t.Errorf("%s: IsActive = %v", tt.name, got)
		}
		if got := tt.u.IsTerminated(today); got != tt.terminated {
			t.Errorf("%s: IsTerminated = %v", tt.name, got)
		}
		if got := tt.u.Name(); got != tt.display {
			t.Errorf("%s: Name = %q, want %q", tt.name, got, tt.display)
		}
	}
	var nilRef *unified.Ref
	if nilRef.String() != "" || (&unified.Ref{ID: "1"}).String() != "1" || (&unified.Ref{ID: "1", Name: "A"}).String() != "A" {
		t.Error("Ref.String")
	}
}

func TestValueString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    unified.Value
		want string
		null bool
	}{
		{unified.Value{}, "", true},
		{unified.Value{Kind: unified.KindText, Text: "Dr"}, "Dr", false},
		{unified.Value{Kind: unified.KindText}, "", true},
		{unified.Value{Kind: unified.KindNumber, Number: 40}, "40", false},
		{unified.Value{Kind: unified.KindNumber, Number: 0.25}, "0.25", false},
		{unified.Value{Kind: unified.KindBool, Bool: true}, "true", false},
		{unified.Value{Kind: unified.KindDate, Date: unified.NewDate(2021, 1, 2)}, "2021-01-02", false},
		{unified.Value{Kind: unified.KindTime, Time: time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC)}, "2021-01-02T03:04:05Z", false},
		{unified.Value{Kind: unified.KindList, List: []string{"a", "b"}}, "a, b", false},
		{unified.Value{Kind: unified.KindList}, "", true},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%v String = %q, want %q", tt.v.Kind, got, tt.want)
		}
		if got := tt.v.IsNull(); got != tt.null {
			t.Errorf("%v IsNull = %v", tt.v.Kind, got)
		}
	}
}

// ErrUnsupported, and every error that wraps it, matches the standard library's
// errors.ErrUnsupported; the standard one does not match ours, and no other sentinel
// matches either.
func TestErrUnsupportedIsStandard(t *testing.T) {
	t.Parallel()
	wrapped := fmt.Errorf("lattice: Me: %w", unified.ErrUnsupported)
	for _, err := range []error{unified.ErrUnsupported, wrapped} {
		if !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, unified.ErrUnsupported) {
			t.Errorf("%v: matches errors.ErrUnsupported %v, unified.ErrUnsupported %v; want both",
				err, errors.Is(err, errors.ErrUnsupported), errors.Is(err, unified.ErrUnsupported))
		}
	}
	if errors.Is(errors.ErrUnsupported, unified.ErrUnsupported) {
		t.Error("errors.ErrUnsupported matches unified.ErrUnsupported, which says more")
	}
	if errors.Is(unified.ErrNotFound, errors.ErrUnsupported) || errors.Is(unified.ErrUnsupported, unified.ErrNotFound) {
		t.Error("ErrUnsupported is confused with ErrNotFound")
	}
	if got := wrapped.Error(); got != "lattice: Me: not supported by this provider" {
		t.Errorf("Error() = %q", got)
	}
}

func TestAPIErrorMatchesSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		want   error
	}{
		{http.StatusUnauthorized, unified.ErrUnauthorized},
		{http.StatusForbidden, unified.ErrForbidden},
		{http.StatusNotFound, unified.ErrNotFound},
		{http.StatusTooManyRequests, unified.ErrRateLimited},
		{http.StatusBadRequest, unified.ErrInvalidRequest},
		{http.StatusUnprocessableEntity, unified.ErrInvalidRequest},
		{http.StatusBadGateway, unified.ErrUnavailable},
		{http.StatusInternalServerError, unified.ErrUnavailable},
	}
	all := []error{unified.ErrUnauthorized, unified.ErrForbidden, unified.ErrNotFound, unified.ErrRateLimited,
		unified.ErrInvalidRequest, unified.ErrUnavailable}
	for _, tt := range tests {
		err := fmt.Errorf("list: %w", &unified.APIError{Provider: "p", StatusCode: tt.status})
		for _, s := range all {
			if got := errors.Is(err, s); got != (s == tt.want) {
				t.Errorf("status %d: errors.Is(%v) = %v", tt.status, s, got)
			}
		}
		var ae *unified.APIError
		if !errors.As(err, &ae) || ae.StatusCode != tt.status {
			t.Errorf("status %d: errors.As failed", tt.status)
		}
	}
	if errors.Is(&unified.APIError{StatusCode: 418}, unified.ErrNotFound) {
		t.Error("418 matched ErrNotFound")
	}
	e := &unified.APIError{Provider: "personio", Method: "GET", URL: "https://api.personio.de/v1/company/employees/9",
		StatusCode: 404, Code: "404", Message: "Es ist ein Problem aufgetreten", RequestID: "req-1", Attempts: 2, RetryAfter: time.Second}
	want := "personio: GET /v1/company/employees/9: 404 Not Found: Es ist ein Problem aufgetreten (request id req-1, retry after 1s, after 2 attempts)"
	if got := e.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
}

// TestValueSize keeps Value within the 128 bytes a Go map stores inline, so that the
// custom attributes of a user cost the map's allocations and not one more each.
func TestValueSize(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(unified.Value{}); n > 128 {
		t.Errorf("unsafe.Sizeof(unified.Value{}) = %d, want <= 128", n)
	}
}
