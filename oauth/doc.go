// Package oauth connects a pair's upstream with OAuth 2.0 and keeps it
// connected: the authorization-code flow with a server-side state (and
// PKCE where the provider supports it), and a token source that refreshes
// access tokens and saves every refreshed token, sealed, before it is used.
//
// Each connector builds its own golang.org/x/oauth2 configuration and
// implements Provider; this package owns what they share:
//
//   - Flow starts an authorization (a state of 32 random bytes, kept only
//     as a hash, single use, ten minutes) and finishes it from the
//     callback: the state must match both the stored one and the browser's
//     cookie, the code is exchanged, and the sealed token is stored as a
//     new generation of the connection.
//   - Source is an oauth2.TokenSource over the store. Providers that
//     rotate refresh tokens (X-Series revokes the old one as soon as the new
//     one is issued) make saving before use mandatory: a refreshed token
//     that cannot be saved is kept in memory and saved before anything
//     else, and never handed out first. Another process's refresh is
//     picked up from the store, not fought over.
//   - A refresh the provider refuses for good (invalid_grant, 400, 401: the
//     provider's Refresh returns an engine.Terminal error) marks the
//     connection needs_reauth, audited, and every later call fails at once
//     with engine.ErrNeedsReauth until someone connects again; a 429 or a
//     5xx stays retryable.
//
// Tokens never appear in logs or errors. The package imports engine,
// secret and golang.org/x/oauth2, never store, web or a connector.
package oauth
