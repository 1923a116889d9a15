package latticetest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hrisconnect/hrisconnect/fakecompany"
)

// ErrInvalidCompany is wrapped by [Server.Err] when a [Server.Mutate] left the company in a
// state the server cannot render (two people with the same ID or Lattice id, or two
// departments with the same Lattice id). While it is set, every API request answers 500
// with the reason.
var ErrInvalidCompany = errors.New("latticetest: invalid company")

// The Lattice user statuses, in the order the index keeps them.
const (
	stActive = iota
	stInvited
	stCreated
	stDeactivated
	numStatuses
)

var statusNames = [numStatuses]string{"ACTIVE", "INVITED", "CREATED", "DEACTIVATED"}

func statusCode(s string) (int, bool) {
	for i, n := range statusNames {
		if s == n {
			return i, true
		}
	}
	return 0, false
}

// index is the lookup structure over one version of the company. It is rebuilt after
// every change and read under the server's read lock. Positions are indices into
// Company.People, which is kept ordered by ID, so position order is creation order.
type index struct {
	c *Company

	byLattice map[string]int32 // Lattice user id → position
	personIDs []int            // person ID per position, kept for tombstones
	byEmail   map[string]int32 // lower-case email → position (first holder)
	status    []uint8          // Lattice status per position
	lists     [numStatuses][]int32
	all       []int32  // every position, ascending
	mgr       []int32  // manager's position, -1 for none
	mgrID     []string // manager's Lattice id, "" for none (saves a random access per render)
	jobLevel  []string // value of the job level attribute per position
	dept      []int32  // department's index in Company.Departments, -1 for none
	// Direct reports in CSR form: the reports of position i are
	// repIdx[repStart[i]:repStart[i+1]], ascending.
	repStart []int32
	repIdx   []int32

	deptByLattice map[string]int32
	deptAll       []int32
	deptCreated   *int64 // nil renders as null

	// tomb maps the Lattice ids of people removed by earlier mutations to their person
	// IDs, so that a cursor naming a removed user still marks a place in the listing.
	tomb map[string]int
}

// normalize restores the invariants the index relies on: People ordered by ID, every
// person, department and attribute with a Lattice id. It reports duplicates it cannot
// repair.
func normalize(c *Company) error {
	if !slices.IsSortedFunc(c.People, cmpPersonID) {
		slices.SortStableFunc(c.People, cmpPersonID)
	}
	seed := strconv.FormatUint(c.Seed, 10)
	var errs []error
	for i := range c.People {
		p := &c.People[i]
		if i > 0 && c.People[i-1].ID == p.ID {
			errs = append(errs, fmt.Errorf("two people have ID %d", p.ID))
		}
		if p.LatticeID == "" {
			p.LatticeID = derivedUUID("person", seed, strconv.Itoa(p.ID))
		}
	}
	for i := range c.Departments {
		d := &c.Departments[i]
		if d.LatticeID == "" {
			d.LatticeID = derivedUUID("department", seed, strconv.Itoa(d.ID))
		}
	}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		if a.LatticeID == "" {
			a.LatticeID = derivedUUID("attribute", seed, a.Key)
		}
	}
	return errors.Join(errs...)
}

func wrapInvalid(err error) error { return fmt.Errorf("%w: %w", ErrInvalidCompany, err) }

func cmpPersonID(a, b fakecompany.Person) int { return a.ID - b.ID }

// buildIndex indexes c, which normalize has seen. prev, when not nil, is the index of the
// previous version, whose removed users become tombstones.
func buildIndex(c *Company, prev *index) (*index, error) {
	n := len(c.People)
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %d people is more than the server supports", ErrInvalidCompany, n)
	}
	ix := &index{
		c:             c,
		byLattice:     make(map[string]int32, n),
		byEmail:       make(map[string]int32, n),
		personIDs:     make([]int, n),
		status:        make([]uint8, n),
		all:           make([]int32, n),
		mgr:           make([]int32, n),
		mgrID:         make([]string, n),
		jobLevel:      make([]string, n),
		dept:          make([]int32, n),
		repStart:      make([]int32, n+1),
		deptByLattice: make(map[string]int32, len(c.Departments)),
	}
	var errs []error
	byPersonID := make(map[int]int32, n)
	deptIdx := make(map[int]int32, len(c.Departments))
	for i := range c.Departments {
		d := &c.Departments[i]
		if _, dup := ix.deptByLattice[d.LatticeID]; dup {
			errs = append(errs, fmt.Errorf("two departments have Lattice id %q", d.LatticeID))
		}
		ix.deptByLattice[d.LatticeID] = int32(i)
		deptIdx[d.ID] = int32(i)
		ix.deptAll = append(ix.deptAll, int32(i))
	}
	for i := range c.People {
		p := &c.People[i]
		pos := int32(i)
		if _, dup := ix.byLattice[p.LatticeID]; dup {
			errs = append(errs, fmt.Errorf("two people have Lattice id %q", p.LatticeID))
		}
		ix.byLattice[p.LatticeID] = pos
		if e := strings.ToLower(p.Email); e != "" {
			if _, seen := ix.byEmail[e]; !seen {
				ix.byEmail[e] = pos
			}
		}
		byPersonID[p.ID] = pos
		ix.personIDs[i] = p.ID
		st, _ := statusCode(p.LatticeStatus())
		ix.status[i] = uint8(st)
		ix.lists[st] = append(ix.lists[st], pos)
		ix.all[i] = pos
		ix.dept[i] = -1
		if d, ok := deptIdx[p.DepartmentID]; ok && p.DepartmentID != 0 {
			ix.dept[i] = d
		}
	}
	if len(errs) > 0 {
		return nil, wrapInvalid(errors.Join(errs...))
	}
	// Managers and direct reports. A supervisor that is not in the company renders as no
	// manager, as Lattice keeps no dangling references.
	counts := make([]int32, n)
	for i := range c.People {
		ix.mgr[i] = -1
		if sup := c.People[i].SupervisorID; sup != 0 {
			if m, ok := byPersonID[sup]; ok && m != int32(i) {
				ix.mgr[i] = m
				ix.mgrID[i] = c.People[m].LatticeID
				counts[m]++
			}
		}
	}
	for i := range n {
		ix.repStart[i+1] = ix.repStart[i] + counts[i]
	}
	ix.repIdx = make([]int32, ix.repStart[n])
	fill := slices.Clone(ix.repStart[:n])
	for i := range n { // ascending i keeps each report list ascending
		if m := ix.mgr[i]; m >= 0 {
			ix.repIdx[fill[m]] = int32(i)
			fill[m]++
		}
	}
	// Departments were created when the company started using Lattice: at the first
	// person's creation (unknown, so null, in a company without people).
	for i := range c.People {
		if t := c.People[i].CreatedAt; !t.IsZero() && (ix.deptCreated == nil || t.Unix() < *ix.deptCreated) {
			u := t.Unix()
			ix.deptCreated = &u
		}
	}
	for i := range c.Attributes {
		if strings.EqualFold(c.Attributes[i].LabelEN, "Job level") {
			key := c.Attributes[i].Key
			for k := range c.People {
				ix.jobLevel[k] = c.People[k].Custom[key]
			}
			break
		}
	}
	// Tombstones: users of the previous version that are gone.
	if prev != nil {
		ix.tomb = make(map[string]int, len(prev.tomb))
		for id, pid := range prev.tomb {
			if _, back := ix.byLattice[id]; !back {
				ix.tomb[id] = pid
			}
		}
		for id, pos := range prev.byLattice {
			if _, ok := ix.byLattice[id]; !ok {
				ix.tomb[id] = prev.personIDs[pos]
			}
		}
	}
	return ix, nil
}

// reports returns the positions of the direct reports of position i, ascending.
func (ix *index) reports(i int32) []int32 { return ix.repIdx[ix.repStart[i]:ix.repStart[i+1]] }

// userCursor resolves a user cursor (a Lattice user id) to a place in position order:
// from is the first position after the cursor, at the cursor's own position (-1 for a
// removed user).
func (ix *index) userCursor(id string) (from, at int32, ok bool) {
	if pos, ok := ix.byLattice[id]; ok {
		return pos + 1, pos, true
	}
	if pid, ok := ix.tomb[id]; ok {
		ps := ix.c.People
		i := sort.Search(len(ps), func(i int) bool { return ps[i].ID > pid })
		return int32(i), -1, true
	}
	return 0, -1, false
}

// pick returns up to n items of the union of lists (each ascending, pairwise disjoint)
// that are >= from, in ascending order, and whether more such items remain. With a single
// list it returns a sub-slice of it, which the caller must not modify.
func pick(lists [][]int32, from int32, n int) (items []int32, more bool) {
	switch len(lists) {
	case 0:
		return nil, false
	case 1:
		l := lists[0]
		i, _ := slices.BinarySearch(l, from)
		j := min(i+n, len(l))
		return l[i:j], j < len(l)
	}
	heads := make([]int, len(lists))
	for k, l := range lists {
		heads[k], _ = slices.BinarySearch(l, from)
	}
	items = make([]int32, 0, n)
	for len(items) < n {
		best := -1
		for k, l := range lists {
			if heads[k] < len(l) && (best < 0 || l[heads[k]] < lists[best][heads[best]]) {
				best = k
			}
		}
		if best < 0 {
			return items, false
		}
		items = append(items, lists[best][heads[best]])
		heads[best]++
	}
	for k, l := range lists {
		if heads[k] < len(l) {
			return items, true
		}
	}
	return items, false
}
