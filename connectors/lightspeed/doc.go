// Package lightspeed is accord's client for the customers of Lightspeed
// Retail X-Series (formerly Vend), API 2.0. A *Client is the upstream side of
// a pair: it implements engine.Connector and engine.CallCounter.
//
// It imports the standard library, golang.org/x/time/rate and engine; never
// store, web, matchers or another connector. Its simulator lives in sim/ and
// is used only by the tests.
//
// What the X-Series contract (reference/connectors.md §1) makes it do:
//
//   - Pull reads GET /customers as a change feed: the cursor is the version
//     (an int64, beyond 2^31) of the last record read, the feed includes soft
//     deletes (deleted=true), and it ends only on an empty page, so an idle
//     run costs exactly one call.
//   - POST /customers has no idempotency key. Create therefore never retries
//     once a request may have reached the server: a 5xx, a timeout, a cut
//     connection or an unreadable 201 is reported as engine.ErrUnknownOutcome,
//     and the engine settles it by finding the external-ref marker (the local
//     id written to Options.ExternalRefField) in the change feed.
//   - A 429 carries Retry-After as an HTTP date. The client waits for it when
//     it is within Options.MaxWait, and otherwise returns an
//     *engine.RetryAfterError so the caller can defer the work. It also reads
//     X-RateLimit-Remaining and waits for the window's reset before running
//     out, instead of running into 429s.
//   - Reads halve their page size on 429 and 504 and grow it back after a
//     run of good pages, because large pages are what time out first.
//   - A feed element that cannot be read (a wrong JSON type, no id, an
//     impossible date) is quarantined with its reason and raw payload, and
//     the page's cursor still moves past it.
//
// The token is sent only in the Authorization header. It never appears in an
// error or a log line.
//
// # OAuth and webhooks
//
// OAuth is the authorization-code grant (oauth.go, golang.org/x/oauth2):
// authorization at secure.retail.lightspeed.app/connect with a state and the
// scope parameter (mandatory from June 2026), tokens form-encoded at the
// configured store's /api/1.0/token. A callback naming another store is
// refused, so the code and the client secret go only to the store an
// administrator configured. Refresh tokens rotate: the old one dies when the
// new one is issued, so the caller (package oauth) saves each refreshed
// token before using it. Token endpoint refusals (400, 401, invalid_grant)
// are engine.Terminal; a 429 is an *engine.RetryAfterError. The client
// itself takes an authenticating *http.Client and does not retry a request
// whose token could not be had.
//
// Webhooks (webhook.go): customer.update deliveries are form-encoded with a
// payload field in the API 1.0 shape. ParseWebhook reads only the
// customer's id, because the engine re-reads the change feed. VerifyWebhook
// checks "X-Signature: signature=…,algorithm=HMAC-SHA256" over the raw body;
// the vendor does not document the key, so it is configured (the app's
// client secret by default) and hex or base64 MACs are accepted.
package lightspeed
