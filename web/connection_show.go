package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

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
	// Refused is set when runs reach both sides and only some writes were
	// refused: the data needs a look, not the connections.
	Refused bool
}

// isAuthFailure reports whether a run's error says the credentials were
// refused: reconnecting, not retrying, fixes it.
func isAuthFailure(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"http 401", "http 403", "unauthorized", "forbidden", "invalid_grant", "invalid_token",
		engine.ErrNeedsReauth.Error()} {
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
	// A run stops (rather than fails) when an OAuth grant was refused or
	// never given: it paused, and only connecting resumes it.
	case (finished[0].Status == engine.RunFailed || finished[0].Status == engine.RunStopped) &&
		isAuthFailure(finished[0].Error):
		st.State, st.Explanation = connReauth, "The last run was refused: the credentials are no longer accepted. Reconnect to resume."
	case finished[0].Status == engine.RunFailed:
		st.State, st.Explanation = connDegraded, "The last run failed. Later runs retry from where it stopped."
	case slices.ContainsFunc(finished[:min(5, len(finished))], func(r engine.Run) bool { return r.Status == engine.RunFailed }):
		st.State, st.Explanation = connDegraded, "The last run succeeded, but a recent one failed."
	case deadLetters > 0:
		st.State, st.Explanation = connDegraded, "Runs succeed, but some writes were refused: see the dead letters in the outbox."
		st.Refused = true
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
	if h.connectsWithOAuth(p) {
		v.ConnectURL = "/connect/" + url.PathEscape(p.UpstreamType) + "?pair=" + url.QueryEscape(p.Name)
		v.ConnectText = "Connect " + upstreamName(p)
		if len(runs) > 0 {
			v.ConnectText = "Reconnect " + upstreamName(p)
		}
		g, err := h.grant(c, p)
		if err != nil {
			h.fail(c, err)
			return
		}
		if g.known {
			v.Grant, v.ConnectText = g.text, g.button
			switch {
			case g.reauth:
				v.State, v.Explanation = connBadge(connReauth), g.text
			case g.state == grantNone:
				v.State, v.Explanation = views.Badge{Label: "Not connected", Tone: "warn"}, g.text
			case st.State == connReauth && g.connectedAt.After(lastFinished(runs)):
				v.State, v.Explanation = views.Badge{Label: "Reconnected", Tone: "ok"},
					"Connected again since the last run was refused; the next run resumes where it stopped."
			}
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
		if st.Refused || st.State != connHealthy && st.State != connUnknown && st.LastErr.ID != 0 && !sideFailed(st.LastErr.Error, side) {
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
	st, runs, err := h.connection(c, pairOf(c))
	if err != nil {
		h.apiError(c, err)
		return
	}
	out := gin.H{"state": st.State, "explanation": st.Explanation}
	if p := pairOf(c); h.connectsWithOAuth(p) {
		g, err := h.grant(c, p)
		if err != nil {
			h.apiError(c, err)
			return
		}
		if g.known {
			out["oauth"] = gin.H{"state": g.state, "description": g.text}
			switch {
			case g.reauth:
				out["state"], out["explanation"] = connReauth, g.text
			case g.state == grantNone:
				out["state"], out["explanation"] = grantNone, g.text
			case st.State == connReauth && g.connectedAt.After(lastFinished(runs)):
				out["state"], out["explanation"] = connUnknown, "Connected again since the last run was refused."
			}
		}
	}
	if st.LastOK.ID != 0 {
		out["last_ok_run"] = st.LastOK.ID
	}
	if st.LastErr.ID != 0 {
		out["last_failed_run"], out["last_error"] = st.LastErr.ID, st.LastErr.Error
	}
	c.JSON(http.StatusOK, out)
}

// connectsWithOAuth reports whether the pair's upstream is connected with
// OAuth here, so the page offers to connect it.
func (h *Handler) connectsWithOAuth(p PairInfo) bool {
	if h.OAuth != nil {
		return h.OAuth.Handles(p.Name)
	}
	return slices.Contains(h.OAuthProviders, p.UpstreamType)
}

// grantNone is the state of a pair that was never connected: its runs
// stop before calling the provider, so no run can say so.
const grantNone = "not_connected"

// grantInfo is a pair's OAuth connection as people read it.
type grantInfo struct {
	known       bool // the store was asked
	state       string
	reauth      bool
	connectedAt time.Time
	text        string
	button      string
}

// lastFinished is when the newest finished run started.
func lastFinished(runs []engine.Run) time.Time {
	for _, r := range runs {
		if r.Status != engine.RunRunning {
			return r.StartedAt
		}
	}
	return time.Time{}
}

// grant describes the pair's OAuth connection: never made, in use, or
// refused by the provider (which pauses the pair's runs until someone
// connects again, whatever the last run says).
func (h *Handler) grant(c *gin.Context, p PairInfo) (grantInfo, error) {
	if h.Connections == nil {
		return grantInfo{}, nil
	}
	conn, err := h.Connections.FindConnection(c.Request.Context(), p.Name)
	name := upstreamName(p)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return grantInfo{known: true, state: grantNone, button: "Connect " + name,
			text: "Not connected yet: connect " + name + " to start syncing."}, nil
	case err != nil:
		return grantInfo{}, err
	}
	g := grantInfo{known: true, state: string(conn.State), connectedAt: conn.ConnectedAt, button: "Reconnect " + name}
	by := ""
	if conn.ConnectedBy != "" {
		by = " by " + conn.ConnectedBy
	}
	account := ""
	if conn.Account != "" {
		account = " (" + conn.Account + ")"
	}
	switch conn.State {
	case engine.ConnectionNeedsReauth:
		g.reauth = true
		g.text = name + " refused the connection" + account + ": " + conn.Reason +
			". Runs are paused and nothing waiting is lost; reconnect to resume."
	default:
		g.text = "Connected to " + name + account + by + " " + h.fmtAgo(conn.ConnectedAt) + "."
		if !conn.RefreshedAt.IsZero() {
			g.text += " Token last refreshed " + h.fmtAgo(conn.RefreshedAt) + "."
		}
	}
	return g, nil
}
