package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress writes the progress line: on a terminal one line rewritten in place,
// elsewhere a line per interval.
type progress struct {
	w      io.Writer
	tty    bool
	every  time.Duration
	start  time.Time
	last   time.Time
	before int // users exported by earlier runs
}

func newProgress(w io.Writer, every time.Duration, before int) *progress {
	p := &progress{w: w, every: every, start: time.Now(), before: before}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// page reports progress after a page; total is the provider's count of the whole
// listing, or negative when unknown.
func (p *progress) page(users, pages, total int, done bool) {
	now := time.Now()
	if !done && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	rate := float64(users-p.before) / max(elapsed.Seconds(), 1e-3)
	line := fmt.Sprintf("%d users, %d pages, %.0f users/s", users, pages, rate)
	switch {
	case done:
		line = fmt.Sprintf("done: %d users, %d pages in %s (%.0f users/s)", users, pages, elapsed.Round(time.Millisecond), rate)
	case total > 0 && users <= total && rate > 0:
		eta := time.Duration(float64(total-users) / rate * float64(time.Second))
		line += fmt.Sprintf(", %d of %d, ETA %s", users, total, eta.Round(time.Second))
	}
	p.print(line, done)
}

func (p *progress) stopped(users, pages int) {
	p.print(fmt.Sprintf("stopped after %d users, %d pages (-max-pages); run again to resume", users, pages), true)
}

func (p *progress) print(line string, last bool) {
	switch {
	case !p.tty:
		fmt.Fprintln(p.w, line)
	case last:
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
	default:
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	}
}
