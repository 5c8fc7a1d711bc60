// Command accord keeps a merchant's customers in agreement between their own
// database and their point-of-sale platform.
//
// This package is wiring only: it reads configuration, opens the store,
// builds the connectors and the reconciler, and runs the subcommands of
// DESIGN.md §6 (demo, run, sandbox, migrate, export). main calls run with the
// process's arguments, environment and output, so tests can call run too.
package main
