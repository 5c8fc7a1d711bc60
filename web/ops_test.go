package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
)

// fakeOps answers Ensure and SyncRecord with what the test sets.
type fakeOps struct {
	EnsureFunc func(pair, localID string) (EnsureResult, error)
	SyncFunc   func(pair string, side engine.Side, id string) (engine.Run, error)
}

func (f *fakeOps) Ensure(_ context.Context, pair, localID string) (EnsureResult, error) {
	return f.EnsureFunc(pair, localID)
}

func (f *fakeOps) SyncRecord(_ context.Context, pair string, side engine.Side, id string) (engine.Run, error) {
	return f.SyncFunc(pair, side, id)
}

// apiToken signs in and creates an API token in the dashboard.
func (b *testBundle) apiToken() string {
	b.t.Helper()
	res := b.post(b.login(), "/account/tokens", url.Values{"name": {"till"}})
	body, _ := io.ReadAll(res.Body)
	_, after, _ := strings.Cut(string(body), `data-testid="new-token">`)
	token, _, _ := strings.Cut(after, "<")
	if !strings.HasPrefix(token, tokenPrefix) {
		b.t.Fatalf("token %q", token)
	}
	return token
}

func (b *testBundle) callJSON(token, path, body string) (int, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestEnsureAPIAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	token := b.apiToken()
	if code, out := b.callJSON(token, "/api/v1/pairs/main/ensure", `{"local_id":"11"}`); code != http.StatusNotImplemented {
		t.Errorf("without record operations: %d %v", code, out)
	}
	var fail error
	b.h.RecordOps = &fakeOps{EnsureFunc: func(pair, id string) (EnsureResult, error) {
		if fail != nil {
			return EnsureResult{}, fail
		}
		return EnsureResult{UpstreamID: "u-" + id, Created: true, LinkID: 9}, nil
	}}
	code, out := b.callJSON(token, "/api/v1/pairs/main/ensure", `{"local_id":"11"}`)
	if code != http.StatusOK || out["upstream_id"] != "u-11" || out["created"] != true || out["link_id"] != float64(9) {
		t.Errorf("ensure: %d %v", code, out)
	}
	for _, tc := range []struct {
		err  error
		code int
		name string
	}{
		{fmt.Errorf("engine: ensure local 11: awaiting_review: %w", engine.ErrNeedsReview), http.StatusConflict, "needs_review"},
		{fmt.Errorf("engine: ensure local 11: %w", engine.ErrIncomplete), http.StatusUnprocessableEntity, "incomplete"},
		{fmt.Errorf("engine: read local 11: %w", engine.ErrNotFound), http.StatusUnprocessableEntity, "not_found"},
		{fmt.Errorf("engine: ensure local 11: %w", engine.ErrUnknownOutcome), http.StatusServiceUnavailable, "unknown_outcome"},
		{fmt.Errorf("waiting: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "busy"},
		{fmt.Errorf("pair main: %w", ErrNotSynced), http.StatusConflict, "not_synced"},
		{errors.New("disk on fire"), http.StatusInternalServerError, "internal"},
	} {
		fail = tc.err
		code, out := b.callJSON(token, "/api/v1/pairs/main/ensure", `{"local_id":"11"}`)
		e, _ := out["error"].(map[string]any)
		if code != tc.code || e["code"] != tc.name {
			t.Errorf("%v: %d %v; want %d %s", tc.err, code, out, tc.code, tc.name)
		}
		if m, _ := e["message"].(string); strings.Contains(m, "engine:") || (tc.code < 500 && strings.Contains(m, "fire")) {
			t.Errorf("%v: message %q", tc.err, m)
		}
	}
	if code, _ := b.callJSON(token, "/api/v1/pairs/main/ensure", `{"local":"11"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("a body without local_id: %d", code)
	}
}

func TestSyncNowButton(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	if b.page(c, "/pairs/main/links/1", http.StatusOK).Find(testid("sync-now")).Length() != 0 {
		t.Error("Sync now is offered by a server that cannot sync records")
	}
	var synced []string
	b.h.RecordOps = &fakeOps{SyncFunc: func(pair string, side engine.Side, id string) (engine.Run, error) {
		synced = append(synced, pair+" "+string(side)+" "+id)
		if id == "u-13" {
			return engine.Run{}, fmt.Errorf("engine: lock pair main: %w", engine.ErrLocked)
		}
		counts := engine.Counts{}
		counts.Add(engine.OutcomeConflict, engine.ReasonFieldsDiffer, 1)
		return engine.Run{ID: 77, Pair: pair, Status: engine.RunSucceeded, Trigger: "record", Counts: counts}, nil
	}}
	doc := b.page(c, "/pairs/main/links/1", http.StatusOK)
	if doc.Find(`form[action="/pairs/main/links/1/sync"] `+testid("sync-now")).Length() != 1 {
		t.Fatal("the link page has no Sync now form")
	}
	res := b.post(c, "/pairs/main/links/1/sync", url.Values{})
	b.expectRedirect(c, res, "/pairs/main/links/1", "Both records were read again: 1 in conflict")
	if len(synced) != 1 || synced[0] != "main local 13" {
		t.Errorf("synced %v, want the link's local record", synced)
	}

	token := b.apiToken()
	code, out := b.callJSON(token, "/api/v1/pairs/main/records/sync", `{"side":"upstream","id":"u-13"}`)
	if e, _ := out["error"].(map[string]any); code != http.StatusServiceUnavailable || e["code"] != "busy" {
		t.Errorf("sync while a run holds the pair: %d %v", code, out)
	}
	code, out = b.callJSON(token, "/api/v1/pairs/main/records/sync", `{"side":"local","id":"13"}`)
	run, _ := out["run"].(map[string]any)
	if code != http.StatusOK || run["id"] != float64(77) || len(out["links"].([]any)) != 1 {
		t.Errorf("sync: %d %v", code, out)
	}
}
