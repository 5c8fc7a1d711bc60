package web

import "github.com/gin-gonic/gin"

// discardWrite abandons a write that has not started or has died; its
// pending link goes with it.
func (h *Handler) discardWrite(c *gin.Context, pair string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	w, err := h.writeIn(c.Request.Context(), pair, id)
	if err != nil {
		return err
	}
	if err := h.Outbox.DiscardWrite(c.Request.Context(), w.ID, actor(c)); err != nil {
		return err
	}
	h.work.forget(w.Pair)
	return nil
}

func (h *Handler) discardWriteForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "outbox")
	if err := h.discardWrite(c, p.Name); err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Discarded. The record is written again only if it changes.")
}

func (h *Handler) apiDiscardWrite(c *gin.Context) {
	if err := h.discardWrite(c, ""); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
