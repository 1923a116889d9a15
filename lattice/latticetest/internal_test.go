package latticetest

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

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
