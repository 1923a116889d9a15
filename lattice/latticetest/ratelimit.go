package latticetest

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyLimiter is a token bucket per API key, as Lattice limits each key separately. (The
// shared fakeserver.Limiter is one bucket for all callers and does not expose what is
// left of it, which the X-RateLimit headers need.)
type keyLimiter struct {
	perMinute int
	burst     int
	headers   bool

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newKeyLimiter(perMinute, burst int, headers bool) *keyLimiter {
	return &keyLimiter{perMinute: perMinute, burst: max(burst, 1), headers: headers, buckets: make(map[string]*rate.Limiter)}
}

func (l *keyLimiter) perSecond() float64 { return float64(l.perMinute) / 60 }

// allow takes a token from key's bucket. When the bucket is empty it answers 429 on w and
// returns false. With headers on, it sets the X-RateLimit headers either way.
func (l *keyLimiter) allow(w http.ResponseWriter, key string, now time.Time) bool {
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(l.perSecond()), l.burst)
		l.buckets[key] = b
	}
	ok := b.AllowN(now, 1)
	tokens := b.TokensAt(now)
	l.mu.Unlock()

	if l.headers {
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(l.perMinute))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, int(math.Floor(tokens)))))
		full := now.Add(secondsToDuration((float64(l.burst) - tokens) / l.perSecond()))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilUnix(full), 10))
	}
	if ok {
		return true
	}
	wait := secondsToDuration((1 - tokens) / l.perSecond())
	secs := max(1, int((wait+time.Second-1)/time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests,
		"Rate limit exceeded: "+strconv.Itoa(l.perMinute)+" requests per minute per API key. Retry after "+strconv.Itoa(secs)+" seconds.")
	return false
}

func secondsToDuration(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}
