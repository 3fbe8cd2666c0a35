-- Trinity journal, schema 3 (PostgreSQL only): the fencing epoch of a cluster's scheduler. SQLite has
-- no schema 3: a SQLite journal has one pool by construction (a file lock), so there is no one to fence.
-- Each dialect's versions are counted on their own (Migrations compares a journal with its own
-- dialect's migrations only), so SQLite at 2 and PostgreSQL at 3 are both "this build's schema".

-- One row. A scheduler taking over bumps epoch (Fencing.takeOver); a journal opened with
-- fencedBy(epoch) checks it, FOR SHARE, in every write transaction and refuses to commit when it
-- changed, so a deposed scheduler can never write.
CREATE TABLE journal_fence (
    id         SMALLINT    PRIMARY KEY CHECK (id = 1),
    epoch      BIGINT      NOT NULL,
    holder     TEXT,                                 -- who took over last (a node id), for operators
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO journal_fence (id, epoch, holder) VALUES (1, 0, NULL);
