package fakeserver

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// The wait takes exactly its duration of the bubble's clock, and ends when its context
// does.
func TestSleep(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, d := range []time.Duration{-time.Millisecond, 0, 50 * time.Microsecond, 2 * time.Millisecond, 15 * time.Millisecond} {
			start := time.Now()
			if !sleep(t.Context(), d) {
				t.Fatalf("sleep(%v) reported an ended context", d)
			}
			if el := time.Since(start); el != max(d, 0) {
				t.Errorf("sleep(%v) returned after %v", d, el)
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
		defer cancel()
		start := time.Now()
		if sleep(ctx, time.Minute) {
			t.Error("sleep reported a full minute")
		}
		if el := time.Since(start); el != 5*time.Millisecond {
			t.Errorf("sleep went on until %v, want the 5ms of its context", el)
		}
		canceled, cancel := context.WithCancel(t.Context())
		cancel()
		start = time.Now()
		if sleep(canceled, time.Minute) || time.Since(start) != 0 {
			t.Error("sleep with an ended context waited")
		}
	})
}
