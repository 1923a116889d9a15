package fakecompany

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrisconnect/hrisconnect/unified"
)

func TestASCIIFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Jürgen", "juergen"},
		{"Müller", "mueller"},
		{"Zoë", "zoe"},
		{"Nuñez", "nunez"},
		{"Groß", "gross"},
		{"Łukasz", "lukasz"},
		{"Dvořák", "dvorak"},
		{"O'Brien", "obrien"},
		{"de Vries", "devries"},
		{"Schmidt-Weber", "schmidt-weber"},
		{"Siobhán", "siobhan"},
		{"Yılmaz", "yilmaz"},
		{"Øberg", "oberg"},
		{"李", ""},
	}
	for _, tt := range tests {
		if got := asciiFold(tt.in); got != tt.want {
			t.Errorf("asciiFold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every name in the tables must fold to a non-empty ASCII email part.
func TestNameTablesFold(t *testing.T) {
	t.Parallel()
	var names []string
	for _, pool := range [][]firstName{germanFirst, europeanFirst, internationalFirst} {
		for _, f := range pool {
			names = append(names, f.name)
		}
	}
	names = append(names, germanLast...)
	names = append(names, europeanLast...)
	names = append(names, internationalLast...)
	names = append(names, companyNames...)
	for _, n := range names {
		f := asciiFold(strings.ReplaceAll(n, " ", ""))
		if f == "" {
			t.Errorf("%q folds to nothing", n)
		}
		for _, r := range f {
			if r > 0x7f {
				t.Errorf("%q folds to non-ASCII %q", n, f)
			}
		}
		// Every letter of the name must survive folding: no silently dropped characters.
		letters := 0
		for _, r := range strings.ToLower(n) {
			if r != ' ' && r != '\'' {
				letters++
			}
		}
		if len(f) < letters {
			t.Errorf("%q folds to %q: letters were dropped", n, f)
		}
	}
}

func TestDayNumber(t *testing.T) {
	t.Parallel()
	start := time.Date(1895, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 200*366; d += 7 {
		tm := start.AddDate(0, 0, d)
		date := unified.DateOf(tm)
		want := int(tm.Unix() / 86400)
		if tm.Unix() < 0 && tm.Unix()%86400 != 0 {
			want--
		}
		if got := dayNumber(date); got != want {
			t.Fatalf("dayNumber(%s) = %d, want %d", date, got, want)
		}
		if got := dateFromDayNumber(want); got != date {
			t.Fatalf("dateFromDayNumber(%d) = %s, want %s", want, got, date)
		}
	}
}

func TestAddMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   unified.Date
		n    int
		want unified.Date
	}{
		{unified.NewDate(2023, 1, 15), 6, unified.NewDate(2023, 7, 15)},
		{unified.NewDate(2023, 8, 31), 6, unified.NewDate(2024, 2, 29)},
		{unified.NewDate(2022, 8, 31), 6, unified.NewDate(2023, 2, 28)},
		{unified.NewDate(2023, 12, 31), 6, unified.NewDate(2024, 6, 30)},
		{unified.NewDate(2024, 2, 29), -12, unified.NewDate(2023, 2, 28)},
		{unified.NewDate(2024, 3, 10), -3, unified.NewDate(2023, 12, 10)},
	}
	for _, tt := range tests {
		if got := addMonths(tt.in, tt.n); got != tt.want {
			t.Errorf("addMonths(%s, %d) = %s, want %s", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestUUIDLayout(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for kind := uint64(1); kind <= 3; kind++ {
		for n := uint64(0); n < 2000; n++ {
			u := uuidFrom(99, kind, n)
			if !isUUID(u) || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) || u != strings.ToLower(u) {
				t.Fatalf("uuidFrom(99, %d, %d) = %q: not a lower-case version 4 UUID", kind, n, u)
			}
			if seen[u] {
				t.Fatalf("uuidFrom(99, %d, %d) = %q repeats", kind, n, u)
			}
			seen[u] = true
		}
	}
	if uuidFrom(1, uuidPerson, 5) == uuidFrom(2, uuidPerson, 5) {
		t.Error("the seed does not change the UUID")
	}
}

// IBANs must carry valid ISO 7064 check digits, checked here with big integers.
func TestIBANCheckDigits(t *testing.T) {
	t.Parallel()
	r := newRNG(1, 1)
	for i := range 500 {
		var s string
		if i%2 == 0 {
			s = ibanDE(r)
		} else {
			s = ibanGB(r)
		}
		compact := strings.ReplaceAll(s, " ", "")
		wantLen := map[string]int{"DE": 22, "GB": 22}[compact[:2]]
		if len(compact) != wantLen {
			t.Fatalf("%q has length %d, want %d", s, len(compact), wantLen)
		}
		rearranged := compact[4:] + compact[:4]
		var digits strings.Builder
		for _, c := range rearranged {
			if c >= 'A' && c <= 'Z' {
				digits.WriteString(big.NewInt(int64(c - 'A' + 10)).String())
			} else {
				digits.WriteRune(c)
			}
		}
		v, _ := new(big.Int).SetString(digits.String(), 10)
		if m := new(big.Int).Mod(v, big.NewInt(97)); m.Int64() != 1 {
			t.Fatalf("%q: mod 97 = %d, want 1", s, m.Int64())
		}
	}
}

func TestApportion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		total   int
		weights []int
		want    []int
	}{
		{0, []int{1, 2}, []int{0, 0}},
		{10, []int{1, 1}, []int{5, 5}},
		{3, []int{30, 18, 14, 8}, []int{1, 1, 1, 0}}, // quotas 1.29, 0.77, 0.60, 0.34
		{7, []int{0, 0}, []int{0, 0}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, apportion(tt.total, tt.weights)); diff != "" {
			t.Errorf("apportion(%d, %v) (-want +got):\n%s", tt.total, tt.weights, diff)
		}
	}
}

func TestRNGIntnBounds(t *testing.T) {
	t.Parallel()
	r := newRNG(5, 0)
	counts := make([]int, 7)
	for range 70000 {
		counts[r.intn(7)]++
	}
	for i, c := range counts {
		if c < 9000 || c > 11000 {
			t.Errorf("intn(7) gave %d %d times out of 70000", i, c)
		}
	}
	if r.intn(0) != 0 || r.between(5, 3) != 5 {
		t.Error("degenerate ranges are not handled")
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	for _, d := range []unified.Date{
		unified.NewDate(2026, 6, 1), unified.NewDate(1999, 12, 31), unified.NewDate(2000, 2, 29), unified.NewDate(987, 1, 9),
	} {
		if got, want := formatDate(d), d.String(); got != want {
			t.Errorf("formatDate(%v) = %q, want %q", d, got, want)
		}
	}
}
