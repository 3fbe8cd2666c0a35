/** The {@code data} agent: table statistics and group-by, BM25 passage retrieval. */
module io.trinity.pool.agents.data {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.apache.lucene.core;
    requires org.apache.lucene.analysis.common;
    requires org.apache.lucene.queryparser;

    exports io.trinity.pool.agents.data;
}
