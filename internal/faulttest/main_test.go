package faulttest

import (
	"flag"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// rowParallelism is how many matrix rows run at once unless -test.parallel says
// otherwise. Rows spend most of their time waiting (backoff, Retry-After, timeouts), not
// computing, so they overlap well beyond the number of cores.
const rowParallelism = "8"

// TestMain raises the default parallelism for the waiting-bound rows and fails the
// package if any test leaves a goroutine behind: a client's retry, a Streamer's
// prefetch or fan-out, or a fake's handler.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if err := flag.Set("test.parallel", rowParallelism); err != nil {
			os.Exit(2)
		}
	}
	goleak.VerifyTestMain(m)
}
