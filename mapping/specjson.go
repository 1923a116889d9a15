package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// MaxSpecSize is the largest spec document LoadSpec reads, in bytes.
const MaxSpecSize = 1 << 20

// maxDepth bounds the nesting of a spec document.
const maxDepth = 32

// LoadSpec reads a spec from its JSON form:
//
//	{
//	  "version": 1,
//	  "name": "HR system to our app",
//	  "output": "user",
//	  "fields": [
//	    {"target": "title", "source": "Position", "transforms": ["trim"]},
//	    {"target": "display_name", "source": "preferred_name",
//	     "fallback": [{"sources": ["first_name", "last_name"], "transforms": [{"name": "join", "args": {"sep": " "}}]}]},
//	    {"target": "status", "source": "status", "required": true,
//	     "transforms": [{"name": "enum", "args": {"values": {"active": "active", "inactive": "inactive"}}}]},
//	    {"target": "custom.*", "source": "dynamic_*"}
//	  ]
//	}
//
// The reading is strict: unknown keys, duplicate keys, wrong types, bad arguments of
// built-in transforms and unknown unified.User targets are errors. Each is a [*SpecError]
// with the JSON path of the mistake, such as `fields[3].transforms[1].args.sep: want a
// string, got a number`. Transforms that are not built in are checked by [Compile], where
// they are registered. The package documentation describes every key.
func LoadSpec(r io.Reader) (*Spec, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSpecSize+1))
	if err != nil {
		return nil, &SpecError{Err: fmt.Errorf("read spec: %w", err)}
	}
	if len(data) > MaxSpecSize {
		return nil, specErr("", "spec larger than %d bytes", MaxSpecSize)
	}
	doc, err := decodeStrict(data)
	if err != nil {
		return nil, err
	}
	return parseSpec(doc)
}

// UnmarshalJSON reads a spec as [LoadSpec] does, so that a Spec inside a configuration
// struct is read as strictly.
func (s *Spec) UnmarshalJSON(b []byte) error {
	sp, err := LoadSpec(bytes.NewReader(b))
	if err != nil {
		return err
	}
	*s = *sp
	return nil
}

// MarshalJSON writes the spec's effective fields (see [Spec.Effective]) in the form
// LoadSpec reads: LoadSpec of the result gives back an equal spec. A single source is
// written as "source", an argument-less transform as its bare name.
func (s *Spec) MarshalJSON() ([]byte, error) {
	doc := specJSON{Version: s.Version, Name: s.Name, Output: s.Output, Fields: []fieldJSON{}}
	if doc.Version == 0 {
		doc.Version = SpecVersion
	}
	for i, f := range s.Effective() {
		fj, err := f.toJSON()
		if err != nil {
			return nil, fmt.Errorf("mapping: fields[%d]: %w", i, err)
		}
		doc.Fields = append(doc.Fields, fj)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

type specJSON struct {
	Version int         `json:"version"`
	Name    string      `json:"name,omitempty"`
	Output  string      `json:"output,omitempty"`
	Fields  []fieldJSON `json:"fields"`
}

type fieldJSON struct {
	Target     string    `json:"target"`
	Source     string    `json:"source,omitempty"`
	Sources    []string  `json:"sources,omitempty"`
	Transforms []any     `json:"transforms,omitempty"`
	Fallback   []altJSON `json:"fallback,omitempty"`
	Default    any       `json:"default,omitempty"`
	Required   bool      `json:"required,omitempty"`
	FilterOnly bool      `json:"filter_only,omitempty"`
	When       *whenJSON `json:"when,omitempty"`
	Note       string    `json:"note,omitempty"`
}

type altJSON struct {
	Source     string   `json:"source,omitempty"`
	Sources    []string `json:"sources,omitempty"`
	Transforms []any    `json:"transforms,omitempty"`
}

type whenJSON struct {
	Source string   `json:"source"`
	In     []string `json:"in,omitempty"`
	NotIn  []string `json:"not_in,omitempty"`
}

type transformJSON struct {
	Name string         `json:"name"`
	Args map[string]any `json:"args,omitempty"`
}

func sourcesJSON(sources []string) (string, []string) {
	if len(sources) == 1 {
		return sources[0], nil
	}
	return "", sources
}

func transformsJSON(ts []Transform) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		if len(t.Args) == 0 {
			out[i] = t.Name
		} else {
			out[i] = transformJSON{Name: t.Name, Args: t.Args}
		}
	}
	return out
}

func (f *Field) toJSON() (fieldJSON, error) {
	fj := fieldJSON{
		Target:     f.Target,
		Transforms: transformsJSON(f.Transforms),
		Required:   f.Required,
		FilterOnly: f.FilterOnly,
		Note:       f.Note,
	}
	fj.Source, fj.Sources = sourcesJSON(f.Sources)
	for _, alt := range f.Fallback {
		a := altJSON{Transforms: transformsJSON(alt.Transforms)}
		a.Source, a.Sources = sourcesJSON(alt.Sources)
		fj.Fallback = append(fj.Fallback, a)
	}
	if f.Default != nil {
		lit, err := f.Default.literal()
		if err != nil {
			return fj, fmt.Errorf("default: %w", err)
		}
		fj.Default = lit
	}
	if w := f.When; w != nil {
		fj.When = &whenJSON{Source: w.Source, In: w.In, NotIn: w.NotIn}
	}
	return fj, nil
}

// decodeStrict decodes one JSON document into nil, bool, string, float64, []any and
// map[string]any values, rejecting duplicate keys, trailing data and excessive nesting.
func decodeStrict(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeAny(dec, "", 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, specErr("", "invalid JSON: data after the spec object at byte %d", dec.InputOffset())
	}
	return v, nil
}

func syntaxErr(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return specErr("", "invalid JSON at byte %d: %v", dec.InputOffset(), err)
}

func decodeAny(dec *json.Decoder, path string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, specErr(path, "nested too deeply (more than %d levels)", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxErr(dec, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, syntaxErr(dec, err)
				}
				k := kt.(string) // json.Decoder only yields strings as object keys
				p := joinPath(path, k)
				if _, dup := obj[k]; dup {
					return nil, specErr(p, "duplicate key")
				}
				if obj[k], err = decodeAny(dec, p, depth+1); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxErr(dec, err)
			}
			return obj, nil
		case '[':
			arr := []any{}
			for i := 0; dec.More(); i++ {
				e, err := decodeAny(dec, fmt.Sprintf("%s[%d]", path, i), depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxErr(dec, err)
			}
			return arr, nil
		}
		return nil, syntaxErr(dec, fmt.Errorf("unexpected %v", t))
	case json.Number:
		f, err := t.Float64()
		if err != nil || math.IsInf(f, 0) {
			return nil, specErr(path, "number %s out of range", clip(t.String()))
		}
		return f, nil
	}
	return tok, nil // nil, bool or string
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// object checks that x is a JSON object whose keys are all in known.
func object(path string, x any, known ...string) (map[string]any, error) {
	m, ok := x.(map[string]any)
	if !ok {
		return nil, specErr(path, "want an object, got %s", jsonType(x))
	}
	for _, k := range sortedKeys(m) {
		found := false
		for _, kn := range known {
			if k == kn {
				found = true
				break
			}
		}
		if !found {
			return nil, specErr(joinPath(path, k), "unknown key (known: %s)", strings.Join(known, ", "))
		}
	}
	return m, nil
}

func getString(m map[string]any, path, key string) (string, bool, error) {
	x, ok := m[key]
	if !ok {
		return "", false, nil
	}
	s, ok := x.(string)
	if !ok {
		return "", true, specErr(joinPath(path, key), "want a string, got %s", jsonType(x))
	}
	return s, true, nil
}

func getBool(m map[string]any, path, key string) (bool, error) {
	x, ok := m[key]
	if !ok {
		return false, nil
	}
	b, ok := x.(bool)
	if !ok {
		return false, specErr(joinPath(path, key), "want a boolean, got %s", jsonType(x))
	}
	return b, nil
}

func getStrings(m map[string]any, path, key string) ([]string, bool, error) {
	x, ok := m[key]
	if !ok {
		return nil, false, nil
	}
	p := joinPath(path, key)
	l, ok := x.([]any)
	if !ok {
		return nil, true, specErr(p, "want a list of strings, got %s", jsonType(x))
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, true, specErr(fmt.Sprintf("%s[%d]", p, i), "want a string, got %s", jsonType(e))
		}
		out[i] = s
	}
	return out, true, nil
}

func getArray(m map[string]any, path, key string) ([]any, error) {
	x, ok := m[key]
	if !ok {
		return nil, nil
	}
	l, ok := x.([]any)
	if !ok {
		return nil, specErr(joinPath(path, key), "want an array, got %s", jsonType(x))
	}
	return l, nil
}

func parseSpec(doc any) (*Spec, error) {
	m, err := object("", doc, "version", "name", "output", "fields")
	if err != nil {
		return nil, err
	}
	s := &Spec{Version: SpecVersion}
	if x, ok := m["version"]; ok {
		f, isNum := x.(float64)
		if !isNum {
			return nil, specErr("version", "want a number, got %s", jsonType(x))
		}
		if f != SpecVersion {
			return nil, specErr("version", "unsupported version %v (want %d)", f, SpecVersion)
		}
	}
	if s.Name, _, err = getString(m, "", "name"); err != nil {
		return nil, err
	}
	if s.Output, _, err = getString(m, "", "output"); err != nil {
		return nil, err
	}
	if s.Output != "" && s.Output != OutputUser && s.Output != OutputRecord {
		return nil, specErr("output", "want %q or %q, got %q", OutputUser, OutputRecord, clip(s.Output))
	}
	if _, ok := m["fields"]; !ok {
		return nil, specErr("fields", "missing")
	}
	fields, err := getArray(m, "", "fields")
	if err != nil {
		return nil, err
	}
	for i, x := range fields {
		path := fmt.Sprintf("fields[%d]", i)
		f, err := parseField(path, x)
		if err != nil {
			return nil, err
		}
		if err := checkField(path, &f, s.output()); err != nil {
			return nil, err
		}
		if err := checkTransforms(path, &f); err != nil {
			return nil, err
		}
		s.Fields = append(s.Fields, f)
	}
	return s, nil
}

func parseSources(m map[string]any, path string) ([]string, error) {
	one, hasOne, err := getString(m, path, "source")
	if err != nil {
		return nil, err
	}
	many, hasMany, err := getStrings(m, path, "sources")
	if err != nil {
		return nil, err
	}
	switch {
	case hasOne && hasMany:
		return nil, specErr(joinPath(path, "sources"), `give "source" or "sources", not both`)
	case hasOne:
		return []string{one}, nil
	case hasMany && len(many) == 0:
		return nil, specErr(joinPath(path, "sources"), "want at least one source")
	}
	return many, nil
}

func parseTransforms(m map[string]any, path string) ([]Transform, error) {
	list, err := getArray(m, path, "transforms")
	if err != nil {
		return nil, err
	}
	var out []Transform
	for j, x := range list {
		p := fmt.Sprintf("%s.transforms[%d]", path, j)
		if name, ok := x.(string); ok {
			out = append(out, Transform{Name: name})
			continue
		}
		if _, isObj := x.(map[string]any); !isObj {
			return nil, specErr(p, `want a transform name or {"name": ..., "args": {...}}, got %s`, jsonType(x))
		}
		tm, err := object(p, x, "name", "args")
		if err != nil {
			return nil, err
		}
		name, ok, err := getString(tm, p, "name")
		if err != nil {
			return nil, err
		}
		if !ok || name == "" {
			return nil, specErr(p+".name", "missing transform name")
		}
		t := Transform{Name: name}
		if a, ok := tm["args"]; ok {
			args, isObj := a.(map[string]any)
			if !isObj {
				return nil, specErr(p+".args", "want an object, got %s", jsonType(a))
			}
			if len(args) > 0 {
				t.Args = args
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func parseField(path string, x any) (Field, error) {
	var f Field
	m, err := object(path, x, "target", "source", "sources", "transforms", "fallback",
		"default", "required", "filter_only", "when", "note")
	if err != nil {
		return f, err
	}
	if f.Target, _, err = getString(m, path, "target"); err != nil {
		return f, err
	}
	if f.Sources, err = parseSources(m, path); err != nil {
		return f, err
	}
	if f.Transforms, err = parseTransforms(m, path); err != nil {
		return f, err
	}
	alts, err := getArray(m, path, "fallback")
	if err != nil {
		return f, err
	}
	for i, a := range alts {
		p := fmt.Sprintf("%s.fallback[%d]", path, i)
		am, err := object(p, a, "source", "sources", "transforms")
		if err != nil {
			return f, err
		}
		var alt Alternative
		if alt.Sources, err = parseSources(am, p); err != nil {
			return f, err
		}
		if alt.Transforms, err = parseTransforms(am, p); err != nil {
			return f, err
		}
		f.Fallback = append(f.Fallback, alt)
	}
	if d, ok := m["default"]; ok && d != nil {
		v, err := parseLiteral(path+".default", d)
		if err != nil {
			return f, err
		}
		f.Default = &v
	}
	if f.Required, err = getBool(m, path, "required"); err != nil {
		return f, err
	}
	if f.FilterOnly, err = getBool(m, path, "filter_only"); err != nil {
		return f, err
	}
	if w, ok := m["when"]; ok {
		p := path + ".when"
		wm, err := object(p, w, "source", "in", "not_in")
		if err != nil {
			return f, err
		}
		var c Condition
		if c.Source, _, err = getString(wm, p, "source"); err != nil {
			return f, err
		}
		if c.In, _, err = getStrings(wm, p, "in"); err != nil {
			return f, err
		}
		if c.NotIn, _, err = getStrings(wm, p, "not_in"); err != nil {
			return f, err
		}
		f.When = &c
	}
	if f.Note, _, err = getString(m, path, "note"); err != nil {
		return f, err
	}
	return f, nil
}
