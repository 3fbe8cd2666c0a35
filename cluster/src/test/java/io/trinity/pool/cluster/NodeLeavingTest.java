package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A worker that stops gracefully (SIGTERM: {@link ClusterNode#close}) leaves its row {@code left};
 * the calls it was running will never end there, so the scheduler must fail them over at once,
 * as it does a dead node's, rather than leave their tasks RUNNING until the node id comes back.
 */
class NodeLeavingTest {

    @Test
    void theCallsOfAWorkerThatStopsEndOnOtherNodes() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterNode n1 = cluster.start("n1", b -> b.maxAgents(1));
            cluster.awaitScheduler();
            ClusterNode n2 = cluster.start("n2", b -> b.maxAgents(4));
            InProcessCluster.await("n2 up in the scheduler's placement", () -> n1.possibleAgents() == 5);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String text = "held-" + i;
                cluster.holds.put(text, new CountDownLatch(1));
                ids.add(cluster.submit(n1, text));
            }
            InProcessCluster.await("calls running on n2", () -> !cluster.query("SELECT 1 FROM cluster_assignments"
                    + " WHERE node = 'n2'").isEmpty() || n2.busy() > 0);

            n2.close();
            cluster.holds.values().forEach(CountDownLatch::countDown); // their retries on n1 end at once

            // well within the node timeout's sweep, which never looked at a node that left
            for (String id : ids) {
                InProcessCluster.await("task " + id + " succeeded on another node", () -> {
                    var t = cluster.task(n1, id);
                    return t != null && "SUCCEEDED".equals(t.path("state").asText());
                });
            }
            assertThat(cluster.query("SELECT node FROM cluster_assignments WHERE node = 'n2'")).isEmpty();
            assertThat(cluster.query("SELECT detail FROM cluster_events WHERE kind = 'node.left' AND node = 'n2'"))
                    .hasSize(1);
            assertThat(cluster.query("SELECT reason FROM cluster_nodes WHERE node = 'n2'").get(0).get("reason"))
                    .isEqualTo(ClusterNode.LEFT_HANDLED);
        }
    }
}
