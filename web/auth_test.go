package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	anon := b.client()
	res := b.get(anon, "/pairs/main/suggestions")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fpairs%2Fmain%2Fsuggestions" {
		t.Fatalf("anonymous page: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	doc := b.page(anon, "/login?next=/pairs/main/suggestions", http.StatusOK)
	if v, _ := doc.Find(`input[name="next"]`).Attr("value"); v != "/pairs/main/suggestions" {
		t.Errorf("login form next = %q", v)
	}
	// A redirect target off this site is never followed.
	doc = b.page(anon, "/login?next=//evil.example/x", http.StatusOK)
	if v, _ := doc.Find(`input[name="next"]`).Attr("value"); v != "/" {
		t.Errorf("login form kept an off-site next: %q", v)
	}

	res = b.post(anon, "/login", url.Values{"email": {testEmail}, "password": {"wrong password"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	res = b.post(anon, "/login", url.Values{"email": {"nobody@shop.nz"}, "password": {testPassword}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown email: %d", res.StatusCode)
	}
	res = b.post(anon, "/login", url.Values{"email": {""}, "password": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d", res.StatusCode)
	}

	c := b.client()
	res = b.post(c, "/login", url.Values{"email": {testEmail}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	for _, raw := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(raw, sessionCookie+"=") {
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(raw, attr) {
					t.Errorf("session cookie %q lacks %s", raw, attr)
				}
			}
		}
	}
	u, _ := url.Parse(b.srv.URL)
	var session *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie after sign-in")
	}
	if len(b.store.sessions) != 1 {
		t.Fatalf("%d sessions stored", len(b.store.sessions))
	}
	for h := range b.store.sessions {
		if h == session.Value {
			t.Fatal("the session token is stored as is, not hashed")
		}
	}
	doc = b.page(c, "/pairs/main", http.StatusOK)
	if got := text(doc, testid("user")); got != testEmail {
		t.Errorf("signed in as %q", got)
	}

	res = b.post(c, "/logout", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The old cookie no longer works: the session is gone on the server.
	old := b.client()
	old.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session.Value}})
	if res := b.get(old, "/pairs/main"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a signed-out session still opens pages: %d", res.StatusCode)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client()
	var last *http.Response
	for range accountLimit.burst + 1 {
		last = b.post(c, "/login", url.Values{"email": {testEmail}, "password": {"guess"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("attempt %d: %d, want 429 with Retry-After", accountLimit.burst+1, last.StatusCode)
	}
	// Even the right password waits: the limit is on attempts.
	res := b.post(c, "/login", url.Values{"email": {testEmail}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while limited: %d", res.StatusCode)
	}
	// Another account from the same address still gets its own attempts.
	res = b.post(c, "/login", url.Values{"email": {"other@shop.nz"}, "password": {"guess"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("another account: %d", res.StatusCode)
	}
}

// routeURL fills a route's parameters with values that exist in the fake.
func routeURL(path string) string {
	r := strings.NewReplacer(":pair", "main", ":id", "1", ":hash", "x", ":name", "app.css", ":provider", "lightspeed")
	return r.Replace(path)
}

// publicRoutes is every route served without a session or a token, and
// why. A route missing here must refuse anonymous requests; adding one is
// a decision this list records.
var publicRoutes = map[Route]string{
	{"GET", "/login"}:               "the sign-in form",
	{"POST", "/login"}:              "signing in",
	{"GET", "/healthz"}:             "liveness for the process manager, says nothing",
	{"GET", "/readyz"}:              "readiness for the load balancer, says nothing",
	{"GET", "/static/:hash/:name"}:  "the stylesheet and script, the same for everyone",
	{"GET", "/oauth/callback"}:      "the provider's redirect back; the state cookie and the stored one-time state authenticate it",
	{"POST", "/webhooks/:provider"}: "provider deliveries; the provider's signature authenticates them",
	// GET /connect/:provider is not here: without a session it needs a
	// one-time ticket from `accord connect`, checked before anything
	// else, and anonymous requests without one are sent to sign in.
}

// Every route but the allow-list above refuses a request without a
// session (pages) or a token (API): nothing is shown and nothing is done.
func TestEveryRouteRefusesAnonymousRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	signedIn := b.login()
	routes := b.h.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	checked := 0
	for _, r := range routes {
		_, allowed := publicRoutes[r]
		if PublicRoute(r.Path) != allowed {
			t.Errorf("%s %s: PublicRoute = %v, but the allow-list says %v", r.Method, r.Path, PublicRoute(r.Path), allowed)
		}
		if allowed {
			continue
		}
		checked++
		for _, who := range []struct {
			name string
			c    *http.Client
		}{{"anonymous", b.client()}, {"a session on the API", signedIn}} {
			api := strings.HasPrefix(r.Path, "/api/")
			if who.c == signedIn && !api {
				continue
			}
			req, _ := http.NewRequest(r.Method, b.srv.URL+routeURL(r.Path), strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			res, err := who.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			switch {
			case api && res.StatusCode != http.StatusUnauthorized:
				t.Errorf("%s %s as %s: %d, want 401", r.Method, r.Path, who.name, res.StatusCode)
			case !api && r.Method == http.MethodGet && (res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login")):
				t.Errorf("%s %s as %s: %d to %q, want a redirect to sign in", r.Method, r.Path, who.name, res.StatusCode, res.Header.Get("Location"))
			case !api && r.Method != http.MethodGet && res.StatusCode != http.StatusUnauthorized:
				t.Errorf("%s %s as %s: %d, want 401", r.Method, r.Path, who.name, res.StatusCode)
			}
		}
	}
	for r := range publicRoutes {
		if !slices.Contains(routes, r) {
			t.Errorf("allow-listed %s %s is not registered", r.Method, r.Path)
		}
	}
	if len(b.store.calls) != 0 {
		t.Errorf("anonymous requests changed state: %v", b.store.calls)
	}
	t.Logf("%d of %d routes checked", checked, len(routes))
}

// A form posted from another site is refused, even with the merchant's
// session cookie; the same form from the dashboard itself works.
func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	for _, hdr := range [][]string{
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site", "Origin", "https://sub." + strings.TrimPrefix(b.srv.URL, "http://")},
	} {
		res := b.post(c, "/pairs/main/suggestions/1/approve", url.Values{}, hdr...)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("approve with %v: %d, want 403", hdr, res.StatusCode)
		}
		res = b.post(b.client(), "/login", url.Values{"email": {testEmail}, "password": {testPassword}}, hdr...)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("sign-in with %v: %d, want 403", hdr, res.StatusCode)
		}
	}
	if s := b.store.suggestions[0]; s.Status != "open" {
		t.Fatalf("a cross-origin post decided suggestion 1: %s", s.Status)
	}
	res := b.post(c, "/pairs/main/suggestions/1/approve", url.Values{}, "Origin", b.srv.URL, "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin approve: %d", res.StatusCode)
	}
}

func TestSecurityHeadersAndAssets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.login()
	res := b.get(c, "/pairs/main")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: %v", res.Header)
	}
	doc := b.page(c, "/pairs/main", http.StatusOK)
	css, _ := doc.Find(`link[rel="stylesheet"]`).Attr("href")
	js, _ := doc.Find(`script[src]`).Attr("src")
	for _, u := range []string{css, js} {
		if !strings.HasPrefix(u, "/static/") || strings.Count(u, "/") != 3 {
			t.Fatalf("asset URL %q is not content-hashed", u)
		}
		res := b.get(b.client(), u)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s: %d %s", u, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	if res := b.get(b.client(), "/static/000000000000/app.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a stale asset hash: %d, want 404", res.StatusCode)
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) != "" {
			t.Errorf("inline script on the page: %q", s.Text())
		}
	})
	if n := doc.Find("[style]").Length(); n > 0 {
		t.Errorf("%d inline style attributes, which the CSP blocks", n)
	}
}
