package sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OAuthApp is the one OAuth app the simulator knows (connectors.md §1.2).
// Zero fields take the defaults named below.
type OAuthApp struct {
	ClientID     string // default "sim-client"
	ClientSecret string // default "sim-secret"
	// DomainPrefix is the store's prefix, sent in the callback and the
	// token response. Default "simstore".
	DomainPrefix string
	// AccessTTL is an access token's life (expires_in). Default 7 days, as
	// the vendor's changelog example shows.
	AccessTTL time.Duration
	// CodeTTL is an authorization code's life. Default 10 minutes.
	CodeTTL time.Duration
}

func (a *OAuthApp) normalize() {
	a.ClientID = cmpOr(a.ClientID, "sim-client")
	a.ClientSecret = cmpOr(a.ClientSecret, "sim-secret")
	a.DomainPrefix = cmpOr(a.DomainPrefix, "simstore")
	a.AccessTTL = cmpOr(a.AccessTTL, 7*24*time.Hour)
	a.CodeTTL = cmpOr(a.CodeTTL, 10*time.Minute)
}

// OAuthStats counts the token endpoint's work.
type OAuthStats struct {
	Authorized int64 `json:"authorized"` // codes issued
	Exchanged  int64 `json:"exchanged"`
	Refreshed  int64 `json:"refreshed"`
	Refused    int64 `json:"refused"` // 4xx answers of the token endpoint
	Failed     int64 `json:"failed"`  // injected 429 and 5xx answers
}

// grants is the simulator's OAuth state: codes, and access and refresh
// tokens with their expiry and revocation.
type grants struct {
	mu      sync.Mutex
	codes   map[string]codeGrant
	access  map[string]time.Time // token -> expiry
	refresh map[string]bool      // token -> usable (false once rotated away or revoked)
	fail    []int                // statuses the next token requests answer
	issued  []string             // every access and refresh token, in order
	stats   OAuthStats
}

type codeGrant struct {
	redirect string
	expires  time.Time
}

func newGrants() *grants {
	return &grants{codes: map[string]codeGrant{}, access: map[string]time.Time{}, refresh: map[string]bool{}}
}

func randomToken(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// validAccess reports whether tok is an issued, unexpired access token.
func (g *grants) validAccess(tok string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	exp, ok := g.access[tok]
	return ok && now.Before(exp)
}

// serveConnect is the authorization page: GET /connect. Consent is
// automatic, so the answer is a redirect back to redirect_uri with code,
// domain_prefix, state and scope (the body is a page with the same link,
// for a client that does not follow redirects).
func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app := s.opts.OAuth
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case r.Method != http.MethodGet:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case q.Get("client_id") != app.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || !redirect.IsAbs():
		http.Error(w, "redirect_uri must be an absolute URL", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case len(q.Get("state")) < 8:
		http.Error(w, "state must be at least 8 characters", http.StatusBadRequest)
		return
	case strings.TrimSpace(q.Get("scope")) == "":
		http.Error(w, "scope is required", http.StatusBadRequest)
		return
	}
	code := randomToken("code-")
	s.grants.mu.Lock()
	s.grants.codes[code] = codeGrant{redirect: redirect.String(), expires: s.opts.Now().Add(app.CodeTTL)}
	s.grants.stats.Authorized++
	s.grants.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("domain_prefix", app.DomainPrefix)
	back.Set("state", q.Get("state"))
	back.Set("scope", q.Get("scope"))
	redirect.RawQuery = back.Encode()
	w.Header().Set("Location", redirect.String())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusFound)
	fmt.Fprintf(w, "<!doctype html><title>Connect</title><p>Access granted. <a href=\"%s\">Continue</a></p>\n",
		html.EscapeString(redirect.String()))
}

// serveToken is POST /api/1.0/token: form-encoded code exchange and
// refresh. A refresh rotates the refresh token: the one used is revoked as
// the new one is issued. Refused grants answer 400 invalid_grant.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	g, app := s.grants, s.opts.OAuth
	oauthErr := func(status int, code, desc string) {
		g.mu.Lock()
		g.stats.Refused++
		g.mu.Unlock()
		writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "POST only")
		return
	}
	g.mu.Lock()
	if len(g.fail) > 0 {
		status := g.fail[0]
		g.fail = g.fail[1:]
		g.stats.Failed++
		g.mu.Unlock()
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", s.opts.Now().Add(time.Second).UTC().Format(http.TimeFormat))
		}
		writeJSON(w, status, map[string]string{"error": http.StatusText(status)})
		return
	}
	g.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "the body must be form-encoded")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != app.ClientID || f.Get("client_secret") != app.ClientSecret {
		oauthErr(http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	now := s.opts.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		c, ok := g.codes[f.Get("code")]
		delete(g.codes, f.Get("code")) // single use, even when refused
		switch {
		case !ok || !now.Before(c.expires):
			g.stats.Refused++
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant",
				"error_description": "the authorization code is unknown, used or expired"})
			return
		case f.Get("redirect_uri") != c.redirect:
			g.stats.Refused++
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant",
				"error_description": "redirect_uri does not match the authorization request"})
			return
		}
		g.stats.Exchanged++
	case "refresh_token":
		if !g.refresh[f.Get("refresh_token")] {
			g.stats.Refused++
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant",
				"error_description": "the refresh token is invalid or has been revoked"})
			return
		}
		g.refresh[f.Get("refresh_token")] = false
		g.stats.Refreshed++
	default:
		g.stats.Refused++
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type",
			"error_description": "grant_type must be authorization_code or refresh_token"})
		return
	}
	access, refresh := randomToken("lsat-"), randomToken("lsrt-")
	exp := now.Add(app.AccessTTL).Truncate(time.Second)
	g.access[access], g.refresh[refresh] = exp, true
	g.issued = append(g.issued, access, refresh)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer",
		"expires": exp.Unix(), "expires_in": int64(app.AccessTTL / time.Second), "refresh_token": refresh,
		"domain_prefix": app.DomainPrefix, "scope": strings.Join(strings.Fields(r.PostForm.Get("scope")), " ")})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// RevokeOAuth simulates the merchant removing the app: every access and
// refresh token issued so far stops working.
func (s *Server) RevokeOAuth() {
	g := s.grants
	g.mu.Lock()
	defer g.mu.Unlock()
	clear(g.access)
	for t := range g.refresh {
		g.refresh[t] = false
	}
}

// FailTokenRequests makes the next token requests answer these statuses
// (429 with a Retry-After, 5xx) without looking at them.
func (s *Server) FailTokenRequests(statuses ...int) {
	s.grants.mu.Lock()
	defer s.grants.mu.Unlock()
	s.grants.fail = append(s.grants.fail, statuses...)
}

// IssuedTokens returns every access and refresh token issued so far,
// revoked or not, so a test can check that none is stored or logged in
// clear.
func (s *Server) IssuedTokens() []string {
	s.grants.mu.Lock()
	defer s.grants.mu.Unlock()
	return append([]string(nil), s.grants.issued...)
}

// RefreshTokenLive reports whether tok is the refresh token that works
// now: issued, not rotated away and not revoked.
func (s *Server) RefreshTokenLive(tok string) bool {
	s.grants.mu.Lock()
	defer s.grants.mu.Unlock()
	return s.grants.refresh[tok]
}

// OAuthStats returns the token endpoint's counters.
func (s *Server) OAuthStats() OAuthStats {
	s.grants.mu.Lock()
	defer s.grants.mu.Unlock()
	return s.grants.stats
}
