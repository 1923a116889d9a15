package personiotest

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/unified"
)

// The events a change of the company fires, computed from the company before and after
// a Server.Mutate. What Personio documents, and what the fake assumes where it does not:
//
//   - A new person fires person.created, and employment.created for each of the person's
//     employments.
//   - person.updated fires only for changes of first_name, last_name, gender,
//     preferred_name, email and custom attributes (the personnel number included), as
//     Personio documents; language_code is not modelled. A change of status alone fires
//     nothing at the person level.
//   - employment.updated: Personio does not publish which changes fire it. The fake
//     assumes every change of the employment as the v2 API renders it, except the job
//     (position): department and team, supervisor, office, legal entity, status,
//     employment type, weekly hours, start, end, probation and contract end dates, cost
//     centres and the termination. A job change fires nothing at all, as a forum report
//     says of the real service. employment.updated.cost-centers is not sent.
//   - A termination is a change of the employment (employment.updated) at the time it is
//     recorded; employment.started and employment.terminated, which Personio sends on the
//     day an employment starts or ends, are not sent.
//   - A deleted person fires person.deleted and employment.deleted for each of the
//     person's employments. An employment that appears or disappears for a person who
//     stays fires employment.created or employment.deleted.
//
// Payloads name the resources by id: {"person":{"id":"123"}} and
// {"employment":{"id":"<uuid>"},"person":{"id":"123"}} (inferred; the real payloads are not
// published). Events are ordered by person id; a person's own event comes before those of
// the employments.

// personFacts are what fires events for one person: the fields whose change fires
// person.updated, and those of each employment whose change fires employment.updated.
type personFacts struct {
	person      string
	employments []employmentFacts // most recent first
}

type employmentFacts struct {
	id    string
	facts string
}

// personEventJSON holds the fields of a person whose change fires person.updated.
type personEventJSON struct {
	FirstName      string            `json:"first_name"`
	LastName       string            `json:"last_name"`
	PreferredName  string            `json:"preferred_name"`
	Gender         string            `json:"gender"`
	Email          string            `json:"email"`
	EmployeeNumber string            `json:"employee_number"`
	Custom         map[string]string `json:"custom"`
}

// employmentEventJSON holds the fields of an employment whose change fires
// employment.updated: everything but the position.
type employmentEventJSON struct {
	Status         string       `json:"status"`
	LegalEntityID  int          `json:"legal_entity_id"`
	Start          unified.Date `json:"start"`
	End            unified.Date `json:"end"`
	Probation      unified.Date `json:"probation"`
	ContractEnd    unified.Date `json:"contract_end"`
	WeeklyHours    float64      `json:"weekly_hours"`
	SupervisorID   int          `json:"supervisor_id"`
	OfficeID       int          `json:"office_id"`
	DepartmentID   int          `json:"department_id"`
	TeamID         int          `json:"team_id"`
	CostCenters    string       `json:"cost_centers"`
	TermDate       unified.Date `json:"term_date"`
	LastDay        unified.Date `json:"last_day"`
	TermType       string       `json:"term_type"`
	TermReason     string       `json:"term_reason"`
	EmploymentType string       `json:"employment_type"`
}

// captureFacts returns the facts of every person of c, by id. s.mu must be held.
func captureFacts(c *Company) map[int]personFacts {
	out := make(map[int]personFacts, len(c.People))
	for i := range c.People {
		p := &c.People[i]
		pj, _ := json.Marshal(personEventJSON{FirstName: p.FirstName, LastName: p.LastName,
			PreferredName: preferredName(p), Gender: p.Gender, Email: p.Email,
			EmployeeNumber: p.EmployeeNumber, Custom: p.Custom})
		f := personFacts{person: string(pj)}
		var ccs []string
		for _, cc := range p.CostCenters {
			ccs = append(ccs, strconv.Itoa(cc.ID)+":"+strconv.FormatFloat(cc.Percentage, 'g', -1, 64))
		}
		for _, e := range employmentsOf(c, p) {
			ej := employmentEventJSON{Status: e.status, LegalEntityID: e.legalEntityID, Start: e.start, End: e.end,
				TermDate: e.termDate, LastDay: e.lastDay, TermType: e.termType, TermReason: e.termReason}
			if e.current {
				ej.Probation, ej.ContractEnd, ej.WeeklyHours = p.ProbationEnd, p.ContractEndDate, p.WeeklyHours
				ej.SupervisorID, ej.OfficeID, ej.DepartmentID, ej.TeamID = p.SupervisorID, p.OfficeID, p.DepartmentID, p.TeamID
				ej.CostCenters, ej.EmploymentType = strings.Join(ccs, ","), p.EmploymentType
			}
			b, _ := json.Marshal(ej)
			f.employments = append(f.employments, employmentFacts{id: e.id, facts: string(b)})
		}
		out[p.ID] = f
	}
	return out
}

// firedEvent is an event a change fired, before it is recorded.
type firedEvent struct {
	name    string
	payload json.RawMessage
}

func personPayload(id int) json.RawMessage {
	return json.RawMessage(`{"person":{"id":"` + strconv.Itoa(id) + `"}}`)
}

func employmentPayload(personID int, employmentID string) json.RawMessage {
	b, _ := json.Marshal(map[string]map[string]string{
		"employment": {"id": employmentID}, "person": {"id": strconv.Itoa(personID)},
	})
	return b
}

// eventsBetween returns the events that the change from before to after fires.
func eventsBetween(before, after map[int]personFacts) []firedEvent {
	ids := slices.Sorted(maps.Keys(before))
	for id := range after {
		if _, ok := before[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []firedEvent
	emit := func(name string, payload json.RawMessage) { out = append(out, firedEvent{name, payload}) }
	for _, id := range ids {
		b, inB := before[id]
		a, inA := after[id]
		switch {
		case !inB:
			emit("person.created", personPayload(id))
			for _, e := range a.employments {
				emit("employment.created", employmentPayload(id, e.id))
			}
			continue
		case !inA:
			emit("person.deleted", personPayload(id))
			for _, e := range b.employments {
				emit("employment.deleted", employmentPayload(id, e.id))
			}
			continue
		}
		if a.person != b.person {
			emit("person.updated", personPayload(id))
		}
		for _, e := range a.employments {
			i := slices.IndexFunc(b.employments, func(x employmentFacts) bool { return x.id == e.id })
			switch {
			case i < 0:
				emit("employment.created", employmentPayload(id, e.id))
			case b.employments[i].facts != e.facts:
				emit("employment.updated", employmentPayload(id, e.id))
			}
		}
		for _, e := range b.employments {
			if !slices.ContainsFunc(a.employments, func(x employmentFacts) bool { return x.id == e.id }) {
				emit("employment.deleted", employmentPayload(id, e.id))
			}
		}
	}
	return out
}

// beforeMutate returns the facts to compare a change with, or nil when no webhook would
// receive an event of it. s.mu must be held.
func (s *Server) beforeMutate() map[int]personFacts {
	if !s.hooks.listening() {
		return nil
	}
	return captureFacts(s.company)
}

// afterMutate returns the events of the change since before. s.mu must be held.
func (s *Server) afterMutate(before map[int]personFacts) []firedEvent {
	if before == nil {
		return nil
	}
	return eventsBetween(before, captureFacts(s.company))
}

// listening reports whether some webhook is enabled for an event of persons or
// employments.
func (hs *hookStore) listening() bool {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	for _, h := range hs.hooks {
		if h.status == "ENABLED" && slices.ContainsFunc(h.events, func(e string) bool {
			return strings.HasPrefix(e, "person.") || strings.HasPrefix(e, "employment.")
		}) {
			return true
		}
	}
	return false
}
