package web

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
)

// resolveConflict settles one field: keep local or keep upstream queues an
// audited write of the kept value to the other side only, made by the next
// run; keep both leaves both as they are and hides the conflict until
// either value changes.
func (h *Handler) resolveConflict(c *gin.Context, pair, keep string) (string, error) {
	id, err := idParam(c)
	if err != nil {
		return "", err
	}
	ctx := c.Request.Context()
	cf, err := h.Conflicts.FindConflict(ctx, id)
	if err != nil {
		return "", err
	}
	if pair != "" && cf.Pair != pair {
		return "", &notFoundError{what: "conflict"}
	}
	pairs, err := h.Pairs.Pairs(ctx)
	if err != nil {
		return "", err
	}
	var p PairInfo
	for _, q := range pairs {
		if q.Name == cf.Pair {
			p = q
		}
	}
	field := strings.ToLower(fieldLabel(cf.Field))
	var msg string
	switch keep {
	case "local", "upstream":
		side := engine.Side(keep)
		if err := h.Conflicts.ResolveConflict(ctx, cf.ID, side, actor(c)); err != nil {
			return "", err
		}
		target := sideName(p, side.Other())
		if side.Other() == engine.Local {
			target = "the local table"
		}
		msg = fmt.Sprintf("Kept the %s %s. It will be written to %s on the next run.", sideName(p, side), field, target)
	case "both":
		if err := h.Conflicts.KeepBoth(ctx, cf.ID, actor(c)); err != nil {
			return "", err
		}
		msg = fmt.Sprintf("Kept both values of the %s. It stays hidden until either side changes it.", field)
	default:
		return "", invalid("keep %q: choose local, upstream or both", keep)
	}
	h.work.forget(cf.Pair)
	return msg, nil
}

func (h *Handler) resolveConflictForm(c *gin.Context) {
	p := pairOf(c)
	back := pairURL(p.Name, "conflicts")
	msg, err := h.resolveConflict(c, p.Name, c.PostForm("keep"))
	if err != nil {
		h.actionFailed(c, err, back)
		return
	}
	h.done(c, back, msg)
}

func (h *Handler) apiResolveConflict(c *gin.Context) {
	var body struct {
		Keep string `json:"keep"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		h.apiError(c, invalid(`body: want {"keep": "local"|"upstream"|"both"}`))
		return
	}
	msg, err := h.resolveConflict(c, "", body.Keep)
	if err != nil {
		h.apiError(c, err)
		return
	}
	apiOK(c, gin.H{"message": msg})
}
