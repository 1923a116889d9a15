package personio

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestFanOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r     rate.Limit
		burst int // the limiter's, full
		took  time.Duration
		left  int
		conc  int
		want  int
	}{
		{rate.Inf, 1, 100 * time.Millisecond, 100, 4, 4},
		{rate.Inf, 1, 0, 100, 4, 4},
		{5, 14, 100 * time.Millisecond, 100, 4, 1},  // R·took = 0.5: one at a time keeps up
		{5, 14, 200 * time.Millisecond, 100, 4, 1},  // exactly one
		{5, 14, 300 * time.Millisecond, 100, 4, 2},  // 1.5
		{50, 14, 100 * time.Millisecond, 100, 4, 4}, // 5, capped
		{5, 14, 0, 100, 4, 1},
		{0, 14, time.Second, 100, 4, 1},
		{10, 14, 300 * time.Millisecond, 100, 1, 1},
		{5, 14, 100 * time.Millisecond, 14, 4, 4}, // a token for each request left
		{5, 14, 100 * time.Millisecond, 9, 4, 4},
		{5, 14, 100 * time.Millisecond, 15, 4, 1}, // one short
		{5, 1, 100 * time.Millisecond, 2, 4, 1},   // after a 429: one token
		{5, 1, 100 * time.Millisecond, 1, 4, 4},
	}
	for _, tt := range tests {
		lim := rate.NewLimiter(tt.r, tt.burst)
		if got := fanOut(lim, tt.took, tt.left, tt.conc); got != tt.want {
			t.Errorf("fanOut(%v/s burst %d, %v, %d left, %d) = %d, want %d", tt.r, tt.burst, tt.took, tt.left, tt.conc, got, tt.want)
		}
	}
}
