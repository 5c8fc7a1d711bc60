-- The dashboard: people who sign in, their sessions and API tokens, pair
-- settings changed in the dashboard, and the indexes the review pages need
-- on a store with a million links and a hundred thousand open suggestions.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Lower-cased and trimmed by the store, so the unique index is
    -- case-insensitive without a functional index.
    email         TEXT        NOT NULL CHECK (email <> ''),
    -- A bcrypt hash; the password itself is never stored.
    password_hash TEXT        NOT NULL,
    created_at    DATETIME    NOT NULL,
    updated_at    DATETIME    NOT NULL,
    last_login_at DATETIME
);
CREATE UNIQUE INDEX users_email ON users (email);

-- A session is found by the SHA-256 of its cookie value: a copy of this
-- table (a backup, a leaked dump) does not let anyone sign in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   DATETIME    NOT NULL,
    expires_at   DATETIME    NOT NULL,
    last_seen_at DATETIME    NOT NULL,
    remote_addr  TEXT        NOT NULL DEFAULT '',
    user_agent   TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Bearer tokens of the JSON API, kept only as SHA-256 hashes; prefix is
-- the first characters of the token, shown so a person can tell tokens
-- apart.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    token_hash   TEXT        NOT NULL,
    prefix       TEXT        NOT NULL,
    created_at   DATETIME    NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Overrides of a pair's configured policy made in the dashboard. NULL
-- keeps the value from accord.yaml.
CREATE TABLE pair_settings (
    pair          TEXT PRIMARY KEY,
    schedule      TEXT,
    max_creates   INTEGER,
    max_percent   REAL,
    calls_per_day INTEGER,
    updated_by    TEXT        NOT NULL,
    updated_at    DATETIME    NOT NULL
);

-- The review queue: open suggestions best score first (newest first among
-- equal scores), read a page at a time with a (score, id) keyset. The
-- queue scans this index backwards, so "(score, id) < (?, ?)" is an index
-- condition and a page deep in the queue costs what the first one does.
CREATE INDEX suggestions_open_score ON suggestions (pair, score, id) WHERE status = 'open';
-- Decided suggestions, for the queue's history filters.
CREATE INDEX suggestions_pair_status ON suggestions (pair, status, id);
-- The links page: newest first within a pair.
CREATE INDEX links_pair_id ON links (pair, id);

-- +goose Down
DROP INDEX links_pair_id;
DROP INDEX suggestions_pair_status;
DROP INDEX suggestions_open_score;
DROP TABLE pair_settings;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
