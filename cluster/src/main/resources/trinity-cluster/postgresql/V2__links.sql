-- Direct links (docs/cluster.md "Remote calls"): where each node listens for the scheduler's link,
-- and the secret the scheduler of the current epoch says when it connects.
ALTER TABLE cluster_nodes ADD COLUMN link text;
ALTER TABLE cluster_leader ADD COLUMN link_secret text;
