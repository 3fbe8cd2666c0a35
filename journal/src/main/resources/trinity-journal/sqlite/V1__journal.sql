-- Trinity journal, schema 1 (SQLite). Keep in step with ../postgresql/V1__journal.sql: same tables,
-- columns and meanings; only types differ (JSON is TEXT here, jsonb there).

-- One row per accepted task, updated in place by each state transition (one statement each).
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,            -- the pool's task id (rowid alias: no second b-tree)
    tenant          TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    idempotency_key TEXT,
    task_json       TEXT    NOT NULL,               -- Task.toPlainData()
    state           TEXT    NOT NULL,               -- QUEUED RUNNING SUCCEEDED FAILED TIMED_OUT CANCELLED DEAD_LETTERED
    attempts        INTEGER NOT NULL DEFAULT 0,     -- attempts spent (a running attempt counts)
    running         BOOLEAN NOT NULL DEFAULT FALSE, -- an attempt started and has not ended
    agent           TEXT,                           -- agent of the last started attempt
    enqueued_at     INTEGER NOT NULL,               -- epoch ms
    started_at      INTEGER NOT NULL DEFAULT 0,     -- epoch ms of the last attempt's start, 0 if none
    ended_at        INTEGER NOT NULL DEFAULT 0,     -- epoch ms of the final state, 0 while live
    result_json     TEXT,                           -- the result's data when SUCCEEDED
    reasons_json    TEXT    NOT NULL DEFAULT '[]',  -- why attempts failed, oldest first
    dead_letter     BOOLEAN NOT NULL DEFAULT FALSE  -- DEAD_LETTERED and still offered for resubmission
);

-- Live tasks have ended_at = 0, so this one index serves recovery, retention and the finals count.
CREATE INDEX tasks_ended ON tasks (ended_at, id);
CREATE INDEX tasks_idempotency ON tasks (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX tasks_dead_letters ON tasks (ended_at, id) WHERE dead_letter;

-- Agent state saved at destroy, offered to the next agent of the type.
CREATE TABLE snapshots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT    NOT NULL,
    agent      TEXT    NOT NULL,
    state_json TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL
);
CREATE INDEX snapshots_type ON snapshots (type, id);

-- Counters that must outlive the rows retention deletes (the highest task id ever written).
CREATE TABLE journal_meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO journal_meta (name, value) VALUES ('max_task_id', 0);
