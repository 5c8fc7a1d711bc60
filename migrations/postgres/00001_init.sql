-- accord's store, Postgres dialect. Every table is scoped by pair: one
-- database serves every sync a merchant configures.

-- +goose Up
CREATE TABLE records (
    pair             text        NOT NULL,
    side             text        NOT NULL CHECK (side IN ('local', 'upstream')),
    id               text        NOT NULL CHECK (id <> ''),
    email            text        NOT NULL DEFAULT '',
    first_name       text        NOT NULL DEFAULT '',
    last_name        text        NOT NULL DEFAULT '',
    company          text        NOT NULL DEFAULT '',
    phone            text        NOT NULL DEFAULT '',
    mobile           text        NOT NULL DEFAULT '',
    account_code     text        NOT NULL DEFAULT '',
    external_ref     text        NOT NULL DEFAULT '',
    line1            text        NOT NULL DEFAULT '',
    line2            text        NOT NULL DEFAULT '',
    city             text        NOT NULL DEFAULT '',
    state            text        NOT NULL DEFAULT '',
    postcode         text        NOT NULL DEFAULT '',
    country          text        NOT NULL DEFAULT '',
    birthday         text        NOT NULL DEFAULT '',
    email_key        text        NOT NULL DEFAULT '',
    phone_key        text        NOT NULL DEFAULT '',
    mobile_key       text        NOT NULL DEFAULT '',
    name_key         text        NOT NULL DEFAULT '',
    postcode_key     text        NOT NULL DEFAULT '',
    account_code_key text        NOT NULL DEFAULT '',
    hash             text        NOT NULL,
    version          bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz,
    deleted          boolean     NOT NULL DEFAULT false,
    -- bytea, not jsonb: a provider payload is kept byte for byte, even when
    -- it is not valid JSON.
    raw              bytea,
    dirty            boolean     NOT NULL DEFAULT false,
    seen_at          timestamptz NOT NULL,
    run_id           bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (pair, side, id)
);
-- Lookup keys (engine.Key). Empty values are never looked up, so they are
-- left out of the indexes.
CREATE INDEX records_email_key ON records (pair, side, email_key) WHERE email_key <> '';
CREATE INDEX records_account_code_key ON records (pair, side, account_code_key) WHERE account_code_key <> '';
CREATE INDEX records_external_ref ON records (pair, side, external_ref) WHERE external_ref <> '';
CREATE INDEX records_phone_key ON records (pair, side, phone_key) WHERE phone_key <> '';
CREATE INDEX records_name_key ON records (pair, side, name_key) WHERE name_key <> '';
-- The dirty queue is small next to the table; a partial index keeps it cheap.
CREATE INDEX records_dirty ON records (pair, side, id) WHERE dirty;

CREATE TABLE links (
    id          bigserial PRIMARY KEY,
    pair        text        NOT NULL,
    local_id    text,
    upstream_id text,
    method      text        NOT NULL,
    state       text        NOT NULL,
    evidence    jsonb       NOT NULL DEFAULT '{}',
    created_by  text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    verified_at timestamptz,
    baseline    jsonb       NOT NULL DEFAULT '{}',
    CHECK (local_id IS NOT NULL OR upstream_id IS NOT NULL)
);
-- A record is linked at most once per side: the last line of defence
-- against duplicate creation.
CREATE UNIQUE INDEX links_local ON links (pair, local_id) WHERE local_id IS NOT NULL;
CREATE UNIQUE INDEX links_upstream ON links (pair, upstream_id) WHERE upstream_id IS NOT NULL;
CREATE INDEX links_pair_state ON links (pair, state, id);
-- The ghost sweep re-reads the links verified longest ago.
CREATE INDEX links_verified ON links (pair, state, verified_at);

CREATE TABLE suggestions (
    id          bigserial PRIMARY KEY,
    pair        text             NOT NULL,
    local_id    text             NOT NULL,
    upstream_id text             NOT NULL,
    score       double precision NOT NULL DEFAULT 0,
    reason      text             NOT NULL DEFAULT '',
    evidence    jsonb            NOT NULL DEFAULT '{}',
    status      text             NOT NULL,
    run_id      bigint           NOT NULL DEFAULT 0,
    created_at  timestamptz      NOT NULL,
    decided_by  text             NOT NULL DEFAULT '',
    decided_at  timestamptz
);
-- A pair of records is suggested at most once, ever: a rejection is never
-- resurrected by a later run.
CREATE UNIQUE INDEX suggestions_pair_records ON suggestions (pair, local_id, upstream_id);
CREATE INDEX suggestions_upstream ON suggestions (pair, upstream_id);
CREATE INDEX suggestions_open ON suggestions (pair, id) WHERE status = 'open';

CREATE TABLE rejections (
    id         bigserial PRIMARY KEY,
    pair       text        NOT NULL,
    a_side     text        NOT NULL,
    a_id       text        NOT NULL,
    b_side     text        NOT NULL,
    b_id       text        NOT NULL,
    decided_by text        NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    reason     text        NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX rejections_pair_refs ON rejections (pair, a_side, a_id, b_side, b_id);
CREATE INDEX rejections_b ON rejections (pair, b_side, b_id);

CREATE TABLE duplicate_sets (
    id          bigserial PRIMARY KEY,
    pair        text        NOT NULL,
    side        text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    evidence    jsonb       NOT NULL DEFAULT '{}',
    status      text        NOT NULL,
    survivor_id text        NOT NULL DEFAULT '',
    run_id      bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    decided_by  text        NOT NULL DEFAULT '',
    decided_at  timestamptz
);
CREATE INDEX duplicate_sets_pair_status ON duplicate_sets (pair, status, id);

CREATE TABLE duplicate_members (
    set_id    bigint NOT NULL REFERENCES duplicate_sets (id) ON DELETE CASCADE,
    pair      text   NOT NULL,
    side      text   NOT NULL,
    record_id text   NOT NULL,
    PRIMARY KEY (set_id, record_id)
);
CREATE INDEX duplicate_members_record ON duplicate_members (pair, side, record_id);

CREATE TABLE conflicts (
    id             bigserial PRIMARY KEY,
    pair           text        NOT NULL,
    link_id        bigint      NOT NULL,
    local_id       text        NOT NULL DEFAULT '',
    upstream_id    text        NOT NULL DEFAULT '',
    field          text        NOT NULL,
    local_value    text        NOT NULL DEFAULT '',
    upstream_value text        NOT NULL DEFAULT '',
    status         text        NOT NULL,
    resolution     text        NOT NULL DEFAULT '',
    run_id         bigint      NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    resolved_at    timestamptz,
    resolved_by    text        NOT NULL DEFAULT ''
);
-- At most one open conflict per field of a link.
CREATE UNIQUE INDEX conflicts_open ON conflicts (link_id, field) WHERE status = 'open';
CREATE INDEX conflicts_pair_status ON conflicts (pair, status, id);

CREATE TABLE cursors (
    pair       text        NOT NULL,
    side       text        NOT NULL,
    cursor     text        NOT NULL,
    run_id     bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (pair, side)
);

CREATE TABLE runs (
    id          bigserial PRIMARY KEY,
    pair        text        NOT NULL,
    status      text        NOT NULL,
    trigger     text        NOT NULL DEFAULT '',
    dry_run     boolean     NOT NULL DEFAULT false,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    counts      jsonb       NOT NULL DEFAULT '{}',
    pulled      jsonb       NOT NULL DEFAULT '{}',
    changed     jsonb       NOT NULL DEFAULT '{}',
    api_calls   bigint      NOT NULL DEFAULT 0,
    held_reason text        NOT NULL DEFAULT '',
    error       text        NOT NULL DEFAULT ''
);
CREATE INDEX runs_pair ON runs (pair, id);
CREATE INDEX runs_status ON runs (status, id);

CREATE TABLE run_outcomes (
    id        bigserial PRIMARY KEY,
    run_id    bigint      NOT NULL,
    pair      text        NOT NULL,
    side      text        NOT NULL,
    record_id text        NOT NULL DEFAULT '',
    kind      text        NOT NULL,
    reason    text        NOT NULL DEFAULT '',
    detail    text        NOT NULL DEFAULT '',
    at        timestamptz NOT NULL
);
CREATE INDEX run_outcomes_run_kind ON run_outcomes (run_id, kind);
CREATE INDEX run_outcomes_record ON run_outcomes (pair, side, record_id);

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    pair            text        NOT NULL,
    run_id          bigint      NOT NULL DEFAULT 0,
    kind            text        NOT NULL,
    source_id       text        NOT NULL,
    link_id         bigint      NOT NULL,
    customer        jsonb       NOT NULL DEFAULT '{}',
    idempotency_key text        NOT NULL UNIQUE,
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    target_id       text        NOT NULL DEFAULT '',
    fields          text        NOT NULL DEFAULT '',
    conflict_id     bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox (pair, status, next_attempt_at);
CREATE INDEX outbox_run ON outbox (run_id, status);
CREATE INDEX outbox_link ON outbox (link_id);

CREATE TABLE quarantine (
    id        bigserial PRIMARY KEY,
    pair      text        NOT NULL,
    side      text        NOT NULL,
    record_id text        NOT NULL DEFAULT '',
    reason    text        NOT NULL,
    raw       bytea,
    run_id    bigint      NOT NULL DEFAULT 0,
    at        timestamptz NOT NULL
);
CREATE INDEX quarantine_pair ON quarantine (pair, id);

CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    pair    text        NOT NULL DEFAULT '',
    actor   text        NOT NULL,
    action  text        NOT NULL,
    subject text        NOT NULL DEFAULT '',
    detail  jsonb       NOT NULL DEFAULT '{}',
    at      timestamptz NOT NULL
);
CREATE INDEX audit_log_pair ON audit_log (pair, id);

-- Used only on SQLite, which has no advisory locks; kept here too so both
-- dialects have the same tables.
CREATE TABLE pair_leases (
    pair        text PRIMARY KEY,
    holder      text        NOT NULL,
    host        text        NOT NULL,
    pid         integer     NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- API calls per connection and period ("day:2026-11-22", "month:2026-11"),
-- shared by every run and process that uses the connection.
CREATE TABLE api_usage (
    connection text   NOT NULL,
    period     text   NOT NULL,
    calls      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (connection, period)
);

-- Fuzzy blocking keys ("phone:+64215550101", "sn_city:SM0|auckland"), one
-- row per key of a record: fuzzy matching compares only records that share
-- a key. A record's keys are replaced whenever the record is stored changed.
CREATE TABLE record_keys (
    pair      text NOT NULL,
    side      text NOT NULL,
    key       text NOT NULL,
    record_id text NOT NULL,
    PRIMARY KEY (pair, side, key, record_id)
);
CREATE INDEX record_keys_record ON record_keys (pair, side, record_id);

-- The fuzzy model of each pair, trained on a sample of its records.
CREATE TABLE fuzzy_models (
    pair             text        PRIMARY KEY,
    model            bytea       NOT NULL,
    trained_at       timestamptz NOT NULL,
    local_records    integer     NOT NULL DEFAULT 0,
    upstream_records integer     NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE fuzzy_models;
DROP TABLE record_keys;
DROP TABLE api_usage;
DROP TABLE pair_leases;
DROP TABLE audit_log;
DROP TABLE quarantine;
DROP TABLE outbox;
DROP TABLE run_outcomes;
DROP TABLE runs;
DROP TABLE cursors;
DROP TABLE conflicts;
DROP TABLE duplicate_members;
DROP TABLE duplicate_sets;
DROP TABLE rejections;
DROP TABLE suggestions;
DROP TABLE links;
DROP TABLE records;
