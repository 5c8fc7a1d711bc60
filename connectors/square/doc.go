// Package square is accord's client for the Square Customers API (v2). A
// *Client is the upstream side of a pair: it implements engine.Connector,
// engine.Rewinder, engine.CallCounter, engine.Updater and
// engine.BatchCreator (CreateMany, with BulkCreateCustomers, which the
// engine uses for every creation), and offers GetMany
// (BulkRetrieveCustomers) and UpdateVersion (optimistic concurrency)
// beyond them.
//
// It imports the standard library and engine; never store, web, matchers
// or another connector. Its simulator lives in sim/ and is used only by the
// tests. Every request carries a pinned Square-Version (2025-08-20, the
// shared OpenAPI file's), the bearer token (or whatever the injected
// *http.Client adds, such as an oauth2 transport) and a User-Agent, and is
// first cleared by Options.Gate (the API-budget meter). The token never
// appears in an error or a log line.
//
// # Incremental pull
//
// SearchCustomers cannot sort by updated_at, its cursor is only valid for
// the very same request body, and a change reaches it only after up to
// about a minute. Pull therefore reads a window: the request "updated_at
// at or after From, sorted by created_at", page by page (limit 100)
// until Square returns no cursor. Sorting by created_at keeps a customer's
// place in the result when it is updated mid-read. The cursor Pull returns
// is a small JSON object with two parts:
//
//   - the watermark (ts, id): every change with an earlier updated_at that
//     Search showed when it was set has been read;
//   - while a window is being read, the pass: From, the page limit,
//     Square's clock at the first page (the Date header), the highest
//     (updated_at, id) read so far, and Square's cursor for the next page.
//
// The engine stores the returned cursor with each page and calls Rewind
// once per run. Rewind turns a watermark into a new pass starting at the
// watermark minus Options.Overlap (2 minutes by default, above Square's
// documented delay), so a change that became visible late with an earlier
// updated_at is read on the next run. A stored cursor that still holds a
// pass (a run stopped between pages) is resumed, and restarted from From
// when Square answers INVALID_CURSOR (page cursors expire). A resumed or
// restarted pass re-reads records, which is harmless: the engine upserts by
// id and hash.
//
// Page.Done is true on the last page of a pass, and Page.Cursor is then
// the new watermark: the highest (updated_at, id) read, capped at Square's
// clock at the first page (a customer updated while the pass paged may
// have escaped it; its updated_at is later than that clock, so the next
// pass covers it), and raised to that clock minus the overlap (an older
// change had propagated before the pass began, so it was in the result and
// was read), never lowered. So records with equal timestamps (the window
// start is inclusive and overlapped), changes made during paging and
// changes shown late are all read by some pass, and an idle run (nothing
// changed since shortly before the previous one) is exactly one call: one
// page, no cursor from Square, and Page.Cursor "" when the watermark did
// not move. Without a Date header the watermark is the highest mark read,
// and changes during a pass are covered only if the pass takes less than
// the overlap.
//
// This relies on Square paging a created_at-sorted result stably (as its
// cursors suggest; the simulator pages by keyset) and on the overlap
// exceeding the propagation delay. Deletes and merges are invisible to
// Search: a deleted or merged-away customer simply stops appearing, and
// those reach accord only through the customer.deleted webhook (and the
// new profile of a merge through customer.created). Get (RetrieveCustomer)
// and GetMany read the latest state at once and answer ErrNotFound for
// both, which the engine's ghost sweep of linked records turns into review
// items until webhooks arrive.
//
// # Creation
//
// Create uses CreateCustomer with idempotency_key = the engine's key, and
// CreateMany uses BulkCreateCustomers (up to 100 per call, each map key
// being an entry's idempotency key). Both put the local id in reference_id.
// With the key, a retry after an unknown outcome is safe, so both retry by
// themselves, with the same key and identical bytes, after 5xx, timeouts
// and cut-off answers; engine.ErrUnknownOutcome is returned only when they
// give up, and calling again with the same key never duplicates.
//
// # Mapping
//
// given_name↔first_name, family_name↔last_name, company_name↔company,
// email_address↔email, phone_number↔phone, reference_id↔external_ref,
// address (address_line_1/2, locality, administrative_district_level_1,
// postal_code, country)↔address, birthday↔birthday (YYYY-MM-DD; Square's
// 0000-MM-DD, a birthday without a year, is kept as written, so it
// conflicts with a local date that has a year), version and updated_at;
// Raw is the customer's JSON. Square has one phone number: mobile is
// neither read nor written. Square has no account code: AccountCode stays
// empty (and the account-code tier is skipped) unless
// Options.AccountCodeField is "nickname".
//
// A customer element that cannot be mapped (a wrong JSON type, no id, no
// or an impossible updated_at, an impossible birthday) is quarantined with
// a reason naming the field, and the page goes on.
//
// # Errors
//
// Square's {"errors":[{category,code,detail,field}]} becomes an *APIError:
//
//	429, RATE_LIMITED              retried with exponential backoff and jitter (a
//	                               Retry-After is honoured if sent), then *engine.RetryAfterError
//	5xx, 408, INTERNAL_SERVER_ERROR,
//	SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT,
//	timeouts, cut-off bodies       retried (writes too: they carry keys or are
//	                               idempotent), then a retryable error; for a write that
//	                               may have been applied, engine.ErrUnknownOutcome
//	404, NOT_FOUND                 engine.Terminal, matches engine.ErrNotFound
//	409, VERSION_MISMATCH, CONFLICT engine.Terminal, matches engine.ErrConflict
//	IDEMPOTENCY_KEY_REUSED         engine.Terminal (the same key with another body is a bug)
//	INVALID_CURSOR (resumed pass)  the pass restarts from its window start
//	other 4xx (VALUE_TOO_LONG,
//	INVALID_EMAIL_ADDRESS, ...,
//	UNAUTHORIZED, ACCESS_TOKEN_*)  engine.Terminal; validation codes match
//	                               engine.ErrInvalid and name the field
//
// # OAuth and webhooks
//
// OAuth (oauth.go) is the code flow with PKCE: the authorization URL comes
// from golang.org/x/oauth2 with scope, state, session=false and an S256
// code_challenge; ObtainToken takes JSON, not a form, so the exchange and
// the refresh are posted here with the client secret and the code_verifier.
// Access tokens live 30 days and are refreshed once a week old; code-flow
// refresh tokens are multi-use. Refusals (400, 401) are engine.Terminal, a
// 429 an *engine.RetryAfterError; no error carries a request or response
// body, which hold the secret and the tokens.
//
// Webhooks (webhook.go): VerifyWebhook checks x-square-hmacsha256-signature,
// base64 HMAC-SHA256 over the subscription's notification URL followed by
// the raw body, in constant time. ParseWebhook reads the event id, type,
// customer id and event_context.merge, never customer data.
package square
