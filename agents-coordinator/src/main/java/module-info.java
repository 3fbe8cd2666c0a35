/** The {@code coordinator} agent: runs a graph of subtasks on the same pool. */
module io.trinity.pool.agents.coordinator {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;

    exports io.trinity.pool.agents.coordinator;
}
