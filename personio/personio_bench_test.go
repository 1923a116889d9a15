package personio

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/personio/personiotest"
	"github.com/hrisconnect/hrisconnect/unified"
)

// fetchPage returns the raw JSON of one page of limit employees as the fake renders it,
// every attribute included.
func fetchPage(b *testing.B, srv *personiotest.Server, limit int) []byte {
	b.Helper()
	c := fakeClient(b, srv, nil)
	tok, err := c.v1tok.get(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL+"/v1/company/employees?offset=0&limit="+itoa(limit), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := srv.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// BenchmarkDecodeMapV1 decodes a page of 100 realistic employees and maps them to
// unified.User with the default mapping, and compares that with plain encoding/json
// decoding of the same page into structs holding each attribute's raw value (metric
// x_plain; below 1 means decoding and mapping is faster than encoding/json alone).
func BenchmarkDecodeMapV1(b *testing.B) {
	srv := personiotest.NewServer(personiotest.WithGenerated(1, 100))
	defer srv.Close()
	body := fetchPage(b, srv, 100)
	d := fakeClient(b, srv, nil).Directory()
	s, err := d.ready(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	// The baseline: what a client without the scanner does, encoding/json into plain
	// structs with the raw value of every attribute.
	type plainAttr struct {
		Label       string          `json:"label"`
		Type        string          `json:"type"`
		UniversalID *string         `json:"universal_id"`
		Value       json.RawMessage `json:"value"`
	}
	type plainResp struct {
		Data []struct {
			Type       string               `json:"type"`
			Attributes map[string]plainAttr `json:"attributes"`
		} `json:"data"`
		Metadata struct {
			TotalElements int `json:"total_elements"`
		} `json:"metadata"`
	}
	plain := func() {
		var resp plainResp
		if err := json.Unmarshal(body, &resp); err != nil {
			b.Fatal(err)
		}
	}
	full := func() int {
		pg, err := parseEmployeesPage(body, false)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for i := range pg.data {
			e, err := newEmployee(&pg.data[i], nil, d.c.loc)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.mapRecord(s, EmployeeRecord(&e, d.c.loc), nil); err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	}
	const probe = 30
	start := time.Now()
	for range probe {
		plain()
	}
	plainPer := time.Since(start) / probe
	start = time.Now()
	for range probe {
		full()
	}
	fullPer := time.Since(start) / probe

	b.ReportAllocs()
	b.ResetTimer()
	users := 0
	for b.Loop() {
		users += full()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(users), "ns/user")
	b.ReportMetric(float64(fullPer)/float64(plainPer), "x_plain")
}

// BenchmarkSyncPersonioV1 lists N users through unified.Users against the fake with a
// fixed latency, and reports the ratio to the floor of issue 8 (x_floor): for parallel
// offset pages, max(⌈N/P⌉·L/C, ⌈N/P⌉/R), plus the first page, which is read alone.
func BenchmarkSyncPersonioV1(b *testing.B) {
	const (
		n       = 10000
		pageLen = 100
		latency = 20 * time.Millisecond
		conc    = 4
	)
	srv := personiotest.NewServer(personiotest.WithGenerated(1, n), personiotest.WithLatency(latency))
	defer srv.Close()
	c := fakeClient(b, srv, nil)
	d := c.Directory(WithConcurrency(conc))
	if _, err := d.Catalog(b.Context()); err != nil {
		b.Fatal(err)
	}
	pages := math.Ceil(float64(n) / pageLen)
	floor := time.Duration(float64(latency) * (1 + math.Ceil((pages-1)/conc)))
	b.ResetTimer()
	for b.Loop() {
		got := 0
		for _, err := range unified.Users(b.Context(), d, nil) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatalf("%d users", got)
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(floor), "x_floor")
	b.ReportMetric(float64(per.Milliseconds()), "ms/sync")
}

// BenchmarkSyncPersonioV2 does the same in v2 mode (a cursor chain of 50 persons with one
// employment request each, fanned out), where the floor is one round trip for the page
// plus ⌈50/C⌉ for its employments, per page, minus what the prefetch overlaps.
func BenchmarkSyncPersonioV2(b *testing.B) {
	const (
		n       = 1000
		latency = 20 * time.Millisecond
		conc    = 8
	)
	srv := personiotest.NewServer(personiotest.WithGenerated(1, n), personiotest.WithLatency(latency))
	defer srv.Close()
	d := fakeClient(b, srv, nil).Directory(WithV2(), WithConcurrency(conc))
	b.ResetTimer()
	for b.Loop() {
		got := 0
		for _, err := range unified.Users(b.Context(), d, nil) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatalf("%d users", got)
		}
	}
	pages := math.Ceil(n / float64(MaxPersonsLimit))
	floor := time.Duration(pages * float64(latency) * (1 + math.Ceil(float64(MaxPersonsLimit)/conc)))
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(floor), "x_floor")
	b.ReportMetric(float64(per.Milliseconds()), "ms/sync")
}
