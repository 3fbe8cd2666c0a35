/**
 * Every built-in agent, and {@link io.trinity.pool.agents.BuiltInAgents} to register the seven
 * built-in types in one call. Requiring this module gives a user every agent module.
 */
module io.trinity.pool.agents {
    requires transitive io.trinity.pool;
    requires transitive io.trinity.pool.agents.code;
    requires transitive io.trinity.pool.agents.vision;
    requires transitive io.trinity.pool.agents.voice;
    requires transitive io.trinity.pool.agents.data;
    requires transitive io.trinity.pool.agents.system;
    requires transitive io.trinity.pool.agents.llm;
    requires transitive io.trinity.pool.agents.generic;
    requires transitive io.trinity.pool.agents.process;
    requires transitive io.trinity.pool.agents.coordinator;

    exports io.trinity.pool.agents;
}
