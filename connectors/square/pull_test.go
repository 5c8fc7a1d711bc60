package square_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accordhq/accord/connectors/square"
	"github.com/accordhq/accord/engine"
)

// searchReq is what a test handler reads from a SearchCustomers body.
type searchReq struct {
	Limit  int    `json:"limit"`
	Cursor string `json:"cursor"`
	Query  struct {
		Filter *struct {
			UpdatedAt struct {
				StartAt string `json:"start_at"`
			} `json:"updated_at"`
		} `json:"filter"`
		Sort struct{ Field, Order string } `json:"sort"`
	} `json:"query"`
}

func parseSearch(t *testing.T, body string) searchReq {
	t.Helper()
	var s searchReq
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Errorf("search body %q: %v", body, err)
	}
	return s
}

func (s searchReq) startAt() string {
	if s.Query.Filter == nil {
		return ""
	}
	return s.Query.Filter.UpdatedAt.StartAt
}

// pages serves SearchCustomers from a map of Square cursor → response
// ("" is the first page) and records every request.
func pages(rec *recorder, clk **clock, byCursor map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, body := rec.add(r)
		var s searchReq
		_ = json.Unmarshal([]byte(body), &s)
		resp, ok := byCursor[s.Cursor]
		if !ok {
			writeJSON(w, *clk, 400, sqErr("INVALID_REQUEST_ERROR", "INVALID_CURSOR", "cursor", "bad cursor"))
			return
		}
		writeJSON(w, *clk, 200, resp)
	}
}

func TestPullFollowsSquaresCursorWithTheSameBody(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, pages(&rec, &clk, map[string]any{
		"":     map[string]any{"customers": []any{customer("A", "2026-03-04T09:00:00.000Z", nil)}, "cursor": "sq-2"},
		"sq-2": map[string]any{"customers": []any{customer("B", "2026-03-04T09:59:00.000Z", nil)}},
	}), nil)
	clk = b.clock

	p1, err := b.client.Pull(t.Context(), "")
	if err != nil || p1.Done || p1.Cursor == "" || len(p1.Customers) != 1 {
		t.Fatalf("page 1 = %+v, %v; want one customer, not done, a cursor to resume from", p1, err)
	}
	if got := b.client.Rewind(p1.Cursor); got != p1.Cursor {
		t.Fatalf("Rewind of a cursor inside a pass changed it: %s -> %s", p1.Cursor, got)
	}
	b.clock.Add(time.Hour) // a run that resumes much later still sends the same body
	p2, err := b.client.Pull(t.Context(), p1.Cursor)
	if err != nil || !p2.Done || p2.Cursor == "" || len(p2.Customers) != 1 {
		t.Fatalf("page 2 = %+v, %v; want done with the new watermark", p2, err)
	}
	first, second := parseSearch(t, rec.body(0)), parseSearch(t, rec.body(1))
	if first.Limit != 100 || first.Query.Sort.Field != "CREATED_AT" || first.Query.Sort.Order != "ASC" || first.startAt() != "" || first.Cursor != "" {
		t.Fatalf("first request %s: want limit 100, CREATED_AT ASC, no filter on a first full read", rec.body(0))
	}
	if second.Cursor != "sq-2" || strings.Replace(rec.body(1), `,"cursor":"sq-2"`, "", 1) != rec.body(0) {
		t.Fatalf("second request %s is not the first %s plus the cursor", rec.body(1), rec.body(0))
	}
	h := rec.heads[0]
	if h.Get("Square-Version") != "2025-08-20" || h.Get("Authorization") != "Bearer "+testToken || !strings.HasPrefix(h.Get("User-Agent"), "accord/") {
		t.Fatalf("headers %v: want the pinned Square-Version, the bearer token and accord's User-Agent", h)
	}

	// The next run rewinds the watermark by the overlap. The pass started
	// at 10:00 (the Date of page 1) and read B at 09:59: the watermark is
	// 09:59, so the next window starts at 09:57.
	rw := b.client.Rewind(p2.Cursor)
	if _, err := b.client.Pull(t.Context(), rw); err != nil {
		t.Fatal(err)
	}
	if got := parseSearch(t, rec.body(2)).startAt(); got != "2026-03-04T09:57:00.000Z" {
		t.Fatalf("next run's start_at = %q, want the watermark 09:59 minus 2 minutes", got)
	}
}

// watermark runs one single-page pass with records updated at the given
// times, served at Date 10:00 (or without a Date header), and returns the
// start_at of the following run.
func watermark(t *testing.T, withDate bool, overlap time.Duration, updated ...string) string {
	t.Helper()
	var rec recorder
	var clk *clock
	var elems []any
	for i, u := range updated {
		elems = append(elems, customer(string(rune('A'+i)), u, nil))
	}
	h := pages(&rec, &clk, map[string]any{"": map[string]any{"customers": elems}})
	b := setup(t, h, func(o *square.Options) { o.Overlap = overlap })
	if withDate {
		clk = b.clock
	}
	from := b.client.Rewind(`{"ts":"2026-03-04T08:00:00Z"}`)
	page, err := b.client.Pull(t.Context(), from)
	if err != nil || !page.Done {
		t.Fatalf("Pull = %+v, %v", page, err)
	}
	next := page.Cursor
	if next == "" {
		next = `{"ts":"2026-03-04T08:00:00Z"}`
	}
	if _, err := b.client.Pull(t.Context(), b.client.Rewind(next)); err != nil {
		t.Fatal(err)
	}
	return parseSearch(t, rec.body(1)).startAt()
}

func TestWatermarkRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		withDate bool
		updated  []string
		want     string
	}{
		{"latest change read, within the overlap of Square's clock", true,
			[]string{"2026-03-04T09:58:30.000Z", "2026-03-04T09:59:00.000Z"}, "2026-03-04T09:57:00.000Z"},
		{"equal timestamps keep the highest id, start inclusive", true,
			[]string{"2026-03-04T09:59:00.000Z", "2026-03-04T09:59:00.000Z"}, "2026-03-04T09:57:00.000Z"},
		{"old changes only: raised to Square's clock minus the overlap", true,
			[]string{"2026-03-04T08:10:00.000Z"}, "2026-03-04T09:56:00.000Z"},
		{"a change stamped after the pass began: capped at Square's clock", true,
			[]string{"2026-03-04T10:30:00.000Z"}, "2026-03-04T09:58:00.000Z"},
		{"no Date header: the highest change read", false,
			[]string{"2026-03-04T08:10:00.000Z", "2026-03-04T10:30:00.000Z"}, "2026-03-04T10:28:00.000Z"},
		{"nothing read, no Date header: unchanged", false, nil, "2026-03-04T07:58:00.000Z"},
	} {
		if got := watermark(t, tc.withDate, 2*time.Minute, tc.updated...); got != tc.want {
			t.Errorf("%s: next start_at = %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := watermark(t, true, 10*time.Minute, "2026-03-04T09:59:00.000Z"); got != "2026-03-04T09:49:00.000Z" {
		t.Errorf("Overlap 10m: next start_at = %s, want 09:59 minus 10 minutes", got)
	}
}

func TestIdlePullIsOneCallAndStoresNothing(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, pages(&rec, &clk, map[string]any{"": map[string]any{}}), nil)
	clk = b.clock
	// A watermark at Square's clock minus the overlap does not move on an
	// idle run at the same time.
	stored := `{"ts":"2026-03-04T09:58:00Z"}`
	page, err := b.client.Pull(t.Context(), b.client.Rewind(stored))
	if err != nil || !page.Done || page.Cursor != "" || len(page.Customers) != 0 || rec.count() != 1 {
		t.Fatalf("idle pull = %+v, %v after %d calls; want Done, cursor \"\" (keep the stored one), 1 call", page, err, rec.count())
	}
	// An hour later the idle run moves the watermark up to the clock minus
	// the overlap, still in one call, so old changes are not re-read for ever.
	b.clock.Add(time.Hour)
	page, err = b.client.Pull(t.Context(), b.client.Rewind(stored))
	if err != nil || !page.Done || page.Cursor == "" || rec.count() != 2 {
		t.Fatalf("idle pull an hour later = %+v, %v after %d calls; want Done with a new watermark, 1 more call", page, err, rec.count())
	}
	if calls := b.client.Calls(); calls != 2 {
		t.Fatalf("Calls() = %d, want 2", calls)
	}
}

func TestResumedPassRestartsWhenSquareRejectsItsCursor(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, pages(&rec, &clk, map[string]any{
		"":        map[string]any{"customers": []any{customer("A", "2026-03-04T09:00:00.000Z", nil)}, "cursor": "expires"},
		"renewed": map[string]any{"customers": []any{customer("B", "2026-03-04T09:01:00.000Z", nil)}},
	}), nil)
	clk = b.clock
	p1, err := b.client.Pull(t.Context(), b.client.Rewind(`{"ts":"2026-03-04T08:00:00Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	// Square no longer knows "expires": the pass starts over from its
	// window start and returns the first page again.
	p2, err := b.client.Pull(t.Context(), p1.Cursor)
	if err != nil || len(p2.Customers) != 1 || p2.Customers[0].ID != "A" || p2.Done {
		t.Fatalf("resumed pull = %+v, %v; want page 1 of a restarted pass", p2, err)
	}
	if rec.count() != 3 || parseSearch(t, rec.body(2)).Cursor != "" || parseSearch(t, rec.body(2)).startAt() != "2026-03-04T07:58:00.000Z" {
		t.Fatalf("requests %v: want the rejected one followed by the window's first page", rec.bodies)
	}
}

func TestPullErrors(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	b := setup(t, pages(&rec, &clk, map[string]any{
		"":      map[string]any{"customers": []any{}, "cursor": "again"},
		"again": map[string]any{"customers": []any{}, "cursor": "again"},
	}), nil)
	_, err := b.client.Pull(t.Context(), "{not json")
	if !errors.Is(err, engine.ErrInvalid) || !engine.IsTerminal(err) || rec.count() != 0 {
		t.Fatalf("malformed cursor: %v; want terminal ErrInvalid without a call", err)
	}
	p, err := b.client.Pull(t.Context(), "")
	if err != nil || p.Done {
		t.Fatalf("empty page with a cursor = %+v, %v; want not done (Square's limit is advisory)", p, err)
	}
	if _, err = b.client.Pull(t.Context(), p.Cursor); err == nil || !strings.Contains(err.Error(), "for ever") {
		t.Fatalf("a cursor that does not move: %v, want an error", err)
	}
}

func TestMalformedRecordsAreQuarantinedAndThePageGoesOn(t *testing.T) {
	t.Parallel()
	var rec recorder
	var clk *clock
	elems := []any{
		customer("GOOD1", "2026-03-04T09:00:00.000Z", nil),
		customer("", "2026-03-04T09:00:00.000Z", nil),
		customer("TYPE", "2026-03-04T09:00:00.000Z", map[string]any{"given_name": 42}),
		customer("STAMP", "2026-13-01T00:00:00Z", nil),
		customer("NOSTAMP", "", nil),
		customer("BDAY", "2026-03-04T09:30:00.000Z", map[string]any{"birthday": "1990-02-30"}),
		json.RawMessage(`"not an object"`),
		customer("GOOD2", "2026-03-04T09:10:00.000Z", map[string]any{"birthday": "0000-02-29"}),
	}
	b := setup(t, pages(&rec, &clk, map[string]any{"": map[string]any{"customers": elems}}), nil)
	page, err := b.client.Pull(t.Context(), "")
	if err != nil || !page.Done {
		t.Fatalf("Pull = %+v, %v", page, err)
	}
	if len(page.Customers) != 2 || page.Customers[0].ID != "GOOD1" || page.Customers[1].Birthday != "0000-02-29" {
		t.Fatalf("customers = %+v, want GOOD1 and GOOD2 (birthday without a year kept)", page.Customers)
	}
	want := map[string]string{"": "field id", "TYPE": "field given_name", "STAMP": "field updated_at",
		"NOSTAMP": "field updated_at: missing", "BDAY": "field birthday"}
	for _, q := range page.Bad {
		if w, ok := want[q.ID]; ok && strings.Contains(q.Reason, w) && len(q.Raw) > 0 {
			delete(want, q.ID)
		} else if q.ID != "" || !strings.Contains(q.Reason, "not a customer object") {
			t.Errorf("quarantined %q: %q", q.ID, q.Reason)
		}
	}
	if len(want) != 0 || len(page.Bad) != 6 {
		t.Fatalf("%d quarantined, missing %v", len(page.Bad), want)
	}
	// The quarantined BDAY at 09:30 still counts for the watermark.
	if _, err := b.client.Pull(t.Context(), b.client.Rewind(page.Cursor)); err != nil {
		t.Fatal(err)
	}
	if got := parseSearch(t, rec.body(1)).startAt(); got != "2026-03-04T09:28:00.000Z" {
		t.Fatalf("next start_at %s, want 09:30 (the quarantined record) minus 2 minutes", got)
	}
}
