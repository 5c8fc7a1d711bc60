package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/accordhq/accord/engine"
)

// fakeStore is an in-memory stand-in for the store behind every interface
// the handlers use, holding just enough state for the pages to render and
// the actions to be checked.
type fakeStore struct {
	mu sync.Mutex

	pairs       []PairInfo
	users       map[string]User
	sessions    map[string]Session
	tokens      []APIToken
	tokenHashes map[string]int64
	suggestions []engine.Suggestion
	records     map[engine.Ref]engine.Record
	links       []engine.Link
	conflicts   []engine.Conflict
	sets        []engine.DuplicateSet
	runs        []engine.Run
	outcomes    []engine.Outcome
	writes      []engine.Write
	audit       []AuditEntry
	settings    map[string]SettingsInput
	calls       []string // actions taken, "approve 1", "resolve 3 local", …
}

func (f *fakeStore) note(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	f.audit = append(f.audit, AuditEntry{ID: int64(len(f.audit) + 1), Pair: "main", Actor: "x", Action: strings.Fields(format)[0],
		At: time.Now()})
}

func notFound(what string) error { return fmt.Errorf("%s: %w", what, engine.ErrNotFound) }

func (f *fakeStore) Pairs(context.Context) ([]PairInfo, error) { return f.pairs, nil }

func (f *fakeStore) FindUserByEmail(_ context.Context, email string) (User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[strings.ToLower(email)]
	if !ok {
		return User{}, notFound("user")
	}
	return u, nil
}

func (f *fakeStore) NoteLogin(context.Context, int64, time.Time) error { return nil }

func (f *fakeStore) CreateSession(_ context.Context, s Session) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.ID == s.UserID {
			s.Email = u.Email
		}
	}
	f.sessions[s.TokenHash] = s
	return nil
}

func (f *fakeStore) FindSession(_ context.Context, hash string, now time.Time) (Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[hash]
	if !ok || !s.ExpiresAt.After(now) {
		return Session{}, notFound("session")
	}
	return s, nil
}

func (f *fakeStore) ExtendSession(_ context.Context, hash string, exp, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sessions[hash]
	s.ExpiresAt = exp
	f.sessions[hash] = s
	return nil
}

func (f *fakeStore) DeleteSession(_ context.Context, hash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, hash)
	return nil
}

func (f *fakeStore) CreateAPIToken(_ context.Context, userID int64, name, hash, prefix string) (APIToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := APIToken{ID: int64(len(f.tokens) + 1), UserID: userID, Email: "ann@shop.nz", Name: name, Prefix: prefix, CreatedAt: time.Now()}
	f.tokens = append(f.tokens, t)
	f.tokenHashes[hash] = t.ID
	return t, nil
}

func (f *fakeStore) FindAPIToken(_ context.Context, hash string) (APIToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.tokenHashes[hash]
	if !ok || !f.tokens[id-1].RevokedAt.IsZero() {
		return APIToken{}, notFound("token")
	}
	return f.tokens[id-1], nil
}

func (f *fakeStore) FindAPITokens(context.Context, int64) ([]APIToken, error) { return f.tokens, nil }

func (f *fakeStore) TouchAPIToken(context.Context, int64, time.Time) error { return nil }

func (f *fakeStore) RevokeAPIToken(_ context.Context, _ int64, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id < 1 || int(id) > len(f.tokens) {
		return notFound("token")
	}
	f.tokens[id-1].RevokedAt = time.Now()
	return nil
}

func (f *fakeStore) ReviewQueue(_ context.Context, q QueueQuery) ([]QueueItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []QueueItem
	for _, s := range f.suggestions {
		if s.Status != q.Status || s.Score < q.MinScore || (q.AfterID > 0 && s.ID <= q.AfterID) {
			continue
		}
		if q.Search.Text != "" && s.LocalID != q.Search.ID && s.UpstreamID != q.Search.ID {
			continue
		}
		l, lok := f.records[engine.Ref{Side: engine.Local, ID: s.LocalID}]
		u, uok := f.records[engine.Ref{Side: engine.Upstream, ID: s.UpstreamID}]
		out = append(out, QueueItem{Suggestion: s, Local: l, HasLocal: lok, Upstream: u, HasUpstream: uok})
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (f *fakeStore) CountQueue(ctx context.Context, q QueueQuery, limit int) (int, bool, error) {
	q.Limit = 0
	items, _ := f.ReviewQueue(ctx, q)
	return min(len(items), limit), len(items) > limit, nil
}

func (f *fakeStore) BulkApprovable(ctx context.Context, q QueueQuery, limit int) ([]int64, error) {
	q.Limit = limit
	items, _ := f.ReviewQueue(ctx, q)
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.Suggestion.ID)
	}
	return ids, nil
}

func (f *fakeStore) FindSuggestion(_ context.Context, id int64) (engine.Suggestion, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.suggestions {
		if s.ID == id {
			return s, nil
		}
	}
	return engine.Suggestion{}, notFound("suggestion")
}

func (f *fakeStore) decide(id int64, st engine.ReviewStatus) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.suggestions {
		if s.ID == id {
			if s.Status != engine.ReviewOpen {
				return fmt.Errorf("suggestion is %s, not open: %w", s.Status, engine.ErrConflict)
			}
			f.suggestions[i].Status = st
			f.note("%s %d", st, id)
			return nil
		}
	}
	return notFound("suggestion")
}

func (f *fakeStore) ApproveSuggestion(ctx context.Context, id int64, _ string) (engine.Link, error) {
	if err := f.decide(id, engine.ReviewApproved); err != nil {
		return engine.Link{}, err
	}
	s, _ := f.FindSuggestion(ctx, id)
	return engine.Link{ID: 99, LocalID: s.LocalID, UpstreamID: s.UpstreamID, Method: engine.MethodManual}, nil
}

func (f *fakeStore) RejectSuggestion(_ context.Context, id int64, _ string) error {
	return f.decide(id, engine.ReviewRejected)
}

func (f *fakeStore) ConflictLinks(_ context.Context, pair string, after int64, limit int) ([]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []int64
	for _, c := range f.conflicts {
		if c.Status == engine.ConflictOpen && c.LinkID > after && !slices.Contains(ids, c.LinkID) {
			ids = append(ids, c.LinkID)
		}
	}
	slices.Sort(ids)
	return ids[:min(len(ids), limit)], nil
}

func (f *fakeStore) OpenConflictsOf(_ context.Context, links []int64) ([]engine.Conflict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.Conflict
	for _, c := range f.conflicts {
		if c.Status == engine.ConflictOpen && slices.Contains(links, c.LinkID) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeStore) FindConflict(_ context.Context, id int64) (engine.Conflict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conflicts {
		if c.ID == id {
			return c, nil
		}
	}
	return engine.Conflict{}, notFound("conflict")
}

func (f *fakeStore) settleConflict(id int64, how string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, c := range f.conflicts {
		if c.ID == id {
			if c.Status != engine.ConflictOpen {
				return fmt.Errorf("conflict is %s: %w", c.Status, engine.ErrConflict)
			}
			f.conflicts[i].Status = engine.ConflictResolved
			f.note("resolve %d %s", id, how)
			return nil
		}
	}
	return notFound("conflict")
}

func (f *fakeStore) ResolveConflict(_ context.Context, id int64, keep engine.Side, _ string) error {
	return f.settleConflict(id, string(keep))
}

func (f *fakeStore) KeepBoth(_ context.Context, id int64, _ string) error {
	return f.settleConflict(id, "both")
}

func (f *fakeStore) FindDuplicateSets(_ context.Context, q DuplicateQuery) ([]engine.DuplicateSet, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.DuplicateSet
	for _, s := range f.sets {
		if (q.ID != 0 && s.ID != q.ID) || (q.Status != "" && s.Status != q.Status) || (q.Side != "" && s.Side != q.Side) {
			continue
		}
		out = append(out, s)
	}
	return out, len(out), nil
}

func (f *fakeStore) ChooseSurvivor(_ context.Context, id int64, survivor, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.sets {
		if s.ID == id {
			if !slices.Contains(s.Members, survivor) {
				return fmt.Errorf("survivor %q is not a member: %w", survivor, engine.ErrInvalid)
			}
			f.sets[i].Status, f.sets[i].SurvivorID = engine.ReviewResolved, survivor
			f.note("survivor %d %s", id, survivor)
			return nil
		}
	}
	return notFound("set")
}

func (f *fakeStore) DismissDuplicateSet(_ context.Context, id int64, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.sets {
		if s.ID == id {
			f.sets[i].Status = engine.ReviewDismissed
			f.note("dismiss %d", id)
			return nil
		}
	}
	return notFound("set")
}

func (f *fakeStore) SearchLinks(_ context.Context, q LinkQuery) ([]engine.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.Link
	for i := len(f.links) - 1; i >= 0; i-- {
		l := f.links[i]
		if q.Search.ID != "" && l.LocalID != q.Search.ID && l.UpstreamID != q.Search.ID {
			continue
		}
		if q.State != "" && l.State != q.State {
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

func (f *fakeStore) CountLinks(ctx context.Context, q LinkQuery, limit int) (int, bool, error) {
	ls, _ := f.SearchLinks(ctx, q)
	return min(len(ls), limit), len(ls) > limit, nil
}

func (f *fakeStore) FindLink(_ context.Context, id int64) (engine.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.links {
		if l.ID == id {
			return l, nil
		}
	}
	return engine.Link{}, notFound("link")
}

func (f *fakeStore) LinksFor(_ context.Context, _ string, side engine.Side, ids []string) ([]engine.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.Link
	for _, l := range f.links {
		if slices.Contains(ids, l.SideID(side)) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (f *fakeStore) Unlink(_ context.Context, id int64, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, l := range f.links {
		if l.ID == id {
			f.links = slices.Delete(f.links, i, i+1)
			f.note("unlink %d", id)
			return nil
		}
	}
	return notFound("link")
}

func (f *fakeStore) FindRecordsByID(_ context.Context, _ string, local, upstream []string) (map[engine.Ref]engine.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[engine.Ref]engine.Record{}
	for side, ids := range map[engine.Side][]string{engine.Local: local, engine.Upstream: upstream} {
		for _, id := range ids {
			if r, ok := f.records[engine.Ref{Side: side, ID: id}]; ok {
				out[engine.Ref{Side: side, ID: id}] = r
			}
		}
	}
	return out, nil
}

func (f *fakeStore) FindRuns(_ context.Context, q RunQuery) ([]engine.Run, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.Run
	for _, r := range f.runs {
		if q.Status == "" || r.Status == q.Status {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b engine.Run) int { return cmp.Compare(b.ID, a.ID) })
	n := len(out)
	if q.Limit > 0 {
		out = out[:min(len(out), q.Limit)]
	}
	return out, n, nil
}

func (f *fakeStore) FindRunByID(_ context.Context, id int64) (engine.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.runs {
		if r.ID == id {
			return r, nil
		}
	}
	return engine.Run{}, notFound("run")
}

func (f *fakeStore) FindOutcomes(_ context.Context, q OutcomeQuery) ([]engine.Outcome, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.Outcome
	for _, o := range f.outcomes {
		if o.RunID == q.RunID && (q.Kind == "" || o.Kind == q.Kind) {
			out = append(out, o)
		}
	}
	return out, len(out), nil
}

func (f *fakeStore) FindWrites(_ context.Context, q WriteQuery) ([]engine.Write, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []engine.Write
	for _, w := range f.writes {
		if (q.ID != 0 && w.ID != q.ID) || (q.Status != "" && w.Status != q.Status) || (q.RunID != 0 && w.RunID != q.RunID) {
			continue
		}
		out = append(out, w)
	}
	return out, len(out), nil
}

func (f *fakeStore) setWrite(id int64, from []engine.WriteStatus, to engine.WriteStatus, what string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, w := range f.writes {
		if w.ID == id {
			if !slices.Contains(from, w.Status) {
				return fmt.Errorf("write is %s: %w", w.Status, engine.ErrConflict)
			}
			f.writes[i].Status = to
			f.note("%s %d", what, id)
			return nil
		}
	}
	return notFound("write")
}

func (f *fakeStore) RetryDeadWrite(_ context.Context, id int64, _ string) error {
	return f.setWrite(id, []engine.WriteStatus{engine.WriteDead}, engine.WritePending, "retry")
}

func (f *fakeStore) DiscardWrite(_ context.Context, id int64, _ string) error {
	return f.setWrite(id, []engine.WriteStatus{engine.WriteDead, engine.WritePending, engine.WriteHeld}, engine.WriteDiscarded, "discard")
}

func (f *fakeStore) decidePlan(runID int64, to engine.WriteStatus, what string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for i, w := range f.writes {
		if w.RunID == runID && w.Status == engine.WriteHeld {
			f.writes[i].Status = to
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("run holds no writes: %w", engine.ErrConflict)
	}
	for i, r := range f.runs {
		if r.ID == runID {
			f.runs[i].Status = engine.RunSucceeded
		}
	}
	f.note("%s %d", what, runID)
	return n, nil
}

func (f *fakeStore) ApproveHeldPlan(_ context.Context, runID int64, _ string) (int, error) {
	return f.decidePlan(runID, engine.WritePending, "approve-plan")
}

func (f *fakeStore) RejectHeldPlan(_ context.Context, runID int64, _ string) (int, error) {
	return f.decidePlan(runID, engine.WriteDiscarded, "reject-plan")
}

func (f *fakeStore) FindAudit(context.Context, AuditQuery) ([]AuditEntry, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.audit), len(f.audit), nil
}

func (f *fakeStore) OpenWork(context.Context, string) (OpenWork, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var w OpenWork
	for _, s := range f.suggestions {
		if s.Status == engine.ReviewOpen {
			w.Suggestions++
		}
	}
	links := map[int64]bool{}
	for _, c := range f.conflicts {
		if c.Status == engine.ConflictOpen {
			w.Conflicts++
			links[c.LinkID] = true
		}
	}
	w.ConflictLinks = len(links)
	for _, s := range f.sets {
		if s.Status == engine.ReviewOpen {
			w.DuplicateSets++
		}
	}
	for _, wr := range f.writes {
		if wr.Status == engine.WriteDead {
			w.DeadLetters++
		}
	}
	return w, nil
}

func (f *fakeStore) APICallsToday(context.Context, string) (int64, error) { return 42, nil }

func (f *fakeStore) SaveSettings(_ context.Context, pair string, in SettingsInput, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings[pair] = in
	f.note("settings %s", pair)
	return nil
}

// fakeRunner starts runs that stay "running" until finished by the test.
type fakeRunner struct {
	store   *fakeStore
	mu      sync.Mutex
	watches map[int64]chan engine.Progress
}

func (r *fakeRunner) StartRun(_ context.Context, pair, trigger string) (int64, error) {
	r.store.mu.Lock()
	defer r.store.mu.Unlock()
	for _, run := range r.store.runs {
		if run.Status == engine.RunRunning {
			return run.ID, fmt.Errorf("busy: %w", engine.ErrLocked)
		}
	}
	id := int64(len(r.store.runs) + 1)
	r.store.runs = append(r.store.runs, engine.Run{ID: id, Pair: pair, Status: engine.RunRunning, Trigger: trigger,
		StartedAt: time.Now(), Counts: engine.Counts{}})
	r.mu.Lock()
	ch := make(chan engine.Progress, 8)
	ch <- engine.Progress{RunID: id, Step: engine.StepPull, Side: engine.Upstream, Done: 200}
	r.watches[id] = ch
	r.mu.Unlock()
	return id, nil
}

func (r *fakeRunner) Watch(id int64) (<-chan engine.Progress, func(), bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch, ok := r.watches[id]
	if !ok {
		return nil, nil, false
	}
	return ch, func() {}, true
}
