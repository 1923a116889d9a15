package toyprovider_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/mapping"
	"github.com/hrisconnect/hrisconnect/unified"
	"github.com/hrisconnect/hrisconnect/unified/directorytest"
)

// providerName is the toy provider's name.
const providerName = "toy"

// ---- The HR system's API: people as flat JSON, pages chained by an opaque token ----

// person is a person as the toy API renders one.
type person struct {
	UID      string `json:"uid"`
	Given    string `json:"given"`
	Family   string `json:"family"`
	Mail     string `json:"mail"`
	State    string `json:"state"` // "working", "away", "hired", "gone"
	Kind     string `json:"kind"`  // "staff", "contractor"
	DeptID   string `json:"dept_id"`
	DeptName string `json:"dept_name"`
	Entity   string `json:"entity"`
	Boss     string `json:"boss"`
	Changed  string `json:"changed"` // RFC 3339
}

// company generates n people.
func company(n int) []person {
	states := []string{"working", "working", "working", "away", "hired", "gone"}
	depts := [][2]string{{"d1", "Engineering"}, {"d2", "Sales"}, {"d3", "People"}}
	out := make([]person, n)
	for i := range out {
		d := depts[i%len(depts)]
		p := person{
			UID: fmt.Sprintf("u%03d", i+1), Given: fmt.Sprintf("Given%d", i+1), Family: "Family",
			Mail: fmt.Sprintf("person%d@toy.example", i+1), State: states[i%len(states)], Kind: "staff",
			DeptID: d[0], DeptName: d[1], Entity: "Toy GmbH",
			Changed: time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.RFC3339),
		}
		if i%5 == 4 {
			p.Kind, p.Entity = "contractor", "Toy Contracting Ltd"
		}
		if i > 0 {
			p.Boss = out[(i-1)/3].UID
		}
		out[i] = p
	}
	return out
}

// newAPI serves people: GET /people?size=N&token=T and GET /people/{uid}.
func newAPI(t *testing.T, people []person) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /people", func(w http.ResponseWriter, r *http.Request) {
		size, err := strconv.Atoi(r.URL.Query().Get("size"))
		if err != nil || size < 1 || size > 20 {
			size = 20
		}
		start := 0
		if tok := r.URL.Query().Get("token"); tok != "" {
			if start, err = strconv.Atoi(strings.TrimPrefix(tok, "at-")); err != nil || start > len(people) {
				http.Error(w, `{"error":"bad token"}`, http.StatusBadRequest)
				return
			}
		}
		end := min(start+size, len(people))
		page := struct {
			People []person `json:"people"`
			Next   string   `json:"next,omitempty"`
		}{People: people[start:end]}
		if end < len(people) {
			page.Next = "at-" + strconv.Itoa(end)
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	mux.HandleFunc("GET /people/{uid}", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range people {
			if p.UID == r.PathValue("uid") {
				_ = json.NewEncoder(w).Encode(p)
				return
			}
		}
		http.Error(w, `{"error":"no such person"}`, http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// ---- The provider: a typed client, its catalog and preset, a Record and a Directory ----

// client is the toy API's typed client.
type client struct {
	base string
	hc   *http.Client
}

func (c *client) get(ctx context.Context, path string, q url.Values, v any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: GET %s: %w", providerName, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &unified.APIError{Provider: providerName, Method: http.MethodGet, URL: path, StatusCode: resp.StatusCode}
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// catalog is the toy provider's catalog: its fields with English and German labels.
func catalog() *mapping.Catalog {
	field := func(key, en, de string) mapping.Attribute {
		return mapping.Attribute{Key: key, LabelEN: en, LabelDE: de, Available: true}
	}
	c := mapping.NewCatalog(providerName, []mapping.Attribute{
		field("uid", "ID", "ID"), field("given", "First name", "Vorname"), field("family", "Last name", "Nachname"),
		field("mail", "Email", "E-Mail"), field("state", "State", "Status"), field("kind", "Kind", "Art"),
		field("dept", "Department", "Abteilung"), field("entity", "Company", "Gesellschaft"),
		field("boss", "Manager", "Vorgesetzter"), field("changed", "Changed", "Geändert"),
	})
	c.Advice = mapping.Advice{Title: "Toy HR", Unavailable: "is hidden: ask the Toy HR admin to share it"}
	return c
}

// defaultSpec is the toy provider's preset: a toy person to a unified.User.
func defaultSpec() *mapping.Spec {
	one := func(target, source string, tr ...mapping.Transform) mapping.Field {
		return mapping.Field{Target: target, Sources: []string{source}, Transforms: tr}
	}
	return &mapping.Spec{Version: mapping.SpecVersion, Output: mapping.OutputUser, Fields: []mapping.Field{
		{Target: "id", Sources: []string{"uid"}, Required: true},
		one("first_name", "given"), one("last_name", "family"),
		{Target: "display_name", Sources: []string{"given", "family"}, Transforms: []mapping.Transform{mapping.Join(" ")}},
		one("email", "mail", mapping.Email()),
		{Target: "status", Sources: []string{"state"}, Required: true, Transforms: []mapping.Transform{mapping.Enum(map[string]string{
			"working": "active", "away": "leave", "hired": "onboarding", "gone": "inactive"})}},
		one("employment_type", "kind", mapping.Enum(map[string]string{"staff": "internal", "contractor": "external"})),
		one("department", "dept"), one("legal_entity", "entity"), one("manager", "boss"),
		one("updated_at", "changed"),
	}}
}

// record is a toy person as a mapping.Record.
type record struct{ p *person }

func (r record) ID() string { return r.p.UID }

func (r record) Lookup(key string) (mapping.Value, bool) {
	text := func(s string) (mapping.Value, bool) {
		if s == "" {
			return mapping.Value{}, true
		}
		return mapping.StringValue(s), true
	}
	switch key {
	case "uid":
		return text(r.p.UID)
	case "given":
		return text(r.p.Given)
	case "family":
		return text(r.p.Family)
	case "mail":
		return text(r.p.Mail)
	case "state":
		return text(r.p.State)
	case "kind":
		return text(r.p.Kind)
	case "dept":
		return mapping.RefValue(unified.Ref{ID: r.p.DeptID, Name: r.p.DeptName}), true
	case "entity":
		return mapping.RefValue(unified.Ref{ID: r.p.Entity, Name: r.p.Entity}), true
	case "boss":
		if r.p.Boss == "" {
			return mapping.Value{}, true
		}
		return mapping.RefValue(unified.Ref{ID: r.p.Boss}), true
	case "changed":
		t, err := time.Parse(time.RFC3339, r.p.Changed)
		if err != nil {
			return text(r.p.Changed) // for the mapper to report
		}
		return mapping.TimeValue(t), true
	}
	return mapping.Value{}, false
}

// directory is the toy provider as a unified.Directory.
type directory struct {
	c *client
	m *mapping.Mapper
}

var _ unified.Directory = (*directory)(nil)

func newDirectory(c *client) (*directory, error) {
	m, err := mapping.Compile(defaultSpec(), catalog())
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", providerName, unified.ErrInvalidConfig, err)
	}
	return &directory{c: c, m: m}, nil
}

func (d *directory) Provider() string { return providerName }

func (d *directory) Me(context.Context) (*unified.User, error) {
	return nil, fmt.Errorf("%s: API keys belong to no person: %w", providerName, unified.ErrUnsupported)
}

func (d *directory) user(p *person) (unified.User, error) {
	u := unified.User{Provider: providerName}
	if err := d.m.ApplyUser(record{p}, &u); err != nil {
		return u, err
	}
	return u, nil
}

func (d *directory) GetUser(ctx context.Context, id string) (*unified.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var p person
	if err := d.c.get(ctx, "/people/"+url.PathEscape(id), nil, &p); err != nil {
		return nil, err
	}
	u, err := d.user(&p)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// cursor is what a toy cursor holds: the API's token, bound to the provider and filter.
type cursor struct {
	Provider string `json:"p"`
	Filter   string `json:"f"`
	Token    string `json:"t"`
}

// encode writes c as base64 JSON and a checksum, so that a changed cursor is refused.
func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(b) + "." + hex.EncodeToString(sum[:8])
}

func decodeCursor(s string, f *unified.Filter) (string, error) {
	bad := fmt.Errorf("%s: %w", providerName, unified.ErrInvalidCursor)
	payload, sum, ok := strings.Cut(s, ".")
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if !ok || err != nil {
		return "", bad
	}
	want := sha256.Sum256(b)
	var c cursor
	if sum != hex.EncodeToString(want[:8]) || json.Unmarshal(b, &c) != nil || c.Provider != providerName || c.Filter != f.Fingerprint() {
		return "", bad
	}
	return c.Token, nil
}

func (d *directory) ListUsers(ctx context.Context, opts *unified.ListOptions) (*unified.Page, error) {
	var o unified.ListOptions
	if opts != nil {
		o = *opts
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := url.Values{"size": {"20"}}
	if o.PageSize > 0 {
		q.Set("size", strconv.Itoa(min(o.PageSize, 20)))
	}
	if o.Cursor != "" {
		tok, err := decodeCursor(o.Cursor, &o.Filter)
		if err != nil {
			return nil, err
		}
		q.Set("token", tok)
	}
	var page struct {
		People []person `json:"people"`
		Next   string   `json:"next"`
	}
	if err := d.c.get(ctx, "/people", q, &page); err != nil {
		return nil, err
	}
	out := &unified.Page{Users: []unified.User{}, Total: -1}
	for i := range page.People {
		u, err := d.user(&page.People[i])
		if err != nil {
			return nil, err
		}
		if o.Filter.Match(&u) {
			out.Users = append(out.Users, u)
		}
	}
	if page.Next != "" {
		out.NextCursor = cursor{Provider: providerName, Filter: o.Filter.Fingerprint(), Token: page.Next}.encode()
	}
	return out, nil
}

// TestToyProviderConformance builds the toy provider on mapping and unified alone and
// runs directorytest's conformance suite against it; its preflight check speaks in its
// own words.
func TestToyProviderConformance(t *testing.T) {
	people := company(45)
	api := newAPI(t, people)
	d, err := newDirectory(&client{base: api.URL, hc: api.Client()})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(people))
	for i, p := range people {
		want[i] = p.UID
	}
	directorytest.Run(t, d, &directorytest.Options{WantIDs: want, PageSizes: []int{0, 7, 1}, MissingID: "u999"})

	hidden := catalog().Merge(mapping.NewCatalog(providerName, []mapping.Attribute{{Key: "boss"}}))
	report := mapping.Check(d.m, hidden)
	if want := `1 optional attribute is missing:
  - Toy HR attribute "boss" (Vorgesetzter / Manager) is hidden: ask the Toy HR admin to share it; without it "manager" stays empty`; report.String() != want {
		t.Errorf("Check:\n got %s\nwant %s", report, want)
	}
	if _, err := d.GetUser(context.Background(), "u999"); !errors.Is(err, unified.ErrNotFound) {
		t.Errorf("GetUser(unknown) = %v, want ErrNotFound", err)
	}
}
