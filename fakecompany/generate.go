package fakecompany

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Options tune [Generate]. The zero value (or a nil *Options) gives the defaults.
type Options struct {
	// Today is the reference day: hire dates of current staff lie before it, those of
	// people still onboarding after it, terminations of leavers on or before it, and every
	// CreatedAt and UpdatedAt before its midnight (UTC). Zero means 2026-06-01; the
	// generator never reads the clock.
	Today unified.Date
	// Domain is the email domain. Empty means one derived from the company name
	// ("acme-demo.example"). It is lower-cased and trimmed, not otherwise checked:
	// [Company.Validate] reports addresses it makes invalid.
	Domain string
	// Name is the company name, without legal form. Empty means one chosen by the seed.
	Name string
	// ExternalShare, InactiveShare, LeaveShare and OnboardingShare are the shares of
	// contractors, leavers, people on leave and people not yet started, each in [0, 1].
	// Zero means the default (10%, 8%, 3% and 4%); a negative value means none. Shares
	// above 1 count as 1, and if the three status shares add up to more than 1 they are
	// scaled down to fit. Managers are never inactive or onboarding, and the CEO is
	// always internal and active, so small or extreme requests may be met only in part.
	ExternalShare, InactiveShare, LeaveShare, OnboardingShare float64
}

// Default shares used for zero Options fields.
const (
	DefaultExternalShare   = 0.10
	DefaultInactiveShare   = 0.08
	DefaultLeaveShare      = 0.03
	DefaultOnboardingShare = 0.04
	// noticeShare is the share of people who are active but have resigned: their
	// termination date lies after Today.
	noticeShare = 0.01
)

// DefaultToday returns the reference day used when Options.Today is zero: 2026-06-01.
func DefaultToday() unified.Date { return unified.NewDate(2026, time.June, 1) }

// share resolves one Options share.
func share(v, def float64) float64 {
	switch {
	case math.IsNaN(v) || v == 0:
		return def
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

// Generate returns a generated company of n people (n < 0 counts as 0). The same seed, n
// and options always give the same company, on every platform and Go release; different
// seeds give different companies.
//
// The company has two legal entities (a GmbH and a Ltd), ten departments with their teams,
// six offices, one cost centre per department plus a shared one, and nine custom
// attributes. Its people form one management tree: a CEO, department heads reporting to
// the CEO, team leads reporting to the heads, and below them members and, in large teams,
// layers of managers, so that spans of control stay between about 3 and 12 at any size.
// Every status and employment type occurs (for n large enough), people on leave include
// managers, and a few people lack a department, a team or an office. With n = 0 the
// company has its structure but no people; with n = 1 it is the CEO alone.
//
// Generate takes well under a second for n = 100,000.
func Generate(seed uint64, n int, opts *Options) *Company {
	var o Options
	if opts != nil {
		o = *opts
	}
	n = max(n, 0)
	g := &generator{
		seed:  seed,
		n:     n,
		today: o.Today,
	}
	if g.today.IsZero() {
		g.today = DefaultToday()
	}
	g.todayNum = dayNumber(g.today)
	g.now = g.today.Time(time.UTC).Unix()
	g.name = strings.TrimSpace(o.Name)
	if g.name == "" {
		g.name = companyNames[newRNG(seed, 1).intn(len(companyNames))]
	}
	g.domain = strings.ToLower(strings.TrimSpace(o.Domain))
	if g.domain == "" {
		g.domain = domainFor(g.name)
	}
	g.external = share(o.ExternalShare, DefaultExternalShare)
	g.inactive = share(o.InactiveShare, DefaultInactiveShare)
	g.leave = share(o.LeaveShare, DefaultLeaveShare)
	g.onboarding = share(o.OnboardingShare, DefaultOnboardingShare)
	if sum := g.inactive + g.leave + g.onboarding; sum > 1 {
		g.inactive /= sum
		g.leave /= sum
		g.onboarding /= sum
	}
	return g.run()
}

// domainFor derives an email domain from a company name: "Alpenglühen Energy" →
// "alpengluehen-energy.example".
func domainFor(name string) string {
	slug := asciiFold(strings.Join(strings.Fields(name), "-"))
	slug = strings.Trim(slug, "-.")
	if slug == "" {
		slug = "company"
	}
	return slug + ".example"
}

// Node kinds: a person's place in the management tree.
const (
	kindCEO   uint8 = iota
	kindExec        // executive assistant
	kindChief       // chief of staff
	kindHead
	kindLead
	kindManager
	kindSeniorManager
	kindMember
)

// node is a person under construction, before IDs are assigned.
type node struct {
	sup      int32 // index of the supervisor, -1 for none
	reports  int32 // number of direct reports
	dept     int16 // index into Company.Departments, -1 for none
	team     int16 // index into Company.Teams, -1 for none
	kind     uint8
	status   uint8 // index into statusNames
	external bool
	notice   bool // active, but resigned: terminates after Today
	keep     bool // must stay active: reports to the manager on leave
	noOffice bool
	student  bool // a working student

	birth, hire int32 // day numbers
	created     int64 // Unix seconds
}

var statusNames = [...]unified.Status{unified.StatusActive, unified.StatusLeave, unified.StatusInactive, unified.StatusOnboarding}

const (
	stActive uint8 = iota
	stLeave
	stInactive
	stOnboarding
)

// generator holds the state of one Generate call.
type generator struct {
	seed     uint64
	n        int
	today    unified.Date
	todayNum int
	now      int64 // Unix seconds of Today's midnight, UTC
	name     string
	domain   string

	external, inactive, leave, onboarding float64

	c        *Company
	nodes    []node
	deptTeam [][]int // team indices per department index
	founding int     // day number

	gmbh, ltd  int // indices of the legal entities
	remote     int // index of the Remote office
	officeW    []int
	teamOffice []int // preferred office index per team, -1 for none
	teamSpecs  []*teamSpec
	deptCC     []int // cost centre ID per department
	sharedCC   int

	first [3][]nameEntry
	last  [3][]nameEntry
	unisx []nameEntry
}

// nameEntry is a name with its email form.
type nameEntry struct {
	name, nick, ascii string
	gender            byte
}

func (g *generator) run() *Company {
	g.structure()
	if g.n > 0 {
		g.tree()
		g.statuses()
		g.dates()
		g.people()
	}
	return g.c
}

// structure builds everything but the people.
func (g *generator) structure() {
	c := &Company{Name: g.name, Seed: g.seed, Domain: g.domain, People: make([]Person, 0, g.n)}
	g.c = c
	c.LegalEntities = []LegalEntity{
		{ID: legalEntityBase, Name: g.name + " GmbH", Country: "DE"},
		{ID: legalEntityBase + 1, Name: g.name + " Ltd", Country: "GB"},
	}
	g.gmbh, g.ltd = 0, 1
	for i, o := range offices {
		c.Offices = append(c.Offices, Office{ID: officeBase + i, Name: o.name, Country: o.country, Timezone: o.tz})
		g.officeW = append(g.officeW, o.weight)
		if o.name == "Remote" {
			g.remote = i
		}
	}
	g.deptTeam = make([][]int, len(departments))
	for i, d := range departments {
		id := departmentBase + i
		c.Departments = append(c.Departments, Department{ID: id, Name: d.name, LatticeID: uuidFrom(g.seed, uuidDepartment, uint64(id))})
		c.CostCenters = append(c.CostCenters, CostCenter{ID: costCenterBase + i, Name: strconv.Itoa((i+1)*1000) + " " + d.name})
		g.deptCC = append(g.deptCC, costCenterBase+i)
		for j, t := range d.teams {
			g.teamSpecs = append(g.teamSpecs, &d.teams[j])
			g.deptTeam[i] = append(g.deptTeam[i], len(c.Teams))
			c.Teams = append(c.Teams, Team{ID: teamBase + len(c.Teams), Name: t.name, DepartmentID: id})
			pref := -1
			for j, o := range offices {
				if o.name == t.office {
					pref = j
				}
			}
			g.teamOffice = append(g.teamOffice, pref)
		}
	}
	g.sharedCC = costCenterBase + len(departments)
	c.CostCenters = append(c.CostCenters, CostCenter{ID: g.sharedCC, Name: sharedCostCenter})
	for _, a := range attributeSpecs {
		a.Options = slices.Clone(a.Options)
		a.LatticeID = attributeUUID(g.seed, a.Key)
		c.Attributes = append(c.Attributes, a)
	}

	// Name pools with their email forms, so that each name is folded once.
	firsts := [3][]firstName{germanFirst, europeanFirst, internationalFirst}
	lasts := [3][]string{germanLast, europeanLast, internationalLast}
	for p := range 3 {
		for _, f := range firsts[p] {
			e := nameEntry{name: f.name, nick: f.nick, ascii: asciiFold(f.name), gender: f.gender}
			g.first[p] = append(g.first[p], e)
			if f.gender == 'u' {
				g.unisx = append(g.unisx, e)
			}
		}
		for _, l := range lasts[p] {
			g.last[p] = append(g.last[p], nameEntry{name: l, ascii: asciiFold(l)})
		}
	}
}

func (g *generator) add(nd node) int32 {
	if nd.sup >= 0 {
		g.nodes[nd.sup].reports++
	}
	g.nodes = append(g.nodes, nd)
	return int32(len(g.nodes) - 1)
}

// tree builds the management tree: who reports to whom, in which department and team.
func (g *generator) tree() {
	r := newRNG(g.seed, 2)
	g.nodes = make([]node, 0, g.n)
	mgmt := int16(0) // departments[0] is Management
	ceo := g.add(node{sup: -1, dept: mgmt, team: -1, kind: kindCEO})
	rest := g.n - 1
	if g.n >= 40 {
		g.add(node{sup: ceo, dept: mgmt, team: -1, kind: kindExec})
		rest--
	}
	if g.n >= 150 {
		g.add(node{sup: ceo, dept: mgmt, team: -1, kind: kindChief})
		rest--
	}
	// Small companies have fewer departments (about five people each), the largest first;
	// departments is ordered by weight.
	used := min(max((rest+4)/5, 1), len(departments)-1)
	weights := make([]int, len(departments))
	for i, d := range departments {
		if i <= used {
			weights[i] = d.weight
		}
	}
	sizes := apportion(rest, weights)
	for d, size := range sizes {
		if size == 0 {
			continue
		}
		dept := int16(d)
		head := g.add(node{sup: ceo, dept: dept, team: -1, kind: kindHead})
		members := size - 1
		teams := g.deptTeam[d]
		if members <= 8 {
			// A small department: everyone reports to the head, spread over a few teams.
			k := min(len(teams), (members+3)/4)
			for i := range members {
				team := int16(-1)
				if k > 0 {
					team = int16(teams[i%k])
				}
				g.add(node{sup: head, dept: dept, team: team, kind: kindMember})
			}
			continue
		}
		t := min(max((members+9)/10, 2), len(teams))
		tw := make([]int, t)
		for i := range tw {
			tw[i] = r.between(6, 14)
		}
		for i, ts := range apportionMin1(members, tw) {
			team := int16(teams[i])
			lead := g.add(node{sup: head, dept: dept, team: team, kind: kindLead})
			g.group(lead, ts-1, dept, team)
		}
	}
}

// maxSpan is the largest number of direct reports the tree builder gives a manager of
// members; larger groups get a layer of managers.
const maxSpan = 12

// group places m members under leader, adding layers of managers when m exceeds maxSpan
// so that every manager has between about 3 and 12 direct reports.
func (g *generator) group(leader int32, m int, dept, team int16) {
	if m <= maxSpan {
		for range m {
			g.add(node{sup: leader, dept: dept, team: team, kind: kindMember})
		}
		return
	}
	k := min(max((m+9)/10, 3), 10)
	rest := m - k
	for i := range k {
		share := rest / k
		if i < rest%k {
			share++
		}
		kind := kindManager
		if share > maxSpan {
			kind = kindSeniorManager
		}
		mgr := g.add(node{sup: leader, dept: dept, team: team, kind: kind})
		g.group(mgr, share, dept, team)
	}
}

// apportion splits total in proportion to weights (largest remainder method).
func apportion(total int, weights []int) []int {
	out := make([]int, len(weights))
	if total <= 0 {
		return out
	}
	sum := 0
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		return out
	}
	type rem struct{ i, r int }
	rems := make([]rem, 0, len(weights))
	given := 0
	for i, w := range weights {
		out[i] = total * w / sum
		given += out[i]
		rems = append(rems, rem{i, total * w % sum})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return b.r - a.r })
	for j := 0; given < total; j++ {
		out[rems[j%len(rems)].i]++
		given++
	}
	return out
}

// apportionMin1 is apportion with every share at least 1 (total >= len(weights)).
func apportionMin1(total int, weights []int) []int {
	out := apportion(total-len(weights), weights)
	for i := range out {
		out[i]++
	}
	return out
}

// pick returns up to k distinct elements of candidates chosen at random (partial
// Fisher-Yates); it reorders candidates.
func pick(r *rng, candidates []int32, k int) []int32 {
	k = min(k, len(candidates))
	for i := range k {
		j := i + r.intn(len(candidates)-i)
		candidates[i], candidates[j] = candidates[j], candidates[i]
	}
	return candidates[:k]
}

func round(x float64) int { return int(math.Round(x)) }

// statuses chooses who is on leave, inactive, onboarding, external, serving notice, or
// missing a department, team or office.
func (g *generator) statuses() {
	r := newRNG(g.seed, 3)
	n := float64(g.n)
	nodes := g.nodes

	// Leave: one manager first (so that some people report to a manager on leave), with
	// one direct report kept active; then anybody but the CEO.
	leaveN := round(n * g.leave)
	if leaveN > 0 {
		var mgrs, heads []int32
		for i := 1; i < len(nodes); i++ {
			switch {
			case nodes[i].reports == 0:
			case nodes[i].kind == kindHead:
				heads = append(heads, int32(i))
			default:
				mgrs = append(mgrs, int32(i))
			}
		}
		if len(mgrs) == 0 {
			mgrs = heads
		}
		if len(mgrs) > 0 {
			m := mgrs[r.intn(len(mgrs))]
			nodes[m].status = stLeave
			leaveN--
			var reps []int32
			for i := range nodes {
				if nodes[i].sup == m {
					reps = append(reps, int32(i))
				}
			}
			nodes[reps[r.intn(len(reps))]].keep = true
		}
		var cand []int32
		for i := 1; i < len(nodes); i++ {
			if nodes[i].status == stActive && !nodes[i].keep {
				cand = append(cand, int32(i))
			}
		}
		for _, i := range pick(r, cand, leaveN) {
			nodes[i].status = stLeave
		}
	}

	// Inactive and onboarding: people without reports.
	leaves := func() []int32 {
		var cand []int32
		for i := 1; i < len(nodes); i++ {
			if nodes[i].reports == 0 && nodes[i].status == stActive && !nodes[i].keep {
				cand = append(cand, int32(i))
			}
		}
		return cand
	}
	for _, i := range pick(r, leaves(), round(n*g.inactive)) {
		nodes[i].status = stInactive
	}
	for _, i := range pick(r, leaves(), round(n*g.onboarding)) {
		nodes[i].status = stOnboarding
	}
	for _, i := range pick(r, leaves(), round(n*noticeShare)) {
		nodes[i].notice = true
	}

	// Externals, and gaps in the org data: members only.
	var members []int32
	for i := range nodes {
		if nodes[i].kind == kindMember && nodes[i].reports == 0 {
			members = append(members, int32(i))
		}
	}
	for _, i := range pick(r, members, round(n*g.external)) {
		nodes[i].external = true
	}
	var internal []int32
	for _, i := range members {
		if !nodes[i].external {
			internal = append(internal, i)
		}
	}
	for _, i := range pick(r, internal, round(n*0.03)) {
		nodes[i].student = true
	}
	for _, i := range pick(r, members, round(n*0.01)) {
		nodes[i].dept, nodes[i].team = -1, -1
	}
	for _, i := range pick(r, members, round(n*0.03)) {
		nodes[i].team = -1
	}
	for _, i := range pick(r, members, round(n*0.02)) {
		nodes[i].noOffice = true
	}
}

// dates chooses birth and hire days and record creation times, then orders the people by
// creation time and numbers them: as in a real HR system, IDs grow with creation.
func (g *generator) dates() {
	r := newRNG(g.seed, 4)
	today := g.todayNum
	// The company was founded 8 to 14 years ago and started using its HR system a month
	// later, importing everybody hired by then.
	g.founding = dayNumber(addYears(g.today, -r.between(8, 14))) - r.intn(365)
	systemStart := g.founding + 30
	importAt := int64(systemStart)*86400 + 10*3600

	for i := range g.nodes {
		nd := &g.nodes[i]
		minAge, maxAge := 21, 63
		switch nd.kind {
		case kindCEO:
			minAge, maxAge = 40, 60
		case kindHead, kindSeniorManager:
			minAge = 30
		case kindLead, kindManager:
			minAge = 27
		case kindMember:
			if nd.student {
				minAge, maxAge = 20, 27
			}
		}
		age := r.between(minAge, maxAge)
		birth := dayNumber(addYears(g.today, -age-1)) + 1 + r.intn(365)
		firstJob := 20 // the youngest age at hiring
		if nd.student {
			firstJob = 18
		}
		adult := dayNumber(addYears(dateFromDayNumber(birth), firstJob))

		var hire int
		switch {
		case nd.kind == kindCEO:
			hire = g.founding
		case nd.status == stOnboarding:
			hire = today + r.between(1, 90)
		default:
			var f float64
			switch nd.kind {
			case kindHead:
				f = 0.5 * r.float()
			case kindLead, kindSeniorManager:
				f = 0.1 + 0.7*r.float()
			case kindManager, kindExec, kindChief:
				f = 0.15 + 0.8*r.float()
			default:
				f = math.Sqrt(r.float()) // a growing company hires more every year
			}
			last := today - 1
			if nd.status == stInactive {
				last = today - 60
			}
			hire = g.founding + 1 + int(f*float64(last-g.founding-1))
			hire = min(max(hire, adult+r.intn(200)), last)
		}
		nd.birth, nd.hire = int32(birth), int32(hire)

		// The record is created some days before the start (or at the import).
		created := int64(hire-r.between(7, 45))*86400 + int64(r.between(7*3600, 17*3600))
		if nd.status == stOnboarding {
			created = int64(today-r.between(1, 60))*86400 + int64(r.between(7*3600, 17*3600))
		}
		if created < importAt {
			created = importAt + int64(hire-g.founding)
		}
		nd.created = min(created, g.now-1)
	}
}

// people turns the nodes into Persons, ordered and numbered by creation time.
func (g *generator) people() {
	nodes := g.nodes
	order := make([]int32, len(nodes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if d := nodes[a].created - nodes[b].created; d != 0 {
			return cmpInt64(d)
		}
		return int(a - b)
	})
	ids := make([]int, len(nodes))
	idr := newRNG(g.seed, 5)
	next := firstPersonID
	for _, i := range order {
		ids[i] = next
		next++
		if idr.intn(100) < 5 { // a record deleted since: a gap in the numbering
			next += idr.between(1, 3)
		}
	}

	r := newRNG(g.seed, 6)
	emails := make(map[string]int, len(nodes))
	var numbers [2]int // personnel numbers issued per legal entity
	c := g.c
	c.People = c.People[:len(nodes)]
	for k, i := range order {
		nd := &nodes[i]
		p := &c.People[k]
		p.ID = ids[i]
		p.LatticeID = uuidFrom(g.seed, uuidPerson, uint64(p.ID))
		if nd.sup >= 0 {
			p.SupervisorID = ids[nd.sup]
		}
		p.Status = statusNames[nd.status]
		p.EmploymentType = EmploymentInternal
		if nd.external {
			p.EmploymentType = EmploymentExternal
		}
		g.names(r, p, emails)
		g.placement(r, nd, p)
		if p.EmploymentType == EmploymentInternal && p.LegalEntityID != 0 {
			e := 0
			if p.LegalEntityID == c.LegalEntities[g.ltd].ID {
				e = 1
			}
			numbers[e]++
			p.EmployeeNumber = c.LegalEntities[e].Country + "-" + pad5(numbers[e])
		}
		level := g.position(r, nd, p)
		g.employment(r, nd, p)
		g.custom(r, nd, p, level)
		p.IsAdmin = g.isAdmin(nd)
	}
}

func cmpInt64(d int64) int {
	if d < 0 {
		return -1
	}
	return 1
}

func pad5(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 5 {
		s = "00000"[len(s):] + s
	}
	return s
}

// names gives p a first, last and preferred name, a gender and a unique email address.
func (g *generator) names(r *rng, p *Person, emails map[string]int) {
	var f nameEntry
	if r.intn(100) < 2 {
		f = g.unisx[r.intn(len(g.unisx))]
		p.Gender = GenderDiverse
	} else {
		pool := g.first[r.weighted(poolWeights)]
		f = pool[r.intn(len(pool))]
		switch f.gender {
		case 'm':
			p.Gender = GenderMale
		case 'f':
			p.Gender = GenderFemale
		default:
			p.Gender = [2]string{GenderMale, GenderFemale}[r.intn(2)]
		}
	}
	pool := g.last[r.weighted(poolWeights)]
	l := pool[r.intn(len(pool))]
	last, lastASCII := l.name, l.ascii
	if r.intn(100) < 3 { // a double-barrelled name
		l2 := g.last[0][r.intn(len(g.last[0]))]
		if l2.name != l.name && !strings.ContainsRune(l.name+l2.name, ' ') {
			last, lastASCII = l.name+"-"+l2.name, l.ascii+"-"+l2.ascii
		}
	}
	p.FirstName, p.LastName = f.name, last
	if f.nick != "" && r.intn(100) < 35 {
		p.PreferredName = f.nick
	}
	base := f.ascii + "." + lastASCII
	emails[base]++
	if k := emails[base]; k > 1 {
		base += strconv.Itoa(k)
	}
	p.Email = base + "@" + g.domain
}

// placement sets department, team, office, legal entity and time zone.
func (g *generator) placement(r *rng, nd *node, p *Person) {
	c := g.c
	if nd.dept >= 0 {
		p.DepartmentID = c.Departments[nd.dept].ID
	}
	if nd.team >= 0 {
		p.TeamID = c.Teams[nd.team].ID
	}
	office := -1
	switch {
	case nd.noOffice:
	case nd.kind == kindCEO:
		office = 0
	case nd.team >= 0 && g.teamOffice[nd.team] >= 0 && r.intn(100) < 70:
		office = g.teamOffice[nd.team]
	default:
		office = r.weighted(g.officeW)
	}
	entity := g.gmbh
	if office >= 0 {
		o := &c.Offices[office]
		p.OfficeID = o.ID
		p.Timezone = o.Timezone
		switch {
		case o.Country == "GB":
			entity = g.ltd
		case office == g.remote:
			if r.intn(100) < 25 {
				entity = g.ltd
			}
			p.Timezone = remoteTimezones[r.intn(len(remoteTimezones))]
		}
	}
	if nd.external && r.intn(100) < 30 {
		return // hired through an agency: no legal entity of ours
	}
	p.LegalEntityID = c.LegalEntities[entity].ID
}

// position sets the job title and returns the job level (1 to 8, 0 for none).
func (g *generator) position(r *rng, nd *node, p *Person) int {
	var d *deptSpec
	if nd.dept >= 0 {
		d = &departments[nd.dept]
	}
	switch nd.kind {
	case kindCEO:
		p.Position = "Chief Executive Officer"
		return 8
	case kindExec:
		p.Position = "Executive Assistant"
		return 4
	case kindChief:
		p.Position = "Chief of Staff"
		return 6
	case kindHead:
		p.Position = "Head of " + d.name
		return 7
	case kindLead:
		p.Position = "Team Lead " + g.c.Teams[nd.team].Name
		return 6
	case kindSeniorManager:
		p.Position = "Senior " + d.managerTitle
		return 6
	case kindManager:
		p.Position = d.managerTitle
		return 5
	}
	// A member. Members without a department keep the role they were hired for.
	if d == nil {
		d = &departments[1+r.intn(len(departments)-1)]
	}
	roles := d.roles
	if nd.team >= 0 {
		if t := g.teamSpecs[nd.team]; len(t.roles) > 0 {
			roles = t.roles
		}
	}
	role := roles[r.intn(len(roles))]
	if nd.external {
		if r.intn(100) < 40 {
			p.Position = "Freelance " + role
		} else {
			p.Position = role
		}
		return 0
	}
	if nd.student {
		p.Position = "Working Student " + d.name
		return 1
	}
	x := r.intn(100)
	switch age := (g.todayNum - int(nd.birth)) / 365; {
	case age < 27 && x >= 55:
		x = 12 + r.intn(43) // too young to be senior
	case age >= 45 && x < 12:
		x = 12 + r.intn(88) // too old to be junior
	}
	switch {
	case x < 12:
		p.Position = "Junior " + role
		return 2
	case x < 55:
		p.Position = role
		return 3
	case x < 90 || d.name != "Engineering":
		p.Position = "Senior " + role
		return 4
	case x < 97:
		p.Position = "Staff " + role
		return 5
	}
	p.Position = "Principal " + role
	return 6
}

// employment sets dates, hours, cost centres and termination data.
func (g *generator) employment(r *rng, nd *node, p *Person) {
	today := g.todayNum
	hire := int(nd.hire)
	p.BirthDate = dateFromDayNumber(int(nd.birth))
	p.HireDate = dateFromDayNumber(hire)
	internal := !nd.external
	if internal {
		p.ProbationEnd = addMonths(p.HireDate, 6)
	}

	// Hours.
	switch {
	case nd.external:
		p.WeeklyHours = float64(4 * r.between(4, 10))
	case nd.student:
		p.WeeklyHours = 20
	case nd.kind == kindMember && r.intn(100) < 15:
		p.WeeklyHours = partTimeHrs[r.intn(len(partTimeHrs))]
	case p.LegalEntityID == g.c.LegalEntities[g.ltd].ID:
		p.WeeklyHours = 37.5
	default:
		p.WeeklyHours = 40
	}

	// Cost centres: none for most contractors.
	switch {
	case nd.external && r.intn(100) < 70:
	case nd.dept < 0:
		p.CostCenters = []CostCenterShare{{ID: g.sharedCC, Percentage: 100}}
	case !nd.external && r.intn(100) < 12:
		pct := float64(r.between(6, 8) * 10)
		p.CostCenters = []CostCenterShare{{ID: g.deptCC[nd.dept], Percentage: pct}, {ID: g.sharedCC, Percentage: 100 - pct}}
	default:
		p.CostCenters = []CostCenterShare{{ID: g.deptCC[nd.dept], Percentage: 100}}
	}

	// Contract end: most contractors, a few fixed-term employees.
	switch {
	case nd.status == stInactive:
	case nd.external && r.intn(100) < 70:
		if nd.status == stOnboarding {
			p.ContractEndDate = dateFromDayNumber(hire + r.between(180, 720))
		} else {
			p.ContractEndDate = dateFromDayNumber(today + r.between(30, 540))
		}
	case internal && nd.kind == kindMember && r.intn(100) < 5:
		end := dayNumber(addMonths(p.HireDate, 24))
		if end <= today {
			end = today + r.between(30, 365)
		}
		p.ContractEndDate = dateFromDayNumber(end)
	}

	var touched int64 // a day the record was certainly edited on
	switch {
	case nd.status == stInactive:
		term := hire + 30 + r.intn(max(today-hire-30, 0)+1)
		term = min(term, today)
		lwd := max(term-r.intn(15), hire)
		p.TerminationDate = dateFromDayNumber(term)
		p.LastWorkingDay = dateFromDayNumber(lwd)
		if nd.external && r.intn(100) < 70 {
			p.ContractEndDate = p.TerminationDate
			p.TerminationType = "contract_expired"
			p.TerminationReason = "End of contract"
		} else {
			p.TerminationType = terminationTypes[r.intn(len(terminationTypes))]
			age := today - int(nd.birth)
			if p.TerminationType == "retirement" && age < 60*365 {
				p.TerminationType = "employee"
			}
			if p.TerminationType == "retirement" {
				p.TerminationReason = "Retirement"
			} else {
				p.TerminationReason = terminationReasons[r.intn(len(terminationReasons))]
			}
		}
		touched = int64(term - r.between(0, 60))
	case nd.notice:
		term := today + r.between(14, 90)
		p.TerminationDate = dateFromDayNumber(term)
		p.LastWorkingDay = dateFromDayNumber(max(term-r.intn(8), today+1))
		p.TerminationType = "employee"
		p.TerminationReason = terminationReasons[r.intn(len(terminationReasons))]
		touched = int64(today - r.between(1, 30))
	}

	created := nd.created
	upd := created + int64(r.float()*float64(g.now-created))
	if t := touched*86400 + int64(r.between(7*3600, 17*3600)); touched != 0 && t > upd {
		upd = t
	}
	upd = min(max(upd, created), g.now-1)
	p.CreatedAt = time.Unix(created, 0).UTC()
	p.UpdatedAt = time.Unix(upd, 0).UTC()
}

// custom fills the custom attributes.
func (g *generator) custom(r *rng, nd *node, p *Person, level int) {
	// At most 8 values fit Go's small map layout; a ninth (rare: an academic title on
	// top of everything else) grows it.
	m := make(map[string]string, 8)
	age := (g.todayNum - int(nd.birth)) / 365
	if x := r.intn(1000); x < 60 {
		m[keyTitle] = "Dr"
	} else if x < 65 && age >= 40 {
		m[keyTitle] = "Prof. Dr"
	}
	if r.intn(100) < 95 && (!nd.external || r.intn(100) < 60) {
		if p.LegalEntityID == g.c.LegalEntities[g.ltd].ID {
			m[keyIBAN] = ibanGB(r)
		} else {
			m[keyIBAN] = ibanDE(r)
		}
	}
	if r.intn(100) < 90 {
		ann := p.HireDate
		if r.intn(100) < 10 {
			ann = addYears(ann, -r.between(1, 3)) // prior service credited
		}
		m[keyAnniversary] = formatDate(ann)
	}
	if r.intn(100) < 80 {
		m[keyTShirt] = tshirtSizes[r.weighted(tshirtWeights)]
	}
	if r.intn(100) < 60 {
		m[keyFood] = foods[r.intn(len(foods))]
	}
	if r.intn(100) < 85 {
		kids := 0
		if age >= 25 {
			kids = r.weighted(childWeights)
		}
		m[keyChildren] = strconv.Itoa(kids)
	}
	if r.intn(100) < 85 {
		if p.OfficeID == g.c.Offices[g.remote].ID {
			m[keyRemoteDays] = "5"
		} else {
			m[keyRemoteDays] = remoteDays[r.intn(len(remoteDays))]
		}
	}
	if r.intn(100) < 70 {
		k := r.between(1, 3)
		var b strings.Builder
		start := r.intn(len(skills))
		stride := 1 + r.intn(len(skills)-1)
		for j := range k {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(skills[(start+j*stride)%len(skills)])
		}
		m[keySkills] = b.String()
	}
	if level > 0 {
		m[keyJobLevel] = jobLevels[level-1]
	}
	if len(m) > 0 {
		p.Custom = m
	}
}

// isAdmin: the CEO, the people team's managers and the IT lead administer Lattice.
func (g *generator) isAdmin(nd *node) bool {
	switch {
	case nd.kind == kindCEO:
		return true
	case nd.dept >= 0 && departments[nd.dept].name == "People & Culture" && nd.reports > 0:
		return true
	case nd.kind == kindLead && g.c.Teams[nd.team].Name == "IT":
		return true
	}
	return false
}

// ibanDE returns a German IBAN with valid check digits, grouped in fours.
func ibanDE(r *rng) string {
	bban := make([]byte, 0, 18)
	bban = strconv.AppendInt(bban, int64(r.between(10000000, 89999999)), 10)
	bban = append(bban, pad10(r)...)
	return iban("DE", bban)
}

// ibanGB returns a British IBAN with valid check digits, grouped in fours.
func ibanGB(r *rng) string {
	bban := make([]byte, 0, 18)
	bban = append(bban, gbBankCodes[r.intn(len(gbBankCodes))]...)
	bban = strconv.AppendInt(bban, int64(r.between(100000, 999999)), 10)
	bban = strconv.AppendInt(bban, int64(r.between(10000000, 99999999)), 10)
	return iban("GB", bban)
}

func pad10(r *rng) []byte {
	s := strconv.AppendInt(nil, int64(r.intn(10_000_000_000)), 10)
	for len(s) < 10 {
		s = append([]byte{'0'}, s...)
	}
	return s
}

// iban assembles an IBAN from a country code and BBAN: check digits by ISO 7064 mod 97-10.
func iban(country string, bban []byte) string {
	rem := 0
	addc := func(c byte) {
		switch {
		case '0' <= c && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case 'A' <= c && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	for _, c := range bban {
		addc(c)
	}
	for _, c := range []byte(country + "00") {
		addc(c)
	}
	check := 98 - rem
	raw := make([]byte, 0, 4+len(bban))
	raw = append(raw, country...)
	raw = append(raw, byte('0'+check/10), byte('0'+check%10))
	raw = append(raw, bban...)
	out := make([]byte, 0, len(raw)+len(raw)/4)
	for i, c := range raw {
		if i > 0 && i%4 == 0 {
			out = append(out, ' ')
		}
		out = append(out, c)
	}
	return string(out)
}

// formatDate formats d as "2006-01-02" (like [unified.Date.String], without fmt).
func formatDate(d unified.Date) string {
	var b [10]byte
	y, m, dd := d.Year, int(d.Month), d.Day
	b[0], b[1], b[2], b[3] = byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4] = '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[7] = '-'
	b[8], b[9] = byte('0'+dd/10), byte('0'+dd%10)
	return string(b[:])
}
