package engine

import "context"

type runKey struct{}

// ContextWithRun returns ctx carrying the id of the run it serves. Run sets
// it for everything a run calls, so that a logging handler can add run_id
// to the connectors' and the store's log lines, which take the context but
// know nothing of runs.
func ContextWithRun(ctx context.Context, runID int64) context.Context {
	return context.WithValue(ctx, runKey{}, runID)
}

// RunFromContext returns the run id ContextWithRun put in ctx.
func RunFromContext(ctx context.Context) (int64, bool) {
	id, ok := ctx.Value(runKey{}).(int64)
	return id, ok
}
