package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/accordhq/accord/store"
)

var usageTests = []test{
	{"Usage/CountsPerDayAndMonth", func(t *testing.T, db *store.DB) {
		day1 := time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC)
		day2 := day1.Add(2 * time.Minute) // February: a new day and a new month
		ok(t, db.AddUsage(bg(), "main:upstream", day1, 3))
		ok(t, db.AddUsage(bg(), "main:upstream", day1, 2))
		ok(t, db.AddUsage(bg(), "other:upstream", day1, 7))
		d, m, err := db.Usage(bg(), "main:upstream", day1)
		ok(t, err)
		eq(t, "day", d, int64(5))
		eq(t, "month", m, int64(5))
		ok(t, db.AddUsage(bg(), "main:upstream", day2, 1))
		d, m, err = db.Usage(bg(), "main:upstream", day2)
		ok(t, err)
		eq(t, "next day", d, int64(1))
		eq(t, "next month", m, int64(1))
	}},
	{"Usage/ConcurrentCountsAddUp", func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					if err := db.AddUsage(bg(), "main:upstream", t0, 1); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		d, _, err := db.Usage(bg(), "main:upstream", t0)
		ok(t, err)
		eq(t, "day", d, int64(40))
	}},
}
