package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

func offsetParam(c *gin.Context) (int, error) {
	o := c.Query("offset")
	if o == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(o)
	if err != nil || n < 0 {
		return 0, invalid("offset %q", o)
	}
	return n, nil
}

// showRuns is the run history, newest first.
func (h *Handler) showRuns(c *gin.Context) {
	p := pairOf(c)
	off, err := offsetParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	runs, total, err := h.Runs.FindRuns(c.Request.Context(), RunQuery{Pair: p.Name, Limit: pageSize, Offset: off})
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.RunsView{Empty: views.Empty{Title: "No runs yet", Text: "Run the sync to see what it reads, links and creates."}}
	if h.Runner != nil {
		v.RunNowURL = pairURL(p.Name, "runs")
	}
	for _, r := range runs {
		v.Rows = append(v.Rows, h.runRow(p, r))
	}
	v.Pager = offsetPager(c, off, len(runs), total, pageSize, "runs")
	h.render(c, http.StatusOK, views.RunsPage(h.shell(c, "Runs", "runs"), v))
}

// offsetPager links the pages of an offset-paged list.
func offsetPager(c *gin.Context, off, n, total, size int, what string) views.Pager {
	pg := views.Pager{Summary: fmt.Sprintf("%d–%d of %s %s", min(off+1, total), off+n, fmtInt(total), what)}
	if off+n < total {
		pg.NextURL = withQuery(c, "offset", strconv.Itoa(off+size))
	}
	if off > 0 {
		pg.PrevURL = withQuery(c, "offset", strconv.Itoa(max(0, off-size)))
	}
	return pg
}

func (h *Handler) runRow(p PairInfo, r engine.Run) views.RunRow {
	id := strconv.FormatInt(r.ID, 10)
	return views.RunRow{ID: id, URL: pairURL(p.Name, "runs/"+id), Status: runBadge(r.Status), Trigger: r.Trigger,
		Started: h.fmtTime(r.StartedAt), Duration: fmtDuration(r.Duration(h.Now())),
		Pulled: fmtInt(r.Pulled[engine.Local] + r.Pulled[engine.Upstream]), Changed: fmtInt(r.Changed[engine.Local] + r.Changed[engine.Upstream]),
		APICalls: fmtInt64(r.APICalls), Summary: runSummary(r), Problems: runProblems(r)}
}

// runSummary says in a few words what a run did.
func runSummary(r engine.Run) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmtInt(n)+" "+what)
		}
	}
	add(r.Counts.Kind(engine.OutcomeLinked), "linked")
	add(r.Counts.Kind(engine.OutcomeCreatedUpstream)+r.Counts.Kind(engine.OutcomeCreatedLocal), "created")
	add(r.Counts.Kind(engine.OutcomeUpdatedUpstream)+r.Counts.Kind(engine.OutcomeUpdatedLocal), "updated")
	add(r.Counts.Kind(engine.OutcomeSuggested), "suggested")
	add(r.Counts.Kind(engine.OutcomeConflict), "in conflict")
	if len(parts) == 0 {
		if r.Status == engine.RunRunning {
			return "running…"
		}
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}

// runProblems names what needs attention: records skipped or failed.
func runProblems(r engine.Run) string {
	var parts []string
	if n := r.Counts.Kind(engine.OutcomeSkipped); n > 0 {
		parts = append(parts, fmtInt(n)+" skipped")
	}
	if n := r.Counts.Kind(engine.OutcomeFailed); n > 0 {
		parts = append(parts, fmtInt(n)+" failed")
	}
	if n := r.Counts.Kind(engine.OutcomeQuarantined); n > 0 {
		parts = append(parts, fmtInt(n)+" unreadable")
	}
	return strings.Join(parts, ", ")
}

type apiRun struct {
	ID         int64                     `json:"id"`
	Pair       string                    `json:"pair"`
	Status     string                    `json:"status"`
	Trigger    string                    `json:"trigger"`
	DryRun     bool                      `json:"dry_run"`
	StartedAt  apiTime                   `json:"started_at"`
	FinishedAt apiTime                   `json:"finished_at"`
	DurationMS int64                     `json:"duration_ms"`
	APICalls   int64                     `json:"api_calls"`
	Pulled     map[engine.Side]int       `json:"pulled"`
	Changed    map[engine.Side]int       `json:"changed"`
	Counts     map[string]map[string]int `json:"counts"`
	HeldReason string                    `json:"held_reason,omitempty"`
	Error      string                    `json:"error,omitempty"`
}

func (h *Handler) newAPIRun(r engine.Run) apiRun {
	counts := map[string]map[string]int{}
	for k, m := range r.Counts {
		counts[string(k)] = map[string]int{}
		for rs, n := range m {
			counts[string(k)][string(rs)] = n
		}
	}
	return apiRun{ID: r.ID, Pair: r.Pair, Status: string(r.Status), Trigger: r.Trigger, DryRun: r.DryRun,
		StartedAt: at(r.StartedAt), FinishedAt: at(r.FinishedAt), DurationMS: r.Duration(h.Now()).Milliseconds(),
		APICalls: r.APICalls, Pulled: r.Pulled, Changed: r.Changed, Counts: counts, HeldReason: r.HeldReason, Error: r.Error}
}

func (h *Handler) apiRuns(c *gin.Context) {
	off, err := offsetParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	runs, total, err := h.Runs.FindRuns(c.Request.Context(), RunQuery{Pair: pairOf(c).Name, Limit: pageSize, Offset: off})
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiRun, len(runs))
	for i, r := range runs {
		out[i] = h.newAPIRun(r)
	}
	c.JSON(http.StatusOK, gin.H{"runs": out, "total": total})
}
