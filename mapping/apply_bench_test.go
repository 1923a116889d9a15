package mapping

import (
	"testing"

	"github.com/hrisconnect/hrisconnect/unified"
)

// benchRecord is a map-backed Record, as an adapter's decoded employee would be: a
// pointer, so that converting it to a Record does not allocate.
type benchRecord struct {
	id   string
	vals map[string]Value
}

func (r *benchRecord) ID() string { return r.id }

func (r *benchRecord) Lookup(key string) (Value, bool) {
	v, ok := r.vals[key]
	return v, ok
}

// benchEmployeeRecord is the fixture employee with a realistic (multi-digit) id.
func benchEmployeeRecord() *benchRecord {
	rec := &benchRecord{id: "1132888", vals: employeeValues()}
	rec.vals["id"] = NumberValue(1132888)
	return rec
}

// BenchmarkApply maps the 35-attribute employee of the fixtures (30 standard attributes,
// 5 custom; relations as KindRef, days as KindDate, timestamps as KindTime, numbers as
// KindNumber) to a fresh unified.User with userSpec, an adapter's kind of default spec,
// compiled against the tenant catalog: 27 fields, 27 lookups.
//
// Allocations per record (go test -bench Apply -benchmem): 4.
//
//	1  the arena behind the five *Ref (department, team, office, legal_entity, manager)
//	   and the two *Date (start_date, birth_date): one allocation for all seven pointers
//	1  "1132888": the text of the numeric employee id (strconv)
//	1  the Custom map, sized for the 5 custom attributes
//	1  the Custom map's slot group (one group holds up to 8 entries; unified.Value is
//	   120 bytes, so the values are stored in the group, not one allocation each)
//
// Nothing else allocates: strings are the record's own (trim and lower return their
// input when there is nothing to change), the display name is the preferred name, and
// the transform chains run on one Value on the stack. Without preferred_name the display
// name fallback joins first and last name into one new string (1 more allocation).
func BenchmarkApply(b *testing.B) {
	m, err := Compile(userSpec(), tenantCatalog())
	if err != nil {
		b.Fatal(err)
	}
	rec := benchEmployeeRecord()
	if len(rec.vals) != 35 {
		b.Fatalf("record has %d attributes, want 35", len(rec.vals))
	}
	b.ReportAllocs()
	for b.Loop() {
		var u unified.User
		if err := m.ApplyUser(rec, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyParallel is BenchmarkApply from GOMAXPROCS goroutines sharing the Mapper.
func BenchmarkApplyParallel(b *testing.B) {
	m, err := Compile(userSpec(), tenantCatalog())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		rec := benchEmployeeRecord()
		for pb.Next() {
			var u unified.User
			if err := m.ApplyUser(rec, &u); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkApplyRecord maps the same employee to another system's import record
// (importSpec, free-form output). Of its 18 allocations, 10 are net/mail parsing
// the two addresses (email and manager); the rest are the Output entries, the joined
// name, the two dates as text, lower-casing the manager's mixed-case address and the
// id's text.
func BenchmarkApplyRecord(b *testing.B) {
	m, err := Compile(importSpec(), tenantCatalog())
	if err != nil {
		b.Fatal(err)
	}
	rec := benchEmployeeRecord()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Apply(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile is the one-time cost of resolving and building the default preset.
func BenchmarkCompile(b *testing.B) {
	cat := tenantCatalog()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(userSpec(), cat); err != nil {
			b.Fatal(err)
		}
	}
}
