package square_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
)

// reply is one canned answer of a sequence handler.
type reply struct {
	status int
	body   any
	header map[string]string
	// drop closes the connection without an answer; cut sends half the body.
	drop, cut bool
}

// sequence answers with replies in order, repeating the last one.
func sequence(rec *recorder, clk **clock, replies ...reply) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, _ := rec.add(r)
		rp := replies[min(n, len(replies))-1]
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		switch {
		case rp.drop:
			panic(http.ErrAbortHandler)
		case rp.cut:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rp.status)
			_, _ = w.Write([]byte(`{"customer":{"id":"HALF`))
		default:
			writeJSON(w, *clk, rp.status, rp.body)
		}
	}
}

func created(id string) map[string]any {
	return map[string]any{"customer": customer(id, "2026-03-04T10:00:00.000Z", map[string]any{"reference_id": "local-1", "version": 0})}
}

var newCustomer = engine.Customer{ID: "local-1", FirstName: "Ada", Email: "ada@example.com", ExternalRef: "local-1"}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		status    int
		body      any
		calls     int
		terminal  bool
		is        []error
		isNot     []error
		field     string
		retryable bool // a RetryAfterError
	}{
		{"validation names the field", 400, sqErr("INVALID_REQUEST_ERROR", "VALUE_TOO_LONG", "given_name", "too long"),
			1, true, []error{engine.ErrInvalid}, []error{engine.ErrNotFound, engine.ErrUnknownOutcome}, "given_name", false},
		{"unauthorized", 401, sqErr("AUTHENTICATION_ERROR", "UNAUTHORIZED", "", "no"),
			1, true, nil, []error{engine.ErrInvalid, engine.ErrUnknownOutcome}, "", false},
		{"expired token", 401, sqErr("AUTHENTICATION_ERROR", "ACCESS_TOKEN_EXPIRED", "", "expired"),
			1, true, nil, []error{engine.ErrInvalid}, "", false},
		{"scopes", 403, sqErr("AUTHENTICATION_ERROR", "INSUFFICIENT_SCOPES", "", "scopes"),
			1, true, nil, nil, "", false},
		{"not found", 404, sqErr("INVALID_REQUEST_ERROR", "NOT_FOUND", "", "gone"),
			1, true, []error{engine.ErrNotFound}, []error{engine.ErrInvalid}, "", false},
		{"version mismatch", 409, sqErr("INVALID_REQUEST_ERROR", "VERSION_MISMATCH", "version", "stale"),
			1, true, []error{engine.ErrConflict}, []error{engine.ErrInvalid}, "version", false},
		{"conflict code", 400, sqErr("INVALID_REQUEST_ERROR", "CONFLICT", "", "conflict"),
			1, true, []error{engine.ErrConflict}, nil, "", false},
		{"idempotency key reused is a bug", 400, sqErr("INVALID_REQUEST_ERROR", "IDEMPOTENCY_KEY_REUSED", "idempotency_key", "reused"),
			1, true, nil, []error{engine.ErrInvalid, engine.ErrUnknownOutcome}, "idempotency_key", false},
		{"rate limited", 429, sqErr("RATE_LIMIT_ERROR", "RATE_LIMITED", "", "slow down"),
			6, false, nil, []error{engine.ErrUnknownOutcome}, "", true},
		{"server error", 500, sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "oops"),
			6, false, nil, []error{engine.ErrInvalid}, "", false},
		{"proxy page", 502, []byte("<html>bad gateway</html>"),
			6, false, nil, nil, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			var clk *clock
			b := setup(t, sequence(&rec, &clk, reply{status: tc.status, body: tc.body}), nil)
			clk = b.clock
			_, err := b.client.Get(t.Context(), "X")
			if err == nil {
				t.Fatal("Get succeeded")
			}
			if rec.count() != tc.calls {
				t.Errorf("%d calls, want %d", rec.count(), tc.calls)
			}
			if engine.IsTerminal(err) != tc.terminal {
				t.Errorf("IsTerminal = %v, want %v: %v", !tc.terminal, tc.terminal, err)
			}
			for _, s := range tc.is {
				if !errors.Is(err, s) {
					t.Errorf("error does not match %v: %v", s, err)
				}
			}
			for _, s := range tc.isNot {
				if errors.Is(err, s) {
					t.Errorf("error matches %v: %v", s, err)
				}
			}
			if _, ok := engine.RetryAfter(err); ok != tc.retryable {
				t.Errorf("RetryAfter present = %v, want %v", ok, tc.retryable)
			}
			apiErr, ok := errors.AsType[*square.APIError](err)
			if !ok || apiErr.Status != tc.status || apiErr.Field() != tc.field {
				t.Errorf("APIError = %+v, want status %d naming field %q", apiErr, tc.status, tc.field)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("token leaked: %v", err)
			}
		})
	}
}

func TestRateLimitBacksOffExponentiallyAndHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	limited := reply{status: 429, body: sqErr("RATE_LIMIT_ERROR", "RATE_LIMITED", "", "slow down")}
	b := setup(t, sequence(&rec, &clk, limited, limited, limited, limited, reply{status: 200, body: created("C1")}), nil)
	clk = b.clock
	if _, err := b.client.Get(t.Context(), "C1"); err != nil {
		t.Fatalf("Get after four 429s: %v", err)
	}
	slept := b.clock.Slept()
	if len(slept) != 4 {
		t.Fatalf("slept %v, want 4 waits", slept)
	}
	for i, d := range slept {
		step := 500 * time.Millisecond << i
		if d < step/2 || d > step {
			t.Errorf("wait %d = %s, want within [%s, %s] (exponential with jitter)", i, d, step/2, step)
		}
	}

	var rec2 recorder
	b2 := setup(t, sequence(&rec2, &clk, reply{status: 429, body: limited.body, header: map[string]string{"Retry-After": "7"}},
		reply{status: 200, body: created("C1")}), nil)
	if _, err := b2.client.Get(t.Context(), "C1"); err != nil || b2.clock.Slept()[0] != 7*time.Second {
		t.Fatalf("Get = %v after waits %v; want one wait of the 7 s Retry-After", err, b2.clock.Slept())
	}

	var rec3 recorder
	b3 := setup(t, sequence(&rec3, &clk, reply{status: 429, body: limited.body, header: map[string]string{"Retry-After": "600"}}), nil)
	_, err := b3.client.Get(t.Context(), "C1")
	at, ok := engine.RetryAfter(err)
	if !ok || !at.Equal(epoch.Add(600*time.Second)) || rec3.count() != 1 || len(b3.clock.Slept()) != 0 {
		t.Fatalf("Retry-After beyond MaxWait: %v (after %s, %d calls); want an immediate RetryAfterError at +600s", err, at, rec3.count())
	}
}

func TestCreateRetriesWithTheSameKeyAndBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		first reply
	}{
		{"500", reply{status: 500, body: sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "oops")}},
		{"503 proxy", reply{status: 503, body: []byte("unavailable")}},
		{"dropped connection", reply{drop: true}},
		{"cut-off body", reply{status: 200, cut: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			var clk *clock
			b := setup(t, sequence(&rec, &clk, tc.first, reply{status: 200, body: created("SQ1")}), nil)
			clk = b.clock
			got, err := b.client.Create(t.Context(), newCustomer, "accord-main-link-7")
			if err != nil || got.ID != "SQ1" {
				t.Fatalf("Create = %+v, %v; want the customer after one retry", got, err)
			}
			if rec.count() != 2 || rec.body(0) != rec.body(1) || !strings.Contains(rec.body(0), `"idempotency_key":"accord-main-link-7"`) {
				t.Fatalf("requests %q: want two identical bodies with the engine's key", rec.bodies)
			}
			if !strings.Contains(rec.body(0), `"reference_id":"local-1"`) {
				t.Fatalf("body %s lacks the external ref in reference_id", rec.body(0))
			}
		})
	}
}

func TestCreateGivesUpWithUnknownOutcomeOnlyWhenItMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, sequence(&rec, &clk, reply{status: 500, body: sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "oops")}), nil)
	clk = b.clock
	_, err := b.client.Create(t.Context(), newCustomer, "k")
	if !errors.Is(err, engine.ErrUnknownOutcome) || engine.IsTerminal(err) || rec.count() != 6 {
		t.Fatalf("always 500: %v after %d calls; want ErrUnknownOutcome after 5 retries", err, rec.count())
	}

	var rec2 recorder
	b2 := setup(t, sequence(&rec2, &clk, reply{status: 429, body: sqErr("RATE_LIMIT_ERROR", "RATE_LIMITED", "", "")}), nil)
	_, err = b2.client.Create(t.Context(), newCustomer, "k")
	if _, ok := engine.RetryAfter(err); !ok || errors.Is(err, engine.ErrUnknownOutcome) {
		t.Fatalf("always 429: %v; want a RetryAfterError and a known outcome (nothing applied)", err)
	}

	var rec3 recorder
	b3 := setup(t, sequence(&rec3, &clk, reply{status: 500, body: sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "")},
		reply{status: 429, body: sqErr("RATE_LIMIT_ERROR", "RATE_LIMITED", "", "")}), nil)
	_, err = b3.client.Create(t.Context(), newCustomer, "k")
	if _, ok := engine.RetryAfter(err); !ok || !errors.Is(err, engine.ErrUnknownOutcome) {
		t.Fatalf("500 then 429s: %v; want both ErrUnknownOutcome and a RetryAfterError", err)
	}

	// Nothing reached a server: a refused connection is not an unknown outcome.
	b4 := setup(t, sequence(&rec3, &clk, reply{status: 200}), func(o *square.Options) { o.MaxRetries = -1 })
	b4.server.Close()
	_, err = b4.client.Create(t.Context(), newCustomer, "k")
	if err == nil || errors.Is(err, engine.ErrUnknownOutcome) || engine.IsTerminal(err) {
		t.Fatalf("connection refused: %v; want a plain retryable error", err)
	}
}

func TestCreateRefusesWithoutARequest(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, sequence(&rec, &clk, reply{status: 200, body: created("X")}), nil)
	for name, tc := range map[string]struct {
		c   engine.Customer
		key string
		is  error
	}{
		"incomplete":      {engine.Customer{ID: "l", Phone: "12", ExternalRef: "l"}, "k", engine.ErrIncomplete},
		"no external ref": {engine.Customer{ID: "l", FirstName: "A"}, "k", engine.ErrInvalid},
		"no key":          {newCustomer, "", engine.ErrInvalid},
	} {
		_, err := b.client.Create(t.Context(), tc.c, tc.key)
		if !errors.Is(err, tc.is) || !engine.IsTerminal(err) {
			t.Errorf("%s: %v, want terminal %v", name, err, tc.is)
		}
	}
	if rec.count() != 0 {
		t.Fatalf("%d requests sent", rec.count())
	}
}

func TestGateIsAskedBeforeEveryRequest(t *testing.T) {
	t.Parallel()
	budget := errors.New("budget used up")
	var rec recorder
	var clk *clock
	allowed := 2
	b := setup(t, sequence(&rec, &clk, reply{status: 500, body: sqErr("API_ERROR", "INTERNAL_SERVER_ERROR", "", "")}),
		func(o *square.Options) {
			o.Gate = func(context.Context) error {
				if allowed == 0 {
					return budget
				}
				allowed--
				return nil
			}
		})
	clk = b.clock
	_, err := b.client.Create(t.Context(), newCustomer, "k")
	if !errors.Is(err, budget) || !errors.Is(err, engine.ErrUnknownOutcome) || rec.count() != 2 {
		t.Fatalf("Create = %v after %d requests; want the gate's error after 2, as an unknown outcome (a 500 came first)", err, rec.count())
	}
	if _, err := b.client.Get(t.Context(), "X"); !errors.Is(err, budget) || errors.Is(err, engine.ErrUnknownOutcome) || rec.count() != 2 {
		t.Fatalf("Get = %v; want the gate's error without a request", err)
	}
}
