package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestOverviewPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.page(b.login(), "/pairs/main", http.StatusOK)
	for id, want := range map[string]string{
		"work-suggestions": "2", "work-conflicts": "1", "work-duplicates": "1", "work-dead": "1",
	} {
		if got := text(doc, testid(id)+" .n"); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if got := text(doc, testid("last-run")); !strings.Contains(got, "Run 2") || !strings.Contains(got, "Held") {
		t.Errorf("last run: %q", got)
	}
	if got := text(doc, testid("budget")); !strings.Contains(got, "42 calls") || !strings.Contains(got, "5,000") {
		t.Errorf("budget: %q", got)
	}
	if got := text(doc, testid("outcome-counts")); !strings.Contains(got, "Planned") || !strings.Contains(got, "held for approval") {
		t.Errorf("outcome counts: %q", got)
	}
	for _, id := range []string{"chart-changed", "chart-calls"} {
		if doc.Find(testid(id)+" svg").Length() != 1 {
			t.Errorf("%s: no SVG chart", id)
		}
	}
	if doc.Find(testid("chart-changed")+" rect.bar").Length() != 2 {
		t.Errorf("changed chart: %d bars, want one per finished run", doc.Find(testid("chart-changed")+" rect.bar").Length())
	}
	if doc.Find(testid("run-now")).Length() != 1 {
		t.Error("no Run now button")
	}
	if got := text(doc, testid("nav-suggestions")+" .count"); got != "2" {
		t.Errorf("navigation count of suggestions = %q", got)
	}
}

func TestSuggestionsPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	doc := b.page(c, "/pairs/main/suggestions", http.StatusOK)
	cards := doc.Find(testid("suggestion"))
	if cards.Length() != 2 {
		t.Fatalf("%d suggestion cards, want the 2 open ones", cards.Length())
	}
	first := cards.First()
	if id, _ := first.Attr("data-id"); id != "1" {
		t.Errorf("first card is suggestion %s", id)
	}
	// Ann's phones differ: that row is marked; her email is the evidence.
	var phoneDiffers, emailEvidence bool
	first.Find(testid("field-row")).Each(func(_ int, r *goquery.Selection) {
		label := strings.TrimSpace(r.Find("th").Text())
		if strings.HasPrefix(label, "Phone") {
			_, phoneDiffers = r.Attr("data-differs")
		}
		if strings.HasPrefix(label, "Email") {
			emailEvidence = strings.Contains(label, "matched")
			if _, d := r.Attr("data-differs"); d {
				t.Error("equal emails marked as differing")
			}
		}
	})
	if !phoneDiffers || !emailEvidence {
		t.Errorf("phone differs %v, email shown as evidence %v", phoneDiffers, emailEvidence)
	}
	if got := first.Find(testid("suggestion-reason")).Text(); got != "Email shared by several records" {
		t.Errorf("reason %q", got)
	}
	for _, id := range []string{"approve", "reject"} {
		if first.Find(testid(id)).Length() != 1 {
			t.Errorf("no %s button", id)
		}
	}
	if doc.Find(testid("bulk-form")).Length() != 1 {
		t.Error("no bulk approval form")
	}

	// Filters: rejected ones are history, without actions.
	doc = b.page(c, "/pairs/main/suggestions?status=rejected", http.StatusOK)
	if n := doc.Find(testid("suggestion")).Length(); n != 1 || doc.Find(testid("approve")).Length() != 0 {
		t.Errorf("rejected filter: %d cards, %d approve buttons", n, doc.Find(testid("approve")).Length())
	}
	doc = b.page(c, "/pairs/main/suggestions?min_score=0.9", http.StatusOK)
	if n := doc.Find(testid("suggestion")).Length(); n != 1 {
		t.Errorf("min_score 0.9: %d cards", n)
	}
	doc = b.page(c, "/pairs/main/suggestions?q=12", http.StatusOK)
	if id, _ := doc.Find(testid("suggestion")).Attr("data-id"); id != "2" {
		t.Errorf("search by id 12: card %q", id)
	}
	b.page(c, "/pairs/main/suggestions?min_score=2", http.StatusUnprocessableEntity)
	doc = b.page(c, "/pairs/main/suggestions?limit=1", http.StatusOK)
	next, ok := doc.Find(testid("pager-next")).Attr("href")
	if !ok || !strings.Contains(next, "after=0.97%3A1") {
		t.Fatalf("next page link %q", next)
	}
	doc = b.page(c, next, http.StatusOK)
	if id, _ := doc.Find(testid("suggestion")).Attr("data-id"); id != "2" {
		t.Errorf("second page starts with %q", id)
	}
	b.page(c, "/pairs/other/suggestions", http.StatusNotFound)
}

func TestEmptyQueue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.suggestions = nil
	doc := b.page(b.login(), "/pairs/main/suggestions", http.StatusOK)
	if got := text(doc, testid("empty")); !strings.Contains(got, "Nothing to review") {
		t.Errorf("empty state %q", got)
	}
}

func TestReviewPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()

	doc := b.page(c, "/pairs/main/conflicts", http.StatusOK)
	g := doc.Find(testid("conflict-group"))
	if g.Length() != 1 {
		t.Fatalf("%d conflict groups", g.Length())
	}
	field := g.Find(`[data-conflict="7"]`)
	if !strings.Contains(field.Text(), "021 1") || !strings.Contains(field.Text(), "021 2") {
		t.Errorf("conflict row %q lacks both values", field.Text())
	}
	for _, id := range []string{"keep-local", "keep-upstream", "keep-both"} {
		if field.Find(testid(id)).Length() != 1 {
			t.Errorf("no %s button", id)
		}
	}

	doc = b.page(c, "/pairs/main/duplicates", http.StatusOK)
	set := doc.Find(testid("duplicate-set"))
	if set.Length() != 1 || set.Find(testid("duplicate-member")).Length() != 2 {
		t.Fatalf("duplicates: %d sets", set.Length())
	}
	if set.Find(`input[name="survivor"]`).Length() != 2 || set.Find(testid("choose-survivor")).Length() != 1 {
		t.Error("no survivor choice")
	}

	doc = b.page(c, "/pairs/main/links", http.StatusOK)
	if n := doc.Find(testid("link-row")).Length(); n != 2 {
		t.Errorf("%d links", n)
	}
	doc = b.page(c, "/pairs/main/links?q=u-13", http.StatusOK)
	if n := doc.Find(testid("link-row")).Length(); n != 1 {
		t.Errorf("search by upstream id: %d links", n)
	}
	doc = b.page(c, "/pairs/main/links/1", http.StatusOK)
	if got := text(doc, testid("evidence")); !strings.Contains(got, "cat@mail.nz") {
		t.Errorf("evidence %q", got)
	}
	if doc.Find(testid("unlink")).Length() != 1 {
		t.Error("no unlink button on an active link")
	}
	doc = b.page(c, "/pairs/main/links/2", http.StatusOK)
	if doc.Find(testid("unlink")).Length() != 0 {
		t.Error("a pending link offers unlink")
	}
}

func TestRunPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	doc := b.page(c, "/pairs/main/runs", http.StatusOK)
	if n := doc.Find(testid("run-row")).Length(); n != 2 {
		t.Fatalf("%d runs", n)
	}
	doc = b.page(c, "/pairs/main/runs/1", http.StatusOK)
	if n := doc.Find(testid("outcome")).Length(); n != 3 {
		t.Errorf("%d outcomes", n)
	}
	doc = b.page(c, "/pairs/main/runs/1?kind=skipped", http.StatusOK)
	if n := doc.Find(testid("outcome")).Length(); n != 1 || !strings.Contains(doc.Find(testid("outcome")).Text(), "requires a first or last name") {
		t.Errorf("skipped filter: %d outcomes: %q", n, doc.Find(testid("outcome")).Text())
	}
	doc = b.page(c, "/pairs/main/runs/1?kind=failed", http.StatusOK)
	if !strings.Contains(doc.Find(testid("outcome")).Text(), "Refused by the other side") {
		t.Errorf("failed filter: %q", doc.Find(testid("outcome")).Text())
	}
	doc = b.page(c, "/pairs/main/runs/2", http.StatusOK)
	if !strings.Contains(text(doc, testid("run-held")), "exceed the guard") {
		t.Errorf("held run: %q", text(doc, testid("run-held")))
	}

	doc = b.page(c, "/pairs/main/outbox", http.StatusOK)
	w := doc.Find(testid("write"))
	if w.Length() != 1 || w.Find(testid("retry")).Length() != 1 || !strings.Contains(w.Text(), "date_of_birth") {
		t.Errorf("dead letters: %q", w.Text())
	}
	doc = b.page(c, "/pairs/main/outbox?status=held", http.StatusOK)
	if n := doc.Find(testid("write")).Length(); n != 2 || doc.Find(testid("retry")).Length() != 0 {
		t.Errorf("held writes: %d", n)
	}
	doc = b.page(c, "/pairs/main/plans", http.StatusOK)
	if p := doc.Find(testid("plan")); p.Length() != 1 || !strings.Contains(p.Text(), "2 writes wait") {
		t.Errorf("plans: %q", p.Text())
	}
	doc = b.page(c, "/pairs/main/audit", http.StatusOK)
	if doc.Find(testid("empty")).Length() != 1 {
		t.Error("no empty state on an empty audit log")
	}
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	doc := b.page(c, "/pairs/main/connections", http.StatusOK)
	if n := doc.Find(testid("connection-side")).Length(); n != 2 {
		t.Errorf("%d connection sides", n)
	}
	// The fixture's runs succeed and one write is a dead letter: the pair
	// is degraded, but both sides answer, so neither is marked degraded.
	if !strings.Contains(doc.Find("main").Text(), "some writes were refused") {
		t.Error("the page does not say that writes were refused")
	}
	doc.Find(testid("connection-side")).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "Degraded") {
			t.Errorf("side %q is marked degraded for a refused write", s.Find("h2").Text())
		}
	})
	if doc.Find(testid("test-connection")).Length() != 1 {
		t.Error("no test button")
	}
	if doc.Find(testid("connect")).Length() != 0 {
		t.Error("a Connect button without an OAuth provider")
	}
	doc = b.page(c, "/pairs/main/settings", http.StatusOK)
	for _, f := range []string{"schedule", "max_creates", "max_percent", "calls_per_day"} {
		if doc.Find(testid("setting-"+f)).Length() != 1 {
			t.Errorf("no %s field", f)
		}
	}
	if got := text(doc, testid("effective-max_creates")); got != "500" {
		t.Errorf("effective guard %q", got)
	}
	doc = b.page(c, "/account/tokens", http.StatusOK)
	if doc.Find(testid("create-token")).Length() != 1 {
		t.Error("no create-token form")
	}
}

func TestConnectButtonWithOAuth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.h.OAuthProviders = []string{"lightspeed"}
	doc := b.page(b.login(), "/pairs/main/connections", http.StatusOK)
	href, _ := doc.Find(testid("connect")).Attr("href")
	if href != "/connect/lightspeed?pair=main" {
		t.Errorf("connect link %q", href)
	}
}

func TestConnectionState(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.store.runs[1].Status, b.store.runs[1].Error = "failed", "engine: pull upstream: lightspeed: HTTP 401 Unauthorized"
	doc := b.page(b.login(), "/pairs/main/connections", http.StatusOK)
	if got := text(doc, ".pagehead .badge"); got != "Needs re-authorisation" {
		t.Errorf("state %q", got)
	}
}
