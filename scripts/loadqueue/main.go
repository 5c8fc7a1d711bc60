package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/accordhq/accord/store"
	"github.com/accordhq/accord/web"
)

func main() {
	database := flag.String("database", "postgres://postgres@127.0.0.1:5432/accord_load?sslmode=disable", "the Postgres store to seed and serve")
	links := flag.Int("links", 1000000, "links to seed")
	suggestions := flag.Int("suggestions", 100000, "open suggestions to seed")
	clients := flag.Int("clients", 100, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long to measure")
	warmup := flag.Duration("warmup", 5*time.Second, "load before measuring, not counted")
	reseed := flag.Bool("reseed", false, "seed even when the store already holds the numbers")
	api := flag.Bool("api", false, "measure the JSON API's queue instead of the HTML page")
	think := flag.Duration("think", 0, "mean pause of each client between pages (0: ask again at once)")
	flag.Parse()
	if err := run(*database, *links, *suggestions, *clients, *duration, *warmup, *reseed, *api, *think); err != nil {
		log.Fatal(err)
	}
}

func run(dsn string, links, suggestions, clients int, duration, warmup time.Duration, reseed, api bool, think time.Duration) error {
	ctx := context.Background()
	if err := ensureDatabase(ctx, dsn); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "accord-loadqueue-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "accord")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accord").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "migrate", "up", "--database", dsn).CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %v\n%s", err, out)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	nl, ns, err := counts(ctx, conn)
	if err != nil {
		return err
	}
	if reseed || nl != links || ns != suggestions {
		fmt.Printf("seeding %d links and %d open suggestions…\n", links, suggestions)
		if err := seed(ctx, conn, links, suggestions); err != nil {
			return err
		}
	} else {
		fmt.Printf("the store already holds %d links and %d open suggestions\n", nl, ns)
	}
	if _, err := conn.Exec(ctx, shopSchema); err != nil {
		return fmt.Errorf("shop table: %w", err)
	}
	cookie, token, err := signIn(ctx, dsn)
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "accord.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`database: %s
pairs:
  - name: main
    local: {dsn: %q, table: load_shop, upstream_id: lightspeed_id, fields: {email: email, first_name: first_name, last_name: last_name}}
    upstream: {type: lightspeed, base_url: "http://127.0.0.1:1", token: unused}
`, dsn, dsn)), 0o600); err != nil {
		return err
	}
	srvCtx, stop := context.WithCancel(ctx)
	defer stop()
	srv := exec.CommandContext(srvCtx, bin, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	srv.Stderr = os.Stderr
	srv.Cancel = func() error { return srv.Process.Signal(os.Interrupt) }
	out, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	// Deferred calls run last-first: stop the server before waiting for it.
	defer func() {
		stop()
		_ = srv.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "accord dashboard at "))
	l := load{base: base, cookie: cookie, token: token, api: api, suggestions: suggestions, links: links, think: think}
	mode := "closed loop, no pause between pages"
	if think > 0 {
		mode = fmt.Sprintf("each pausing %s on average between pages", think)
	}
	fmt.Printf("%d clients (%s) for %s after a %s warm-up, against %s\n", clients, mode, duration, warmup, l.target())
	r, err := l.run(ctx, clients, warmup, duration)
	if err != nil {
		return err
	}
	r.print(os.Stdout)
	return nil
}

// ensureDatabase creates the database named in dsn when it is missing.
func ensureDatabase(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("-database: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", admin.Redacted(), err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
	}
	return nil
}

// signIn makes a dashboard user with a session and an API token, as sign-in
// would, and returns the cookie and the token.
func signIn(ctx context.Context, dsn string) (cookie, token string, err error) {
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	const email = "load@accord.test"
	u, err := db.FindUserByEmail(ctx, email)
	if err != nil {
		hash, herr := web.HashPassword("load-test-password")
		if herr != nil {
			return "", "", herr
		}
		if u, err = db.CreateUser(ctx, email, hash); err != nil {
			return "", "", err
		}
	}
	session, hash, _ := web.NewAPIToken() // any 256-bit random string makes a session token
	if err := db.CreateSession(ctx, store.Session{TokenHash: hash, UserID: u.ID, ExpiresAt: time.Now().Add(7 * 24 * time.Hour)}); err != nil {
		return "", "", err
	}
	tok, thash, prefix := web.NewAPIToken()
	if _, err := db.CreateAPIToken(ctx, u.ID, "loadqueue", thash, prefix); err != nil {
		return "", "", err
	}
	return "accord_session=" + session, tok, nil
}
