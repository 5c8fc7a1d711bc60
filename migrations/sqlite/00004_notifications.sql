-- The last state each pair's notifications were sent for, one row per
-- pair and kind of condition (runs failing, re-authorisation needed, dead
-- letters, a held plan, an exhausted budget). Notifications go out only
-- when a condition changes, and a process claims that change here with a
-- compare-and-swap first, so restarts and replicas never send it twice.

-- +goose Up
CREATE TABLE notification_states (
    pair       text        NOT NULL,
    kind       text        NOT NULL,
    active     BOOLEAN     NOT NULL DEFAULT false,
    -- What the condition was measured at when last notified: the dead
    -- letter count, the held run's id, the failing run's id.
    value      INTEGER     NOT NULL DEFAULT 0,
    detail     text        NOT NULL DEFAULT '',
    updated_at DATETIME    NOT NULL,
    PRIMARY KEY (pair, kind)
);

-- +goose Down
DROP TABLE notification_states;
