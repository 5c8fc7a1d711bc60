package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/web/views"
)

// dummyHash is compared against when the email is unknown, so a wrong
// email takes as long as a wrong password and does not reveal who has an
// account.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("accord-no-such-user"), bcryptCost)
	return h
})

func (h *Handler) showLogin(c *gin.Context) {
	next := safeNext(c.Query("next"))
	h.render(c, http.StatusOK, views.LoginPage(views.LoginView{CSS: h.assets.url("app.css"), Next: next}))
}

// submitLogin checks the password, rate-limited per account and per
// address, and starts a new session (never reusing one the browser sent,
// so a planted cookie cannot be promoted to a signed-in one).
func (h *Handler) submitLogin(c *gin.Context) {
	email := strings.ToLower(strings.TrimSpace(c.PostForm("email")))
	password := c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	v := views.LoginView{CSS: h.assets.url("app.css"), Email: email, Next: next}
	if email == "" || password == "" {
		v.Error = "Enter your email and password."
		h.render(c, http.StatusUnprocessableEntity, views.LoginPage(v))
		return
	}
	if ok, retry := h.limiter.allow(email, c.ClientIP()); !ok {
		secs := int(retry.Seconds()) + 1
		c.Header("Retry-After", strconv.Itoa(secs))
		v.Error = "Too many sign-in attempts. Wait " + plural(secs, "second", "seconds") + " and try again."
		h.log.Warn("sign-in rate-limited", "email", email, "addr", c.ClientIP())
		h.render(c, http.StatusTooManyRequests, views.LoginPage(v))
		return
	}
	ctx := c.Request.Context()
	u, err := h.Users.FindUserByEmail(ctx, email)
	hash := []byte(u.PasswordHash)
	if err != nil {
		if !errors.Is(err, engine.ErrNotFound) {
			h.serverError(c, err)
			return
		}
		hash = dummyHash()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		h.log.Info("sign-in failed", "email", email, "addr", c.ClientIP())
		v.Error = "That email and password do not match an account."
		h.render(c, http.StatusUnauthorized, views.LoginPage(v))
		return
	}
	now := h.Now()
	token := newSessionToken()
	s := Session{TokenHash: hashToken(token), UserID: u.ID, Email: u.Email, ExpiresAt: now.Add(h.SessionTTL),
		RemoteAddr: c.ClientIP(), UserAgent: c.Request.UserAgent()}
	if err := h.Sessions.CreateSession(ctx, s); err != nil {
		h.serverError(c, err)
		return
	}
	if err := h.Users.NoteLogin(ctx, u.ID, now); err != nil {
		h.log.Warn("note sign-in", "err", err)
	}
	h.setSessionCookie(c, token)
	h.log.Info("signed in", "email", u.Email, "addr", c.ClientIP())
	c.Redirect(http.StatusSeeOther, next)
}

// logout ends the session on the server, not only in the browser.
func (h *Handler) logout(c *gin.Context) {
	if hash := who(c).SessionHash; hash != "" {
		h.sessions.drop(hash)
		if err := h.Sessions.DeleteSession(c.Request.Context(), hash); err != nil {
			h.serverError(c, err)
			return
		}
	}
	h.clearSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/login")
}

// showHome opens the only pair's overview, or lists the pairs.
func (h *Handler) showHome(c *gin.Context) {
	pairs, err := h.Pairs.Pairs(c.Request.Context())
	if err != nil {
		h.serverError(c, err)
		return
	}
	if len(pairs) == 1 {
		c.Redirect(http.StatusSeeOther, pairURL(pairs[0].Name, ""))
		return
	}
	c.Set(ctxPairs, pairs)
	v := views.PairsView{Empty: views.Empty{Title: "No syncs are configured",
		Text: "Add a pair to accord.yaml and restart accord serve."}}
	for _, p := range pairs {
		card := views.PairCard{Name: p.Name, URL: pairURL(p.Name, "")}
		runs, _, err := h.Runs.FindRuns(c.Request.Context(), RunQuery{Pair: p.Name, Limit: 1})
		if err != nil {
			h.serverError(c, err)
			return
		}
		if len(runs) > 0 {
			card.Status = runBadge(runs[0].Status)
			card.LastRun = "Last run " + h.fmtAgo(runs[0].StartedAt)
		} else {
			card.Status, card.LastRun = views.Badge{Label: "Never run", Tone: "idle"}, "Not run yet"
		}
		if w, err := h.work.get(c.Request.Context(), h.Overview, p.Name); err == nil {
			card.OpenWork = plural(w.Suggestions+w.ConflictLinks+w.DuplicateSets+w.DeadLetters+w.HeldPlans,
				"item waits", "items wait") + " for review"
		}
		v.Pairs = append(v.Pairs, card)
	}
	h.render(c, http.StatusOK, views.PairsPage(h.shell(c, "Syncs", ""), v))
}
