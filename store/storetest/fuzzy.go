package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
)

// keyed builds the record of c on side carrying blocking keys.
func keyed(side engine.Side, c engine.Customer, blocks ...string) engine.Record {
	r := rec(side, c)
	r.Blocks = append([]string{}, blocks...)
	return r
}

func savePage(t *testing.T, db *store.DB, side engine.Side, recs ...engine.Record) {
	t.Helper()
	_, err := db.SavePage(bg(), engine.SavePage{Pair: pair, Side: side, RunID: 1, Records: recs, At: t0})
	ok(t, err)
}

// blocks returns the members of each key, sorted.
func blocks(t *testing.T, db *store.DB, side engine.Side, maxBlock int, keys ...string) map[string][]string {
	t.Helper()
	m, err := db.FindBlocks(bg(), pair, side, keys, maxBlock)
	ok(t, err)
	for _, ids := range m {
		slices.Sort(ids)
	}
	return m
}

var fuzzyTests = []test{
	{"Fuzzy/KeysStoredWithTheirRecords", func(t *testing.T, db *store.DB) {
		savePage(t, db, engine.Local,
			keyed(engine.Local, cust("L1", "a@x.io"), "phone:1", "name:ann|lee"),
			keyed(engine.Local, cust("L2", "b@x.io"), "phone:1"),
			rec(engine.Local, cust("L3", "c@x.io"))) // not keyed
		savePage(t, db, engine.Upstream, keyed(engine.Upstream, cust("U1", "a@x.io"), "phone:1"))
		eq(t, "local blocks", blocks(t, db, engine.Local, 10, "phone:1", "name:ann|lee", "none", ""),
			map[string][]string{"phone:1": {"L1", "L2"}, "name:ann|lee": {"L1"}})
		eq(t, "upstream blocks", blocks(t, db, engine.Upstream, 10, "phone:1"), map[string][]string{"phone:1": {"U1"}})
		m, err := db.FindBlocks(bg(), "other", engine.Local, []string{"phone:1"}, 10)
		ok(t, err)
		eq(t, "another pair's blocks", len(m), 0)
	}},
	{"Fuzzy/KeysReplacedWhenTheRecordChanges", func(t *testing.T, db *store.DB) {
		savePage(t, db, engine.Local, keyed(engine.Local, cust("L1", "a@x.io"), "phone:1", "name:ann|lee"),
			keyed(engine.Local, cust("L2", "b@x.io"), "phone:1"))
		// Re-read unchanged with other keys: nothing is written.
		savePage(t, db, engine.Local, keyed(engine.Local, cust("L1", "a@x.io"), "phone:9"))
		eq(t, "unchanged record keeps its keys", blocks(t, db, engine.Local, 10, "phone:1", "phone:9"),
			map[string][]string{"phone:1": {"L1", "L2"}})
		// Changed: its keys are replaced.
		c := cust("L1", "a@x.io")
		c.Phone, c.Version = "9", 2
		savePage(t, db, engine.Local, keyed(engine.Local, c, "phone:9", "name:ann|lee"))
		eq(t, "after a change", blocks(t, db, engine.Local, 10, "phone:1", "phone:9", "name:ann|lee"),
			map[string][]string{"phone:1": {"L2"}, "phone:9": {"L1"}, "name:ann|lee": {"L1"}})
		// Deleted: an empty key list removes them; nil (not computed) keeps them.
		d := cust("L1", "a@x.io")
		d.Phone, d.Version, d.Deleted = "9", 3, true
		savePage(t, db, engine.Local, keyed(engine.Local, d))
		c2 := cust("L2", "new@x.io")
		c2.Version = 2
		savePage(t, db, engine.Local, rec(engine.Local, c2))
		eq(t, "after a delete and an unkeyed change", blocks(t, db, engine.Local, 10, "phone:1", "phone:9", "name:ann|lee"),
			map[string][]string{"phone:1": {"L2"}})
	}},
	{"Fuzzy/GiantKeysIgnored", func(t *testing.T, db *store.DB) {
		var recs []engine.Record
		for i, id := range ids("U", 30) {
			k := []string{"phone:000", fmt.Sprintf("name:%d", i%10)}
			recs = append(recs, keyed(engine.Upstream, cust(id, ""), k...))
		}
		savePage(t, db, engine.Upstream, recs...)
		m := blocks(t, db, engine.Upstream, 5, "phone:000", "name:3")
		eq(t, "blocks with max 5", m, map[string][]string{"name:3": {"U000003", "U000013", "U000023"}})
		eq(t, "blocks with max 30", len(blocks(t, db, engine.Upstream, 30, "phone:000")["phone:000"]), 30)
		eq(t, "blocks with max 29", len(blocks(t, db, engine.Upstream, 29, "phone:000")), 0)
		// More keys than one statement takes.
		var many []string
		for i := range 600 {
			many = append(many, fmt.Sprintf("name:%d", i))
		}
		eq(t, "keys over several statements", len(blocks(t, db, engine.Upstream, 5, many...)), 10)
		_, err := db.FindBlocks(bg(), pair, engine.Upstream, many, 0)
		isErr(t, err, engine.ErrInvalid)
	}},
	{"Fuzzy/CreatedAndSettledRecordsKeyed", func(t *testing.T, db *store.DB) {
		ws := plan(t, db, "L1", "L2")
		_, err := db.ReleasePlan(bg(), pair, 1, false)
		ok(t, err)
		w, err := db.StartWrite(bg(), ws[0].ID, t0)
		ok(t, err)
		ok(t, db.CompleteWrite(bg(), engine.Completion{WriteID: w.ID, LinkID: w.LinkID, OtherID: "U100",
			Record: keyed(engine.Upstream, cust("U100", "l1@x.io"), "phone:5")}))
		apply(t, db, engine.Batch{Side: engine.Upstream, Settle: []engine.Settlement{{LinkID: ws[1].LinkID, OtherID: "U200",
			Record: keyed(engine.Upstream, cust("U200", "l2@x.io"), "phone:5")}}})
		eq(t, "keys of created records", blocks(t, db, engine.Upstream, 10, "phone:5"),
			map[string][]string{"phone:5": {"U100", "U200"}})
	}},
	{"Fuzzy/ModelSavedAndReplaced", func(t *testing.T, db *store.DB) {
		_, err := db.FuzzyModel(bg(), pair)
		isErr(t, err, engine.ErrNotFound)
		m := engine.FuzzyModel{Pair: pair, Model: []byte(`{"version":1}`), TrainedAt: t0, Local: 10, Upstream: 20}
		ok(t, db.SaveFuzzyModel(bg(), m))
		got, err := db.FuzzyModel(bg(), pair)
		ok(t, err)
		eq(t, "model", got, m)
		m2 := engine.FuzzyModel{Pair: pair, Model: []byte{0xff, 0x00, '{'}, TrainedAt: t0.Add(time.Hour), Local: 1}
		ok(t, db.SaveFuzzyModel(bg(), m2))
		got, err = db.FuzzyModel(bg(), pair)
		ok(t, err)
		eq(t, "replaced model", got, m2)
		_, err = db.FuzzyModel(bg(), "other")
		isErr(t, err, engine.ErrNotFound)
		isErr(t, db.SaveFuzzyModel(bg(), engine.FuzzyModel{Pair: pair}), engine.ErrInvalid)
	}},
	{"Fuzzy/SampleSpreadsOverTheSide", func(t *testing.T, db *store.DB) {
		var cs []engine.Customer
		for _, id := range ids("U", 100) {
			c := cust(id, id+"@x.io")
			c.Raw = []byte(`{"big":"payload"}`)
			cs = append(cs, c)
		}
		cs[1].Deleted = true
		save(t, db, engine.Upstream, "", cs...)
		save(t, db, engine.Local, "", cust("L1", ""))
		all, err := db.SampleRecords(bg(), pair, engine.Upstream, 1000)
		ok(t, err)
		eq(t, "whole side", len(all), 99)
		eq(t, "whole side in id order", all[0].ID+all[1].ID, "U000000U000002")
		eq(t, "customer fields", all[0].Email, "U000000@x.io")
		some, err := db.SampleRecords(bg(), pair, engine.Upstream, 10)
		ok(t, err)
		var got []string
		for _, r := range some {
			got = append(got, r.ID)
			if r.Deleted {
				t.Errorf("sampled a deleted record %s", r.ID)
			}
		}
		eq(t, "sample of 10", got, []string{"U000000", "U000011", "U000021", "U000031", "U000041",
			"U000051", "U000061", "U000071", "U000081", "U000091"})
		none, err := db.SampleRecords(bg(), pair, engine.Upstream, 0)
		ok(t, err)
		eq(t, "sample of 0", len(none), 0)
	}},
	{"Fuzzy/DecidedTogether", func(t *testing.T, db *store.DB) {
		dupes(t, db, []string{"A", "B", "C"}, []string{"D", "E"}, []string{"F", "G"})
		ok(t, db.ChooseSurvivor(bg(), setOf(t, db, "A").ID, "B", "ann"))
		ok(t, db.DismissDuplicateSet(bg(), setOf(t, db, "D").ID, "ann"))
		got, err := db.DecidedTogether(bg(), pair, engine.Local, []string{"A", "D", "F", "Z"})
		ok(t, err)
		eq(t, "decided", got, map[string][]string{"A": {"B", "C"}, "D": {"E"}})
		got, err = db.DecidedTogether(bg(), pair, engine.Upstream, []string{"A"})
		ok(t, err)
		eq(t, "other side", len(got), 0)
	}},
}
