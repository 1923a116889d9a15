package jsonw_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/jsonw"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestAppendStringExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"plain", `"plain"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"tab\tnewline\nreturn\r", `"tab\tnewline\nreturn\r"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\b\f", `"\u0008\u000c"`},
		{"\x7f", "\"\x7f\""},
		{"<b>&</b>", `"<b>&</b>"`}, // no HTML escaping
		{"Müller 日本 🙂", `"Müller 日本 🙂"`},
		{"line\u2028para\u2029", `"line\u2028para\u2029"`},
		{"bad \xff\xfe end", `"bad \ufffd\ufffd end"`},
		{"\xc3", `"\ufffd"`},
	}
	for _, tt := range tests {
		if got := string(jsonw.AppendString([]byte("x="), tt.in)); got != "x="+tt.want {
			t.Errorf("AppendString(%q) = %s, want x=%s", tt.in, got, tt.want)
		}
	}
}

// decodesTo checks that AppendString(s) is valid JSON that decodes to s, with invalid
// UTF-8 replaced by U+FFFD as encoding/json does.
func decodesTo(t *testing.T, s string) {
	t.Helper()
	got := jsonw.AppendString(nil, s)
	if !json.Valid(got) {
		t.Fatalf("AppendString(%q) = %s, not valid JSON", s, got)
	}
	var back string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	want := s
	if !utf8.ValidString(s) {
		want = string([]rune(s))
	}
	if back != want {
		t.Fatalf("AppendString(%q) decodes to %q, want %q", s, back, want)
	}
	// encoding/json must read it as it reads its own encoding of s.
	enc, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var viaStd string
	if err := json.Unmarshal(enc, &viaStd); err != nil {
		t.Fatal(err)
	}
	if viaStd != back {
		t.Fatalf("AppendString(%q) decodes to %q, encoding/json's form to %q", s, back, viaStd)
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", `quote " and backslash \`, "tab\tnewline\nreturn\r", "\x00\x01\x1f\x7f",
		"\b\f", "People & Culture <b>", "Jürgen Müller-Lüdenscheidt", "日本語", "line\u2028para\u2029",
		"bad utf8 \xff\xfe end", "\xc3", "emoji 🙂", "\xed\xa0\x80 surrogate half",
	} {
		decodesTo(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\\", "\x00", "\xff", "\u2028", "Müller", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(decodesTo)
}

func TestAppenders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"string or null, empty", jsonw.AppendStringOrNull(nil, ""), `null`},
		{"string or null, text", jsonw.AppendStringOrNull(nil, "a\nb"), `"a\nb"`},
		{"key", jsonw.AppendKey([]byte("{"), "id"), `{"id":`},
		{"next key", jsonw.AppendNextKey([]byte(`{"id":1`), "name"), `{"id":1,"name":`},
		{"int", jsonw.AppendInt(nil, -170, false), `-170`},
		{"quoted int", jsonw.AppendInt(nil, 170, true), `"170"`},
		{"float, whole", jsonw.AppendFloat(nil, 40), `40`},
		{"float, fraction", jsonw.AppendFloat(nil, 37.5), `37.5`},
		{"float, large", jsonw.AppendFloat(nil, 1e21), `1000000000000000000000`},
		{"float, small", jsonw.AppendFloat(nil, 0.000001), `0.000001`},
		{"date", jsonw.AppendDate(nil, unified.NewDate(2021, 3, 1)), `"2021-03-01"`},
		{"date, padded year", jsonw.AppendDate(nil, unified.NewDate(999, 12, 31)), `"0999-12-31"`},
		{"date, zero", jsonw.AppendDate(nil, unified.Date{}), `null`},
		{"date, not a day", jsonw.AppendDate(nil, unified.NewDate(2021, 2, 30)), `"2021-02-30"`},
		{"date, after 9999", jsonw.AppendDate(nil, unified.NewDate(12345, 1, 1)), `"12345-01-01"`},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, string(tt.got)); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

// The appended documents are what encoding/json makes of the same values.
func TestObjectMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	type rec struct {
		ID    string        `json:"id"`
		Name  *string       `json:"name"`
		Hired *unified.Date `json:"hired"`
		Hours float64       `json:"hours"`
		Count int           `json:"count"`
	}
	name := "Zoë \"Z\" <O'Brien>\u2028"
	hired := unified.NewDate(2019, 11, 9)
	for _, want := range []rec{
		{ID: "p-1", Name: &name, Hired: &hired, Hours: 37.5, Count: 3},
		{ID: "", Hours: 0, Count: -1},
	} {
		b := []byte{'{'}
		b = jsonw.AppendKey(b, "id")
		b = jsonw.AppendString(b, want.ID)
		b = jsonw.AppendNextKey(b, "name")
		if want.Name != nil {
			b = jsonw.AppendStringOrNull(b, *want.Name)
		} else {
			b = jsonw.AppendStringOrNull(b, "")
		}
		b = jsonw.AppendNextKey(b, "hired")
		if want.Hired != nil {
			b = jsonw.AppendDate(b, *want.Hired)
		} else {
			b = jsonw.AppendDate(b, unified.Date{})
		}
		b = jsonw.AppendNextKey(b, "hours")
		b = jsonw.AppendFloat(b, want.Hours)
		b = jsonw.AppendNextKey(b, "count")
		b = jsonw.AppendInt(b, want.Count, false)
		b = append(b, '}')
		var got rec
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s decodes differently (-want +got):\n%s", b, diff)
		}
	}
}

func TestAppendAllocatesOnlyToGrow(t *testing.T) {
	buf := make([]byte, 0, 256)
	n := testing.AllocsPerRun(100, func() {
		b := jsonw.AppendKey(buf, "name")
		b = jsonw.AppendString(b, "Jürgen \"J\" Müller\n")
		b = jsonw.AppendNextKey(b, "hired")
		b = jsonw.AppendDate(b, unified.NewDate(2020, 1, 31))
		b = jsonw.AppendNextKey(b, "id")
		_ = jsonw.AppendInt(b, 42, true)
	})
	if n != 0 {
		t.Errorf("appending into a large enough buffer allocates %v times, want 0", n)
	}
}

func Example() {
	b := []byte{'{'}
	b = jsonw.AppendKey(b, "id")
	b = jsonw.AppendInt(b, 170, true)
	b = jsonw.AppendNextKey(b, "name")
	b = jsonw.AppendString(b, "Jürgen \"Jay\" Müller")
	b = jsonw.AppendNextKey(b, "hire_date")
	b = jsonw.AppendDate(b, unified.NewDate(2019, 11, 9))
	b = jsonw.AppendNextKey(b, "team")
	b = jsonw.AppendStringOrNull(b, "")
	b = append(b, '}')
	fmt.Println(string(b))
	// Output: {"id":"170","name":"Jürgen \"Jay\" Müller","hire_date":"2019-11-09","team":null}
}
