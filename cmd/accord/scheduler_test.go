package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store/storetest"
)

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec  string
		ok    bool
		every time.Duration
	}{
		{"", true, 0},
		{"manual", true, 0},
		{"@hourly", true, 0},
		{"@every 30s", true, 30 * time.Second},
		{"@every 1h30m", true, 90 * time.Minute},
		{"*/15 9-17 * * 1-5", true, 0},
		{"@every 10ms", false, 0},
		{"@every soon", false, 0},
		{"every 5 minutes", false, 0},
		{"61 * * * *", false, 0},
		{"* * * *", false, 0},
	} {
		s, err := parseSchedule(tc.spec, time.UTC)
		if (err == nil) != tc.ok || s.every != tc.every {
			t.Errorf("parseSchedule(%q) = %+v, %v; want ok=%v every=%s", tc.spec, s, err, tc.ok, tc.every)
		}
		if want := tc.spec == "" || tc.spec == "manual"; err == nil && s.onDemand() != want {
			t.Errorf("parseSchedule(%q).onDemand() = %v", tc.spec, !want)
		}
	}
}

// A schedule the scheduler cannot read stops serve at start-up with the
// pair and the field named, instead of a pair that silently never runs.
func TestServeRejectsBadSchedule(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok", "ACCORD_PAIRS_MAIN_SCHEDULE": "every 5 minutes"}
	code, _, errOut := runCLI(t, env, "serve", "--config", f.cfg, "--addr", "127.0.0.1:0")
	if code != exitUsage || !strings.Contains(errOut, "pairs.main.schedule") || !strings.Contains(errOut, "every 5 minutes") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// With nothing but a schedule, serve runs the pair by itself: no request
// reaches it until the runs are recorded. The overview then says when the
// next one is due.
func TestScheduledRunWithoutRequest(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok", "ACCORD_PAIRS_MAIN_SCHEDULE": "@every 1s"}
	pw := signUp(t, env, f.cfg, "ann@shop.nz")
	r := startReplica(t, env, "--config", f.cfg)
	db := openStoreT(t, "sqlite:"+filepath.Join(f.dir, "accord.db"))
	waitFor(t, 30*time.Second, "two scheduled runs", func() bool {
		n := 0
		for _, run := range runsOf(t, db) {
			if run.Trigger == "schedule" && run.Status == engine.RunSucceeded {
				n++
			}
		}
		return n >= 2
	})
	if got := len(f.sim.Customers(false)); got != 2 {
		t.Errorf("the simulator holds %d customers after the scheduled runs, want 2 (Bob pushed once)", got)
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(r.base+"/login", url.Values{"email": {"ann@shop.nz"}, "password": {pw}, "next": {"/pairs/main"}})
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in and open the overview: %v %v", res, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	i := strings.Index(string(body), `data-testid="next-run"`)
	if i < 0 || strings.Contains(string(body[i:min(i+300, len(body))]), "On demand") {
		t.Errorf("the overview does not show the next scheduled run: %.300s", body[max(i, 0):])
	}
}

// Two replicas on one Postgres, with a pair due every two seconds: only
// one runs it at a time, both keep serving, and when the leader goes the
// other carries on.
func TestReplicasNeverRunAPairConcurrently(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresDSN(t)
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok", "ACCORD_DATABASE": dsn, "ACCORD_PAIRS_MAIN_SCHEDULE": "@every 2s"}
	a := startReplica(t, env, "--config", f.cfg) // migrates, and leads
	db := openStoreT(t, dsn)
	waitFor(t, 30*time.Second, "the first scheduled run", func() bool { return len(runsOf(t, db)) > 0 })
	b := startReplica(t, env, "--config", f.cfg)

	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		if !a.answers(t) || !b.answers(t) {
			t.Fatal("a replica stopped serving the dashboard")
		}
	}
	if n := len(runsOf(t, db)); n < 4 {
		t.Errorf("%d runs in about 15s on an @every 2s schedule, want several", n)
	}
	const leads = "this process fires the scheduled runs"
	if !strings.Contains(a.log.String(), leads) || strings.Contains(b.log.String(), leads) {
		t.Errorf("want the first replica alone to lead; first:\n%s\nsecond:\n%s", a.log, b.log)
	}

	a.kill()
	gone := time.Now()
	waitFor(t, 60*time.Second, "a run by the remaining replica", func() bool {
		runs := runsOf(t, db)
		return runs[len(runs)-1].StartedAt.After(gone)
	})
	if !b.answers(t) {
		t.Error("the remaining replica stopped serving")
	}
	if !strings.Contains(b.log.String(), leads) {
		t.Errorf("the remaining replica runs the pair without saying it leads:\n%s", b.log)
	}
	t.Logf("%d runs; the standby's first run came %s after the leader stopped",
		len(runsOf(t, db)), firstAfter(runsOf(t, db), gone).Sub(gone).Round(time.Millisecond))

	runs := runsOf(t, db)
	for i, r := range runs {
		if r.Trigger != "schedule" {
			t.Errorf("run %d has trigger %q; nothing but the schedule started runs", r.ID, r.Trigger)
		}
		if r.Status == engine.RunFailed {
			t.Errorf("run %d failed: %s", r.ID, r.Error)
		}
		if i == 0 {
			continue
		}
		prev := runs[i-1]
		if prev.FinishedAt.IsZero() || r.StartedAt.Before(prev.FinishedAt) {
			t.Errorf("run %d [%s, %s] overlaps run %d starting %s", prev.ID, prev.StartedAt.Format(time.StampMicro),
				prev.FinishedAt.Format(time.StampMicro), r.ID, r.StartedAt.Format(time.StampMicro))
		}
	}
}

// firstAfter is the start of the first run that started after t.
func firstAfter(runs []engine.Run, t time.Time) time.Time {
	for _, r := range runs {
		if r.StartedAt.After(t) {
			return r.StartedAt
		}
	}
	return time.Time{}
}

// signedIn returns a client signed in to the replica.
func signedIn(t *testing.T, r replica, email, pw string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(r.base+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return c
}

// nextRunShown is what the replica's overview says about the next run.
func nextRunShown(t *testing.T, c *http.Client, r replica) string {
	t.Helper()
	res, err := c.Get(r.base + "/pairs/main")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?s)data-testid="next-run">.*?<p class="big">([^<]*)</p>`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no next run on the overview: %s", body)
	}
	return string(m[1])
}

// withinAMinute matches a next run shown in seconds.
var withinAMinute = regexp.MustCompile(`^in [0-9.]+ m?s$`)

// A schedule saved in the dashboard takes effect without a restart: at
// once on the replica it was saved on, and at the next refresh on the
// others.
func TestSavedScheduleTakesEffect(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok", "ACCORD_PAIRS_MAIN_SCHEDULE": "0 0 1 1 *"} // New Year only
	token := apiToken(t, env, f.cfg)
	pw := signUp(t, env, f.cfg, "ann@shop.nz")
	a := startReplica(t, env, "--config", f.cfg)
	b := startReplica(t, env, "--config", f.cfg)
	ca, cb := signedIn(t, a, "ann@shop.nz", pw), signedIn(t, b, "ann@shop.nz", pw)
	if got := nextRunShown(t, ca, a); withinAMinute.MatchString(got) {
		t.Fatalf("next run %q under a New Year schedule", got)
	}
	if code, v := callAPI(t, a.base, token, "PUT", "/api/v1/pairs/main/settings", map[string]string{"schedule": "@every 1m"}); code != http.StatusOK {
		t.Fatalf("save the schedule: %d %v", code, v)
	}
	if got := nextRunShown(t, ca, a); !withinAMinute.MatchString(got) {
		t.Errorf("next run %q after saving @every 1m, want within the minute", got)
	}
	waitFor(t, 2*scheduleRefresh+10*time.Second, "the other replica reads the saved schedule", func() bool {
		return withinAMinute.MatchString(nextRunShown(t, cb, b))
	})
}

// A tick that finds the pair running in another process leaves it be: no
// failed run, no error in the log, and the next tick after that run runs.
func TestScheduledTickSkipsAPairRunningElsewhere(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "")
	env := map[string]string{"TOKEN": "tok", "ACCORD_PAIRS_MAIN_SCHEDULE": "@every 1s"}
	db := openStoreT(t, "sqlite:"+filepath.Join(f.dir, "accord.db"))
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	unlock, err := db.LockPair(context.Background(), "main") // another process's run
	if err != nil {
		t.Fatal(err)
	}
	r := startReplica(t, env, "--config", f.cfg)
	// Ticks are not observable from outside until they run; give a few of
	// them the chance to go wrong.
	time.Sleep(3500 * time.Millisecond)
	if runs := runsOf(t, db); len(runs) != 0 {
		t.Fatalf("ticks while the pair ran elsewhere recorded %d runs: %+v", len(runs), runs)
	}
	if err := unlock(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "a run once the pair is free", func() bool {
		runs := runsOf(t, db)
		return len(runs) > 0 && runs[0].Status == engine.RunSucceeded
	})
	if strings.Contains(r.log.String(), "level=ERROR") {
		t.Errorf("skipped ticks logged errors:\n%s", r.log)
	}
}
