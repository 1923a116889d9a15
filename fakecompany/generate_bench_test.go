package fakecompany_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/hrisconnect/hrisconnect/fakecompany"
)

func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fakecompany.Generate(1, n, nil)
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	c := fakecompany.Generate(1, 100_000, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPerson(b *testing.B) {
	c := fakecompany.Generate(1, 100_000, nil)
	ids := make([]int, 0, len(c.People))
	for _, p := range c.People {
		ids = append(ids, p.ID)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if c.Person(ids[i%len(ids)]) == nil {
			b.Fatal("not found")
		}
		i += 7919
	}
}

func BenchmarkJSONRoundTrip(b *testing.B) {
	c := fakecompany.Generate(1, 10_000, nil)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := c.WriteJSON(&buf); err != nil {
			b.Fatal(err)
		}
		if _, err := fakecompany.Load(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
