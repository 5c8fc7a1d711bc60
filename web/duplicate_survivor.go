package web

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// setIn reads a duplicate set and checks it belongs to pair ("" for the
// API).
func (h *Handler) setIn(ctx context.Context, pair string, id int64) (engine.DuplicateSet, error) {
	sets, _, err := h.Duplicates.FindDuplicateSets(ctx, DuplicateQuery{ID: id, Limit: 1})
	if err != nil {
		return engine.DuplicateSet{}, err
	}
	if len(sets) == 0 || (pair != "" && sets[0].Pair != pair) {
		return engine.DuplicateSet{}, &notFoundError{what: "duplicate set"}
	}
	return sets[0], nil
}

// chooseSurvivor keeps one member of a duplicate set as the customer: the
// others are never pushed, and resolve through the survivor's link.
func (h *Handler) chooseSurvivor(c *gin.Context, pair, survivor string) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	s, err := h.setIn(c.Request.Context(), pair, id)
	if err != nil {
		return err
	}
	if survivor == "" {
		return invalid("survivor: choose the record to keep")
	}
	if err := h.Duplicates.ChooseSurvivor(c.Request.Context(), s.ID, survivor, actor(c)); err != nil {
		return err
	}
	h.work.forget(s.Pair)
	return nil
}

func (h *Handler) chooseSurvivorForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "duplicates")
	survivor := c.PostForm("survivor")
	if err := h.chooseSurvivor(c, p.Name, survivor); err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, "Kept "+survivor+"; the other records of the set will not be copied across.")
}

func (h *Handler) apiChooseSurvivor(c *gin.Context) {
	var body struct {
		SurvivorID string `json:"survivor_id"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		h.apiError(c, invalid(`body: want {"survivor_id": "..."}`))
		return
	}
	if err := h.chooseSurvivor(c, "", body.SurvivorID); err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, nil)
}
