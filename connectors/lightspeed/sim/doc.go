// Package sim is an offline, in-memory simulator of the Lightspeed Retail
// X-Series (formerly Vend) API 2.0 customer endpoints, for tests and local
// runs of accord's X-Series connector.
//
// It is an http.Handler that serves, under /api/2.0:
//
//	GET    /customers               version-cursor change feed (after, before, page_size, deleted)
//	GET    /customers/{id}          one customer
//	POST   /customers               create (201)
//	PUT    /customers/{id}          update (200)
//	DELETE /customers/{id}          soft delete (204)
//	GET    /search?type=customers   offset-paged search
//
// plus an introspection API under /__sim/ for scripts that run the simulator
// in another process (see admin.go). Every request needs
// "Authorization: Bearer <Options.Token>", or an access token issued by the
// simulator's OAuth app (Options.OAuth):
//
//	GET    /connect                 authorization page; consent is automatic, the
//	                                answer redirects to redirect_uri with code,
//	                                domain_prefix, state and scope
//	POST   /api/1.0/token           form-encoded code exchange and refresh
//
// Options.OnChange reports every committed change, and WebhookPoster posts
// them as customer.update webhooks (form-encoded, payload in the API 1.0
// shape, signed with X-Signature when given a secret).
//
// The package imports only the standard library and no other accord package
// on purpose: it is an independent reading of the vendor contract
// (connectors.md §1 and the OpenAPI file lightspeed-xseries-api-2.0.json), so
// a misunderstanding in the connector is not silently mirrored here.
//
// What it reproduces because clients get it wrong in production:
//   - a global int64 version counter that starts above 2^31 and grows with
//     gaps (other resources share it), bumped on every write;
//   - soft deletes that are invisible without deleted=true;
//   - no idempotency keys and no uniqueness of email or customer_code, so a
//     retried create makes a duplicate;
//   - the X-Series rate limit (300 × registers + 50 per 5-minute window) with
//     an HTTP-date Retry-After;
//   - injected faults (429, 500, hung requests, truncated bodies, latency)
//     where a failed write may or may not have been applied, which the client
//     must settle by reading the change feed.
//
// # Assumptions where the vendor contract is unconfirmed
//
// Each is a choice of this simulator, not a vendor fact:
//
//   - Empty feed page: the 2.0 spec types Version.min/max as required,
//     non-nullable int64, while the newer 2026-07 spec returns nulls. The
//     simulator omits the "version" object when "data" is empty, which the 2.0
//     schema accepts and which a client decodes exactly like nulls.
//   - page_size on /customers defaults to and is clamped at
//     Options.MaxPageSize (200, the documented API 0.x maximum); page_size
//     below 1 or a non-integer is a 400. "before" is inclusive.
//   - GET of a soft-deleted id returns 200 with deleted_at set (a tombstone);
//     PUT or DELETE of a soft-deleted id returns 404.
//   - Validation errors are 422 {"error":"Unprocessable Entity","message":
//     "<field>: <problem>"}; malformed JSON is a 400. The spec marks
//     first_name and last_name "required" but nullable, so a create must send
//     both keys (null or "" is accepted, as the spec's UNNAMED example shows);
//     a missing key is a 422 naming it. Fields the spec types as non-nullable
//     in CustomerBase reject null. gender must be M, F, "" or null;
//     date_of_birth must be YYYY-MM-DD or "". Email format is not checked.
//     Unknown and server-managed fields (id, version, balance, ...) are
//     ignored.
//   - PUT is a partial update: only the keys present in the body change, and
//     first_name/last_name are not required.
//   - A customer_code omitted (or "") on create is generated as the first
//     name's letters and digits (as typed, at most 16), "-", and four random
//     characters from [0-9A-Z], e.g. "Tony-37YP"; "UNNAMED-669D" when there
//     is no first name. This follows the spec examples; the real rule is
//     unknown.
//   - Search matches each given customer parameter exactly and
//     case-insensitively (all given parameters must match); default order is
//     creation order; order_by accepts the searchable attributes plus id,
//     version, created_at and updated_at; page_size defaults to 100 and is
//     capped at 1000; type=sales|products returns no data.
//   - Rate limiting is one fixed window per server that starts with the
//     first counted request after the previous window ended. Requests with a
//     bad token are rejected before they are counted. X-RateLimit-Reset and
//     Retry-After are both the window end as an RFC 1123 HTTP-date (GMT),
//     rounded up to the next whole second so a client that waits for it is
//     never early.
//   - A truncated response keeps its real status and ends cleanly after half
//     of its body, so the transport reports no error but the body is not
//     valid JSON. A truncated 204 and a timeout drop the connection without
//     a response (http.ErrAbortHandler).
//   - Timestamps are RFC 3339 in UTC written with "+00:00", like the spec
//     examples. Seeded customers have timestamps fixed by the seed, not by
//     the clock.
//   - OAuth: the authorization page needs client_id, an absolute
//     redirect_uri, response_type=code, a state of at least 8 characters
//     and a scope (mandatory from June 2026), else it answers 400. Codes are
//     single use and live CodeTTL; the exchange must repeat redirect_uri.
//     Refreshing revokes the refresh token used as the new one is issued;
//     the access token issued with it stays valid until it expires. Refused
//     grants are 400 {"error":"invalid_grant"}, a wrong client 401
//     invalid_client. expires (unix seconds) and expires_in both come from
//     the simulator's clock. RevokeOAuth simulates the merchant removing
//     the app; FailTokenRequests injects 429 (with an HTTP-date Retry-After)
//     and 5xx answers into the token endpoint.
//   - Webhooks: one customer.update per change (create, edit, delete), the
//     form fields type, domain_prefix, environment and payload. The vendor
//     does not document the signing key or the MAC's encoding: the poster
//     signs with the secret it is given, in lower-case hex.
package sim
