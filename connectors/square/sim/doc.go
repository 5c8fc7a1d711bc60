// Package sim is an offline, in-memory simulator of the Square Customers
// API (v2), for tests and local runs of accord's Square connector, and a
// target that Square's official Node.js SDK can be pointed at.
//
// It is an http.Handler that serves:
//
//	POST   /v2/customers/search         SearchCustomers (filters, sort, cursor, count)
//	GET    /v2/customers                ListCustomers (limit, cursor, sort_field, sort_order, count)
//	POST   /v2/customers                CreateCustomer (idempotency_key)
//	POST   /v2/customers/bulk-create    BulkCreateCustomers (map keys are idempotency keys)
//	POST   /v2/customers/bulk-retrieve  BulkRetrieveCustomers
//	GET    /v2/customers/{id}           RetrieveCustomer
//	PUT    /v2/customers/{id}           UpdateCustomer (sparse, optional version)
//	DELETE /v2/customers/{id}           DeleteCustomer (optional ?version=)
//
//	GET    /oauth2/authorize            OAuth authorization; consent is automatic
//	POST   /oauth2/token                ObtainToken (JSON), code exchange with PKCE and refresh
//
// plus an introspection API under /__sim/ (see admin.go). Every request
// needs "Authorization: Bearer <Options.Token>" or an access token issued
// by ObtainToken (Options.OAuth); the Square-Version header is echoed
// (2025-08-20 when absent) and a Date header carries the simulator's clock.
// Options.OnChange reports every committed change; WebhookPoster posts them
// as signed customer.* webhooks, and Merge simulates a merge in the
// Dashboard (a new profile, the merged ones deleted, every event carrying
// event_context.merge).
//
// The package imports only the standard library and no other accord package
// on purpose: it is an independent reading of the vendor contract
// (connectors.md §2 and the OpenAPI file square-api.json), so that a
// misunderstanding in the connector is not silently mirrored here.
//
// What it reproduces because clients get it wrong in production:
//   - SearchCustomers cannot sort by updated_at, and a change reaches List
//     and Search only after Options.PropagationDelay (Square: usually well
//     under 30 s, sometimes a minute or more), showing the previous state
//     meanwhile, so an updated_at watermark without an overlap misses it;
//   - cursors are bound to the request that issued them and may expire
//     (Options.CursorTTL); the last page has no cursor;
//   - limit outside 1..100 is a 400 VALUE_TOO_LOW or VALUE_TOO_HIGH;
//   - idempotency keys: the same key and body replay the first response,
//     another body is IDEMPOTENCY_KEY_REUSED;
//   - optimistic concurrency with a per-customer version, starting at 0;
//   - only profiles with a given or family name, company, email or phone
//     are listed, searched and counted; duplicates (same email) exist;
//   - rate limiting (429 RATE_LIMITED, no Retry-After by default) and
//     injected faults (429, 500, hung requests, truncated bodies, latency)
//     where a failed write may or may not have been applied.
//
// # Assumptions where the vendor contract is unconfirmed
//
// Each is a choice of this simulator, not a vendor fact:
//
//   - Version mismatch (UpdateCustomer, DeleteCustomer) is 409 with code
//     VERSION_MISMATCH, category INVALID_REQUEST_ERROR, field "version".
//     The spec's ErrorCode enum has no VERSION_MISMATCH for customers (only
//     CONFLICT); other Square APIs use VERSION_MISMATCH.
//   - TimeRange filters include start_at and exclude end_at.
//   - Pagination is keyset paging on the sort key and id, so creates and
//     deletes between pages never shift a page. Under CREATED_AT an update
//     never moves a customer; under DEFAULT (names) a rename between pages
//     can skip or repeat one, and every DEFAULT page sorts all matches.
//   - A cursor is rejected (400 INVALID_CURSOR) when it is malformed, was
//     issued for another request body (compared after canonicalising the
//     JSON, without "cursor") or is older than CursorTTL.
//   - A response with nothing in it is {} (count is included when asked,
//     even when 0). A cursor is returned only when another match exists.
//   - Exact email and reference_id filters compare case-insensitively;
//     fuzzy filters need every query token (runs of letters and digits)
//     inside some token of the value. An exact phone filter must start
//     with "+" and matches stored numbers that start with "+" by their
//     digits; a fuzzy phone filter needs each run of digits of the query in
//     the stored digits. custom_attribute filters are a 400.
//   - Idempotency keys never expire, are scoped per endpoint (CreateCustomer
//     and BulkCreateCustomers keep separate caches), and only successful
//     creates are cached, so a request that failed validation may be sent
//     again, corrected, with the same key. The body compared is the whole
//     canonicalised request (for bulk, the entry).
//   - Creating without any public field is a 400 BAD_REQUEST. An update may
//     remove them all; the customer then drops out of List and Search.
//     Validation: length limits from the spec (VALUE_TOO_LONG); emails need
//     one "@" and a dotted domain (INVALID_EMAIL_ADDRESS); phones 9–16
//     digits with an optional leading "+" and spaces, dashes, dots or
//     parentheses (INVALID_PHONE_NUMBER); birthday YYYY-MM-DD, 0000-MM-DD
//     or an RFC 3339 timestamp whose date is kept (INVALID_TIME); country a
//     two-letter upper-case code (INVALID_ENUM_VALUE). Unknown and read-only
//     body fields are ignored. null and "" remove a field on update; the
//     address is merged field by field.
//   - Every update bumps the version, even when nothing changed.
//   - Retrieve sees the latest state at once; deletes take effect at once
//     everywhere. Loaded and seeded customers are visible at once.
//   - Timestamps are UTC with milliseconds ("2025-08-20T10:00:00.123Z").
//   - Rate limiting is one fixed window per server (Options.RateLimit per
//     RateWindow; none by default). Requests with a bad token or a bad
//     Square-Version are rejected before they are counted.
//   - OAuth: there is no registered redirect URL, so authorize needs an
//     absolute redirect_uri (and a scope); ObtainToken must repeat it when
//     given. A code_challenge must be S256, and the code is then exchanged
//     only with the matching code_verifier. A request with client_secret is
//     the code flow: its refresh token is multi-use and a refresh returns
//     the same one; without a secret (PKCE only) refresh tokens are single
//     use and rotate. Refused grants (unknown, used or expired codes, a bad
//     verifier, revoked refresh tokens) are 401 AUTHENTICATION_ERROR
//     UNAUTHORIZED with a detail starting "invalid_grant:" (Square's exact
//     answer is unconfirmed). An expired access token is 401
//     ACCESS_TOKEN_EXPIRED, a revoked one ACCESS_TOKEN_REVOKED; RevokeOAuth
//     revokes every token.
//   - Webhooks: deliveries are signed as Square documents (base64
//     HMAC-SHA256 over notification URL + body); event ids are random
//     UUIDs, so a replay must be tested by resending a captured body.
package sim
