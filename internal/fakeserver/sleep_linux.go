//go:build linux

package fakeserver

import (
	"context"
	"os"
	"syscall"
	"time"
	"unsafe"
)

const (
	clockMonotonic = 1       // CLOCK_MONOTONIC
	tfdNonblock    = 0x800   // TFD_NONBLOCK (O_NONBLOCK)
	tfdCloexec     = 0x80000 // TFD_CLOEXEC (O_CLOEXEC)
)

// itimerspec is the kernel's struct itimerspec.
type itimerspec struct {
	interval, value syscall.Timespec
}

// timerfdSleep waits d on a timerfd that the network poller watches, so the wait ends
// when d has passed and not up to a millisecond later: an idle Go process waits for its
// own timers in whole milliseconds (the poller's timeout). ok is false when ctx ended
// first; handled is false when no timerfd could be made and the caller must wait itself.
func timerfdSleep(ctx context.Context, d time.Duration) (ok, handled bool) {
	end := time.Now().Add(d)
	fd, _, errno := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, tfdNonblock|tfdCloexec, 0)
	if errno != 0 {
		return false, false
	}
	spec := itimerspec{value: syscall.NsecToTimespec(int64(d))}
	if _, _, errno := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); errno != 0 {
		_ = syscall.Close(int(fd))
		return false, false
	}
	f := os.NewFile(fd, "timerfd")
	defer f.Close()
	stop := context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var expirations [8]byte
	if _, err := f.Read(expirations[:]); err != nil {
		if ctx.Err() != nil {
			return false, true
		}
		// Not pollable after all (the read would have blocked): wait the rest on a timer.
		return sleepTimer(ctx, time.Until(end)), true
	}
	return true, true
}
