/**
 * LLM-backed agents and the LLM client over OpenAI-compatible endpoints. LangChain4j stays an
 * implementation detail: no LangChain4j type appears in this module's API.
 */
module io.trinity.pool.agents.llm {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    // LangChain4j 1.x jars carry no module name, so these are the names derived from the jar
    // file names; they resolve as automatic modules.
    requires langchain4j.core;
    requires langchain4j.http.client;
    requires langchain4j.open.ai;

    exports io.trinity.pool.agents.llm;
}
