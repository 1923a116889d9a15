package snapshot

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Change is what happened to one user: a joiner, a mover with its field changes, a leaver
// with the reason, or another change to the user's record. [Diff] and [Sync] report
// changes between two reads of a directory, and [Compare] classifies one person; other
// sources (provider webhooks, a workflow that hands changes on in batches) produce the
// same values, so that the code that acts on them (creating, updating and deactivating
// accounts) is written once.
//
// A Change stands on its own: it holds the user's record, it encodes to JSON and back
// with encoding/json, and [Change.Key] identifies it for deduplication.
type Change struct {
	// Kind says what happened.
	Kind ChangeKind `json:"kind"`
	// User is the user's record after the change. For a leaver removed from the
	// directory ([LeaveRemoved]) it is the last record seen, the one from before.
	User unified.User `json:"user"`
	// Fields lists the changed fields of a mover or a changed user, in the order of
	// [ComparedFields], custom attributes last by key: for a mover all its field changes,
	// moves and others alike. It is empty for joiners and leavers, whose fields are not
	// compared.
	Fields []FieldChange `json:"fields,omitempty"`
	// Reason says how a leaver left; it is zero for the other kinds.
	Reason LeaveReason `json:"reason,omitzero"`
}

// ChangeKind says what kind of change a [Change] is.
type ChangeKind uint8

// The kinds of change. See [Diff] for when each applies.
const (
	// Joined: the user is new to the directory, or came back (a rehire).
	Joined ChangeKind = iota + 1
	// Moved: at least one move field changed (by default department, team, manager,
	// title and legal entity; see [MoveFields]).
	Moved
	// Changed: other fields of the user's record changed.
	Changed
	// Left: the user was removed, deactivated or terminated ([Change.Reason] says which).
	Left
)

var changeKindNames = [...]string{Joined: "joined", Moved: "moved", Changed: "changed", Left: "left"}

// String returns "joined", "moved", "changed" or "left".
func (k ChangeKind) String() string {
	if k > 0 && int(k) < len(changeKindNames) {
		return changeKindNames[k]
	}
	return fmt.Sprintf("ChangeKind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler].
func (k ChangeKind) MarshalText() ([]byte, error) {
	if k == 0 || int(k) >= len(changeKindNames) {
		return nil, fmt.Errorf("snapshot: invalid change kind %d: %w", uint8(k), unified.ErrInvalidValue)
	}
	return []byte(changeKindNames[k]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *ChangeKind) UnmarshalText(b []byte) error {
	if i := slices.Index(changeKindNames[:], string(b)); i > 0 {
		*k = ChangeKind(i)
		return nil
	}
	return fmt.Errorf("snapshot: unknown change kind %q: %w", clip(string(b)), unified.ErrInvalidValue)
}

// FieldChange is one changed field.
type FieldChange struct {
	// Field is the field's JSON name in [unified.User]: "department", "manager",
	// "start_date", or "custom.<key>" for a custom attribute.
	Field string `json:"field"`
	// Old and New are readable renderings of the values: text as is, references as
	// "Name (id)", dates as 2006-01-02, times in RFC 3339 (UTC), statuses by name, custom
	// values as [unified.Value.String]. An absent value is "".
	Old string `json:"old"`
	New string `json:"new"`
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
	if i := slices.Index(leaveReasonNames[:], string(b)); i > 0 {
		*r = LeaveReason(i)
		return nil
	}
	return fmt.Errorf("snapshot: unknown leave reason %q: %w", clip(string(b)), unified.ErrInvalidValue)
}

// keyVersion starts the hashed data of every key; it changes if the key's recipe does.
const keyVersion = "hrisconnect/snapshot.Change.Key/v1"

// Key returns an idempotency key for the change: 32 lower-case hex digits, a SHA-256 hash
// of the user's provider (User.Provider) and ID, the kind, the leave reason, and the state
// of the user's record after the change: every field [ComparedFields] names, updated_at
// included, and every custom attribute that is not null (by key, kind and value; labels
// do not count). Raw and the old values are not part of it.
//
// The same change gives the same key wherever and whenever it is computed: a change
// delivered twice (a retried batch, a webhook sent again, a diff run again after a crash)
// can be recognised and applied once. A later change of the same user leaves the record
// in another state (if nothing else, a provider moves updated_at), so it gets another key;
// only two changes of the same kind that leave every one of these fields exactly as it was
// share a key. Equal instants in other time zones hash alike. Options that classify a
// change differently (another kind, as [MoveFields] can make) give another key.
func (c *Change) Key() string {
	u := &c.User
	k := make([]byte, 0, 512)
	str := func(s string) {
		k = binary.AppendUvarint(k, uint64(len(s)))
		k = append(k, s...)
	}
	ref := func(r *unified.Ref) {
		if r == nil {
			k = append(k, 0)
			return
		}
		k = append(k, 1)
		str(r.ID)
		str(r.Name)
		str(r.Email)
	}
	date := func(d *unified.Date) {
		if d == nil {
			str("")
			return
		}
		str(d.String())
	}
	str(keyVersion)
	str(u.Provider)
	str(u.ID)
	str(c.Kind.String())
	if c.Kind == Left {
		str(c.Reason.String())
	}
	for _, s := range [...]string{u.EmployeeNumber, u.ExternalID, u.Email, u.FirstName, u.LastName,
		u.PreferredName, u.DisplayName, u.Title, u.Gender, u.Status.String(), u.EmploymentType.String()} {
		str(s)
	}
	for _, r := range [...]*unified.Ref{u.Department, u.Team, u.Office, u.LegalEntity, u.Manager} {
		ref(r)
	}
	for _, d := range [...]*unified.Date{u.StartDate, u.TerminationDate, u.LastWorkingDay, u.BirthDate} {
		date(d)
	}
	str(timeText(u.CreatedAt))
	str(timeText(u.UpdatedAt))
	keys := make([]string, 0, len(u.Custom))
	for key, v := range u.Custom {
		if !v.IsNull() {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	k = binary.AppendUvarint(k, uint64(len(keys)))
	for _, key := range keys {
		v := u.Custom[key]
		str(key)
		str(v.Kind.String())
		switch v.Kind {
		case unified.KindText:
			str(v.Text)
		case unified.KindNumber:
			switch {
			case math.IsNaN(v.Number):
				str("NaN") // every NaN equals every other, as in the comparison
			case v.Number == 0:
				str("0") // and -0 equals 0
			default:
				str(strconv.FormatFloat(v.Number, 'g', -1, 64))
			}
		case unified.KindBool:
			str(strconv.FormatBool(v.Bool))
		case unified.KindDate:
			str(v.Date.String())
		case unified.KindTime:
			str(v.Time.UTC().Format(time.RFC3339Nano))
		case unified.KindList:
			k = binary.AppendUvarint(k, uint64(len(v.List)))
			for _, s := range v.List {
				str(s)
			}
		}
	}
	sum := sha256.Sum256(k)
	return hex.EncodeToString(sum[:16])
}
