package mapping

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/presets")

// TestPresetGolden keeps the JSON form of each preset in testdata/presets, so that every
// change to a preset shows up as a reviewable diff of the mapping table. Run
// `go test -run TestPresetGolden -update` after an intended change.
func TestPresetGolden(t *testing.T) {
	for name, spec := range map[string]*Spec{
		"personio_to_unified": PersonioToUnified(),
		"lattice_to_unified":  LatticeToUnified(),
		"personio_to_lattice": PersonioToLattice(),
	} {
		data, err := spec.MarshalJSON()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, data, "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		path := filepath.Join("testdata", "presets", name+".json")
		if *update {
			if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", name, err)
		}
		if !bytes.Equal(want, pretty.Bytes()) {
			t.Errorf("%s differs from %s; run with -update if the change is intended:\n%s", name, path, pretty.Bytes())
		}
		// The golden file is itself a valid spec.
		if _, err := LoadSpec(bytes.NewReader(want)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}
