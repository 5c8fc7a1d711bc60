package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

const outcomesPerPage = 50

func (h *Handler) runIn(ctx context.Context, pair string, id int64) (engine.Run, error) {
	r, err := h.Runs.FindRunByID(ctx, id)
	if err != nil {
		return r, err
	}
	if pair != "" && r.Pair != pair {
		return r, &notFoundError{what: "run"}
	}
	return r, nil
}

// showRun shows a run with every record's outcome and reason, filterable
// by outcome (skipped, failed, …). A running run shows its progress.
func (h *Handler) showRun(c *gin.Context) {
	p := pairOf(c)
	id, err := idParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	r, err := h.runIn(ctx, p.Name, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	off, err := offsetParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	kind := engine.OutcomeKind(c.Query("kind"))
	reason := engine.Reason(c.Query("reason"))
	outs, total, err := h.Runs.FindOutcomes(ctx, OutcomeQuery{RunID: r.ID, Kind: kind, Reason: reason,
		Limit: outcomesPerPage, Offset: off})
	if err != nil {
		h.fail(c, err)
		return
	}
	sid := strconv.FormatInt(r.ID, 10)
	self := pairURL(p.Name, "runs/"+sid)
	v := views.RunView{ID: sid, Status: runBadge(r.Status), Running: r.Status == engine.RunRunning,
		Started: h.fmtTime(r.StartedAt), Finished: h.fmtTime(r.FinishedAt), Duration: fmtDuration(r.Duration(h.Now())),
		Trigger: "Started by " + r.Trigger, APICalls: fmtInt64(r.APICalls),
		Pulled: fmtInt(r.Pulled[engine.Local] + r.Pulled[engine.Upstream]), Changed: fmtInt(r.Changed[engine.Local] + r.Changed[engine.Upstream]),
		Error: r.Error, PlanURL: pairURL(p.Name, "plans"),
		Empty: views.Empty{Title: "No records here", Text: "This run recorded no outcome of this kind."}}
	if r.Status == engine.RunHeld || r.HeldReason != "" {
		v.Held = r.HeldReason
	}
	if r.DryRun {
		v.Trigger += " (dry run)"
	}
	v.Progress = "Finished: " + runSummary(r)
	if v.Running {
		v.EventsURL = self + "/events"
		v.Progress, v.Step = "Starting…", "0"
		if h.Runner != nil {
			if ch, stop, ok := h.Runner.Watch(r.ID); ok {
				select {
				case pr, open := <-ch:
					if open {
						v.Progress, v.Step = h.progressText(p, pr), progressStep(pr)
					}
				default:
				}
				stop()
			} else {
				v.Progress = "Running in another process; this page refreshes as it goes."
			}
		}
	}
	for _, k := range orderedKinds(r.Counts) {
		reasons := make([]string, 0, len(r.Counts[k]))
		for _, rs := range r.Counts.Reasons(k) {
			reasons = append(reasons, fmt.Sprintf("%s %s", strings.ToLower(reasonLabel(rs)), fmtInt(r.Counts.Get(k, rs))))
		}
		b := kindBadge(k)
		v.Counts = append(v.Counts, views.OutcomeLine{Kind: string(k), Label: b.Label, Count: fmtInt(r.Counts.Kind(k)),
			Reasons: strings.Join(reasons, ", "), URL: self + "?kind=" + url.QueryEscape(string(k)), Tone: b.Tone})
	}
	v.Filters = []views.Link{{Label: "All", URL: self, Current: kind == ""}}
	for _, k := range []engine.OutcomeKind{engine.OutcomeSkipped, engine.OutcomeFailed, engine.OutcomeQuarantined,
		engine.OutcomeConflict, engine.OutcomeSuggested, engine.OutcomeDuplicate, engine.OutcomeDeleted} {
		n := r.Counts.Kind(k)
		if n == 0 && k != engine.OutcomeSkipped && k != engine.OutcomeFailed && kind != k {
			continue
		}
		v.Filters = append(v.Filters, views.Link{Label: fmt.Sprintf("%s (%s)", kindBadge(k).Label, fmtInt(n)),
			URL: self + "?kind=" + string(k), Current: kind == k})
	}
	for _, o := range outs {
		v.Outcomes = append(v.Outcomes, views.OutcomeRow{Side: sideName(p, o.Side), RecordID: o.RecordID,
			Kind: kindBadge(o.Kind), Reason: reasonLabel(o.Reason), Detail: o.Detail, At: h.fmtTime(o.At),
			URL: pairURL(p.Name, "links") + "?q=" + url.QueryEscape(o.RecordID)})
	}
	v.Pager = offsetPager(c, off, len(outs), total, outcomesPerPage, "records")
	s := h.shell(c, "Run "+sid, "runs")
	if v.Running {
		s.Refresh = 3
	}
	h.render(c, http.StatusOK, views.RunPage(s, v))
}

// progressText says where a run is, for people.
func (h *Handler) progressText(p PairInfo, pr engine.Progress) string {
	switch pr.Step {
	case engine.StepPull:
		return fmt.Sprintf("Reading %s: %s", strings.ToLower(sideTitle(p, pr.Side)), plural(pr.Done, "record", "records"))
	case engine.StepMatch:
		if pr.Total > 0 {
			return fmt.Sprintf("Matching: %s of %s records", fmtInt(pr.Done), fmtInt(pr.Total))
		}
		return fmt.Sprintf("Matching: %s", plural(pr.Done, "record", "records"))
	case engine.StepPlan:
		return "Planning the writes"
	case engine.StepApply:
		return fmt.Sprintf("Writing: %s done", fmtInt(pr.Done))
	case engine.StepDone:
		return "Finished"
	}
	return "Starting…"
}

// progressStep places a run's stage on a bar of four steps.
func progressStep(pr engine.Progress) string {
	switch pr.Step {
	case engine.StepPull:
		if pr.Side == engine.Local {
			return "1"
		}
		return "0.5"
	case engine.StepMatch:
		return "2"
	case engine.StepPlan:
		return "3"
	case engine.StepApply:
		return "3.5"
	case engine.StepDone:
		return "4"
	}
	return "0"
}

func (h *Handler) apiRun(c *gin.Context) {
	id, err := idParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	r, err := h.runIn(c.Request.Context(), "", id)
	if err != nil {
		h.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"run": h.newAPIRun(r)})
}

type apiOutcome struct {
	Side     string  `json:"side"`
	RecordID string  `json:"record_id"`
	Kind     string  `json:"kind"`
	Reason   string  `json:"reason"`
	Detail   string  `json:"detail,omitempty"`
	At       apiTime `json:"at"`
}

// apiOutcomes lists a run's per-record outcomes (kind= and reason= filter).
func (h *Handler) apiOutcomes(c *gin.Context) {
	id, err := idParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	off, err := offsetParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	outs, total, err := h.Runs.FindOutcomes(c.Request.Context(), OutcomeQuery{RunID: id,
		Kind: engine.OutcomeKind(c.Query("kind")), Reason: engine.Reason(c.Query("reason")), Limit: maxPageSize, Offset: off})
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiOutcome, len(outs))
	for i, o := range outs {
		out[i] = apiOutcome{Side: string(o.Side), RecordID: o.RecordID, Kind: string(o.Kind), Reason: string(o.Reason),
			Detail: o.Detail, At: at(o.At)}
	}
	c.JSON(http.StatusOK, gin.H{"outcomes": out, "total": total})
}
