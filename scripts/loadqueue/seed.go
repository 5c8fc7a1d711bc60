package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const pair = "main"

// counts reads how many links and open suggestions the store holds.
func counts(ctx context.Context, conn *pgx.Conn) (links, open int, err error) {
	if err = conn.QueryRow(ctx, "SELECT count(*) FROM links WHERE pair = $1", pair).Scan(&links); err != nil {
		return
	}
	err = conn.QueryRow(ctx, "SELECT count(*) FROM suggestions WHERE pair = $1 AND status = 'open'", pair).Scan(&open)
	return
}

var (
	firstNames = []string{"Aroha", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Hemi", "Isla", "Jack", "Kiri", "Liam",
		"Mia", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tama"}
	lastNames = []string{"Smith", "Wilson", "Ngata", "Brown", "Taylor", "Williams", "Jones", "Singh", "Walker", "Tane",
		"Chen", "Patel", "Thompson", "White", "Harris"}
)

// seed empties the store's pair and loads links customers linked on both
// sides, then suggestions pairs of customers suggested and not linked.
func seed(ctx context.Context, conn *pgx.Conn, links, suggestions int) error {
	for _, t := range []string{"records", "links", "suggestions", "conflicts", "duplicate_members", "duplicate_sets",
		"run_outcomes", "runs", "outbox", "audit_log"} {
		if _, err := conn.Exec(ctx, "TRUNCATE "+t+" CASCADE"); err != nil {
			return fmt.Errorf("truncate %s: %w", t, err)
		}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	total := links + suggestions
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Now()
	for _, side := range []string{"local", "upstream"} {
		prefix := map[string]string{"local": "L", "upstream": "U"}[side]
		i := 0
		n, err := conn.CopyFrom(ctx, pgx.Identifier{"records"},
			[]string{"pair", "side", "id", "email", "first_name", "last_name", "phone", "email_key", "name_key", "hash", "seen_at", "run_id"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == total {
					return nil, nil
				}
				i++
				f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
				email := fmt.Sprintf("%s.%s%d@mail.nz", strings.ToLower(f), strings.ToLower(l), i)
				phone := fmt.Sprintf("021 %03d %04d", rng.IntN(1000), rng.IntN(10000))
				return []any{pair, side, fmt.Sprintf("%s%07d", prefix, i), email, f, l, phone, email,
					strings.ToLower(f + " " + l), fmt.Sprintf("%032x", i), now, int64(1)}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy %s records: %w", side, err)
		}
		fmt.Printf("  %d %s records (%s)\n", n, side, time.Since(t0).Round(time.Millisecond))
	}
	i := 0
	ev := []byte(`{"rule":"email","score":0.95,"fields":[{"field":"email","left":"x","right":"x"}]}`)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"links"},
		[]string{"pair", "local_id", "upstream_id", "method", "state", "evidence", "created_by", "created_at", "updated_at", "verified_at", "baseline"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == links {
				return nil, nil
			}
			i++
			return []any{pair, fmt.Sprintf("L%07d", i), fmt.Sprintf("U%07d", i), "email", "active", ev, "accord", now, now, now, []byte(`{}`)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy links: %w", err)
	}
	fmt.Printf("  %d links (%s)\n", n, time.Since(t0).Round(time.Millisecond))
	i = 0
	n, err = conn.CopyFrom(ctx, pgx.Identifier{"suggestions"},
		[]string{"pair", "local_id", "upstream_id", "score", "reason", "evidence", "status", "run_id", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == suggestions {
				return nil, nil
			}
			i++
			id := links + i
			score := float64(60+rng.IntN(40)) / 100
			ev := fmt.Appendf(nil, `{"rule":"email","score":%g,"note":"local records share this email","fields":[{"field":"email","left":"x","right":"x"}]}`, score)
			return []any{pair, fmt.Sprintf("L%07d", id), fmt.Sprintf("U%07d", id), score, "ambiguous_email", ev, "open", int64(1), now}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy suggestions: %w", err)
	}
	fmt.Printf("  %d open suggestions (%s)\n", n, time.Since(t0).Round(time.Millisecond))
	// A freshly copied table has no visibility map and unset hint bits:
	// the first reads would write every page they touch.
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}

// shopSchema is the local table the pair is configured with; serve checks
// it exists, and the load never touches it.
const shopSchema = `CREATE TABLE IF NOT EXISTS load_shop (
	id BIGSERIAL PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,
	lightspeed_id TEXT, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`
