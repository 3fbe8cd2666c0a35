-- The cluster's tables (docs/cluster.md). The fencing epoch lives in the journal's journal_fence
-- row; cluster_leader says who holds it and until when its lease runs.
CREATE TABLE cluster_leader (
    id          smallint PRIMARY KEY CHECK (id = 1),
    node        text,
    url         text,
    epoch       bigint NOT NULL DEFAULT 0,
    pid         integer,
    since       timestamptz,
    lease_until timestamptz
);
INSERT INTO cluster_leader (id) VALUES (1);

CREATE TABLE cluster_nodes (
    node         text PRIMARY KEY,
    url          text NOT NULL,
    max_agents   integer NOT NULL,
    incarnation  bigint NOT NULL,
    state        text NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    agents       integer NOT NULL DEFAULT 0,
    busy         integer NOT NULL DEFAULT 0,
    calls        bigint NOT NULL DEFAULT 0,
    progress     text,
    reason       text
);

-- Agents the scheduler placed on other nodes, and the calls it makes to them. Unlogged: after a
-- database crash they are rebuilt (the journal, not these rows, is the durable record).
CREATE UNLOGGED TABLE cluster_agents (
    agent_id    text PRIMARY KEY,
    node        text NOT NULL,
    incarnation bigint NOT NULL,
    epoch       bigint NOT NULL,
    type        text NOT NULL,
    state       text NOT NULL,
    capacity    integer,
    error       text
);
CREATE INDEX cluster_agents_node ON cluster_agents (node, state);

CREATE UNLOGGED TABLE cluster_assignments (
    id          bigint PRIMARY KEY,
    epoch       bigint NOT NULL,
    node        text NOT NULL,
    incarnation bigint NOT NULL,
    agent_id    text NOT NULL,
    task_id     bigint NOT NULL,
    attempt     integer NOT NULL,
    task        text NOT NULL,
    state       text NOT NULL,
    result      text
);
CREATE INDEX cluster_assignments_node ON cluster_assignments (node, state);
CREATE INDEX cluster_assignments_epoch ON cluster_assignments (epoch, state);

CREATE TABLE cluster_events (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    kind   text NOT NULL,
    node   text,
    millis bigint,
    detail text
);
