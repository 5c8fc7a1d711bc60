// Package simfault is the fault injection shared by the X-Series and Square
// simulators: the fault spec both accept on the command line and on their
// /__sim/faults endpoint, and the seeded draw that decides, per request,
// whether a 429, a 500, a timeout or a truncated body is injected and
// whether a failing write is applied first.
//
// Each simulator keeps its own error bodies and statistics; only the
// grammar and the draw live here, so that a fault spec means the same
// thing to both and a kill test can drive either with one flag.
package simfault
