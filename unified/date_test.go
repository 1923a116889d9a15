package unified_test

import (
	"encoding"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    unified.Date
		wantErr bool
	}{
		{in: "1990-01-01", want: unified.NewDate(1990, time.January, 1)},
		// The day as written, never shifted by the zone.
		{in: "1990-01-01T00:00:00+01:00", want: unified.NewDate(1990, time.January, 1)},
		{in: "1990-01-01T23:59:59-11:00", want: unified.NewDate(1990, time.January, 1)},
		{in: "2014-11-08T23:00:00.000Z", want: unified.NewDate(2014, time.November, 8)},
		{in: "2022-12-24T08:15:30", want: unified.NewDate(2022, time.December, 24)},
		{in: "2022-12-24 08:15:30", want: unified.NewDate(2022, time.December, 24)},
		{in: "2024-02-29", want: unified.NewDate(2024, time.February, 29)},
		{in: "2023-02-29", wantErr: true},
		{in: "2023-13-01", wantErr: true},
		{in: "0000-01-01", wantErr: true},
		{in: "1990-1-1", wantErr: true},
		{in: "01.02.1990", wantErr: true},
		{in: "1990-01-01T25:00:00Z", wantErr: true},
		{in: "1990-01-01Tgarbage", wantErr: true},
		{in: "1990-01-01X", wantErr: true},
		{in: "", wantErr: true},
		{in: "１９９０-01-01", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := unified.ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, unified.ErrInvalidValue) {
					t.Fatalf("ParseDate(%q) error = %v, want ErrInvalidValue", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// A timestamp at midnight east of UTC must decode as the day written in it, and round-trip.
func TestDateJSONKeepsCalendarDay(t *testing.T) {
	t.Parallel()
	var d unified.Date
	if err := json.Unmarshal([]byte(`"1990-01-01T00:00:00+01:00"`), &d); err != nil {
		t.Fatal(err)
	}
	if want := unified.NewDate(1990, time.January, 1); d != want {
		t.Fatalf("decoded %v, want %v", d, want)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `"1990-01-01"` {
		t.Fatalf("marshalled %s, want \"1990-01-01\"", b)
	}
	var back unified.Date
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != d {
		t.Fatalf("round-trip gave %v, want %v", back, d)
	}
}

func TestDateJSONForms(t *testing.T) {
	t.Parallel()
	type rec struct {
		D  unified.Date  `json:"d"`
		P  *unified.Date `json:"p"`
		OZ unified.Date  `json:"oz,omitzero"`
	}
	tests := []struct {
		name    string
		in      string
		want    rec
		wantErr bool
	}{
		{name: "null", in: `{"d":null,"p":null}`, want: rec{}},
		{name: "empty string", in: `{"d":""}`, want: rec{}},
		{name: "pointer", in: `{"p":"2020-02-02"}`, want: rec{P: &unified.Date{Year: 2020, Month: 2, Day: 2}}},
		{name: "escaped", in: `{"d":"\u0032020-02-02"}`, want: rec{D: unified.NewDate(2020, 2, 2)}},
		{name: "number", in: `{"d":20200202}`, wantErr: true},
		{name: "bad day", in: `{"d":"2020-02-31"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got rec
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}

	b, err := json.Marshal(rec{})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"d":null,"p":null}` {
		t.Errorf("zero record marshalled as %s", b)
	}
	if _, err := json.Marshal(rec{D: unified.NewDate(2021, 2, 30)}); !errors.Is(err, unified.ErrInvalidValue) {
		t.Errorf("marshalling an invalid date: err = %v, want ErrInvalidValue", err)
	}
}

func TestDateInConvertsInstantToZone(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	instant := time.Date(2014, time.November, 8, 23, 0, 0, 0, time.UTC)
	if got, want := unified.DateIn(instant, berlin), unified.NewDate(2014, time.November, 9); got != want {
		t.Errorf("DateIn = %v, want %v", got, want)
	}
	if got, want := unified.DateOf(instant), unified.NewDate(2014, time.November, 8); got != want {
		t.Errorf("DateOf = %v, want %v", got, want)
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	d := unified.NewDate(2024, time.February, 28)
	if got := d.AddDays(1); got != unified.NewDate(2024, time.February, 29) {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := d.AddDays(2); got != unified.NewDate(2024, time.March, 1) {
		t.Errorf("AddDays(2) = %v", got)
	}
	if got := d.AddDays(-59); got != unified.NewDate(2023, time.December, 31) {
		t.Errorf("AddDays(-59) = %v", got)
	}
	cases := []struct {
		a, b unified.Date
		want int
	}{
		{unified.NewDate(2024, 1, 1), unified.NewDate(2024, 1, 1), 0},
		{unified.NewDate(2024, 1, 1), unified.NewDate(2024, 1, 2), -1},
		{unified.NewDate(2024, 2, 1), unified.NewDate(2024, 1, 31), 1},
		{unified.NewDate(2023, 12, 31), unified.NewDate(2024, 1, 1), -1},
	}
	for _, c := range cases {
		if got := c.a.Compare(c.b); got != c.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", c.a, c.b, got, c.want)
		}
		if c.a.Before(c.b) != (c.want < 0) || c.a.After(c.b) != (c.want > 0) {
			t.Errorf("Before/After disagree with Compare for %v, %v", c.a, c.b)
		}
	}
	if got := unified.NewDate(2024, 3, 31).Time(nil); !got.Equal(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(nil) = %v", got)
	}
	if s := (unified.Date{}).String(); s != "" {
		t.Errorf("zero Date String() = %q", s)
	}
	if s := unified.NewDate(7, 3, 4).String(); s != "0007-03-04" {
		t.Errorf("String() = %q, want zero-padded", s)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1990-01-01", "1990-01-01T00:00:00+01:00", "2014-11-08T23:00:00.000Z", "2022-12-24 08:15:30", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := unified.ParseDate(s)
		if err != nil {
			if !errors.Is(err, unified.ErrInvalidValue) {
				t.Fatalf("error does not wrap ErrInvalidValue: %v", err)
			}
			return
		}
		if !d.IsValid() {
			t.Fatalf("ParseDate(%q) returned invalid date %+v", s, d)
		}
		// The day as written is the first ten bytes of the input.
		if d.String() != s[:10] {
			t.Fatalf("ParseDate(%q) = %v, want the written day %q", s, d, s[:10])
		}
		back, err := unified.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("round-trip of %v failed: %v, %v", d, back, err)
		}
	})
}

func TestDateStringPadding(t *testing.T) {
	tests := []struct {
		d    unified.Date
		want string
	}{
		{unified.NewDate(2024, 1, 2), "2024-01-02"},
		{unified.NewDate(1, 12, 31), "0001-12-31"},
		{unified.NewDate(999, 10, 10), "0999-10-10"},
		{unified.NewDate(12345, 1, 1), "12345-01-01"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = unified.NewDate(2024, 1, 2).String() }); n > 1 {
		t.Errorf("String allocates %v times, want at most 1", n)
	}
}

var _ encoding.TextAppender = unified.Date{}

func TestDateAppendText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		d       unified.Date
		want    string
		wantErr bool
	}{
		{name: "day", d: unified.NewDate(2024, 2, 29), want: "id=2024-02-29"},
		{name: "padded", d: unified.NewDate(7, 3, 4), want: "id=0007-03-04"},
		{name: "zero appends nothing", d: unified.Date{}, want: "id="},
		{name: "not a day", d: unified.NewDate(2023, 2, 29), wantErr: true},
		{name: "month 13", d: unified.NewDate(2023, 13, 1), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.d.AppendText([]byte("id="))
			if tt.wantErr {
				if !errors.Is(err, unified.ErrInvalidValue) {
					t.Fatalf("AppendText(%#v) = %q, %v; want ErrInvalidValue", tt.d, got, err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("AppendText(%#v) = %q, %v; want %q", tt.d, got, err, tt.want)
			}
			m, err := tt.d.MarshalText()
			if err != nil || "id="+string(m) != tt.want {
				t.Errorf("MarshalText(%#v) = %q, %v; want what AppendText appends", tt.d, m, err)
			}
		})
	}
}

// TestDateAppendTextAllocs is not parallel: AllocsPerRun must run alone.
func TestDateAppendTextAllocs(t *testing.T) {
	buf := make([]byte, 0, 32)
	if n := testing.AllocsPerRun(100, func() { _, _ = unified.NewDate(2024, 1, 2).AppendText(buf) }); n != 0 {
		t.Errorf("AppendText into a large enough buffer allocates %v times, want 0", n)
	}
}

// A long invalid input is quoted shortened in the error, without splitting a character.
func TestParseDateErrorClipsOnRuneBoundary(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("é", 40) // 80 bytes, beyond the 64 quoted
	_, err := unified.ParseDate(in)
	if !errors.Is(err, unified.ErrInvalidValue) {
		t.Fatalf("err = %v, want ErrInvalidValue", err)
	}
	msg := err.Error()
	if !utf8.ValidString(msg) {
		t.Errorf("error message is not valid UTF-8: %q", msg)
	}
	if strings.Contains(msg, in) || !strings.Contains(msg, "…") {
		t.Errorf("error message does not shorten the input: %q", msg)
	}
}

// TestDateIsValid checks IsValid on every day-of-month from 0 to 32 of every month of
// years 1 to 9999 against time.Date, which normalises a day that does not exist into the
// next month; and the bounds of the year and month.
func TestDateIsValid(t *testing.T) {
	t.Parallel()
	for y := 1; y <= 9999; y++ {
		for m := time.January; m <= time.December; m++ {
			for d := 0; d <= 32; d++ {
				tm := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
				want := d >= 1 && tm.Month() == m && tm.Day() == d
				if got := unified.NewDate(y, m, d).IsValid(); got != want {
					t.Fatalf("NewDate(%d, %d, %d).IsValid() = %v, want %v", y, m, d, got, want)
				}
			}
		}
	}
	for _, d := range []unified.Date{
		{}, {Year: 0, Month: 1, Day: 1}, {Year: 10000, Month: 1, Day: 1},
		{Year: 2024, Month: 0, Day: 1}, {Year: 2024, Month: 13, Day: 1}, {Year: 2024, Month: 1, Day: -1},
	} {
		if d.IsValid() {
			t.Errorf("%+v.IsValid() = true, want false", d)
		}
	}
}
