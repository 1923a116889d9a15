package mapping

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a test leaves a goroutine behind: a Mapper is
// used from many goroutines at once, and none of them may outlive its test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
