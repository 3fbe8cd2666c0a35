-- Trinity journal, schema 2 (SQLite): pool state besides tasks, so a restart keeps tenant spend, the
-- pacing windows and the spawning strategies' models. Keep in step with ../postgresql/V2__pool_state.sql.

-- What each tenant was charged per resource over the journal's life: one row each, upserted with
-- the running total (SpendTotal). Bounded by tenants x resources, like the pool's own ledger.
CREATE TABLE tenant_spend (
    tenant     TEXT    NOT NULL,
    resource   TEXT    NOT NULL,
    tokens     INTEGER NOT NULL,               -- tokens charged so far
    updated_at INTEGER NOT NULL,               -- epoch ms of the last change
    PRIMARY KEY (tenant, resource)
);

-- Requests and tokens counted against paced resources (ResourceUsed), appended once per loop batch
-- and resource; retention drops rows older than twice the 60 s pacing window.
CREATE TABLE resource_use (
    id       INTEGER PRIMARY KEY,              -- rowid alias: insertion order
    resource TEXT    NOT NULL,
    at       INTEGER NOT NULL,                 -- epoch ms, rounded up
    requests INTEGER NOT NULL,
    tokens   INTEGER NOT NULL
);
CREATE INDEX resource_use_at ON resource_use (at);

-- The newest learned state of each spawning strategy (StrategySaved), upserted.
CREATE TABLE strategy_state (
    strategy    TEXT    PRIMARY KEY,
    state_json  TEXT    NOT NULL,
    clock_nanos INTEGER NOT NULL,              -- the saving pool's clock at saved_at
    saved_at    INTEGER NOT NULL               -- epoch ms
);
