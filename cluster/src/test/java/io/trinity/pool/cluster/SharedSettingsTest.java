package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.server.ApiKeys;
import io.trinity.pool.server.Role;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Nodes must share {@code --keys} and {@code --node-timeout}: a node with other ones would change
 * tenants' rights, or the failover time, when it becomes the scheduler. The cluster records them
 * when it forms, and a node with a difference refuses to join, naming it.
 */
class SharedSettingsTest {

    @Test
    void aNodeWithOtherKeysOrAnotherNodeTimeoutRefusesToJoinUntilTheClusterFormsAgain() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterNode n1 = cluster.start("n1");
            cluster.awaitScheduler();
            ApiKeys other = ApiKeys.builder().key(InProcessCluster.ADMIN, "ops", Role.ADMIN).key("k-t", "t", Role.ADMIN)
                    .build();

            assertThatThrownBy(() -> cluster.start("n2", b -> b.keys(other))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--keys differs from the cluster's").hasMessageContaining("recorded by node n1");
            assertThatThrownBy(() -> cluster.start("n2", b -> b.nodeTimeout(Duration.ofSeconds(3))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--node-timeout 3000ms differs from the cluster's 2000ms");
            // the same keys in another order and another file layout are the same keys
            cluster.start("n2", b -> b.keys(ApiKeys.builder().key("k-t", "t", Role.TENANT)
                    .key(InProcessCluster.ADMIN, "ops", Role.ADMIN).build()));

            n1.close();
            cluster.node("n2").close();
            ClusterNode n3 = cluster.start("n3", b -> b.keys(other)); // no node live: the cluster forms again
            assertThat(cluster.query("SELECT set_by FROM cluster_settings").get(0)).containsEntry("set_by", "n3");
            assertThat(n3.url()).isNotNull();
        }
    }

    @Test
    void aNodeTimeoutOverFiveMinutesIsRefused() {
        assertThatThrownBy(() -> ClusterNode.Settings.builder("n1", "jdbc:postgresql://h/db").nodeTimeout(Duration.ofDays(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 500ms and 5m");
    }
}
