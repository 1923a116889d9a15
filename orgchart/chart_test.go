package orgchart_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/orgchart"
	"github.com/hrisconnect/hrisconnect/unified"
)

var synthIgnoreDetail = cmpopts.IgnoreFields(orgchart.Problem{}, "Detail")

// synthProblems returns the problems injected by the generator as the chart reports
// them, without Detail.
func synthProblems(t *testing.T, injected []synth.Problem) []orgchart.Problem {
	t.Helper()
	var out []orgchart.Problem
	for _, p := range injected {
		var k orgchart.ProblemKind
		if err := k.UnmarshalText([]byte(p.Kind)); err != nil {
			t.Fatal(err)
		}
		out = append(out, orgchart.Problem{Kind: k, UserID: p.UserID, ManagerID: p.ManagerID, Cycle: p.Cycle})
	}
	return out
}

// synthCheckForest verifies the structural promises of an org chart: every user appears in
// exactly one tree, depths and roots agree, tree parents are real managers except at the
// documented roots, and the report lists agree with the manager links.
func synthCheckForest(t *testing.T, c *orgchart.Chart) {
	t.Helper()
	problems := c.Problems()
	whyRoot := map[string]orgchart.ProblemKind{}
	for _, p := range problems {
		switch p.Kind {
		case orgchart.ProblemCycle, orgchart.ProblemOrphan, orgchart.ProblemSelfManager:
			whyRoot[p.UserID] = p.Kind
		}
	}

	seen := map[string]bool{}
	var path []string // the current line of ancestors in the walk
	maxDepth := 0
	var walkRoots []string
	for id, depth := range c.Tree() {
		if seen[id] {
			t.Fatalf("Tree yields %q twice", id)
		}
		seen[id] = true
		if depth > len(path) || depth < 0 {
			t.Fatalf("Tree: %q at depth %d below a path of %d", id, depth, len(path))
		}
		path = append(path[:depth], id)
		if got := c.Depth(id); got != depth {
			t.Errorf("Depth(%q) = %d, Tree says %d", id, got, depth)
		}
		maxDepth = max(maxDepth, depth)
		mgr, hasMgr := c.Manager(id)
		if depth == 0 {
			walkRoots = append(walkRoots, id)
			if _, flagged := whyRoot[id]; hasMgr && !flagged {
				t.Errorf("%q is a root but has manager %q and no problem explains it", id, mgr)
			}
			continue
		}
		if parent := path[depth-1]; !hasMgr || mgr != parent {
			t.Errorf("%q drawn under %q, but its manager is %q", id, parent, mgr)
		}
		if whyRoot[id] != 0 {
			t.Errorf("%q has problem %v but is not a root", id, whyRoot[id])
		}
	}
	if len(seen) != c.Len() {
		t.Errorf("Tree yields %d users, chart has %d", len(seen), c.Len())
	}
	if diff := cmp.Diff(c.Roots(), walkRoots); diff != "" {
		t.Errorf("Roots() differs from the depth-0 users of Tree (-roots +tree):\n%s", diff)
	}
	if c.MaxDepth() != maxDepth {
		t.Errorf("MaxDepth() = %d, deepest user is at %d", c.MaxDepth(), maxDepth)
	}
	reportCount := 0
	for id := range seen {
		reports := c.DirectReports(id)
		if c.Span(id) != len(reports) {
			t.Errorf("Span(%q) = %d, %d direct reports", id, c.Span(id), len(reports))
		}
		reportCount += len(reports)
		for _, r := range reports {
			if m, _ := c.Manager(r); m != id {
				t.Errorf("%q lists %q as a report, whose manager is %q", id, r, m)
			}
		}
	}
	withMgr := 0
	for id := range seen {
		if _, ok := c.Manager(id); ok {
			withMgr++
		}
	}
	if reportCount != withMgr {
		t.Errorf("%d report links, %d users with a manager", reportCount, withMgr)
	}
}

func TestBuildOrgChartGenerated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts synth.Options
	}{
		{"clean", synth.Options{N: 400, Seed: 1}},
		{"cycles", synth.Options{N: 400, Seed: 2, Cycles: []int{2, 3, 5}, ManagerCycles: []int{2, 4}}},
		{"orphans", synth.Options{N: 400, Seed: 3, Orphans: 6}},
		{"self managers", synth.Options{N: 300, Seed: 4, SelfManagers: 3}},
		{"inactive managers", synth.Options{N: 500, Seed: 5, InactiveManagers: 4}},
		{"duplicates", synth.Options{N: 200, Seed: 6, Duplicates: 3}},
		{"everything", synth.Options{N: 1200, Seed: 7, Cycles: []int{2, 7}, ManagerCycles: []int{3}, Orphans: 5,
			SelfManagers: 2, InactiveManagers: 3, Duplicates: 2}},
		{"everything by email", synth.Options{N: 800, Seed: 8, Cycles: []int{3}, ManagerCycles: []int{2}, Orphans: 4,
			SelfManagers: 1, InactiveManagers: 2, Duplicates: 1, EmailManagers: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			co := synth.Generate(tt.opts)
			c := orgchart.Build(co.Users)
			if diff := cmp.Diff(synthProblems(t, co.Problems), c.Problems(), synthIgnoreDetail, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Problems() (-injected +found):\n%s", diff)
			}
			for _, p := range c.Problems() {
				if p.Detail == "" {
					t.Errorf("problem %v has no detail", p.Kind)
				}
			}
			synthCheckForest(t, c)
			for id, want := range co.ManagerOf {
				if got, _ := c.Manager(id); got != want {
					t.Errorf("Manager(%q) = %q, generated %q", id, got, want)
				}
			}
			// A shuffled input gives the same chart.
			c2 := orgchart.Build(synth.Shuffle(co.Users, 99))
			if tt.opts.Duplicates == 0 { // with duplicates, input order decides which record is kept
				if diff := cmp.Diff(c.Problems(), c2.Problems()); diff != "" {
					t.Errorf("shuffled input: Problems differ:\n%s", diff)
				}
				if diff := cmp.Diff(synthTree(c), synthTree(c2)); diff != "" {
					t.Errorf("shuffled input: Tree differs:\n%s", diff)
				}
			}
		})
	}
}

type synthTreeEntry struct {
	ID    string
	Depth int
}

func synthTree(c *orgchart.Chart) []synthTreeEntry {
	var out []synthTreeEntry
	for id, d := range c.Tree() {
		out = append(out, synthTreeEntry{id, d})
	}
	return out
}

// synthPeople builds users from "id:manager" pairs; names are the IDs upper-cased.
func synthPeople(specs ...string) []unified.User {
	var out []unified.User
	for _, s := range specs {
		id, mgr, _ := strings.Cut(s, ":")
		u := unified.User{ID: id, DisplayName: strings.ToUpper(id), Status: unified.StatusActive}
		if mgr != "" {
			u.Manager = &unified.Ref{ID: mgr}
		}
		out = append(out, u)
	}
	return out
}

func TestOrgChartQueries(t *testing.T) {
	t.Parallel()
	// ceo
	// ├── b ── d ── f
	// │        └─ e
	// └── c
	// x → y → z → x (cycle) with w under z; o reports to "nobody"; s manages itself.
	users := synthPeople("ceo", "b:ceo", "c:ceo", "d:b", "e:d", "f:d",
		"x:y", "y:z", "z:x", "w:z", "o:nobody", "s:s", "t:s")
	c := orgchart.Build(users)

	tests := []struct {
		id        string
		depth     int
		direct    []string
		all       []string
		chain     []string
		span      int
		managerOK bool
	}{
		{id: "ceo", depth: 0, direct: []string{"b", "c"}, all: []string{"b", "c", "d", "e", "f"}, span: 2},
		{id: "b", depth: 1, direct: []string{"d"}, all: []string{"d", "e", "f"}, chain: []string{"ceo"}, span: 1, managerOK: true},
		{id: "f", depth: 3, chain: []string{"d", "b", "ceo"}, managerOK: true},
		// The cycle is broken at X (first by name): X is a root, Z under it, Y under Z.
		{id: "x", depth: 0, direct: []string{"z"}, all: []string{"z", "w", "y"}, chain: []string{"y", "z"}, span: 1, managerOK: true},
		{id: "z", depth: 1, direct: []string{"w", "y"}, all: []string{"w", "y", "x"}, chain: []string{"x", "y"}, span: 2, managerOK: true},
		{id: "y", depth: 2, direct: []string{"x"}, all: []string{"x", "z", "w"}, chain: []string{"z", "x"}, span: 1, managerOK: true},
		{id: "w", depth: 2, chain: []string{"z", "x", "y"}, managerOK: true},
		{id: "o", depth: 0},
		{id: "s", depth: 0, direct: []string{"t"}, all: []string{"t"}, span: 1},
		{id: "t", depth: 1, chain: []string{"s"}, managerOK: true},
		{id: "missing", depth: -1},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			if got := c.Depth(tt.id); got != tt.depth {
				t.Errorf("Depth = %d, want %d", got, tt.depth)
			}
			if diff := cmp.Diff(tt.direct, c.DirectReports(tt.id), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("DirectReports (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.all, c.AllReports(tt.id), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("AllReports (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.chain, c.ManagerChain(tt.id), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ManagerChain (-want +got):\n%s", diff)
			}
			if got := c.Span(tt.id); got != tt.span {
				t.Errorf("Span = %d, want %d", got, tt.span)
			}
			if _, ok := c.Manager(tt.id); ok != tt.managerOK {
				t.Errorf("Manager ok = %v, want %v", ok, tt.managerOK)
			}
			if _, ok := c.User(tt.id); ok != (tt.depth >= 0) {
				t.Errorf("User found = %v", ok)
			}
		})
	}
	if diff := cmp.Diff([]string{"ceo", "o", "s", "x"}, slices.Sorted(slices.Values(c.Roots()))); diff != "" {
		t.Errorf("Roots (-want +got):\n%s", diff)
	}
	if got := c.Roots(); got[0] != "ceo" || got[1] != "o" || got[2] != "s" || got[3] != "x" {
		t.Errorf("Roots order = %v, want by name CEO, O, S, X", got)
	}
	if c.MaxDepth() != 3 {
		t.Errorf("MaxDepth = %d, want 3", c.MaxDepth())
	}
	want := []orgchart.Problem{
		{Kind: orgchart.ProblemCycle, UserID: "x", ManagerID: "y", Cycle: []string{"x", "y", "z"}},
		{Kind: orgchart.ProblemOrphan, UserID: "o", ManagerID: "nobody"},
		{Kind: orgchart.ProblemSelfManager, UserID: "s", ManagerID: "s"},
	}
	if diff := cmp.Diff(want, c.Problems(), synthIgnoreDetail); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	synthCheckForest(t, c)

	// Problems returns a copy.
	p := c.Problems()
	p[0].Cycle[0] = "changed"
	if c.Problems()[0].Cycle[0] != "x" {
		t.Error("Problems shares its Cycle slices with the chart")
	}
}

func TestOrgChartDataProblems(t *testing.T) {
	t.Parallel()
	inactive := func(u unified.User) unified.User { u.Status = unified.StatusInactive; return u }
	onLeave := func(u unified.User) unified.User { u.Status = unified.StatusLeave; return u }
	p := synthPeople
	tests := []struct {
		name  string
		users []unified.User
		roots []string
		want  []orgchart.Problem
	}{
		{name: "empty", users: nil},
		{
			name:  "inactive manager of active and on-leave reports, not of inactive ones",
			users: []unified.User{inactive(p("m")[0]), p("a:m")[0], onLeave(p("b:m")[0]), inactive(p("c:m")[0])},
			roots: []string{"m"},
			want: []orgchart.Problem{
				{Kind: orgchart.ProblemInactiveManager, UserID: "a", ManagerID: "m"},
				{Kind: orgchart.ProblemInactiveManager, UserID: "b", ManagerID: "m"},
			},
		},
		{
			name:  "duplicate IDs keep the first record",
			users: append(p("a", "b:a"), p("b", "b:zzz")...),
			roots: []string{"a"},
			want:  []orgchart.Problem{{Kind: orgchart.ProblemDuplicateID, UserID: "b"}},
		},
		{
			name:  "missing IDs are left out",
			users: append(p("a"), unified.User{DisplayName: "No ID", Email: "noid@example.com"}, unified.User{}),
			roots: []string{"a"},
			want: []orgchart.Problem{
				{Kind: orgchart.ProblemMissingID},
				{Kind: orgchart.ProblemMissingID},
			},
		},
		{
			name:  "two-person cycle",
			users: p("a:b", "b:a"),
			roots: []string{"a"},
			want:  []orgchart.Problem{{Kind: orgchart.ProblemCycle, UserID: "a", ManagerID: "b", Cycle: []string{"a", "b"}}},
		},
		{
			name: "manager reference without ID or email",
			users: []unified.User{{ID: "a", Status: unified.StatusActive,
				Manager: &unified.Ref{Name: "Somebody"}}},
			roots: []string{"a"},
			want:  []orgchart.Problem{{Kind: orgchart.ProblemOrphan, UserID: "a"}},
		},
		{
			name:  "empty manager reference means no manager",
			users: []unified.User{{ID: "a", Manager: &unified.Ref{}}},
			roots: []string{"a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := orgchart.Build(tt.users)
			if diff := cmp.Diff(tt.want, c.Problems(), synthIgnoreDetail, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.roots, c.Roots(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Roots (-want +got):\n%s", diff)
			}
			synthCheckForest(t, c)
		})
	}
}

func TestOrgChartDuplicateKeepsFirst(t *testing.T) {
	t.Parallel()
	users := synthPeople("a", "b:a")
	dup := users[1]
	dup.Title = "second record"
	c := orgchart.Build(append(users, dup))
	u, ok := c.User("b")
	if !ok || u.Title != "" {
		t.Errorf("User(b) = %+v, want the first record", u)
	}
	if c.Len() != 2 {
		t.Errorf("Len = %d, want 2", c.Len())
	}
	if p := c.Problems(); len(p) != 1 || !strings.Contains(p[0].Detail, "2 records") {
		t.Errorf("Problems = %v, want one duplicate naming 2 records", p)
	}
}

func TestOrgChartEmailManagers(t *testing.T) {
	t.Parallel()
	users := []unified.User{
		{ID: "a", Email: "Boss@Example.com", DisplayName: "Boss"},
		{ID: "b", Manager: &unified.Ref{Email: "boss@example.COM"}},
		{ID: "c", Email: "twin@example.com"},
		{ID: "d", Email: "TWIN@example.com"},
		{ID: "e", Manager: &unified.Ref{Email: "twin@example.com", Name: "Twin"}},
		// An ID, when set, wins over the email.
		{ID: "f", Manager: &unified.Ref{ID: "c", Email: "boss@example.com"}},
	}
	c := orgchart.Build(users)
	if m, _ := c.Manager("b"); m != "a" {
		t.Errorf("Manager(b) = %q, want a (matched by email, ignoring case)", m)
	}
	if m, _ := c.Manager("f"); m != "c" {
		t.Errorf("Manager(f) = %q, want c (by ID)", m)
	}
	want := []orgchart.Problem{{Kind: orgchart.ProblemOrphan, UserID: "e", ManagerID: "twin@example.com"}}
	if diff := cmp.Diff(want, c.Problems(), synthIgnoreDetail); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	if p := c.Problems(); len(p) == 1 && !strings.Contains(p[0].Detail, "several users") {
		t.Errorf("ambiguous email detail = %q", p[0].Detail)
	}
}

func TestOrgChartEmailMatchesIDChart(t *testing.T) {
	t.Parallel()
	opts := synth.Options{N: 600, Seed: 11}
	byID := orgchart.Build(synth.Generate(opts).Users)
	opts.EmailManagers = true
	byEmail := orgchart.Build(synth.Generate(opts).Users)
	if diff := cmp.Diff(synthTree(byID), synthTree(byEmail)); diff != "" {
		t.Errorf("manager links by email give another tree:\n%s", diff)
	}
}

func TestOrgChartLongChain(t *testing.T) {
	t.Parallel()
	const n = 100_000
	t.Run("chain", func(t *testing.T) {
		t.Parallel()
		c := orgchart.Build(synth.Chain(n, false))
		last := "c099999"
		if got := c.Depth(last); got != n-1 {
			t.Errorf("Depth(last) = %d, want %d", got, n-1)
		}
		if c.MaxDepth() != n-1 {
			t.Errorf("MaxDepth = %d", c.MaxDepth())
		}
		if got := len(c.ManagerChain(last)); got != n-1 {
			t.Errorf("len(ManagerChain(last)) = %d", got)
		}
		if got := len(c.AllReports("c000000")); got != n-1 {
			t.Errorf("len(AllReports(root)) = %d", got)
		}
		if diff := cmp.Diff([]string{"c000000"}, c.Roots()); diff != "" {
			t.Errorf("Roots:\n%s", diff)
		}
		if len(c.Problems()) != 0 {
			t.Errorf("Problems = %v", c.Problems()[:1])
		}
		count := 0
		for range c.Tree() {
			count++
		}
		if count != n {
			t.Errorf("Tree yields %d users", count)
		}
	})
	t.Run("ring", func(t *testing.T) {
		t.Parallel()
		c := orgchart.Build(synth.Chain(n, true))
		p := c.Problems()
		if len(p) != 1 || p[0].Kind != orgchart.ProblemCycle || len(p[0].Cycle) != n {
			t.Fatalf("want one cycle of %d, got %d problems", n, len(p))
		}
		// c000000 sorts first; it reports to c099999, which reports to c099998, ...
		if p[0].Cycle[0] != "c000000" || p[0].Cycle[1] != "c099999" || p[0].ManagerID != "c099999" {
			t.Errorf("cycle starts %v, manager %q", p[0].Cycle[:2], p[0].ManagerID)
		}
		if got := c.Depth("c099999"); got != n-1 {
			t.Errorf("Depth(c099999) = %d, want %d", got, n-1)
		}
		if got := len(c.ManagerChain("c000001")); got != n-1 {
			t.Errorf("len(ManagerChain) = %d, want %d", got, n-1)
		}
		if got := len(c.AllReports("c050000")); got != n-1 {
			t.Errorf("len(AllReports) = %d, want %d", got, n-1)
		}
		if !strings.Contains(p[0].Detail, "more") {
			t.Errorf("the detail of a long cycle should be shortened: %.200s", p[0].Detail)
		}
	})
}

func TestHeadcount(t *testing.T) {
	t.Parallel()
	co := synth.Generate(synth.Options{N: 700, Seed: 12, Duplicates: 2})
	c := orgchart.Build(co.Users)
	got := c.HeadcountByDepartment()
	if len(got) != len(co.Departments) {
		t.Fatalf("%d departments, want %d", len(got), len(co.Departments))
	}
	total := 0
	for k, h := range got {
		if h.Count != co.Departments[h.Key] {
			t.Errorf("department %s: Count %d, want %d", h.Key, h.Count, co.Departments[h.Key])
		}
		if h.Active > h.Count || h.Active == 0 {
			t.Errorf("department %s: Active %d of %d", h.Key, h.Active, h.Count)
		}
		if k > 0 && got[k-1].Name > h.Name {
			t.Errorf("not sorted by name: %q before %q", got[k-1].Name, h.Name)
		}
		total += h.Count
	}
	if total != c.Len() {
		t.Errorf("departments hold %d users, chart %d", total, c.Len())
	}
	teams := c.HeadcountByTeam()
	total = 0
	for _, h := range teams {
		total += h.Count
		if !strings.HasPrefix(h.Key, "d-") || !strings.Contains(h.Name, "Team") {
			t.Errorf("team %+v", h)
		}
	}
	if total != c.Len() {
		t.Errorf("teams hold %d users, chart %d", total, c.Len())
	}
}

func TestHeadcountKeys(t *testing.T) {
	t.Parallel()
	users := []unified.User{
		{ID: "1", Status: unified.StatusActive, Department: &unified.Ref{ID: "d2", Name: "Sales"}},
		{ID: "2", Status: unified.StatusInactive, Department: &unified.Ref{ID: "d2", Name: "Sales (renamed)"}},
		{ID: "3", Status: unified.StatusActive, Department: &unified.Ref{Name: "Art"}},
		{ID: "4", Status: unified.StatusActive},
		{ID: "5", Status: unified.StatusOnboarding, Department: &unified.Ref{ID: "d9"}},
	}
	want := []orgchart.Headcount{
		{Key: "Art", Name: "Art", Count: 1, Active: 1},
		{Key: "d2", Name: "Sales", Count: 2, Active: 1},
		{Key: "d9", Name: "d9", Count: 1, Active: 1},
		{Key: "", Name: "", Count: 1, Active: 1},
	}
	if diff := cmp.Diff(want, orgchart.Build(users).HeadcountByDepartment()); diff != "" {
		t.Errorf("HeadcountByDepartment (-want +got):\n%s", diff)
	}
}

func TestProblemKindText(t *testing.T) {
	t.Parallel()
	for k := orgchart.ProblemCycle; k <= orgchart.ProblemMissingID; k++ {
		b, err := json.Marshal(k)
		if err != nil {
			t.Fatalf("Marshal(%d): %v", k, err)
		}
		var back orgchart.ProblemKind
		if err := json.Unmarshal(b, &back); err != nil || back != k {
			t.Errorf("round trip of %s = %v, %v", b, back, err)
		}
	}
	var k orgchart.ProblemKind
	if err := k.UnmarshalText([]byte("nonsense")); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("UnmarshalText(nonsense) = %v, want ErrInvalidValue", err)
	}
	if _, err := orgchart.ProblemKind(0).MarshalText(); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("MarshalText(0) = %v, want ErrInvalidValue", err)
	}
	if s := orgchart.ProblemKind(42).String(); s != "ProblemKind(42)" {
		t.Errorf("String = %q", s)
	}
	p := orgchart.Problem{Kind: orgchart.ProblemOrphan, Detail: "x"}
	if p.String() != "orphan: x" {
		t.Errorf("Problem.String = %q", p.String())
	}
}

func TestTreeStopsEarly(t *testing.T) {
	t.Parallel()
	c := orgchart.Build(synth.Generate(synth.Options{N: 50, Seed: 3}).Users)
	n := 0
	for range c.Tree() {
		n++
		if n == 5 {
			break
		}
	}
	if n != 5 {
		t.Errorf("loop ran %d times", n)
	}
}
