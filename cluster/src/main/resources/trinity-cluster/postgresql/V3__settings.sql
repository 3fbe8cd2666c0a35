-- The settings every node must share (docs/cluster.md "Settings every node shares"), recorded by
-- the first node of a forming cluster; a node starting with others refuses to join.
CREATE TABLE cluster_settings (
    id              smallint PRIMARY KEY CHECK (id = 1),
    keys_sha256     text,
    node_timeout_ms bigint NOT NULL,
    set_by          text NOT NULL,
    set_at          timestamptz NOT NULL
);
