// Package web is accord's merchant dashboard and JSON API: gin routes and
// handlers, sign-in with server-side sessions, API bearer tokens, and the
// pages where a person reviews what the engine could not decide alone.
//
// It imports engine (types and errors) and web/views (templ components
// that take view models), never the store, the matchers or the connectors:
// the handlers declare the small interfaces they need (deps.go) and
// cmd/accord adapts the store to them. Every route is listed in routes.go;
// each page or action has its file, and the JSON API shares the action's
// file with the form handler that does the same.
//
// Pages work without JavaScript: plain forms, 303 redirects after a
// successful POST, 422 with the messages after a failed validation. A small
// hand-written script (static/app.js) adds keyboard shortcuts, forms
// submitted in place, and live run progress over server-sent events.
// Assets are embedded and served at content-hashed URLs under a strict
// Content-Security-Policy; nothing is loaded from elsewhere.
//
// Security: every request but /login, /healthz, /readyz and the static
// assets needs a session (pages) or a bearer token (/api/v1), except the
// routes providers reach (connect.go): /oauth/callback is authenticated by
// the state cookie and the stored one-time state, /webhooks/{provider} by
// the provider's signature, and /connect/{provider} takes a one-time
// ticket from `accord connect` in place of a session. Every state-changing
// request but the webhooks is checked for cross-origin forgery with
// http.CrossOriginProtection; sign-in attempts are rate-limited per account
// and per client address.
package web
