package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two processes with one {@code --node-id} would take the registry row from each other every
 * heartbeat (incarnations climbing, a live scheduler deposed as "silent"): the second is refused
 * at its start, and a running node whose id a newer live process took stops instead of fighting.
 */
class NodeIdTest {

    @Test
    void aSecondProcessWithALiveNodesIdIsRefusedAtItsStart() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterNode n1 = cluster.start("n1");
            cluster.awaitScheduler();

            assertThatThrownBy(() -> cluster.start("n1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--node-id n1 is in use by another live process")
                    .hasMessageContaining(n1.url()).hasMessageContaining("another --node-id");
            assertThat(cluster.query("SELECT incarnation FROM cluster_nodes WHERE node = 'n1'").get(0).get("incarnation"))
                    .isEqualTo(1L);
            assertThat(n1.isScheduler()).isTrue();
        }
    }

    @Test
    void aRestartAfterAKillTakesTheIdOnceItsHeartbeatStopped() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            cluster.start("n1");
            cluster.awaitScheduler();
            // as a kill -9 leaves it: up, its heartbeat fresh but no longer moving
            cluster.execute("INSERT INTO cluster_nodes (node, url, max_agents, incarnation, state, started_at,"
                    + " heartbeat_at) VALUES ('n2', 'http://127.0.0.1:1/', 4, 3, 'up', now(), now())");
            ClusterNode n2 = cluster.start("n2");
            assertThat(cluster.query("SELECT incarnation FROM cluster_nodes WHERE node = 'n2'").get(0).get("incarnation"))
                    .isEqualTo(4L);
            assertThat(n2.selfStopped()).isNotDone();
        }
    }

    @Test
    void aRunningNodeWhoseIdANewerProcessTookStops() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            cluster.start("n1");
            cluster.awaitScheduler();
            ClusterNode n2 = cluster.start("n2");
            // what a second process registering n2 writes
            cluster.execute("UPDATE cluster_nodes SET incarnation = incarnation + 1, heartbeat_at = now(),"
                    + " url = 'http://127.0.0.1:2/' WHERE node = 'n2'");

            String why = n2.selfStopped().get(InProcessCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(why).contains("--node-id n2 is in use by another live process", "this process (incarnation 1) stops");
            InProcessCluster.await(Duration.ofSeconds(10), "n2 no longer answers", () -> {
                try {
                    cluster.send(n2, "GET", "healthz", null);
                    return false;
                } catch (java.io.IOException e) {
                    return true;
                }
            });
            assertThat(cluster.query("SELECT incarnation, url FROM cluster_nodes WHERE node = 'n2'").get(0))
                    .containsEntry("incarnation", 2L).containsEntry("url", "http://127.0.0.1:2/");
        }
    }
}
