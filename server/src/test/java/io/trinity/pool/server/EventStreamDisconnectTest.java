package io.trinity.pool.server;

import static io.trinity.pool.server.TestServers.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client that goes away while its backlog is replayed stops the replay: the server does not keep writing to it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventStreamDisconnectTest {

    @Test
    void aClientThatDisconnectsDuringTheBacklogIsNotWrittenTheRest() throws IOException {
        try (PoolServer server = TestServers.builder(TestAgents.pool(4, 5_000)).eventBuffer(50_000).build().start()) {
            Http http = new Http(server.url());
            StringBuilder batch = new StringBuilder("{\"tasks\": [");
            for (int i = 0; i < 1000; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"type\": \"echo\"}");
            }
            String tasks = batch.append("]}").toString();
            for (int i = 0; i < 4; i++) {
                assertThat(http.post("/v1/tasks/batch", ADMIN, tasks).json().get("accepted").asInt()).isEqualTo(1000);
            }
            // 4,000 tasks make well over 10,000 events: far more than a stalled socket's buffers hold
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    Long.parseLong(http.get("/v1/pool", ADMIN).json().get("lastEventId").asText()) >= 12_000);
            long backlog = Long.parseLong(http.get("/v1/pool", ADMIN).json().get("lastEventId").asText());
            long sentBefore = server.events().sent();

            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(1024); // a slow reader: the server's writes soon block
                s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5_000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN
                        + "\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                byte[] first = in.readNBytes(512);
                assertThat(new String(first, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
                await().atMost(Duration.ofSeconds(20)).until(() -> server.events().sent() - sentBefore > 0);
                s.setSoLinger(true, 0); // close with a reset, as a client that vanished
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> server.events().open() == 0);
            long sent = server.events().sent() - sentBefore;
            assertThat(sent).as("events written to a client that left during a backlog of " + backlog)
                    .isLessThan(backlog / 2);
        }
    }
}
