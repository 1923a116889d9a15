package unified

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// Directory is a people directory of one HR provider. Provider adapters (personio, lattice)
// implement it; code written against it works with every provider.
//
// Implementations are safe for concurrent use.
type Directory interface {
	// Provider names the provider ("personio", "lattice"). It is the value of User.Provider
	// for every user the directory returns.
	Provider() string
	// Me returns the user the credentials belong to. Providers whose API has no such
	// endpoint return an error matching ErrUnsupported.
	Me(ctx context.Context) (*User, error)
	// GetUser returns the user with the given ID, or an error matching ErrNotFound.
	GetUser(ctx context.Context, id string) (*User, error)
	// ListUsers returns one page of users that match opts.Filter. A nil opts means the
	// first page with no filter and the provider's default page size. Page.NextCursor is
	// empty on the last page; pass it back in ListOptions.Cursor, with the same Filter, to
	// read the next page. A page may hold fewer users than the page size, even none, and
	// still have a NextCursor: only an empty NextCursor ends the listing.
	ListUsers(ctx context.Context, opts *ListOptions) (*Page, error)
}

// ListOptions selects a page of a user listing. The zero value (and a nil *ListOptions) asks
// for the first page of all users, at the provider's default page size.
type ListOptions struct {
	// Cursor is "" for the first page, else the NextCursor of the previous page. Cursors are
	// opaque and can be stored and resumed later; a cursor made by another provider or for
	// another Filter is rejected with ErrInvalidCursor.
	Cursor string
	// PageSize is the number of users wanted per request; 0 means the largest page the
	// provider allows. Larger values are capped at the provider's maximum.
	PageSize int
	// Filter restricts the listing. It must be the same for every page of one listing.
	Filter Filter
}

// Filter selects users. Empty fields select everything; within one field any listed value
// matches; all non-empty fields must match. A Filter means the same on every provider:
// adapters push what they can down to the API and apply the rest with [Filter.Match].
type Filter struct {
	// Statuses keeps users whose status is one of these.
	Statuses []Status `json:"statuses,omitempty"`
	// EmploymentTypes keeps users whose employment type is one of these.
	EmploymentTypes []EmploymentType `json:"employment_types,omitempty"`
	// Departments keeps users whose department ID or name (compared case-insensitively)
	// is one of these.
	Departments []string `json:"departments,omitempty"`
	// LegalEntities keeps users whose legal entity (Personio subcompany) ID or name is
	// one of these.
	LegalEntities []string `json:"legal_entities,omitempty"`
	// Emails keeps users whose email address is one of these, compared case-insensitively.
	Emails []string `json:"emails,omitempty"`
	// UpdatedSince keeps users updated at or after this instant. Users whose provider does
	// not report an update time are kept, so that an incremental sync never misses a
	// change. Note that deletions are invisible to an updated-since query.
	UpdatedSince time.Time `json:"updated_since,omitzero"`
}

// IsZero reports whether f selects every user.
func (f *Filter) IsZero() bool {
	return len(f.Statuses) == 0 && len(f.EmploymentTypes) == 0 && len(f.Departments) == 0 &&
		len(f.LegalEntities) == 0 && len(f.Emails) == 0 && f.UpdatedSince.IsZero()
}

// Match reports whether u passes every condition of f.
func (f *Filter) Match(u *User) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, u.Status) {
		return false
	}
	if len(f.EmploymentTypes) > 0 && !slices.Contains(f.EmploymentTypes, u.EmploymentType) {
		return false
	}
	if len(f.Departments) > 0 && !refIn(u.Department, f.Departments) {
		return false
	}
	if len(f.LegalEntities) > 0 && !refIn(u.LegalEntity, f.LegalEntities) {
		return false
	}
	if len(f.Emails) > 0 && !containsFold(f.Emails, u.Email) {
		return false
	}
	if !f.UpdatedSince.IsZero() && !u.UpdatedAt.IsZero() && u.UpdatedAt.Before(f.UpdatedSince) {
		return false
	}
	return true
}

func refIn(r *Ref, want []string) bool {
	if r == nil {
		return false
	}
	for _, w := range want {
		if (r.ID != "" && w == r.ID) || (r.Name != "" && strings.EqualFold(w, r.Name)) {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	if s == "" {
		return false
	}
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// Fingerprint returns a short, stable digest of the filter. Two filters that select the
// same users by the same conditions have the same fingerprint, whatever the order of their
// values or the case of emails. Cursors carry it so that a cursor is never
// resumed under another filter.
func (f *Filter) Fingerprint() string {
	h := sha256.New()
	write := func(field string, vals []string) {
		if len(vals) == 0 {
			return
		}
		vals = slices.Clone(vals)
		slices.Sort(vals)
		vals = slices.Compact(vals)
		h.Write([]byte(field))
		for _, v := range vals {
			h.Write([]byte{0})
			h.Write([]byte(v))
		}
		h.Write([]byte{1})
	}
	names := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	write("s", names(len(f.Statuses), func(i int) string { return f.Statuses[i].String() }))
	write("e", names(len(f.EmploymentTypes), func(i int) string { return f.EmploymentTypes[i].String() }))
	// Departments and legal entities may be IDs, which are case-sensitive, so they are
	// fingerprinted as written.
	write("d", f.Departments)
	write("l", f.LegalEntities)
	write("m", names(len(f.Emails), func(i int) string { return strings.ToLower(f.Emails[i]) }))
	if !f.UpdatedSince.IsZero() {
		h.Write([]byte("u" + f.UpdatedSince.UTC().Format(time.RFC3339Nano)))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}

// Page is one page of a user listing.
type Page struct {
	// Users on this page, in the provider's order. It may be empty even when NextCursor is
	// not.
	Users []User
	// NextCursor reads the next page; "" means this was the last page.
	NextCursor string
	// Total is the number of records in the whole listing as the provider reports it,
	// before any filtering the adapter does itself, or -1 when the provider does not say.
	// It is an estimate for progress bars, not a promise.
	Total int
}

// UpdatedSinceSupporter is implemented by directories whose provider applies
// [Filter.UpdatedSince] on the server, so that a listing with it reads only the users
// that changed. Incremental syncs (the snapshot package's Sync) read only such
// directories by update time.
//
// A directory that filters by update time on the client (reading every user and dropping
// the unchanged ones, as the Lattice adapter must, since Lattice has no such query) does
// not implement it, or returns false: an incremental pass would cost as much as a full
// one and, unlike a full one, miss removals.
type UpdatedSinceSupporter interface {
	// SupportsUpdatedSince reports whether a listing with Filter.UpdatedSince set reads
	// only the users changed since then, and whether every change to a user's fields
	// (department, manager, title, status, ...) moves the update time it filters on.
	SupportsUpdatedSince() bool
}
