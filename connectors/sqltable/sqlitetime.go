package sqltable

import (
	"strings"
	"time"
)

// SQLite has no timestamp type: a "DATETIME" column holds whatever text the
// writer chose, and SQL compares it as text. Text order is time order only
// among values written the same way (same layout, same UTC offset), so this
// file reads every layout the driver reads, and writes new values in the
// layout the table already uses.

// sqliteLayouts are the text forms of time the glebarez/modernc driver
// reads (SQLite's date-time formats 1-7), first the one it writes.
var sqliteLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// goStringLayout is time.Time.String(), which the driver also reads.
const goStringLayout = "2006-01-02 15:04:05.999999999 -0700 MST"

// parseSQLiteTime reads a stored SQLite timestamp. Text without an offset is
// UTC, as SQLite's own date and time functions assume.
func parseSQLiteTime(s string) (time.Time, bool) {
	if strings.Count(s, " ") >= 2 { // time.Time.String(), maybe with a monotonic clock reading
		if i := strings.Index(s, " m="); i > 0 {
			s = s[:i]
		}
		tm, err := time.Parse(goStringLayout, s)
		return tm, err == nil
	}
	trimmed := strings.TrimSuffix(s, "Z")
	// Most values have a seconds part: pick the one layout that can fit
	// rather than fail through the list, which costs an error per try.
	if n := len(trimmed); n >= 19 {
		layout := sqliteLayouts[2]
		if n >= 25 && (trimmed[n-6] == '+' || trimmed[n-6] == '-') && trimmed[n-3] == ':' {
			layout = sqliteLayouts[0]
		}
		if trimmed[10] == 'T' {
			layout = strings.Replace(layout, " ", "T", 1)
		}
		if tm, err := time.ParseInLocation(layout, trimmed, time.UTC); err == nil {
			return tm, true
		}
	}
	for _, layout := range sqliteLayouts {
		if tm, err := time.ParseInLocation(layout, trimmed, time.UTC); err == nil {
			return tm, true
		}
	}
	return time.Time{}, false
}

// rewoundText formats tm as a lower bound for SQLite's text comparison: the
// wall clock in the stored value's own offset, to the second, with the
// stored value's date-time separator. Being a prefix of every longer form
// of that second, it sorts before all of them.
func rewoundText(tm time.Time, stored string) string {
	layout := "2006-01-02 15:04:05"
	if len(stored) > 10 && stored[10] == 'T' {
		layout = "2006-01-02T15:04:05"
	}
	return tm.Format(layout)
}

// sqliteStamp formats now the way sample, the newest updated_at in the
// table, is written: same separator, same UTC offset, same zone suffix. Then
// the row Create writes sorts after the rows already read, so the next pull
// finds it, and a table written in, say, local time with "-05:00" is not
// given a UTC value five hours ahead of everything its application writes
// next. sample "" (an empty table) or unreadable gives the driver's own
// layout in UTC.
func sqliteStamp(now time.Time, sample string) string {
	tm, ok := parseSQLiteTime(sample)
	if !ok || len(sample) < 19 {
		return now.UTC().Format(sqliteLayouts[0])
	}
	now = now.In(tm.Location())
	sep := sample[10:11]
	if strings.Contains(sample, " m=") || strings.Count(sample, " ") >= 2 {
		return now.Format(goStringLayout)
	}
	if strings.HasSuffix(sample, "Z") {
		// 'Z' sorts after the digits, so a trimmed fraction would misorder:
		// keep the sample's number of digits.
		digits := 0
		if i := strings.IndexByte(sample, '.'); i > 0 {
			digits = len(sample) - i - 2
		}
		layout := "2006-01-02" + sep + "15:04:05"
		if digits > 0 {
			layout += "." + strings.Repeat("0", digits)
		}
		return now.UTC().Format(layout) + "Z"
	}
	// A trimmed fraction sorts correctly against fixed-width ones here: what
	// follows it ("+", "-" or the end) sorts before every digit.
	layout := "2006-01-02" + sep + "15:04:05.999999999"
	if tail := sample[len(sample)-6:]; (tail[0] == '+' || tail[0] == '-') && tail[3] == ':' {
		layout += "-07:00"
	}
	return now.Format(layout)
}
