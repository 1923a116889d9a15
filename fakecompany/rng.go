package fakecompany

import (
	"math/bits"
	"strings"
	"time"

	"github.com/hrisconnect/hrisconnect/internal/fakeid"
	"github.com/hrisconnect/hrisconnect/unified"
)

// rng is a small deterministic pseudo-random generator (SplitMix64). It is defined here, not
// taken from math/rand, so that the generated companies stay the same across Go releases.
type rng struct{ s uint64 }

func newRNG(seed, stream uint64) *rng {
	return &rng{s: fakeid.Mix64(seed ^ fakeid.Mix64(stream+0x9e3779b97f4a7c15))}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return fakeid.Mix64(r.s)
}

// intn returns a number in [0, n); n <= 0 gives 0.
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi]; hi < lo gives lo.
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 {
	return float64(r.next()>>11) * (1.0 / (1 << 53))
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// weighted returns an index into weights, chosen in proportion to the weights.
func (r *rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.intn(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// uuidFrom returns a UUID in the version 4 layout (random version and RFC 4122 variant
// bits), derived deterministically from the seed, a kind tag and a number.
func uuidFrom(seed uint64, kind uint64, n uint64) string {
	a := fakeid.Mix64(seed ^ fakeid.Mix64(kind<<48^n))
	b := fakeid.Mix64(a ^ fakeid.Mix64(n+kind*0x632be59bd9b4e019))
	return fakeid.UUID64(a, b)
}

// Kind tags for uuidFrom, so that a person and a department with the same number get
// different UUIDs.
const (
	uuidPerson     = 1
	uuidDepartment = 2
	uuidAttribute  = 3
)

// isUUID reports whether s has the textual UUID layout (8-4-4-4-12 lower- or upper-case
// hex digits).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// dayNumber returns the number of days from 1970-01-01 to d (proleptic Gregorian
// calendar). It is the civil-date arithmetic the generator uses instead of time.Time,
// which is much slower for the millions of date operations of a large company.
func dayNumber(d unified.Date) int {
	y := d.Year
	m := int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateFromDayNumber is the inverse of dayNumber.
func dateFromDayNumber(z int) unified.Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return unified.NewDate(y, monthOf(m), d)
}

// addMonths returns d moved by n calendar months, with the day clamped to the end of the
// target month (31 August + 6 months is 28 or 29 February).
func addMonths(d unified.Date, n int) unified.Date {
	total := d.Year*12 + int(d.Month) - 1 + n
	y, m := total/12, total%12+1
	day := d.Day
	if last := daysInMonth(y, m); day > last {
		day = last
	}
	return unified.NewDate(y, monthOf(m), day)
}

// addYears returns d moved by n years; 29 February becomes 28 February in common years.
func addYears(d unified.Date, n int) unified.Date { return addMonths(d, 12*n) }

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// asciiFold lower-cases s and transliterates it to the ASCII letters an email address may
// hold: umlauts become two letters (ü → ue, ß → ss), other accents are dropped (é → e,
// ñ → n, ł → l), and anything that is not a letter, digit, '.' or '-' is removed (spaces,
// apostrophes).
func asciiFold(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	for _, r := range strings.ToLower(s) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '.':
			b.WriteRune(r)
		default:
			if t, ok := foldRune(r); ok {
				b.WriteString(t)
			}
		}
	}
	return b.String()
}

// foldRune maps the non-ASCII lower-case letters that appear in names to ASCII.
func foldRune(r rune) (string, bool) {
	switch r {
	case 'ä', 'æ':
		return "ae", true
	case 'ö', 'œ':
		return "oe", true
	case 'ü':
		return "ue", true
	case 'ß':
		return "ss", true
	case 'ø', 'ò', 'ó', 'ô', 'õ', 'ő':
		return "o", true
	case 'å', 'à', 'á', 'â', 'ã', 'ą', 'ă':
		return "a", true
	case 'ç', 'ć', 'č':
		return "c", true
	case 'ď', 'đ':
		return "d", true
	case 'è', 'é', 'ê', 'ë', 'ę', 'ě':
		return "e", true
	case 'ğ':
		return "g", true
	case 'ì', 'í', 'î', 'ï', 'ı':
		return "i", true
	case 'ł':
		return "l", true
	case 'ñ', 'ń', 'ň':
		return "n", true
	case 'ř':
		return "r", true
	case 'ś', 'š', 'ş', 'ș':
		return "s", true
	case 'ť', 'ț':
		return "t", true
	case 'ù', 'ú', 'û', 'ů', 'ű':
		return "u", true
	case 'ý', 'ÿ':
		return "y", true
	case 'ź', 'ż', 'ž':
		return "z", true
	}
	return "", false
}

func monthOf(m int) time.Month { return time.Month(m) }
