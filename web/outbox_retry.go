package web

import "github.com/gin-gonic/gin"

// retryWrite gives a dead letter a fresh start: pending, attempts reset,
// made by the next run.
func (h *Handler) retryWrite(c *gin.Context, pair string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	w, err := h.writeIn(c.Request.Context(), pair, id)
	if err != nil {
		return err
	}
	if err := h.Outbox.RetryDeadWrite(c.Request.Context(), w.ID, actor(c)); err != nil {
		return err
	}
	h.work.forget(w.Pair)
	return nil
}

func (h *Handler) retryWriteForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "outbox")
	if err := h.retryWrite(c, p.Name); err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Queued again: the next run will retry this write.")
}

func (h *Handler) apiRetryWrite(c *gin.Context) {
	if err := h.retryWrite(c, ""); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
