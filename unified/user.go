package unified

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// User is one person in a directory, in the provider-neutral model.
//
// Optional facts are pointers (or zero values for strings and times), so that "absent" and
// "empty" stay different: a nil Manager means the provider reported no manager, not that
// the manager is unknown to the model.
type User struct {
	// ID is the provider's stable identifier of the person (Personio employee id, Lattice
	// user id). It is unique within one Provider.
	ID string `json:"id"`
	// Provider names the directory the user was read from ("personio", "lattice", ...).
	Provider string `json:"provider"`
	// EmployeeNumber is the number HR gives the person (Personio "Personalnummer"), when
	// the provider has one distinct from ID.
	EmployeeNumber string `json:"employee_number,omitempty"`
	// ExternalID is the person's identifier in the system that feeds this provider, for
	// example Lattice's externalUserId, which holds the Personio employee id when Lattice
	// is fed from Personio.
	ExternalID string `json:"external_id,omitempty"`
	// Email is the work email address as the provider reports it.
	Email string `json:"email,omitempty"`

	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	// PreferredName is the name the person goes by, as the provider keeps it: in
	// Personio a full name ("Alex Bergmann"), in Lattice a first name ("Alex").
	PreferredName string `json:"preferred_name,omitempty"`
	// DisplayName is the name to show: the preferred name when there is one, else
	// "First Last", else the provider's full-name field.
	DisplayName string `json:"display_name,omitempty"`

	// Title is the job title (Personio "Position").
	Title string `json:"title,omitempty"`
	// Gender as the provider spells it, lower-cased ("male", "female", "diverse", ...).
	Gender string `json:"gender,omitempty"`

	Status         Status         `json:"status"`
	EmploymentType EmploymentType `json:"employment_type"`

	Department  *Ref `json:"department,omitempty"`
	Team        *Ref `json:"team,omitempty"`
	Office      *Ref `json:"office,omitempty"`
	LegalEntity *Ref `json:"legal_entity,omitempty"`
	Manager     *Ref `json:"manager,omitempty"`

	StartDate       *Date `json:"start_date,omitempty"`
	TerminationDate *Date `json:"termination_date,omitempty"`
	LastWorkingDay  *Date `json:"last_working_day,omitempty"`
	BirthDate       *Date `json:"birth_date,omitempty"`

	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`

	// Custom holds custom attributes by their stable key (Personio "dynamic_123", a
	// Lattice custom attribute id), each with its label and typed value.
	Custom map[string]Value `json:"custom,omitempty"`

	// Raw is the provider's record exactly as received. Adapters fill it only when asked,
	// because it costs memory.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Ref is a reference to a related object: a department, team, office, legal entity, or a
// manager. ID is the provider's identifier; Name (and Email, for people) are filled where
// the provider reports them.
type Ref struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// String returns the name of the referenced object, or its ID when it has no name.
func (r *Ref) String() string {
	if r == nil {
		return ""
	}
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}

// IsActive reports whether the user currently has access to, or is about to join, the
// organisation: active, on leave, onboarding or invited. It is the status test a
// provisioning tool applies before it creates or keeps an account.
func (u *User) IsActive() bool {
	switch u.Status {
	case StatusActive, StatusLeave, StatusOnboarding, StatusInvited:
		return true
	}
	return false
}

// IsTerminated reports whether the user has left by the given day: the status is inactive,
// or the termination date (else the last working day) lies before today.
func (u *User) IsTerminated(today Date) bool {
	if u.Status == StatusInactive {
		return true
	}
	end := u.TerminationDate
	if end == nil {
		end = u.LastWorkingDay
	}
	return end != nil && end.Before(today)
}

// Name returns the best name to show for the user: DisplayName, else preferred name, else
// first and last name, else the email address, else the ID.
func (u *User) Name() string {
	switch {
	case u.DisplayName != "":
		return u.DisplayName
	case u.PreferredName != "":
		return u.PreferredName
	case u.FirstName != "" || u.LastName != "":
		return strings.TrimSpace(u.FirstName + " " + u.LastName)
	case u.Email != "":
		return u.Email
	}
	return u.ID
}

// Status is a person's employment status, normalised across providers.
//
// The zero value is StatusUnknown. Status marshals to and from its lower-case name
// ("active", "inactive", ...).
type Status uint8

// The statuses a user can have.
const (
	// StatusUnknown: the provider reported no status, or one this package does not know.
	StatusUnknown Status = iota
	// StatusActive: employed and working (Personio "active", Lattice "ACTIVE").
	StatusActive
	// StatusInactive: left the organisation (Personio "inactive", Lattice "DEACTIVATED").
	StatusInactive
	// StatusOnboarding: hired, not yet started (Personio "onboarding"; Lattice "CREATED",
	// an account imported but not yet invited).
	StatusOnboarding
	// StatusLeave: employed but on leave (Personio "leave").
	StatusLeave
	// StatusInvited: invited to the tool but not yet signed in (Lattice "INVITED").
	StatusInvited
)

var statusNames = [...]string{
	StatusUnknown:    "unknown",
	StatusActive:     "active",
	StatusInactive:   "inactive",
	StatusOnboarding: "onboarding",
	StatusLeave:      "leave",
	StatusInvited:    "invited",
}

// String returns the lower-case name of the status.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// ParseStatus returns the Status with the given name, ignoring case ("Active", "LEAVE").
// It returns an error wrapping [ErrInvalidValue] for any other text.
func ParseStatus(s string) (Status, error) {
	for i, name := range statusNames {
		if strings.EqualFold(s, name) {
			return Status(i), nil
		}
	}
	return StatusUnknown, fmt.Errorf("unified: unknown status %q (want one of %s): %w",
		s, strings.Join(statusNames[:], ", "), ErrInvalidValue)
}

// MarshalText implements [encoding.TextMarshaler].
func (s Status) MarshalText() ([]byte, error) {
	if int(s) >= len(statusNames) {
		return nil, fmt.Errorf("unified: invalid status %d: %w", uint8(s), ErrInvalidValue)
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// EmploymentType tells whether a person is employed by the organisation (internal) or works
// for it as a contractor or through an agency (external).
//
// The zero value is EmploymentUnknown. It marshals to and from its lower-case name.
type EmploymentType uint8

// The employment types.
const (
	EmploymentUnknown EmploymentType = iota
	EmploymentInternal
	EmploymentExternal
)

var employmentNames = [...]string{
	EmploymentUnknown:  "unknown",
	EmploymentInternal: "internal",
	EmploymentExternal: "external",
}

// String returns the lower-case name of the employment type.
func (e EmploymentType) String() string {
	if int(e) < len(employmentNames) {
		return employmentNames[e]
	}
	return fmt.Sprintf("EmploymentType(%d)", uint8(e))
}

// ParseEmploymentType returns the EmploymentType with the given name, ignoring case. It
// returns an error wrapping [ErrInvalidValue] for any other text.
func ParseEmploymentType(s string) (EmploymentType, error) {
	for i, name := range employmentNames {
		if strings.EqualFold(s, name) {
			return EmploymentType(i), nil
		}
	}
	return EmploymentUnknown, fmt.Errorf("unified: unknown employment type %q (want one of %s): %w",
		s, strings.Join(employmentNames[:], ", "), ErrInvalidValue)
}

// MarshalText implements [encoding.TextMarshaler].
func (e EmploymentType) MarshalText() ([]byte, error) {
	if int(e) >= len(employmentNames) {
		return nil, fmt.Errorf("unified: invalid employment type %d: %w", uint8(e), ErrInvalidValue)
	}
	return []byte(employmentNames[e]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (e *EmploymentType) UnmarshalText(b []byte) error {
	v, err := ParseEmploymentType(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}
