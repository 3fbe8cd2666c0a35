/** The {@code generic} fallback agent: counts, keywords, summaries, LLM answers when configured. */
module io.trinity.pool.agents.generic {
    requires transitive io.trinity.pool;
    // GenericAgent.factory(LlmSettings) takes the LLM module's settings.
    requires transitive io.trinity.pool.agents.llm;
    requires io.trinity.pool.agents.common;

    exports io.trinity.pool.agents.generic;
}
