package mapping

import (
	"fmt"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// targetKind classifies a unified.User target.
type targetKind uint8

const (
	tkNone targetKind = iota
	tkString
	tkStatus
	tkEmployment
	tkRef
	tkDate
	tkTime
	tkCustom
)

// userTarget is a parsed unified.User path. slot picks the field within its kind.
type userTarget struct {
	kind  targetKind
	slot  uint8
	whole bool    // tkRef: the whole reference, not one part
	part  refPart // tkRef: the part, when not whole
	key   string  // tkCustom: the custom attribute key
}

// String slots, ref slots, date slots and time slots.
const (
	sID uint8 = iota
	sProvider
	sEmployeeNumber
	sExternalID
	sEmail
	sFirstName
	sLastName
	sPreferredName
	sDisplayName
	sTitle
	sGender
)

const (
	rDepartment uint8 = iota
	rTeam
	rOffice
	rLegalEntity
	rManager
	numRefs
)

const (
	dStart uint8 = iota
	dTermination
	dLastWorkingDay
	dBirth
	numDates
)

const (
	tCreated uint8 = iota
	tUpdated
)

// userTargetNames lists the fixed unified.User paths, for documentation and suggestions.
func userTargetNames() []string {
	return []string{
		"id", "provider", "employee_number", "external_id", "email",
		"first_name", "last_name", "preferred_name", "display_name", "title", "gender",
		"status", "employment_type",
		"department", "department.id", "department.name",
		"team", "team.id", "team.name",
		"office", "office.id", "office.name",
		"legal_entity", "legal_entity.id", "legal_entity.name",
		"manager", "manager.id", "manager.name", "manager.email",
		"start_date", "termination_date", "last_working_day", "birth_date",
		"created_at", "updated_at",
		"custom.<key>", "custom.*",
	}
}

// parseUserTarget parses a unified.User path (not the custom.* wildcard).
func parseUserTarget(s string) (userTarget, bool) {
	if key, ok := strings.CutPrefix(s, "custom."); ok {
		if key == "" || key == "*" {
			return userTarget{}, false
		}
		return userTarget{kind: tkCustom, key: key}, true
	}
	str := func(slot uint8) (userTarget, bool) { return userTarget{kind: tkString, slot: slot}, true }
	switch s {
	case "id":
		return str(sID)
	case "provider":
		return str(sProvider)
	case "employee_number":
		return str(sEmployeeNumber)
	case "external_id":
		return str(sExternalID)
	case "email":
		return str(sEmail)
	case "first_name":
		return str(sFirstName)
	case "last_name":
		return str(sLastName)
	case "preferred_name":
		return str(sPreferredName)
	case "display_name":
		return str(sDisplayName)
	case "title":
		return str(sTitle)
	case "gender":
		return str(sGender)
	case "status":
		return userTarget{kind: tkStatus}, true
	case "employment_type":
		return userTarget{kind: tkEmployment}, true
	case "start_date":
		return userTarget{kind: tkDate, slot: dStart}, true
	case "termination_date":
		return userTarget{kind: tkDate, slot: dTermination}, true
	case "last_working_day":
		return userTarget{kind: tkDate, slot: dLastWorkingDay}, true
	case "birth_date":
		return userTarget{kind: tkDate, slot: dBirth}, true
	case "created_at":
		return userTarget{kind: tkTime, slot: tCreated}, true
	case "updated_at":
		return userTarget{kind: tkTime, slot: tUpdated}, true
	}
	name, partName, hasPart := strings.Cut(s, ".")
	var slot uint8
	switch name {
	case "department":
		slot = rDepartment
	case "team":
		slot = rTeam
	case "office":
		slot = rOffice
	case "legal_entity":
		slot = rLegalEntity
	case "manager":
		slot = rManager
	default:
		return userTarget{}, false
	}
	if !hasPart {
		return userTarget{kind: tkRef, slot: slot, whole: true}, true
	}
	part, ok := parseRefPart(partName)
	if !ok || (part == partEmail && slot != rManager) {
		return userTarget{}, false
	}
	return userTarget{kind: tkRef, slot: slot, part: part}, true
}

func stringField(u *unified.User, slot uint8) *string {
	switch slot {
	case sID:
		return &u.ID
	case sProvider:
		return &u.Provider
	case sEmployeeNumber:
		return &u.EmployeeNumber
	case sExternalID:
		return &u.ExternalID
	case sEmail:
		return &u.Email
	case sFirstName:
		return &u.FirstName
	case sLastName:
		return &u.LastName
	case sPreferredName:
		return &u.PreferredName
	case sDisplayName:
		return &u.DisplayName
	case sTitle:
		return &u.Title
	}
	return &u.Gender
}

func refField(u *unified.User, slot uint8) **unified.Ref {
	switch slot {
	case rDepartment:
		return &u.Department
	case rTeam:
		return &u.Team
	case rOffice:
		return &u.Office
	case rLegalEntity:
		return &u.LegalEntity
	}
	return &u.Manager
}

func dateField(u *unified.User, slot uint8) **unified.Date {
	switch slot {
	case dStart:
		return &u.StartDate
	case dTermination:
		return &u.TerminationDate
	case dLastWorkingDay:
		return &u.LastWorkingDay
	}
	return &u.BirthDate
}

func timeField(u *unified.User, slot uint8) *time.Time {
	if slot == tCreated {
		return &u.CreatedAt
	}
	return &u.UpdatedAt
}

// userArena holds the references and dates that one ApplyUser call points the user's
// fields at, so that they cost one allocation together instead of one each.
type userArena struct {
	refs  [numRefs]unified.Ref
	dates [numDates]unified.Date
}

// applyState is the scratch state of one ApplyUser call. It stays on the caller's stack.
type applyState struct {
	arena *userArena
	errs  []*FieldError
}

func (st *applyState) alloc() *userArena {
	if st.arena == nil {
		st.arena = new(userArena)
	}
	return st.arena
}

// set stores v (non-empty) in the target of f.
func (st *applyState) set(u *unified.User, f *compiledField, v *Value) error {
	t := &f.user
	switch t.kind {
	case tkString:
		if v.Kind == KindString {
			*stringField(u, t.slot) = v.Str
		} else {
			*stringField(u, t.slot) = v.text()
		}
	case tkStatus:
		s, err := unified.ParseStatus(v.text())
		if err != nil {
			return fmt.Errorf("%w: %w", err, ErrTransform)
		}
		u.Status = s
	case tkEmployment:
		e, err := unified.ParseEmploymentType(v.text())
		if err != nil {
			return fmt.Errorf("%w: %w", err, ErrTransform)
		}
		u.EmploymentType = e
	case tkRef:
		return st.setRef(u, t, v)
	case tkDate:
		d, err := toDate(v)
		if err != nil {
			return err
		}
		p := &st.alloc().dates[t.slot]
		*p = d
		*dateField(u, t.slot) = p
	case tkTime:
		tm, err := toTime(v)
		if err != nil {
			return err
		}
		*timeField(u, t.slot) = tm
	case tkCustom:
		if u.Custom == nil {
			u.Custom = make(map[string]unified.Value, f.customHint)
		}
		u.Custom[t.key] = v.toUnified(t.key, f.label)
	}
	return nil
}

func (st *applyState) setRef(u *unified.User, t *userTarget, v *Value) error {
	field := refField(u, t.slot)
	if t.whole {
		switch v.Kind {
		case KindRef, KindNumber, KindString:
		default:
			return fmt.Errorf("want a reference or text, got %s: %w", v.Kind, ErrTransform)
		}
		p := &st.alloc().refs[t.slot]
		switch v.Kind {
		case KindRef:
			*p = v.Ref
		case KindNumber:
			p.ID = v.text()
		default:
			p.Name = v.Str
		}
		*field = p
		return nil
	}
	var text string
	switch v.Kind {
	case KindRef:
		text = *t.part.of(&v.Ref)
		if text == "" {
			return nil
		}
	case KindString, KindNumber:
		text = v.text()
	default:
		return fmt.Errorf("want text or a reference, got %s: %w", v.Kind, ErrTransform)
	}
	p := &st.alloc().refs[t.slot]
	if cur := *field; cur != p {
		// Never write through a pointer this call did not make: it may be shared.
		if cur != nil {
			*p = *cur
		}
		*field = p
	}
	*t.part.of(p) = text
	return nil
}

// toDate converts a value for a date target: a date, the day of an instant in its own
// location, or text by the default date layouts.
func toDate(v *Value) (unified.Date, error) {
	switch v.Kind {
	case KindDate:
		d := v.date()
		if !d.IsValid() {
			return unified.Date{}, fmt.Errorf("invalid date %04d-%02d-%02d: %w", d.Year, int(d.Month), d.Day, ErrTransform)
		}
		return d, nil
	case KindTime:
		return unified.DateOf(v.Time), nil
	case KindString:
		s := strings.TrimSpace(v.Str)
		for _, l := range defaultDateLayouts() {
			if t, err := time.Parse(l, s); err == nil {
				if d := unified.DateOf(t); d.IsValid() {
					return d, nil
				}
			}
		}
		return unified.Date{}, fmt.Errorf("cannot read %q as a date: %w", clip(s), ErrTransform)
	}
	return unified.Date{}, fmt.Errorf("want a date, got %s: %w", v.Kind, ErrTransform)
}

// toTime converts a value for an instant target: an instant, an RFC 3339 timestamp, Unix
// seconds, or a date (midnight UTC).
func toTime(v *Value) (time.Time, error) {
	switch v.Kind {
	case KindTime:
		return v.Time, nil
	case KindString:
		s := strings.TrimSpace(v.Str)
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("cannot read %q as an RFC 3339 timestamp: %w", clip(s), ErrTransform)
	case KindNumber:
		if v.Num != v.Num || v.Num > 1e15 || v.Num < -1e15 {
			return time.Time{}, fmt.Errorf("%v is not a Unix time: %w", v.Num, ErrTransform)
		}
		sec := int64(v.Num)
		return time.Unix(sec, int64((v.Num-float64(sec))*1e9)).UTC(), nil
	case KindDate:
		d := v.date()
		if !d.IsValid() {
			return time.Time{}, fmt.Errorf("invalid date: %w", ErrTransform)
		}
		return d.Time(time.UTC), nil
	}
	return time.Time{}, fmt.Errorf("want an instant, got %s: %w", v.Kind, ErrTransform)
}
