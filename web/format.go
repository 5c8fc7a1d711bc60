package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Numbers and times are formatted here, once, for people: thousands
// separated, scores to two places, times in the merchant's zone.

func fmtInt(n int) string { return fmtInt64(int64(n)) }

func fmtInt64(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtCount is a count that may have been capped: "10,000+".
func fmtCount(n int, capped bool) string {
	if capped {
		return fmtInt(n) + "+"
	}
	return fmtInt(n)
}

// plural is "1 record" or "3 records".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmtInt(n) + " " + many
}

func fmtScore(s float64) string { return strconv.FormatFloat(math.Round(s*100)/100, 'f', 2, 64) }

// fmtTime is a time in the merchant's zone, without the year when it is
// this year's.
func (h *Handler) fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	lt := t.In(h.Location)
	if lt.Year() == h.Now().In(h.Location).Year() {
		return lt.Format("Mon 2 Jan, 15:04")
	}
	return lt.Format("2 Jan 2006, 15:04")
}

// fmtAgo is how long ago t was, in words.
func (h *Handler) fmtAgo(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := h.Now().Sub(t)
	switch {
	case d < 0:
		return "in " + fmtDuration(-d)
	case d < 45*time.Second:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Round(time.Minute)/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	case d < 48*time.Hour:
		return "yesterday"
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	}
	return h.fmtTime(t)
}

// fmtDuration is a duration at the precision people read it.
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
