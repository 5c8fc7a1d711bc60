package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// decidePlan approves (the held writes become pending, made by the next
// run) or rejects (they are discarded) a run's held plan.
func (h *Handler) decidePlan(c *gin.Context, pair string, approve bool) (int, error) {
	id, err := idParam(c)
	if err != nil {
		return 0, err
	}
	r, err := h.runIn(c.Request.Context(), pair, id)
	if err != nil {
		return 0, err
	}
	decide := h.Outbox.RejectHeldPlan
	if approve {
		decide = h.Outbox.ApproveHeldPlan
	}
	n, err := decide(c.Request.Context(), r.ID, actor(c))
	if err != nil {
		return 0, err
	}
	h.work.forget(r.Pair)
	return n, nil
}

func (h *Handler) approvePlanForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "plans")
	n, err := h.decidePlan(c, p.Name, true)
	if err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Approved: "+plural(n, "write", "writes")+" will be made by the next run.")
}

func (h *Handler) rejectPlanForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "plans")
	n, err := h.decidePlan(c, p.Name, false)
	if err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Rejected: "+plural(n, "write was", "writes were")+" discarded.")
}

func (h *Handler) apiApprovePlan(c *gin.Context) {
	n, err := h.decidePlan(c, "", true)
	if err != nil {
		h.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "released": n})
}

func (h *Handler) apiRejectPlan(c *gin.Context) {
	n, err := h.decidePlan(c, "", false)
	if err != nil {
		h.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "discarded": n})
}
