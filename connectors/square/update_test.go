package square_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestUpdateSendsASparseBody(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, sequence(&rec, &clk, reply{status: 200, body: created("SQ1")}), nil)
	clk = b.clock
	_, err := b.client.Update(t.Context(), "SQ1", map[string]string{
		engine.FieldEmail: "new@example.com", engine.FieldPhone: "", engine.FieldCountry: "nz", engine.FieldCity: "Auckland",
	})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(rec.body(0)), &body); err != nil {
		t.Fatal(err)
	}
	addr, _ := body["address"].(map[string]any)
	_, hasVersion := body["version"]
	if rec.paths[0] != "PUT /v2/customers/SQ1" || body["email_address"] != "new@example.com" || body["phone_number"] != nil ||
		addr["country"] != "NZ" || addr["locality"] != "Auckland" || len(body) != 3 || hasVersion {
		t.Fatalf("%s %s: want only the three fields, phone as null, country upper-cased, no version", rec.paths[0], rec.body(0))
	}
	for name, fields := range map[string]map[string]string{
		"mobile":       {engine.FieldMobile: "+64 21 555 0101"},
		"account code": {engine.FieldAccountCode: "C-1"},
		"bad phone":    {engine.FieldPhone: "call me"},
		"too long":     {engine.FieldFirstName: string(make([]byte, 301))},
		"nothing":      {},
	} {
		if _, err := b.client.Update(t.Context(), "SQ1", fields); !errors.Is(err, engine.ErrInvalid) || !engine.IsTerminal(err) {
			t.Errorf("%s: %v, want terminal ErrInvalid", name, err)
		}
	}
	if rec.count() != 1 {
		t.Fatalf("%d requests, want the invalid updates refused without one", rec.count())
	}
}

func TestUpdateVersionConflictAndItsOwnRetry(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	mismatch := reply{status: 409, body: sqErr("INVALID_REQUEST_ERROR", "VERSION_MISMATCH", "version", "stale")}
	b := setup(t, sequence(&rec, &clk, mismatch), nil)
	clk = b.clock
	_, err := b.client.UpdateVersion(t.Context(), "SQ1", map[string]string{engine.FieldFirstName: "Ada"}, 3)
	if !errors.Is(err, engine.ErrConflict) || !engine.IsTerminal(err) || rec.count() != 1 {
		t.Fatalf("stale version: %v after %d calls, want terminal ErrConflict at once", err, rec.count())
	}
	if got := rec.body(0); got != `{"given_name":"Ada","version":3}` {
		t.Fatalf("body %s, want the field and the version", got)
	}

	// The first attempt is applied but its answer is lost; the retry meets
	// the new version. The client reads the customer and finds its write.
	var rec2 recorder
	applied := customer("SQ1", "2026-03-04T10:00:00.000Z", map[string]any{"given_name": "Ada", "version": 4})
	h := func(w http.ResponseWriter, r *http.Request) {
		n, _ := rec2.add(r)
		switch {
		case n == 1:
			writeJSON(w, clk, 502, []byte("bad gateway"))
		case r.Method == http.MethodPut:
			writeJSON(w, clk, 409, mismatch.body)
		default:
			writeJSON(w, clk, 200, map[string]any{"customer": applied})
		}
	}
	b2 := setup(t, h, nil)
	got, err := b2.client.UpdateVersion(t.Context(), "SQ1", map[string]string{engine.FieldFirstName: "Ada"}, 3)
	if err != nil || got.Version != 4 || rec2.count() != 3 || rec2.paths[2] != "GET /v2/customers/SQ1" {
		t.Fatalf("UpdateVersion = %+v, %v after %v; want success read back at version 4", got, err, rec2.paths)
	}
}
