package personio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// A small single-pass scanner for v1 employee pages, their records and the nested objects inside their
// attribute values ({"type": "Department", "attributes": {"id": 1, "name": "Sales"}}). It
// walks raw bytes and hands out sub-slices, which costs a fraction of decoding each record
// into maps with reflection. It reports malformed input as an error and never panics; the
// values it hands out are checked again when they are converted (numbers, strings).

var errJSONSyntax = errors.New("malformed JSON")

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index after the string literal that starts at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		if j > len(b) {
			return 0, errJSONSyntax
		}
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, errJSONSyntax
		}
		j += k
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return j + 1, nil
		}
		j++
	}
}

// structural marks the bytes that matter when skipping over an object or array.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// skipValue returns the index after the JSON value that starts at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errJSONSyntax
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			c := b[j]
			if !structural[c] {
				continue
			}
			switch c {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			default:
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errJSONSyntax
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isSpace(b[j]) {
		j++
	}
	if j == i {
		return 0, errJSONSyntax
	}
	return j, nil
}

// parseObject walks the object that starts at b[i] in one pass: for each member it calls
// f with the raw key (the text between the quotes) and the position of the value; f
// parses or skips the value and returns the index after it. parseObject returns the index
// after the object.
func parseObject(b []byte, i int, f func(key []byte, i int) (int, error)) (int, error) {
	return parseSequence(b, i, '{', '}', func(i int) (int, error) {
		if b[i] != '"' {
			return 0, errJSONSyntax
		}
		end, err := skipString(b, i)
		if err != nil {
			return 0, err
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, errJSONSyntax
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return 0, errJSONSyntax
		}
		next, err := f(key, i)
		if err != nil {
			return 0, err
		}
		if next <= i || next > len(b) {
			return 0, errJSONSyntax
		}
		return next, nil
	})
}

// parseArray walks the array that starts at b[i], calling f with the position of each
// element; f returns the index after it. parseArray returns the index after the array.
func parseArray(b []byte, i int, f func(i int) (int, error)) (int, error) {
	return parseSequence(b, i, '[', ']', f)
}

// parseSequence walks the comma-separated items between opening and closing that start at
// b[i] (an object's members or an array's elements), calling item with the position of
// each; item returns the index after it. parseSequence returns the index after closing.
func parseSequence(b []byte, i int, opening, closing byte, item func(i int) (int, error)) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != opening {
		return 0, errJSONSyntax
	}
	i++
	first := true
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errJSONSyntax
		}
		if b[i] == closing {
			return i + 1, nil
		}
		if !first {
			if b[i] != ',' {
				return 0, errJSONSyntax
			}
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return 0, errJSONSyntax
			}
		}
		first = false
		next, err := item(i)
		if err != nil {
			return 0, err
		}
		if next <= i || next > len(b) {
			return 0, errJSONSyntax
		}
		i = next
	}
}

// errStop ends a scan early without error.
var errStop = errors.New("stop")

// scanObject calls f with the raw key and the raw value of each member of the object b,
// until f returns false.
func scanObject(b []byte, f func(key, val []byte) bool) error {
	_, err := parseObject(b, 0, func(key []byte, i int) (int, error) {
		end, err := skipValue(b, i)
		if err != nil {
			return 0, err
		}
		if !f(key, b[i:end]) {
			return 0, errStop
		}
		return end, nil
	})
	if err == errStop {
		return nil
	}
	return err
}

// scanArray calls f with each element of the array b, until f returns false.
func scanArray(b []byte, f func(val []byte) bool) error {
	_, err := parseArray(b, 0, func(i int) (int, error) {
		end, err := skipValue(b, i)
		if err != nil {
			return 0, err
		}
		if !f(b[i:end]) {
			return 0, errStop
		}
		return end, nil
	})
	if err == errStop {
		return nil
	}
	return err
}

// scanObjectErr is scanObject with a callback that can fail.
func scanObjectErr(b []byte, f func(key, val []byte) error) error {
	var inner error
	err := scanObject(b, func(k, v []byte) bool {
		inner = f(k, v)
		return inner == nil
	})
	if err == nil {
		err = inner
	}
	return err
}

// keyIs reports whether a raw key names name, as encoding/json matches struct fields:
// exactly, else case-insensitively; the rare key with escapes is unescaped first.
func keyIs(raw []byte, name string) bool {
	if string(raw) == name {
		return true
	}
	if bytes.IndexByte(raw, '\\') >= 0 {
		var s string
		q := make([]byte, 0, len(raw)+2)
		q = append(append(append(q, '"'), raw...), '"')
		if json.Unmarshal(q, &s) != nil {
			return false
		}
		raw = []byte(s)
	}
	return bytes.EqualFold(raw, []byte(name))
}

// member returns the raw value of the member name of object b, or nil.
func member(b []byte, name string) ([]byte, error) {
	var out []byte
	err := scanObject(b, func(k, v []byte) bool {
		if keyIs(k, name) {
			out = v
			return false
		}
		return true
	})
	return out, err
}

// employeeParser parses v1 employee objects, sharing repeated strings.
type employeeParser struct {
	strs map[string]string
}

func newEmployeeParser() *employeeParser { return &employeeParser{strs: make(map[string]string, 128)} }

// maxInterned bounds the strings one parser shares.
const maxInterned = 4096

// intern returns the text of a raw JSON string (or "" for null), shared with earlier
// occurrences of the same text.
func (p *employeeParser) intern(raw []byte) (string, error) {
	if len(raw) == 0 || raw[0] == 'n' {
		return "", nil
	}
	if raw[0] != '"' || len(raw) < 2 {
		return "", errJSONSyntax
	}
	inner := raw[1 : len(raw)-1]
	if s, ok := p.strs[string(inner)]; ok {
		return s, nil
	}
	s, err := stringFromJSON(raw)
	if err != nil {
		return "", err
	}
	if len(p.strs) < maxInterned {
		p.strs[string(inner)] = s
	}
	return s, nil
}

// internKey is intern for the raw text of a key (without quotes).
func (p *employeeParser) internKey(raw []byte) (string, error) {
	if s, ok := p.strs[string(raw)]; ok {
		return s, nil
	}
	if bytes.IndexByte(raw, '\\') >= 0 {
		return p.intern(append(append([]byte{'"'}, raw...), '"'))
	}
	s := string(raw)
	if len(p.strs) < maxInterned {
		p.strs[s] = s
	}
	return s, nil
}

// parse parses one employee object b.
func (p *employeeParser) parse(b []byte, e *employeeJSON) error {
	if isNullJSON(b) {
		return nil
	}
	_, err := p.parseAt(b, skipSpace(b, 0), e)
	return err
}

// parseAt parses the employee object that starts at b[i] and returns the index after it.
func (p *employeeParser) parseAt(b []byte, i int, e *employeeJSON) (int, error) {
	if i < len(b) && b[i] == 'n' {
		return skipValue(b, i) // null
	}
	return parseObject(b, i, func(k []byte, i int) (int, error) {
		switch {
		case keyIs(k, "type"):
			end, err := skipValue(b, i)
			if err != nil {
				return 0, err
			}
			e.Type, err = p.intern(b[i:end])
			return end, err
		case keyIs(k, "attributes") && b[i] == '{':
			if e.Attributes == nil {
				e.Attributes = make(map[string]Attribute, 48)
			}
			return parseObject(b, i, func(ak []byte, i int) (int, error) {
				key, err := p.internKey(ak)
				if err != nil {
					return 0, err
				}
				a := Attribute{Key: key}
				end, err := p.attribute(b, i, &a)
				if err != nil {
					return 0, fmt.Errorf("attribute %q: %w", clipText(key), err)
				}
				e.Attributes[key] = a
				return end, nil
			})
		}
		return skipValue(b, i)
	})
}

// attribute parses the attribute object {label, value, type, universal_id} that starts at
// b[i] and returns the index after it.
func (p *employeeParser) attribute(b []byte, i int, a *Attribute) (int, error) {
	if b[i] != '{' {
		return 0, fmt.Errorf("want an object {label, value, type, universal_id}: %w", errJSONSyntax)
	}
	return parseObject(b, i, func(k []byte, i int) (int, error) {
		end, err := skipValue(b, i)
		if err != nil {
			return 0, err
		}
		v := b[i:end]
		switch {
		case keyIs(k, "value"):
			a.Value = v
		case keyIs(k, "label"):
			a.Label, err = p.intern(v)
		case keyIs(k, "type"):
			a.Type, err = p.intern(v)
		case keyIs(k, "universal_id"):
			if v[0] == '"' || v[0] == 'n' {
				a.UniversalID, err = p.intern(v)
			}
		case keyIs(k, "currency"):
			if v[0] == '"' || v[0] == 'n' {
				a.Currency, err = p.intern(v)
			}
		}
		return end, err
	})
}
