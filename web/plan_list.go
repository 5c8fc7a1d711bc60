package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

const planSample = 10

// showPlans lists the runs whose plan waits for approval, each with a
// sample of its writes.
func (h *Handler) showPlans(c *gin.Context) {
	p := pairOf(c)
	ctx := c.Request.Context()
	runs, _, err := h.Runs.FindRuns(ctx, RunQuery{Pair: p.Name, Status: engine.RunHeld, Limit: 20})
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.PlansView{ReturnTo: c.Request.URL.RequestURI(), Empty: views.Empty{Title: "No plans wait for approval",
		Text: "A run holds its plan when it would create more records than the guard in Settings allows, or when it is a dry run."}}
	for _, r := range runs {
		ws, total, err := h.Outbox.FindWrites(ctx, WriteQuery{RunID: r.ID, Status: engine.WriteHeld, Limit: planSample})
		if err != nil {
			h.fail(c, err)
			return
		}
		if total == 0 {
			continue // decided already, or a dry run that planned nothing
		}
		id := strconv.FormatInt(r.ID, 10)
		card := views.PlanCard{RunID: id, RunURL: pairURL(p.Name, "runs/"+id), Reason: r.HeldReason,
			Started: h.fmtTime(r.StartedAt), Writes: plural(total, "write waits", "writes wait") + " for approval",
			ApproveURL: pairURL(p.Name, "plans/"+id+"/approve"), RejectURL: pairURL(p.Name, "plans/"+id+"/reject")}
		for _, w := range ws {
			row := h.writeRow(p, w)
			row.DiscardURL = "" // a plan is approved or rejected as a whole
			card.Sample = append(card.Sample, row)
		}
		if total > len(ws) {
			card.More = "and " + plural(total-len(ws), "more write", "more writes")
		}
		v.Plans = append(v.Plans, card)
	}
	h.render(c, http.StatusOK, views.PlansPage(h.shell(c, "Held plans", "plans"), v))
}
