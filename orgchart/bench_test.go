package orgchart_test

import (
	"io"
	"testing"

	"github.com/hrisconnect/hrisconnect/internal/synth"
	"github.com/hrisconnect/hrisconnect/orgchart"
)

func BenchmarkBuild(b *testing.B) {
	users := synth.Generate(synth.Options{N: 100_000, Seed: 61, Cycles: []int{3, 5}, Orphans: 10, InactiveManagers: 5}).Users
	b.ReportAllocs()
	for b.Loop() {
		if c := orgchart.Build(users); c.Len() != len(users) {
			b.Fatal(c.Len())
		}
	}
}

func BenchmarkBuildChain(b *testing.B) {
	users := synth.Chain(100_000, true)
	b.ReportAllocs()
	for b.Loop() {
		orgchart.Build(users)
	}
}

func BenchmarkWriteSVG500(b *testing.B) {
	c := orgchart.Build(synth.Generate(synth.Options{N: 500, Seed: 62}).Users)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteSVG(io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLayout100k(b *testing.B) {
	c := orgchart.Build(synth.Generate(synth.Options{N: 100_000, Seed: 63}).Users)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Layout(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteDOT100k(b *testing.B) {
	c := orgchart.Build(synth.Generate(synth.Options{N: 100_000, Seed: 64}).Users)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteDOT(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
