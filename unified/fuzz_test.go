package unified_test

import (
	"errors"
	"testing"

	"github.com/hrisconnect/hrisconnect/unified"
)

// FuzzDateUnmarshalJSON decodes arbitrary JSON as a Date: errors match ErrInvalidValue,
// and a decoded Date is zero or valid, and survives MarshalJSON and UnmarshalJSON.
func FuzzDateUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`"1990-01-01"`, `"1990-01-01T00:00:00+01:00"`, `"2014-11-08T23:00:00.000Z"`, `null`, `""`,
		`"\u0031990-01-01"`, `"2021-02-30"`, `19900101`, ` "2000-02-29" `, `"0000-01-01"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d unified.Date
		if err := d.UnmarshalJSON(b); err != nil {
			if !errors.Is(err, unified.ErrInvalidValue) {
				t.Fatalf("UnmarshalJSON(%q): error does not wrap ErrInvalidValue: %v", b, err)
			}
			return
		}
		if !d.IsZero() && !d.IsValid() {
			t.Fatalf("UnmarshalJSON(%q) = %#v, not a calendar day", b, d)
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%v): %v", d, err)
		}
		var back unified.Date
		if err := back.UnmarshalJSON(out); err != nil || back != d {
			t.Fatalf("round trip of %v via %s gave %v, %v", d, out, back, err)
		}
	})
}
