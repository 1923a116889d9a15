package fakeserver

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
)

// The wait never ends early, and ends when its context does.
func TestSleep(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{-time.Millisecond, 0, 50 * time.Microsecond, 2 * time.Millisecond, 15 * time.Millisecond} {
		start := time.Now()
		if !sleep(t.Context(), d) {
			t.Fatalf("sleep(%v) reported an ended context", d)
		}
		if el := time.Since(start); el < d {
			t.Errorf("sleep(%v) returned after %v", d, el)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
	defer cancel()
	start := time.Now()
	if sleep(ctx, time.Minute) {
		t.Error("sleep reported a full minute")
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("sleep went on %v after its context ended", el)
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	if sleep(canceled, time.Minute) {
		t.Error("sleep with an ended context reported a full minute")
	}
}

// On Linux the wait is a timerfd watched by the network poller.
func TestSleepUsesTimerfdOnLinux(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("timerfd is Linux only")
	}
	ok, handled := timerfdSleep(t.Context(), time.Millisecond)
	if !ok || !handled {
		t.Errorf("timerfdSleep = %v, %v; want true, true", ok, handled)
	}
}

// BenchmarkSleepLate reports how late a 2.5 ms wait of an otherwise idle process ends
// (late_us, the median): with the timerfd (sleep) and with a Go timer alone.
func BenchmarkSleepLate(b *testing.B) {
	const d = 2500 * time.Microsecond
	for _, tc := range []struct {
		name  string
		sleep func(context.Context, time.Duration) bool
	}{{"sleep", sleep}, {"timer", sleepTimer}} {
		b.Run(tc.name, func(b *testing.B) {
			var late []time.Duration
			for b.Loop() {
				start := time.Now()
				tc.sleep(b.Context(), d)
				late = append(late, time.Since(start)-d)
			}
			slices.Sort(late)
			b.ReportMetric(float64(late[len(late)/2])/1e3, "late_us")
		})
	}
}
