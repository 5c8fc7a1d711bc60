package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

func (h *Handler) linkQuery(c *gin.Context, pair string) (LinkQuery, error) {
	q := LinkQuery{Pair: pair, State: engine.LinkState(c.Query("state")), Method: engine.LinkMethod(c.Query("method")),
		Limit: pageSize}
	if t := strings.TrimSpace(c.Query("q")); t != "" {
		q.Search = h.PrepareSearch(t)
	}
	if b := c.Query("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return q, invalid("before %q: want a link id", b)
		}
		q.BeforeID = n
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxPageSize {
			return q, invalid("limit %q: want 1 to %d", l, maxPageSize)
		}
		q.Limit = n
	}
	return q, nil
}

// linkRows reads a page of links with both records of each.
func (h *Handler) linkRows(c *gin.Context, q LinkQuery) ([]engine.Link, map[engine.Ref]engine.Record, error) {
	ctx := c.Request.Context()
	links, err := h.Links.SearchLinks(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	var local, up []string
	for _, l := range links {
		local, up = append(local, l.LocalID), append(up, l.UpstreamID)
	}
	recs, err := h.Records.FindRecordsByID(ctx, q.Pair, local, up)
	return links, recs, err
}

// showLinks searches the links by name, email or either id.
func (h *Handler) showLinks(c *gin.Context) {
	p := pairOf(c)
	q, err := h.linkQuery(c, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	links, recs, err := h.linkRows(c, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	total, capped, err := h.Links.CountLinks(c.Request.Context(), q, countCap)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.LinksView{Action: pairURL(p.Name, "links"), Q: c.Query("q"), Total: fmtCount(total, capped) + " links",
		Empty: views.Empty{Title: "No links yet", Text: "Links appear after a run matches customers on both sides."}}
	if q.Search.Text != "" || q.State != "" || q.Method != "" {
		v.Empty = views.Empty{Title: "No links match", Text: "Search by a name, an email, or the id of either record."}
	}
	v.States = []views.Option{{Value: "", Label: "Any"}}
	for _, s := range []engine.LinkState{engine.LinkActive, engine.LinkPending, engine.LinkUpstreamDeleted} {
		v.States = append(v.States, views.Option{Value: string(s), Label: linkStateBadge(s).Label, Selected: s == q.State})
	}
	v.Methods = []views.Option{{Value: "", Label: "Any"}}
	for _, m := range []engine.LinkMethod{engine.MethodExternalID, engine.MethodEmail, engine.MethodAccountCode,
		engine.MethodManual, engine.MethodPushed, engine.MethodPulled} {
		v.Methods = append(v.Methods, views.Option{Value: string(m), Label: methodLabel(m), Selected: m == q.Method})
	}
	for _, l := range links {
		id := strconv.FormatInt(l.ID, 10)
		lr, lok := recs[engine.Ref{Side: engine.Local, ID: l.LocalID}]
		ur, uok := recs[engine.Ref{Side: engine.Upstream, ID: l.UpstreamID}]
		v.Rows = append(v.Rows, views.LinkRow{ID: id, URL: pairURL(p.Name, "links/"+id),
			Local:    recordHead(p, engine.Local, l.LocalID, lr, lok),
			Upstream: recordHead(p, engine.Upstream, l.UpstreamID, ur, uok),
			Method:   methodLabel(l.Method), State: linkStateBadge(l.State), Created: h.fmtTime(l.CreatedAt), By: l.CreatedBy})
	}
	v.Pager = views.Pager{Summary: plural(len(links), "link", "links") + " shown, newest first"}
	if len(links) == q.Limit {
		v.Pager.NextURL = withQuery(c, "before", strconv.FormatInt(links[len(links)-1].ID, 10))
	}
	if q.BeforeID > 0 {
		v.Pager.FirstURL = withQuery(c, "before", "")
	}
	h.render(c, http.StatusOK, views.LinksPage(h.shell(c, "Links", "links"), v))
}

func (h *Handler) apiLinks(c *gin.Context) {
	q, err := h.linkQuery(c, pairOf(c).Name)
	if err != nil {
		h.apiError(c, err)
		return
	}
	links, recs, err := h.linkRows(c, q)
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiLink, len(links))
	for i, l := range links {
		out[i] = newAPILink(l)
		lr, lok := recs[engine.Ref{Side: engine.Local, ID: l.LocalID}]
		ur, uok := recs[engine.Ref{Side: engine.Upstream, ID: l.UpstreamID}]
		out[i].Local, out[i].Upstream = newAPIRecord(lr, lok), newAPIRecord(ur, uok)
	}
	next := ""
	if len(links) == q.Limit {
		next = strconv.FormatInt(links[len(links)-1].ID, 10)
	}
	c.JSON(http.StatusOK, gin.H{"links": out, "next": next})
}
