package orgchart

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/hrisconnect/hrisconnect/internal/textclip"
	"github.com/hrisconnect/hrisconnect/unified"
)

// Chart is the management structure of a set of users: who reports to whom, how deep the
// hierarchy is, and what is wrong with it. Build one with [Build].
//
// # Manager links
//
// A user's manager is the user whose ID is User.Manager.ID. When Manager.ID is empty but
// Manager.Email is set, the manager is the user with that email address, compared
// case-insensitively; an email that belongs to several users matches none of them (the
// user is then an orphan). A Manager with neither ID nor email, or a nil Manager, means
// "no manager".
//
// # Trees
//
// For drawing, every user belongs to exactly one tree. The roots of the trees are, in
// [Chart.Roots] order:
//   - users without a manager;
//   - orphans: users whose manager is not in the chart ([ProblemOrphan]);
//   - self-managers: users recorded as their own manager ([ProblemSelfManager]);
//   - one member of each management cycle ([ProblemCycle]): the cycle is broken at the
//     manager link of the member that sorts first by name, then ID, and that member is
//     drawn as a root with the rest of the cycle below it.
//
// [Chart.DirectReports], [Chart.AllReports] and [Chart.ManagerChain] describe the
// links as the data records them (a cycle member is its manager's report even when its
// link was broken for drawing); [Chart.Depth], [Chart.Roots] and [Chart.Tree]
// describe the trees.
//
// # Order
//
// Wherever a list of users is returned, users are ordered by [unified.User.Name] (byte
// order), then by ID. Results do not depend on the order of the input.
//
// An Chart is immutable and safe for concurrent use.
type Chart struct {
	users []unified.User // the users in the chart, in input order (first record of each ID)
	names []string       // users[i].Name()
	index map[string]int32

	manager  []int32 // resolved manager; -1 for none, orphan or self
	kidStart []int32 // kids[kidStart[i]:kidStart[i+1]] are i's direct reports, sorted
	kids     []int32
	flags    []uint8
	depth    []int32
	roots    []int32 // tree roots, sorted
	maxDepth int

	problems []Problem
}

// Per-user flags.
const (
	flagOrphan   uint8 = 1 << iota // manager not in the chart
	flagSelf                       // own manager
	flagCycle                      // member of a management cycle
	flagBreak                      // cycle member whose manager link is broken for the trees
	flagInactive                   // active user with an inactive manager
)

// ProblemKind names a kind of data problem in an org chart.
type ProblemKind uint8

// The kinds of problem [Build] reports. Problems are sorted by kind in this order.
const (
	// ProblemCycle: a management cycle (A reports to B, B to C, C to A). Reported once
	// per cycle; Problem.Cycle lists the members in manager-link order, starting at the
	// member whose link is broken for drawing (Problem.UserID, whose manager is
	// Problem.ManagerID).
	ProblemCycle ProblemKind = iota + 1
	// ProblemOrphan: the user's manager is not in the chart. The user is drawn as a
	// root. ManagerID is the manager's ID as recorded, or the email when the reference
	// has no ID, or "" when it has neither.
	ProblemOrphan
	// ProblemSelfManager: the user is recorded as their own manager. The user is drawn as
	// a root.
	ProblemSelfManager
	// ProblemInactiveManager: an active user (see [unified.User.IsActive]) reports to a
	// manager who is not active. Reported once per affected report.
	ProblemInactiveManager
	// ProblemDuplicateID: several records share one ID. The first in input order is in
	// the chart; the others are left out. Reported once per ID.
	ProblemDuplicateID
	// ProblemMissingID: a record has no ID. It cannot be referenced and is left out of
	// the chart. Reported once per record; UserID is "".
	ProblemMissingID
)

var problemKindNames = [...]string{
	ProblemCycle:           "cycle",
	ProblemOrphan:          "orphan",
	ProblemSelfManager:     "self-manager",
	ProblemInactiveManager: "inactive-manager",
	ProblemDuplicateID:     "duplicate-id",
	ProblemMissingID:       "missing-id",
}

// String returns the kind's name: "cycle", "orphan", "self-manager", "inactive-manager",
// "duplicate-id" or "missing-id".
func (k ProblemKind) String() string {
	if k > 0 && int(k) < len(problemKindNames) {
		return problemKindNames[k]
	}
	return fmt.Sprintf("ProblemKind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler].
func (k ProblemKind) MarshalText() ([]byte, error) {
	if k == 0 || int(k) >= len(problemKindNames) {
		return nil, fmt.Errorf("orgchart: invalid problem kind %d: %w", uint8(k), unified.ErrInvalidValue)
	}
	return []byte(problemKindNames[k]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *ProblemKind) UnmarshalText(b []byte) error {
	for i, name := range problemKindNames {
		if i > 0 && string(b) == name {
			*k = ProblemKind(i)
			return nil
		}
	}
	return fmt.Errorf("orgchart: unknown problem kind %q: %w", clip(string(b)), unified.ErrInvalidValue)
}

// Problem is a data problem found while building an org chart.
type Problem struct {
	Kind ProblemKind `json:"kind"`
	// UserID is the user the problem is about ("" for ProblemMissingID).
	UserID string `json:"user_id"`
	// ManagerID is the user's manager as recorded, where the kind involves one.
	ManagerID string `json:"manager_id,omitempty"`
	// Cycle lists the members of a ProblemCycle in manager-link order: each member
	// reports to the next, and the last to the first.
	Cycle []string `json:"cycle,omitempty"`
	// Detail explains the problem in words, with names.
	Detail string `json:"detail"`
}

// String returns the kind and the detail, as "orphan: Ann (a1) reports to ...".
func (p Problem) String() string { return p.Kind.String() + ": " + p.Detail }

// Build builds the org chart of users. It runs in O(n log n) time for n users
// (O(n) apart from sorting each manager's reports), never loops forever and never panics,
// whatever the links: cycles, missing managers, duplicate or empty IDs are reported by
// [Chart.Problems] and handled as the [Chart] documentation describes.
//
// The chart keeps a shallow copy of users: later changes to the slice do not affect it,
// but the pointer fields, maps and slices inside each User are shared and must not be
// modified while the chart is in use.
func Build(users []unified.User) *Chart {
	c := &Chart{index: make(map[string]int32, len(users))}

	// Index by ID; the first record of each ID wins. Records are copied in one block and
	// compacted only when some are left out.
	c.users = slices.Clone(users)
	var dups map[string]int
	kept := 0
	for i := range users {
		u := &users[i]
		if u.ID == "" {
			c.problems = append(c.problems, Problem{
				Kind:   ProblemMissingID,
				Detail: fmt.Sprintf("record %d (%s) has no ID and is left out of the chart", i, describeRecord(u)),
			})
			continue
		}
		if _, ok := c.index[u.ID]; ok {
			if dups == nil {
				dups = make(map[string]int)
			}
			dups[u.ID]++
			continue
		}
		c.index[u.ID] = int32(kept)
		if kept != i {
			c.users[kept] = *u
		}
		kept++
	}
	clear(c.users[kept:]) // drop references held by left-out records
	c.users = c.users[:kept:kept]
	n := kept
	for id, extra := range dups {
		c.problems = append(c.problems, Problem{
			Kind:   ProblemDuplicateID,
			UserID: id,
			Detail: fmt.Sprintf("%d records have ID %q; the first (%s) is in the chart, the other %d left out",
				extra+1, id, c.users[c.index[id]].Name(), extra),
		})
	}

	c.names = make([]string, n)
	for i := range c.users {
		c.names[i] = c.users[i].Name()
	}
	c.flags = make([]uint8, n)
	c.manager = make([]int32, n)
	c.resolveManagers()
	c.buildReports()
	c.findCycles()
	c.buildTrees()
	c.checkInactiveManagers()

	slices.SortFunc(c.problems, compareProblems)
	return c
}

// describeRecord names a record that has no ID, for a problem's detail.
func describeRecord(u *unified.User) string {
	parts := make([]string, 0, 2)
	if name := u.Name(); name != "" {
		parts = append(parts, name)
	}
	if u.Email != "" && u.Email != u.Name() {
		parts = append(parts, u.Email)
	}
	if len(parts) == 0 {
		return "no name"
	}
	return strings.Join(parts, ", ")
}

// label returns "Name (id)" for user i.
func (c *Chart) label(i int32) string {
	if c.names[i] == c.users[i].ID {
		return c.users[i].ID
	}
	return c.names[i] + " (" + c.users[i].ID + ")"
}

func (c *Chart) resolveManagers() {
	var byEmail map[string]int32 // lower-case email -> index, -2 when ambiguous
	for i := range c.users {
		u := &c.users[i]
		c.manager[i] = -1
		m := u.Manager
		if m == nil || (m.ID == "" && m.Email == "" && m.Name == "") {
			continue
		}
		me := int32(i)
		var (
			mi    int32 = -1
			found bool
			key   = m.ID
			why   string
		)
		switch {
		case m.ID != "":
			mi, found = c.index[m.ID]
		case m.Email != "":
			key = m.Email
			if byEmail == nil {
				byEmail = c.emailIndex()
			}
			mi, found = byEmail[strings.ToLower(m.Email)]
			if found && mi == -2 {
				found = false
				why = "; several users have that email address"
			}
		default:
			why = "; the reference has neither ID nor email"
		}
		switch {
		case !found:
			c.flags[i] |= flagOrphan
			c.problems = append(c.problems, Problem{
				Kind:      ProblemOrphan,
				UserID:    u.ID,
				ManagerID: key,
				Detail:    fmt.Sprintf("%s reports to %s, who is not in the directory%s", c.label(me), describeRef(m), why),
			})
		case mi == me:
			c.flags[i] |= flagSelf
			c.problems = append(c.problems, Problem{
				Kind:      ProblemSelfManager,
				UserID:    u.ID,
				ManagerID: u.ID,
				Detail:    c.label(me) + " is recorded as their own manager",
			})
		default:
			c.manager[i] = mi
		}
	}
}

func (c *Chart) emailIndex() map[string]int32 {
	m := make(map[string]int32, len(c.users))
	for i := range c.users {
		e := c.users[i].Email
		if e == "" {
			continue
		}
		e = strings.ToLower(e)
		if _, ok := m[e]; ok {
			m[e] = -2
			continue
		}
		m[e] = int32(i)
	}
	return m
}

// describeRef renders a manager reference for a problem's detail.
func describeRef(r *unified.Ref) string {
	switch {
	case r.Name != "" && r.ID != "":
		return fmt.Sprintf("%q (%s)", r.Name, r.ID)
	case r.Name != "" && r.Email != "":
		return fmt.Sprintf("%q <%s>", r.Name, r.Email)
	case r.Name != "":
		return fmt.Sprintf("%q", r.Name)
	case r.ID != "":
		return r.ID
	}
	return "<" + r.Email + ">"
}

// compare orders users by name, then ID.
func (c *Chart) compare(a, b int32) int {
	if r := strings.Compare(c.names[a], c.names[b]); r != 0 {
		return r
	}
	return strings.Compare(c.users[a].ID, c.users[b].ID)
}

// buildReports fills the direct-report lists (compressed rows), each sorted by name.
func (c *Chart) buildReports() {
	n := len(c.users)
	c.kidStart = make([]int32, n+1)
	for _, m := range c.manager {
		if m >= 0 {
			c.kidStart[m+1]++
		}
	}
	for i := 1; i <= n; i++ {
		c.kidStart[i] += c.kidStart[i-1]
	}
	c.kids = make([]int32, c.kidStart[n])
	fill := slices.Clone(c.kidStart[:n])
	for i, m := range c.manager {
		if m >= 0 {
			c.kids[fill[m]] = int32(i)
			fill[m]++
		}
	}
	for i := range n {
		if seg := c.kids[c.kidStart[i]:c.kidStart[i+1]]; len(seg) > 1 {
			slices.SortFunc(seg, c.compare)
		}
	}
}

// findCycles finds every management cycle in O(n): each user has at most one manager, so
// following manager links from each unvisited user either ends (no manager, or a user
// already finished) or runs into the path being followed, which closes a cycle.
func (c *Chart) findCycles() {
	const (
		unseen = iota
		onPath
		done
	)
	n := len(c.users)
	state := make([]uint8, n)
	pos := make([]int32, n) // position on the current path
	var path []int32
	for start := range n {
		if state[start] != unseen {
			continue
		}
		path = path[:0]
		v := int32(start)
		for v >= 0 && state[v] == unseen {
			state[v] = onPath
			pos[v] = int32(len(path))
			path = append(path, v)
			v = c.manager[v]
		}
		if v >= 0 && state[v] == onPath {
			c.addCycle(path[pos[v]:])
		}
		for _, p := range path {
			state[p] = done
		}
	}
}

// addCycle records one cycle; members are in manager-link order.
func (c *Chart) addCycle(members []int32) {
	brk := 0
	for k := 1; k < len(members); k++ {
		if c.compare(members[k], members[brk]) < 0 {
			brk = k
		}
	}
	ids := make([]string, 0, len(members))
	var detail strings.Builder
	for k := range members {
		v := members[(brk+k)%len(members)]
		c.flags[v] |= flagCycle
		ids = append(ids, c.users[v].ID)
		if k < 8 || k == len(members)-1 {
			detail.WriteString(c.label(v))
			detail.WriteString(" → ")
		} else if k == 8 {
			fmt.Fprintf(&detail, "… (%d more) → ", len(members)-9)
		}
	}
	b := members[brk]
	c.flags[b] |= flagBreak
	fmt.Fprintf(&detail, "%s; %d members, drawn with %s as a root", c.label(b), len(members), c.label(b))
	c.problems = append(c.problems, Problem{
		Kind:      ProblemCycle,
		UserID:    c.users[b].ID,
		ManagerID: c.users[c.manager[b]].ID,
		Cycle:     ids,
		Detail:    detail.String(),
	})
}

// treeParent is the parent of i in the drawn trees, or -1 for a root.
func (c *Chart) treeParent(i int32) int32 {
	if c.flags[i]&flagBreak != 0 {
		return -1
	}
	return c.manager[i]
}

// treeKids returns the children of i in the drawn trees, in order.
func (c *Chart) treeKids(i int32) []int32 {
	seg := c.kids[c.kidStart[i]:c.kidStart[i+1]]
	for _, k := range seg {
		if c.flags[k]&flagBreak != 0 {
			// Rare: a cycle's broken link ends here. Copy without it.
			out := make([]int32, 0, len(seg)-1)
			for _, k := range seg {
				if c.flags[k]&flagBreak == 0 {
					out = append(out, k)
				}
			}
			return out
		}
	}
	return seg
}

// buildTrees finds the roots and every user's depth, breadth first from the roots.
func (c *Chart) buildTrees() {
	n := len(c.users)
	for i := range n {
		if c.treeParent(int32(i)) < 0 {
			c.roots = append(c.roots, int32(i))
		}
	}
	slices.SortFunc(c.roots, c.compare)
	c.depth = make([]int32, n)
	for i := range c.depth {
		c.depth[i] = -1
	}
	queue := make([]int32, 0, n)
	for _, r := range c.roots {
		c.depth[r] = 0
		queue = append(queue, r)
	}
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		d := c.depth[v] + 1
		for _, k := range c.treeKids(v) {
			if c.depth[k] < 0 {
				c.depth[k] = d
				queue = append(queue, k)
				if int(d) > c.maxDepth {
					c.maxDepth = int(d)
				}
			}
		}
	}
}

func (c *Chart) checkInactiveManagers() {
	for i := range c.users {
		m := c.manager[i]
		if m < 0 || !c.users[i].IsActive() || c.users[m].IsActive() {
			continue
		}
		c.flags[i] |= flagInactive
		c.problems = append(c.problems, Problem{
			Kind:      ProblemInactiveManager,
			UserID:    c.users[i].ID,
			ManagerID: c.users[m].ID,
			Detail: fmt.Sprintf("%s (status %s) reports to %s, whose status is %s",
				c.label(int32(i)), c.users[i].Status, c.label(m), c.users[m].Status),
		})
	}
}

func compareProblems(a, b Problem) int {
	switch {
	case a.Kind != b.Kind:
		return cmp.Compare(a.Kind, b.Kind)
	case a.UserID != b.UserID:
		return strings.Compare(a.UserID, b.UserID)
	case a.ManagerID != b.ManagerID:
		return strings.Compare(a.ManagerID, b.ManagerID)
	}
	return strings.Compare(a.Detail, b.Detail)
}

func (c *Chart) ids(idx []int32) []string {
	if len(idx) == 0 {
		return nil
	}
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = c.users[i].ID
	}
	return out
}

// Len returns the number of users in the chart (records left out for a missing or
// duplicate ID are not counted).
func (c *Chart) Len() int { return len(c.users) }

// Roots returns the IDs of the roots of the trees: users without a manager, orphans,
// self-managers and the member of each cycle at which the cycle is broken (see
// [Chart]). They are sorted by name, then ID.
func (c *Chart) Roots() []string { return c.ids(c.roots) }

// User returns the user with the given ID. The returned User belongs to the chart and must
// not be modified.
func (c *Chart) User(id string) (*unified.User, bool) {
	i, ok := c.index[id]
	if !ok {
		return nil, false
	}
	return &c.users[i], true
}

// DirectReports returns the IDs of the users whose manager is id, sorted by name, then ID.
// A self-manager is not its own report. It returns nil for an unknown ID.
func (c *Chart) DirectReports(id string) []string {
	i, ok := c.index[id]
	if !ok {
		return nil
	}
	return c.ids(c.kids[c.kidStart[i]:c.kidStart[i+1]])
}

// Span returns the span of control of id: the number of its direct reports (0 for an
// unknown ID).
func (c *Chart) Span(id string) int {
	i, ok := c.index[id]
	if !ok {
		return 0
	}
	return int(c.kidStart[i+1] - c.kidStart[i])
}

// AllReports returns the IDs of everyone who reports to id directly or through other
// managers, breadth first: the direct reports, then their reports, and so on, each
// manager's reports in [Chart.DirectReports] order. For a member of a cycle it holds
// the other members and their reports; it never holds id itself. It returns nil for an
// unknown ID.
func (c *Chart) AllReports(id string) []string {
	i, ok := c.index[id]
	if !ok {
		return nil
	}
	// Every user has at most one manager, so each user is reached at most once, except
	// id itself when id is on a cycle.
	var queue []int32
	queue = append(queue, c.kids[c.kidStart[i]:c.kidStart[i+1]]...)
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		for _, k := range c.kids[c.kidStart[v]:c.kidStart[v+1]] {
			if k != i {
				queue = append(queue, k)
			}
		}
	}
	return c.ids(queue)
}

// Depth returns the number of levels above id in its tree: 0 for a root, 1 for a root's
// direct report, and so on. Members of a cycle count from the member at which the cycle
// is broken (see [Chart]). It returns -1 for an unknown ID.
func (c *Chart) Depth(id string) int {
	i, ok := c.index[id]
	if !ok {
		return -1
	}
	return int(c.depth[i])
}

// MaxDepth returns the largest [Chart.Depth] in the chart, 0 for an empty chart.
func (c *Chart) MaxDepth() int { return c.maxDepth }

// Manager returns the ID of id's manager when that manager is in the chart. It reports
// false for users without a manager, orphans, self-managers and unknown IDs.
func (c *Chart) Manager(id string) (string, bool) {
	i, ok := c.index[id]
	if !ok || c.manager[i] < 0 {
		return "", false
	}
	return c.users[c.manager[i]].ID, true
}

// ManagerChain returns the IDs of id's manager, that manager's manager, and so on up to a
// user without a manager in the chart. On a cycle it stops before it would repeat a user,
// so it never holds id itself and never repeats an ID. It returns nil for an unknown ID or
// a user without a manager in the chart.
func (c *Chart) ManagerChain(id string) []string {
	i, ok := c.index[id]
	if !ok {
		return nil
	}
	// The walk can enter at most one cycle; it stops when it comes back to the first
	// cycle member it met.
	var out []string
	entry := int32(-1)
	if c.flags[i]&flagCycle != 0 {
		entry = i
	}
	for v := c.manager[i]; v >= 0 && v != entry; v = c.manager[v] {
		out = append(out, c.users[v].ID)
		if entry < 0 && c.flags[v]&flagCycle != 0 {
			entry = v
		}
	}
	return out
}

// Tree returns an iterator over the users in tree order: depth first, the roots in
// [Chart.Roots] order and each manager's reports in name order, with each user's
// [Chart.Depth]. Every user in the chart is yielded exactly once, cycle members
// included. The walk uses no recursion, so arbitrarily deep charts are fine.
func (c *Chart) Tree() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		c.preorder(func(i int32) bool { return yield(c.users[i].ID, int(c.depth[i])) })
	}
}

// preorder calls fn for each user in tree order until fn returns false.
func (c *Chart) preorder(fn func(i int32) bool) {
	stack := make([]int32, 0, 64)
	for k := len(c.roots) - 1; k >= 0; k-- {
		stack = append(stack, c.roots[k])
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !fn(v) {
			return
		}
		kids := c.treeKids(v)
		for k := len(kids) - 1; k >= 0; k-- {
			stack = append(stack, kids[k])
		}
	}
}

// Problems returns the data problems found in the users, sorted by kind (in the order of
// the ProblemKind constants), then user ID, then manager ID. The slice is a copy.
func (c *Chart) Problems() []Problem {
	out := slices.Clone(c.problems)
	for k := range out {
		out[k].Cycle = slices.Clone(out[k].Cycle)
	}
	return out
}

// Headcount is the number of users in one department or team.
type Headcount struct {
	// Key identifies the group: its ID, or its name when the provider gives no ID. It is
	// "" for the users who belong to no group.
	Key string `json:"key"`
	// Name is the group's name as the first of its users reports it (else Key).
	Name string `json:"name"`
	// Count is the number of users in the group, whatever their status.
	Count int `json:"count"`
	// Active is the number of those users for whom [unified.User.IsActive] holds.
	Active int `json:"active"`
}

// HeadcountByDepartment counts the users of each department, sorted by name, then key,
// with the users without a department (Key "") last.
func (c *Chart) HeadcountByDepartment() []Headcount {
	return c.headcount(func(u *unified.User) *unified.Ref { return u.Department })
}

// HeadcountByTeam counts the users of each team, sorted like
// [Chart.HeadcountByDepartment].
func (c *Chart) HeadcountByTeam() []Headcount {
	return c.headcount(func(u *unified.User) *unified.Ref { return u.Team })
}

func (c *Chart) headcount(group func(*unified.User) *unified.Ref) []Headcount {
	at := make(map[string]int)
	var out []Headcount
	for i := range c.users {
		u := &c.users[i]
		key, name := refKey(group(u))
		k, ok := at[key]
		if !ok {
			k = len(out)
			at[key] = k
			out = append(out, Headcount{Key: key, Name: name})
		}
		out[k].Count++
		if u.IsActive() {
			out[k].Active++
		}
	}
	slices.SortFunc(out, compareHeadcount)
	return out
}

// refKey returns the grouping key and display name of a department or team.
func refKey(r *unified.Ref) (key, name string) {
	if r == nil {
		return "", ""
	}
	key = r.ID
	if key == "" {
		key = r.Name
	}
	name = r.Name
	if name == "" {
		name = key
	}
	return key, name
}

func compareHeadcount(a, b Headcount) int {
	switch {
	case (a.Key == "") != (b.Key == ""):
		if a.Key == "" {
			return 1
		}
		return -1
	case a.Name != b.Name:
		return strings.Compare(a.Name, b.Name)
	}
	return strings.Compare(a.Key, b.Key)
}

// clip shortens untrusted text quoted in an error message.
func clip(s string) string { return textclip.Text(s, 64) }
