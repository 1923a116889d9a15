package lattice

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The user statuses of the Lattice API, and the status parameter that asks for every
// user. ListUsersOptions takes unified.Status values and User.Status holds the API's
// text; these are the words in between.
const (
	statusActive      = "ACTIVE"      // signed in
	statusInvited     = "INVITED"     // invited, not yet signed in
	statusCreated     = "CREATED"     // created (by an HR import, say), not yet invited
	statusDeactivated = "DEACTIVATED" // a leaver: Lattice deactivates, it does not delete
	statusAll         = "NULL"        // not a status: the API's "every status"
)

// apiStatus returns the Lattice status of a unified status; StatusLeave and
// StatusUnknown have none.
func apiStatus(s unified.Status) (string, bool) {
	switch s {
	case unified.StatusActive:
		return statusActive, true
	case unified.StatusInvited:
		return statusInvited, true
	case unified.StatusOnboarding:
		return statusCreated, true
	case unified.StatusInactive:
		return statusDeactivated, true
	}
	return "", false
}

// Ref is a reference stub: the API never inlines related objects, it refers to them.
// Object references ({"object": "user", "id": ..., "url": ...}) carry an ID; list
// references ({"object": "list", "url": ...}) only a URL. URL is a path ("/v1/user/...")
// or an absolute URL; the client's Follow methods resolve both against the API origin
// and refuse other origins.
type Ref struct {
	Object string `json:"object"`
	ID     string `json:"id,omitempty"`
	URL    string `json:"url,omitempty"`
}

// User is a Lattice user (GET /v1/users, /v1/user/{id}, /v1/me). Fields the API sends as
// null are zero: "" for strings, nil for references and dates, the zero time for
// timestamps.
type User struct {
	ID     string `json:"id"`
	Object string `json:"object,omitempty"`
	URL    string `json:"url,omitempty"`
	// Name is the user's full name as one string (Lattice has no first/last split).
	Name          string `json:"name,omitempty"`
	PreferredName string `json:"preferredName,omitempty"`
	Email         string `json:"email,omitempty"`
	Title         string `json:"title,omitempty"`
	// Status is the API's status: "ACTIVE" (signed in), "INVITED" (invited, not yet signed
	// in), "CREATED" (created by an HR import, say, not yet invited) or "DEACTIVATED" (a
	// leaver). The Directory maps it to unified.Status.
	Status  string `json:"status,omitempty"`
	IsAdmin bool   `json:"isAdmin"`
	// ExternalUserID is the ID of the user in the HR system or SCIM client that feeds
	// Lattice.
	ExternalUserID string `json:"externalUserId,omitempty"`
	// StartDate and BirthDate are calendar days ("YYYY-MM-DD" in the API).
	StartDate *unified.Date `json:"startDate,omitempty"`
	BirthDate *unified.Date `json:"birthDate,omitempty"`
	// Gender is "Female", "Male", "NonBinary" or "NotSet".
	Gender   string `json:"gender,omitempty"`
	Timezone string `json:"timezone,omitempty"`
	// JobFunction, JobLevel and JobType are the text of the API's fields; objects are
	// represented by their name.
	JobFunction string `json:"jobFunction,omitempty"`
	JobLevel    string `json:"jobLevel,omitempty"`
	JobType     string `json:"jobType,omitempty"`
	// Manager and Department are references; nil when unset.
	Manager    *Ref `json:"manager,omitempty"`
	Department *Ref `json:"department,omitempty"`
	// DirectReports, Tasks and CustomAttributes are list references.
	DirectReports    *Ref `json:"directReports,omitempty"`
	Tasks            *Ref `json:"tasks,omitempty"`
	CustomAttributes *Ref `json:"customAttributes,omitempty"`
	// CreatedAt and UpdatedAt are Unix seconds in the API, UTC here.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// UnmarshalJSON decodes a user in the API's form (Unix-second timestamps, "YYYY-MM-DD"
// dates, nulls anywhere). It also reads what json.Marshal makes of a User.
func (u *User) UnmarshalJSON(b []byte) error {
	var w wireUser
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = w.user()
	return nil
}

// wireUser is the API's user object as decoded; its field types tolerate nulls and the
// API's encodings.
type wireUser struct {
	ID               string     `json:"id"`
	Object           string     `json:"object"`
	URL              string     `json:"url"`
	Name             string     `json:"name"`
	PreferredName    string     `json:"preferredName"`
	Email            string     `json:"email"`
	Title            string     `json:"title"`
	Status           string     `json:"status"`
	IsAdmin          bool       `json:"isAdmin"`
	ExternalUserID   flexString `json:"externalUserId"`
	StartDate        wireDate   `json:"startDate"`
	BirthDate        wireDate   `json:"birthDate"`
	Gender           string     `json:"gender"`
	Timezone         string     `json:"timezone"`
	JobFunction      flexString `json:"jobFunction"`
	JobLevel         flexString `json:"jobLevel"`
	JobType          flexString `json:"jobType"`
	Manager          *Ref       `json:"manager"`
	Department       *Ref       `json:"department"`
	DirectReports    *Ref       `json:"directReports"`
	Tasks            *Ref       `json:"tasks"`
	CustomAttributes *Ref       `json:"customAttributes"`
	CreatedAt        wireTime   `json:"createdAt"`
	UpdatedAt        wireTime   `json:"updatedAt"`
}

func (w *wireUser) user() User {
	return User{
		ID:               w.ID,
		Object:           w.Object,
		URL:              w.URL,
		Name:             w.Name,
		PreferredName:    w.PreferredName,
		Email:            w.Email,
		Title:            w.Title,
		Status:           w.Status,
		IsAdmin:          w.IsAdmin,
		ExternalUserID:   string(w.ExternalUserID),
		StartDate:        w.StartDate.d,
		BirthDate:        w.BirthDate.d,
		Gender:           w.Gender,
		Timezone:         w.Timezone,
		JobFunction:      string(w.JobFunction),
		JobLevel:         string(w.JobLevel),
		JobType:          string(w.JobType),
		Manager:          nonEmptyRef(w.Manager),
		Department:       nonEmptyRef(w.Department),
		DirectReports:    nonEmptyRef(w.DirectReports),
		Tasks:            nonEmptyRef(w.Tasks),
		CustomAttributes: nonEmptyRef(w.CustomAttributes),
		CreatedAt:        w.CreatedAt.t,
		UpdatedAt:        w.UpdatedAt.t,
	}
}

// nonEmptyRef turns a reference with neither id nor url ({} or {"object":"user"}) into
// nil, so that "no manager" has one representation.
func nonEmptyRef(r *Ref) *Ref {
	if r == nil || (r.ID == "" && r.URL == "") {
		return nil
	}
	return r
}

// Department is a Lattice department (GET /v1/departments, /v1/department/{id}).
type Department struct {
	ID          string    `json:"id"`
	Object      string    `json:"object,omitempty"`
	URL         string    `json:"url,omitempty"`
	Name        string    `json:"name,omitempty"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
}

// UnmarshalJSON decodes a department in the API's form.
func (d *Department) UnmarshalJSON(b []byte) error {
	var w wireDepartment
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = w.department()
	return nil
}

type wireDepartment struct {
	ID          string   `json:"id"`
	Object      string   `json:"object"`
	URL         string   `json:"url"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	CreatedAt   wireTime `json:"createdAt"`
}

func (w *wireDepartment) department() Department {
	return Department{ID: w.ID, Object: w.Object, URL: w.URL, Name: w.Name, Description: w.Description, CreatedAt: w.CreatedAt.t}
}

// CustomAttribute describes a custom attribute (the "attribute" of a value).
type CustomAttribute struct {
	ID          string `json:"id"`
	Object      string `json:"object,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is the API's type name ("TEXT", "DATE", "NUMBER", ...); the API does not
	// document the list.
	Type string `json:"type,omitempty"`
}

// CustomAttributeValue is one custom attribute value of a user
// (GET /v1/user/{id}/customAttributes).
type CustomAttributeValue struct {
	ID        string          `json:"id"`
	Object    string          `json:"object,omitempty"`
	Attribute CustomAttribute `json:"attribute"`
	// Value is the value as the API sent it (a JSON string, number, boolean, array or
	// object); nil for null. See Text.
	Value json.RawMessage `json:"value,omitempty"`
}

// UnmarshalJSON decodes a value and normalises a JSON null value to nil.
func (v *CustomAttributeValue) UnmarshalJSON(b []byte) error {
	type plain CustomAttributeValue
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if bytes.Equal(bytes.TrimSpace(p.Value), []byte("null")) {
		p.Value = nil
	}
	*v = CustomAttributeValue(p)
	return nil
}

// Text returns the value as text: strings as they are, numbers and booleans in their JSON
// form, arrays joined by ", ", objects by their "name" (else "value", else their JSON),
// and "" for null.
func (v *CustomAttributeValue) Text() string {
	return jsonText(v.Value)
}

func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case 'n':
		return ""
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			parts := make([]string, 0, len(items))
			for _, it := range items {
				if s := jsonText(it); s != "" {
					parts = append(parts, s)
				}
			}
			return strings.Join(parts, ", ")
		}
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil {
			for _, k := range []string{"name", "value", "label"} {
				if s := jsonText(m[k]); s != "" {
					return s
				}
			}
		}
	}
	return string(raw)
}

// jsonString returns the string a JSON string literal holds; simple literals (no escapes)
// are sliced, not decoded.
func jsonString(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// wireTime decodes the API's timestamps: Unix seconds (the documented form), as a JSON
// number or a numeric string, or an RFC 3339 string; null and "" are the zero time.
// Numbers too large to be seconds (beyond the year 5000) are read as milliseconds.
type wireTime struct{ t time.Time }

func (w *wireTime) UnmarshalJSON(b []byte) error {
	w.t = time.Time{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		var err error
		if s, err = jsonString(b); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			w.t = t.UTC()
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%s: invalid timestamp %s: want Unix seconds: %w", ProviderName, clip(string(b), 40), unified.ErrInvalidValue)
	}
	const maxSeconds = 95617584000 // 5000-01-01
	if math.Abs(f) > maxSeconds {
		f /= 1000
	}
	if math.Abs(f) > maxSeconds {
		return fmt.Errorf("%s: timestamp %s is out of range: %w", ProviderName, clip(string(b), 40), unified.ErrInvalidValue)
	}
	sec, frac := math.Modf(f)
	w.t = time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()
	return nil
}

// wireDate decodes a calendar day: "YYYY-MM-DD" (the documented form) or a timestamp
// string whose day is taken as written; null and "" are no date.
type wireDate struct{ d *unified.Date }

func (w *wireDate) UnmarshalJSON(b []byte) error {
	w.d = nil
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s, err := jsonString(b)
	if err != nil {
		return fmt.Errorf("%s: invalid date %s: want \"YYYY-MM-DD\": %w", ProviderName, clip(string(b), 40), unified.ErrInvalidValue)
	}
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	d, err := unified.ParseDate(s)
	if err != nil {
		return fmt.Errorf("%s: %w", ProviderName, err)
	}
	w.d = &d
	return nil
}

// flexString decodes a field whose type the API does not pin down: a string as is, a
// number or boolean as its JSON text, an object by its name, null as "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		s, err := jsonString(b)
		if err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	*f = flexString(jsonText(b))
	return nil
}
