/** The {@code system} agent: host and JVM observations. */
module io.trinity.pool.agents.system {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;
    requires com.github.oshi;
    requires java.management;

    exports io.trinity.pool.agents.system;
}
