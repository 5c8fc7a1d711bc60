package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/web/views"
)

// createToken makes an API token and shows it once, in this response: it
// is a secret, so it is neither stored nor carried through a redirect.
func (h *Handler) createToken(c *gin.Context) {
	name := strings.TrimSpace(c.PostForm("name"))
	if name == "" || len(name) > 100 {
		v, err := h.tokensView(c)
		if err != nil {
			h.fail(c, err)
			return
		}
		v.Error = "Give the token a name of at most 100 characters, so you can tell it apart later."
		h.render(c, http.StatusUnprocessableEntity, views.TokensPage(h.accountShell(c), v))
		return
	}
	token, hash, prefix := NewAPIToken()
	if _, err := h.Tokens.CreateAPIToken(c.Request.Context(), who(c).UserID, name, hash, prefix); err != nil {
		h.fail(c, err)
		return
	}
	v, err := h.tokensView(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	v.NewToken, v.NewName = token, name
	v.Example = "curl -H 'Authorization: Bearer " + token + "' " + scheme(c) + "://" + c.Request.Host + "/api/v1/pairs"
	h.render(c, http.StatusCreated, views.TokensPage(h.accountShell(c), v))
}

func scheme(c *gin.Context) string {
	if c.Request.TLS != nil {
		return "https"
	}
	return "http"
}
