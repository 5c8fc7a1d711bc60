package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestTruncateFaultBreaksJSON(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 3, Faults: Faults{Truncate: 1}})
	for _, path := range []string{"/v2/customers", "/v2/customers/" + b.sim.Customers()[0].ID} {
		r := b.do(t, http.MethodGet, path, nil)
		if r.status != http.StatusOK || json.Valid(r.body) {
			t.Fatalf("GET %s = %d %q, want 200 with a cut body", path, r.status, r.body)
		}
	}
}

func TestTimeoutFaultHangsUntilClientGivesUp(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Faults: Faults{Timeout: 1}}) // TimeoutHang defaults to 30s
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req := newRequest(t, http.MethodGet, b.ts.URL+"/v2/customers", "Bearer sim-token", nil).WithContext(ctx)
	resp, err := b.ts.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want the request to hang until the client's deadline", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client error = %v, want its deadline", err)
	}
}

// createUnderFaults sends n keyless creates tagged in reference_id and
// returns which of them the simulator applied, judged from its state.
func createUnderFaults(t *testing.T, f Faults, seed int64, n int) (applied []bool, st Stats) {
	t.Helper()
	b := setup(t, Options{Seed: seed, Faults: f, TimeoutHang: time.Millisecond})
	for i := range n {
		body := map[string]any{"given_name": "F", "reference_id": fmt.Sprint("ref-", i)}
		req := newRequest(t, http.MethodPost, b.ts.URL+"/v2/customers", "Bearer sim-token", body)
		resp, err := b.ts.Client().Do(req)
		if err == nil {
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && json.Valid(data) {
				t.Fatalf("create %d succeeded cleanly under faults %v", i, f)
			}
		}
	}
	stored := map[string]bool{}
	for _, c := range b.sim.Customers() {
		stored[c.ReferenceID] = true
	}
	for i := range n {
		applied = append(applied, stored[fmt.Sprint("ref-", i)])
	}
	return applied, b.sim.Stats()
}

func TestFailedWritesMayOrMayNotApply(t *testing.T) {
	t.Parallel()
	for _, f := range []Faults{{ServerError: 1}, {Truncate: 1}, {Timeout: 1}} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			applied, st := createUnderFaults(t, f, 42, 40)
			var yes int64
			for _, a := range applied {
				if a {
					yes++
				}
			}
			if yes == 0 || yes == int64(len(applied)) {
				t.Fatalf("%d of %d failed creates applied, want some applied and some not", yes, len(applied))
			}
			if st.Faults.AppliedWrites != yes {
				t.Fatalf("stats applied_writes = %d, state shows %d", st.Faults.AppliedWrites, yes)
			}
			again, _ := createUnderFaults(t, f, 42, 40)
			if fmt.Sprint(again) != fmt.Sprint(applied) {
				t.Fatalf("same seed, different outcomes:\n%v\n%v", applied, again)
			}
		})
	}
}

func TestInjected429NeverApplies(t *testing.T) {
	t.Parallel()
	applied, st := createUnderFaults(t, Faults{RateLimit: 1}, 42, 10)
	for i, a := range applied {
		if a {
			t.Fatalf("create %d was applied under an injected 429", i)
		}
	}
	if st.RateLimited != 10 || st.Faults.RateLimit != 10 {
		t.Fatalf("stats = %+v, want 10 injected 429s", st)
	}
}

func TestLatencyAndSetFaults(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Faults: Faults{Latency: time.Millisecond}})
	if r := b.do(t, http.MethodGet, "/v2/customers", nil); r.status != http.StatusOK {
		t.Fatalf("with latency = %d", r.status)
	}
	b.sim.SetFaults(Faults{ServerError: 7}) // clamped to 1
	expectError(t, b.do(t, http.MethodGet, "/v2/customers", nil), http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "-")
	b.sim.SetFaults(Faults{})
	if r := b.do(t, http.MethodGet, "/v2/customers", nil); r.status != http.StatusOK {
		t.Fatalf("after clearing = %d", r.status)
	}
	if st := b.sim.Stats(); st.Faults.Latency != 1 || st.Faults.ServerError != 1 || st.List != 3 {
		t.Fatalf("stats = %+v, want 1 delayed, 1 injected 500, 3 lists", st)
	}
	b.sim.ResetStats()
	if st := b.sim.Stats(); st != (Stats{}) {
		t.Fatalf("after ResetStats: %+v", st)
	}
}
