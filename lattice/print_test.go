package lattice_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hrisconnect/hrisconnect/lattice"
)

// TestValuesHoldingTheClientPrintNoKey prints a Directory, and a struct holding one,
// with verbs that make fmt print unexported fields by reflection (it cannot call their
// String methods): the API key must not appear.
func TestValuesHoldingTheClientPrintNoKey(t *testing.T) {
	t.Parallel()
	c, err := lattice.New(lattice.Config{APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	d := c.Directory()
	holder := struct {
		Dir *lattice.Directory
		dir *lattice.Directory
		c   *lattice.Client
	}{d, d, c}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%08.3f"} {
		for name, v := range map[string]any{"*Directory": d, "holder": holder, "*holder": &holder} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testKey) {
				t.Errorf("Sprintf(%q, %s) reveals the API key: %.200s", verb, name, out)
			}
		}
	}
}
