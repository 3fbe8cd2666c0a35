package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A scheduler whose lease is no longer sure (paused, cut off from the database) must not answer
 * from its pool: what that pool says (a task cancelled by its drain) may not be what the cluster
 * stores. And a front must not wait for ever on a scheduler that does not answer.
 */
class StaleSchedulerTest {

    @Test
    void aSchedulerThatCannotRenewItsLeaseAnswers503NotItsStalePool() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster()) {
            ClusterNode n1 = cluster.start("n1");
            cluster.awaitScheduler();
            cluster.holds.put("held", new CountDownLatch(1));
            cluster.started.put("held", new CountDownLatch(1));
            String id = cluster.submit(n1, "held");
            assertThat(cluster.started.get("held").await(60, TimeUnit.SECONDS)).isTrue();
            String stale = n1.localServer().url();
            // a long poll waiting on the scheduler's pool when it loses its lease
            CompletableFuture<HttpResponse<String>> poll = cluster.http.sendAsync(HttpRequest.newBuilder(
                    URI.create(stale + "v1/tasks/" + id + "?wait=50s")).header("Authorization", "Bearer "
                    + InProcessCluster.ADMIN).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());

            // the lease row locked: the scheduler's renewals wait, then fail; it must stop answering
            try (Connection lock = DriverManager.getConnection(cluster.url())) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("SELECT * FROM cluster_leader WHERE id = 1 FOR UPDATE");
                }
                // before it notices and stops (its renewal waits out the socket timeout), it already refuses
                HttpResponse<String>[] refused = new HttpResponse[1];
                InProcessCluster.await("the stale scheduler refuses API calls", () -> {
                    HttpResponse<String> r = cluster.http.send(HttpRequest.newBuilder(URI.create(stale + "v1/tasks/" + id))
                            .header("Authorization", "Bearer " + InProcessCluster.ADMIN).build(),
                            HttpResponse.BodyHandlers.ofString());
                    refused[0] = r;
                    return r.statusCode() == 503;
                });
                assertThat(refused[0].headers().firstValue("Retry-After")).hasValue("1");
                JsonNode body = InProcessCluster.JSON.readTree(refused[0].body());
                assertThat(body.path("reason").asText()).isEqualTo("not_serving");
                assertThat(body.path("error").asText()).contains("node n1", "has not renewed its lease");
                // the long poll: refused, or its connection closed with the stale pool; never its drain's CANCELLED
                try {
                    HttpResponse<String> r = poll.get(60, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).as("the long poll's answer: %s", r.body()).isEqualTo(503);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
                }
                lock.rollback();
            }
            cluster.holds.get("held").countDown();
            InProcessCluster.await("the task ends on the scheduler that took over", () -> {
                JsonNode t = cluster.task(n1, id);
                return t != null && "SUCCEEDED".equals(t.path("state").asText());
            });
        }
    }

    @Test
    void aFrontAnswers503WhenTheSchedulerDoesNotAnswerARelayedCall() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(); ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // takes the request, never answers (a paused process)
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            cluster.start("n1");
            cluster.awaitScheduler();
            ClusterNode n2 = cluster.start("n2");
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/";
            cluster.execute("UPDATE cluster_leader SET url = '" + url + "' WHERE id = 1");
            InProcessCluster.await("n2 relays to the silent scheduler", () -> url.equals(n2.schedulerUrl()));

            long began = System.nanoTime();
            HttpResponse<String> r = cluster.send(n2, "GET", "v1/tasks", null);
            long tookSeconds = (System.nanoTime() - began) / 1_000_000_000L;

            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.body()).contains("did not answer within " + Front.LINK_ANSWER_SECONDS + " s", url);
            assertThat(tookSeconds).isLessThan(Front.LINK_ANSWER_SECONDS + 10);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
