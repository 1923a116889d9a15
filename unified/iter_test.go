package unified_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

func people(n int) []unified.User {
	out := make([]unified.User, n)
	for i := range out {
		out[i] = unified.User{ID: strconv.Itoa(i + 1), Status: unified.StatusActive}
		if i%3 == 0 {
			out[i].Status = unified.StatusInactive
		}
	}
	return out
}

func ids(users []unified.User) []string {
	out := make([]string, len(users))
	for i := range users {
		out[i] = users[i].ID
	}
	return out
}

func TestUsersListsEverythingOnce(t *testing.T) {
	t.Parallel()
	all := people(23)
	tests := []struct {
		name     string
		pageSize int
		filter   unified.Filter
		want     []unified.User
		calls    int
	}{
		{"default size", 0, unified.Filter{}, all, 1},
		{"pages of 5", 5, unified.Filter{}, all, 5},
		{"exact multiple", 23, unified.Filter{}, all, 1},
		{"pages of 1", 1, unified.Filter{}, all, 23},
		{"filtered", 4, unified.Filter{Statuses: []unified.Status{unified.StatusInactive}}, filterUsers(all, unified.StatusInactive), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := directorytest.NewMemory("mem", all)
			got, err := unified.All(context.Background(), d, &unified.ListOptions{PageSize: tt.pageSize, Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ids(tt.want), ids(got)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if d.Calls() != tt.calls {
				t.Errorf("calls = %d, want %d", d.Calls(), tt.calls)
			}
		})
	}
}

func filterUsers(us []unified.User, s unified.Status) []unified.User {
	var out []unified.User
	for _, u := range us {
		if u.Status == s {
			out = append(out, u)
		}
	}
	return out
}

// A page loop whose context is cancelled mid-way makes no further requests.
func TestUsersCancelledMidwayMakesNoFurtherRequests(t *testing.T) {
	t.Parallel()
	d := directorytest.NewMemory("mem", people(100))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var got []string
	var gotErr error
	errCount := 0
	for u, err := range unified.Users(ctx, d, &unified.ListOptions{PageSize: 10}) {
		if err != nil {
			gotErr = err
			errCount++
			continue
		}
		got = append(got, u.ID)
		if len(got) == 25 { // in the middle of the third page
			cancel()
		}
	}
	if !errors.Is(gotErr, context.Canceled) || errCount != 1 {
		t.Fatalf("err = %v (yielded %d times), want context.Canceled once", gotErr, errCount)
	}
	// The third page was already fetched; the iterator may finish yielding it, but it must
	// not request a fourth.
	if d.Calls() != 3 {
		t.Errorf("ListUsers calls = %d, want 3", d.Calls())
	}
	if len(got) != 30 {
		t.Errorf("yielded %d users, want the 30 of the pages already read", len(got))
	}
}

func TestUsersBreakStopsRequests(t *testing.T) {
	t.Parallel()
	d := directorytest.NewMemory("mem", people(100))
	n := 0
	for _, err := range unified.Users(context.Background(), d, &unified.ListOptions{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 10 { // the last user of the first page
			break
		}
	}
	if d.Calls() != 1 {
		t.Errorf("calls = %d after break, want 1", d.Calls())
	}
}

// scripted is a Directory that serves a fixed list of pages keyed by cursor.
type scripted struct {
	mu    sync.Mutex
	pages map[string]scriptedPage
	calls []string
}

type scriptedPage struct {
	ids  []string
	next string
	err  error
}

func (s *scripted) Provider() string                          { return "scripted" }
func (s *scripted) Me(context.Context) (*unified.User, error) { return nil, unified.ErrUnsupported }
func (s *scripted) GetUser(context.Context, string) (*unified.User, error) {
	return nil, unified.ErrNotFound
}
func (s *scripted) ListUsers(_ context.Context, o *unified.ListOptions) (*unified.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, o.Cursor)
	p, ok := s.pages[o.Cursor]
	if !ok {
		return nil, fmt.Errorf("unexpected cursor %q", o.Cursor)
	}
	if p.err != nil {
		return nil, p.err
	}
	page := &unified.Page{NextCursor: p.next, Total: -1}
	for _, id := range p.ids {
		page.Users = append(page.Users, unified.User{ID: id})
	}
	return page, nil
}

func TestUsersPagingEdgeCases(t *testing.T) {
	t.Parallel()
	apiErr := &unified.APIError{Provider: "scripted", StatusCode: 503}
	tests := []struct {
		name    string
		pages   map[string]scriptedPage
		start   string
		want    []string
		wantErr error
		calls   []string
	}{
		{
			name:  "empty page with a cursor does not end the listing",
			pages: map[string]scriptedPage{"": {ids: []string{"1"}, next: "a"}, "a": {next: "b"}, "b": {ids: []string{"2"}}},
			want:  []string{"1", "2"}, calls: []string{"", "a", "b"},
		},
		{
			name:  "error is yielded once after the users before it",
			pages: map[string]scriptedPage{"": {ids: []string{"1", "2"}, next: "a"}, "a": {err: apiErr}},
			want:  []string{"1", "2"}, wantErr: unified.ErrUnavailable, calls: []string{"", "a"},
		},
		{
			name:  "repeated cursor is a loop",
			pages: map[string]scriptedPage{"": {ids: []string{"1"}, next: "a"}, "a": {ids: []string{"2"}, next: "a"}},
			want:  []string{"1", "2"}, wantErr: unified.ErrCursorLoop, calls: []string{"", "a"},
		},
		{
			name:  "resume from a cursor",
			pages: map[string]scriptedPage{"a": {ids: []string{"2"}, next: "b"}, "b": {ids: []string{"3"}}},
			start: "a", want: []string{"2", "3"}, calls: []string{"a", "b"},
		},
		{
			name:  "empty directory",
			pages: map[string]scriptedPage{"": {}},
			want:  nil, calls: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &scripted{pages: tt.pages}
			var got []string
			var errs []error
			for u, err := range unified.Users(context.Background(), d, &unified.ListOptions{Cursor: tt.start}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				got = append(got, u.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if tt.wantErr == nil && len(errs) > 0 {
				t.Errorf("unexpected errors %v", errs)
			}
			if tt.wantErr != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.wantErr)) {
				t.Errorf("errors = %v, want exactly one matching %v", errs, tt.wantErr)
			}
			if diff := cmp.Diff(tt.calls, d.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsersCopiesOptionsAndRestarts(t *testing.T) {
	t.Parallel()
	d := directorytest.NewMemory("mem", people(7))
	opts := &unified.ListOptions{PageSize: 3}
	seq := unified.Users(context.Background(), d, opts)
	opts.PageSize = 1                                               // must not affect seq
	opts.Filter.Statuses = []unified.Status{unified.StatusInactive} // nor this
	for range 2 {
		var got []string
		for u, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, u.ID)
		}
		if diff := cmp.Diff(ids(people(7)), got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
	if d.Calls() != 6 {
		t.Errorf("calls = %d, want 3 per range", d.Calls())
	}
}

func TestUsersContextDoneBeforeStart(t *testing.T) {
	t.Parallel()
	d := directorytest.NewMemory("mem", people(3))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	users, err := unified.All(ctx, d, nil)
	if !errors.Is(err, context.Canceled) || len(users) != 0 {
		t.Fatalf("All = %v, %v; want no users and context.Canceled", users, err)
	}
	if d.Calls() != 0 {
		t.Errorf("calls = %d, want 0", d.Calls())
	}
}

// streaming wraps a directory and records that Users took its fast path.
type streaming struct {
	*directorytest.Memory
	streamed int
	gotOpts  unified.ListOptions
}

func (s *streaming) StreamUsers(ctx context.Context, opts *unified.ListOptions) iter.Seq2[unified.User, error] {
	s.streamed++
	s.gotOpts = *opts
	return unified.PagedUsers(ctx, s.Memory, opts)
}

func TestUsersPrefersStreamer(t *testing.T) {
	t.Parallel()
	d := &streaming{Memory: directorytest.NewMemory("mem", people(5))}
	opts := &unified.ListOptions{PageSize: 2}
	got, err := unified.All(context.Background(), d, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.streamed != 1 || len(got) != 5 {
		t.Fatalf("streamed %d times, %d users; want 1 and 5", d.streamed, len(got))
	}
	if d.gotOpts.PageSize != 2 {
		t.Errorf("StreamUsers got options %+v", d.gotOpts)
	}
	// A wrapper that does not implement Streamer is paged with ListUsers.
	if _, err := unified.All(context.Background(), pagesOnly{d}, nil); err != nil {
		t.Fatal(err)
	}
	if d.streamed != 1 {
		t.Errorf("a directory without StreamUsers was streamed")
	}
}

type pagesOnly struct{ d unified.Directory }

func (p pagesOnly) Provider() string                              { return p.d.Provider() }
func (p pagesOnly) Me(ctx context.Context) (*unified.User, error) { return p.d.Me(ctx) }
func (p pagesOnly) GetUser(ctx context.Context, id string) (*unified.User, error) {
	return p.d.GetUser(ctx, id)
}
func (p pagesOnly) ListUsers(ctx context.Context, o *unified.ListOptions) (*unified.Page, error) {
	return p.d.ListUsers(ctx, o)
}
