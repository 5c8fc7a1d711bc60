package web

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// suggestionIn reads a suggestion a person is deciding and checks that it
// belongs to pair ("" for the API, where the id alone names it).
func (h *Handler) suggestionIn(ctx context.Context, pair string, id int64) (engine.Suggestion, error) {
	s, err := h.Review.FindSuggestion(ctx, id)
	if err != nil {
		return s, err
	}
	if pair != "" && s.Pair != pair {
		return s, &notFoundError{what: "suggestion"}
	}
	return s, nil
}

// approveSuggestion links the suggestion's records; the store records who
// approved it in the audit log.
func (h *Handler) approveSuggestion(c *gin.Context, pair string) (engine.Link, error) {
	id, err := idParam(c)
	if err != nil {
		return engine.Link{}, err
	}
	s, err := h.suggestionIn(c.Request.Context(), pair, id)
	if err != nil {
		return engine.Link{}, err
	}
	l, err := h.Review.ApproveSuggestion(c.Request.Context(), s.ID, actor(c))
	if err != nil {
		return l, err
	}
	h.work.forget(s.Pair)
	return l, nil
}

func (h *Handler) approveSuggestionForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "suggestions")
	l, err := h.approveSuggestion(c, p.Name)
	if err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Linked "+l.LocalID+" with "+l.UpstreamID+".")
}

func (h *Handler) apiApproveSuggestion(c *gin.Context) {
	l, err := h.approveSuggestion(c, "")
	if err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, gin.H{"link": newAPILink(l)})
}
