package snapshot_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Sync runs against the fake servers: no test may leave a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
