package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/lightspeed/sim"
	"github.com/accordhq/accord/engine"
)

// SIGTERM in the middle of a run stops serve promptly and cleanly: the
// pages already read stay committed (the next run starts from the cursor,
// not from the beginning), the run is closed as cancelled rather than left
// running, and the pair's lock is free at once for the next process.
func TestServeShutsDownGracefullyMidRun(t *testing.T) {
	t.Parallel()
	f := newPairFixture(t, "      page_size: 50\n    schedule: manual\n    create_local: false\n")
	const extra = 400
	var js strings.Builder
	js.WriteString("[")
	for i := range extra {
		if i > 0 {
			js.WriteString(",")
		}
		fmt.Fprintf(&js, `{"first_name":"Pat","last_name":"Page%d","email":"pat%d@till.nz"}`, i, i)
	}
	js.WriteString("]")
	if err := f.sim.Load(strings.NewReader(js.String())); err != nil {
		t.Fatal(err)
	}
	total := len(f.sim.Customers(false))
	env := map[string]string{"TOKEN": "tok"}
	token := apiToken(t, env, f.cfg)
	f.sim.SetFaults(sim.Faults{Latency: 150 * time.Millisecond})
	rep := startReplica(t, env, "--config", f.cfg)

	code, body := callAPI(t, rep.base, token, http.MethodPost, "/api/v1/pairs/main/runs", nil)
	if code != http.StatusAccepted {
		t.Fatalf("run now: %d %v", code, body)
	}
	db := openStoreT(t, "sqlite:"+filepath.Join(f.dir, "accord.db"))
	ctx := context.Background()
	waitFor(t, 30*time.Second, "a committed upstream page", func() bool {
		cur, err := db.Cursor(ctx, "main", engine.Upstream)
		return err == nil && cur != ""
	})
	rep.kill() // as SIGTERM does: fails the test unless serve exits 0 within 30 s

	runs := runsOf(t, db)
	if len(runs) != 1 || runs[0].Status != engine.RunCancelled || runs[0].FinishedAt.IsZero() {
		t.Fatalf("runs after SIGTERM: %+v, want one cancelled and closed", runs)
	}
	cur, err := db.Cursor(ctx, "main", engine.Upstream)
	if err != nil || cur == "" {
		t.Fatalf("upstream cursor after SIGTERM = %q, %v; the pages read should stay committed", cur, err)
	}
	unlock, err := db.LockPair(ctx, "main")
	if err != nil {
		t.Fatalf("the pair's lock after SIGTERM: %v", err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatal(err)
	}

	f.sim.SetFaults(sim.Faults{})
	if code, out, errOut := runCLI(t, env, "run", "--config", f.cfg, "--json"); code != exitOK {
		t.Fatalf("the next run: exit %d: %s %s", code, out, errOut)
	}
	runs = runsOf(t, db)
	last := runs[len(runs)-1]
	if last.Status != engine.RunSucceeded {
		t.Fatalf("the next run: %+v", last)
	}
	if last.Pulled[engine.Upstream] >= total {
		t.Errorf("the next run read %d upstream records of %d: it started again from the beginning",
			last.Pulled[engine.Upstream], total)
	}
}
