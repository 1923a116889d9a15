//go:build !linux

package fakeserver

import (
	"context"
	"time"
)

// timerfdSleep is the Linux precise wait; elsewhere the caller waits on a Go timer.
func timerfdSleep(context.Context, time.Duration) (ok, handled bool) { return false, false }
