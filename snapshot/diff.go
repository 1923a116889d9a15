package snapshot

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Changes is what changed between two reads of a directory: who joined, who left, who
// moved and whose record changed otherwise. See [Diff] for the rules.
type Changes struct {
	// AsOf is the day against which termination dates were judged.
	AsOf unified.Date
	// Joined holds the users who are present and not gone (see [Diff]) in after but were
	// absent or gone in before. A user who was gone and is back is a rehire and counts as
	// a joiner. The records are those of after.
	Joined []unified.User
	// Left holds the users who were present and not gone in before but are absent or
	// gone in after, with the reason.
	Left []Leaver
	// Moved holds the users, present and not gone on both sides, for whom at least one
	// move field changed (by default department, team, manager, title and legal entity).
	// Each Change lists all of the user's field changes, moves and others alike.
	Moved []Change
	// Changed holds the other users in both reads whose fields changed: those with no
	// change to a move field, and those gone on both sides.
	Changed []Change
	// Duplicates lists the IDs that occur more than once in before or in after. Only the
	// first record of each ID (in slice order) was compared.
	Duplicates []string
}

// IsEmpty reports whether nothing changed.
func (c *Changes) IsEmpty() bool {
	return len(c.Joined) == 0 && len(c.Left) == 0 && len(c.Moved) == 0 && len(c.Changed) == 0
}

// Change is the list of field changes of one user.
type Change struct {
	ID string `json:"id"`
	// Name is the user's [unified.User.Name] in after.
	Name string `json:"name"`
	// Fields are the changed fields, in the order of the User struct, custom attributes
	// last by key.
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one changed field.
type FieldChange struct {
	// Field is the field's JSON name in [unified.User]: "department", "manager", "start_date",
	// or "custom.<key>" for a custom attribute.
	Field string `json:"field"`
	// Old and New are readable renderings of the values: text as is, references as
	// "Name (id)", dates as 2006-01-02, times in RFC 3339 (UTC), statuses by name, custom
	// values as [unified.Value.String]. An absent value is "".
	Old string `json:"old"`
	New string `json:"new"`
}

// Leaver is a user who left, with the reason.
type Leaver struct {
	// User is the last record of the user: the one from before when the user was
	// removed, else the one from after.
	User   unified.User `json:"user"`
	Reason LeaveReason  `json:"reason"`
}

// LeaveReason says how a leaver left.
type LeaveReason uint8

// The reasons a user is a leaver.
const (
	// LeaveRemoved: the user is no longer in the directory.
	LeaveRemoved LeaveReason = iota + 1
	// LeaveDeactivated: the user's status became inactive.
	LeaveDeactivated
	// LeaveTerminated: the user's termination date (else last working day) is now
	// before the reference day, while the status is not inactive.
	LeaveTerminated
)

var leaveReasonNames = [...]string{
	LeaveRemoved:     "removed",
	LeaveDeactivated: "deactivated",
	LeaveTerminated:  "terminated",
}

// String returns "removed", "deactivated" or "terminated".
func (r LeaveReason) String() string {
	if r > 0 && int(r) < len(leaveReasonNames) {
		return leaveReasonNames[r]
	}
	return fmt.Sprintf("LeaveReason(%d)", uint8(r))
}

// MarshalText implements [encoding.TextMarshaler].
func (r LeaveReason) MarshalText() ([]byte, error) {
	if r == 0 || int(r) >= len(leaveReasonNames) {
		return nil, fmt.Errorf("snapshot: invalid leave reason %d: %w", uint8(r), unified.ErrInvalidValue)
	}
	return []byte(leaveReasonNames[r]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (r *LeaveReason) UnmarshalText(b []byte) error {
	for i, name := range leaveReasonNames {
		if i > 0 && string(b) == name {
			*r = LeaveReason(i)
			return nil
		}
	}
	return fmt.Errorf("snapshot: unknown leave reason %q: %w", clip(string(b)), unified.ErrInvalidValue)
}

// The fields Diff compares, in User order.
const (
	fProvider = iota
	fEmployeeNumber
	fExternalID
	fEmail
	fFirstName
	fLastName
	fPreferredName
	fDisplayName
	fTitle
	fGender
	fStatus
	fEmploymentType
	fDepartment
	fTeam
	fOffice
	fLegalEntity
	fManager
	fStartDate
	fTerminationDate
	fLastWorkingDay
	fBirthDate
	fCreatedAt
	fUpdatedAt
	numFields
)

var diffFieldNames = [numFields]string{
	"provider", "employee_number", "external_id", "email",
	"first_name", "last_name", "preferred_name", "display_name",
	"title", "gender", "status", "employment_type",
	"department", "team", "office", "legal_entity", "manager",
	"start_date", "termination_date", "last_working_day", "birth_date",
	"created_at", "updated_at",
}

// DiffFields returns the names of the fields [Diff] compares, in the order it reports
// them; custom attributes are compared as "custom.<key>" after these. IgnoreFields and
// MoveFields take these names.
func DiffFields() []string { return slices.Clone(diffFieldNames[:]) }

// Option adjusts [Diff].
type Option func(*diffConfig)

type diffConfig struct {
	asOf     unified.Date
	patterns []string
	move     [numFields]bool
	withUpd  bool
}

// AsOf sets the reference day for termination dates: a user whose termination date (else
// last working day) is before day is gone. The default (and the zero Date) is today in
// UTC, so pass AsOf for a result that does not depend on the clock.
func AsOf(day unified.Date) Option {
	return func(c *diffConfig) { c.asOf = day }
}

// IgnoreFields leaves fields out of the comparison. A pattern is a field name from
// [DiffFields] ("updated_at"), "custom.<key>" for one custom attribute, or a prefix
// followed by "*" ("custom.*" for all custom attributes, "*" for everything). "custom"
// alone also means every custom attribute. Patterns that match no field have no effect.
// Ignored fields never make a user a mover or changed; they do not affect joiners and
// leavers, which are judged on status and dates.
func IgnoreFields(patterns ...string) Option {
	return func(c *diffConfig) { c.patterns = append(c.patterns, patterns...) }
}

// IncludeUpdatedAt compares "updated_at", which Diff ignores by default because it
// changes with every edit.
func IncludeUpdatedAt() Option {
	return func(c *diffConfig) { c.withUpd = true }
}

// MoveFields replaces the set of fields whose change makes a user a mover (by default
// "department", "team", "manager", "title" and "legal_entity"). Names not in
// [DiffFields] are ignored; no names means no user is ever a mover.
func MoveFields(names ...string) Option {
	return func(c *diffConfig) {
		c.move = [numFields]bool{}
		for _, n := range names {
			if f := slices.Index(diffFieldNames[:], n); f >= 0 {
				c.move[f] = true
			}
		}
	}
}

func (c *diffConfig) ignored(name string) bool {
	for _, p := range c.patterns {
		switch {
		case p == name:
			return true
		case strings.HasSuffix(p, "*") && strings.HasPrefix(name, p[:len(p)-1]):
			return true
		case p == "custom" && strings.HasPrefix(name, "custom."):
			return true
		}
	}
	return false
}

// Diff compares two reads of one directory, before and after, and reports joiners,
// leavers, movers and other changes. Users are matched by ID (so both reads must come from
// the same provider). It runs in O(n) time for n users, plus sorting the changes.
//
// A user is gone when the status is inactive or the termination date (else the last
// working day) is before the reference day (see [AsOf] and [unified.User.IsTerminated]); other
// users, whatever their status, are present. Then, for each ID:
//   - only in after, not gone: joined. Users that appear already gone are not joiners.
//   - gone in before, present in after: joined (a rehire).
//   - only in before, not gone: left, [LeaveRemoved]. Users that were already gone are
//     not leavers again.
//   - present in before, gone in after: left, [LeaveDeactivated] when the status became
//     inactive, else [LeaveTerminated]. The fields of joiners and leavers are not
//     compared.
//   - in both reads, not a joiner or leaver: the fields are compared. A change to a move
//     field makes the user a mover (Moved); any other change puts the user in Changed.
//     A user both moved and changed is in Moved only, with all field changes.
//
// Fields are compared as follows. A reference (department, team, office, legal entity,
// manager) moves when it points elsewhere: another ID, or another name when it has no
// ID. A reference renamed in place (same ID, new name) is a change, not a move, so the
// reports of a manager who changed name do not move. Custom attributes are compared by
// key and by value, not by label; an absent attribute equals a null one. Times are
// compared as instants. Raw is never compared, and updated_at only with
// [IncludeUpdatedAt].
//
// Every list in Changes is sorted by user ID (byte order), so the result does not
// depend on the order of the input.
func Diff(before, after []unified.User, opts ...Option) *Changes {
	cfg := diffConfig{}
	for _, f := range []int{fDepartment, fTeam, fManager, fTitle, fLegalEntity} {
		cfg.move[f] = true
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.asOf.IsZero() {
		cfg.asOf = unified.DateOf(time.Now().UTC())
	}
	d := differ{cfg: &cfg}
	d.skip[fUpdatedAt] = !cfg.withUpd
	for f, name := range diffFieldNames {
		if cfg.ignored(name) {
			d.skip[f] = true
		}
	}
	// A key that no pattern could single out stands for every custom attribute.
	d.noCustom = cfg.ignored("custom.\x00")
	out := &Changes{AsOf: cfg.asOf}

	prev := make(map[string]int32, len(before))
	var dups map[string]bool
	dup := func(id string) {
		if dups == nil {
			dups = make(map[string]bool)
		}
		dups[id] = true
	}
	// state[i] says whether before[i] is a later record of an ID (skipped), or has been
	// matched with a record of after.
	const (
		unmatched = iota
		skipped
		matched
	)
	state := make([]uint8, len(before))
	for i := range before {
		if _, ok := prev[before[i].ID]; ok {
			dup(before[i].ID)
			state[i] = skipped
			continue
		}
		prev[before[i].ID] = int32(i)
	}
	var fresh map[string]bool // IDs of after that are not in before
	for i := range after {
		a := &after[i]
		// Reads of one directory are often in the same order: try the same position
		// before looking the ID up.
		bi, ok := int32(i), i < len(before) && state[i] != skipped && before[i].ID == a.ID
		if !ok {
			bi, ok = prev[a.ID]
		}
		if !ok {
			if fresh[a.ID] {
				dup(a.ID)
				continue
			}
			if fresh == nil {
				fresh = make(map[string]bool)
			}
			fresh[a.ID] = true
			if !a.IsTerminated(cfg.asOf) {
				out.Joined = append(out.Joined, *a)
			}
			continue
		}
		if state[bi] == matched {
			dup(a.ID)
			continue
		}
		state[bi] = matched
		b := &before[bi]
		goneB, goneA := b.IsTerminated(cfg.asOf), a.IsTerminated(cfg.asOf)
		switch {
		case goneB && !goneA:
			out.Joined = append(out.Joined, *a)
			continue
		case !goneB && goneA:
			r := LeaveTerminated
			if a.Status == unified.StatusInactive {
				r = LeaveDeactivated
			}
			out.Left = append(out.Left, Leaver{User: *a, Reason: r})
			continue
		}
		fields, moved := d.compare(b, a)
		if len(fields) == 0 {
			continue
		}
		ch := Change{ID: a.ID, Name: a.Name(), Fields: fields}
		if moved && !goneA {
			out.Moved = append(out.Moved, ch)
		} else {
			out.Changed = append(out.Changed, ch)
		}
	}
	for i := range before {
		b := &before[i]
		if state[i] != unmatched || b.IsTerminated(cfg.asOf) {
			continue
		}
		out.Left = append(out.Left, Leaver{User: *b, Reason: LeaveRemoved})
	}

	slices.SortFunc(out.Joined, func(x, y unified.User) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(out.Left, func(x, y Leaver) int { return strings.Compare(x.User.ID, y.User.ID) })
	byID := func(x, y Change) int { return strings.Compare(x.ID, y.ID) }
	slices.SortFunc(out.Moved, byID)
	slices.SortFunc(out.Changed, byID)
	for id := range dups {
		out.Duplicates = append(out.Duplicates, id)
	}
	slices.Sort(out.Duplicates)
	return out
}

// differ compares the fields of two records of one user.
type differ struct {
	cfg      *diffConfig
	skip     [numFields]bool
	noCustom bool // every custom attribute is ignored
	fields   []FieldChange
	moved    bool
}

func (d *differ) compare(b, a *unified.User) ([]FieldChange, bool) {
	d.fields, d.moved = nil, false
	d.text(fProvider, b.Provider, a.Provider)
	d.text(fEmployeeNumber, b.EmployeeNumber, a.EmployeeNumber)
	d.text(fExternalID, b.ExternalID, a.ExternalID)
	d.text(fEmail, b.Email, a.Email)
	d.text(fFirstName, b.FirstName, a.FirstName)
	d.text(fLastName, b.LastName, a.LastName)
	d.text(fPreferredName, b.PreferredName, a.PreferredName)
	d.text(fDisplayName, b.DisplayName, a.DisplayName)
	d.text(fTitle, b.Title, a.Title)
	d.text(fGender, b.Gender, a.Gender)
	if b.Status != a.Status {
		d.add(fStatus, b.Status.String(), a.Status.String(), true)
	}
	if b.EmploymentType != a.EmploymentType {
		d.add(fEmploymentType, b.EmploymentType.String(), a.EmploymentType.String(), true)
	}
	d.ref(fDepartment, b.Department, a.Department)
	d.ref(fTeam, b.Team, a.Team)
	d.ref(fOffice, b.Office, a.Office)
	d.ref(fLegalEntity, b.LegalEntity, a.LegalEntity)
	d.ref(fManager, b.Manager, a.Manager)
	d.date(fStartDate, b.StartDate, a.StartDate)
	d.date(fTerminationDate, b.TerminationDate, a.TerminationDate)
	d.date(fLastWorkingDay, b.LastWorkingDay, a.LastWorkingDay)
	d.date(fBirthDate, b.BirthDate, a.BirthDate)
	d.time(fCreatedAt, b.CreatedAt, a.CreatedAt)
	d.time(fUpdatedAt, b.UpdatedAt, a.UpdatedAt)
	if !d.noCustom && (len(b.Custom) > 0 || len(a.Custom) > 0) {
		d.custom(b.Custom, a.Custom)
	}
	return d.fields, d.moved
}

// add records a change of field f; move says whether it counts as a move when f is a
// move field.
func (d *differ) add(f int, old, new string, move bool) {
	if d.skip[f] {
		return
	}
	d.fields = append(d.fields, FieldChange{Field: diffFieldNames[f], Old: old, New: new})
	if move && d.cfg.move[f] {
		d.moved = true
	}
}

func (d *differ) text(f int, old, new string) {
	if old != new {
		d.add(f, old, new, true)
	}
}

func (d *differ) ref(f int, old, new *unified.Ref) {
	if refEqual(old, new) {
		return
	}
	d.add(f, refText(old), refText(new), !sameTarget(old, new))
}

func refEqual(a, b *unified.Ref) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// sameTarget reports whether two references point at the same object: same ID when both
// have one, else same email (people), else same name.
func sameTarget(a, b *unified.Ref) bool {
	if a == nil || b == nil {
		return a == b
	}
	switch {
	case a.ID != "" && b.ID != "":
		return a.ID == b.ID
	case a.Email != "" && b.Email != "":
		return strings.EqualFold(a.Email, b.Email)
	}
	return a.Name == b.Name
}

// refText renders a reference as "Name (id)", "Name <email>", the name, the ID or the
// email, whichever it has.
func refText(r *unified.Ref) string {
	switch {
	case r == nil:
		return ""
	case r.Name != "" && r.ID != "":
		return r.Name + " (" + r.ID + ")"
	case r.Name != "" && r.Email != "":
		return r.Name + " <" + r.Email + ">"
	case r.Name != "":
		return r.Name
	case r.ID != "":
		return r.ID
	}
	return r.Email
}

func (d *differ) date(f int, old, new *unified.Date) {
	var o, n unified.Date
	if old != nil {
		o = *old
	}
	if new != nil {
		n = *new
	}
	if o != n {
		d.add(f, o.String(), n.String(), true)
	}
}

func (d *differ) time(f int, old, new time.Time) {
	if !old.Equal(new) {
		d.add(f, timeText(old), timeText(new), true)
	}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (d *differ) custom(old, new map[string]unified.Value) {
	var keys []string
	found := 0 // keys of old that are in new
	for k, o := range old {
		n, ok := new[k]
		if ok {
			found++
		}
		if !ok && !o.IsNull() || ok && !valueEqual(&o, &n) {
			keys = append(keys, k)
		}
	}
	if found < len(new) { // new has keys that old lacks
		for k, n := range new {
			if _, ok := old[k]; !ok && !n.IsNull() {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := "custom." + k
		if d.cfg.ignored(name) {
			continue
		}
		d.fields = append(d.fields, FieldChange{Field: name, Old: old[k].String(), New: new[k].String()})
	}
}

// valueEqual reports whether two custom values are the same value; labels do not count.
func valueEqual(a, b *unified.Value) bool {
	an, bn := a.IsNull(), b.IsNull()
	if an || bn {
		return an && bn
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case unified.KindText:
		return a.Text == b.Text
	case unified.KindNumber:
		return a.Number == b.Number || math.IsNaN(a.Number) && math.IsNaN(b.Number)
	case unified.KindBool:
		return a.Bool == b.Bool
	case unified.KindDate:
		return a.Date == b.Date
	case unified.KindTime:
		return a.Time.Equal(b.Time)
	case unified.KindList:
		return slices.Equal(a.List, b.List)
	}
	return true
}
