package web

import (
	"github.com/gin-gonic/gin"
)

// rejectSuggestion records that the records are different customers. The
// rejection is kept for ever: no run suggests or links them again.
func (h *Handler) rejectSuggestion(c *gin.Context, pair string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	s, err := h.suggestionIn(c.Request.Context(), pair, id)
	if err != nil {
		return err
	}
	if err := h.Review.RejectSuggestion(c.Request.Context(), s.ID, actor(c)); err != nil {
		return err
	}
	h.work.forget(s.Pair)
	return nil
}

func (h *Handler) rejectSuggestionForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "suggestions")
	if err := h.rejectSuggestion(c, p.Name); err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Rejected. accord will not suggest these two again.")
}

func (h *Handler) apiRejectSuggestion(c *gin.Context) {
	if err := h.rejectSuggestion(c, ""); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
