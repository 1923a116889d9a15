package personiotest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

func withQuirk(set func(*personiotest.Quirks)) personiotest.Option {
	q := personiotest.DefaultQuirks()
	set(&q)
	return personiotest.WithQuirks(q)
}

func TestQuirkDuplicateAcrossPagesV1(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.DuplicateAcrossPages = true }))
	tok := v1Token(t, s)
	var pages [][]int
	var all []int
	for offset := 0; offset < 35; offset += 10 {
		ids := v1Page(t, s, tok, "limit=10&offset="+strconv.Itoa(offset)).ids(t)
		pages = append(pages, ids)
		all = append(all, ids...)
	}
	for k := 1; k < len(pages); k++ {
		if prev := pages[k-1]; pages[k][0] != prev[len(prev)-1] {
			t.Errorf("page %d starts with %d, want the previous page's last %d", k, pages[k][0], prev[len(prev)-1])
		}
	}
	distinct, dups := dedupe(all)
	if diff := cmp.Diff(intIDs(s.Company()), distinct); diff != "" || dups != 3 {
		t.Errorf("%d duplicates (want 3); distinct ids (-want +got):\n%s", dups, diff)
	}
}

func TestQuirkDuplicateAcrossPagesV2(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.DuplicateAcrossPages = true }))
	tok := v2Token(t, s, "")
	href := "/v2/persons?limit=10"
	var pages [][]string
	var all []string
	for href != "" && len(pages) < 10 {
		var p v2Page[v2Person]
		mustDecode(t, get(t, s, tok, href), &p)
		pages = append(pages, personIDs(p.Data))
		all = append(all, personIDs(p.Data)...)
		href = p.next()
	}
	for k := 1; k < len(pages); k++ {
		if prev := pages[k-1]; pages[k][0] != prev[len(prev)-1] {
			t.Errorf("page %d starts with %s, want %s", k, pages[k][0], prev[len(prev)-1])
		}
	}
	distinct, dups := dedupe(all)
	if diff := cmp.Diff(companyIDs(s.Company(), nil), distinct); diff != "" || dups != len(pages)-1 {
		t.Errorf("%d duplicates over %d pages; distinct ids (-want +got):\n%s", dups, len(pages), diff)
	}
}

func TestQuirkSelfReferencingNext(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.SelfReferencingNext = true }))
	tok := v2Token(t, s, "")
	var first v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?limit=10"), &first)
	next := first.next()
	if next == "" {
		t.Fatal("no next link")
	}
	for range 3 {
		var p v2Page[v2Person]
		mustDecode(t, get(t, s, tok, next), &p)
		if diff := cmp.Diff(personIDs(first.Data), personIDs(p.Data)); diff != "" {
			t.Fatalf("following the next link changed the page (-want +got):\n%s", diff)
		}
		if p.next() != next {
			t.Fatalf("next link %q, want the same %q", p.next(), next)
		}
	}
}

func TestQuirkRelativeNext(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.RelativeNext = true }))
	tok := v2Token(t, s, "")
	var first v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?limit=10"), &first)
	if n := first.next(); !strings.HasPrefix(n, "/v2/persons?cursor=cur_") {
		t.Fatalf("next href %q is not relative", n)
	}
	all, pages := v2All[v2Person](t, s, tok, "/v2/persons?limit=10", 10) // call resolves against s.URL
	if diff := cmp.Diff(companyIDs(s.Company(), nil), personIDs(all)); diff != "" || pages != 4 {
		t.Errorf("%d pages; ids (-want +got):\n%s", pages, diff)
	}
}

func TestQuirkStringNumbers(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.StringNumbers = true }))
	tok := v1Token(t, s)
	r := get(t, s, tok, "/v1/company/employees?limit=10&offset=10")
	var page struct {
		Metadata map[string]json.RawMessage `json:"metadata"`
		Offset   json.RawMessage            `json:"offset"`
		Limit    json.RawMessage            `json:"limit"`
		Data     []struct {
			Attributes map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"attributes"`
		} `json:"data"`
	}
	mustDecode(t, r, &page)
	got := map[string]string{
		"offset": string(page.Offset), "limit": string(page.Limit),
		"total_elements": string(page.Metadata["total_elements"]), "current_page": string(page.Metadata["current_page"]),
		"total_pages": string(page.Metadata["total_pages"]),
	}
	want := map[string]string{"offset": `"10"`, "limit": `"10"`, "total_elements": `"35"`, "current_page": `"1"`, "total_pages": `"4"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("numbers (-want +got):\n%s", diff)
	}
	c := s.Company()
	e := page.Data[0].Attributes
	if id := string(e["id"].Value); id != strconv.Quote(strconv.Itoa(c.People[10].ID)) {
		t.Errorf("id value %s, want a string", id)
	}
	var dept struct {
		Attributes struct {
			ID json.RawMessage `json:"id"`
		} `json:"attributes"`
	}
	_ = json.Unmarshal(e["department"].Value, &dept)
	if c.People[10].DepartmentID != 0 && string(dept.Attributes.ID) != strconv.Quote(strconv.Itoa(c.People[10].DepartmentID)) {
		t.Errorf("department id %s, want a string", dept.Attributes.ID)
	}
	if w := string(e["weekly_working_hours"].Value); !strings.HasPrefix(w, `"`) {
		t.Errorf("weekly_working_hours %s, want a string", w)
	}
	var ids []int
	for _, d := range page.Data {
		var v string
		_ = json.Unmarshal(d.Attributes["id"].Value, &v)
		n, _ := strconv.Atoi(v)
		ids = append(ids, n)
	}
	if diff := cmp.Diff(intIDs(c)[10:20], ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestQuirkLowercaseCustomTypes(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35))
	tok := v2Token(t, s, "")
	types := func() map[string]bool {
		out := map[string]bool{}
		all, _ := v2All[v2Person](t, s, tok, "/v2/persons?limit=50", 2)
		for _, p := range all {
			for _, ca := range p.CustomAttributes {
				out[ca.Type] = true
			}
		}
		return out
	}
	if !s.Quirks().LowercaseCustomTypes {
		t.Fatal("a new server does not start with lower-case custom types")
	}
	lower := types()
	s.SetQuirks(personiotest.Quirks{})
	upper := types()
	for typ := range lower {
		if typ != strings.ToLower(typ) || !upper[strings.ToUpper(typ)] {
			t.Errorf("type %q: lower-case set %v, upper-case set %v", typ, lower, upper)
		}
	}
	for typ := range upper {
		if !map[string]bool{"STRING": true, "INT": true, "DOUBLE": true, "DATE": true, "STRING_LIST": true}[typ] {
			t.Errorf("type %q is not in the v2 schema's enum", typ)
		}
	}
	if len(upper) < 4 {
		t.Errorf("only %d custom attribute types exercised", len(upper))
	}
}

func TestQuirkLastWorkingDate(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 60))
	c := s.Company()
	var leaver *personiotest.Person
	for i := range c.People {
		if c.People[i].Status == unified.StatusInactive {
			leaver = &c.People[i]
			break
		}
	}
	if leaver == nil {
		t.Fatal("no leaver in the company")
	}
	tok := v2Token(t, s, "")
	path := "/v2/persons/" + strconv.Itoa(leaver.ID) + "/employments"
	for _, tt := range []struct {
		quirk      bool
		key, other string
	}{{false, "last_working_day", "last_working_date"}, {true, "last_working_date", "last_working_day"}} {
		s.SetQuirks(personiotest.Quirks{LastWorkingDate: tt.quirk})
		ems, _ := v2All[v2Employment](t, s, tok, path, 2)
		term := ems[0].Termination
		if string(term[tt.key]) != strconv.Quote(leaver.LastWorkingDay.String()) || term[tt.other] != nil {
			t.Errorf("quirk %v: termination %v, want %s", tt.quirk, term, tt.key)
		}
	}
}

func TestQuirkOversizedPages(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 95),
		withQuirk(func(q *personiotest.Quirks) { q.OversizedPages = true }))
	if n := len(v1Page(t, s, v1Token(t, s), "limit=10").Data); n != 15 {
		t.Errorf("v1 limit=10 returned %d records, want 15", n)
	}
	tok := v2Token(t, s, "")
	var first v2Page[v2Person]
	mustDecode(t, get(t, s, tok, "/v2/persons?limit=10"), &first)
	if len(first.Data) != 15 {
		t.Errorf("v2 limit=10 returned %d persons, want 15", len(first.Data))
	}
	all, _ := v2All[v2Person](t, s, tok, "/v2/persons?limit=10", 10)
	if diff := cmp.Diff(companyIDs(s.Company(), nil), personIDs(all)); diff != "" {
		t.Errorf("v2 listing (-want +got):\n%s", diff)
	}
}

func TestQuirkEmptyPageWithNext(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 25),
		withQuirk(func(q *personiotest.Quirks) { q.EmptyPageWithNext = true }))
	tok := v2Token(t, s, "")
	for range 2 { // once per listing, every listing
		var first v2Page[v2Person]
		mustDecode(t, get(t, s, tok, "/v2/persons?limit=10"), &first)
		if len(first.Data) != 0 || first.next() == "" {
			t.Fatalf("first page: %d persons, next %q; want an empty page with a next link", len(first.Data), first.next())
		}
		all, pages := v2All[v2Person](t, s, tok, first.next(), 10)
		if diff := cmp.Diff(companyIDs(s.Company(), nil), personIDs(all)); diff != "" || pages != 3 {
			t.Errorf("%d pages after the empty one; ids (-want +got):\n%s", pages, diff)
		}
	}
}

func TestQuirkBackwardsCursor(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.BackwardsCursor = true }))
	tok := v2Token(t, s, "")
	var pages [][]string
	var all []string
	href := "/v2/persons?limit=10"
	for href != "" && len(pages) < 20 {
		var p v2Page[v2Person]
		mustDecode(t, get(t, s, tok, href), &p)
		pages = append(pages, personIDs(p.Data))
		all = append(all, personIDs(p.Data)...)
		href = p.next()
	}
	// Pages: 1, 2, 1 again (the backwards link), 2, 3, 4.
	if len(pages) != 6 {
		t.Fatalf("%d pages, want 6", len(pages))
	}
	if diff := cmp.Diff(pages[0], pages[2]); diff != "" {
		t.Errorf("page 3 is not page 1 again (-want +got):\n%s", diff)
	}
	distinct, _ := dedupe(all)
	if diff := cmp.Diff(companyIDs(s.Company(), nil), distinct); diff != "" {
		t.Errorf("distinct ids (-want +got):\n%s", diff)
	}
}

// TestQuirksApplyToEveryListing checks the paging quirks on the small lists too.
func TestQuirksApplyToEveryListing(t *testing.T) {
	t.Parallel()
	s := personiotest.NewTestServer(t, personiotest.WithGenerated(7, 35),
		withQuirk(func(q *personiotest.Quirks) { q.EmptyPageWithNext, q.RelativeNext = true, true }))
	tok := v2Token(t, s, "")
	c := s.Company()
	for path, want := range map[string]int{
		"/v2/legal-entities?limit=1": len(c.LegalEntities),
		"/v2/org-units?limit=5":      len(c.Departments) + len(c.Teams),
		"/v2/persons/" + strconv.Itoa(c.People[0].ID) + "/employments?limit=1": 1,
	} {
		all, pages := v2All[json.RawMessage](t, s, tok, path, 100)
		if len(all) != want || pages < 2 {
			t.Errorf("%s: %d records over %d pages, want %d after an empty first page", path, len(all), pages, want)
		}
	}
	if r := get(t, s, tok, "/v2/legal-entities?limit=1"); r.status != http.StatusOK || !strings.Contains(string(r.body), `"href":"/v2/legal-entities?cursor=`) {
		t.Errorf("relative next link missing: %s", r.body)
	}
}
