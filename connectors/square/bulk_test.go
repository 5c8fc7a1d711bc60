package square_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestCreateManySplitsBy100AndMapsEachEntry(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	var sizes []int
	h := func(w http.ResponseWriter, r *http.Request) {
		_, body := rec.add(r)
		var req struct {
			Customers map[string]map[string]any `json:"customers"`
		}
		if err := json.Unmarshal([]byte(body), &req); err != nil {
			t.Errorf("bulk body: %v", err)
		}
		sizes = append(sizes, len(req.Customers))
		out := map[string]any{}
		for key, data := range req.Customers {
			switch data["reference_id"] {
			case "bad-email":
				out[key] = sqErr("INVALID_REQUEST_ERROR", "INVALID_EMAIL_ADDRESS", "email_address", "bad")
			case "busy":
				out[key] = sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "busy")
			case "throttled":
				out[key] = sqErr("RATE_LIMIT_ERROR", "RATE_LIMITED", "", "slow down")
			case "missing":
			default:
				out[key] = map[string]any{"customer": customer("SQ-"+key, "2026-03-04T10:00:00.000Z",
					map[string]any{"reference_id": data["reference_id"], "version": 0})}
			}
		}
		writeJSON(w, clk, 200, map[string]any{"responses": out})
	}
	b := setup(t, h, nil)
	clk = b.clock
	var cs []engine.Creation
	for i := range 150 {
		cs = append(cs, engine.Creation{Key: fmt.Sprint("k", i),
			Customer: engine.Customer{ID: fmt.Sprint("l", i), FirstName: "N", ExternalRef: fmt.Sprint("l", i)}})
	}
	cs[3].Customer.ExternalRef = "bad-email"
	cs[4].Customer.ExternalRef = "busy"
	cs[5].Customer.ExternalRef = "missing"
	cs[6].Customer = engine.Customer{ID: "l6", ExternalRef: "l6"} // incomplete: never sent
	cs[7].Customer.ExternalRef = "throttled"
	res := b.client.CreateMany(t.Context(), cs)
	if len(res) != 150 {
		t.Fatalf("CreateMany = %d results, want 150", len(res))
	}
	if rec.count() != 2 || sizes[0] != 100 || sizes[1] != 49 {
		t.Fatalf("calls %d with sizes %v, want 100 and 49 (the incomplete one not sent)", rec.count(), sizes)
	}
	for i, r := range res {
		switch i {
		case 3:
			if !engine.IsTerminal(r.Err) || !errors.Is(r.Err, engine.ErrInvalid) {
				t.Errorf("bad email entry: %v, want terminal ErrInvalid", r.Err)
			}
		case 4, 5:
			if !errors.Is(r.Err, engine.ErrUnknownOutcome) || engine.IsTerminal(r.Err) {
				t.Errorf("entry %d: %v, want ErrUnknownOutcome", i, r.Err)
			}
		case 6:
			if !errors.Is(r.Err, engine.ErrIncomplete) {
				t.Errorf("incomplete entry: %v, want ErrIncomplete", r.Err)
			}
		case 7:
			if _, ok := engine.RetryAfter(r.Err); !ok || engine.IsTerminal(r.Err) || errors.Is(r.Err, engine.ErrUnknownOutcome) {
				t.Errorf("rate-limited entry: %v, want a RetryAfterError (not applied, retry later)", r.Err)
			}
		default:
			if r.Err != nil || r.Customer.ID != "SQ-"+cs[i].Key || r.Customer.ExternalRef != cs[i].Customer.ExternalRef {
				t.Fatalf("entry %d = %+v, %v", i, r.Customer, r.Err)
			}
		}
	}
	n := rec.count()
	res = b.client.CreateMany(t.Context(), []engine.Creation{cs[0], cs[0]})
	if res[0].Err != nil || !engine.IsTerminal(res[1].Err) || !errors.Is(res[1].Err, engine.ErrInvalid) {
		t.Fatalf("repeated key: %v, %v; want the first created and the second rejected as invalid", res[0].Err, res[1].Err)
	}
	if rec.count() != n+1 {
		t.Fatalf("repeated key: %d calls, want 1", rec.count()-n)
	}
	if res := b.client.CreateMany(t.Context(), nil); len(res) != 0 || rec.count() != n+1 {
		t.Fatalf("empty input = %v after %d calls, want nothing sent", res, rec.count()-n-1)
	}
}

func TestCreateManyRetriesAFailedCallWithTheSameBytes(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	ok := map[string]any{"responses": map[string]any{
		"a": map[string]any{"customer": customer("SA", "2026-03-04T10:00:00.000Z", nil)},
		"b": map[string]any{"customer": customer("SB", "2026-03-04T10:00:00.000Z", nil)},
	}}
	b := setup(t, sequence(&rec, &clk, reply{status: 503, body: []byte("busy")}, reply{status: 200, cut: true},
		reply{status: 200, body: ok}), nil)
	clk = b.clock
	res := b.client.CreateMany(t.Context(), []engine.Creation{
		{Key: "b", Customer: engine.Customer{ID: "2", Email: "b@example.com", ExternalRef: "2"}},
		{Key: "a", Customer: engine.Customer{ID: "1", Company: "A Ltd", ExternalRef: "1"}},
	})
	if res[0].Err != nil || res[1].Err != nil || res[0].Customer.ID != "SB" || res[1].Customer.ID != "SA" {
		t.Fatalf("CreateMany = %+v", res)
	}
	if rec.count() != 3 || rec.body(0) != rec.body(1) || rec.body(1) != rec.body(2) {
		t.Fatalf("bodies %q: want three identical sends", rec.bodies)
	}

	var rec2 recorder
	b2 := setup(t, sequence(&rec2, &clk, reply{status: 500, body: sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "")}), nil)
	res = b2.client.CreateMany(t.Context(), []engine.Creation{{Key: "a", Customer: newCustomer}})
	if !errors.Is(res[0].Err, engine.ErrUnknownOutcome) {
		t.Fatalf("a call that always fails: %v, want ErrUnknownOutcome on its entries", res[0].Err)
	}
}
