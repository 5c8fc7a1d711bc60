package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

const conflictLinksPerPage = 20

// conflictPage reads one page of links with open conflicts, their
// conflicts and both records of each.
func (h *Handler) conflictPage(c *gin.Context, pair string) (links []int64, cs []engine.Conflict, recs map[engine.Ref]engine.Record, err error) {
	after, _ := strconv.ParseInt(c.Query("after"), 10, 64)
	ctx := c.Request.Context()
	if links, err = h.Conflicts.ConflictLinks(ctx, pair, after, conflictLinksPerPage); err != nil {
		return nil, nil, nil, err
	}
	if cs, err = h.Conflicts.OpenConflictsOf(ctx, links); err != nil {
		return nil, nil, nil, err
	}
	var local, up []string
	for _, cf := range cs {
		local, up = append(local, cf.LocalID), append(up, cf.UpstreamID)
	}
	recs, err = h.Records.FindRecordsByID(ctx, pair, local, up)
	return links, cs, recs, err
}

// showConflicts lists linked customers whose fields differ, each with all
// its mapped fields so the differing ones are seen in context.
func (h *Handler) showConflicts(c *gin.Context) {
	p := pairOf(c)
	links, cs, recs, err := h.conflictPage(c, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	w, err := h.work.get(c.Request.Context(), h.Overview, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.ConflictsView{
		Total:     plural(w.ConflictLinks, "linked customer has", "linked customers have") + " fields that differ.",
		ReturnTo:  c.Request.URL.RequestURI(),
		LocalName: "local", UpstreamName: sideName(p, engine.Upstream),
		Empty: views.Empty{Title: "No conflicts", Text: "Every linked customer agrees on the fields both sides hold."},
	}
	byLink := map[int64][]engine.Conflict{}
	for _, cf := range cs {
		byLink[cf.LinkID] = append(byLink[cf.LinkID], cf)
	}
	for _, id := range links {
		group := byLink[id]
		if len(group) == 0 {
			continue
		}
		v.Groups = append(v.Groups, h.conflictGroup(p, id, group, recs))
	}
	v.Pager = views.Pager{Summary: plural(len(v.Groups), "customer", "customers") + " on this page"}
	if len(links) == conflictLinksPerPage {
		v.Pager.NextURL = withQuery(c, "after", strconv.FormatInt(links[len(links)-1], 10))
	}
	if c.Query("after") != "" {
		v.Pager.FirstURL = withQuery(c, "after", "")
	}
	h.render(c, http.StatusOK, views.ConflictsPage(h.shell(c, "Conflicts", "conflicts"), v))
}

// conflictGroup shows one link: every mapped field, with a decision on
// those with an open conflict.
func (h *Handler) conflictGroup(p PairInfo, linkID int64, group []engine.Conflict, recs map[engine.Ref]engine.Record) views.ConflictGroup {
	first := group[0]
	lr, lok := recs[engine.Ref{Side: engine.Local, ID: first.LocalID}]
	ur, uok := recs[engine.Ref{Side: engine.Upstream, ID: first.UpstreamID}]
	lid := strconv.FormatInt(linkID, 10)
	g := views.ConflictGroup{LinkID: lid, LinkURL: pairURL(p.Name, "links/"+lid),
		Local:    recordHead(p, engine.Local, first.LocalID, lr, lok),
		Upstream: recordHead(p, engine.Upstream, first.UpstreamID, ur, uok)}
	g.Name = g.Local.Name
	open := map[string]engine.Conflict{}
	fields := slices.Clone(p.Fields)
	for _, cf := range group {
		open[cf.Field] = cf
		if !slices.Contains(fields, cf.Field) {
			fields = append(fields, cf.Field)
		}
	}
	for _, f := range fields {
		row := views.ConflictRow{Label: fieldLabel(f), Local: lr.Field(f), Upstream: ur.Field(f)}
		if cf, ok := open[f]; ok {
			if !lok {
				row.Local = cf.LocalValue
			}
			if !uok {
				row.Upstream = cf.UpstreamValue
			}
			id := strconv.FormatInt(cf.ID, 10)
			row.ConflictID, row.Differs = id, true
			row.ResolveURL = pairURL(p.Name, "conflicts/"+id+"/resolve")
			row.Since = h.fmtAgo(cf.CreatedAt)
		} else {
			row.Differs = h.contradicts(f, row.Local, row.Upstream)
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

type apiConflict struct {
	ID            int64   `json:"id"`
	LinkID        int64   `json:"link_id"`
	LocalID       string  `json:"local_id"`
	UpstreamID    string  `json:"upstream_id"`
	Field         string  `json:"field"`
	LocalValue    string  `json:"local_value"`
	UpstreamValue string  `json:"upstream_value"`
	Status        string  `json:"status"`
	CreatedAt     apiTime `json:"created_at"`
}

// apiConflicts lists open conflicts, a page of links at a time (after=
// the last link id of the previous page).
func (h *Handler) apiConflicts(c *gin.Context) {
	links, cs, _, err := h.conflictPage(c, pairOf(c).Name)
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiConflict, len(cs))
	for i, cf := range cs {
		out[i] = apiConflict{ID: cf.ID, LinkID: cf.LinkID, LocalID: cf.LocalID, UpstreamID: cf.UpstreamID, Field: cf.Field,
			LocalValue: cf.LocalValue, UpstreamValue: cf.UpstreamValue, Status: string(cf.Status), CreatedAt: at(cf.CreatedAt)}
	}
	next := ""
	if len(links) == conflictLinksPerPage {
		next = strconv.FormatInt(links[len(links)-1], 10)
	}
	c.JSON(http.StatusOK, gin.H{"conflicts": out, "next": next})
}
