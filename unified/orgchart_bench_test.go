package unified_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/hrisconnect/hrisconnect/unified"
)

func BenchmarkBuildOrgChart(b *testing.B) {
	users := synthGenerate(synthOptions{N: 100_000, Seed: 61, Cycles: []int{3, 5}, Orphans: 10, InactiveManagers: 5}).Users
	b.ReportAllocs()
	for b.Loop() {
		if c := unified.BuildOrgChart(users); c.Len() != len(users) {
			b.Fatal(c.Len())
		}
	}
}

func BenchmarkBuildOrgChartChain(b *testing.B) {
	users := synthChain(100_000, true)
	b.ReportAllocs()
	for b.Loop() {
		unified.BuildOrgChart(users)
	}
}

func BenchmarkWriteSVG500(b *testing.B) {
	c := unified.BuildOrgChart(synthGenerate(synthOptions{N: 500, Seed: 62}).Users)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteSVG(io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLayout100k(b *testing.B) {
	c := unified.BuildOrgChart(synthGenerate(synthOptions{N: 100_000, Seed: 63}).Users)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Layout(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteDOT100k(b *testing.B) {
	c := unified.BuildOrgChart(synthGenerate(synthOptions{N: 100_000, Seed: 64}).Users)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteDOT(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshot(b *testing.B) {
	users := synthGenerate(synthOptions{N: 10_000, Seed: 65}).Users
	var file bytes.Buffer
	if _, err := unified.WriteSnapshot(&file, synthSeq(users)); err != nil {
		b.Fatal(err)
	}
	data := file.Bytes()
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := unified.WriteSnapshot(io.Discard, synthSeq(users)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for _, err := range unified.ReadSnapshot(bytes.NewReader(data)) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
