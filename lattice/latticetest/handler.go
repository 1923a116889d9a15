package latticetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page sizes of the list endpoints.
const (
	DefaultLimit = 10
	MaxLimit     = 100
)

// aliasSuffix marks the fresh cursor an EmptyPageWithMore page answers: it resumes where
// the cursor without the suffix does.
const aliasSuffix = "~e"

// errBadRequest is a client error answered with 400 and its message.
type errBadRequest struct{ msg string }

func (e *errBadRequest) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &errBadRequest{msg: fmt.Sprintf(format, args...)}
}

// response is a rendered answer: computed under the read lock, written after it.
type response struct {
	status int
	body   []byte
	header http.Header
}

func jsonResponse(status int, v any) response {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return errorResponse(http.StatusInternalServerError, "latticetest: cannot encode response: "+err.Error())
	}
	return response{status: status, body: b.Bytes()}
}

func errorResponse(status int, msg string) response {
	return jsonResponse(status, errorJSON{Error: msg})
}

func (resp response) write(w http.ResponseWriter, contentType string) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

const jsonType = "application/json; charset=utf-8"

func writeError(w http.ResponseWriter, status int, msg string) {
	errorResponse(status, msg).write(w, jsonType)
}

// bearer extracts the API key from the Authorization header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	key = strings.TrimSpace(key)
	return key, key != ""
}

// serveHTTP authenticates, rate-limits and routes a request. Fault injection, latency and
// recording happen around it, in the fakeserver middleware.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	scim := s.cfg.scim && isSCIMPath(r.URL.Path)
	fail := func(status int, msg string) {
		if scim {
			scimError(status, "", msg).write(w, scimType)
			return
		}
		writeError(w, status, msg)
	}
	key, ok := bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Lattice API"`)
		fail(http.StatusUnauthorized, "Unauthorized: send the API key as \"Authorization: Bearer <key>\"")
		return
	}
	s.mu.RLock()
	k, known := s.keys[key]
	s.mu.RUnlock()
	if !known {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Lattice API", error="invalid_token"`)
		fail(http.StatusUnauthorized, "the API key is not valid")
		return
	}
	if scim {
		s.serveSCIM(w, r)
		return
	}

	path := r.URL.Path
	rt, ok := route(path)
	if !ok {
		writeError(w, http.StatusNotFound, "Not found: no route for "+r.Method+" "+path)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed: "+path+" supports GET only")
		return
	}
	for _, f := range k.Forbidden {
		if segmentPrefix(f, path) {
			writeError(w, http.StatusForbidden, "the creator of this API key has no access to "+path)
			return
		}
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad request: the query string is malformed")
		return
	}
	lk := key + "\x00" + path
	var resp response
	switch rt.name {
	case "me":
		me := k.MeID
		if me == "" {
			me = s.meID
		}
		resp = s.withIndex(func(ix *index) response { return s.getUser(ix, me, true) })
	case "users":
		resp = s.withQuery(q, lk, true, func(ix *index, p listParams) response { return s.listUsers(ix, p) })
	case "user":
		resp = s.withIndex(func(ix *index) response { return s.getUser(ix, rt.id, false) })
	case "directReports":
		resp = s.withQuery(q, lk, true, func(ix *index, p listParams) response { return s.listDirectReports(ix, rt.id, p) })
	case "customAttributes":
		resp = s.withQuery(q, lk, false, func(ix *index, p listParams) response { return s.listCustomAttributes(ix, rt.id, p) })
	case "tasks":
		resp = s.withQuery(q, lk, false, func(ix *index, p listParams) response { return s.listTasks(ix, rt.id, p) })
	case "departments":
		resp = s.withQuery(q, lk, false, func(ix *index, p listParams) response { return s.listDepartments(ix, p) })
	case "department":
		resp = s.withIndex(func(ix *index) response { return s.getDepartment(ix, rt.id) })
	}
	resp.write(w, jsonType)
}

type routeMatch struct{ name, id string }

// route matches the API's paths: plural for lists, singular for items.
func route(path string) (routeMatch, bool) {
	rest, ok := strings.CutPrefix(path, "/v1/")
	if !ok {
		return routeMatch{}, false
	}
	seg := strings.Split(rest, "/")
	switch {
	case len(seg) == 1 && seg[0] == "me":
		return routeMatch{name: "me"}, true
	case len(seg) == 1 && seg[0] == "users":
		return routeMatch{name: "users"}, true
	case len(seg) == 1 && seg[0] == "departments":
		return routeMatch{name: "departments"}, true
	case len(seg) == 2 && seg[0] == "user" && seg[1] != "":
		return routeMatch{name: "user", id: seg[1]}, true
	case len(seg) == 2 && seg[0] == "department" && seg[1] != "":
		return routeMatch{name: "department", id: seg[1]}, true
	case len(seg) == 3 && seg[0] == "user" && seg[1] != "" && seg[2] == "directReports":
		return routeMatch{name: "directReports", id: seg[1]}, true
	case len(seg) == 3 && seg[0] == "user" && seg[1] != "" && seg[2] == "customAttributes":
		return routeMatch{name: "customAttributes", id: seg[1]}, true
	case len(seg) == 3 && seg[0] == "user" && seg[1] != "" && seg[2] == "tasks":
		return routeMatch{name: "tasks", id: seg[1]}, true
	}
	return routeMatch{}, false
}

// segmentPrefix reports whether pattern's segments are a prefix of path's, with "*"
// matching any one segment.
func segmentPrefix(pattern, path string) bool {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	qs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) > len(qs) {
		return false
	}
	for i, p := range ps {
		if p != "*" && p != qs[i] {
			return false
		}
	}
	return true
}

// withIndex runs f with the current index under the read lock.
func (s *Server) withIndex(f func(ix *index) response) response {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.invalid != nil {
		return errorResponse(http.StatusInternalServerError, s.invalid.Error())
	}
	return f(s.ix)
}

// listParams are the parsed query parameters of a list request.
type listParams struct {
	limit    int
	cursor   string
	statuses statusSet
	lkey     string // identifies the listing for the "once" quirks
}

// statusSet is a set of Lattice statuses (bit i = status i); 0 means "not given".
type statusSet uint8

const allStatuses statusSet = 1<<numStatuses - 1

// withQuery parses the list parameters (status too when withStatus) and runs f with them
// under the read lock.
func (s *Server) withQuery(q url.Values, lk string, withStatus bool, f func(*index, listParams) response) response {
	p, err := parseList(q, withStatus)
	if err != nil {
		return errorResponse(http.StatusBadRequest, "Bad request: "+err.Error())
	}
	p.lkey = lk + "\x00" + strconv.Itoa(int(p.statuses))
	return s.withIndex(func(ix *index) response { return f(ix, p) })
}

func parseList(q url.Values, withStatus bool) (listParams, error) {
	p := listParams{limit: DefaultLimit, cursor: q.Get("startingAfter")}
	if vs, ok := q["limit"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(vs[0]))
		if err != nil || n <= 0 {
			return p, badRequest("limit must be an integer from 1 to %d, got %q", MaxLimit, vs[0])
		}
		p.limit = min(n, MaxLimit)
	}
	if !withStatus {
		return p, nil // endpoints without a status filter ignore the parameter
	}
	for _, v := range q["status"] {
		switch {
		case v == "NULL":
			if len(q["status"]) > 1 {
				return p, badRequest("status=NULL (every status) cannot be combined with other status values")
			}
			p.statuses = allStatuses
		case strings.Contains(v, ","):
			return p, badRequest("invalid status %q: give one of ACTIVE, INVITED, CREATED, DEACTIVATED or NULL per status parameter (repeat the parameter for several)", v)
		default:
			st, ok := statusCode(v)
			if !ok {
				return p, badRequest("invalid status %q: must be one of ACTIVE, INVITED, CREATED, DEACTIVATED or NULL", v)
			}
			p.statuses |= 1 << st
		}
	}
	return p, nil
}

// lists returns the position lists of the users with a status in set.
func (ix *index) statusLists(set statusSet) [][]int32 {
	if set == allStatuses {
		return [][]int32{ix.all}
	}
	var out [][]int32
	for st := range numStatuses {
		if set&(1<<st) != 0 {
			out = append(out, ix.lists[st])
		}
	}
	return out
}

func (s *Server) renderer(ix *index) *renderer {
	rd := &renderer{ix: ix, externalIDs: s.cfg.allExternalIDs}
	if s.cfg.absoluteURLs {
		rd.prefix = s.URL
	}
	return rd
}

func listResponse(pg page, data any) response {
	return jsonResponse(http.StatusOK, listJSON{Object: "list", HasMore: pg.hasMore, EndingCursor: pg.ending, Data: data})
}

func pageError(err error) response {
	var br *errBadRequest
	if errors.As(err, &br) {
		return errorResponse(http.StatusBadRequest, "Bad request: "+br.msg)
	}
	return errorResponse(http.StatusInternalServerError, err.Error())
}

func (s *Server) listUsers(ix *index, p listParams) response {
	if p.statuses == 0 {
		p.statuses = 1 << stActive // Lattice lists active users unless asked otherwise
	}
	pg, err := s.paginate(p, ix.statusLists(p.statuses), ix.userCursor, ix.userID)
	if err != nil {
		return pageError(err)
	}
	return listResponse(pg, s.renderer(ix).users(pg.items))
}

func (ix *index) userID(i int32) string { return ix.c.People[i].LatticeID }

func (s *Server) getUser(ix *index, id string, me bool) response {
	pos, ok := ix.byLattice[id]
	if !ok {
		if me {
			return errorResponse(http.StatusNotFound, "Not found: the user this API key belongs to no longer exists")
		}
		return errorResponse(http.StatusNotFound, "Not found: no user with id "+strconv.Quote(id))
	}
	return jsonResponse(http.StatusOK, s.renderer(ix).user(pos))
}

func (s *Server) listDirectReports(ix *index, id string, p listParams) response {
	pos, ok := ix.byLattice[id]
	if !ok {
		return errorResponse(http.StatusNotFound, "Not found: no user with id "+strconv.Quote(id))
	}
	reports := ix.reports(pos)
	if p.statuses != 0 && p.statuses != allStatuses {
		var kept []int32
		for _, r := range reports {
			if p.statuses&(1<<ix.status[r]) != 0 {
				kept = append(kept, r)
			}
		}
		reports = kept
	}
	pg, err := s.paginate(p, [][]int32{reports}, ix.userCursor, ix.userID)
	if err != nil {
		return pageError(err)
	}
	return listResponse(pg, s.renderer(ix).users(pg.items))
}

func (s *Server) listCustomAttributes(ix *index, id string, p listParams) response {
	pos, ok := ix.byLattice[id]
	if !ok {
		return errorResponse(http.StatusNotFound, "Not found: no user with id "+strconv.Quote(id))
	}
	items := ix.attrItems(pos)
	userID := ix.c.People[pos].LatticeID
	idOf := func(a int32) string { return valueID(userID, ix.c.Attributes[a].LatticeID) }
	resolve := func(c string) (int32, int32, bool) {
		for _, a := range items {
			if idOf(a) == c {
				return a + 1, a, true
			}
		}
		return 0, -1, false
	}
	pg, err := s.paginate(p, [][]int32{items}, resolve, idOf)
	if err != nil {
		return pageError(err)
	}
	return listResponse(pg, s.renderer(ix).attributeValues(pos, pg.items))
}

// listTasks serves a user's tasks, which the fake does not model: the list is always
// empty, so that the user's tasks reference is not dangling.
func (s *Server) listTasks(ix *index, id string, p listParams) response {
	if _, ok := ix.byLattice[id]; !ok {
		return errorResponse(http.StatusNotFound, "Not found: no user with id "+strconv.Quote(id))
	}
	if p.cursor != "" {
		return errorResponse(http.StatusBadRequest, "Bad request: startingAfter "+strconv.Quote(p.cursor)+" is not a cursor of this listing")
	}
	return listResponse(page{items: []int32{}}, []struct{}{})
}

func (s *Server) listDepartments(ix *index, p listParams) response {
	resolve := func(c string) (int32, int32, bool) {
		d, ok := ix.deptByLattice[c]
		return d + 1, d, ok
	}
	idOf := func(d int32) string { return ix.c.Departments[d].LatticeID }
	pg, err := s.paginate(p, [][]int32{ix.deptAll}, resolve, idOf)
	if err != nil {
		return pageError(err)
	}
	rd := s.renderer(ix)
	data := make([]departmentJSON, len(pg.items))
	for k, d := range pg.items {
		data[k] = rd.department(d)
	}
	return listResponse(pg, data)
}

func (s *Server) getDepartment(ix *index, id string) response {
	d, ok := ix.deptByLattice[id]
	if !ok {
		return errorResponse(http.StatusNotFound, "Not found: no department with id "+strconv.Quote(id))
	}
	return jsonResponse(http.StatusOK, s.renderer(ix).department(d))
}

// page is one page of a listing.
type page struct {
	items   []int32
	hasMore bool
	ending  *string // nil renders as null
}

// listingState remembers which "once" quirks a listing has seen.
type listingState struct{ emptyDone, backDone bool }

// paginate picks the page p asks for from the union of lists and applies the quirks.
// resolve maps a cursor to the first position after it (from) and its own position (at,
// -1 if it has none); idOf gives the cursor of an item.
func (s *Server) paginate(p listParams, lists [][]int32,
	resolve func(string) (from, at int32, ok bool), idOf func(int32) string) (page, error) {
	q, st := s.listingQuirks(p)
	var from int32
	base := p.cursor
	if p.cursor != "" {
		base = strings.TrimSuffix(p.cursor, aliasSuffix)
		f, at, ok := resolve(base)
		if !ok {
			return page{}, badRequest("startingAfter %q is not a cursor of this listing", p.cursor)
		}
		from = f
		if q.DuplicateAcrossPages && at >= 0 {
			from = at
		}
	}

	if q.EmptyPageWithMore && p.cursor != "" {
		if next, _ := pick(lists, from, 1); len(next) > 0 && s.claim(&st.emptyDone) {
			alias := base + aliasSuffix
			return page{items: []int32{}, hasMore: true, ending: &alias}, nil
		}
	}
	n := p.limit
	if q.OversizedPages {
		n = p.limit + p.limit/2 + 1
	}
	if q.DuplicateAcrossPages && p.cursor != "" {
		n = max(n, 2) // the repeated item plus at least one new one
	}
	items, more := pick(lists, from, n)
	pg := page{items: items, hasMore: more}
	if items == nil {
		pg.items = []int32{}
	}
	if more {
		id := idOf(items[len(items)-1])
		pg.ending = &id
		switch {
		case p.cursor != "" && q.RepeatCursor:
			c := p.cursor
			pg.ending = &c
		case p.cursor != "" && q.BackwardsCursor && s.claim(&st.backDone):
			first, _ := pick(lists, 0, 1)
			id := idOf(first[0])
			pg.ending = &id
		}
	} else if q.HasMoreWithoutCursor {
		pg.hasMore = true
	}
	return pg, nil
}

// listingQuirks returns the quirks and the state of p's listing, starting a new listing
// when p has no cursor. With no "once" quirk on it keeps no state.
func (s *Server) listingQuirks(p listParams) (Quirks, *listingState) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	q := s.quirks
	if !q.EmptyPageWithMore && !q.BackwardsCursor {
		return q, &listingState{}
	}
	st := s.listings[p.lkey]
	if st == nil || p.cursor == "" {
		st = &listingState{}
		s.listings[p.lkey] = st
	}
	return q, st
}

// claim sets *flag and reports whether it was unset.
func (s *Server) claim(flag *bool) bool {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if *flag {
		return false
	}
	*flag = true
	return true
}
