package fakeserver_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a test leaves a goroutine behind (a server, a
// handler stuck in a fault's delay, a client connection).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
