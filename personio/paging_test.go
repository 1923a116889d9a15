package personio

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

// listingSim is an employee listing that changes while it is paged, as Personio's does.
// Before page k is served, the edits scheduled for k are applied.
type listingSim struct {
	ids   []int
	edits map[int]func(ids []int) []int // by page number (0-based)
	// quirks of the server
	dupFirst  bool // a page at offset > 0 starts with the record at offset-1
	oversize  int  // extra records served beyond the limit
	noTotal   bool // no metadata
	emptyFrom int  // serve empty pages from this offset on (0: never)
}

// run pages through the listing with v1State the way the Directory does and returns the
// ids it yields.
func (s *listingSim) run(t *testing.T, limit int) ([]int, error) {
	t.Helper()
	st := newV1State()
	var out []int
	page := 0
	for guard := 0; guard < 1000; guard++ {
		if e := s.edits[page]; e != nil {
			s.ids = e(s.ids)
			delete(s.edits, page)
		}
		start := st.Off
		if s.dupFirst && start > 0 {
			start--
		}
		end := min(len(s.ids), st.Off+limit+s.oversize)
		var got []int
		if start < end && (s.emptyFrom == 0 || st.Off < s.emptyFrom) {
			got = slices.Clone(s.ids[start:end])
		}
		total := len(s.ids)
		if s.noTotal {
			total = -1
		}
		step, err := st.apply(total, got, limit, false)
		if err != nil {
			return out, err
		}
		if step.refetch {
			continue
		}
		page++
		for i := 0; i < step.used; i++ {
			if step.keep[i] {
				out = append(out, got[i])
			}
		}
		if step.done {
			return out, nil
		}
	}
	t.Fatal("paging did not end")
	return nil, nil
}

func seq(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func without(ids []int, drop ...int) []int {
	return slices.DeleteFunc(slices.Clone(ids), func(id int) bool { return slices.Contains(drop, id) })
}

func insertAt(ids []int, pos, id int) []int { return slices.Insert(slices.Clone(ids), pos, id) }

func TestV1PagingHeals(t *testing.T) {
	t.Parallel()
	remove := func(drop ...int) func([]int) []int { return func(ids []int) []int { return without(ids, drop...) } }
	tests := []struct {
		name  string
		sim   listingSim
		limit int
		// want is the exact set of ids to yield, in order; wantErr instead expects
		// ErrInconsistentListing.
		want    []int
		wantErr bool
	}{
		{"stable", listingSim{ids: seq(1, 10)}, 3, seq(1, 10), false},
		{"exact pages", listingSim{ids: seq(1, 9)}, 3, seq(1, 9), false},
		{"empty listing", listingSim{ids: nil}, 3, nil, false},
		{"duplicate across boundary", listingSim{ids: seq(1, 10), dupFirst: true}, 3, seq(1, 10), false},
		{"oversized pages", listingSim{ids: seq(1, 10), oversize: 2}, 3, seq(1, 10), false},
		// The repeated record makes every page one longer than asked: the last record of a
		// full last page must not be cut off.
		{"duplicate across boundary, full last page", listingSim{ids: seq(1, 12), dupFirst: true}, 3, seq(1, 12), false},
		{"duplicate across boundary, oversized pages", listingSim{ids: seq(1, 20), dupFirst: true, oversize: 2}, 3, seq(1, 20), false},
		{"no metadata", listingSim{ids: seq(1, 10), noTotal: true}, 3, seq(1, 10), false},
		// Removals shift records forward; the offset backs up and nobody is skipped.
		{"read person removed", listingSim{ids: seq(1, 10), edits: map[int]func([]int) []int{1: remove(2)}}, 3,
			seq(1, 10), false}, // 2 was read before it was removed
		{"unread person removed", listingSim{ids: seq(1, 10), edits: map[int]func([]int) []int{1: remove(5)}}, 3,
			without(seq(1, 10), 5), false},
		{"person removed on the previous page", listingSim{ids: seq(1, 10), edits: map[int]func([]int) []int{2: remove(5)}}, 3,
			seq(1, 10), false},
		{"two removed at once", listingSim{ids: seq(1, 12), edits: map[int]func([]int) []int{2: remove(1, 3)}}, 3,
			seq(1, 12), false},
		{"removals on several pages", listingSim{ids: seq(1, 12), edits: map[int]func([]int) []int{1: remove(1), 2: remove(2), 3: remove(12)}}, 3,
			seq(1, 11), false},
		{"more removed than a page", listingSim{ids: seq(1, 12), edits: map[int]func([]int) []int{2: remove(1, 2, 3, 4)}}, 3,
			nil, true},
		// Additions at the end are read; additions before the offset shift records back,
		// which are dropped as repeats, and the person added cannot be read: reported.
		{"hire appended", listingSim{ids: seq(1, 10), edits: map[int]func([]int) []int{1: func(ids []int) []int { return append(ids, 11) }}}, 3,
			seq(1, 11), false},
		{"hire before the offset", listingSim{ids: seq(1, 10), edits: map[int]func([]int) []int{2: func(ids []int) []int { return insertAt(ids, 1, 99) }}}, 3,
			nil, true},
		{"hire after the offset", listingSim{ids: seq(1, 10), edits: map[int]func([]int) []int{1: func(ids []int) []int { return insertAt(ids, 8, 99) }}}, 3,
			[]int{1, 2, 3, 4, 5, 6, 7, 8, 99, 9, 10}, false},
		{"server skips records", listingSim{ids: seq(1, 10), emptyFrom: 6}, 3, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim := tt.sim
			got, err := sim.run(t, tt.limit)
			if tt.wantErr {
				if !errors.Is(err, unified.ErrInconsistentListing) {
					t.Fatalf("err = %v (yielded %v), want ErrInconsistentListing", err, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v (yielded %v)", err, got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("yielded ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestV1PagingUnpaged(t *testing.T) {
	t.Parallel()
	// updated_since: Personio ignores limit and offset and sends everything at once.
	st := newV1State()
	ids := seq(1, 250)
	step, err := st.apply(len(ids), ids, 100, true)
	if err != nil || !step.done || step.used != 250 {
		t.Fatalf("step = %+v, %v; want all 250 in one page", step, err)
	}
	// A server that does page such a request is followed page by page.
	st = newV1State()
	step, err = st.apply(250, ids[:100], 100, true)
	if err != nil || step.done || st.Off != 100 {
		t.Fatalf("paged delta: step = %+v, off %d, %v", step, st.Off, err)
	}
}
