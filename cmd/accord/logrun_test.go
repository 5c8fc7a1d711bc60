package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/accordhq/accord/engine"
)

func TestRunIDHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(withRunID(slog.NewTextHandler(&buf, nil)))
	ctx := engine.ContextWithRun(context.Background(), 42)
	log.WarnContext(ctx, "lightspeed: retrying", "path", "/customers")
	log.With("run_id", int64(42)).InfoContext(ctx, "run started")
	log.InfoContext(ctx, "run finished", "run_id", int64(42))
	log.InfoContext(context.Background(), "no run")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("lines %q", lines)
	}
	for i, want := range []int{1, 1, 1, 0} {
		if got := strings.Count(lines[i], "run_id=42"); got != want {
			t.Errorf("line %q has run_id %d times, want %d", lines[i], got, want)
		}
	}
}
