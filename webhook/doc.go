// Package webhook receives providers' webhook deliveries and turns them
// into what accord trusts of them: ids, and a reason to run.
//
// A delivery is authenticated by its signature (Endpoint.Verify, built from
// the connector's verifier), then reduced to Events. Deletes and merges
// change links through engine.UpstreamEventStore (a merge re-points the
// link to the surviving id, a delete puts the link in review; both are
// audited and idempotent, so a replayed delivery is harmless). Every
// accepted delivery schedules an incremental run through a Trigger; the
// payload's customer data is never used, because the run re-reads the
// provider (level-based, like a controller).
//
// Debouncer is the Trigger for a server: a burst of deliveries makes one
// run, and a delivery during a run makes one more afterwards.
//
// It imports engine only; cmd/accord adapts each connector's verifier and
// parser into an Endpoint.
package webhook
