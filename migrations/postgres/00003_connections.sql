-- OAuth connections of upstreams, the authorizations in progress, and the
-- upstream events (webhooks) already applied.

-- +goose Up
-- One row per pair connected with OAuth. The tokens are sealed (AES-GCM)
-- before they reach the database: a copy of this table does not give
-- access to anyone's point of sale without the installation's key.
CREATE TABLE connections (
    name         text PRIMARY KEY,
    provider     text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('active', 'needs_reauth')),
    sealed       bytea       NOT NULL,
    -- Grows with every completed authorization: a refresh of an older
    -- grant never overwrites a newer one.
    generation   bigint      NOT NULL DEFAULT 1,
    account      text        NOT NULL DEFAULT '',
    reason       text        NOT NULL DEFAULT '',
    connected_by text        NOT NULL DEFAULT '',
    connected_at timestamptz NOT NULL,
    refreshed_at timestamptz,
    updated_at   timestamptz NOT NULL
);

-- Authorizations started and not yet finished, and one-time links that
-- start one. Only the SHA-256 of the value given to the browser is kept;
-- a row is deleted when it is used.
CREATE TABLE oauth_states (
    hash       text PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('state', 'ticket')),
    pair       text        NOT NULL,
    provider   text        NOT NULL,
    sealed     bytea,
    actor      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- Upstream events (webhook deliveries) that changed links, by the
-- provider's event id, so that a replayed delivery changes nothing.
CREATE TABLE upstream_events (
    pair       text        NOT NULL,
    event_id   text        NOT NULL,
    kind       text        NOT NULL,
    applied_at timestamptz NOT NULL,
    PRIMARY KEY (pair, event_id)
);

-- +goose Down
DROP TABLE upstream_events;
DROP TABLE oauth_states;
DROP TABLE connections;
