package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// unlink removes a link because a person says its records are different
// customers. The store remembers the rejection for ever and audits it.
func (h *Handler) unlink(c *gin.Context, pair string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	l, err := h.linkIn(c.Request.Context(), pair, id)
	if err != nil {
		return err
	}
	if err := h.Links.Unlink(c.Request.Context(), l.ID, actor(c)); err != nil {
		return err
	}
	h.work.forget(l.Pair)
	return nil
}

func (h *Handler) unlinkForm(c *gin.Context) {
	p := pairOf(c)
	if err := h.unlink(c, p.Name); err != nil {
		h.actionFailed(c, err, c.Request.URL.Path[:len(c.Request.URL.Path)-len("/unlink")])
		return
	}
	h.setFlash(c, "ok", "Unlinked. accord will never link these two records again.")
	c.Redirect(http.StatusSeeOther, pairURL(p.Name, "links"))
}

func (h *Handler) apiUnlink(c *gin.Context) {
	if err := h.unlink(c, ""); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
