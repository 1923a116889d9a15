package latticetest_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/lattice/latticetest"
)

// dedupe returns ids without repeats, first occurrence kept.
func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// quirkServer serves 60 people with q on; listings use limit=10 and status=NULL.
func quirkServer(t *testing.T, q latticetest.Quirks) (*latticetest.Server, []string) {
	t.Helper()
	srv := latticetest.NewTestServer(t, latticetest.WithGenerated(31, 60))
	srv.SetQuirks(q)
	return srv, latticeIDs(srv.Company())
}

const quirkPath = "/v1/users?limit=10&status=NULL"

func TestQuirkRepeatCursor(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{RepeatCursor: true})
	p1 := get(t, srv, quirkPath).list(t)
	p2 := get(t, srv, quirkPath+"&startingAfter="+*p1.EndingCursor).list(t)
	p3 := get(t, srv, quirkPath+"&startingAfter="+*p2.EndingCursor).list(t)
	if *p1.EndingCursor != all[9] {
		t.Errorf("first page cursor %s, want the last item's id %s", *p1.EndingCursor, all[9])
	}
	if !*p2.HasMore || *p2.EndingCursor != *p1.EndingCursor || *p3.EndingCursor != *p1.EndingCursor {
		t.Errorf("cursors %s, %s, %s: want the same cursor repeated", *p1.EndingCursor, *p2.EndingCursor, *p3.EndingCursor)
	}
	if diff := cmp.Diff(p2.ids(t), p3.ids(t)); diff != "" || len(p2.Data) != 10 {
		t.Errorf("a repeated cursor should serve the same page again:\n%s", diff)
	}
}

func TestQuirkBackwardsCursor(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{BackwardsCursor: true})
	lg := listAll(t, srv, quirkPath, 20)
	if lg.cursors[1] != all[0] {
		t.Errorf("second page cursor %s, want the first user %s", lg.cursors[1], all[0])
	}
	// Following the cursors naively serves users 2..20 again, once.
	if len(lg.ids) != len(all)+19 {
		t.Errorf("%d items served, want %d (19 repeated)", len(lg.ids), len(all)+19)
	}
	if diff := cmp.Diff(all, dedupe(lg.ids)); diff != "" {
		t.Errorf("distinct users (-want +got):\n%s", diff)
	}
	// A new listing sees the quirk again.
	again := listAll(t, srv, quirkPath, 20)
	if diff := cmp.Diff(lg.ids, again.ids); diff != "" {
		t.Errorf("second listing differs:\n%s", diff)
	}
}

func TestQuirkDuplicateAcrossPages(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{DuplicateAcrossPages: true})
	var pages [][]string
	cursor := ""
	for range 20 {
		p := quirkPath
		if cursor != "" {
			p += "&startingAfter=" + url.QueryEscape(cursor)
		}
		l := get(t, srv, p).list(t)
		pages = append(pages, l.ids(t))
		if !*l.HasMore {
			break
		}
		cursor = *l.EndingCursor
	}
	var flat []string
	for k, pg := range pages {
		if len(pg) > 10 {
			t.Errorf("page %d has %d items for limit=10", k, len(pg))
		}
		if k > 0 && pg[0] != pages[k-1][len(pages[k-1])-1] {
			t.Errorf("page %d starts with %s, want the previous page's last user", k, pg[0])
		}
		flat = append(flat, pg...)
	}
	if len(flat) != len(all)+len(pages)-1 {
		t.Errorf("%d items in %d pages, want %d", len(flat), len(pages), len(all)+len(pages)-1)
	}
	if diff := cmp.Diff(all, dedupe(flat)); diff != "" {
		t.Errorf("distinct users (-want +got):\n%s", diff)
	}
}

func TestQuirkDuplicateWithLimitOne(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{DuplicateAcrossPages: true})
	lg := listAll(t, srv, "/v1/users?limit=1&status=NULL", 200)
	if diff := cmp.Diff(all, dedupe(lg.ids)); diff != "" {
		t.Errorf("limit=1 listing does not progress (-want +got):\n%s", diff)
	}
}

func TestQuirkOversizedPages(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{OversizedPages: true})
	lg := listAll(t, srv, quirkPath, 20)
	if lg.sizes[0] <= 10 {
		t.Errorf("first page has %d items for limit=10, want more", lg.sizes[0])
	}
	if diff := cmp.Diff(all, lg.ids); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestQuirkEmptyPageWithMore(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{EmptyPageWithMore: true})
	lg := listAll(t, srv, quirkPath, 20)
	if lg.sizes[1] != 0 {
		t.Fatalf("second page has %d items, want an empty page", lg.sizes[1])
	}
	if lg.cursors[1] == "" || lg.cursors[1] == lg.cursors[0] {
		t.Errorf("empty page cursor %q after %q: want a fresh, non-null cursor", lg.cursors[1], lg.cursors[0])
	}
	empties := 0
	for _, n := range lg.sizes {
		if n == 0 {
			empties++
		}
	}
	if empties != 1 {
		t.Errorf("%d empty pages, want 1 per listing", empties)
	}
	if diff := cmp.Diff(all, lg.ids); diff != "" {
		t.Errorf("following the empty page lost or repeated users (-want +got):\n%s", diff)
	}
	// A client that stops at the empty page loses users.
	if lg.pages < 3 {
		t.Errorf("listing of %d pages", lg.pages)
	}
	// Each listing gets its empty page; SetQuirks starts over too.
	if again := listAll(t, srv, quirkPath, 20); again.sizes[1] != 0 {
		t.Errorf("a new listing got no empty page: sizes %v", again.sizes)
	}
	// Another listing (other filter) is independent.
	if other := listAll(t, srv, "/v1/users?limit=10", 20); !slices.Contains(other.sizes, 0) {
		t.Errorf("the ACTIVE listing got no empty page: sizes %v", other.sizes)
	}
}

func TestQuirkHasMoreWithoutCursor(t *testing.T) {
	t.Parallel()
	srv, all := quirkServer(t, latticetest.Quirks{HasMoreWithoutCursor: true})
	lg := listAll(t, srv, quirkPath, 20) // listAll stops at a null cursor
	last := get(t, srv, quirkPath+"&startingAfter="+all[49]).list(t)
	if !*last.HasMore || last.EndingCursor != nil {
		t.Errorf("last page: hasMore=%v endingCursor=%v, want true and null", *last.HasMore, last.EndingCursor)
	}
	if diff := cmp.Diff(all, lg.ids); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestQuirksApplyToOtherLists(t *testing.T) {
	t.Parallel()
	srv, _ := quirkServer(t, latticetest.Quirks{OversizedPages: true})
	l := get(t, srv, "/v1/departments?limit=2").list(t)
	if len(l.Data) <= 2 {
		t.Errorf("departments page of %d items for limit=2 with OversizedPages", len(l.Data))
	}
	srv.SetQuirks(latticetest.Quirks{})
	if l := get(t, srv, "/v1/departments?limit=2").list(t); len(l.Data) != 2 {
		t.Errorf("after SetQuirks(Quirks{}): %d items", len(l.Data))
	}
}
