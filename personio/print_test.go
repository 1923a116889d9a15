package personio

import (
	"fmt"
	"strings"
	"testing"
)

// TestValuesHoldingTheClientPrintNoSecret prints a Directory, and a struct holding one,
// with verbs that make fmt print unexported fields by reflection (it cannot call their
// String methods): the client secret must not appear.
func TestValuesHoldingTheClientPrintNoSecret(t *testing.T) {
	t.Parallel()
	c, _ := mockClient(t, nil)
	d := c.Directory(WithV2())
	holder := struct {
		Dir  *Directory
		dir  *Directory
		both [2]*Directory
	}{d, d, [2]*Directory{d, c.Directory()}}
	if got, want := fmt.Sprintf("%+v", d), "personio.Directory{API: v2, Client: "+c.String()+"}"; got != want {
		t.Errorf("%%+v of a Directory = %s, want %s", got, want)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%08.3f"} {
		for name, v := range map[string]any{"*Directory": d, "holder": holder, "*holder": &holder} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testSecret) {
				t.Errorf("Sprintf(%q, %s) reveals the client secret: %.200s", verb, name, out)
			}
		}
	}
}
