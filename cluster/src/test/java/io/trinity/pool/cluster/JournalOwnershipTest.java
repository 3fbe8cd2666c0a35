package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.journal.Journal;
import io.trinity.pool.journal.JournalException;
import io.trinity.pool.journal.jdbc.JdbcJournal;
import org.junit.jupiter.api.Test;

/**
 * A cluster's journal and a pool started without {@code --node-id} exclude each other: either
 * would otherwise recover and run the other's tasks, unfenced (docs/cluster.md).
 */
class JournalOwnershipTest {

    @Test
    void aStandalonePoolCannotOpenAClustersJournalWhileANodeRunsNorAfterItStopped() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterNode n1 = cluster.start("n1");
            cluster.awaitScheduler();

            // the journal's exclusive lock, as a standalone pool takes it, conflicts with the nodes' shared one
            assertThatThrownBy(() -> JdbcJournal.builder(cluster.url()).open().close())
                    .isInstanceOf(JournalException.class).hasMessageContaining("in use by another pool");
            assertThatThrownBy(() -> ClusterJournals.refuseStandalone(cluster.url()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is the journal of a cluster").hasMessageContaining("nodes n1 up")
                    .hasMessageContaining("--node-id").hasMessageContaining(cluster.schema);

            n1.close();
            // stopped: the lock is free, but its queued tasks are still the cluster's
            assertThatThrownBy(() -> ClusterJournals.refuseStandalone(cluster.url()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nodes n1 left").hasMessageContaining("its lease ended")
                    .hasMessageContaining("Start this process with --node-id");
        }
    }

    @Test
    void aNodeRefusesAJournalThatAStandalonePoolHolds() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterJournals.refuseStandalone(cluster.url()); // a journal of no cluster: nothing to refuse
            try (Journal standalone = JdbcJournal.builder(cluster.url()).open()) {
                assertThatThrownBy(() -> cluster.start("n1")).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("in use by a pool started without --node-id")
                        .hasMessageContaining(cluster.schema);
                assertThat(cluster.query("SELECT 1 FROM pg_tables WHERE schemaname = '" + cluster.schema
                        + "' AND tablename = 'cluster_nodes'")).as("no cluster tables beside the standalone pool").isEmpty();
            }
        }
    }
}
