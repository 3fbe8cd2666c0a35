/** Process agents: an agent type backed by a program in any language, JSON Lines over stdin/stdout. */
module io.trinity.pool.agents.process {
    requires transitive io.trinity.pool;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.context;

    exports io.trinity.pool.agents.process;
}
