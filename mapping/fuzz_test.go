package mapping

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzLoadSpec: LoadSpec never panics; a spec it accepts marshals, loads back equal, and
// compiles (or fails with ErrInvalidSpec) without panicking. Seeds live in
// testdata/fuzz/FuzzLoadSpec.
func FuzzLoadSpec(f *testing.F) {
	f.Add([]byte(fullSpecJSON))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := LoadSpec(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("error does not match ErrInvalidSpec: %v", err)
			}
			return
		}
		out, err := spec.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a loaded spec: %v", err)
		}
		again, err := LoadSpec(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("LoadSpec(MarshalJSON): %v\n%s", err, out)
		}
		if diff := cmp.Diff(spec, again, specCmp); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		m, err := Compile(spec, builtinCatalog(), WithStrict(false))
		if err != nil {
			if !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("Compile error does not match ErrInvalidSpec: %v", err)
			}
			return
		}
		_, _ = m.Apply(employeeRecord())
		_ = Check(m, builtinCatalog()).String()
	})
}
