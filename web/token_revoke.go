package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// revokeToken revokes one of the signed-in person's tokens at once.
func (h *Handler) revokeToken(c *gin.Context) {
	id, err := idParam(c)
	if err != nil {
		h.actionFailed(c, err, "/account/tokens")
		return
	}
	if err := h.Tokens.RevokeAPIToken(c.Request.Context(), who(c).UserID, id); err != nil {
		h.actionFailed(c, err, "/account/tokens")
		return
	}
	h.setFlash(c, "ok", "Token revoked.")
	c.Redirect(http.StatusSeeOther, "/account/tokens")
}
