package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

const (
	pageSize     = 25
	maxPageSize  = 200
	countCap     = 10000
	defaultBulk  = "0.95"
	bulkPerClick = 500
)

// queueQuery reads the review queue's filters from the query string.
func (h *Handler) queueQuery(c *gin.Context, pair string) (QueueQuery, error) {
	q := QueueQuery{Pair: pair, Status: engine.ReviewStatus(c.Query("status")), Reason: engine.Reason(c.Query("reason")),
		Oldest: c.Query("sort") == "oldest", Limit: pageSize}
	if q.Status == "" {
		q.Status = engine.ReviewOpen
	}
	if t := strings.TrimSpace(c.Query("q")); t != "" {
		q.Search = h.PrepareSearch(t)
	}
	if s := c.Query("min_score"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || v > 1 {
			return q, invalid("min_score %q: want a number from 0 to 1", s)
		}
		q.MinScore = v
	}
	if a := c.Query("after"); a != "" {
		score, id, ok := strings.Cut(a, ":")
		sc, err1 := strconv.ParseFloat(score, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return q, invalid("after %q: want score:id", a)
		}
		q.AfterScore, q.AfterID = sc, n
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPageSize {
			return q, invalid("limit %q: want 1 to %d", l, maxPageSize)
		}
		q.Limit = n
	}
	return q, nil
}

// showSuggestions is the review queue.
func (h *Handler) showSuggestions(c *gin.Context) {
	p := pairOf(c)
	q, err := h.queueQuery(c, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	items, err := h.Review.ReviewQueue(ctx, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	total, capped, err := h.queueCount(c, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	self := pairURL(p.Name, "suggestions")
	v := views.SuggestionsView{
		Action: self, Q: c.Query("q"), MinScore: c.Query("min_score"), Open: q.Status == engine.ReviewOpen,
		Total:   fmtCount(total, capped) + " " + map[bool]string{true: "waiting for review", false: "in this list"}[q.Status == engine.ReviewOpen],
		BulkURL: pairURL(p.Name, "suggestions/bulk-approve"), BulkScore: defaultBulk, ReturnTo: c.Request.URL.RequestURI(),
		BulkNote: "Suggestions that compete for a record are left for you.", KeyboardOK: true,
		Empty: views.Empty{Title: "Nothing to review", Text: "Every suggested match has been decided. New ones appear after a run finds records it cannot link alone."},
	}
	if q.Status != engine.ReviewOpen || q.MinScore > 0 || q.Reason != "" || q.Search.Text != "" {
		v.Empty = views.Empty{Title: "No suggestions match these filters"}
	}
	for _, s := range []engine.ReviewStatus{engine.ReviewOpen, engine.ReviewApproved, engine.ReviewRejected, engine.ReviewSuperseded} {
		v.Statuses = append(v.Statuses, views.Option{Value: string(s), Label: humanize(string(s)), Selected: s == q.Status})
	}
	v.Reasons = append(v.Reasons, views.Option{Value: "", Label: "Any"})
	for _, r := range []engine.Reason{engine.ReasonAmbiguousEmail, engine.ReasonAmbiguousCode, engine.ReasonAmbiguousExternal,
		engine.ReasonContradictingTiers, engine.ReasonCandidateLinked, engine.ReasonFuzzy} {
		v.Reasons = append(v.Reasons, views.Option{Value: string(r), Label: reasonLabel(r), Selected: r == q.Reason})
	}
	v.Sorts = []views.Option{{Value: "score", Label: "Best score first", Selected: !q.Oldest},
		{Value: "oldest", Label: "Oldest first", Selected: q.Oldest}}
	for _, it := range items {
		v.Cards = append(v.Cards, h.suggestionCard(p, it))
	}
	v.Pager = views.Pager{Summary: fmt.Sprintf("%s shown", plural(len(items), "suggestion", "suggestions"))}
	if len(items) == q.Limit {
		last := items[len(items)-1].Suggestion
		v.Pager.NextURL = withQuery(c, "after", strconv.FormatFloat(last.Score, 'g', -1, 64)+":"+strconv.FormatInt(last.ID, 10))
	}
	if q.AfterID > 0 {
		v.Pager.FirstURL = withQuery(c, "after", "")
	}
	h.render(c, http.StatusOK, views.SuggestionsPage(h.shell(c, "Suggested matches", "suggestions"), v))
}

// queueCount counts the queue a page shows. The unfiltered queue's size is
// the open-work count the navigation already holds (kept a few seconds);
// a filtered one is counted, up to countCap.
func (h *Handler) queueCount(c *gin.Context, q QueueQuery) (int, bool, error) {
	if q.Status == engine.ReviewOpen && q.Reason == "" && q.MinScore == 0 && q.Search.Text == "" {
		w, err := h.work.get(c.Request.Context(), h.Overview, q.Pair)
		return w.Suggestions, false, err
	}
	return h.Review.CountQueue(c.Request.Context(), q, countCap)
}

// withQuery is the current URL with one query parameter set ("" removes
// it).
func withQuery(c *gin.Context, key, value string) string {
	q := c.Request.URL.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// suggestionCard maps a suggestion and its records to a card: the mapped
// fields side by side, marked where they differ and where they were part
// of the evidence.
func (h *Handler) suggestionCard(p PairInfo, it QueueItem) views.SuggestionCard {
	s := it.Suggestion
	id := strconv.FormatInt(s.ID, 10)
	card := views.SuggestionCard{
		ID: id, Score: fmtScore(s.Score), ScoreTone: scoreTone(s.Score), Reason: reasonLabel(s.Reason),
		Rule: ruleLabel(s.Evidence.Rule), Note: s.Evidence.Note, Status: reviewBadge(s.Status),
		Open: s.Status == engine.ReviewOpen, Created: "suggested " + h.fmtAgo(s.CreatedAt),
		Local:      recordHead(p, engine.Local, s.LocalID, it.Local, it.HasLocal),
		Upstream:   recordHead(p, engine.Upstream, s.UpstreamID, it.Upstream, it.HasUpstream),
		ApproveURL: pairURL(p.Name, "suggestions/"+id+"/approve"), RejectURL: pairURL(p.Name, "suggestions/"+id+"/reject"),
	}
	if !card.Open && s.DecidedBy != "" {
		card.Decided = fmt.Sprintf("%s by %s, %s", humanize(string(s.Status)), s.DecidedBy, h.fmtTime(s.DecidedAt))
	}
	card.Rows = h.compareRows(p, it.Local, it.Upstream, s.Evidence)
	return card
}

// compareRows lists the pair's mapped fields, and any other field the
// evidence names, for two customers side by side.
func (h *Handler) compareRows(p PairInfo, left, right engine.Record, ev engine.Evidence) []views.FieldRow {
	fields := slices.Clone(p.Fields)
	evidence := map[string]string{}
	for _, f := range ev.Fields {
		note := "matched"
		if f.Weight > 0 {
			note = "weight " + fmtScore(f.Weight)
		}
		evidence[f.Field] = note
		if !slices.Contains(fields, f.Field) {
			fields = append(fields, f.Field)
		}
	}
	rows := make([]views.FieldRow, 0, len(fields))
	for _, f := range fields {
		l, r := left.Field(f), right.Field(f)
		if f == engine.FieldExternalRef {
			l, r = left.ExternalRef, right.ExternalRef
		}
		if l == "" && r == "" && evidence[f] == "" {
			continue // nothing to compare; the card stays short
		}
		differs := h.contradicts(f, l, r)
		if kl, kr := recordKey(left, f), recordKey(right, f); kl != "" && kr != "" {
			differs = kl != kr // the keys were normalised when the records were stored
		}
		rows = append(rows, views.FieldRow{Label: fieldLabel(f), Left: l, Right: r, Differs: differs, Evidence: evidence[f]})
	}
	return rows
}

// contradicts reports whether two values of a field disagree: both are
// set and differ once normalised. A value missing on one side is not a
// contradiction, only a blank the other side could fill.
func (h *Handler) contradicts(field, a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" || strings.EqualFold(a, b) {
		return false
	}
	return !h.same(field, a, b)
}

// recordKey is a record's stored matching key for a field, where it has
// one: comparing keys costs nothing, where normalising a phone number again
// on every page view would cost more than the rest of the page.
func recordKey(r engine.Record, field string) string {
	switch field {
	case engine.FieldEmail:
		return r.Keys.Email
	case engine.FieldPhone:
		return r.Keys.Phone
	case engine.FieldMobile:
		return r.Keys.Mobile
	case engine.FieldAccountCode:
		return r.Keys.AccountCode
	case engine.FieldPostcode:
		return r.Keys.Postcode
	}
	return ""
}

// same reports whether two values of a field are the same once
// normalised, so a phone written two ways is not flagged.
func (h *Handler) same(field, a, b string) bool {
	if h.SameValue != nil {
		return h.SameValue(field, a, b)
	}
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func recordHead(p PairInfo, side engine.Side, id string, r engine.Record, ok bool) views.RecordHead {
	rh := views.RecordHead{Side: sideTitle(p, side), ID: id, Name: id, Missing: !ok}
	if ok {
		rh.Name, rh.Deleted = r.DisplayName(), r.Deleted
	}
	return rh
}

func scoreTone(s float64) string {
	switch {
	case s >= 0.9:
		return "ok"
	case s >= 0.8:
		return "info"
	}
	return "warn"
}

func ruleLabel(rule string) string {
	switch rule {
	case "", string(engine.TierFuzzy):
		// A fuzzy suggestion's reason already says so, and its note lists
		// the weight of every field.
		return ""
	case string(engine.TierExternalID):
		return "id"
	case string(engine.TierEmail):
		return "email"
	case string(engine.TierAccountCode):
		return "account code"
	}
	return strings.ReplaceAll(rule, "_", " ")
}

type apiSuggestion struct {
	ID         int64       `json:"id"`
	Pair       string      `json:"pair"`
	LocalID    string      `json:"local_id"`
	UpstreamID string      `json:"upstream_id"`
	Score      float64     `json:"score"`
	Reason     string      `json:"reason"`
	Status     string      `json:"status"`
	Evidence   apiEvidence `json:"evidence"`
	Local      *apiRecord  `json:"local"`
	Upstream   *apiRecord  `json:"upstream"`
	CreatedAt  apiTime     `json:"created_at"`
	DecidedBy  string      `json:"decided_by,omitempty"`
	DecidedAt  apiTime     `json:"decided_at"`
}

// apiSuggestions is the review queue as JSON, with the same filters; next
// is the cursor of the following page ("" at the end).
func (h *Handler) apiSuggestions(c *gin.Context) {
	p := pairOf(c)
	q, err := h.queueQuery(c, p.Name)
	if err != nil {
		h.apiError(c, err)
		return
	}
	items, err := h.Review.ReviewQueue(c.Request.Context(), q)
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiSuggestion, len(items))
	for i, it := range items {
		s := it.Suggestion
		out[i] = apiSuggestion{ID: s.ID, Pair: s.Pair, LocalID: s.LocalID, UpstreamID: s.UpstreamID, Score: s.Score,
			Reason: string(s.Reason), Status: string(s.Status), Evidence: newAPIEvidence(s.Evidence),
			Local: newAPIRecord(it.Local, it.HasLocal), Upstream: newAPIRecord(it.Upstream, it.HasUpstream),
			CreatedAt: at(s.CreatedAt), DecidedBy: s.DecidedBy, DecidedAt: at(s.DecidedAt)}
	}
	next := ""
	if len(items) == q.Limit {
		last := items[len(items)-1].Suggestion
		next = strconv.FormatFloat(last.Score, 'g', -1, 64) + ":" + strconv.FormatInt(last.ID, 10)
	}
	c.JSON(http.StatusOK, gin.H{"suggestions": out, "next": next})
}
