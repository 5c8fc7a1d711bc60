package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// showOverview is a pair's home: its state, the work waiting for a person,
// what the last run did, the API budget and charts of recent runs.
func (h *Handler) showOverview(c *gin.Context) {
	p := pairOf(c)
	ctx := c.Request.Context()
	runs, _, err := h.Runs.FindRuns(ctx, RunQuery{Pair: p.Name, Limit: chartMaxRuns})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.work.forget(p.Name) // the overview always counts afresh
	w, err := h.work.get(ctx, h.Overview, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	calls, err := h.Overview.APICallsToday(ctx, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.OverviewView{Schedule: p.Schedule.Value, NextRun: "On demand", RunsURL: pairURL(p.Name, "runs")}
	if h.NextRun != nil {
		if t, ok := h.NextRun(p.Name); ok {
			v.NextRun = h.fmtAgo(t)
		}
	}
	if h.Runner != nil {
		v.RunNowURL = pairURL(p.Name, "runs")
	}
	var last *engine.Run
	for i := range runs {
		r := runs[i]
		if r.Status == engine.RunRunning && v.Running == nil {
			v.Running = h.runLine(p, r)
			continue
		}
		if last == nil && r.Status != engine.RunRunning {
			last = &runs[i]
		}
	}
	if last != nil {
		v.LastRun = h.runLine(p, *last)
		v.Outcomes = h.outcomeLines(p, *last)
	}
	st := connectionState(runs, w.DeadLetters)
	v.Connection = connBadge(st.State)
	v.Work = h.workItems(p, w)
	open := w.Suggestions + w.ConflictLinks + w.DuplicateSets + w.DeadLetters + w.HeldPlans + w.UpstreamDeletes
	switch {
	case v.Running != nil:
		v.Status, v.StatusText = views.Badge{Label: "Running", Tone: "info"}, "A run is in progress."
	case last == nil:
		v.Status, v.StatusText = views.Badge{Label: "Never run", Tone: "idle"}, "Run the sync to see what it would do."
	case last.Status == engine.RunFailed:
		v.Status, v.StatusText = views.Badge{Label: "Last run failed", Tone: "bad"}, last.Error
	case open > 0:
		v.Status, v.StatusText = views.Badge{Label: "Needs review", Tone: "warn"}, plural(open, "item waits", "items wait")+" for you."
	default:
		v.Status, v.StatusText = views.Badge{Label: "In agreement", Tone: "ok"}, "Nothing waits for you."
	}
	v.Budget = budget(calls, p.CallsPerDay.Value)
	v.Changed, v.Calls = runCharts(runs)
	s := h.shell(c, "Overview", "overview")
	if v.Running != nil {
		s.Refresh = 5
	}
	h.render(c, http.StatusOK, views.OverviewPage(s, v))
}

func (h *Handler) runLine(p PairInfo, r engine.Run) *views.RunLine {
	id := strconv.FormatInt(r.ID, 10)
	return &views.RunLine{ID: id, URL: pairURL(p.Name, "runs/"+id), Status: runBadge(r.Status), Started: h.fmtTime(r.StartedAt),
		Ago: h.fmtAgo(r.StartedAt), Duration: fmtDuration(r.Duration(h.Now())), APICalls: fmtInt64(r.APICalls),
		Trigger: r.Trigger, Summary: joinNonEmpty("; ", runSummary(r), runProblems(r))}
}

func (h *Handler) outcomeLines(p PairInfo, r engine.Run) []views.OutcomeLine {
	var out []views.OutcomeLine
	runURL := pairURL(p.Name, "runs/"+strconv.FormatInt(r.ID, 10))
	for _, k := range orderedKinds(r.Counts) {
		reasons := make([]string, 0, len(r.Counts[k]))
		for _, rs := range r.Counts.Reasons(k) {
			reasons = append(reasons, fmt.Sprintf("%s %s", strings.ToLower(reasonLabel(rs)), fmtInt(r.Counts.Get(k, rs))))
		}
		b := kindBadge(k)
		out = append(out, views.OutcomeLine{Kind: string(k), Label: b.Label, Count: fmtInt(r.Counts.Kind(k)),
			Reasons: strings.Join(reasons, ", "), URL: runURL + "?kind=" + url.QueryEscape(string(k)), Tone: b.Tone})
	}
	return out
}

func (h *Handler) workItems(p PairInfo, w OpenWork) []views.WorkItem {
	item := func(key, label, page string, n int, tone, hint string) views.WorkItem {
		wi := views.WorkItem{Key: key, Label: label, Count: fmtInt(n), URL: pairURL(p.Name, page), Hint: hint}
		if n > 0 {
			wi.Tone = tone
		}
		return wi
	}
	return []views.WorkItem{
		item("suggestions", "suggested matches", "suggestions", w.Suggestions, "info", "Same customer or not?"),
		item("conflicts", "customers with conflicts", "conflicts", w.ConflictLinks, "warn", "Which value to keep?"),
		item("duplicates", "duplicate sets", "duplicates", w.DuplicateSets, "info", "Which record to keep?"),
		item("dead", "dead letters", "outbox?status=dead", w.DeadLetters, "bad", "Writes that were refused"),
		item("plans", "held plans", "plans", w.HeldPlans, "warn", "Large plans wait for approval"),
		item("deleted", "deleted upstream", "links?state=upstream_deleted", w.UpstreamDeletes, "warn", "Linked customers deleted upstream"),
	}
}

// budget is the share of today's API budget spent.
func budget(used int64, limit int) views.Budget {
	b := views.Budget{Used: fmtInt64(used) + " calls", HasLimit: limit > 0, Note: "No daily limit is set."}
	if limit > 0 {
		b.Limit = fmtInt(limit)
		b.Percent = int(min(100, used*100/int64(limit)))
		b.Note = fmt.Sprintf("%d%% of the daily budget, which renews at midnight UTC", b.Percent)
		switch {
		case b.Percent >= 90:
			b.Tone = "bad"
		case b.Percent >= 70:
			b.Tone = "warn"
		}
	}
	return b
}

// apiOverview is a pair's state as JSON: open work, the last run and the
// connection state.
func (h *Handler) apiOverview(c *gin.Context) {
	p := pairOf(c)
	ctx := c.Request.Context()
	runs, _, err := h.Runs.FindRuns(ctx, RunQuery{Pair: p.Name, Limit: 10})
	if err != nil {
		h.apiError(c, err)
		return
	}
	w, err := h.Overview.OpenWork(ctx, p.Name)
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := gin.H{"pair": newAPIPair(p), "connection": connectionState(runs, w.DeadLetters).State,
		"open_work": gin.H{"suggestions": w.Suggestions, "conflicts": w.Conflicts, "conflict_links": w.ConflictLinks,
			"duplicate_sets": w.DuplicateSets, "upstream_deletes": w.UpstreamDeletes, "held_plans": w.HeldPlans,
			"held_writes": w.HeldWrites, "dead_letters": w.DeadLetters, "pending_writes": w.PendingWrites}}
	if len(runs) > 0 {
		out["last_run"] = h.newAPIRun(runs[0])
	}
	c.JSON(http.StatusOK, out)
}

// joinNonEmpty joins the parts that are not empty with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
