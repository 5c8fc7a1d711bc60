package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/accordhq/accord/engine"
)

// Dialect names.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// Options tune a DB. The zero value is usable.
type Options struct {
	// Now is the clock for times the store sets itself (decisions, leases).
	// Default time.Now.
	Now func() time.Time
	// Logger receives gorm's query log (warnings and errors) and lock
	// heartbeat failures. Default: quiet.
	Logger *slog.Logger
	// Host and PID identify this process in SQLite lease rows, so that a
	// lease left by a dead process on the same host can be taken at once.
	// Default: os.Hostname and os.Getpid.
	Host string
	PID  int
	// LeaseTTL is how long an SQLite lease lasts without a heartbeat.
	// Default 30s; the heartbeat renews it every third of that.
	LeaseTTL time.Duration
}

// DB is accord's store. It is safe for concurrent use.
type DB struct {
	gdb     *gorm.DB
	sqlDB   *sql.DB
	dialect string
	dsn     string
	opts    Options
	log     *slog.Logger
	// lockScope makes Postgres advisory lock keys unique per schema, since
	// advisory locks are database-wide and two installations (or two test
	// schemas) may share one database.
	lockScope string

	mu    sync.Mutex
	locks map[*heldLock]struct{} // released by Close

	stats planStats
}

// Open connects to dsn, which is "sqlite:PATH" or a "postgres://" or
// "postgresql://" URL. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Host == "" {
		h, err := os.Hostname()
		if err != nil {
			h = "unknown"
		}
		opts.Host = h
	}
	if opts.PID == 0 {
		opts.PID = os.Getpid()
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 30 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := &gorm.Config{TranslateError: true, Logger: logger.Discard}
	if opts.Logger != nil {
		cfg.Logger = sparseTrace{slow: time.Second, Interface: logger.NewSlogLogger(opts.Logger, logger.Config{
			SlowThreshold: time.Second, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true,
		})}
	}

	db := &DB{dsn: dsn, opts: opts, log: log, locks: map[*heldLock]struct{}{}}
	var dial gorm.Dialector
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("store: open %q: %w: the sqlite dsn needs a path (sqlite:accord.db)", dsn, engine.ErrInvalid)
		}
		db.dialect = DialectSQLite
		dial = sqlite.Open(sqliteDSN(path))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = DialectPostgres
		pgDSN, err := postgresDSN(dsn, opts)
		if err != nil {
			return nil, err
		}
		dial = postgres.New(postgres.Config{DSN: pgDSN})
	default:
		return nil, fmt.Errorf("store: open %q: %w: the database must be sqlite:PATH, postgres://... or postgresql://...",
			redact(dsn), engine.ErrInvalid)
	}

	gdb, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open %s database: %w", db.dialect, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open %s database: %w", db.dialect, err)
	}
	db.gdb, db.sqlDB = gdb, sqlDB
	if db.dialect == DialectSQLite {
		// Every transaction begins IMMEDIATE (see sqliteDSN), so writers
		// queue on busy_timeout instead of failing with SQLITE_BUSY when a
		// read lock cannot be upgraded; WAL lets readers (the dashboard)
		// proceed beside the one writer. A few connections are enough.
		sqlDB.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
		sqlDB.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
	} else {
		// Idle connections are kept up to the pool's size: a connection
		// closed after a burst (the dashboard serves many at once) is
		// reopened by the next one, and a new backend plans its first
		// queries with cold catalog caches, tens of milliseconds each.
		// ConnMaxIdleTime still closes the ones no longer needed.
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: connect to %s database: %w", db.dialect, err)
	}
	if db.dialect == DialectPostgres {
		if err := sqlDB.QueryRowContext(ctx, "SELECT current_schema()").Scan(&db.lockScope); err != nil {
			_ = sqlDB.Close()
			return nil, fmt.Errorf("store: read current schema: %w", err)
		}
	}
	return db, nil
}

// sqliteDSN adds the pragmas accord needs to a file path: WAL so readers do
// not block the writer, a busy timeout so writers wait for each other,
// foreign keys, NORMAL sync (safe in WAL), and IMMEDIATE transactions.
func sqliteDSN(path string) string {
	params := []string{
		"_pragma=busy_timeout(15000)",
		"_pragma=journal_mode(WAL)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
		"_txlock=immediate",
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + strings.Join(params, "&")
}

// postgresDSN sets two session parameters unless the DSN sets them:
//
//   - application_name names this process, so that a held advisory lock can
//     be traced to its holder in pg_stat_activity;
//   - plan_cache_mode=force_custom_plan, because pgx prepares every
//     statement and, after five runs, Postgres may switch a prepared
//     "key IN ($1..$900)" lookup to a generic plan that cannot use the list
//     as an index condition. On a freshly loaded table (no statistics yet)
//     that turns a 20 ms batched lookup into a 2 s scan. Planning each
//     batch costs under a millisecond.
func postgresDSN(dsn string, opts Options) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Error repeats the URL, password and all: keep only its cause.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return "", fmt.Errorf("store: parse postgres dsn: %w: %w", engine.ErrInvalid, err)
	}
	q := u.Query()
	if q.Get("application_name") == "" {
		q.Set("application_name", fmt.Sprintf("accord %s:%d", opts.Host, opts.PID))
	}
	if q.Get("plan_cache_mode") == "" {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// redact drops a password from a URL-shaped dsn before it goes into an error.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Clone opens another, independent handle on the same database, as a second
// process would, with its own options (host, pid, clock). Tests use it to
// contend for locks.
func (db *DB) Clone(ctx context.Context, opts Options) (*DB, error) {
	return Open(ctx, db.dsn, opts)
}

// Dialect returns DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.dialect }

// Close abandons the pair locks this handle still holds (see LockPair) and
// closes the database.
func (db *DB) Close() error {
	db.mu.Lock()
	held := make([]*heldLock, 0, len(db.locks))
	for l := range db.locks {
		held = append(held, l)
	}
	db.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, l := range held {
		errs = append(errs, l.abandon(ctx))
	}
	errs = append(errs, db.sqlDB.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// now is the store's clock, in the form every time is written.
func (db *DB) now() time.Time { return ts(db.opts.Now()) }

// orm starts every query: the context always goes with it.
func (db *DB) orm(ctx context.Context) *gorm.DB { return db.gdb.WithContext(ctx) }

// inTx runs fn in one transaction on ctx.
func (db *DB) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.gdb.WithContext(ctx).Transaction(fn)
}
