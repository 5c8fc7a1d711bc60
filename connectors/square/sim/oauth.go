package sim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// OAuthApp is the one OAuth application the simulator knows
// (connectors.md §2.1). Zero fields take the defaults named below.
type OAuthApp struct {
	ClientID     string // the application id; default "sq0idp-sim"
	ClientSecret string // default "sq0csp-sim"
	MerchantID   string // the seller who consents; default "MLSIMULATOR01"
	// AccessTTL is an access token's life. Default 30 days.
	AccessTTL time.Duration
	// CodeTTL is an authorization code's life. Default 5 minutes.
	CodeTTL time.Duration
}

func (a *OAuthApp) normalize() {
	a.ClientID = cmpOr(a.ClientID, "sq0idp-sim")
	a.ClientSecret = cmpOr(a.ClientSecret, "sq0csp-sim")
	a.MerchantID = cmpOr(a.MerchantID, "MLSIMULATOR01")
	a.AccessTTL = cmpOr(a.AccessTTL, 30*24*time.Hour)
	a.CodeTTL = cmpOr(a.CodeTTL, 5*time.Minute)
}

// OAuthStats counts ObtainToken's work.
type OAuthStats struct {
	Authorized int64 `json:"authorized"`
	Exchanged  int64 `json:"exchanged"`
	Refreshed  int64 `json:"refreshed"`
	Refused    int64 `json:"refused"`
	// PKCEVerified counts code exchanges whose code_verifier matched the
	// authorization's code_challenge.
	PKCEVerified int64 `json:"pkce_verified"`
}

type codeGrant struct {
	redirect  string
	challenge string // S256 challenge, "" without PKCE
	expires   time.Time
}

// refreshGrant is a refresh token: code-flow ones (issued to a client that
// sent its secret) are multi-use; PKCE-only ones are single-use.
type refreshGrant struct {
	usable    bool
	singleUse bool
}

type accessGrant struct {
	expires time.Time
	revoked bool
}

type grants struct {
	mu      sync.Mutex
	codes   map[string]codeGrant
	access  map[string]accessGrant
	refresh map[string]refreshGrant
	stats   OAuthStats
}

func newGrants() *grants {
	return &grants{codes: map[string]codeGrant{}, access: map[string]accessGrant{}, refresh: map[string]refreshGrant{}}
}

func randomToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// accessCode returns "" for a usable access token, else the error code.
func (g *grants) accessCode(tok string, now time.Time) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	a, ok := g.access[tok]
	switch {
	case !ok:
		return "UNAUTHORIZED"
	case a.revoked:
		return "ACCESS_TOKEN_REVOKED"
	case !now.Before(a.expires):
		return "ACCESS_TOKEN_EXPIRED"
	}
	return ""
}

// serveAuthorize is GET /oauth2/authorize. Consent is automatic: the answer
// redirects to redirect_uri with code, response_type and state, and its body
// is a page with the same link.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
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
		http.Error(w, "redirect_uri must be an absolute URL (the simulator has no registered one)", http.StatusBadRequest)
		return
	case strings.TrimSpace(q.Get("scope")) == "":
		http.Error(w, "scope is required", http.StatusBadRequest)
		return
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		http.Error(w, "code_challenge_method must be S256", http.StatusBadRequest)
		return
	}
	code := randomToken("sq0cgb-")
	s.grants.mu.Lock()
	s.grants.codes[code] = codeGrant{redirect: redirect.String(), challenge: q.Get("code_challenge"),
		expires: s.opts.Now().Add(app.CodeTTL)}
	s.grants.stats.Authorized++
	s.grants.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("response_type", "code")
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	w.Header().Set("Location", redirect.String())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusFound)
	fmt.Fprintf(w, "<!doctype html><title>Square</title><p>Access granted. <a href=\"%s\">Continue</a></p>\n",
		html.EscapeString(redirect.String()))
}

// serveToken is POST /oauth2/token (ObtainToken): a JSON body, not a form.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	g, app := s.grants, s.opts.OAuth
	refuse := func(status int, code, detail string) {
		g.mu.Lock()
		g.stats.Refused++
		g.mu.Unlock()
		errReply(status, catAuth, code, "", detail).write(w)
	}
	if r.Method != http.MethodPost {
		refuse(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "POST only")
		return
	}
	body, rep, ok := readBody(r)
	if !ok {
		rep.write(w)
		return
	}
	var req struct {
		ClientID, ClientSecret, GrantType, Code, RedirectURI, RefreshToken, CodeVerifier string
	}
	var raw map[string]any
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &raw) != nil {
		badRequest(codeBadRequest, "", "the body must be JSON (ObtainTokenRequest)").write(w)
		return
	}
	str := func(k string) string { v, _ := raw[k].(string); return v }
	req.ClientID, req.ClientSecret, req.GrantType = str("client_id"), str("client_secret"), str("grant_type")
	req.Code, req.RedirectURI, req.RefreshToken, req.CodeVerifier = str("code"), str("redirect_uri"),
		str("refresh_token"), str("code_verifier")
	if req.ClientID != app.ClientID || (req.ClientSecret != "" && req.ClientSecret != app.ClientSecret) {
		refuse(http.StatusUnauthorized, "UNAUTHORIZED", "invalid_client: unknown client_id or wrong client_secret")
		return
	}
	codeFlow := req.ClientSecret != ""
	now := s.opts.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	refresh := req.RefreshToken
	switch req.GrantType {
	case "authorization_code":
		c, ok := g.codes[req.Code]
		delete(g.codes, req.Code) // single use, even when refused
		challenged := c.challenge != ""
		switch {
		case !ok || !now.Before(c.expires):
			g.stats.Refused++
			errReply(http.StatusUnauthorized, catAuth, "UNAUTHORIZED",
				"", "invalid_grant: the authorization code is unknown, used or expired").write(w)
			return
		case req.RedirectURI != "" && req.RedirectURI != c.redirect:
			g.stats.Refused++
			errReply(http.StatusUnauthorized, catAuth, "UNAUTHORIZED", "redirect_uri",
				"invalid_grant: redirect_uri does not match the authorization").write(w)
			return
		case challenged && !verifierMatches(req.CodeVerifier, c.challenge):
			g.stats.Refused++
			errReply(http.StatusUnauthorized, catAuth, "UNAUTHORIZED", "code_verifier",
				"invalid_grant: code_verifier does not match the code_challenge").write(w)
			return
		case !challenged && !codeFlow:
			g.stats.Refused++
			errReply(http.StatusBadRequest, catInvalid, "MISSING_REQUIRED_PARAMETER", "client_secret",
				"client_secret is required without PKCE").write(w)
			return
		}
		if challenged {
			g.stats.PKCEVerified++
		}
		g.stats.Exchanged++
		refresh = randomToken("sq0rtb-")
		g.refresh[refresh] = refreshGrant{usable: true, singleUse: !codeFlow}
	case "refresh_token":
		rg := g.refresh[refresh]
		if !rg.usable {
			g.stats.Refused++
			errReply(http.StatusUnauthorized, catAuth, "UNAUTHORIZED", "refresh_token",
				"invalid_grant: the refresh token is invalid or has been revoked").write(w)
			return
		}
		if rg.singleUse {
			g.refresh[refresh] = refreshGrant{}
			refresh = randomToken("sq0rtb-")
			g.refresh[refresh] = refreshGrant{usable: true, singleUse: true}
		}
		g.stats.Refreshed++
	default:
		g.stats.Refused++
		badRequest("INVALID_VALUE", "grant_type", "grant_type must be authorization_code or refresh_token").write(w)
		return
	}
	access := randomToken("EAAAsim")
	exp := now.Add(app.AccessTTL).UTC().Truncate(time.Second)
	g.access[access] = accessGrant{expires: exp}
	jsonReply(http.StatusOK, map[string]any{"access_token": access, "token_type": "bearer",
		"expires_at": exp.Format(time.RFC3339), "merchant_id": app.MerchantID, "refresh_token": refresh,
		"short_lived": false}).write(w)
}

// verifierMatches checks RFC 7636 S256: BASE64URL(SHA256(verifier)).
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// RevokeOAuth simulates the seller revoking the application: every access
// and refresh token issued so far stops working.
func (s *Server) RevokeOAuth() {
	g := s.grants
	g.mu.Lock()
	defer g.mu.Unlock()
	for t, a := range g.access {
		a.revoked = true
		g.access[t] = a
	}
	for t := range g.refresh {
		g.refresh[t] = refreshGrant{}
	}
}

// OAuthStats returns ObtainToken's counters.
func (s *Server) OAuthStats() OAuthStats {
	s.grants.mu.Lock()
	defer s.grants.mu.Unlock()
	return s.grants.stats
}
