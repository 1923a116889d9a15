package personiotest

import (
	"strconv"
	"sync"

	"github.com/hrisconnect/hrisconnect/internal/fakeid"
)

// DefaultMaxCursors is how many v2 cursors a server remembers by default. Older cursors
// are evicted, and a request with an evicted cursor gets a 400, as one with an unknown
// cursor does.
const DefaultMaxCursors = 10000

// listing is the state shared by every page of one v2 listing (one chain of cursors),
// so that the once-per-listing quirks fire once.
type listing struct {
	emptyDone     bool // EmptyPageWithNext has fired
	backwardsDone bool // BackwardsCursor has fired
}

// cursorState is what a v2 cursor stands for: an endpoint, its parsed filters and limit,
// and a position. The filters travel with the cursor, so a next link needs nothing but
// cursor= in its query.
type cursorState struct {
	// path is the endpoint's path ("/v2/persons"); a cursor is valid only there.
	path string
	// filter is the endpoint's parsed filter (personFilter, employmentFilter, ...).
	filter any
	limit  int
	// pos is the position: for persons the id after which the page starts (keyset), for
	// the small lists an index into the filtered, ordered list.
	pos int
	// prev is the state of the page before this one (for the BackwardsCursor quirk).
	prev *cursorState
	// key is the cursor string that names this state, "" for a first page not yet named.
	key string
	// page is the page number, 1-based.
	page    int
	listing *listing
}

// cursorStore maps cursor strings to states. It is bounded: beyond max entries the
// oldest cursor is forgotten.
type cursorStore struct {
	mu   sync.Mutex
	max  int
	m    map[string]*cursorState
	ring []string // insertion order, used as a circular buffer of len max
	head int
	seq  uint64
}

func newCursorStore(max int) *cursorStore {
	if max <= 0 {
		max = DefaultMaxCursors
	}
	return &cursorStore{max: max, m: make(map[string]*cursorState)}
}

// put names st with a new cursor string and remembers it. Cursor strings are
// deterministic (a scrambled sequence number), so the same requests in the same order
// give the same cursors.
func (cs *cursorStore) put(st *cursorState) string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if st.key != "" {
		return st.key
	}
	cs.seq++
	key := "cur_" + strconv.FormatUint(fakeid.Mix64(cs.seq^0x43555253)|1<<63, 36)
	st.key = key
	if len(cs.ring) < cs.max {
		cs.ring = append(cs.ring, key)
	} else {
		delete(cs.m, cs.ring[cs.head])
		cs.ring[cs.head] = key
		cs.head = (cs.head + 1) % cs.max
	}
	cs.m[key] = st
	return key
}

// get returns the state named key, or nil.
func (cs *cursorStore) get(key string) *cursorState {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.m[key]
}

// fire sets the once-per-listing flag that flag selects and reports whether it was
// still clear, under the store's lock.
func (cs *cursorStore) fire(l *listing, flag func(*listing) *bool) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	p := flag(l)
	if *p {
		return false
	}
	*p = true
	return true
}
