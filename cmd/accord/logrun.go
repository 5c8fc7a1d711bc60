package main

import (
	"context"
	"log/slog"

	"github.com/accordhq/accord/engine"
)

// runIDHandler adds run_id to every log line written with the context of a
// run (engine.ContextWithRun), such as the connectors' retries and the
// store's slow queries, unless the line or its logger already carries one.
type runIDHandler struct {
	slog.Handler
	has bool // a With already added run_id
}

// withRunID wraps h with runIDHandler.
func withRunID(h slog.Handler) slog.Handler { return &runIDHandler{Handler: h} }

func (h *runIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := engine.RunFromContext(ctx); ok && !h.has {
		seen := false
		r.Attrs(func(a slog.Attr) bool {
			seen = a.Key == "run_id"
			return !seen
		})
		if !seen {
			r = r.Clone()
			r.AddAttrs(slog.Int64("run_id", id))
		}
	}
	return h.Handler.Handle(ctx, r) //nolint:wrapcheck // a handler passes its inner handler's error on
}

func (h *runIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	has := h.has
	for _, a := range attrs {
		has = has || a.Key == "run_id"
	}
	return &runIDHandler{Handler: h.Handler.WithAttrs(attrs), has: has}
}

func (h *runIDHandler) WithGroup(name string) slog.Handler {
	return &runIDHandler{Handler: h.Handler.WithGroup(name), has: h.has}
}
