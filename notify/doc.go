// Package notify tells people when a pair needs them: its runs start
// failing (and when they recover), its connection needs re-authorisation,
// dead letters appear, a plan is held for approval, or its API budget is
// used up.
//
// Notifications follow state changes, never runs. A Watcher compares each
// condition with the state last notified, kept in the store (an
// engine.NoticeStore), and claims a change there with a compare-and-swap
// before sending it, so a restarted process or a second replica does not
// send it again. A send that fails on every channel gives the claim back,
// and a later check tries again.
//
// Dead letters notify when their count grows while nobody has acted on
// them since the last notice: the first dead letter notifies; more dead
// letters on top of an unacknowledged notice do not; once a person retries
// or discards some (the count drops), the next growth notifies again.
//
// Two channels deliver a Message: email through an SMTP server
// (github.com/wneessen/go-mail), and an HTTP webhook. The webhook POSTs
// the JSON of Payload with two headers:
//
//	X-Accord-Timestamp: <Unix seconds when it was sent>
//	X-Accord-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>
//
// Receivers recompute the HMAC over the timestamp, a dot and the raw body,
// compare in constant time, and reject stale timestamps (Verify does all
// three).
//
// notify imports the engine and the standard library, plus go-mail.
package notify
