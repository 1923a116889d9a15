package personiotest

import (
	"testing"
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// TestBuiltinZoneMatchesIANA checks the built-in Central European rules, used when the
// machine has no time zone data, against the IANA database for every day from 1960 to
// 2060 and for instants around every clock change.
func TestBuiltinZoneMatchesIANA(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	iana, builtin := zone{loc: berlin}, zone{}
	for d := unified.NewDate(1960, 1, 1); d.Year < 2061; d = d.AddDays(1) {
		if got, want := builtin.midnight(d), iana.midnight(d); !got.Equal(want) {
			t.Fatalf("midnight of %v: built-in %v, IANA %v", d, got.UTC(), want.UTC())
		}
	}
	for ts := time.Date(1979, 1, 1, 0, 0, 0, 0, time.UTC); ts.Year() < 2061; ts = ts.Add(30 * time.Minute) {
		_, want := ts.In(berlin).Zone()
		_, got := builtin.local(ts).Zone()
		if got != want {
			t.Fatalf("offset at %v: built-in %d, IANA %d", ts, got, want)
		}
		if ts.Month() == time.May || ts.Month() == time.December {
			ts = ts.AddDate(0, 1, 0) // no changes in these stretches; keep the test fast
		}
	}
}

func TestParseTimeBuiltinZone(t *testing.T) {
	t.Parallel()
	s := &Server{zone: zone{}}
	for in, want := range map[string]time.Time{
		"2022-12-24T08:15:30":       time.Date(2022, 12, 24, 7, 15, 30, 0, time.UTC),
		"2022-07-24T08:15:30":       time.Date(2022, 7, 24, 6, 15, 30, 0, time.UTC),
		"2022-07-24":                time.Date(2022, 7, 23, 22, 0, 0, 0, time.UTC),
		"2022-07-24T08:15:30Z":      time.Date(2022, 7, 24, 8, 15, 30, 0, time.UTC),
		"2022-07-24T08:15:30 02:00": time.Date(2022, 7, 24, 6, 15, 30, 0, time.UTC),
	} {
		got, ok := s.parseTime(in, true)
		if !ok || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := s.parseTime("2022-07-24T08:15:30", false); ok {
		t.Error("a zone-less time was accepted where RFC 3339 is required")
	}
}

func TestAbbreviation(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Engineering": "ENG", "Customer Support": "CS", "People & Culture": "PC", "IT": "IT", "": "", "Ökonomie": "ÖKO",
		"UK & Ireland": "UI",
	} {
		if got := abbreviation(in); got != want {
			t.Errorf("abbreviation(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCursorStoreEvictsOldest(t *testing.T) {
	t.Parallel()
	cs := newCursorStore(3)
	var keys []string
	for i := range 5 {
		keys = append(keys, cs.put(&cursorState{pos: i}))
	}
	for i, k := range keys {
		st := cs.get(k)
		if live := i >= 2; (st != nil) != live || (live && st.pos != i) {
			t.Errorf("cursor %d (%s): %+v, want live=%v", i, k, st, live)
		}
	}
	again := cs.get(keys[4])
	if k := cs.put(again); k != keys[4] {
		t.Errorf("re-putting a named state gave a new key %q", k)
	}
	if seen, _ := dedupeStrings(keys); seen != len(keys) {
		t.Error("cursor keys repeat")
	}
}

func dedupeStrings(s []string) (int, bool) {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return len(m), len(m) == len(s)
}
