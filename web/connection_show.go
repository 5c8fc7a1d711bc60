package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// Connection states, derived from recent runs: there is no separate
// health probe to go stale, and a run is the truest test.
const (
	connHealthy  = "healthy"
	connDegraded = "degraded"
	connReauth   = "needs_reauthorisation"
	connUnknown  = "unknown"
)

type connState struct {
	State       string
	Explanation string
	LastOK      engine.Run
	LastErr     engine.Run
}

// isAuthFailure reports whether a run's error says the credentials were
// refused: reconnecting, not retrying, fixes it.
func isAuthFailure(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"http 401", "http 403", "unauthorized", "forbidden", "invalid_grant", "invalid_token"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func connectionState(runs []engine.Run, deadLetters int) connState {
	var st connState
	var finished []engine.Run
	for _, r := range runs {
		if r.Status != engine.RunRunning {
			finished = append(finished, r)
		}
	}
	for _, r := range finished {
		if r.Status != engine.RunFailed && st.LastOK.ID == 0 {
			st.LastOK = r
		}
		if r.Status == engine.RunFailed && st.LastErr.ID == 0 {
			st.LastErr = r
		}
	}
	switch {
	case len(finished) == 0:
		st.State, st.Explanation = connUnknown, "Not run yet: run the sync or test the connection."
	case finished[0].Status == engine.RunFailed && isAuthFailure(finished[0].Error):
		st.State, st.Explanation = connReauth, "The last run was refused: the credentials are no longer accepted. Reconnect to resume."
	case finished[0].Status == engine.RunFailed:
		st.State, st.Explanation = connDegraded, "The last run failed. Later runs retry from where it stopped."
	case slices.ContainsFunc(finished[:min(5, len(finished))], func(r engine.Run) bool { return r.Status == engine.RunFailed }):
		st.State, st.Explanation = connDegraded, "The last run succeeded, but a recent one failed."
	case deadLetters > 0:
		st.State, st.Explanation = connDegraded, "Runs succeed, but some writes were refused: see the dead letters in the outbox."
	default:
		st.State, st.Explanation = connHealthy, "Recent runs reached both sides."
	}
	return st
}

func connBadge(state string) views.Badge {
	switch state {
	case connHealthy:
		return views.Badge{Label: "Healthy", Tone: "ok"}
	case connDegraded:
		return views.Badge{Label: "Degraded", Tone: "warn"}
	case connReauth:
		return views.Badge{Label: "Needs re-authorisation", Tone: "bad"}
	}
	return views.Badge{Label: "Unknown", Tone: "idle"}
}

// sideFailed guesses from a run's error which side failed.
func sideFailed(msg string, s engine.Side) bool {
	m := strings.ToLower(msg)
	if s == engine.Upstream {
		return strings.Contains(m, "upstream") || strings.Contains(m, "lightspeed") || strings.Contains(m, "square")
	}
	return strings.Contains(m, "pull local") || strings.Contains(m, "sqltable")
}

func (h *Handler) connection(c *gin.Context, p PairInfo) (connState, []engine.Run, error) {
	ctx := c.Request.Context()
	runs, _, err := h.Runs.FindRuns(ctx, RunQuery{Pair: p.Name, Limit: 10})
	if err != nil {
		return connState{}, nil, err
	}
	w, err := h.work.get(ctx, h.Overview, p.Name)
	if err != nil {
		return connState{}, nil, err
	}
	return connectionState(runs, w.DeadLetters), runs, nil
}

// showConnections shows the state of both sides and the actions that fix
// them.
func (h *Handler) showConnections(c *gin.Context) {
	p := pairOf(c)
	st, runs, err := h.connection(c, p)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := views.ConnectionsView{State: connBadge(st.State), Explanation: st.Explanation}
	if h.Tester != nil {
		v.TestURL = pairURL(p.Name, "connections/test")
	}
	if slices.Contains(h.OAuthProviders, p.UpstreamType) {
		v.ConnectURL = "/connect/" + url.PathEscape(p.UpstreamType) + "?pair=" + url.QueryEscape(p.Name)
		v.ConnectText = "Connect " + upstreamName(p)
		if len(runs) > 0 {
			v.ConnectText = "Reconnect " + upstreamName(p)
		}
	}
	for _, side := range []engine.Side{engine.Local, engine.Upstream} {
		sd := views.ConnectionSide{Label: sideTitle(p, side), State: connBadge(st.State)}
		if side == engine.Local {
			sd.Kind, sd.Detail = "Table "+p.LocalTable, "Read through "+p.LocalType+"; accord writes only new rows and the upstream id column."
		} else {
			sd.Kind, sd.Detail = upstreamName(p)+" API", p.UpstreamURL
		}
		if st.LastErr.ID != 0 && sideFailed(st.LastErr.Error, side) {
			sd.LastErr = "Run " + fmtInt64(st.LastErr.ID) + " " + h.fmtAgo(st.LastErr.StartedAt) + ": " + st.LastErr.Error
		}
		if st.State != connHealthy && st.State != connUnknown && st.LastErr.ID != 0 && !sideFailed(st.LastErr.Error, side) {
			sd.State = connBadge(connHealthy)
		}
		if st.LastOK.ID != 0 {
			sd.LastOK = h.fmtAgo(st.LastOK.StartedAt)
		}
		v.Sides = append(v.Sides, sd)
	}
	for _, r := range runs[:min(5, len(runs))] {
		v.Recent = append(v.Recent, h.runRow(p, r))
	}
	h.render(c, http.StatusOK, views.ConnectionsPage(h.shell(c, "Connections", "connections"), v))
}

func (h *Handler) apiConnection(c *gin.Context) {
	st, _, err := h.connection(c, pairOf(c))
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := gin.H{"state": st.State, "explanation": st.Explanation}
	if st.LastOK.ID != 0 {
		out["last_ok_run"] = st.LastOK.ID
	}
	if st.LastErr.ID != 0 {
		out["last_failed_run"], out["last_error"] = st.LastErr.ID, st.LastErr.Error
	}
	c.JSON(http.StatusOK, out)
}
