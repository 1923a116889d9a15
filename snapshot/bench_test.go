package snapshot_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/snapshot"
	"github.com/hrisconnect/hrisconnect/unified"
)

// synthReload returns users as a nightly job would have them: written to a snapshot and
// read back, so that no record shares memory with another read.
func synthReload(b *testing.B, users []unified.User) []unified.User {
	b.Helper()
	var file bytes.Buffer
	if err := snapshot.Write(&file, &snapshot.Snapshot{Provider: "synth", Users: users}); err != nil {
		b.Fatal(err)
	}
	out, err := snapshot.Read(&file)
	if err != nil {
		b.Fatal(err)
	}
	return out.Users
}

// BenchmarkDiff compares two reads of a company of 100 000 people, between which 5% left,
// 5% moved, 5% had another change and 5% joined. Both reads are loaded from snapshots,
// as in a nightly job.
func BenchmarkDiff(b *testing.B) {
	users := synth.Generate(synth.Options{N: 100_000, Seed: 71}).Users
	evolved, _, _, _, _ := synthEvolve(users, 20)
	before, after := synthReload(b, users), synthReload(b, evolved)
	b.ReportAllocs()
	for b.Loop() {
		if c := diffUsers(b, before, after, snapshot.AsOf(synthDay)); len(c.Moved) == 0 {
			b.Fatal("no moves")
		}
	}
}

// BenchmarkDiffShuffled is BenchmarkDiff with the second read in another order, as a
// provider may list users in any order.
func BenchmarkDiffShuffled(b *testing.B) {
	users := synth.Generate(synth.Options{N: 100_000, Seed: 72}).Users
	evolved, _, _, _, _ := synthEvolve(users, 20)
	before, after := synthReload(b, users), synthReload(b, synth.Shuffle(evolved, 3))
	b.ReportAllocs()
	for b.Loop() {
		if c := diffUsers(b, before, after, snapshot.AsOf(synthDay)); len(c.Moved) == 0 {
			b.Fatal("no moves")
		}
	}
}

func BenchmarkSnapshot(b *testing.B) {
	s := &snapshot.Snapshot{Provider: "synth", Users: synth.Generate(synth.Options{N: 10_000, Seed: 65}).Users}
	var file bytes.Buffer
	if err := snapshot.Write(&file, s); err != nil {
		b.Fatal(err)
	}
	data := file.Bytes()
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if err := snapshot.Write(io.Discard, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for _, err := range snapshot.NewReader(bytes.NewReader(data)).Users() {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
