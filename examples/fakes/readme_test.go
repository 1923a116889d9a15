package fakes_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The README's snippet is the body of Example, so that it compiles and its output is
// checked.
func TestReadmeSnippet(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Test your code against the fakes\n")
	_, snippet, ok2 := strings.Cut(section, "```go\n")
	snippet, _, ok3 := strings.Cut(snippet, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no Go snippet under \"## Test your code against the fakes\"")
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(string(src), "func Example() {\n")
	body, _, ok2 = strings.Cut(body, "\n}\n")
	if !ok || !ok2 {
		t.Fatal("example_test.go has no func Example")
	}
	var want []string
	for line := range strings.Lines(body + "\n") {
		want = append(want, strings.TrimPrefix(line, "\t"))
	}
	if diff := cmp.Diff(strings.Join(want, ""), snippet); diff != "" {
		t.Errorf("README.md's snippet differs from Example in examples/fakes/example_test.go (-example +readme):\n%s", diff)
	}
}
