package web

import "github.com/gin-gonic/gin"

// dismissDuplicates records that a set's members are different customers;
// the same members are never proposed together again.
func (h *Handler) dismissDuplicates(c *gin.Context, pair string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	s, err := h.setIn(c.Request.Context(), pair, id)
	if err != nil {
		return err
	}
	if err := h.Duplicates.DismissDuplicateSet(c.Request.Context(), s.ID, actor(c)); err != nil {
		return err
	}
	h.work.forget(s.Pair)
	return nil
}

func (h *Handler) dismissDuplicatesForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "duplicates")
	if err := h.dismissDuplicates(c, p.Name); err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Dismissed: these records are different customers.")
}

func (h *Handler) apiDismissDuplicates(c *gin.Context) {
	if err := h.dismissDuplicates(c, ""); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
