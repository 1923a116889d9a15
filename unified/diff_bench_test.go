package unified_test

import (
	"bytes"
	"testing"

	"github.com/hrisconnect/hrisconnect/unified"
)

// synthReload returns users as a nightly job would have them: written to a snapshot and
// read back, so that no record shares memory with another read.
func synthReload(b *testing.B, users []unified.User) []unified.User {
	b.Helper()
	var file bytes.Buffer
	if _, err := unified.WriteSnapshot(&file, synthSeq(users)); err != nil {
		b.Fatal(err)
	}
	out, err := unified.LoadSnapshot(&file)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkDiff compares two reads of a company of 100 000 people, between which 5% left,
// 5% moved, 5% had another change and 5% joined. Both reads are loaded from snapshots,
// as in a nightly job.
func BenchmarkDiff(b *testing.B) {
	users := synthGenerate(synthOptions{N: 100_000, Seed: 71}).Users
	evolved, _, _, _, _ := synthEvolve(users, 20)
	before, after := synthReload(b, users), synthReload(b, evolved)
	b.ReportAllocs()
	for b.Loop() {
		if c := unified.Diff(before, after, unified.AsOf(synthDay)); len(c.Moved) == 0 {
			b.Fatal("no moves")
		}
	}
}

// BenchmarkDiffShuffled is BenchmarkDiff with the second read in another order, as a
// provider may list users in any order.
func BenchmarkDiffShuffled(b *testing.B) {
	users := synthGenerate(synthOptions{N: 100_000, Seed: 72}).Users
	evolved, _, _, _, _ := synthEvolve(users, 20)
	before, after := synthReload(b, users), synthReload(b, synthShuffle(evolved, 3))
	b.ReportAllocs()
	for b.Loop() {
		if c := unified.Diff(before, after, unified.AsOf(synthDay)); len(c.Moved) == 0 {
			b.Fatal("no moves")
		}
	}
}
