package mapping

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestValueIsEmptyAndString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v     Value
		empty bool
		text  string
	}{
		{Value{}, true, ""},
		{StringValue(""), true, ""},
		{StringValue(" "), false, " "},
		{StringValue("CTO"), false, "CTO"},
		{NumberValue(0), false, "0"},
		{NumberValue(40), false, "40"},
		{NumberValue(3000.25), false, "3000.25"},
		{NumberValue(1e21), false, "1000000000000000000000"},
		{BoolValue(false), false, "false"},
		{TimeValue(time.Time{}), true, ""},
		{TimeValue(time.Date(2017, 5, 23, 9, 49, 3, 0, time.FixedZone("", 7200))), false, "2017-05-23T09:49:03+02:00"},
		{DateValue(unified.Date{}), true, ""},
		{date(2014, 11, 9), false, "2014-11-09"},
		{RefValue(unified.Ref{}), true, ""},
		{RefValue(unified.Ref{ID: "7", Name: "Munich"}), false, "Munich"},
		{RefValue(unified.Ref{ID: "7"}), false, "7"},
		{RefValue(unified.Ref{Email: "b@x.io"}), false, "b@x.io"},
		{ListValue(nil), true, ""},
		{ListValue([]string{"a", "b"}), false, "a, b"},
	}
	for _, tt := range tests {
		if got := tt.v.IsEmpty(); got != tt.empty {
			t.Errorf("%v (%s).IsEmpty() = %v", tt.v, tt.v.Kind, got)
		}
		if got := tt.v.String(); got != tt.text {
			t.Errorf("%s value String() = %q, want %q", tt.v.Kind, got, tt.text)
		}
	}
	if got := Kind(99).String(); got != "Kind(99)" {
		t.Errorf("Kind(99) = %q", got)
	}
}

func TestValueLiteralRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []Value{
		StringValue("x"), NumberValue(-1.5), BoolValue(true), ListValue([]string{"a"}),
		date(2020, 2, 29),
		TimeValue(time.Date(2020, 1, 1, 10, 0, 0, 5, time.FixedZone("", 3600))),
		RefValue(unified.Ref{ID: "1", Name: "CEO", Email: "ceo@x.io"}),
	} {
		lit, err := v.literal()
		if err != nil {
			t.Fatalf("%s: literal: %v", v.Kind, err)
		}
		// Through real JSON, as MarshalJSON and LoadSpec do.
		data, err := json.Marshal(lit)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := decodeStrict(data)
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseLiteral("default", doc)
		if err != nil {
			t.Fatalf("%s: parseLiteral(%s): %v", v.Kind, data, err)
		}
		if diff := cmp.Diff(v, back); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", v.Kind, diff)
		}
	}
	for _, bad := range []Value{NumberValue(math.NaN()), NumberValue(math.Inf(1)), DateValue(unified.NewDate(2020, 2, 30))} {
		if _, err := bad.literal(); err == nil {
			t.Errorf("%v: literal succeeded", bad)
		}
	}
	spec := &Spec{Fields: []Field{{Target: "title", Default: &Value{Kind: KindNumber, Num: math.NaN()}}}}
	if _, err := spec.MarshalJSON(); err == nil {
		t.Error("MarshalJSON of a NaN default succeeded")
	}
	if _, err := json.Marshal(Output{Entries: []Entry{{Key: "n", Value: NumberValue(math.Inf(-1))}}}); err == nil {
		t.Error("Output.MarshalJSON of -Inf succeeded")
	}
}

func TestOutputMarshalJSON(t *testing.T) {
	t.Parallel()
	out := Output{
		Entries: []Entry{
			{"z", StringValue("<b>")},
			{"a", NumberValue(2.5)},
			{"ok", BoolValue(true)},
			{"day", date(2014, 11, 9)},
			{"at", TimeValue(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))},
			{"mgr", RefValue(unified.Ref{ID: "2", Email: "b@x.io"})},
			{"tags", ListValue([]string{"x", "y"})},
			{"none", Value{}},
			{"blank", StringValue("")},
		},
		Filters: []Entry{{"employmentType", StringValue("internal")}},
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"z":"\u003cb\u003e","a":2.5,"ok":true,"day":"2014-11-09","at":"2020-01-02T03:04:05Z",` +
		`"mgr":{"id":"2","email":"b@x.io"},"tags":["x","y"],"none":null,"blank":null}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	if _, ok := out.Get("employmentType"); ok {
		t.Error("Get finds a filter value")
	}
	if _, ok := out.Filter("z"); ok {
		t.Error("Filter finds a stored value")
	}
}

func TestErrorTexts(t *testing.T) {
	t.Parallel()
	fe := &FieldError{Field: "email", Source: "email", Value: "x", Err: ErrTransform}
	if got, want := fe.Error(), `field "email" (source "email", value "x"): transform failed`; got != want {
		t.Errorf("FieldError = %q, want %q", got, want)
	}
	re := &RecordError{Provider: "acme", RecordID: "9", Errors: []*FieldError{{Field: "id", Source: "id", Err: ErrRequiredMissing}}}
	if got, want := re.Error(), `acme: record "9": field "id" (source "id"): required value missing`; got != want {
		t.Errorf("RecordError = %q, want %q", got, want)
	}
	if !errors.Is(re, ErrRequiredMissing) {
		t.Error("RecordError does not unwrap to its field errors")
	}
	se := &SpecError{Path: "fields[0]", Err: errors.New("bad")}
	if se.Error() != "mapping: fields[0]: bad" || !errors.Is(se, ErrInvalidSpec) {
		t.Errorf("SpecError = %q", se)
	}
	if Strict.String() != "strict" || Lenient.String() != "lenient" {
		t.Error("ErrorPolicy names")
	}
}

// TestFormatNumber checks the integer shortcut against strconv.FormatFloat, which it must
// match for every input.
func TestFormatNumber(t *testing.T) {
	t.Parallel()
	in := []float64{
		0, math.Copysign(0, -1), 1, -1, 40, 1132888, 3000.5, 0.1, -2.75, 1e15, 1e21, 1e22,
		1 << 53, -(1 << 53), 1<<53 + 2, -(1<<53 + 2), math.MaxInt64, math.MinInt64, math.MaxFloat64,
		math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN(),
	}
	for i := -1000; i <= 1000; i++ {
		in = append(in, float64(i), float64(i)/8)
	}
	for _, f := range in {
		if got, want := formatNumber(f), strconv.FormatFloat(f, 'f', -1, 64); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", f, got, want)
		}
	}
}

// TestValueSize keeps Value within the 128 bytes a Go map stores inline: above that, every
// map[string]Value (MapRecord's, a caller's) costs one allocation per value and reads
// through the map's slow path.
func TestValueSize(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(Value{}); n > 128 {
		t.Errorf("unsafe.Sizeof(Value{}) = %d, want <= 128", n)
	}
}

func TestDateValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        unified.Date
		want      unified.Date
		empty     bool
		wantValid bool
	}{
		{"day", unified.NewDate(2024, time.February, 29), unified.NewDate(2024, time.February, 29), false, true},
		{"first day", unified.NewDate(1, time.January, 1), unified.NewDate(1, time.January, 1), false, true},
		{"last day", unified.NewDate(9999, time.December, 31), unified.NewDate(9999, time.December, 31), false, true},
		{"zero", unified.Date{}, unified.Date{}, true, false},
		{"no such day", unified.NewDate(2023, time.February, 29), unified.NewDate(2023, time.February, 29), false, false},
		{"negative year", unified.NewDate(-44, time.March, 15), unified.NewDate(-44, time.March, 15), false, false},
		{"month 13", unified.NewDate(2024, 13, 1), unified.NewDate(2024, 13, 1), false, false},
		{"month out of range", unified.NewDate(2024, 300, 1), unified.Date{Month: badMonth}, false, false},
		{"day out of range", unified.NewDate(2024, 1, 256), unified.Date{Month: badMonth}, false, false},
		{"negative day", unified.NewDate(2024, 1, -1), unified.Date{Month: badMonth}, false, false},
		{"year out of range", unified.NewDate(1<<40, 1, 1), unified.Date{Month: badMonth}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := DateValue(tt.in)
			if got := v.Date(); got != tt.want {
				t.Errorf("DateValue(%+v).Date() = %+v, want %+v", tt.in, got, tt.want)
			}
			if v.IsEmpty() != tt.empty {
				t.Errorf("IsEmpty() = %v, want %v", v.IsEmpty(), tt.empty)
			}
			if _, err := toDate(&v); !tt.empty && (err == nil) != tt.wantValid {
				t.Errorf("toDate: %v, want valid %v", err, tt.wantValid)
			}
		})
	}
	if d := StringValue("2024-01-02").Date(); !d.IsZero() {
		t.Errorf("Date() of a string value = %v, want the zero Date", d)
	}
}

func TestValueEqual(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		a, b Value
		want bool
	}{
		{DateValue(unified.NewDate(2024, 1, 2)), DateValue(unified.NewDate(2024, 1, 2)), true},
		{DateValue(unified.NewDate(2024, 1, 2)), DateValue(unified.NewDate(2024, 1, 3)), false},
		{DateValue(unified.NewDate(2024, 1, 2)), DateValue(unified.NewDate(2025, 1, 2)), false},
		{TimeValue(at), TimeValue(at.In(time.FixedZone("CET", 3600))), true},
		{TimeValue(at), TimeValue(at.Add(1)), false},
		{ListValue(nil), ListValue([]string{}), true},
		{ListValue([]string{"a"}), ListValue([]string{"b"}), false},
		{StringValue("x"), StringValue("x"), true},
		{StringValue("1"), NumberValue(1), false},
		{BoolValue(true), BoolValue(false), false},
		{RefValue(unified.Ref{ID: "1"}), RefValue(unified.Ref{ID: "1", Name: "A"}), false},
		{NumberValue(2), NumberValue(2), true},
	}
	for _, tt := range tests {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("%+v.Equal(%+v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		// go-cmp compares Values with Equal.
		if got := cmp.Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("cmp.Equal(%+v, %+v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
