/**
 * Input reading shared by the built-in agents. Not an API: exported only to the agent modules,
 * so it stays out of what users compile against.
 */
@SuppressWarnings("module") // the agent modules are built after this one
module io.trinity.pool.agents.common {
    // Inputs takes a TaskContext and throws NonRetryableException.
    requires transitive io.trinity.pool;

    exports io.trinity.pool.agents.common to
            io.trinity.pool.agents.code,
            io.trinity.pool.agents.vision,
            io.trinity.pool.agents.voice,
            io.trinity.pool.agents.data,
            io.trinity.pool.agents.system,
            io.trinity.pool.agents.llm,
            io.trinity.pool.agents.generic,
            io.trinity.pool.agents.coordinator;
}
