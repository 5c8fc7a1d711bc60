package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

const setsPerPage = 20

func duplicateQuery(c *gin.Context, pair string) (DuplicateQuery, error) {
	q := DuplicateQuery{Pair: pair, Side: engine.Side(c.Query("side")), Status: engine.ReviewStatus(c.Query("status")),
		Limit: setsPerPage}
	if q.Status == "" {
		q.Status = engine.ReviewOpen
	}
	if q.Side != "" && !q.Side.Valid() {
		return q, invalid("side %q: want local or upstream", q.Side)
	}
	if o := c.Query("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			return q, invalid("offset %q", o)
		}
		q.Offset = n
	}
	return q, nil
}

// showDuplicates lists duplicate sets with their members side by side and
// what each member is linked to.
func (h *Handler) showDuplicates(c *gin.Context) {
	p := pairOf(c)
	q, err := duplicateQuery(c, p.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	sets, total, err := h.Duplicates.FindDuplicateSets(ctx, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	ids := map[engine.Side][]string{}
	for _, s := range sets {
		ids[s.Side] = append(ids[s.Side], s.Members...)
	}
	recs, err := h.Records.FindRecordsByID(ctx, p.Name, ids[engine.Local], ids[engine.Upstream])
	if err != nil {
		h.fail(c, err)
		return
	}
	linked := map[engine.Ref]engine.Link{}
	for _, side := range []engine.Side{engine.Local, engine.Upstream} {
		ls, err := h.Links.LinksFor(ctx, p.Name, side, ids[side])
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, l := range ls {
			linked[engine.Ref{Side: side, ID: l.SideID(side)}] = l
		}
	}
	v := views.DuplicatesView{Action: pairURL(p.Name, "duplicates"), ReturnTo: c.Request.URL.RequestURI(),
		Total: plural(total, "set", "sets") + " of records that look like one customer.",
		Empty: views.Empty{Title: "No duplicates to review", Text: "No two records on the same side share an email or account code."}}
	v.Sides = []views.Option{{Value: "", Label: "Both"},
		{Value: "local", Label: sideTitle(p, engine.Local), Selected: q.Side == engine.Local},
		{Value: "upstream", Label: sideTitle(p, engine.Upstream), Selected: q.Side == engine.Upstream}}
	var cols []string
	for _, f := range p.Fields {
		if f != engine.FieldFirstName && f != engine.FieldLastName {
			cols = append(cols, f)
		}
	}
	for _, s := range sets {
		v.Sets = append(v.Sets, h.duplicateSet(p, s, cols, recs, linked))
	}
	v.Pager = views.Pager{Summary: fmt.Sprintf("Sets %d–%d of %s", min(q.Offset+1, total), q.Offset+len(sets), fmtInt(total))}
	if q.Offset+len(sets) < total {
		v.Pager.NextURL = withQuery(c, "offset", strconv.Itoa(q.Offset+q.Limit))
	}
	if q.Offset > 0 {
		v.Pager.PrevURL = withQuery(c, "offset", strconv.Itoa(max(0, q.Offset-q.Limit)))
	}
	h.render(c, http.StatusOK, views.DuplicatesPage(h.shell(c, "Duplicates", "duplicates"), v))
}

func (h *Handler) duplicateSet(p PairInfo, s engine.DuplicateSet, cols []string, recs map[engine.Ref]engine.Record, linked map[engine.Ref]engine.Link) views.DuplicateSetView {
	id := strconv.FormatInt(s.ID, 10)
	d := views.DuplicateSetView{ID: id, Side: sideTitle(p, s.Side), Reason: reasonLabel(s.Reason), Note: s.Evidence.Note,
		SurvivorURL: pairURL(p.Name, "duplicates/"+id+"/survivor"), DismissURL: pairURL(p.Name, "duplicates/"+id+"/dismiss"),
		Open: s.Status == engine.ReviewOpen, Status: reviewBadge(s.Status)}
	if !d.Open && s.DecidedBy != "" {
		d.Decided = fmt.Sprintf("%s by %s, %s", humanize(string(s.Status)), s.DecidedBy, h.fmtTime(s.DecidedAt))
	}
	for _, f := range cols {
		d.Fields = append(d.Fields, fieldLabel(f))
	}
	members := slices.Clone(s.Members)
	// A member that is already linked is usually the one to keep: list it
	// first, so it is the default choice.
	slices.SortStableFunc(members, func(a, b string) int {
		_, la := linked[engine.Ref{Side: s.Side, ID: a}]
		_, lb := linked[engine.Ref{Side: s.Side, ID: b}]
		switch {
		case la && !lb:
			return -1
		case lb && !la:
			return 1
		}
		return 0
	})
	for _, m := range members {
		r, ok := recs[engine.Ref{Side: s.Side, ID: m}]
		mv := views.DuplicateMember{ID: m, Name: m, Missing: !ok, Survivor: m == s.SurvivorID, Linked: "not linked"}
		if ok {
			mv.Name = r.DisplayName()
		}
		for _, f := range cols {
			mv.Values = append(mv.Values, r.Field(f))
		}
		if l, ok := linked[engine.Ref{Side: s.Side, ID: m}]; ok {
			mv.Linked = "linked to " + l.SideID(s.Side.Other())
			if l.State == engine.LinkPending {
				mv.Linked = "being created on " + sideName(p, s.Side.Other())
			}
			mv.LinkURL = pairURL(p.Name, "links/"+strconv.FormatInt(l.ID, 10))
		}
		d.Members = append(d.Members, mv)
	}
	return d
}

type apiDuplicateSet struct {
	ID         int64       `json:"id"`
	Side       string      `json:"side"`
	Members    []string    `json:"members"`
	Reason     string      `json:"reason"`
	Status     string      `json:"status"`
	SurvivorID string      `json:"survivor_id,omitempty"`
	Evidence   apiEvidence `json:"evidence"`
	CreatedAt  apiTime     `json:"created_at"`
}

func (h *Handler) apiDuplicates(c *gin.Context) {
	q, err := duplicateQuery(c, pairOf(c).Name)
	if err != nil {
		h.apiError(c, err)
		return
	}
	sets, total, err := h.Duplicates.FindDuplicateSets(c.Request.Context(), q)
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := make([]apiDuplicateSet, len(sets))
	for i, s := range sets {
		out[i] = apiDuplicateSet{ID: s.ID, Side: string(s.Side), Members: s.Members, Reason: string(s.Reason),
			Status: string(s.Status), SurvivorID: s.SurvivorID, Evidence: newAPIEvidence(s.Evidence), CreatedAt: at(s.CreatedAt)}
	}
	c.JSON(http.StatusOK, gin.H{"duplicate_sets": out, "total": total})
}
