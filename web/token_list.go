package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/web/views"
)

// tokensView lists the signed-in person's API tokens.
func (h *Handler) tokensView(c *gin.Context) (views.TokensView, error) {
	ts, err := h.Tokens.FindAPITokens(c.Request.Context(), who(c).UserID)
	if err != nil {
		return views.TokensView{}, err
	}
	v := views.TokensView{Empty: views.Empty{Title: "No API tokens", Text: "Create one to call the JSON API from a script."}}
	for _, t := range ts {
		row := views.TokenRow{ID: strconv.FormatInt(t.ID, 10), Name: t.Name, Prefix: t.Prefix, Created: h.fmtTime(t.CreatedAt),
			LastUsed: "never", RevokeURL: "/account/tokens/" + strconv.FormatInt(t.ID, 10) + "/revoke"}
		if !t.LastUsedAt.IsZero() {
			row.LastUsed = h.fmtAgo(t.LastUsedAt)
		}
		if !t.RevokedAt.IsZero() {
			row.Revoked = h.fmtTime(t.RevokedAt)
		}
		v.Tokens = append(v.Tokens, row)
	}
	return v, nil
}

func (h *Handler) accountShell(c *gin.Context) views.Shell {
	s := h.shell(c, "API tokens", "")
	if pairs, err := h.Pairs.Pairs(c.Request.Context()); err == nil {
		for _, p := range pairs {
			s.Pairs = append(s.Pairs, views.Link{Label: p.Name, URL: pairURL(p.Name, "")})
		}
		if len(pairs) == 1 {
			s.Pair = pairs[0].Name
		}
	}
	return s
}

func (h *Handler) showTokens(c *gin.Context) {
	v, err := h.tokensView(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, views.TokensPage(h.accountShell(c), v))
}
