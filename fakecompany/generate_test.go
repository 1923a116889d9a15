package fakecompany_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/fakecompany"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	opts := &fakecompany.Options{InactiveShare: 0.2, Domain: "Example.COM"}
	tests := []struct {
		seed uint64
		n    int
		opts *fakecompany.Options
	}{
		{0, 0, nil}, {1, 1, nil}, {2, 10, nil}, {3, 500, nil}, {4, 500, opts},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("seed%d/n%d", tt.seed, tt.n), func(t *testing.T) {
			t.Parallel()
			a := fakecompany.Generate(tt.seed, tt.n, tt.opts)
			b := fakecompany.Generate(tt.seed, tt.n, tt.opts)
			if diff := cmp.Diff(a, b); diff != "" {
				t.Fatalf("two generations differ (-first +second):\n%s", diff)
			}
		})
	}
}

func TestGenerateSeedsDiffer(t *testing.T) {
	t.Parallel()
	a := fakecompany.Generate(1, 200, nil)
	b := fakecompany.Generate(2, 200, nil)
	if cmp.Diff(a.People, b.People) == "" {
		t.Fatal("seeds 1 and 2 gave the same people")
	}
	same := 0
	for i := range a.People {
		if a.People[i].Email == b.People[i].Email {
			same++
		}
	}
	if same > 20 {
		t.Errorf("%d of 200 emails are equal for different seeds", same)
	}
	if a.People[0].LatticeID == b.People[0].LatticeID {
		t.Error("Lattice ids do not depend on the seed")
	}
}

// The returned company must not share memory with the generator's tables.
func TestGenerateDoesNotAliasTables(t *testing.T) {
	t.Parallel()
	a := fakecompany.Generate(1, 5, nil)
	for i := range a.Attributes {
		for j := range a.Attributes[i].Options {
			a.Attributes[i].Options[j] = "changed"
		}
	}
	b := fakecompany.Generate(1, 5, nil)
	for _, attr := range b.Attributes {
		for _, o := range attr.Options {
			if o == "changed" {
				t.Fatalf("attribute %s: a change to an earlier company leaked into a new one", attr.Key)
			}
		}
	}
}

func TestGenerateSizes(t *testing.T) {
	t.Parallel()
	for _, n := range []int{-5, 0} {
		c := fakecompany.Generate(1, n, nil)
		if len(c.People) != 0 {
			t.Errorf("Generate(1, %d): %d people, want 0", n, len(c.People))
		}
		if len(c.Departments) == 0 || len(c.LegalEntities) != 2 {
			t.Errorf("Generate(1, %d): the structure is missing", n)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("Generate(1, %d).Validate: %v", n, err)
		}
	}
	c := fakecompany.Generate(1, 1, nil)
	if len(c.People) != 1 {
		t.Fatalf("Generate(1, 1): %d people, want 1", len(c.People))
	}
	ceo := c.People[0]
	if ceo.SupervisorID != 0 || ceo.Position != "Chief Executive Officer" || ceo.Status != unified.StatusActive || ceo.EmploymentType != fakecompany.EmploymentInternal {
		t.Errorf("lone person is not an active internal CEO without supervisor: %+v", ceo)
	}
}

func TestGenerateInvariants(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 10, 137, 1000} {
		for _, seed := range []uint64{1, 42} {
			t.Run(fmt.Sprintf("n%d/seed%d", n, seed), func(t *testing.T) {
				t.Parallel()
				c := fakecompany.Generate(seed, n, nil)
				if len(c.People) != n {
					t.Fatalf("%d people, want %d", len(c.People), n)
				}
				checkInvariants(t, c, fakecompany.DefaultToday())
			})
		}
	}
}

func TestGenerateOtherToday(t *testing.T) {
	t.Parallel()
	today := unified.NewDate(2019, time.February, 28)
	c := fakecompany.Generate(9, 400, &fakecompany.Options{Today: today, Name: "Zürich Zöllner", Domain: " Corp.Example "})
	checkInvariants(t, c, today)
	if c.Name != "Zürich Zöllner" || c.LegalEntities[0].Name != "Zürich Zöllner GmbH" || c.LegalEntities[1].Name != "Zürich Zöllner Ltd" {
		t.Errorf("names: company %q, entities %q, %q", c.Name, c.LegalEntities[0].Name, c.LegalEntities[1].Name)
	}
	for _, p := range c.People {
		if !strings.HasSuffix(p.Email, "@corp.example") {
			t.Fatalf("person %d: email %q does not use the requested domain", p.ID, p.Email)
		}
	}
	if d := fakecompany.Generate(9, 3, &fakecompany.Options{Name: "Zürich Zöllner"}).Domain; d != "zuerich-zoellner.example" {
		t.Errorf("derived domain = %q, want zuerich-zoellner.example", d)
	}
}

// checkInvariants checks what every generated company promises, independently of the
// generator's code.
func checkInvariants(t *testing.T, c *fakecompany.Company, today unified.Date) {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	todayT := today.Time(time.UTC)
	if len(c.LegalEntities) != 2 || c.LegalEntities[0].Country != "DE" || !strings.HasSuffix(c.LegalEntities[0].Name, " GmbH") ||
		c.LegalEntities[1].Country != "GB" || !strings.HasSuffix(c.LegalEntities[1].Name, " Ltd") {
		t.Errorf("legal entities = %+v, want a DE GmbH and a GB Ltd", c.LegalEntities)
	}
	if n := len(c.Departments); n < 8 || n > 11 {
		t.Errorf("%d departments, want about 8-10", n)
	}
	if len(c.Attributes) < 6 {
		t.Errorf("%d custom attributes, want at least 6", len(c.Attributes))
	}
	gmbh, ltd := c.LegalEntities[0].ID, c.LegalEntities[1].ID

	ids := map[int]bool{}
	emails := map[string]bool{}
	lattice := map[string]bool{}
	reports := map[int]int{}
	roots := 0
	prev := 0
	for i := range c.People {
		p := &c.People[i]
		if p.ID < 10001 || p.ID <= prev {
			t.Fatalf("person %d: ids must start at 10001 and ascend (previous %d)", p.ID, prev)
		}
		prev = p.ID
		ids[p.ID] = true
		if emails[p.Email] || lattice[p.LatticeID] {
			t.Fatalf("person %d: duplicate email %q or Lattice id %q", p.ID, p.Email, p.LatticeID)
		}
		emails[p.Email], lattice[p.LatticeID] = true, true
		if p.LatticeID[14] != '4' || !strings.ContainsRune("89ab", rune(p.LatticeID[19])) {
			t.Errorf("person %d: Lattice id %q is not in the version 4 layout", p.ID, p.LatticeID)
		}
		local, domain, ok := strings.Cut(p.Email, "@")
		if !ok || domain != c.Domain || local == "" || strings.ToLower(p.Email) != p.Email || !isASCII(p.Email) || !strings.Contains(local, ".") {
			t.Errorf("person %d: email %q is not firstname.lastname@%s in lower-case ASCII", p.ID, p.Email, c.Domain)
		}
		if p.SupervisorID == 0 {
			roots++
		} else {
			reports[p.SupervisorID]++
		}
		if p.CreatedAt.Location() != time.UTC || p.UpdatedAt.Location() != time.UTC {
			t.Errorf("person %d: timestamps not in UTC", p.ID)
		}
		if p.UpdatedAt.Before(p.CreatedAt) || !p.UpdatedAt.Before(todayT) {
			t.Errorf("person %d: created %s, updated %s, want created <= updated < %s", p.ID, p.CreatedAt, p.UpdatedAt, todayT)
		}
		checkDates(t, p, today)
		checkPlacement(t, c, p, gmbh, ltd)
		if len(p.CostCenters) > 0 {
			sum := 0.0
			for _, s := range p.CostCenters {
				sum += s.Percentage
			}
			if math.Abs(sum-100) > 1e-9 {
				t.Errorf("person %d: cost centre shares add up to %v", p.ID, sum)
			}
		}
	}
	if roots != 1 {
		t.Errorf("%d people without supervisor, want exactly one (the CEO)", roots)
	}
	if len(c.People) > 0 && (c.People[0].ID != 10001 || c.People[0].SupervisorID != 0) {
		t.Errorf("the first person is %d (supervisor %d), want the CEO as 10001", c.People[0].ID, c.People[0].SupervisorID)
	}
	for i := range c.People {
		p := &c.People[i]
		if p.SupervisorID != 0 && !ids[p.SupervisorID] {
			t.Errorf("person %d: supervisor %d does not exist", p.ID, p.SupervisorID)
		}
		// Acyclic: the chain up ends at the root within len(People) steps.
		steps := 0
		for q := p; q.SupervisorID != 0; q = c.Person(q.SupervisorID) {
			if steps++; steps > len(c.People) {
				t.Fatalf("person %d: reporting cycle", p.ID)
			}
		}
		if reports[p.ID] > 0 && (p.Status == unified.StatusInactive || p.Status == unified.StatusOnboarding) {
			t.Errorf("person %d (%s) has %d reports but is %s", p.ID, p.Position, reports[p.ID], p.Status)
		}
		if reports[p.ID] > 12 {
			t.Errorf("person %d (%s) has %d direct reports, want at most 12", p.ID, p.Position, reports[p.ID])
		}
		checkPosition(t, c, p, reports[p.ID], today)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func checkDates(t *testing.T, p *fakecompany.Person, today unified.Date) {
	t.Helper()
	tt := today.Time(time.UTC)
	bd := p.BirthDate.Time(time.UTC)
	if bd.After(tt.AddDate(-20, 0, 0)) || bd.Before(tt.AddDate(-65, 0, 0)) {
		t.Errorf("person %d: born %s, want 20-65 years before %s", p.ID, p.BirthDate, today)
	}
	if p.HireDate.Before(p.BirthDate.AddDays(18 * 365)) {
		t.Errorf("person %d: hired %s, born %s", p.ID, p.HireDate, p.BirthDate)
	}
	switch p.Status {
	case unified.StatusOnboarding:
		if !p.HireDate.After(today) {
			t.Errorf("person %d: onboarding but hired %s, not after %s", p.ID, p.HireDate, today)
		}
	default:
		if !p.HireDate.Before(today) {
			t.Errorf("person %d: %s but hired %s, not before %s", p.ID, p.Status, p.HireDate, today)
		}
	}
	if p.Status == unified.StatusInactive {
		for name, d := range map[string]unified.Date{"termination date": p.TerminationDate, "last working day": p.LastWorkingDay} {
			if d.IsZero() || d.After(today) || d.Before(p.HireDate) {
				t.Errorf("person %d: inactive with %s %q, want in [%s, %s]", p.ID, name, d, p.HireDate, today)
			}
		}
		if p.TerminationType == "" {
			t.Errorf("person %d: inactive without termination type", p.ID)
		}
	} else if !p.TerminationDate.IsZero() && !p.TerminationDate.After(today) {
		t.Errorf("person %d: %s with past termination date %s", p.ID, p.Status, p.TerminationDate)
	}
	if p.LastWorkingDay.After(p.TerminationDate) {
		t.Errorf("person %d: last working day %s after termination %s", p.ID, p.LastWorkingDay, p.TerminationDate)
	}
	switch p.EmploymentType {
	case fakecompany.EmploymentInternal:
		h := p.HireDate.Time(time.UTC)
		pe := p.ProbationEnd.Time(time.UTC)
		months := (pe.Year()-h.Year())*12 + int(pe.Month()-h.Month())
		if months != 6 || pe.Day() > h.Day() || (pe.Day() < h.Day() && pe.AddDate(0, 0, 1).Day() != 1) {
			t.Errorf("person %d: probation ends %s, want 6 months after hire %s", p.ID, p.ProbationEnd, p.HireDate)
		}
	case fakecompany.EmploymentExternal:
		if !p.ProbationEnd.IsZero() {
			t.Errorf("person %d: contractor with probation end %s", p.ID, p.ProbationEnd)
		}
	}
	if !p.ContractEndDate.IsZero() && p.ContractEndDate.Before(p.HireDate) {
		t.Errorf("person %d: contract ends %s before hire %s", p.ID, p.ContractEndDate, p.HireDate)
	}
	if a := p.Custom["dynamic_33400"]; a != "" {
		if _, err := unified.ParseDate(a); err != nil || len(a) != 10 {
			t.Errorf("person %d: anniversary date %q", p.ID, a)
		}
	}
}

func checkPlacement(t *testing.T, c *fakecompany.Company, p *fakecompany.Person, gmbh, ltd int) {
	t.Helper()
	if p.TeamID != 0 {
		if tm := c.Team(p.TeamID); tm == nil || tm.DepartmentID != p.DepartmentID {
			t.Errorf("person %d: team %d is not in department %d", p.ID, p.TeamID, p.DepartmentID)
		}
	}
	o := c.Office(p.OfficeID)
	switch {
	case p.OfficeID == 0:
		if p.Timezone != "" {
			t.Errorf("person %d: no office but time zone %q", p.ID, p.Timezone)
		}
	case o.Name == "Remote":
		if p.Timezone == "" {
			t.Errorf("person %d: remote worker without time zone", p.ID)
		}
	case p.Timezone != o.Timezone:
		t.Errorf("person %d: time zone %q, office %s is in %q", p.ID, p.Timezone, o.Name, o.Timezone)
	}
	if p.LegalEntityID == 0 {
		if p.EmploymentType != fakecompany.EmploymentExternal {
			t.Errorf("person %d: employee without legal entity", p.ID)
		}
		return
	}
	switch {
	case o == nil || o.Name == "Remote":
	case o.Name == "London":
		if p.LegalEntityID != ltd {
			t.Errorf("person %d: London office but legal entity %d, want the Ltd", p.ID, p.LegalEntityID)
		}
	default:
		if p.LegalEntityID != gmbh {
			t.Errorf("person %d: %s office but legal entity %d, want the GmbH", p.ID, o.Name, p.LegalEntityID)
		}
	}
}

func checkPosition(t *testing.T, c *fakecompany.Company, p *fakecompany.Person, reports int, today unified.Date) {
	t.Helper()
	if p.SupervisorID == 0 {
		if p.Position != "Chief Executive Officer" {
			t.Errorf("root %d is %q, want the Chief Executive Officer", p.ID, p.Position)
		}
		return
	}
	sup := c.Person(p.SupervisorID)
	switch {
	case sup.SupervisorID == 0 && p.DepartmentID != 0 && c.Department(p.DepartmentID).Name != "Management":
		if want := "Head of " + c.Department(p.DepartmentID).Name; p.Position != want {
			t.Errorf("person %d reports to the CEO as %q, want %q", p.ID, p.Position, want)
		}
	case strings.HasPrefix(p.Position, "Head of "):
		t.Errorf("person %d is %q but reports to %d, not the CEO", p.ID, p.Position, sup.ID)
	case strings.HasPrefix(p.Position, "Team Lead "):
		if want := "Team Lead " + c.Team(p.TeamID).Name; p.Position != want || !strings.HasPrefix(sup.Position, "Head of ") {
			t.Errorf("person %d is %q reporting to %q, want %q reporting to a head", p.ID, p.Position, sup.Position, want)
		}
	}
	leadTitle := strings.HasPrefix(p.Position, "Team Lead ") || strings.HasPrefix(p.Position, "Head of ")
	if reports == 0 && leadTitle {
		// Only acceptable for the lone member of a department or team.
		for _, q := range c.People {
			if q.ID != p.ID && q.DepartmentID == p.DepartmentID && (q.TeamID == p.TeamID || strings.HasPrefix(p.Position, "Head of ")) {
				t.Errorf("person %d is %q without reports, but %d works there too", p.ID, p.Position, q.ID)
				break
			}
		}
	}
	// Middle managers (with reports, below a team lead) have a manager's or lead's title.
	if reports > 0 && !leadTitle && p.DepartmentID != 0 && c.Department(p.DepartmentID).Name != "Management" &&
		!strings.Contains(p.Position, "Manager") && !strings.Contains(p.Position, "Lead") {
		t.Errorf("person %d manages %d people as %q", p.ID, reports, p.Position)
	}
	age := today.Year - p.BirthDate.Year - 1 // at least
	for _, senior := range []string{"Senior ", "Staff ", "Principal "} {
		if strings.HasPrefix(p.Position, senior) && age < 25 {
			t.Errorf("person %d is %q at %d", p.ID, p.Position, age)
		}
	}
	if strings.HasPrefix(p.Position, "Working Student") && p.BirthDate.Before(p.HireDate.AddDays(-31*365)) {
		t.Errorf("person %d is a working student born %s", p.ID, p.BirthDate)
	}
}

func TestGenerateShares(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                                  string
		opts                                  *fakecompany.Options
		external, inactive, leave, onboarding float64
	}{
		{"defaults", nil, 0.10, 0.08, 0.03, 0.04},
		{"custom", &fakecompany.Options{ExternalShare: 0.25, InactiveShare: 0.3, LeaveShare: 0.05, OnboardingShare: 0.1}, 0.25, 0.3, 0.05, 0.1},
		{"none", &fakecompany.Options{ExternalShare: -1, InactiveShare: -1, LeaveShare: -1, OnboardingShare: -1}, 0, 0, 0, 0},
		{"scaled", &fakecompany.Options{InactiveShare: 0.6, LeaveShare: 0.6, OnboardingShare: -1}, 0.10, 0.5 * 0.88, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := fakecompany.Generate(11, 1000, tt.opts)
			checkInvariants(t, c, fakecompany.DefaultToday())
			s := c.Stats()
			n := float64(s.People)
			for _, got := range []struct {
				name      string
				got, want float64
			}{
				{"external", float64(s.External) / n, tt.external},
				{"inactive", float64(s.Inactive) / n, tt.inactive},
				{"leave", float64(s.Leave) / n, tt.leave},
				{"onboarding", float64(s.Onboarding) / n, tt.onboarding},
			} {
				tol := 0.02
				if tt.name == "scaled" && got.name == "inactive" {
					tol = 0.1 // capped by the number of people without reports
				}
				if math.Abs(got.got-got.want) > tol {
					t.Errorf("%s share = %.3f, want %.3f ± %.2f", got.name, got.got, got.want, tol)
				}
			}
		})
	}
}

// A 1,000-person company holds every case a client must handle.
func TestGenerateRichness(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(5, 1000, nil)
	count := map[string]int{}
	onLeave := map[int]bool{}
	for _, p := range c.People {
		if p.Status == unified.StatusLeave {
			onLeave[p.ID] = true
		}
	}
	for _, p := range c.People {
		count["status "+p.Status.String()]++
		count["lattice "+p.LatticeStatus()]++
		count["gender "+p.Gender]++
		if p.EmploymentType == fakecompany.EmploymentExternal {
			count["external"]++
			if len(p.CostCenters) == 0 {
				count["external without cost centre"]++
			}
			if !p.ContractEndDate.IsZero() {
				count["external with contract end"]++
			}
		}
		if p.DepartmentID == 0 {
			count["no department"]++
		}
		if p.TeamID == 0 && p.DepartmentID != 0 {
			count["department without team"]++
		}
		if p.OfficeID == 0 {
			count["no office"]++
		}
		if onLeave[p.SupervisorID] && p.Status == unified.StatusActive {
			count["active under a manager on leave"]++
		}
		if p.Status == unified.StatusInactive && p.SupervisorID != 0 {
			count["inactive with supervisor"]++
		}
		if !isASCII(p.FirstName + p.LastName) {
			count["non-ASCII name"]++
		}
		if p.PreferredName != "" {
			count["preferred name"]++
		}
		if p.Custom["dynamic_24407"] == "Dr" {
			count["Dr"]++
		}
		if p.IsAdmin {
			count["admin"]++
		}
		if p.Status == unified.StatusActive && !p.TerminationDate.IsZero() {
			count["active, resigned"]++
		}
		if p.EmployeeNumber == "" {
			count["no employee number"]++
		}
		if len(p.CostCenters) > 1 {
			count["split cost centres"]++
		}
	}
	for _, key := range []string{
		"status active", "status leave", "status inactive", "status onboarding",
		"lattice ACTIVE", "lattice INVITED", "lattice CREATED", "lattice DEACTIVATED",
		"gender male", "gender female", "gender diverse",
		"external", "external without cost centre", "external with contract end",
		"no department", "department without team", "no office",
		"active under a manager on leave", "non-ASCII name", "preferred name", "Dr",
		"admin", "active, resigned", "no employee number", "split cost centres",
	} {
		if count[key] == 0 {
			t.Errorf("no person with %s", key)
		}
	}
	if count["inactive with supervisor"] != count["status inactive"] {
		t.Errorf("%d of %d inactive people kept their supervisor", count["inactive with supervisor"], count["status inactive"])
	}
	if count["admin"] > 20 {
		t.Errorf("%d admins; admin rights should be rare", count["admin"])
	}
	if d := count["gender diverse"]; d > 60 {
		t.Errorf("%d people of diverse gender; expected about 2%%", d)
	}
	if inv, act := count["lattice INVITED"], count["status active"]; inv*100 > act*8 {
		t.Errorf("%d of %d active people are INVITED; expected a small share", inv, act)
	}

	// Several teams per department, each used.
	teams := map[int]int{}
	used := map[int]bool{}
	for _, tm := range c.Teams {
		teams[tm.DepartmentID]++
	}
	for _, p := range c.People {
		used[p.TeamID] = true
	}
	for _, d := range c.Departments {
		if d.Name != "Management" && teams[d.ID] < 2 {
			t.Errorf("department %s has %d teams, want several", d.Name, teams[d.ID])
		}
	}
	for _, tm := range c.Teams {
		if !used[tm.ID] {
			t.Errorf("team %s has nobody in a 1,000-person company", tm.Name)
		}
	}

	// Custom attributes: the documented types and labels, filled for most people.
	types := map[string]bool{}
	filled := 0
	for _, a := range c.Attributes {
		types[a.Type] = true
		for _, p := range c.People {
			if p.Custom[a.Key] != "" {
				filled++
			}
		}
		if (a.Type == fakecompany.AttrList || a.Type == fakecompany.AttrTags) && len(a.Options) == 0 {
			t.Errorf("attribute %s (%s) has no options", a.Key, a.Type)
		}
		if a.LatticeID == "" || a.LabelEN == "" || a.LabelDE == "" {
			t.Errorf("attribute %s lacks a label or Lattice id: %+v", a.Key, a)
		}
	}
	for _, typ := range []string{"standard", "date", "list", "integer", "decimal", "tags"} {
		if !types[typ] {
			t.Errorf("no custom attribute of type %q", typ)
		}
	}
	if filled < len(c.Attributes)*len(c.People)/2 {
		t.Errorf("only %d of %d custom values are filled", filled, len(c.Attributes)*len(c.People))
	}
	if a := c.Attribute("dynamic_24407"); a == nil || a.LabelDE != "Titel" {
		t.Errorf("no academic title attribute labelled Titel: %+v", a)
	}
	iban := false
	multiWordDE := false
	for _, a := range c.Attributes {
		iban = iban || a.UniversalID == "iban"
		multiWordDE = multiWordDE || strings.Contains(a.LabelDE, " ")
	}
	if !iban || !multiWordDE {
		t.Errorf("want an attribute with universal id iban (%v) and a multi-word German label (%v)", iban, multiWordDE)
	}
}

// Large companies keep spans of control small by adding management layers.
func TestGenerateLargeSpans(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(3, 20000, nil)
	s := c.Stats()
	if s.MaxSpan > 12 {
		t.Errorf("largest span of control is %d, want at most 12", s.MaxSpan)
	}
	if s.Roots != 1 || s.Depth < 5 || s.Depth > 10 {
		t.Errorf("roots %d, depth %d: want one root and a depth of 5-10", s.Roots, s.Depth)
	}
	small := 0
	reports := map[int]int{}
	for _, p := range c.People {
		reports[p.SupervisorID]++
	}
	for id, n := range reports {
		if id != 0 && n < 3 {
			small++
		}
	}
	if small*10 > s.Managers {
		t.Errorf("%d of %d managers have fewer than 3 reports", small, s.Managers)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

// Gender follows the first name for names that imply one.
func TestGenerateGenderMatchesName(t *testing.T) {
	t.Parallel()
	male := map[string]bool{"Jürgen": true, "Lukas": true, "Pierre": true, "Piotr": true, "Hiroshi": true, "Omar": true}
	female := map[string]bool{"Anna": true, "Zoë": true, "Siobhán": true, "Małgorzata": true, "Aisha": true, "Priya": true}
	c := fakecompany.Generate(8, 3000, nil)
	checked := 0
	for _, p := range c.People {
		switch {
		case male[p.FirstName]:
			checked++
			if p.Gender != fakecompany.GenderMale {
				t.Errorf("%s is %q", p.FullName(), p.Gender)
			}
		case female[p.FirstName]:
			checked++
			if p.Gender != fakecompany.GenderFemale {
				t.Errorf("%s is %q", p.FullName(), p.Gender)
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d people with the sample names; the test checks too little", checked)
	}
}

func TestGenerateEmailsDeduplicated(t *testing.T) {
	t.Parallel()
	c := fakecompany.Generate(2, 5000, nil)
	numbered := 0
	for _, p := range c.People {
		local, _, _ := strings.Cut(p.Email, "@")
		if strings.ContainsAny(local[len(local)-1:], "0123456789") {
			numbered++
		}
	}
	if numbered == 0 {
		t.Error("5,000 people but no name clash needed a numbered email address")
	}
}

func TestLatticeStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status unified.Status
		want   []string
	}{
		{unified.StatusInactive, []string{"DEACTIVATED"}},
		{unified.StatusOnboarding, []string{"CREATED"}},
		{unified.StatusLeave, []string{"ACTIVE"}},
		{unified.StatusActive, []string{"ACTIVE", "INVITED"}},
	}
	for _, tt := range tests {
		seen := map[string]bool{}
		for id := 1; id <= 2000; id++ {
			p := fakecompany.Person{ID: id, Status: tt.status}
			got := p.LatticeStatus()
			if got != p.LatticeStatus() {
				t.Fatalf("LatticeStatus of person %d is not stable", id)
			}
			seen[got] = true
		}
		for _, w := range tt.want {
			if !seen[w] {
				t.Errorf("status %s: never %s", tt.status, w)
			}
		}
		if len(seen) != len(tt.want) {
			t.Errorf("status %s: Lattice statuses %v, want only %v", tt.status, seen, tt.want)
		}
	}
}
