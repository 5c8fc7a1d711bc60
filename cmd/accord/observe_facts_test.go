package main

import (
	"context"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/notify"
)

// A connection marked as needing re-authorisation is a condition, with
// its reason; a pair without an OAuth connection has no such condition.
func TestNoticeFactsReadTheConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := tempStore(t)
	facts := noticeFacts{db: db}
	find := func(pair string, k notify.Kind) (notify.Condition, bool) {
		t.Helper()
		cs, err := facts.Conditions(ctx, pair)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Kind == k {
				return c, true
			}
		}
		return notify.Condition{}, false
	}
	if _, ok := find("main", notify.NeedsReauth); ok {
		t.Error("a pair never connected has a re-authorisation condition")
	}
	c, err := db.SaveConnection(ctx, engine.Connection{Name: "main", Provider: "lightspeed", Sealed: []byte("x")}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := find("main", notify.NeedsReauth); !ok || got.Active {
		t.Errorf("active connection: %+v %v", got, ok)
	}
	if err := db.MarkNeedsReauth(ctx, "main", c.Generation, "invalid_grant", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := find("main", notify.NeedsReauth); !got.Active || got.Detail != "invalid_grant" || got.Value != c.Generation {
		t.Errorf("refused connection: %+v", got)
	}
	if got, ok := find("main", notify.DeadLetters); !ok || got.Active {
		t.Errorf("dead letters of an empty outbox: %+v %v", got, ok)
	}
}
