// Package matchers holds accord's matching logic as pure functions: the
// normalisers that turn customer fields into comparable keys, and the
// deterministic tiers that decide whether a record may be linked
// automatically (DESIGN.md §2 invariant 4 and the §3 decision table).
//
// Nothing here does I/O, reads the clock or logs, so every result is a
// function of its input and can be replayed in tests and explained to a
// person. The package imports engine and third-party libraries only
// (github.com/nyaruka/phonenumbers, golang.org/x/text, github.com/adrg/strutil;
// Double Metaphone is implemented here); cmd/accord wires a *Normalizer and
// Deterministic into the engine, which never imports this package.
//
// # Normalisation
//
// Email, Phone, Name, AccountCode and Postcode produce the exact comparable
// form of a value, or "" when the value must not be used for matching (not
// an address, an unparsable number, a placeholder many customers share).
// They are deliberately conservative: the deterministic tiers link on
// equality of these keys, so a normaliser that merged too much would create
// wrong links. Provider-aware relaxations (Gmail dots, +tags) belong to a
// later, fuzzy key.
//
// # Deterministic tiers
//
// Deterministic tries external id, then email, then account code, and links
// only when the highest tier with a candidate names exactly one record on
// each side and no other tier points elsewhere. Everything else becomes a
// suggestion or a duplicate proposal with its reason and evidence. Scores
// are fixed per tier because the evidence is binary:
//
//	tier           link   suggestion / duplicate proposal
//	external_id    1.00   0.90
//	email          0.95   0.85
//	account_code   0.90   0.80
//
// Suggestions score lower than links of the same tier so that a list sorted
// by score puts what accord acted on above what waits for a person.
//
// # Fuzzy matching
//
// What the deterministic tiers cannot link, fuzzy matching suggests, never
// links (reference/matching.md has the techniques and published figures):
//
//   - Profile (Normalizer.NewProfile) is a customer prepared once for
//     comparison: folded names with Double Metaphone codes, exact and
//     provider-aware email (EmailKey), phones, birthday digits, address and
//     company words.
//   - BlockingKeys are the strict keys, prefixed by rule, whose union decides
//     which pairs are compared at all; Index keeps them in memory with
//     guards against giant blocks. The store can persist the same keys.
//   - Compare yields a Vector of per-field agreement levels (Jaro-Winkler
//     and edit-distance levels from adrg/strutil, nicknames, crossed-over
//     names, date typos, phone suffixes, address words). Model weighs it
//     with Fellegi-Sunter weights: u from random pairs of the merchant's own
//     records (EstimateU), m and the prior by expectation maximisation over
//     candidate pairs (EM) or from approvals (LearnLabels), and term
//     frequencies so that a common name counts for less (EstimateTF). Train
//     does all of it; a Model is JSON.
//   - Explain gives each suggestion its per-field evidence for the
//     dashboard; Proposals turns one record's candidates into engine
//     proposals; OneToOne and DuplicateSets decide across two sides and
//     within one; Link and Dedupe do a whole batch offline (accord match).
//   - Fuzzy is the engine's port (engine.Fuzzy): the blocking keys the
//     store indexes for every record, and a model trained on a sample of
//     the pair that proposes near matches for each changed record.
//
// The default suggestion threshold (DefaultSuggest, 0.5) and the comparison
// levels were fixed before any labelled data was scored. The quality tests
// (go test -v -run Quality ./matchers/) measure them on the shared data sets.
package matchers
