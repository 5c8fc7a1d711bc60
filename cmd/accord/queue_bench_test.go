package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/accordhq/accord/engine"
	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/store/storetest"
	"github.com/accordhq/accord/web"
)

// BenchmarkReviewQueuePage serves the review queue's first page from a
// store of 5,000 open suggestions, through the whole handler: session,
// queries, rendering. It runs on Postgres when ACCORD_TEST_DATABASE_URL is
// set, else on SQLite. scripts/loadqueue measures the same page at scale.
func BenchmarkReviewQueuePage(b *testing.B) {
	ctx := context.Background()
	var db *store.DB
	if storetestHasPostgres() {
		db = storetest.OpenPostgres(b)
	} else {
		db = storetest.OpenSQLite(b)
	}
	const n = 5000
	for _, side := range []engine.Side{engine.Local, engine.Upstream} {
		p := engine.SavePage{Pair: "main", Side: side, RunID: 1, At: time.Now(), Cursor: "1"}
		for i := range n {
			c := engine.Customer{ID: fmt.Sprintf("%s%05d", side[:1], i), FirstName: "Ann", LastName: fmt.Sprint("Lee", i),
				Email: fmt.Sprintf("ann%d@mail.nz", i), Phone: "021 555 0101"}
			p.Records = append(p.Records, engine.Record{Pair: "main", Side: side, Customer: c, Hash: c.Hash(), SeenAt: time.Now()})
		}
		if _, err := db.SavePage(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	batch := engine.Batch{Pair: "main", Side: engine.Local, RunID: 1, At: time.Now()}
	for i := range n {
		batch.Suggestions = append(batch.Suggestions, engine.Suggestion{LocalID: fmt.Sprintf("l%05d", i), UpstreamID: fmt.Sprintf("u%05d", i),
			Score: float64(60+i%40) / 100, Reason: engine.ReasonAmbiguousEmail, Evidence: engine.Evidence{Rule: "email", Score: 0.85,
				Fields: []engine.FieldEvidence{{Field: engine.FieldEmail, Left: "a", Right: "a"}}}})
	}
	if err := db.ApplyBatch(ctx, batch); err != nil {
		b.Fatal(err)
	}
	u, err := db.CreateUser(ctx, "ann@shop.nz", "$2a$11$x")
	if err != nil {
		b.Fatal(err)
	}
	session, hash, _ := web.NewAPIToken()
	if err := db.CreateSession(ctx, store.Session{TokenHash: hash, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour * 200)}); err != nil {
		b.Fatal(err)
	}
	cfg := Config{Region: "NZ", Pairs: []PairConfig{{Name: "main", Local: LocalConfig{Table: "customers",
		Fields: map[string]string{"email": "email", "first_name": "first_name", "last_name": "last_name", "phone": "phone"}},
		Upstream: UpstreamConfig{Type: "lightspeed"}}}}
	cfg.defaults()
	h, err := newDashboard(cfg, db, newRunHub(ctx, db, cfg, nil, pairOptions{}, slog.New(slog.DiscardHandler)), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/pairs/main/suggestions", nil)
			req.AddCookie(&http.Cookie{Name: "accord_session", Value: session})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%d: %s", w.Code, w.Body.String())
			}
			_, _ = io.Copy(io.Discard, w.Body)
		}
	})
}

func storetestHasPostgres() bool { return getenvOS(storetest.EnvDatabaseURL) != "" }

func getenvOS(k string) string { return os.Getenv(k) }
