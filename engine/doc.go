// Package engine holds accord's domain: the canonical customer, links,
// suggestions, duplicate sets, conflicts, runs and plans, the small ports
// through which it reaches both sides and its own store, and the reconciler
// that runs the eight steps of a two-way run.
//
// Matching is exact first (external id, email, account code: the Matcher),
// then fuzzy (the Fuzzy port): records that share no exact key are compared
// through the store's persistent blocking index, and near matches become
// suggestions and duplicate sets for a person, never links. Only the
// records that changed in a run are matched.
//
// It imports only the standard library. Matchers, the store and the
// connectors implement the ports declared here; cmd/accord wires them.
//
// The guarantees the reconciler keeps (DESIGN.md §2):
//   - it never writes customer fields of a linked record;
//   - a record is created on the other side at most once, because a pending
//     link row is committed before the call and an unknown outcome is settled
//     from the other side's change feed before any retry;
//   - a cursor advances only with the page it covers;
//   - it links automatically only on unambiguous evidence;
//   - it never changes what a person decided;
//   - deletes become review items, never writes;
//   - every decision is recorded with its reason.
package engine
