package main

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// The kinds of action in a plan.
const (
	ActionCreate     = "CREATE"
	ActionUpdate     = "UPDATE"
	ActionDeactivate = "DEACTIVATE"
)

// Lattice statuses as the lattice.FromPersonioSpec preset writes them.
const (
	latticeActive      = "ACTIVE"
	latticeInvited     = "INVITED"
	latticeCreated     = "CREATED"
	latticeDeactivated = "DEACTIVATED"
)

// employmentKey is the preset's filter-only field.
const employmentKey = "employmentType"

// personioRecord is one Personio employee mapped with the lattice.FromPersonioSpec preset.
type personioRecord struct {
	ID    string
	Email string
	// LastName is the Personio last name, to recognise a Lattice name made of the
	// preferred first name.
	LastName string
	Out      mapping.Output
	// Err is the record's mapping error: a required field that is missing or a value
	// a transform rejects.
	Err error
}

func (r *personioRecord) get(key string) string {
	v, ok := r.Out.Get(key)
	if !ok {
		return ""
	}
	return strings.TrimSpace(v.String())
}

func (r *personioRecord) employment() string {
	v, _ := r.Out.Filter(employmentKey)
	return strings.ToLower(strings.TrimSpace(v.String()))
}

// Plan is what a Personio to Lattice sync would do. Nothing is written.
type Plan struct {
	// Employment is the employment-type selection: internal, external or both.
	Employment string   `json:"employment"`
	Actions    []Action `json:"actions"`
	Counts     Counts   `json:"counts"`
	// Problems are records that cannot be synced as they are.
	Problems []string `json:"problems,omitempty"`
}

// Action is one change to Lattice.
type Action struct {
	Action     string `json:"action"`
	PersonioID string `json:"personio_id,omitempty"`
	LatticeID  string `json:"lattice_id,omitempty"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	// MatchedBy says how the Personio record was matched with the Lattice user:
	// "externalUserId" or "email".
	MatchedBy string `json:"matched_by,omitempty"`
	// Fields are the Lattice fields of a new user.
	Fields []Field `json:"fields,omitempty"`
	// Changes are the fields an update changes.
	Changes []Change `json:"changes,omitempty"`
	// Reason says why a user is deactivated.
	Reason string `json:"reason,omitempty"`
}

// Field is one Lattice field of a new user.
type Field struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Change is one changed Lattice field.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Counts sums the plan up.
type Counts struct {
	Personio   int `json:"personio"`
	Lattice    int `json:"lattice"`
	Create     int `json:"create"`
	Update     int `json:"update"`
	Deactivate int `json:"deactivate"`
	// Unchanged: matched, in scope, nothing to change.
	Unchanged int `json:"unchanged"`
	// OutOfScope: Personio records of an employment type not selected. Their Lattice
	// users are left as they are.
	OutOfScope int `json:"out_of_scope"`
	// Leavers: inactive Personio records with no active Lattice user (nothing to do).
	Leavers int `json:"leavers"`
	// Unmanaged: active Lattice users not linked to any Personio record (created in
	// Lattice by hand); left alone.
	Unmanaged int `json:"unmanaged"`
	Problems  int `json:"problems"`
}

// makePlan compares the mapped Personio records with the Lattice users. The rules:
//
//   - A Personio record is matched with the Lattice user whose externalUserId is its id,
//     else with the Lattice user of the same email (case-insensitive) that is not linked
//     to another Personio id.
//   - Records of an employment type not selected are out of scope: nothing is created,
//     updated or deactivated for them. (Personio's Lattice integration: "stopping the
//     pulling of one of these employment types won't remove data in Lattice that was
//     already imported".)
//   - An active record in scope without a Lattice user is created; one with a user is
//     updated where a field differs. An empty Personio value never clears a Lattice
//     field.
//   - A Lattice user is deactivated only when its Personio record is in scope and
//     inactive, or, when every employment type is synced, when its externalUserId
//     names a Personio employee that no longer exists (deleted in Personio; under an
//     employment filter such a user is reported as a problem instead, since the
//     deleted record's employment type is unknown). Lattice users linked to nothing are
//     left alone.
func makePlan(employment string, recs []personioRecord, users []unified.User) *Plan {
	p := &Plan{Employment: employment}
	p.Counts.Personio, p.Counts.Lattice = len(recs), len(users)

	byExt := map[string]*unified.User{}
	byEmail := map[string]*unified.User{}
	byID := map[string]*unified.User{}
	for i := range users {
		u := &users[i]
		byID[u.ID] = u
		if u.ExternalID != "" {
			if _, dup := byExt[u.ExternalID]; dup {
				p.problem("Lattice users " + byExt[u.ExternalID].ID + " and " + u.ID + " have the same externalUserId " + u.ExternalID)
				continue
			}
			byExt[u.ExternalID] = u
		}
		if u.Email != "" {
			byEmail[strings.ToLower(u.Email)] = u
		}
	}
	personioIDs := map[string]bool{}
	for i := range recs {
		personioIDs[recs[i].ID] = true
	}
	matched := map[string]bool{} // Lattice IDs matched with a Personio record

	for i := range recs {
		r := &recs[i]
		u, by := byExt[r.ID], "externalUserId"
		if u == nil && r.Email != "" {
			if e := byEmail[strings.ToLower(r.Email)]; e != nil {
				if e.ExternalID == "" || e.ExternalID == r.ID {
					u, by = e, "email"
				} else {
					p.problem("Personio " + r.ID + " <" + r.Email + ">: the Lattice user with this email is linked to Personio " + e.ExternalID)
					continue
				}
			}
		}
		if u != nil {
			if matched[u.ID] {
				p.problem("Personio " + r.ID + ": Lattice user " + u.ID + " is already matched with another record")
				continue
			}
			matched[u.ID] = true
		}
		if r.Err != nil {
			p.problem("Personio " + r.ID + ": " + r.Err.Error())
			continue
		}
		if employment != "both" && r.employment() != employment {
			p.Counts.OutOfScope++
			continue
		}
		inactive := r.get("status") == latticeDeactivated
		switch {
		case u == nil && inactive:
			p.Counts.Leavers++
		case u == nil:
			a := Action{Action: ActionCreate, PersonioID: r.ID, Name: r.get("name"), Email: r.get("email")}
			for _, e := range r.Out.Entries {
				if v := strings.TrimSpace(e.Value.String()); v != "" {
					a.Fields = append(a.Fields, Field{Field: e.Key, Value: v})
				}
			}
			p.add(a)
		case inactive && u.Status != unified.StatusInactive:
			p.add(Action{Action: ActionDeactivate, PersonioID: r.ID, LatticeID: u.ID, Name: u.Name(), Email: u.Email,
				MatchedBy: by, Reason: "inactive in Personio"})
		case inactive:
			p.Counts.Leavers++
		default:
			if ch := compare(r, u, byID); len(ch) > 0 {
				p.add(Action{Action: ActionUpdate, PersonioID: r.ID, LatticeID: u.ID, Name: r.get("name"), Email: r.get("email"),
					MatchedBy: by, Changes: ch})
			} else {
				p.Counts.Unchanged++
			}
		}
	}
	for i := range users {
		u := &users[i]
		if matched[u.ID] || u.Status == unified.StatusInactive {
			continue
		}
		if u.ExternalID != "" && !personioIDs[u.ExternalID] {
			if employment != "both" {
				// Its employment type is gone with the record: it may be out of scope.
				p.problem("Lattice user " + u.ID + " <" + u.Email + "> is linked to Personio " + u.ExternalID +
					", which no longer exists; not deactivated, since only " + employment + " people are synced and its employment type is unknown")
				continue
			}
			p.add(Action{Action: ActionDeactivate, PersonioID: u.ExternalID, LatticeID: u.ID, Name: u.Name(), Email: u.Email,
				Reason: "Personio employee " + u.ExternalID + " no longer exists"})
			continue
		}
		p.Counts.Unmanaged++
	}
	slices.SortStableFunc(p.Actions, func(a, b Action) int {
		return cmp.Or(cmp.Compare(actionOrder(a.Action), actionOrder(b.Action)), compareIDs(a.PersonioID, b.PersonioID),
			strings.Compare(a.LatticeID, b.LatticeID))
	})
	return p
}

func (p *Plan) add(a Action) {
	p.Actions = append(p.Actions, a)
	switch a.Action {
	case ActionCreate:
		p.Counts.Create++
	case ActionUpdate:
		p.Counts.Update++
	case ActionDeactivate:
		p.Counts.Deactivate++
	}
}

func (p *Plan) problem(s string) {
	p.Problems = append(p.Problems, s)
	p.Counts.Problems++
}

func actionOrder(a string) int {
	switch a {
	case ActionCreate:
		return 0
	case ActionUpdate:
		return 1
	}
	return 2
}

// compareIDs orders numeric ids by value, others as text after them.
func compareIDs(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(x, y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// compare returns the Lattice fields that differ from the mapped record, in the
// preset's order. Fields the record leaves empty (or leaves out, as title and manager
// of contractors) are not compared.
func compare(r *personioRecord, u *unified.User, byID map[string]*unified.User) []Change {
	var out []Change
	for _, e := range r.Out.Entries {
		want := strings.TrimSpace(e.Value.String())
		if want == "" {
			continue
		}
		have, known := latticeValue(e.Key, u, byID)
		if !known || sameValue(e.Key, want, have, r) {
			continue
		}
		out = append(out, Change{Field: e.Key, Old: have, New: want})
	}
	return out
}

// latticeValue returns the Lattice user's value of a field of the preset, as the preset
// writes it.
func latticeValue(key string, u *unified.User, byID map[string]*unified.User) (string, bool) {
	day := func(d *unified.Date) string {
		if d == nil {
			return ""
		}
		return d.String()
	}
	switch key {
	case "externalUserId":
		return u.ExternalID, true
	case "name":
		return u.DisplayName, true // the directory is set up to read Lattice's name here
	case "status":
		return latticeStatus(u.Status), true
	case "gender":
		return u.Gender, true
	case "title":
		return u.Title, true
	case "manager":
		if u.Manager == nil {
			return "", true
		}
		if m := byID[u.Manager.ID]; m != nil && m.Email != "" {
			return m.Email, true
		}
		return u.Manager.Email, true
	case "startDate":
		return day(u.StartDate), true
	case "department":
		if u.Department == nil {
			return "", true
		}
		return u.Department.Name, true
	case "email":
		return u.Email, true
	case "preferredName":
		return u.PreferredName, true
	case "birthDate":
		return day(u.BirthDate), true
	}
	return "", false
}

func latticeStatus(s unified.Status) string {
	switch s {
	case unified.StatusActive:
		return latticeActive
	case unified.StatusInvited:
		return latticeInvited
	case unified.StatusOnboarding:
		return latticeCreated
	case unified.StatusInactive:
		return latticeDeactivated
	}
	return s.String()
}

// sameValue reports whether Lattice's value have already says what want says.
func sameValue(key, want, have string, r *personioRecord) bool {
	switch key {
	case "email", "manager": // addresses, compared ignoring case
		return strings.EqualFold(want, have)
	case "gender": // Lattice's "NotSet" is no gender
		if strings.EqualFold(want, "notset") {
			want = ""
		}
		if strings.EqualFold(have, "notset") {
			have = ""
		}
		return strings.EqualFold(want, have)
	case "status":
		// Lattice's own account states are not regressions: an invited user is active
		// to HR, and a user who is invited or active need not go back to "created"
		// while Personio still says onboarding.
		return want == have || want == latticeActive && have == latticeInvited ||
			want == latticeCreated && (have == latticeActive || have == latticeInvited)
	case "name":
		// Lattice may hold the name people go by, with the preferred first name.
		if pref := strings.TrimSpace(r.get("preferredName")); pref != "" && r.LastName != "" &&
			have == pref+" "+strings.TrimSpace(r.LastName) {
			return true
		}
	}
	return want == have
}
