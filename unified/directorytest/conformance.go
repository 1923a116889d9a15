package directorytest

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Options tunes [Run].
type Options struct {
	// WantIDs, when set, is the exact set of user IDs the unfiltered listing must return.
	WantIDs []string
	// PageSizes are the page sizes the paging checks use. Default: 0 (provider default)
	// and 7. Keep the directory small (tens of users) or these checks make many requests.
	PageSizes []int
	// MissingID is a user ID that does not exist. Default: "999999999".
	MissingID string
	// GetUserIgnore lists User fields (Go names, e.g. "Raw", "Custom") that GetUser may
	// fill differently from ListUsers.
	GetUserIgnore []string
	// GetUserSample is how many listed users are fetched again with GetUser. Default 5.
	GetUserSample int
}

// Run checks that d behaves as the [unified.Directory] contract says:
//
//   - the unfiltered listing returns every user exactly once, each with Provider set, in the
//     same order at every page size, and never a page larger than asked;
//   - a listing resumed from any page's cursor continues exactly where it left off;
//   - cursors are opaque and bound to provider and filter: garbage, a cursor made for another
//     filter, and a tampered cursor fail with unified.ErrInvalidCursor;
//   - every Filter field (status, employment type, department by ID and by name in another
//     case, legal entity, email in another case, updated-since) returns exactly the users
//     that unified.Filter.Match selects from the full listing, in the same order;
//   - GetUser returns the listed user, and unified.ErrNotFound for an unknown ID;
//   - Me returns a user or unified.ErrUnsupported;
//   - a cancelled context fails ListUsers, GetUser and the Users iterator promptly with the
//     context's error.
//
// The directory should be small (tens of users) and must not change while Run runs.
func Run(t *testing.T, d unified.Directory, opts *Options) {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	if len(o.PageSizes) == 0 {
		o.PageSizes = []int{0, 7}
	}
	if o.MissingID == "" {
		o.MissingID = "999999999"
	}
	if o.GetUserSample == 0 {
		o.GetUserSample = 5
	}
	ctx := context.Background()

	all, err := unified.All(ctx, d, nil)
	if err != nil {
		t.Fatalf("listing all users: %v", err)
	}
	if len(all) == 0 {
		t.Fatal("the directory is empty; Run needs users to check")
	}

	t.Run("ListAll", func(t *testing.T) {
		seen := make(map[string]bool, len(all))
		for _, u := range all {
			if u.ID == "" {
				t.Errorf("a user has an empty ID: %+v", u)
			}
			if seen[u.ID] {
				t.Errorf("user %s listed twice", u.ID)
			}
			seen[u.ID] = true
			if u.Provider != d.Provider() {
				t.Errorf("user %s has Provider %q, want %q", u.ID, u.Provider, d.Provider())
			}
		}
		if o.WantIDs != nil {
			want := slices.Sorted(slices.Values(o.WantIDs))
			got := slices.Sorted(func(yield func(string) bool) {
				for _, u := range all {
					if !yield(u.ID) {
						return
					}
				}
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("listed IDs (-want +got):\n%s", diff)
			}
		}
	})

	t.Run("PageSizes", func(t *testing.T) {
		for _, size := range o.PageSizes {
			got, pages := listPages(t, d, unified.ListOptions{PageSize: size})
			if diff := cmp.Diff(ids(all), ids(got)); diff != "" {
				t.Errorf("page size %d: order or content differs from the default listing (-want +got):\n%s", size, diff)
			}
			for i, p := range pages {
				if size > 0 && len(p.Users) > size {
					t.Errorf("page size %d: page %d has %d users", size, i, len(p.Users))
				}
			}
		}
	})

	t.Run("Resume", func(t *testing.T) {
		size := o.PageSizes[len(o.PageSizes)-1]
		_, pages := listPages(t, d, unified.ListOptions{PageSize: size})
		offset := 0
		for i, p := range pages {
			offset += len(p.Users)
			if p.NextCursor == "" {
				continue
			}
			rest, err := unified.All(ctx, d, &unified.ListOptions{PageSize: size, Cursor: p.NextCursor})
			if err != nil {
				t.Fatalf("resume after page %d: %v", i, err)
			}
			if diff := cmp.Diff(ids(all[offset:]), ids(rest)); diff != "" {
				t.Errorf("resume after page %d (-want +got):\n%s", i, diff)
			}
			if i >= 2 {
				break // a few resumption points are enough
			}
		}
	})

	t.Run("Cursors", func(t *testing.T) {
		p, err := d.ListUsers(ctx, &unified.ListOptions{PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.NextCursor == "" {
			t.Skip("one page holds the whole directory; no cursor to check")
		}
		bad := map[string]unified.ListOptions{
			"garbage":      {Cursor: "not a cursor"},
			"other filter": {Cursor: p.NextCursor, Filter: unified.Filter{Statuses: []unified.Status{unified.StatusInvited}}},
			"tampered":     {Cursor: tamper(p.NextCursor)},
			"truncated":    {Cursor: p.NextCursor[:len(p.NextCursor)/2]},
		}
		for name, lo := range bad {
			if _, err := d.ListUsers(ctx, &lo); !errors.Is(err, unified.ErrInvalidCursor) {
				t.Errorf("%s cursor: err = %v, want ErrInvalidCursor", name, err)
			}
		}
	})

	t.Run("Filters", func(t *testing.T) {
		for name, f := range filtersFor(all) {
			want := slices.DeleteFunc(slices.Clone(all), func(u unified.User) bool { return !f.Match(&u) })
			size := o.PageSizes[len(o.PageSizes)-1]
			got, err := unified.All(ctx, d, &unified.ListOptions{PageSize: size, Filter: f})
			if err != nil {
				t.Errorf("filter %s: %v", name, err)
				continue
			}
			if diff := cmp.Diff(ids(want), ids(got)); diff != "" {
				t.Errorf("filter %s (-want +got):\n%s", name, diff)
			}
		}
	})

	t.Run("GetUser", func(t *testing.T) {
		ignore := cmpopts.IgnoreFields(unified.User{}, append([]string{"Raw"}, o.GetUserIgnore...)...)
		step := max(1, len(all)/o.GetUserSample)
		for i := 0; i < len(all); i += step {
			want := all[i]
			got, err := d.GetUser(ctx, want.ID)
			if err != nil {
				t.Errorf("GetUser(%s): %v", want.ID, err)
				continue
			}
			if diff := cmp.Diff(want, *got, ignore, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("GetUser(%s) differs from the listed user (-list +get):\n%s", want.ID, diff)
			}
		}
		if _, err := d.GetUser(ctx, o.MissingID); !errors.Is(err, unified.ErrNotFound) {
			t.Errorf("GetUser(%q) err = %v, want ErrNotFound", o.MissingID, err)
		}
	})

	t.Run("Me", func(t *testing.T) {
		u, err := d.Me(ctx)
		switch {
		case errors.Is(err, unified.ErrUnsupported):
		case err != nil:
			t.Errorf("Me: %v", err)
		case u == nil || u.ID == "":
			t.Errorf("Me returned %+v", u)
		}
	})

	t.Run("Cancellation", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		start := time.Now()
		if _, err := d.ListUsers(cctx, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("ListUsers with a cancelled context: err = %v", err)
		}
		if _, err := d.GetUser(cctx, all[0].ID); !errors.Is(err, context.Canceled) {
			t.Errorf("GetUser with a cancelled context: err = %v", err)
		}
		n := 0
		for _, err := range unified.Users(cctx, d, nil) {
			n++
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Users with a cancelled context yielded err = %v", err)
			}
		}
		if n != 1 {
			t.Errorf("Users with a cancelled context yielded %d times, want once", n)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("cancelled calls took %v", el)
		}
	})
}

func listPages(t *testing.T, d unified.Directory, lo unified.ListOptions) ([]unified.User, []*unified.Page) {
	t.Helper()
	var users []unified.User
	var pages []*unified.Page
	for {
		p, err := d.ListUsers(context.Background(), &lo)
		if err != nil {
			t.Fatalf("ListUsers(page %d, size %d): %v", len(pages), lo.PageSize, err)
		}
		pages = append(pages, p)
		users = append(users, p.Users...)
		if p.NextCursor == "" {
			return users, pages
		}
		if p.NextCursor == lo.Cursor || len(pages) > 100000 {
			t.Fatalf("paging does not advance (cursor %q)", p.NextCursor)
		}
		lo.Cursor = p.NextCursor
	}
}

func tamper(c string) string {
	b := []byte(c)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func ids(us []unified.User) []string {
	out := make([]string, len(us))
	for i := range us {
		out[i] = us[i].ID
	}
	return out
}

// filtersFor derives one filter per Filter field from the data, so that each selects a
// non-trivial subset where the data allows.
func filtersFor(all []unified.User) map[string]unified.Filter {
	out := map[string]unified.Filter{}
	counts := func(key func(*unified.User) string) string {
		c := map[string]int{}
		for i := range all {
			if k := key(&all[i]); k != "" {
				c[k]++
			}
		}
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return c[keys[i]] > c[keys[j]] || (c[keys[i]] == c[keys[j]] && keys[i] < keys[j]) })
		if len(keys) == 0 {
			return ""
		}
		return keys[0]
	}
	if s := counts(func(u *unified.User) string { return u.Status.String() }); s != "" {
		st, _ := unified.ParseStatus(s)
		out["status="+s] = unified.Filter{Statuses: []unified.Status{st}}
		out["status=inactive,onboarding"] = unified.Filter{Statuses: []unified.Status{unified.StatusInactive, unified.StatusOnboarding}}
	}
	if s := counts(func(u *unified.User) string { return u.EmploymentType.String() }); s != "" {
		et, _ := unified.ParseEmploymentType(s)
		out["employment="+s] = unified.Filter{EmploymentTypes: []unified.EmploymentType{et}}
	}
	if id := counts(func(u *unified.User) string { return refID(u.Department) }); id != "" {
		out["department id"] = unified.Filter{Departments: []string{id}}
	}
	if n := counts(func(u *unified.User) string { return refName(u.Department) }); n != "" {
		out["department name"] = unified.Filter{Departments: []string{strings.ToUpper(n)}}
	}
	if n := counts(func(u *unified.User) string { return refName(u.LegalEntity) }); n != "" {
		out["legal entity name"] = unified.Filter{LegalEntities: []string{strings.ToLower(n)}}
	}
	for i := range all {
		if all[i].Email != "" {
			out["email"] = unified.Filter{Emails: []string{strings.ToUpper(all[i].Email)}}
			break
		}
	}
	var times []time.Time
	for i := range all {
		if !all[i].UpdatedAt.IsZero() {
			times = append(times, all[i].UpdatedAt)
		}
	}
	if len(times) > 0 {
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		out["updated since median"] = unified.Filter{UpdatedSince: times[len(times)/2]}
	}
	out["status=active & employment=internal"] = unified.Filter{
		Statuses: []unified.Status{unified.StatusActive}, EmploymentTypes: []unified.EmploymentType{unified.EmploymentInternal}}
	return out
}

func refID(r *unified.Ref) string {
	if r == nil {
		return ""
	}
	return r.ID
}

func refName(r *unified.Ref) string {
	if r == nil {
		return ""
	}
	return r.Name
}
