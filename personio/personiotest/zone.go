package personiotest

import (
	"time"

	"github.com/hrisconnect/hrisconnect/unified"
)

// Timestamp layouts.
const (
	// layoutV2Time is how v2 renders timestamps: UTC, second precision, "Z".
	layoutV2Time = "2006-01-02T15:04:05Z07:00"
	// layoutProblemTime is the timestamp of v2 error envelopes ("2021-05-28T11:17:30+00:00").
	layoutProblemTime = "2006-01-02T15:04:05+00:00"
	// layoutInstant is a day's midnight in UTC with milliseconds: "2014-11-08T23:00:00.000Z".
	layoutInstant = "2006-01-02T15:04:05.000Z"
	// layoutOffsetTime is a local time with its numeric offset: "2017-05-23T09:49:03+02:00".
	layoutOffsetTime = "2006-01-02T15:04:05-07:00"
	// layoutColonlessOffset is a local time with an offset without a colon, as in the
	// examples of the v1 description: "2012-02-01T00:00:00+0100".
	layoutColonlessOffset = "2006-01-02T15:04:05-0700"
)

// zone converts calendar days to instants and instants to local time in the company's
// time zone. It uses the IANA database when it is available and, failing that, the
// Central European rules (CET/CEST as observed in Germany since 1980), so the fake
// renders Berlin days correctly even on a machine without time zone data.
type zone struct {
	loc *time.Location // nil: the built-in Central European rules
}

// midnight returns the instant at which d begins in the zone.
func (z zone) midnight(d unified.Date) time.Time {
	if z.loc != nil {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, z.loc)
	}
	// Midnight is never inside a CET/CEST transition (they happen at 02:00/03:00 local),
	// so the offset at midnight UTC of that day minus one hour decides.
	guess := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(-time.Hour)
	return guess.Add(time.Hour - time.Duration(cetOffset(guess))*time.Second)
}

// local returns t in the zone.
func (z zone) local(t time.Time) time.Time {
	if z.loc != nil {
		return t.In(z.loc)
	}
	off := cetOffset(t)
	name := "CET"
	if off == 7200 {
		name = "CEST"
	}
	return t.In(time.FixedZone(name, off))
}

// cetOffset returns the UTC offset in seconds of German civil time at instant t: +1h,
// or +2h during summer time. Summer time runs from 1980: 6 April to 28 September 1980;
// 1981–1995 last Sunday of March to last Sunday of September; since 1996 last Sunday of
// March to last Sunday of October; the changes happen at 01:00 UTC (1980: 01:00 UTC in
// spring, 01:00 UTC in autumn as well). Earlier summer times (1940s) are not modelled.
func cetOffset(t time.Time) int {
	t = t.UTC()
	y := t.Year()
	var start, end time.Time
	switch {
	case y < 1980:
		return 3600
	case y == 1980:
		start = time.Date(1980, time.April, 6, 1, 0, 0, 0, time.UTC)
		end = time.Date(1980, time.September, 28, 1, 0, 0, 0, time.UTC)
	case y <= 1995:
		start = lastSunday(y, time.March)
		end = lastSunday(y, time.September)
	default:
		start = lastSunday(y, time.March)
		end = lastSunday(y, time.October)
	}
	if !t.Before(start) && t.Before(end) {
		return 7200
	}
	return 3600
}

// lastSunday returns 01:00 UTC on the last Sunday of the month.
func lastSunday(y int, m time.Month) time.Time {
	last := time.Date(y, m+1, 0, 1, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}
