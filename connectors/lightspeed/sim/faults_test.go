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

func TestServerErrorFaultFailsEveryRequest(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 5, Faults: Faults{ServerError: 1}})
	id := b.sim.Customers(false)[0].ID
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/api/2.0/customers", nil},
		{http.MethodGet, "/api/2.0/customers/" + id, nil},
		{http.MethodGet, "/api/2.0/search?type=customers", nil},
		{http.MethodPost, "/api/2.0/customers", map[string]any{"first_name": "A", "last_name": "B"}},
		{http.MethodPut, "/api/2.0/customers/" + id, map[string]any{"note": "n"}},
		{http.MethodDelete, "/api/2.0/customers/" + id, nil},
	} {
		expect(t, b.do(t, tc.method, tc.path, tc.body), http.StatusInternalServerError, "")
	}
	// Introspection is never faulted.
	r := b.do(t, http.MethodGet, "/__sim/stats", nil)
	expect(t, r, http.StatusOK, "")
	if st := decode[Stats](t, r); st.Faults.ServerError != 6 {
		t.Fatalf("stats report %d injected 500s, want 6", st.Faults.ServerError)
	}
}

func TestTruncateFaultBreaksJSON(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Customers: 5, Faults: Faults{Truncate: 1}})
	for _, path := range []string{"/api/2.0/customers", "/api/2.0/search?type=customers"} {
		r := b.do(t, http.MethodGet, path, nil)
		if r.status != http.StatusOK || len(r.body) == 0 || json.Valid(r.body) {
			t.Fatalf("%s: status %d, body %q; want 200 with a cut-off body", path, r.status, r.body)
		}
	}
}

func TestTimeoutFaultHangsUntilClientGivesUp(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Faults: Faults{Timeout: 1}}) // TimeoutHang defaults to 30s
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req := newRequest(t, http.MethodGet, b.ts.URL+"/api/2.0/customers", "Bearer sim-token", nil).WithContext(ctx)
	resp, err := b.ts.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want the request to hang until the client's deadline", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client error = %v, want its deadline", err)
	}
}

func TestTimeoutFaultDropsConnection(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{Faults: Faults{Timeout: 1}, TimeoutHang: time.Millisecond})
	resp, err := b.send(t, http.MethodGet, "/api/2.0/customers", "Bearer sim-token", nil)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want the connection dropped", resp.StatusCode)
	}
}

// createUnderFaults sends n creates tagged in custom_field_1 and returns
// which of them the simulator applied, judged from its state.
func createUnderFaults(t *testing.T, f Faults, seed int64, n int) (applied []bool, st Stats) {
	t.Helper()
	b := setup(t, Options{Seed: seed, Faults: f, TimeoutHang: time.Millisecond})
	for i := range n {
		body := map[string]any{"first_name": "F", "last_name": "L", "custom_field_1": fmt.Sprint("ref-", i)}
		resp, err := b.send(t, http.MethodPost, "/api/2.0/customers", "Bearer sim-token", body)
		if err == nil {
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusCreated && json.Valid(data) {
				t.Fatalf("create %d succeeded cleanly under faults %v", i, f)
			}
		}
	}
	stored := map[string]bool{}
	for _, c := range b.sim.Customers(true) {
		stored[deref(c.CustomField1)] = true
	}
	for i := range n {
		applied = append(applied, stored[fmt.Sprint("ref-", i)])
	}
	return applied, b.sim.Stats()
}

func TestFailedWritesHaveUnknownOutcome(t *testing.T) {
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
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers", nil), http.StatusOK, "")
	b.sim.SetFaults(Faults{ServerError: 7}) // clamped to 1
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers", nil), http.StatusInternalServerError, "")
	b.sim.SetFaults(Faults{})
	expect(t, b.do(t, http.MethodGet, "/api/2.0/customers", nil), http.StatusOK, "")
	if st := b.sim.Stats(); st.Faults.Latency != 1 || st.Faults.ServerError != 1 || st.List != 3 {
		t.Fatalf("stats = %+v, want 1 delayed, 1 injected 500, 3 lists", st)
	}
	b.sim.ResetStats()
	if st := b.sim.Stats(); st != (Stats{}) {
		t.Fatalf("after ResetStats: %+v", st)
	}
}
