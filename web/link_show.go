package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

func (h *Handler) linkIn(ctx context.Context, pair string, id int64) (engine.Link, error) {
	l, err := h.Links.FindLink(ctx, id)
	if err != nil {
		return l, err
	}
	if pair != "" && l.Pair != pair {
		return l, &notFoundError{what: "link"}
	}
	return l, nil
}

// showLink shows one link: why it was made, both records side by side,
// and the sync and unlink actions.
func (h *Handler) showLink(c *gin.Context) {
	p := pairOf(c)
	id, err := idParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	l, err := h.linkIn(ctx, p.Name, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	recs, err := h.Records.FindRecordsByID(ctx, p.Name, []string{l.LocalID}, []string{l.UpstreamID})
	if err != nil {
		h.fail(c, err)
		return
	}
	open, err := h.Conflicts.OpenConflictsOf(ctx, []int64{l.ID})
	if err != nil {
		h.fail(c, err)
		return
	}
	lr, lok := recs[engine.Ref{Side: engine.Local, ID: l.LocalID}]
	ur, uok := recs[engine.Ref{Side: engine.Upstream, ID: l.UpstreamID}]
	sid := strconv.FormatInt(l.ID, 10)
	v := views.LinkView{ID: sid, Method: methodLabel(l.Method), State: linkStateBadge(l.State),
		Created: h.fmtTime(l.CreatedAt), By: l.CreatedBy, Verified: h.fmtAgo(l.VerifiedAt),
		Rule: ruleLabel(l.Evidence.Rule), Note: l.Evidence.Note,
		Local:        recordHead(p, engine.Local, l.LocalID, lr, lok),
		Upstream:     recordHead(p, engine.Upstream, l.UpstreamID, ur, uok),
		Rows:         h.compareRows(p, lr, ur, engine.Evidence{}),
		ConflictsURL: pairURL(p.Name, "conflicts"), OpenConflicts: len(open),
		UnlinkURL: pairURL(p.Name, "links/"+sid+"/unlink"), CanUnlink: l.State != engine.LinkPending}
	if l.Evidence.Score > 0 {
		v.Score = fmtScore(l.Evidence.Score)
	}
	for _, f := range l.Evidence.Fields {
		w := ""
		if f.Weight > 0 {
			w = fmtScore(f.Weight)
		}
		v.Evidence = append(v.Evidence, views.FieldRow{Label: fieldLabel(f.Field), Left: f.Left, Right: f.Right, Evidence: w})
	}
	if h.RecordOps != nil {
		v.SyncURL = pairURL(p.Name, "links/"+sid+"/sync")
	}
	if !v.CanUnlink {
		v.UnlinkNote = "This link is waiting for its record to be created on the other side. Discard the write in the outbox instead."
	}
	h.render(c, http.StatusOK, views.LinkPage(h.shell(c, "Link "+sid, "links"), v))
}

type apiLink struct {
	ID         int64       `json:"id"`
	Pair       string      `json:"pair"`
	LocalID    string      `json:"local_id"`
	UpstreamID string      `json:"upstream_id"`
	Method     string      `json:"method"`
	State      string      `json:"state"`
	Evidence   apiEvidence `json:"evidence"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  apiTime     `json:"created_at"`
	VerifiedAt apiTime     `json:"verified_at"`
	Local      *apiRecord  `json:"local,omitempty"`
	Upstream   *apiRecord  `json:"upstream,omitempty"`
}

func newAPILink(l engine.Link) apiLink {
	return apiLink{ID: l.ID, Pair: l.Pair, LocalID: l.LocalID, UpstreamID: l.UpstreamID, Method: string(l.Method),
		State: string(l.State), Evidence: newAPIEvidence(l.Evidence), CreatedBy: l.CreatedBy, CreatedAt: at(l.CreatedAt),
		VerifiedAt: at(l.VerifiedAt)}
}

func (h *Handler) apiLink(c *gin.Context) {
	id, err := idParam(c)
	if err != nil {
		h.apiError(c, err)
		return
	}
	ctx := c.Request.Context()
	l, err := h.linkIn(ctx, "", id)
	if err != nil {
		h.apiError(c, err)
		return
	}
	recs, err := h.Records.FindRecordsByID(ctx, l.Pair, []string{l.LocalID}, []string{l.UpstreamID})
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := newAPILink(l)
	lr, lok := recs[engine.Ref{Side: engine.Local, ID: l.LocalID}]
	ur, uok := recs[engine.Ref{Side: engine.Upstream, ID: l.UpstreamID}]
	out.Local, out.Upstream = newAPIRecord(lr, lok), newAPIRecord(ur, uok)
	c.JSON(http.StatusOK, gin.H{"link": out})
}
