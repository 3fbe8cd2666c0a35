/** The {@code code} agent: compiles Java source in memory and measures its syntax tree. */
module io.trinity.pool.agents.code {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;
    requires java.compiler;  // javax.tools: the in-memory compiler
    requires jdk.compiler;   // com.sun.source: the syntax tree the metrics walk

    exports io.trinity.pool.agents.code;
}
