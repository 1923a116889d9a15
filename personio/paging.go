package personio

import (
	"fmt"

	"github.com/hrisconnect/hrisconnect/unified"
)

// v1State implements the healing rules of offset pagination documented in the package
// documentation ("Offset pagination under change"). It is pure: the table-driven tests
// drive it with scripted listings.

// maxPrevIDs bounds the ids remembered from the previous page (in the cursor).
const maxPrevIDs = MaxEmployeesLimit

// maxHeals bounds how many times one page is read again after the total dropped.
const maxHeals = 5

// v1State is the position in a v1 employee listing. It is what a v1 cursor carries.
type v1State struct {
	// Off is the offset of the next request.
	Off int `json:"o"`
	// First is total_elements as reported on the first page; Last as reported on the latest
	// page (-1: no page read yet, or the API does not report it).
	First int `json:"f"`
	Last  int `json:"t"`
	// Seen counts the distinct records read so far.
	Seen int `json:"n"`
	// Prev holds the ids of the previous page.
	Prev []int `json:"p,omitempty"`
	// Started is set once a page was read.
	Started bool `json:"s,omitempty"`
}

func newV1State() v1State { return v1State{First: -1, Last: -1} }

// v1Step is the outcome of applying one page.
type v1Step struct {
	// keep[i] says whether record i of the page is new.
	keep []bool
	// refetch asks for the page at the (moved) Off again; the page must be discarded.
	refetch bool
	// done is set when the listing is complete.
	done bool
	// used is how many records of the page were consumed (a page longer than the limit
	// is cut at the limit; the rest is read again with the next page).
	used int
}

// apply consumes the page read at offset s.Off: total is its total_elements (-1 when
// absent), ids its records' ids, limit the page size asked for. unpaged marks a response
// that holds the whole listing whatever limit and offset say (updated_since).
func (s *v1State) apply(total int, ids []int, limit int, unpaged bool) (v1Step, error) {
	var step v1Step
	if s.Started && total >= 0 && s.Last >= 0 && total < s.Last {
		k := s.Last - total
		if k > len(s.Prev) || s.Off == 0 {
			return step, fmt.Errorf("personio: %d people were removed while the employee list was being read (%d → %d), more than can be healed at offset %d; start the listing again: %w",
				k, s.Last, total, s.Off, unified.ErrInconsistentListing)
		}
		s.Off = max(0, s.Off-k)
		s.Last = total
		step.refetch = true
		return step, nil
	}
	if !s.Started {
		s.Started = true
		s.First = total
	}
	if total >= 0 {
		s.Last = total
	}

	var prev map[int]struct{}
	if len(s.Prev) > 0 {
		prev = make(map[int]struct{}, len(s.Prev)+len(ids))
		for _, id := range s.Prev {
			prev[id] = struct{}{}
		}
	} else {
		prev = make(map[int]struct{}, len(ids))
	}
	used, before := len(ids), 0
	if !unpaged && used > limit {
		// A page larger than asked. Records of the previous page at its start were served
		// from before the offset (Personio repeats the record at offset-1): they do not
		// take the place of records of this page. Beyond them the page is cut at the
		// limit; the rest comes again with the next page.
		for before < used-limit {
			if _, dup := prev[ids[before]]; !dup {
				break
			}
			before++
		}
		used = limit + before
	}
	step.used = used
	step.keep = make([]bool, used)
	for i := 0; i < used; i++ {
		if _, dup := prev[ids[i]]; dup {
			continue
		}
		prev[ids[i]] = struct{}{}
		step.keep[i] = true
		s.Seen++
	}
	s.Off += used - before
	s.Prev = append(s.Prev[:0], ids[max(0, used-maxPrevIDs):used]...)

	switch {
	case unpaged && (s.Last < 0 || used >= s.Last || used > limit || used < limit):
		step.done = true
	case s.Last >= 0:
		step.done = s.Off >= s.Last
		if used == 0 && !step.done {
			return step, fmt.Errorf("personio: the employee page at offset %d is empty, but Personio reports %d employees: %w",
				s.Off, s.Last, unified.ErrInconsistentListing)
		}
	default:
		step.done = used < limit
	}
	if step.done && s.Last >= 0 && s.Seen < s.Last {
		return step, fmt.Errorf("personio: read %d distinct employees, but Personio reports %d: the list changed while it was being read and someone may have been skipped; start the listing again: %w",
			s.Seen, s.Last, unified.ErrInconsistentListing)
	}
	return step, nil
}
