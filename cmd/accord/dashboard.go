package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/matchers"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

// dashboardStore adapts the store to the interfaces package web declares:
// web imports engine only, so the filter and entry types are converted
// here. Methods whose signatures already agree come from the embedded
// store.
type dashboardStore struct {
	*store.DB
	cfg Config

	mu       sync.Mutex
	settings map[string]settingsEntry // pair settings, cached briefly
}

type settingsEntry struct {
	at time.Time
	s  store.PairSettings
	ok bool
}

// settingsTTL bounds how stale another process's settings change may look
// here; changes made through this process are seen at once.
const settingsTTL = 5 * time.Second

func newDashboardStore(db *store.DB, cfg Config) *dashboardStore {
	return &dashboardStore{DB: db, cfg: cfg, settings: map[string]settingsEntry{}}
}

func (d *dashboardStore) pairSettings(ctx context.Context, pair string) (store.PairSettings, bool, error) {
	d.mu.Lock()
	e, ok := d.settings[pair]
	d.mu.Unlock()
	if ok && time.Since(e.at) < settingsTTL {
		return e.s, e.ok, nil
	}
	s, err := d.FindPairSettings(ctx, pair)
	found := err == nil
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return s, false, err
	}
	d.mu.Lock()
	d.settings[pair] = settingsEntry{at: time.Now(), s: s, ok: found}
	d.mu.Unlock()
	return s, found, nil
}

// Pairs lists the configured pairs with the dashboard's overrides applied.
func (d *dashboardStore) Pairs(ctx context.Context) ([]web.PairInfo, error) {
	out := make([]web.PairInfo, 0, len(d.cfg.Pairs))
	for _, p := range d.cfg.Pairs {
		s, saved, err := d.pairSettings(ctx, p.Name)
		if err != nil {
			return nil, err
		}
		eff := p
		if saved {
			eff = applyOverrides(p, s)
		}
		out = append(out, web.PairInfo{
			Name: p.Name, LocalType: p.Local.Type, LocalTable: p.Local.Table, UpstreamType: p.Upstream.Type,
			UpstreamURL: p.Upstream.BaseURL, Fields: comparedFields(p.Local.Fields),
			CreateUpstream: *p.CreateUpstream, CreateLocal: *p.CreateLocal,
			Schedule:    web.Setting[string]{Value: eff.Schedule, Configured: p.Schedule, Overridden: s.Schedule != nil},
			MaxCreates:  web.Setting[int]{Value: *eff.Guard.MaxCreates, Configured: *p.Guard.MaxCreates, Overridden: s.MaxCreates != nil},
			MaxPercent:  web.Setting[float64]{Value: *eff.Guard.MaxPercent, Configured: *p.Guard.MaxPercent, Overridden: s.MaxPercent != nil},
			CallsPerDay: web.Setting[int]{Value: eff.Budget.CallsPerDay, Configured: p.Budget.CallsPerDay, Overridden: s.CallsPerDay != nil},
			SettingsBy:  s.UpdatedBy, SettingsAt: s.UpdatedAt, SettingsSaved: saved,
		})
	}
	return out, nil
}

// SaveSettings stores the overrides and forgets the cached ones.
func (d *dashboardStore) SaveSettings(ctx context.Context, pair string, in web.SettingsInput, actor string) error {
	err := d.SavePairSettings(ctx, store.PairSettings{Pair: pair, Schedule: in.Schedule, MaxCreates: in.MaxCreates,
		MaxPercent: in.MaxPercent, CallsPerDay: in.CallsPerDay}, actor)
	d.mu.Lock()
	delete(d.settings, pair)
	d.mu.Unlock()
	return err
}

func (d *dashboardStore) FindUserByEmail(ctx context.Context, email string) (web.User, error) {
	u, err := d.DB.FindUserByEmail(ctx, email)
	return web.User{ID: u.ID, Email: u.Email, PasswordHash: u.PasswordHash}, err
}

func (d *dashboardStore) CreateSession(ctx context.Context, s web.Session) error {
	return d.DB.CreateSession(ctx, store.Session{TokenHash: s.TokenHash, UserID: s.UserID, ExpiresAt: s.ExpiresAt,
		RemoteAddr: s.RemoteAddr, UserAgent: s.UserAgent})
}

func (d *dashboardStore) FindSession(ctx context.Context, hash string, now time.Time) (web.Session, error) {
	s, err := d.DB.FindSession(ctx, hash, now)
	return web.Session{TokenHash: s.TokenHash, UserID: s.UserID, Email: s.Email, ExpiresAt: s.ExpiresAt,
		LastSeenAt: s.LastSeenAt, RemoteAddr: s.RemoteAddr, UserAgent: s.UserAgent}, err
}

func toWebToken(t store.APIToken) web.APIToken {
	return web.APIToken{ID: t.ID, UserID: t.UserID, Email: t.Email, Name: t.Name, Prefix: t.Prefix,
		CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (d *dashboardStore) CreateAPIToken(ctx context.Context, userID int64, name, hash, prefix string) (web.APIToken, error) {
	t, err := d.DB.CreateAPIToken(ctx, userID, name, hash, prefix)
	return toWebToken(t), err
}

func (d *dashboardStore) FindAPIToken(ctx context.Context, hash string) (web.APIToken, error) {
	t, err := d.DB.FindAPIToken(ctx, hash)
	return toWebToken(t), err
}

func (d *dashboardStore) FindAPITokens(ctx context.Context, userID int64) ([]web.APIToken, error) {
	ts, err := d.DB.FindAPITokens(ctx, userID)
	out := make([]web.APIToken, len(ts))
	for i, t := range ts {
		out[i] = toWebToken(t)
	}
	return out, err
}

func searchKeys(s web.Search) store.SearchKeys {
	return store.SearchKeys{ID: s.ID, Email: s.Email, Name: s.Name}
}

// prepareSearch turns a search box's text into the keys records are
// stored under, so "José Müller" finds "jose muller".
func prepareSearch(text string) web.Search {
	t := strings.TrimSpace(text)
	return web.Search{Text: text, ID: t, Email: strings.ToLower(t), Name: matchers.Name(t)}
}

func queueFilter(q web.QueueQuery) store.QueueFilter {
	return store.QueueFilter{Pair: q.Pair, Status: q.Status, Reason: q.Reason, MinScore: q.MinScore,
		Search: searchKeys(q.Search), Oldest: q.Oldest, AfterScore: q.AfterScore, AfterID: q.AfterID, Limit: q.Limit}
}

func (d *dashboardStore) ReviewQueue(ctx context.Context, q web.QueueQuery) ([]web.QueueItem, error) {
	items, err := d.DB.ReviewQueue(ctx, queueFilter(q))
	out := make([]web.QueueItem, len(items))
	for i, it := range items {
		out[i] = web.QueueItem{Suggestion: it.Suggestion, Local: it.Local, Upstream: it.Upstream,
			HasLocal: it.HasLocal, HasUpstream: it.HasUpstream}
	}
	return out, err
}

func (d *dashboardStore) CountQueue(ctx context.Context, q web.QueueQuery, limit int) (int, bool, error) {
	return d.DB.CountQueue(ctx, queueFilter(q), limit)
}

func (d *dashboardStore) BulkApprovable(ctx context.Context, q web.QueueQuery, limit int) ([]int64, error) {
	return d.DB.BulkApprovable(ctx, queueFilter(q), limit)
}

func (d *dashboardStore) FindSuggestion(ctx context.Context, id int64) (engine.Suggestion, error) {
	ss, _, err := d.FindSuggestions(ctx, store.SuggestionFilter{ID: id, Limit: 1})
	if err != nil {
		return engine.Suggestion{}, err
	}
	if len(ss) == 0 {
		return engine.Suggestion{}, notFoundf("suggestion %d", id)
	}
	return ss[0], nil
}

func (d *dashboardStore) FindConflict(ctx context.Context, id int64) (engine.Conflict, error) {
	cs, _, err := d.FindConflicts(ctx, store.ConflictFilter{ID: id, Limit: 1})
	if err != nil {
		return engine.Conflict{}, err
	}
	if len(cs) == 0 {
		return engine.Conflict{}, notFoundf("conflict %d", id)
	}
	return cs[0], nil
}

func (d *dashboardStore) FindDuplicateSets(ctx context.Context, q web.DuplicateQuery) ([]engine.DuplicateSet, int, error) {
	return d.DB.FindDuplicateSets(ctx, store.DuplicateFilter{Pair: q.Pair, ID: q.ID, Side: q.Side, Status: q.Status,
		Limit: q.Limit, Offset: q.Offset})
}

func linkSearch(q web.LinkQuery) store.LinkSearch {
	return store.LinkSearch{Pair: q.Pair, State: q.State, Method: q.Method, Search: searchKeys(q.Search),
		BeforeID: q.BeforeID, Limit: q.Limit}
}

func (d *dashboardStore) SearchLinks(ctx context.Context, q web.LinkQuery) ([]engine.Link, error) {
	return d.DB.SearchLinks(ctx, linkSearch(q))
}

func (d *dashboardStore) CountLinks(ctx context.Context, q web.LinkQuery, limit int) (int, bool, error) {
	return d.DB.CountLinks(ctx, linkSearch(q), limit)
}

func (d *dashboardStore) FindLink(ctx context.Context, id int64) (engine.Link, error) {
	ls, _, err := d.FindLinks(ctx, store.LinkFilter{ID: id, Limit: 1})
	if err != nil {
		return engine.Link{}, err
	}
	if len(ls) == 0 {
		return engine.Link{}, notFoundf("link %d", id)
	}
	return ls[0], nil
}

func (d *dashboardStore) FindRuns(ctx context.Context, q web.RunQuery) ([]engine.Run, int, error) {
	return d.DB.FindRuns(ctx, store.RunFilter{Pair: q.Pair, Status: q.Status, Limit: q.Limit, Offset: q.Offset})
}

func (d *dashboardStore) FindOutcomes(ctx context.Context, q web.OutcomeQuery) ([]engine.Outcome, int, error) {
	return d.DB.FindOutcomes(ctx, store.OutcomeFilter{RunID: q.RunID, Kind: q.Kind, Reason: q.Reason,
		Limit: q.Limit, Offset: q.Offset})
}

func (d *dashboardStore) FindWrites(ctx context.Context, q web.WriteQuery) ([]engine.Write, int, error) {
	return d.DB.FindWrites(ctx, store.WriteFilter{Pair: q.Pair, ID: q.ID, RunID: q.RunID, Status: q.Status,
		Limit: q.Limit, Offset: q.Offset})
}

func (d *dashboardStore) FindAudit(ctx context.Context, q web.AuditQuery) ([]web.AuditEntry, int, error) {
	es, n, err := d.DB.FindAudit(ctx, store.AuditFilter{Pair: q.Pair, Actor: q.Actor, Action: q.Action,
		Limit: q.Limit, Offset: q.Offset})
	out := make([]web.AuditEntry, len(es))
	for i, e := range es {
		out[i] = web.AuditEntry{ID: e.ID, Pair: e.Pair, Actor: e.Actor, Action: e.Action, Subject: e.Subject,
			Detail: e.Detail, At: e.At}
	}
	return out, n, err
}

func (d *dashboardStore) OpenWork(ctx context.Context, pair string) (web.OpenWork, error) {
	w, err := d.DB.OpenWork(ctx, pair)
	return web.OpenWork{Suggestions: w.Suggestions, Conflicts: w.Conflicts, ConflictLinks: w.ConflictLinks,
		DuplicateSets: w.DuplicateSets, UpstreamDeletes: w.UpstreamDeletes, HeldPlans: w.HeldPlans,
		HeldWrites: w.HeldWrites, DeadLetters: w.DeadLetters, PendingWrites: w.PendingWrites}, err
}

// APICallsToday counts the pair's upstream calls in the current UTC day:
// the budget meter's count when a budget is set (it includes every call,
// tests and retries too), else the sum over the day's runs.
func (d *dashboardStore) APICallsToday(ctx context.Context, pair string) (int64, error) {
	now := time.Now().UTC()
	day, _, err := d.Usage(ctx, meterConn(pair), now)
	if err != nil || day > 0 {
		return day, err
	}
	return d.APICallsSince(ctx, pair, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
}

// meterConn names a pair's upstream connection in the budget meter, as
// buildPair does.
func meterConn(pair string) string { return pair + ":upstream" }

// notFoundf is a lookup by id that found nothing.
func notFoundf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, engine.ErrNotFound)...)
}

// The store, adapted, is every store dependency of the dashboard.
var (
	_ web.PairLister     = (*dashboardStore)(nil)
	_ web.UserStore      = (*dashboardStore)(nil)
	_ web.SessionStore   = (*dashboardStore)(nil)
	_ web.TokenStore     = (*dashboardStore)(nil)
	_ web.ReviewStore    = (*dashboardStore)(nil)
	_ web.ConflictStore  = (*dashboardStore)(nil)
	_ web.DuplicateStore = (*dashboardStore)(nil)
	_ web.LinkStore      = (*dashboardStore)(nil)
	_ web.RecordStore    = (*dashboardStore)(nil)
	_ web.RunStore       = (*dashboardStore)(nil)
	_ web.OutboxStore    = (*dashboardStore)(nil)
	_ web.AuditStore     = (*dashboardStore)(nil)
	_ web.OverviewStore  = (*dashboardStore)(nil)
	_ web.SettingsStore  = (*dashboardStore)(nil)
)
