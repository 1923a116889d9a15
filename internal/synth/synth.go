// Package synth generates companies for the tests and benchmarks of the orgchart and
// snapshot packages: deterministic users with departments, teams, managers, statuses and
// custom attributes, and on request the reporting-line problems an org chart must find
// (management cycles, orphans, self-managers, inactive managers, duplicate records).
// The same options always give the same company.
package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Options describes a generated company. The same options always give the same company.
type Options struct {
	// N is the number of people; Seed chooses the company.
	N    int
	Seed uint64
	// Cycles are the lengths (2 or more) of management cycles injected among people who
	// have no reports.
	Cycles []int
	// ManagerCycles are the lengths of cycles injected among managers, whose teams then
	// hang off the cycle.
	ManagerCycles []int
	// Orphans is the number of people whose manager is replaced by one who is not in the
	// company.
	Orphans int
	// SelfManagers is the number of people made their own manager.
	SelfManagers int
	// InactiveManagers is the number of managers (with reports) made inactive.
	InactiveManagers int
	// Duplicates is the number of records appended again, with the same ID.
	Duplicates int
	// EmailManagers writes manager references with an (upper-cased) email and no ID.
	EmailManagers bool
}

// Company is a generated company and what the generator knows about it.
type Company struct {
	Users []unified.User
	// Problems are the problems injected, sorted by kind (in the order of
	// orgchart.ProblemKind), user ID and manager ID.
	Problems []Problem
	// Departments counts users per department key (duplicates not counted twice).
	Departments map[string]int
	// ManagerOf maps a user ID to its manager's ID as generated (after injection). Users
	// without a manager, orphans and self-managers are absent.
	ManagerOf map[string]string
}

// Problem is a reporting-line problem injected into a company, in the terms of
// orgchart.Problem.
type Problem struct {
	// Kind is the name of an orgchart.ProblemKind: "cycle", "orphan", "self-manager",
	// "inactive-manager" or "duplicate-id".
	Kind      string
	UserID    string
	ManagerID string
	// Cycle lists the members of a cycle in manager-link order, starting at the member
	// whose link the chart breaks.
	Cycle []string
}

// problemKinds are the kinds in the order an org chart sorts them.
var problemKinds = []string{"cycle", "orphan", "self-manager", "inactive-manager", "duplicate-id"}

type dept struct{ ID, Name string }

var depts = []dept{
	{"d-eng", "Engineering"},
	{"d-sales", "Sales"},
	{"d-ops", "Operations"},
	{"d-fin", "Finance & Legal"},
	{"d-ppl", "People <HR>"},
	{"d-mkt", "Marketing"},
	{"d-cs", `Customer "Success"`},
	{"d-prod", "Product"},
}

var (
	firstNames = []string{"Ada", "Björn", "Chloé", "Dmitri", "Eitan", "Fatima", "Grace", "Hiroshi",
		"Ines", "Jürgen", "Kwame", "Lucía", "Mateo", "Nnamdi", "Olga", "Priya", "Quentin", "Rosa",
		"Søren", "Thandiwe", "Uma", "Vikram", "Wen", "Xóchitl", "Yusuf", "Zoë", "李", "Ólafur"}
	lastNames = []string{"Abara", "Bergström", "Castillo", "Dubois", "Eriksen", "Fischer", "García",
		"Haddad", "Ivanova", "Jensen", "Kowalski", "Li", "Müller", "Nakamura", "O'Brien", "Patel",
		"Quispe", "Rossi", "Schmidt", "Tanaka", "Ulrich", "Varga", "Weiß", "Xu", "Yilmaz", "Zhang"}
)

// Generate builds a company: a CEO, one head per department, and then people who each
// report to a manager of their department chosen at random; about one in five is a
// manager. Only people who are not managers are ever inactive, on leave or onboarding,
// so a company without injected problems has none.
func Generate(o Options) Company {
	rng := rand.New(rand.NewPCG(o.Seed, 0x6f7267636861))
	n := o.N
	users := make([]unified.User, n)
	mgr := make([]int, n) // -1 for none
	isMgr := make([]bool, n)
	deptOf := make([]int, n)
	reports := make([][]int, n)
	pools := make([][]int, len(depts))
	heads := min(len(depts), max(n-1, 0))
	start := unified.NewDate(2015, time.January, 5)
	base := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)

	for i := range n {
		u := &users[i]
		u.ID = fmt.Sprintf("e%06d", i)
		u.Provider = "synth"
		u.EmployeeNumber = fmt.Sprint(1000 + i)
		u.Email = u.ID + "@example.com"
		u.FirstName = firstNames[rng.IntN(len(firstNames))]
		u.LastName = lastNames[rng.IntN(len(lastNames))]
		u.DisplayName = u.FirstName + " " + u.LastName
		u.Status = unified.StatusActive
		u.EmploymentType = unified.EmploymentInternal
		sd := start.AddDays(rng.IntN(3000))
		u.StartDate = &sd
		u.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		u.UpdatedAt = u.CreatedAt
		switch {
		case i == 0:
			mgr[i], isMgr[i], deptOf[i] = -1, true, 0
			u.Title = "Chief Executive Officer"
		case i <= heads:
			d := i - 1
			mgr[i], isMgr[i], deptOf[i] = 0, true, d
			u.Title = "Head of " + depts[d].Name
			pools[d] = append(pools[d], i)
		default:
			d := rng.IntN(len(depts))
			deptOf[i] = d
			pool := pools[d]
			if len(pool) == 0 {
				pool = []int{0}
			}
			mgr[i] = pool[rng.IntN(len(pool))]
			if rng.IntN(5) == 0 {
				isMgr[i] = true
				u.Title = depts[d].Name + " Manager"
				pools[d] = append(pools[d], i)
			} else {
				u.Title = depts[d].Name + " Specialist"
				switch r := rng.IntN(100); {
				case r < 4:
					u.Status = unified.StatusInactive
					td := sd.AddDays(400)
					u.TerminationDate = &td
				case r < 9:
					u.Status = unified.StatusLeave
				case r < 12:
					u.Status = unified.StatusOnboarding
				}
				if rng.IntN(10) == 0 {
					u.EmploymentType = unified.EmploymentExternal
				}
			}
		}
		d := depts[deptOf[i]]
		u.Department = &unified.Ref{ID: d.ID, Name: d.Name}
		team := 1 + rng.IntN(3)
		u.Team = &unified.Ref{ID: fmt.Sprintf("%s-t%d", d.ID, team), Name: fmt.Sprintf("%s Team %d", d.Name, team)}
		u.Office = &unified.Ref{ID: "o-" + []string{"ber", "lis", "nyc"}[rng.IntN(3)]}
		u.Custom = map[string]unified.Value{
			"dynamic_1": {Label: "Cost centre", Kind: unified.KindText, Text: fmt.Sprint("CC-", 100+deptOf[i])},
		}
		if mgr[i] >= 0 {
			reports[mgr[i]] = append(reports[mgr[i]], i)
		}
	}

	c := Company{Departments: map[string]int{}, ManagerOf: map[string]string{}}
	used := make([]bool, n)
	firstFree := heads + 1 // the CEO and the heads are never changed
	pick := func(ok func(i int) bool) int {
		for _, i := range rng.Perm(n) {
			if i >= firstFree && !used[i] && ok(i) {
				used[i] = true
				return i
			}
		}
		panic(fmt.Sprintf("synth: company of %d is too small for the problems asked", n))
	}
	for range o.InactiveManagers {
		m := pick(func(i int) bool {
			return isMgr[i] && len(reports[i]) > 0 && !slices.ContainsFunc(reports[i], func(r int) bool { return used[r] })
		})
		users[m].Status = unified.StatusInactive
		for _, r := range reports[m] {
			used[r] = true
			if users[r].IsActive() {
				c.Problems = append(c.Problems, Problem{Kind: "inactive-manager", UserID: users[r].ID, ManagerID: users[m].ID})
			}
		}
	}
	ring := func(size int, ok func(i int) bool) {
		members := make([]int, size)
		for k := range members {
			members[k] = pick(func(i int) bool { return ok(i) && users[i].Status == unified.StatusActive })
		}
		for k, m := range members {
			mgr[m] = members[(k+1)%size]
		}
		// The chart breaks the cycle at the member that sorts first by name, then ID.
		brk := 0
		for k := range members {
			a, b := &users[members[k]], &users[members[brk]]
			if a.Name() < b.Name() || a.Name() == b.Name() && a.ID < b.ID {
				brk = k
			}
		}
		ids := make([]string, size)
		for k := range members {
			ids[k] = users[members[(brk+k)%size]].ID
		}
		c.Problems = append(c.Problems, Problem{Kind: "cycle", UserID: ids[0], ManagerID: ids[1%size], Cycle: ids})
	}
	for _, size := range o.Cycles {
		ring(size, func(i int) bool { return !isMgr[i] })
	}
	for _, size := range o.ManagerCycles {
		ring(size, func(i int) bool { return isMgr[i] && len(reports[i]) > 0 })
	}
	orphanRefs := map[int]*unified.Ref{}
	for k := range o.Orphans {
		i := pick(func(int) bool { return true })
		ref := &unified.Ref{ID: fmt.Sprintf("gone-%d", k), Name: fmt.Sprintf("Former Manager %d", k)}
		key := ref.ID
		if o.EmailManagers {
			ref = &unified.Ref{Name: ref.Name, Email: fmt.Sprintf("gone-%d@example.com", k)}
			key = ref.Email
		}
		orphanRefs[i] = ref
		mgr[i] = -1
		c.Problems = append(c.Problems, Problem{Kind: "orphan", UserID: users[i].ID, ManagerID: key})
	}
	for range o.SelfManagers {
		i := pick(func(int) bool { return true })
		mgr[i] = i
		c.Problems = append(c.Problems, Problem{Kind: "self-manager", UserID: users[i].ID, ManagerID: users[i].ID})
	}

	for i := range users {
		u := &users[i]
		switch {
		case orphanRefs[i] != nil:
			u.Manager = orphanRefs[i]
		case mgr[i] >= 0:
			m := &users[mgr[i]]
			if o.EmailManagers {
				u.Manager = &unified.Ref{Name: m.DisplayName, Email: strings.ToUpper(m.Email)}
			} else {
				u.Manager = &unified.Ref{ID: m.ID, Name: m.DisplayName, Email: m.Email}
			}
			if mgr[i] != i { // a self-manager has no manager in the chart
				c.ManagerOf[u.ID] = m.ID
			}
		}
		c.Departments[u.Department.ID]++
	}
	for range o.Duplicates {
		i := pick(func(int) bool { return true })
		dup := users[i]
		dup.Title = "Duplicate record"
		users = append(users, dup)
		c.Problems = append(c.Problems, Problem{Kind: "duplicate-id", UserID: dup.ID})
	}
	slices.SortFunc(c.Problems, func(a, b Problem) int {
		if ka, kb := slices.Index(problemKinds, a.Kind), slices.Index(problemKinds, b.Kind); ka != kb {
			return ka - kb
		}
		if a.UserID != b.UserID {
			return strings.Compare(a.UserID, b.UserID)
		}
		return strings.Compare(a.ManagerID, b.ManagerID)
	})
	c.Users = users
	return c
}

// Shuffle returns a copy of users in a random (seeded) order.
func Shuffle(users []unified.User, seed uint64) []unified.User {
	out := slices.Clone(users)
	rng := rand.New(rand.NewPCG(seed, 7))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// Chain returns n users in one management chain: c0 manages c1, c1 manages c2, ...
// With ring set, c0 reports to the last one, closing a cycle of n.
func Chain(n int, ring bool) []unified.User {
	users := make([]unified.User, n)
	for i := range users {
		users[i] = unified.User{ID: fmt.Sprintf("c%06d", i), DisplayName: fmt.Sprintf("Person %06d", i), Status: unified.StatusActive}
		if i > 0 {
			users[i].Manager = &unified.Ref{ID: users[i-1].ID}
		}
	}
	if ring && n > 0 {
		users[0].Manager = &unified.Ref{ID: users[n-1].ID}
	}
	return users
}
