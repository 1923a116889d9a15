package fakeid_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrisconnect/hrisconnect/internal/fakeid"
)

// TestMix64SplitMix64Sequence checks Mix64 against the published SplitMix64 generator:
// seeded with 0, its state advances by the golden gamma and each output is the
// finaliser of the state.
func TestMix64SplitMix64Sequence(t *testing.T) {
	t.Parallel()
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec}
	var got []uint64
	var state uint64
	for range want {
		state += 0x9e3779b97f4a7c15
		got = append(got, fakeid.Mix64(state))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SplitMix64 outputs (-want +got):\n%s", diff)
	}
	if fakeid.Mix64(0) != 0 {
		t.Errorf("Mix64(0) = %#x, want 0", fakeid.Mix64(0))
	}
}

func TestMix64NoCollisions(t *testing.T) {
	t.Parallel()
	seen := make(map[uint64]uint64, 1<<14)
	for x := range uint64(1 << 14) {
		h := fakeid.Mix64(x)
		if prev, ok := seen[h]; ok {
			t.Fatalf("Mix64(%d) = Mix64(%d) = %#x", x, prev, h)
		}
		seen[h] = x
	}
}

var uuidLayout = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestUUID(t *testing.T) {
	t.Parallel()
	var seq, ones [16]byte
	for i := range seq {
		seq[i] = byte(i)
		ones[i] = 0xff
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"zero", fakeid.UUID([16]byte{}), "00000000-0000-4000-8000-000000000000"},
		{"ones", fakeid.UUID(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff"},
		{"sequence", fakeid.UUID(seq), "00010203-0405-4607-8809-0a0b0c0d0e0f"},
		{"from words", fakeid.UUID64(0x0001020304050607, 0x08090a0b0c0d0e0f), "00010203-0405-4607-8809-0a0b0c0d0e0f"},
		{"from words, high bits", fakeid.UUID64(0xfedcba9876543210, 0x0123456789abcdef), "fedcba98-7654-4210-8123-456789abcdef"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	for n := range uint64(1000) {
		if u := fakeid.UUID64(fakeid.Mix64(n), fakeid.Mix64(^n)); !uuidLayout.MatchString(u) {
			t.Fatalf("UUID64 of %d = %q: not a lower-case version 4 UUID", n, u)
		}
	}
}

func Example() {
	// The id of person 1042 of the company generated from seed 7: the same on every run.
	const seed, person = 7, 1042
	hi := fakeid.Mix64(seed ^ person)
	lo := fakeid.Mix64(hi ^ person)
	fmt.Println(fakeid.UUID64(hi, lo))
	// Output: b4ffa349-d8f5-4480-b2a5-e54fe6572d35
}
