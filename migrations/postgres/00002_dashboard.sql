-- The dashboard: people who sign in, their sessions and API tokens, pair
-- settings changed in the dashboard, and the indexes the review pages need
-- on a store with a million links and a hundred thousand open suggestions.

-- +goose Up
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    -- Lower-cased and trimmed by the store, so the unique index is
    -- case-insensitive without a functional index.
    email         text        NOT NULL CHECK (email <> ''),
    -- A bcrypt hash; the password itself is never stored.
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    last_login_at timestamptz
);
CREATE UNIQUE INDEX users_email ON users (email);

-- A session is found by the SHA-256 of its cookie value: a copy of this
-- table (a backup, a leaked dump) does not let anyone sign in.
CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    remote_addr  text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Bearer tokens of the JSON API, kept only as SHA-256 hashes; prefix is
-- the first characters of the token, shown so a person can tell tokens
-- apart.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    token_hash   text        NOT NULL,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Overrides of a pair's configured policy made in the dashboard. NULL
-- keeps the value from accord.yaml.
CREATE TABLE pair_settings (
    pair          text PRIMARY KEY,
    schedule      text,
    max_creates   integer,
    max_percent   double precision,
    calls_per_day integer,
    updated_by    text        NOT NULL,
    updated_at    timestamptz NOT NULL
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
