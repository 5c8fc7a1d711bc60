package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/accordhq/accord/engine"
)

const (
	sessionCookie = "accord_session"
	// bcryptCost is a little over the library default: a sign-in costs
	// about a tenth of a second, a guess as much.
	bcryptCost = 11
	// MinPasswordLength is the shortest password accepted.
	MinPasswordLength = 10
	// tokenPrefix marks accord API tokens, so a leaked one is recognisable
	// by secret scanners and people.
	tokenPrefix = "accord_"
)

// HashPassword returns the bcrypt hash of a password. It fails with
// engine.ErrInvalid for a password shorter than MinPasswordLength or
// longer than bcrypt's 72 bytes.
func HashPassword(password string) (string, error) {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return "", fmt.Errorf("password: at least %d characters are required: %w", MinPasswordLength, engine.ErrInvalid)
	case len(password) > 72:
		return "", fmt.Errorf("password: at most 72 bytes: %w", engine.ErrInvalid)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// GeneratePassword returns a random password of 20 characters from an
// alphabet without look-alikes, for `accord user add` and the demo.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// NewAPIToken returns a new bearer token, the hash to store and a short
// prefix to show. Only the hash is ever stored.
func NewAPIToken() (token, hash, prefix string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), token[:len(tokenPrefix)+6]
}

// hashToken is how session and API tokens are stored and looked up. The
// tokens are 256 random bits, so a fast hash is enough: there is nothing
// to brute-force.
func hashToken(t string) string {
	s := sha256.Sum256([]byte(t))
	return hex.EncodeToString(s[:])
}

func newSessionToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// identity is who makes a request.
type identity struct {
	UserID      int64
	Email       string
	SessionHash string // "" for API requests
	TokenID     int64  // 0 for browser requests
}

func who(c *gin.Context) identity {
	id, _ := c.Get(ctxIdentity)
	v, _ := id.(identity)
	return v
}

// actor is the name decisions are audited under.
func actor(c *gin.Context) string { return who(c).Email }

// requireSession admits requests with a live session. Others are refused:
// a page request is sent to sign in (and back afterwards), anything else
// gets 401.
func (h *Handler) requireSession(c *gin.Context) {
	if v, err := c.Cookie(sessionCookie); err == nil && v != "" {
		now := h.Now()
		hash := hashToken(v)
		s, cached := h.sessions.get(hash, now)
		if !cached {
			s, err = h.Sessions.FindSession(c.Request.Context(), hash, now)
		}
		switch {
		case err == nil:
			if s.ExpiresAt.Sub(now) < h.SessionTTL/2 {
				// A sliding session: in use, it does not expire.
				s.ExpiresAt = now.Add(h.SessionTTL)
				if err := h.Sessions.ExtendSession(c.Request.Context(), s.TokenHash, s.ExpiresAt, now); err != nil {
					h.log.Warn("extend session", "err", err)
				} else {
					h.setSessionCookie(c, v)
				}
			}
			if !cached {
				h.sessions.put(s, now)
			}
			c.Set(ctxIdentity, identity{UserID: s.UserID, Email: s.Email, SessionHash: s.TokenHash})
			c.Next()
			return
		case !errors.Is(err, engine.ErrNotFound):
			h.serverError(c, err)
			c.Abort()
			return
		}
	}
	if c.Request.Method == http.MethodGet && c.GetHeader("Accept") != "text/event-stream" {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
	} else {
		c.String(http.StatusUnauthorized, "sign in first\n")
	}
	c.Abort()
}

// requireToken admits API requests with a valid bearer token.
func (h *Handler) requireToken(c *gin.Context) {
	auth := c.GetHeader("Authorization")
	scheme, tok, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		h.apiUnauthorized(c, "an API token is required: Authorization: Bearer <token>")
		return
	}
	t, err := h.Tokens.FindAPIToken(c.Request.Context(), hashToken(strings.TrimSpace(tok)))
	if errors.Is(err, engine.ErrNotFound) {
		h.apiUnauthorized(c, "the API token is unknown or revoked")
		return
	}
	if err != nil {
		h.apiError(c, err)
		c.Abort()
		return
	}
	now := h.Now()
	if now.Sub(t.LastUsedAt) > time.Minute { // one write a minute, not one per call
		if err := h.Tokens.TouchAPIToken(c.Request.Context(), t.ID, now); err != nil {
			h.log.Warn("touch API token", "err", err)
		}
	}
	c.Set(ctxIdentity, identity{UserID: t.UserID, Email: t.Email, TokenID: t.ID})
	c.Next()
}

func (h *Handler) apiUnauthorized(c *gin.Context, msg string) {
	c.Header("WWW-Authenticate", `Bearer realm="accord"`)
	c.AbortWithStatusJSON(http.StatusUnauthorized, apiErrorBody{Error: apiErrorDetail{Code: "unauthorized", Message: msg}})
}

func (h *Handler) setSessionCookie(c *gin.Context, value string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: int(h.SessionTTL.Seconds()),
		HttpOnly: true, Secure: h.secureRequest(c.Request), SameSite: http.SameSiteLaxMode,
	})
}

func (h *Handler) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secureRequest(c.Request), SameSite: http.SameSiteLaxMode,
	})
}

// safeNext keeps a post-login redirect on this site: a path, never a
// scheme-relative or absolute URL.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
