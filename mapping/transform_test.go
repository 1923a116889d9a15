package mapping

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/unified"
)

// runField compiles a one-field record spec (no catalog: sources are keys) and applies it
// to a record of vals.
func runField(t *testing.T, f Field, vals map[string]Value, opts ...Option) (Value, error) {
	t.Helper()
	f.Target = "out"
	m, err := Compile(&Spec{Output: OutputRecord, Fields: []Field{f}}, nil, opts...)
	if err != nil {
		return Value{}, fmt.Errorf("compile: %w", err)
	}
	out, err := m.Apply(MapRecord{RecordID: "r1", Values: vals})
	if err != nil {
		return Value{}, err
	}
	v, ok := out.Get("out")
	if !ok {
		t.Fatalf("output has no entry: %+v", out)
	}
	return v, nil
}

type transformCase struct {
	name    string
	sources []string
	tr      []Transform
	vals    map[string]Value
	want    Value
	wantErr string // substring of the error; the error must also match ErrTransform
}

func runTransformCases(t *testing.T, cases []transformCase, opts ...Option) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := tc.sources
			if src == nil {
				src = []string{"a"}
			}
			got, err := runField(t, Field{Sources: src, Transforms: tc.tr}, tc.vals, opts...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if !errors.Is(err, ErrTransform) {
					t.Errorf("err = %v does not match ErrTransform", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func one(v Value) map[string]Value { return map[string]Value{"a": v} }

func TestTransformJoin(t *testing.T) {
	t.Parallel()
	ab := []string{"a", "b"}
	runTransformCases(t, []transformCase{
		{"first and last", ab, []Transform{Join(" ")}, map[string]Value{"a": StringValue("Ada"), "b": StringValue("Lovelace")}, StringValue("Ada Lovelace"), ""},
		{"separator", ab, []Transform{Join(", ")}, map[string]Value{"a": StringValue("Lovelace"), "b": StringValue("Ada")}, StringValue("Lovelace, Ada"), ""},
		{"empty part skipped", ab, []Transform{Join(" ")}, map[string]Value{"a": StringValue("Ada"), "b": {}}, StringValue("Ada"), ""},
		{"missing part skipped", ab, []Transform{Join(" ")}, map[string]Value{"b": StringValue("Lovelace")}, StringValue("Lovelace"), ""},
		{"all empty", ab, []Transform{Join(" ")}, nil, Value{}, ""},
		{"numbers as text", ab, []Transform{Join("-")}, map[string]Value{"a": NumberValue(12), "b": NumberValue(3.5)}, StringValue("12-3.5"), ""},
		{"more than four parts", []string{"a", "b", "c", "d", "e"}, []Transform{Join("")},
			map[string]Value{"a": StringValue("1"), "b": StringValue("2"), "c": StringValue("3"), "d": StringValue("4"), "e": StringValue("5")},
			StringValue("12345"), ""},
		{"list elements", nil, []Transform{Join(" | ")}, one(ListValue([]string{"x", "", "y"})), StringValue("x | y"), ""},
		{"later in chain", nil, []Transform{Trim(), Join("+")}, one(ListValue([]string{" x", "y "})), StringValue("x+y"), ""},
	})
}

func TestTransformSplit(t *testing.T) {
	t.Parallel()
	name := one(StringValue("Ada King Lovelace"))
	runTransformCases(t, []transformCase{
		{"first word", nil, []Transform{Split("", 0, false)}, name, StringValue("Ada"), ""},
		{"rest after first word", nil, []Transform{Split("", 1, true)}, name, StringValue("King Lovelace"), ""},
		{"last word", nil, []Transform{Split("", -1, false)}, name, StringValue("Lovelace"), ""},
		{"second from end with rest", nil, []Transform{Split("", -2, true)}, name, StringValue("King Lovelace"), ""},
		{"index past the end", nil, []Transform{Split("", 3, false)}, name, Value{}, ""},
		{"negative index past the start", nil, []Transform{Split("", -4, false)}, name, Value{}, ""},
		{"single word rest", nil, []Transform{Split("", 1, true)}, one(StringValue("Cher")), Value{}, ""},
		{"runs of white space", nil, []Transform{Split("", 1, true)}, one(StringValue("  Ada \t King  Lovelace  ")), StringValue("King  Lovelace"), ""},
		{"separator", nil, []Transform{Split(",", 1, false)}, one(StringValue("a,b,c")), StringValue("b"), ""},
		{"separator rest", nil, []Transform{Split(",", 1, true)}, one(StringValue("a,b,c")), StringValue("b,c"), ""},
		{"empty part between separators", nil, []Transform{Split(",", 1, false)}, one(StringValue("a,,c")), Value{}, ""},
		{"multi-byte separator", nil, []Transform{Split(" → ", -1, false)}, one(StringValue("Sales → EMEA → DACH")), StringValue("DACH"), ""},
		{"number as text", nil, []Transform{Split("0", 0, false)}, one(NumberValue(1203)), StringValue("12"), ""},
		{"empty", nil, []Transform{Split("", 0, false)}, one(Value{}), Value{}, ""},
		{"reference", nil, []Transform{Split("", 0, false)}, one(ref("1", "A B")), Value{}, "split: want text, got ref"},
	})
}

func TestTransformCase(t *testing.T) {
	t.Parallel()
	runTransformCases(t, []transformCase{
		{"lower", nil, []Transform{Lower()}, one(StringValue("ÄrZtIn")), StringValue("ärztin"), ""},
		{"upper", nil, []Transform{Upper()}, one(StringValue("Ärztin")), StringValue("ÄRZTIN"), ""},
		{"trim", nil, []Transform{Trim()}, one(StringValue("  CTO \n")), StringValue("CTO"), ""},
		{"trim to empty", nil, []Transform{Trim()}, one(StringValue("   ")), Value{}, ""},
		{"lower list", nil, []Transform{Lower()}, one(ListValue([]string{"A", "B"})), ListValue([]string{"a", "b"}), ""},
		{"upper number", nil, []Transform{Upper()}, one(NumberValue(7)), StringValue("7"), ""},
		{"lower bool", nil, []Transform{Lower()}, one(BoolValue(true)), StringValue("true"), ""},
		{"lower null", nil, []Transform{Lower()}, one(Value{}), Value{}, ""},
		{"lower date", nil, []Transform{Lower()}, one(date(2020, 1, 1)), Value{}, "lower: want text, got date"},
		{"trim instant", nil, []Transform{Trim()}, one(TimeValue(time.Unix(0, 0))), Value{}, "trim: want text, got time"},
	})
}

func TestTransformText(t *testing.T) {
	t.Parallel()
	runTransformCases(t, []transformCase{
		{"integer", nil, []Transform{Text()}, one(NumberValue(1)), StringValue("1"), ""},
		{"decimal", nil, []Transform{Text()}, one(NumberValue(3000.5)), StringValue("3000.5"), ""},
		{"date", nil, []Transform{Text()}, one(date(2014, 11, 9)), StringValue("2014-11-09"), ""},
		{"reference by name", nil, []Transform{Text()}, one(ref("7", "Munich")), StringValue("Munich"), ""},
		{"reference by id", nil, []Transform{Text()}, one(ref("7", "")), StringValue("7"), ""},
		{"list", nil, []Transform{Text()}, one(ListValue([]string{"a", "b"})), StringValue("a, b"), ""},
		{"instant", nil, []Transform{Text()}, one(TimeValue(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))), StringValue("2020-01-02T03:04:05Z"), ""},
		{"null", nil, []Transform{Text()}, one(Value{}), Value{}, ""},
	})
}

func TestTransformFirst(t *testing.T) {
	t.Parallel()
	abc := []string{"a", "b", "c"}
	runTransformCases(t, []transformCase{
		{"first non-empty", abc, []Transform{First()}, map[string]Value{"a": StringValue(""), "b": StringValue("B"), "c": StringValue("C")}, StringValue("B"), ""},
		{"implicit without transforms", abc, nil, map[string]Value{"b": {}, "c": StringValue("C")}, StringValue("C"), ""},
		{"implicit before a single-value transform", abc, []Transform{Upper()}, map[string]Value{"b": StringValue("b")}, StringValue("B"), ""},
		{"none", abc, []Transform{First()}, nil, Value{}, ""},
	})
}

func TestTransformEmail(t *testing.T) {
	t.Parallel()
	runTransformCases(t, []transformCase{
		{"normalised", nil, []Transform{Email()}, one(StringValue("  Ada.Lovelace@Example.COM ")), StringValue("ada.lovelace@example.com"), ""},
		{"plus address", nil, []Transform{Email()}, one(StringValue("ada+hr@example.com")), StringValue("ada+hr@example.com"), ""},
		{"empty", nil, []Transform{Email()}, one(StringValue(" ")), Value{}, ""},
		{"display name form", nil, []Transform{Email()}, one(StringValue("Ada <ada@example.com>")), Value{}, "want a bare address"},
		{"no at sign", nil, []Transform{Email()}, one(StringValue("ada.example.com")), Value{}, "invalid address"},
		{"two addresses", nil, []Transform{Email()}, one(StringValue("a@x.io, b@x.io")), Value{}, "email:"},
		{"number", nil, []Transform{Email()}, one(ref("1", "x")), Value{}, "email: want text, got ref"},
	})
}

func TestTransformDate(t *testing.T) {
	t.Parallel()
	d := func(y int, m time.Month, dd int) Value { return date(y, m, dd) }
	runTransformCases(t, []transformCase{
		{"ISO day", nil, []Transform{Date("")}, one(StringValue("2014-11-09")), d(2014, 11, 9), ""},
		{"RFC 3339 day as written", nil, []Transform{Date("")}, one(StringValue("2014-11-08T23:00:00.000Z")), d(2014, 11, 8), ""},
		{"RFC 3339 in the company zone", nil, []Transform{Date("Europe/Berlin")}, one(StringValue("2014-11-08T23:00:00.000Z")), d(2014, 11, 9), ""},
		{"offset never moves the day", nil, []Transform{Date("")}, one(StringValue("1990-01-01T00:00:00+01:00")), d(1990, 1, 1), ""},
		{"local timestamp", nil, []Transform{Date("Europe/Berlin")}, one(StringValue("2022-12-24T08:15:30")), d(2022, 12, 24), ""},
		{"space timestamp", nil, []Transform{Date("")}, one(StringValue("2022-12-24 23:15:30")), d(2022, 12, 24), ""},
		{"German day", nil, []Transform{Date("")}, one(StringValue("09.11.2014")), d(2014, 11, 9), ""},
		{"German day unpadded", nil, []Transform{Date("")}, one(StringValue("9.11.2014")), d(2014, 11, 9), ""},
		{"slash form is ambiguous by default", nil, []Transform{Date("")}, one(StringValue("11/09/2014")), Value{}, `cannot read "11/09/2014" as a date`},
		{"US layout", nil, []Transform{Date("", "01/02/2006")}, one(StringValue("11/09/2014")), d(2014, 11, 9), ""},
		{"UK layout", nil, []Transform{Date("", "02/01/2006")}, one(StringValue("11/09/2014")), d(2014, 9, 11), ""},
		{"layouts replace the defaults", nil, []Transform{Date("", "02/01/2006")}, one(StringValue("2014-11-09")), Value{}, "cannot read"},
		{"impossible day", nil, []Transform{Date("")}, one(StringValue("2014-02-30")), Value{}, "cannot read"},
		{"instant in its own zone", nil, []Transform{Date("")}, one(TimeValue(time.Date(2014, 11, 8, 23, 0, 0, 0, time.UTC))), d(2014, 11, 8), ""},
		{"instant converted", nil, []Transform{Date("Europe/Berlin")}, one(TimeValue(time.Date(2014, 11, 8, 23, 0, 0, 0, time.UTC))), d(2014, 11, 9), ""},
		{"instant in year 0", nil, []Transform{Date("")}, one(TimeValue(time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC))), Value{}, "not on a calendar day between the years 1 and 9999"},
		{"instant moved to year 0 by the zone", nil, []Transform{Date("America/New_York")}, one(TimeValue(time.Date(1, 1, 1, 1, 0, 0, 0, time.UTC))), Value{}, "not on a calendar day"},
		{"date passes", nil, []Transform{Date("Asia/Tokyo")}, one(d(2014, 11, 9)), d(2014, 11, 9), ""},
		{"blank", nil, []Transform{Date("")}, one(StringValue("  ")), Value{}, ""},
		{"number", nil, []Transform{Date("")}, one(NumberValue(20141109)), Value{}, "date: want text, an instant or a date, got number"},
	})
}

func TestTransformEnum(t *testing.T) {
	t.Parallel()
	status := map[string]string{"active": "ACTIVE", "inactive": "DEACTIVATED", "unspecified": ""}
	runTransformCases(t, []transformCase{
		{"match ignores case", nil, []Transform{Enum(status)}, one(StringValue("Active")), StringValue("ACTIVE"), ""},
		{"upper-case input", nil, []Transform{Enum(status)}, one(StringValue("INACTIVE")), StringValue("DEACTIVATED"), ""},
		{"surrounding space", nil, []Transform{Enum(status)}, one(StringValue(" active ")), StringValue("ACTIVE"), ""},
		{"maps to empty", nil, []Transform{Enum(status)}, one(StringValue("UNSPECIFIED")), Value{}, ""},
		{"unknown fails", nil, []Transform{Enum(status)}, one(StringValue("retired")), Value{}, `enum: no mapping for "retired" (known: active, inactive, unspecified)`},
		{"fallback", nil, []Transform{EnumOr(status, "UNKNOWN")}, one(StringValue("retired")), StringValue("UNKNOWN"), ""},
		{"empty fallback", nil, []Transform{EnumOr(status, "")}, one(StringValue("retired")), Value{}, ""},
		{"keep unknown", nil, []Transform{EnumKeep(status)}, one(StringValue("retired")), StringValue("retired"), ""},
		{"empty input", nil, []Transform{Enum(status)}, one(Value{}), Value{}, ""},
		{"number input", nil, []Transform{Enum(map[string]string{"1": "one"})}, one(NumberValue(1)), StringValue("one"), ""},
		{"list input", nil, []Transform{Enum(status)}, one(ListValue([]string{"x"})), Value{}, "enum: want text, got list"},
	})
}

func TestTransformDefault(t *testing.T) {
	t.Parallel()
	runTransformCases(t, []transformCase{
		{"replaces empty", nil, []Transform{DefaultTo(StringValue("n/a"))}, one(Value{}), StringValue("n/a"), ""},
		{"keeps a value", nil, []Transform{DefaultTo(StringValue("n/a"))}, one(StringValue("x")), StringValue("x"), ""},
		{"feeds the next step", nil, []Transform{Trim(), DefaultTo(StringValue("active")), Enum(map[string]string{"active": "ACTIVE"})},
			one(StringValue(" ")), StringValue("ACTIVE"), ""},
		{"typed default", nil, []Transform{DefaultTo(date(2020, 1, 1))}, nil, date(2020, 1, 1), ""},
	})
}

func TestTransformRefAndPick(t *testing.T) {
	t.Parallel()
	idName := map[string]Value{"a": NumberValue(401), "b": StringValue("Sales")}
	runTransformCases(t, []transformCase{
		{"id and name", []string{"a", "b"}, []Transform{MakeRef()}, idName, RefValue(unified.Ref{ID: "401", Name: "Sales"}), ""},
		{"name and email", []string{"a", "b"}, []Transform{MakeRef("name", "email")},
			map[string]Value{"a": StringValue("Bianca"), "b": StringValue("b@x.io")}, RefValue(unified.Ref{Name: "Bianca", Email: "b@x.io"}), ""},
		{"from a reference", []string{"a", "b"}, []Transform{MakeRef("email", "id")},
			map[string]Value{"a": RefValue(unified.Ref{ID: "2", Email: "b@x.io"}), "b": RefValue(unified.Ref{ID: "2"})},
			RefValue(unified.Ref{ID: "2", Email: "b@x.io"}), ""},
		{"all empty", []string{"a", "b"}, []Transform{MakeRef()}, nil, Value{}, ""},
		{"single value later in chain", nil, []Transform{Trim(), MakeRef("name")}, one(StringValue(" Sales ")), RefValue(unified.Ref{Name: "Sales"}), ""},
		{"pick email", nil, []Transform{Pick("email")}, one(RefValue(unified.Ref{ID: "2", Email: "b@x.io"})), StringValue("b@x.io"), ""},
		{"pick missing part", nil, []Transform{Pick("email")}, one(ref("2", "Bianca")), Value{}, ""},
		{"pick name", nil, []Transform{Pick("name")}, one(ref("2", "Sales")), StringValue("Sales"), ""},
		{"pick from text", nil, []Transform{Pick("id")}, one(StringValue("2")), Value{}, "pick: want a reference, got string"},
	})
}

func TestRegisteredTransforms(t *testing.T) {
	t.Parallel()
	initials := WithTransform("initials", func(in []Value) (Value, error) {
		var b strings.Builder
		for _, v := range in {
			if s := v.String(); s != "" {
				b.WriteString(s[:1])
			}
		}
		return StringValue(b.String()), nil
	})
	reject := WithTransform("reject", func(in []Value) (Value, error) {
		return Value{}, errors.New("not today")
	})
	prefix := WithTransformFactory("prefix", func(args map[string]any) (TransformFunc, error) {
		p, ok := args["with"].(string)
		if !ok {
			return nil, errors.New(`want a string argument "with"`)
		}
		return func(in []Value) (Value, error) { return StringValue(p + in[0].String()), nil }, nil
	})
	ab := []string{"a", "b"}
	vals := map[string]Value{"a": StringValue("Ada"), "b": StringValue("Lovelace")}
	runTransformCases(t, []transformCase{
		{"combines sources", ab, []Transform{{Name: "initials"}}, vals, StringValue("AL"), ""},
		{"later in chain", ab, []Transform{Join(" "), {Name: "initials"}}, vals, StringValue("A"), ""},
		{"with arguments", nil, []Transform{{Name: "prefix", Args: map[string]any{"with": "HR-"}}}, one(NumberValue(7)), StringValue("HR-7"), ""},
		{"error wrapped", nil, []Transform{{Name: "reject"}}, one(StringValue("x")), Value{}, "reject: not today"},
		{"error later in chain", nil, []Transform{Trim(), {Name: "reject"}}, one(StringValue("x")), Value{}, "reject: not today"},
	}, initials, reject, prefix)

	for _, tc := range []struct {
		name string
		tr   Transform
		opts []Option
		want string
	}{
		{"unregistered", Transform{Name: "initials"}, nil, `unknown transform "initials"`},
		{"arguments to an argument-less transform", Transform{Name: "initials", Args: map[string]any{"x": 1.0}}, []Option{initials}, "initials takes no arguments"},
		{"factory rejects", Transform{Name: "prefix"}, []Option{prefix}, `want a string argument "with"`},
		{"built-in name", Transform{Name: "lower"}, []Option{WithTransform("lower", func([]Value) (Value, error) { return Value{}, nil })}, "cannot replace a built-in"},
		{"twice", Transform{Name: "initials"}, []Option{initials, initials}, "registered twice"},
		{"nil function", Transform{Name: "x"}, []Option{WithTransform("x", nil)}, "nil function"},
	} {
		_, err := runField(t, Field{Sources: []string{"a"}, Transforms: []Transform{tc.tr}}, nil, tc.opts...)
		if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrInvalidSpec containing %q", tc.name, err, tc.want)
		}
	}
}

func TestFieldDefaultAndRequired(t *testing.T) {
	t.Parallel()
	def := StringValue("unknown")
	got, err := runField(t, Field{Sources: []string{"a"}, Default: &def}, nil)
	if err != nil || !cmp.Equal(got, def) {
		t.Errorf("default: got %v, %v; want %v", got, err, def)
	}
	got, err = runField(t, Field{Sources: []string{"a"}, Default: &def, Required: true}, nil)
	if err != nil || !cmp.Equal(got, def) {
		t.Errorf("required with default: got %v, %v", got, err)
	}
	_, err = runField(t, Field{Sources: []string{"a", "b"}, Required: true}, nil)
	var fe *FieldError
	if !errors.As(err, &fe) || !errors.Is(err, ErrRequiredMissing) || fe.Source != "a or b" || fe.Field != "out" {
		t.Errorf("required: err = %v (%+v), want a FieldError for a or b", err, fe)
	}
	// The mapper keeps its own copy of the default.
	mut := StringValue("before")
	m, err := Compile(&Spec{Output: OutputRecord, Fields: []Field{{Target: "out", Sources: []string{"a"}, Default: &mut}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mut.Str = "after"
	if out, _ := m.Apply(MapRecord{}); out.Entries[0].Value.Str != "before" {
		t.Errorf("default changed with the spec: %v", out.Entries[0].Value)
	}
	// A constant field has a default and no source.
	got, err = runField(t, Field{Default: &def}, nil)
	if err != nil || !cmp.Equal(got, def) {
		t.Errorf("constant: got %v, %v", got, err)
	}
}

func TestFieldErrorClipsValue(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ä", 100)
	_, err := runField(t, Field{Sources: []string{"a"}, Transforms: []Transform{Email()}}, one(StringValue(long)))
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a FieldError", err)
	}
	if want := strings.Repeat("ä", 64) + "…"; fe.Value != want {
		t.Errorf("Value = %q, want 64 runes and an ellipsis", fe.Value)
	}
}
