package lattice

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// compile compiles the directory's spec against the catalog with the given custom
// attributes. With custom attributes enabled, names the catalog does not know yet are
// read as keys (lenient), since the catalog grows as users are read.
func (d *Directory) compile(attrs map[string]CustomAttribute) (*mapping.Mapper, error) {
	sorted := slices.SortedFunc(maps.Values(attrs), func(a, b CustomAttribute) int { return cmp.Compare(a.ID, b.ID) })
	return mapping.Compile(d.cfg.spec, Catalog(sorted...), mapping.WithStrict(!d.cfg.custom))
}

// mapperFor returns a mapper whose catalog knows every attribute of values, compiling a
// new one when values bring attributes not seen before.
func (d *Directory) mapperFor(values [][]CustomAttributeValue) (*mapping.Mapper, error) {
	if d.cfg.mapper != nil {
		return d.cfg.mapper, nil
	}
	d.mapMu.Lock()
	defer d.mapMu.Unlock()
	var attrs map[string]CustomAttribute // d.attrs and the attributes new in values
	for _, vs := range values {
		for _, v := range vs {
			id := v.Attribute.ID
			if _, ok := d.attrs[id]; ok || id == "" {
				continue
			}
			if attrs == nil {
				attrs = maps.Clone(d.attrs)
			}
			attrs[id] = v.Attribute
		}
	}
	if attrs == nil {
		return d.mapper, nil
	}
	m, err := d.compile(attrs)
	if err != nil {
		return nil, fmt.Errorf("%s: compiling the mapping with the custom attributes found: %w", ProviderName, err)
	}
	d.mapper, d.attrs = m, attrs
	return m, nil
}

// convert resolves departments, managers (WithManagerNames) and custom attributes
// (WithCustomAttributes) of users and maps them to unified.Users. raws, when not nil, are
// the users' JSON.
func (d *Directory) convert(ctx context.Context, users []User, raws []json.RawMessage) ([]unified.User, error) {
	if len(users) == 0 {
		return []unified.User{}, nil
	}
	depts, err := d.departments(ctx, users)
	if err != nil {
		return nil, err
	}
	managers, err := d.managers(ctx, users)
	if err != nil {
		return nil, err
	}
	var values [][]CustomAttributeValue
	if d.cfg.custom {
		if values, err = d.customValues(ctx, users); err != nil {
			if errors.Is(err, unified.ErrForbidden) {
				return nil, withHint(err, "or drop WithCustomAttributes")
			}
			return nil, err
		}
	}
	m, err := d.mapperFor(values)
	if err != nil {
		return nil, err
	}
	out := make([]unified.User, 0, len(users))
	for i := range users {
		u := &users[i]
		rec := Record{User: u}
		if u.Department != nil && u.Department.ID != "" {
			rec.Department = &unified.Ref{ID: u.Department.ID, Name: depts[u.Department.ID]}
		}
		if u.Manager != nil && u.Manager.ID != "" {
			if r, ok := managers[u.Manager.ID]; ok {
				rec.Manager = &r
			}
		}
		if values != nil {
			rec.CustomAttributes = values[i]
		}
		uu := unified.User{Provider: ProviderName}
		var re *mapping.RecordError
		if err := m.ApplyUser(&rec, &uu); err != nil && (d.cfg.strict || !errors.As(err, &re)) {
			return nil, err
		}
		if uu.ID == "" {
			// A user without an ID cannot be told apart from others: leave it out, and say so.
			fe := &mapping.FieldError{Field: "id", Source: "id", Err: fmt.Errorf("the user has no ID and was left out: %w", mapping.ErrRequiredMissing)}
			if d.cfg.strict {
				return nil, fmt.Errorf("%s: the mapping gave a user without an ID (Lattice id %q): %w", ProviderName, clip(u.ID, 64), fe)
			}
			if re == nil {
				re = &mapping.RecordError{Provider: ProviderName, RecordID: u.ID}
			}
			re.Errors = append(re.Errors, fe)
			d.reportMappingError(ctx, re)
			continue
		}
		if re != nil {
			d.reportMappingError(ctx, re)
		}
		uu.Provider = ProviderName
		if raws != nil {
			uu.Raw = raws[i]
		}
		out = append(out, uu)
	}
	return out, nil
}

func (d *Directory) reportMappingError(ctx context.Context, re *mapping.RecordError) {
	if d.cfg.onMapErr != nil {
		d.cfg.onMapErr(re)
		return
	}
	d.log.LogAttrs(ctx, slog.LevelWarn, "user mapped with errors", slog.String("user", re.RecordID), slog.String("error", re.Error()))
}

// departments returns department names by ID for the departments of users.
func (d *Directory) departments(ctx context.Context, users []User) (map[string]string, error) {
	if d.cfg.noDeptNames || !slices.ContainsFunc(users, func(u User) bool { return u.Department != nil && u.Department.ID != "" }) {
		return nil, nil
	}
	names, err := d.depts.get(ctx, d.cfg.ttl, d.loadDepartments)
	if err != nil {
		if errors.Is(err, unified.ErrForbidden) {
			return nil, withHint(err, "or WithoutDepartmentNames")
		}
		return nil, err
	}
	var missing []*Ref
	for i := range users {
		r := users[i].Department
		if r == nil || r.ID == "" {
			continue
		}
		if _, ok := names[r.ID]; !ok && !slices.ContainsFunc(missing, func(m *Ref) bool { return m.ID == r.ID }) {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return names, nil
	}
	// Departments created after the list was cached: fetch them one by one.
	found, err := lookUp(ctx, d, "department", missing, d.c.FollowDepartment)
	if err != nil {
		return nil, err
	}
	extra := make(map[string]string, len(missing))
	for i, r := range missing {
		extra[r.ID] = "" // not visible: not asked for again
		if found[i] != nil {
			extra[r.ID] = found[i].Name
		}
	}
	d.depts.add(extra)
	all := maps.Clone(names)
	maps.Copy(all, extra)
	return all, nil
}

// lookUp reads what each of refs points to with get, at most WithConcurrency at a time.
// An object the API does not show (404, 403) is nil; other errors fail the lookups.
func lookUp[T any](ctx context.Context, d *Directory, what string, refs []*Ref, get func(context.Context, Ref) (*T, error)) ([]*T, error) {
	found := make([]*T, len(refs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(d.cfg.concurrency)
	for i, r := range refs {
		g.Go(func() error {
			v, err := get(ctx, *r)
			switch {
			case err == nil:
				found[i] = v
			case errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden):
				d.log.LogAttrs(ctx, slog.LevelDebug, what+" not visible; referring to it by ID", slog.String("id", r.ID))
			default:
				return err
			}
			return nil
		})
	}
	return found, g.Wait()
}

func (d *Directory) loadDepartments(ctx context.Context) (map[string]string, error) {
	names := map[string]string{}
	for dep, err := range d.c.Departments(ctx, nil) {
		if err != nil {
			return nil, err
		}
		names[dep.ID] = dep.Name
	}
	return names, nil
}

// managers returns the managers of users by ID with name and email (WithManagerNames):
// from users itself and the users read before (the people cache), else from a request
// for each manager not known yet. Without WithManagerNames it returns none: references
// keep the ID the API sent, whatever the directory read before.
func (d *Directory) managers(ctx context.Context, users []User) (map[string]unified.Ref, error) {
	if !d.cfg.managerNames {
		return nil, nil
	}
	for i := range users {
		d.people.put(users[i].ID, personOf(&users[i]))
	}
	out := map[string]unified.Ref{}
	var missing []*Ref
	for i := range users {
		r := users[i].Manager
		if r == nil || r.ID == "" {
			continue
		}
		if _, done := out[r.ID]; done {
			continue
		}
		if p, ok := d.people.get(r.ID); ok {
			out[r.ID] = p.ref(r.ID)
			continue
		}
		out[r.ID] = unified.Ref{ID: r.ID} // replaced below after the lookup
		missing = append(missing, r)
	}
	if len(missing) == 0 {
		return out, nil
	}
	found, err := lookUp(ctx, d, "manager", missing, d.c.FollowUser)
	if err != nil {
		return nil, err
	}
	for i, r := range missing {
		var p person
		if m := found[i]; m != nil {
			p = personOf(m)
		}
		d.people.put(r.ID, p)
		out[r.ID] = p.ref(r.ID)
	}
	return out, nil
}

// personOf is what a manager reference to u carries: the name the default mapping gives
// u's own row (Lattice's name, else the preferred name) and the email, trimmed.
func personOf(u *User) person {
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = strings.TrimSpace(u.PreferredName)
	}
	return person{name: name, email: strings.TrimSpace(u.Email), found: true}
}

// customValues loads every custom attribute value of each user, at most
// WithConcurrency users at a time.
func (d *Directory) customValues(ctx context.Context, users []User) ([][]CustomAttributeValue, error) {
	out := make([][]CustomAttributeValue, len(users))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.cfg.concurrency)
	for i := range users {
		u := &users[i]
		g.Go(func() error {
			fetch := func(ctx context.Context, after string) (*CustomAttributesPage, error) {
				opts := &PageOptions{StartingAfter: after}
				if u.CustomAttributes != nil && u.CustomAttributes.URL != "" {
					return d.c.FollowCustomAttributes(ctx, *u.CustomAttributes, opts)
				}
				return d.c.CustomAttributes(ctx, u.ID, opts)
			}
			for v, err := range paginate(gctx, "custom attributes of user "+clip(u.ID, 64), "", fetch) {
				if err != nil {
					return err
				}
				out[i] = append(out[i], v)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
