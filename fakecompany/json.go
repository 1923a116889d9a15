package fakecompany

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
)

// WriteJSON writes c to w as indented JSON, in the format [Load] reads. The output is
// deterministic: the same company always gives the same bytes.
func (c *Company) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("fakecompany: write JSON: %w", err)
	}
	return nil
}

// Load reads a company written by [Company.WriteJSON], or written by hand in the same
// format, and validates it (see [Company.Validate]).
//
// Unknown fields are errors, so that a misspelt field is not silently dropped. People may
// be listed in any order; Load sorts them by ID. Missing Lattice ids of people,
// departments and attributes are filled in deterministically from the seed (0 when the
// JSON has none) and the ID or key, as [Generate] would have made them. Timestamps are
// converted to UTC.
//
// Errors are [*Error] values matching [ErrInvalid]; an error about one person names it.
func Load(r io.Reader) (*Company, error) {
	type plain Company // without methods, so that decoding does not recurse
	var in struct {
		*plain
		People []json.RawMessage `json:"people"`
	}
	c := &Company{}
	in.plain = (*plain)(c)
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, &Error{Op: "load", Index: -1, Reason: "cannot decode company JSON", Kind: ErrInvalid, Err: err}
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return nil, &Error{Op: "load", Index: -1, Reason: "unexpected data after the company JSON", Kind: ErrInvalid}
	}
	if in.People != nil {
		c.People = make([]Person, len(in.People))
	}
	for i, raw := range in.People {
		pd := json.NewDecoder(bytes.NewReader(raw))
		pd.DisallowUnknownFields()
		if err := pd.Decode(&c.People[i]); err != nil {
			// Name the person as well as a broken record allows.
			var who struct {
				ID        int    `json:"id"`
				FirstName string `json:"first_name"`
				LastName  string `json:"last_name"`
			}
			_ = json.Unmarshal(raw, &who)
			e := &Error{Op: "load", PersonID: who.ID, Index: i, Reason: "cannot decode person", Kind: ErrInvalid, Err: err}
			e.Person = (&Person{FirstName: who.FirstName, LastName: who.LastName}).FullName()
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				e.Field = te.Field
			}
			return nil, e
		}
	}
	c.normalise()
	ps := &problems{op: "load"}
	c.validate(ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// normalise sorts people by ID, converts timestamps to UTC and fills missing Lattice ids.
func (c *Company) normalise() {
	slices.SortStableFunc(c.People, func(a, b Person) int { return a.ID - b.ID })
	for i := range c.Departments {
		d := &c.Departments[i]
		if d.LatticeID == "" {
			d.LatticeID = uuidFrom(c.Seed, uuidDepartment, uint64(d.ID))
		}
	}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		if a.LatticeID == "" {
			a.LatticeID = attributeUUID(c.Seed, a.Key)
		}
	}
	for i := range c.People {
		p := &c.People[i]
		p.CreatedAt = p.CreatedAt.UTC()
		p.UpdatedAt = p.UpdatedAt.UTC()
		if p.LatticeID == "" {
			p.LatticeID = uuidFrom(c.Seed, uuidPerson, uint64(p.ID))
		}
	}
}

// attributeUUID returns the Lattice id of the attribute with the given key.
func attributeUUID(seed uint64, key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return uuidFrom(seed, uuidAttribute, h.Sum64())
}
