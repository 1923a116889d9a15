package lattice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
)

// compile compiles the directory's spec against the catalog with the given custom
// attributes. With custom attributes enabled, names the catalog does not know yet are
// read as keys (lenient), since the catalog grows as users are read.
func (d *Directory) compile(attrs map[string]CustomAttribute) (*mapping.Mapper, error) {
	sorted := make([]CustomAttribute, 0, len(attrs))
	for _, a := range attrs {
		sorted = append(sorted, a)
	}
	slices.SortFunc(sorted, func(a, b CustomAttribute) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return mapping.Compile(d.cfg.spec, Catalog(sorted...), mapping.WithStrict(!d.cfg.custom))
}

// mapperFor returns a mapper whose catalog knows every attribute of values, compiling a
// new one when values bring attributes not seen before.
func (d *Directory) mapperFor(values [][]CustomAttributeValue) (*mapping.Mapper, error) {
	if d.cfg.mapper != nil {
		return d.cfg.mapper, nil
	}
	st := d.mapper.Load()
	if !hasNewAttribute(st, values) {
		return st.m, nil
	}
	d.mapMu.Lock()
	defer d.mapMu.Unlock()
	st = d.mapper.Load()
	if !hasNewAttribute(st, values) {
		return st.m, nil
	}
	attrs := make(map[string]CustomAttribute, len(st.attrs)+4)
	for k, v := range st.attrs {
		attrs[k] = v
	}
	for _, vs := range values {
		for _, v := range vs {
			if v.Attribute.ID != "" {
				if _, ok := attrs[v.Attribute.ID]; !ok {
					attrs[v.Attribute.ID] = v.Attribute
				}
			}
		}
	}
	m, err := d.compile(attrs)
	if err != nil {
		return nil, fmt.Errorf("%s: compiling the mapping with the custom attributes found: %w", ProviderName, err)
	}
	d.mapper.Store(&mapperState{m: m, attrs: attrs})
	return m, nil
}

func hasNewAttribute(st *mapperState, values [][]CustomAttributeValue) bool {
	for _, vs := range values {
		for _, v := range vs {
			if _, ok := st.attrs[v.Attribute.ID]; !ok && v.Attribute.ID != "" {
				return true
			}
		}
	}
	return false
}

// convert resolves departments, managers and (when enabled) custom attributes of users
// and maps them to unified.Users. raws, when not nil, are the users' JSON; ahead are pages
// read after users; lookup allows requests for managers not seen yet.
func (d *Directory) convert(ctx context.Context, users []User, raws []json.RawMessage, ahead []*rawPage, lookup bool) ([]unified.User, error) {
	if len(users) == 0 {
		return []unified.User{}, nil
	}
	depts, err := d.departments(ctx, users)
	if err != nil {
		return nil, err
	}
	managers, err := d.managers(ctx, users, ahead, lookup)
	if err != nil {
		return nil, err
	}
	var values [][]CustomAttributeValue
	if d.cfg.custom {
		if values, err = d.customValues(ctx, users); err != nil {
			if errors.Is(err, unified.ErrForbidden) {
				return nil, fmt.Errorf("%s: reading custom attributes: %w; drop WithCustomAttributes to list users without them", ProviderName, err)
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
			r := unified.Ref{ID: u.Department.ID, Name: depts[u.Department.ID]}
			rec.Department = &r
		}
		if u.Manager != nil && u.Manager.ID != "" {
			r := managers[u.Manager.ID]
			rec.Manager = &r
		}
		if values != nil {
			rec.CustomAttributes = values[i]
		}
		uu := unified.User{Provider: ProviderName}
		var re *mapping.RecordError
		if err := m.ApplyUser(&rec, &uu); err != nil {
			if d.cfg.strict || !errors.As(err, &re) {
				return nil, fmt.Errorf("%s: mapping user %s: %w", ProviderName, clip(u.ID, 64), err)
			}
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
	if d.cfg.noDeptNames {
		return nil, nil
	}
	need := false
	for i := range users {
		if users[i].Department != nil && users[i].Department.ID != "" {
			need = true
			break
		}
	}
	if !need {
		return nil, nil
	}
	names, err := d.depts.get(ctx, d.cfg.ttl, d.now, d.loadDepartments)
	if err != nil {
		if errors.Is(err, unified.ErrForbidden) {
			return nil, fmt.Errorf("%s: reading department names: %w; use WithoutDepartmentNames to list users with department IDs only", ProviderName, err)
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
	found := make([]string, len(missing))
	err = fanOut(ctx, len(missing), d.cfg.concurrency, func(ctx context.Context, i int) error {
		dep, err := d.c.FollowDepartment(ctx, *missing[i])
		switch {
		case err == nil:
			found[i] = dep.Name
		case errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden):
			d.log.LogAttrs(ctx, slog.LevelDebug, "department not visible; referring to it by ID", slog.String("department", missing[i].ID))
		default:
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	extra := make(map[string]string, len(missing))
	for i, r := range missing {
		extra[r.ID] = found[i]
	}
	d.depts.add(extra)
	all := make(map[string]string, len(names)+len(extra))
	for k, v := range names {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	return all, nil
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

// managers returns the managers of users by ID, with name and email where known: from
// users itself, the pages read ahead, the people cache, or (when lookup is set) a request
// for each manager not known yet. Without lookup, unknown managers have their ID only.
func (d *Directory) managers(ctx context.Context, users []User, ahead []*rawPage, lookup bool) (map[string]unified.Ref, error) {
	byID := make(map[string]*User, len(users))
	for i := range users {
		u := &users[i]
		byID[u.ID] = u
		d.people.put(u.ID, person{name: u.Name, email: u.Email, found: true})
	}
	for _, p := range ahead {
		for i := range p.users {
			if u := &p.users[i]; byID[u.ID] == nil {
				byID[u.ID] = u
			}
		}
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
		if m, ok := byID[r.ID]; ok {
			out[r.ID] = unified.Ref{ID: r.ID, Name: m.Name, Email: m.Email}
			d.people.put(r.ID, person{name: m.Name, email: m.Email, found: true}) // managers stay cached
			continue
		}
		if p, ok := d.people.get(r.ID); ok {
			out[r.ID] = p.ref(r.ID)
			continue
		}
		out[r.ID] = unified.Ref{ID: r.ID} // replaced below after a lookup
		missing = append(missing, r)
	}
	if len(missing) == 0 || !lookup {
		return out, nil
	}
	found := make([]person, len(missing))
	err := fanOut(ctx, len(missing), d.cfg.concurrency, func(ctx context.Context, i int) error {
		m, err := d.c.FollowUser(ctx, *missing[i])
		switch {
		case err == nil:
			found[i] = person{name: m.Name, email: m.Email, found: true}
		case errors.Is(err, unified.ErrNotFound) || errors.Is(err, unified.ErrForbidden):
			d.log.LogAttrs(ctx, slog.LevelDebug, "manager not visible; referring to them by ID", slog.String("manager", missing[i].ID))
		default:
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, r := range missing {
		d.people.put(r.ID, found[i])
		out[r.ID] = found[i].ref(r.ID)
	}
	return out, nil
}

func (p person) ref(id string) unified.Ref {
	if !p.found {
		return unified.Ref{ID: id}
	}
	return unified.Ref{ID: id, Name: p.name, Email: p.email}
}

// customValues loads every custom attribute value of each user, at most
// WithConcurrency users at a time.
func (d *Directory) customValues(ctx context.Context, users []User) ([][]CustomAttributeValue, error) {
	out := make([][]CustomAttributeValue, len(users))
	err := fanOut(ctx, len(users), d.cfg.concurrency, func(ctx context.Context, i int) error {
		u := &users[i]
		fetch := func(ctx context.Context, after string) (*CustomAttributesPage, error) {
			opts := &PageOptions{StartingAfter: after}
			if u.CustomAttributes != nil && u.CustomAttributes.URL != "" {
				return d.c.FollowCustomAttributes(ctx, *u.CustomAttributes, opts)
			}
			return d.c.CustomAttributes(ctx, u.ID, opts)
		}
		var vals []CustomAttributeValue
		for v, err := range paginate(ctx, "custom attributes of user "+clip(u.ID, 64), "", fetch) {
			if err != nil {
				return err
			}
			vals = append(vals, v)
		}
		out[i] = vals
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
