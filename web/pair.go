package web

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// withPair loads the pair named in the path for the routes under
// /pairs/:pair; an unknown pair is a 404.
func (h *Handler) withPair(c *gin.Context) {
	pairs, err := h.Pairs.Pairs(c.Request.Context())
	if err != nil {
		h.serverError(c, err)
		return
	}
	c.Set(ctxPairs, pairs)
	name := c.Param("pair")
	for _, p := range pairs {
		if p.Name == name {
			c.Set(ctxPair, p)
			c.Next()
			return
		}
	}
	h.fail(c, invalidPair(name))
}

func invalidPair(name string) error {
	return &notFoundError{what: "sync " + name}
}

type notFoundError struct{ what string }

func (e *notFoundError) Error() string { return e.what + ": " + engine.ErrNotFound.Error() }
func (e *notFoundError) Unwrap() error { return engine.ErrNotFound }

func pairOf(c *gin.Context) PairInfo {
	p, _ := c.Get(ctxPair)
	v, _ := p.(PairInfo)
	return v
}

// pairURL is a page of the current pair.
func pairURL(pair, page string) string {
	u := "/pairs/" + url.PathEscape(pair)
	if page != "" {
		u += "/" + page
	}
	return u
}

// shell builds the frame of a page: the pair's navigation with counts of
// open work, the account links and the flash message.
func (h *Handler) shell(c *gin.Context, title, active string) views.Shell {
	s := views.Shell{Title: title, User: who(c).Email, Active: active, CSS: h.assets.url("app.css"),
		JS: h.assets.url("app.js"), TokensURL: "/account/tokens", LogoutURL: "/logout", Flash: h.takeFlash(c)}
	p := pairOf(c)
	if ps, ok := c.Get(ctxPairs); ok {
		for _, q := range ps.([]PairInfo) {
			s.Pairs = append(s.Pairs, views.Link{Label: q.Name, URL: pairURL(q.Name, ""), Current: q.Name == p.Name})
		}
	}
	if p.Name == "" {
		return s
	}
	s.Pair = p.Name
	if title != "" && title != p.Name {
		s.Title = title + " · " + p.Name
	}
	w, _ := h.work.get(c.Request.Context(), h.Overview, p.Name)
	badge := func(n int) string {
		if n == 0 {
			return ""
		}
		return fmtInt(n)
	}
	s.Nav = []views.NavItem{
		{Key: "overview", Label: "Overview", URL: pairURL(p.Name, "")},
		{Key: "suggestions", Label: "Suggested matches", URL: pairURL(p.Name, "suggestions"), Badge: badge(w.Suggestions), Tone: "info"},
		{Key: "conflicts", Label: "Conflicts", URL: pairURL(p.Name, "conflicts"), Badge: badge(w.ConflictLinks), Tone: "warn"},
		{Key: "duplicates", Label: "Duplicates", URL: pairURL(p.Name, "duplicates"), Badge: badge(w.DuplicateSets), Tone: "info"},
		{Key: "links", Label: "Links", URL: pairURL(p.Name, "links"), Badge: badge(w.UpstreamDeletes), Tone: "warn"},
		{Key: "runs", Label: "Runs", URL: pairURL(p.Name, "runs")},
		{Key: "outbox", Label: "Outbox", URL: pairURL(p.Name, "outbox"), Badge: badge(w.DeadLetters), Tone: "bad"},
		{Key: "plans", Label: "Held plans", URL: pairURL(p.Name, "plans"), Badge: badge(w.HeldPlans), Tone: "warn"},
		{Key: "audit", Label: "Audit log", URL: pairURL(p.Name, "audit")},
		{Key: "connections", Label: "Connections", URL: pairURL(p.Name, "connections")},
		{Key: "settings", Label: "Settings", URL: pairURL(p.Name, "settings")},
	}
	return s
}

// workCache keeps each pair's open-work counts for a few seconds. Every
// page shows them in the navigation; counting a hundred thousand open
// suggestions on each page view would cost more than the page. A decision
// made here drops the pair's entry at once.
type workCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]workEntry
}

type workEntry struct {
	at         time.Time
	w          OpenWork
	refreshing bool
}

// get returns the pair's counts, counting afresh when they are older than
// the cache's lifetime. While one request counts, the others get the
// previous counts rather than all counting at once.
func (wc *workCache) get(ctx context.Context, src OverviewStore, pair string) (OpenWork, error) {
	wc.mu.Lock()
	e, ok := wc.entries[pair]
	if ok && (wc.now().Sub(e.at) < wc.ttl || e.refreshing) {
		wc.mu.Unlock()
		return e.w, nil
	}
	if ok {
		e.refreshing = true
		wc.entries[pair] = e
	}
	wc.mu.Unlock()
	w, err := src.OpenWork(ctx, pair)
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if err != nil {
		if cur, ok := wc.entries[pair]; ok {
			cur.refreshing = false
			wc.entries[pair] = cur
		}
		return OpenWork{}, err
	}
	wc.entries[pair] = workEntry{at: wc.now(), w: w}
	return w, nil
}

func (wc *workCache) forget(pair string) {
	wc.mu.Lock()
	delete(wc.entries, pair)
	wc.mu.Unlock()
}
