package latticetest

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrisconnect/hrisconnect/unified"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	tests := []string{
		"", "plain", `quote " and backslash \`, "tab\tnewline\nreturn\r", "\x00\x01\x1f\x7f",
		"People & Culture <b>", "Jürgen Müller-Lüdenscheidt", "日本語", "line\u2028para\u2029",
		"bad utf8 \xff\xfe end", "\xc3", "emoji 🙂",
	}
	for _, s := range tests {
		got := appendString(nil, s)
		if !json.Valid(got) {
			t.Errorf("appendString(%q) = %s, not valid JSON", s, got)
			continue
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		want := s
		if !utf8.ValidString(s) {
			want = string([]rune(s)) // invalid bytes become U+FFFD, as in encoding/json
		}
		if back != want {
			t.Errorf("appendString(%q) decodes to %q, want %q", s, back, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\\", "\x00", "\xff", "\u2028", "Müller", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		if !json.Valid(got) {
			t.Fatalf("appendString(%q) = %s, not valid JSON", s, got)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("appendString(%q) decodes to %q", s, back)
		}
	})
}

func TestAppendDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    unified.Date
		want string
	}{
		{unified.Date{}, "null"},
		{unified.NewDate(2021, 3, 1), `"2021-03-01"`},
		{unified.NewDate(999, 12, 31), `"0999-12-31"`},
	}
	for _, tt := range tests {
		if got := string(appendDate(nil, tt.d)); got != tt.want {
			t.Errorf("appendDate(%v) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

// naivePick is the obvious implementation of pick, for comparison.
func naivePick(lists [][]int32, from int32, n int) ([]int32, bool) {
	var all []int32
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	var out []int32
	for _, v := range all {
		if v >= from {
			out = append(out, v)
		}
	}
	if len(out) > n {
		return out[:n], true
	}
	return out, false
}

func TestPickMatchesNaive(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		k := r.IntN(4) + 1
		lists := make([][]int32, k)
		for v := range int32(r.IntN(60)) {
			l := r.IntN(k)
			lists[l] = append(lists[l], v)
		}
		from := int32(r.IntN(70))
		n := r.IntN(20) + 1
		got, gotMore := pick(lists, from, n)
		want, wantMore := naivePick(lists, from, n)
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" || gotMore != wantMore {
			t.Fatalf("pick(%v, %d, %d) more=%v, want more=%v; diff (-want +got):\n%s", lists, from, n, gotMore, wantMore, diff)
		}
	}
}

func TestSegmentPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/v1/departments", "/v1/departments", true},
		{"/v1/departments", "/v1/department/x", false},
		{"/v1/department", "/v1/department/x", true},
		{"/v1/department", "/v1/departments", false},
		{"/v1/user/*/customAttributes", "/v1/user/abc/customAttributes", true},
		{"/v1/user/*/customAttributes", "/v1/user/abc/directReports", false},
		{"/v1/user/*/customAttributes", "/v1/user/abc", false},
		{"/v1", "/v1/me", true},
	}
	for _, tt := range tests {
		if got := segmentPrefix(tt.pattern, tt.path); got != tt.want {
			t.Errorf("segmentPrefix(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
