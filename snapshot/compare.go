package snapshot

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The fields Compare compares, in User order.
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

var fieldNames = [numFields]string{
	"provider", "employee_number", "external_id", "email",
	"first_name", "last_name", "preferred_name", "display_name",
	"title", "gender", "status", "employment_type",
	"department", "team", "office", "legal_entity", "manager",
	"start_date", "termination_date", "last_working_day", "birth_date",
	"created_at", "updated_at",
}

// ComparedFields returns the names of the fields [Compare] and [Diff] compare, in the
// order they report them; custom attributes are compared as "custom.<key>" after these.
// [IgnoreFields] and [MoveFields] take these names.
func ComparedFields() []string { return slices.Clone(fieldNames[:]) }

// Option adjusts [Compare], [Diff] and [Sync]. Options that concern two whole snapshots
// ([FirstRun], [MaxLeaverShare]) have no effect on Compare.
type Option func(*config)

type config struct {
	asOf     unified.Date
	patterns []string
	move     [numFields]bool
	withUpd  bool
	firstRun bool
	maxShare float64
}

// DefaultMaxLeaverShare is the largest share of the previous snapshot's present users that
// [Diff] and [Sync] accept as leavers unless [MaxLeaverShare] says otherwise.
const DefaultMaxLeaverShare = 0.5

func newConfig(opts []Option) *config {
	c := &config{maxShare: DefaultMaxLeaverShare}
	for _, f := range []int{fDepartment, fTeam, fManager, fTitle, fLegalEntity} {
		c.move[f] = true
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.asOf.IsZero() {
		c.asOf = unified.DateOf(time.Now().UTC())
	}
	return c
}

// AsOf sets the reference day for termination dates: a user whose termination date (else
// last working day) is before day is gone. The default (and the zero Date) is today in
// UTC, so pass AsOf for a result that does not depend on the clock.
func AsOf(day unified.Date) Option {
	return func(c *config) { c.asOf = day }
}

// IgnoreFields leaves fields out of the comparison. A pattern is a field name from
// [ComparedFields] ("updated_at"), "custom.<key>" for one custom attribute, or a prefix
// followed by "*" ("custom.*" for all custom attributes, "*" for everything). "custom"
// alone also means every custom attribute. Patterns that match no field have no effect.
// Ignored fields never make a user a mover or changed; they do not affect joiners and
// leavers, which are judged on status and dates.
func IgnoreFields(patterns ...string) Option {
	return func(c *config) { c.patterns = append(c.patterns, patterns...) }
}

// IncludeUpdatedAt compares "updated_at", which is ignored by default because it changes
// with every edit.
func IncludeUpdatedAt() Option {
	return func(c *config) { c.withUpd = true }
}

// MoveFields replaces the set of fields whose change makes a user a mover (by default
// "department", "team", "manager", "title" and "legal_entity"). Names not in
// [ComparedFields] are ignored; no names means no user is ever a mover.
func MoveFields(names ...string) Option {
	return func(c *config) {
		c.move = [numFields]bool{}
		for _, n := range names {
			if f := slices.Index(fieldNames[:], n); f >= 0 {
				c.move[f] = true
			}
		}
	}
}

func (c *config) ignored(name string) bool {
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

// Compare classifies what happened to one user between two records of it, before and
// after, by the rules of [Diff], and returns the change, or nil when there is none. A nil
// before means the user was not in the directory (a joiner, unless already gone); a nil
// after means the user is no longer in it (a leaver, [LeaveRemoved], unless already gone).
// The records are not checked to have the same ID.
//
// Compare is the comparison Diff makes for each user, for sources that see one person at
// a time, such as a provider's webhook event with the record before and after.
func Compare(before, after *unified.User, opts ...Option) *Change {
	c := newComparer(newConfig(opts))
	if ch, ok := c.classify(before, after); ok {
		return &ch
	}
	return nil
}

// comparer compares the records of users under one configuration.
type comparer struct {
	cfg      *config
	skip     [numFields]bool
	noCustom bool // every custom attribute is ignored
	fields   []FieldChange
	moved    bool
}

func newComparer(cfg *config) *comparer {
	c := &comparer{cfg: cfg}
	c.skip[fUpdatedAt] = !cfg.withUpd
	for f, name := range fieldNames {
		if cfg.ignored(name) {
			c.skip[f] = true
		}
	}
	// A key that no pattern could single out stands for every custom attribute.
	c.noCustom = cfg.ignored("custom.\x00")
	return c
}

// classify returns the change of one user from b to a, either of which may be nil, and
// whether there is one.
func (c *comparer) classify(b, a *unified.User) (Change, bool) {
	asOf := c.cfg.asOf
	switch {
	case b == nil && a == nil:
		return Change{}, false
	case b == nil:
		if a.IsTerminated(asOf) {
			return Change{}, false // appears already gone: not a joiner
		}
		return Change{Kind: Joined, User: *a}, true
	case a == nil:
		if b.IsTerminated(asOf) {
			return Change{}, false // already gone: not a leaver again
		}
		return Change{Kind: Left, User: *b, Reason: LeaveRemoved}, true
	}
	goneB, goneA := b.IsTerminated(asOf), a.IsTerminated(asOf)
	switch {
	case goneB && !goneA:
		return Change{Kind: Joined, User: *a}, true
	case !goneB && goneA:
		r := LeaveTerminated
		if a.Status == unified.StatusInactive {
			r = LeaveDeactivated
		}
		return Change{Kind: Left, User: *a, Reason: r}, true
	}
	fields, moved := c.compare(b, a)
	if len(fields) == 0 {
		return Change{}, false
	}
	kind := Changed
	if moved && !goneA {
		kind = Moved
	}
	return Change{Kind: kind, User: *a, Fields: fields}, true
}

func (c *comparer) compare(b, a *unified.User) ([]FieldChange, bool) {
	c.fields, c.moved = nil, false
	c.text(fProvider, b.Provider, a.Provider)
	c.text(fEmployeeNumber, b.EmployeeNumber, a.EmployeeNumber)
	c.text(fExternalID, b.ExternalID, a.ExternalID)
	c.text(fEmail, b.Email, a.Email)
	c.text(fFirstName, b.FirstName, a.FirstName)
	c.text(fLastName, b.LastName, a.LastName)
	c.text(fPreferredName, b.PreferredName, a.PreferredName)
	c.text(fDisplayName, b.DisplayName, a.DisplayName)
	c.text(fTitle, b.Title, a.Title)
	c.text(fGender, b.Gender, a.Gender)
	if b.Status != a.Status {
		c.add(fStatus, b.Status.String(), a.Status.String(), true)
	}
	if b.EmploymentType != a.EmploymentType {
		c.add(fEmploymentType, b.EmploymentType.String(), a.EmploymentType.String(), true)
	}
	c.ref(fDepartment, b.Department, a.Department)
	c.ref(fTeam, b.Team, a.Team)
	c.ref(fOffice, b.Office, a.Office)
	c.ref(fLegalEntity, b.LegalEntity, a.LegalEntity)
	c.ref(fManager, b.Manager, a.Manager)
	c.date(fStartDate, b.StartDate, a.StartDate)
	c.date(fTerminationDate, b.TerminationDate, a.TerminationDate)
	c.date(fLastWorkingDay, b.LastWorkingDay, a.LastWorkingDay)
	c.date(fBirthDate, b.BirthDate, a.BirthDate)
	c.time(fCreatedAt, b.CreatedAt, a.CreatedAt)
	c.time(fUpdatedAt, b.UpdatedAt, a.UpdatedAt)
	if !c.noCustom && (len(b.Custom) > 0 || len(a.Custom) > 0) {
		c.custom(b.Custom, a.Custom)
	}
	return c.fields, c.moved
}

// add records a change of field f; move says whether it counts as a move when f is a
// move field.
func (c *comparer) add(f int, old, new string, move bool) {
	if c.skip[f] {
		return
	}
	c.fields = append(c.fields, FieldChange{Field: fieldNames[f], Old: old, New: new})
	if move && c.cfg.move[f] {
		c.moved = true
	}
}

func (c *comparer) text(f int, old, new string) {
	if old != new {
		c.add(f, old, new, true)
	}
}

func (c *comparer) ref(f int, old, new *unified.Ref) {
	if refEqual(old, new) {
		return
	}
	c.add(f, refText(old), refText(new), !sameTarget(old, new))
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

func (c *comparer) date(f int, old, new *unified.Date) {
	var o, n unified.Date
	if old != nil {
		o = *old
	}
	if new != nil {
		n = *new
	}
	if o != n {
		c.add(f, o.String(), n.String(), true)
	}
}

func (c *comparer) time(f int, old, new time.Time) {
	if !old.Equal(new) {
		c.add(f, timeText(old), timeText(new), true)
	}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (c *comparer) custom(old, new map[string]unified.Value) {
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
		if c.cfg.ignored(name) {
			continue
		}
		c.fields = append(c.fields, FieldChange{Field: name, Old: old[k].String(), New: new[k].String()})
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
