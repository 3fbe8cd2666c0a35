package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * {@code /readyz} says whether a scheduler can take calls through the node: the scheduler's lease,
 * as {@code /v1/cluster}'s {@code leaseValid}, not only the node's own heartbeat.
 */
class ReadinessTest {

    @Test
    void aNodeIsNotReadyWhileNoSchedulerHoldsTheLease() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            cluster.start("n1");
            cluster.awaitScheduler();
            ClusterNode n2 = cluster.start("n2");
            InProcessCluster.await("n2 ready", () -> cluster.send(n2, "GET", "readyz", null).statusCode() == 200);

            // the lease row locked: the scheduler cannot renew, and no node can take over
            try (Connection lock = DriverManager.getConnection(cluster.url())) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("SELECT * FROM cluster_leader WHERE id = 1 FOR UPDATE");
                }
                HttpResponse<String>[] last = new HttpResponse[1];
                InProcessCluster.await("n2 not ready", () -> {
                    last[0] = cluster.send(n2, "GET", "readyz", null);
                    return last[0].statusCode() == 503;
                });
                assertThat(last[0].body()).contains("\"lease\":false", "\"reason\"");
                lock.rollback();
            }
            InProcessCluster.await("n2 ready again once a scheduler holds the lease",
                    () -> cluster.send(n2, "GET", "readyz", null).statusCode() == 200);
        }
    }
}
