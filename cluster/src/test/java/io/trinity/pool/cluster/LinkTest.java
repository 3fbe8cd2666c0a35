package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The direct link between the scheduler ({@link NodeLink}) and a node ({@link LinkServer}) over a
 * real loopback socket: the node's gate decides at the hello and at every call, ends come back,
 * and a broken link hands back the calls it had.
 */
class LinkTest {

    private static final long WAIT = 10;

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<Started> started = new LinkedBlockingQueue<>();
    private final AtomicReference<String> gate = new AtomicReference<>();
    private LinkServer server;

    private record Started(long id, String agent, long task, int attempt, String json, LinkServer.Link link) {
    }

    private final NodeLink.Sink sink = new NodeLink.Sink() {
        @Override
        public void ended(NodeLink link, long id, String state, String result) {
            events.add("end " + id + " " + state + " " + result);
        }

        @Override
        public void refused(NodeLink link, long id, String why) {
            events.add("refused " + id + ": " + why);
        }

        @Override
        public void lost(NodeLink link) {
            events.add("lost " + link.node() + " pending " + List.copyOf(link.pending()));
        }

        @Override
        public void asked(NodeLink link, JsonNode frame) {
            submits.add(frame);
        }
    };
    private final BlockingQueue<JsonNode> submits = new LinkedBlockingQueue<>();

    private LinkServer server() {
        server = new LinkServer("n2", "127.0.0.1", 0,
                (epoch, secret) -> epoch == 7 && secret.equals("s3cret") ? gate.get() : "epoch " + epoch + " is not known",
                (id, agent, task, attempt, json, link) -> started.add(new Started(id, agent, task, attempt, json, link)));
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCallStartsOnTheNodeAndItsEndComesBack() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);

        assertThat(link.send(41, "agent-1", 1001, 2, "{\"type\":\"generic\"}")).isTrue();
        Started call = started.poll(WAIT, TimeUnit.SECONDS);
        assertThat(call).isEqualTo(new Started(41, "agent-1", 1001, 2, "{\"type\":\"generic\"}", call.link()));
        assertThat(link.pending()).containsExactly(41L);

        assertThat(call.link().sendEnd(41, "succeeded", "{\"output\":1}")).isTrue();
        assertThat(events.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("end 41 succeeded {\"output\":1}");
        assertThat(link.pending()).isEmpty();
        assertThat(s.open()).isEqualTo(1);
        link.close();
    }

    @Test
    void aSubmitTheNodeTookGoesToTheSchedulerAndItsAnswerComesBack() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        LinkServer.Link toScheduler = s.current(7); // marked before the node said ok to the hello
        assertThat(toScheduler).isNotNull();
        assertThat(s.current(6)).as("a link of another epoch is not the scheduler's").isNull();
        assertThat(s.current(-1)).as("no scheduler known").isNull();
        byte[] body = "{\"type\":\"generic\",\"input\":{\"text\":\"h\u00e9\"}}".getBytes(StandardCharsets.UTF_8);

        CompletableFuture<JsonNode> answer = toScheduler.submit("Bearer k1", "key-1", "n2", body);

        JsonNode f = submits.poll(WAIT, TimeUnit.SECONDS);
        assertThat(f.path("auth").asText()).isEqualTo("Bearer k1");
        assertThat(f.path("key").asText()).isEqualTo("key-1");
        assertThat(f.path("origin").asText()).isEqualTo("n2");
        assertThat(f.path("body").binaryValue()).isEqualTo(body);
        assertThat(answer).isNotDone();
        assertThat(link.answer(f.path("rid").asLong(), 202, Map.of("Location", "/v1/tasks/9"), "{\"id\":9}".getBytes(
                StandardCharsets.UTF_8))).isTrue();
        JsonNode a = answer.get(WAIT, TimeUnit.SECONDS);
        assertThat(a.path("status").asInt()).isEqualTo(202);
        assertThat(a.path("headers").path("Location").asText()).isEqualTo("/v1/tasks/9");
        assertThat(new String(a.path("body").binaryValue(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":9}");

        CompletableFuture<JsonNode> second = toScheduler.submit(null, null, "n2", new byte[0]);
        JsonNode g = submits.poll(WAIT, TimeUnit.SECONDS);
        assertThat(g.has("auth")).as("no Authorization header, none sent").isFalse();
        assertThat(g.has("key")).isFalse();
        assertThat(g.path("rid").asLong()).isNotEqualTo(f.path("rid").asLong());
        link.answer(g.path("rid").asLong(), 401, Map.of(), new byte[0]);
        assertThat(second.get(WAIT, TimeUnit.SECONDS).path("status").asInt()).isEqualTo(401);
        link.close();
    }

    @Test
    void aTaskReadGoesToTheSchedulerAndItsAnswerComesBack() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        LinkServer.Link toScheduler = s.current(7);

        CompletableFuture<JsonNode> waiting = toScheduler.read("Bearer k1", "42", "5s");
        CompletableFuture<JsonNode> plain = toScheduler.read("Bearer k1", "43", null);

        JsonNode f = submits.poll(WAIT, TimeUnit.SECONDS);
        JsonNode g = submits.poll(WAIT, TimeUnit.SECONDS);
        assertThat(f.path("k").asText()).isEqualTo("read");
        assertThat(f.path("task").asText()).isEqualTo("42");
        assertThat(f.path("wait").asText()).isEqualTo("5s");
        assertThat(f.path("auth").asText()).isEqualTo("Bearer k1");
        assertThat(g.has("wait")).isFalse();
        // answered out of order: each answer finds its own request
        link.answer(g.path("rid").asLong(), 404, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(plain.get(WAIT, TimeUnit.SECONDS).path("status").asInt()).isEqualTo(404);
        assertThat(waiting).isNotDone();
        link.answer(f.path("rid").asLong(), 200, Map.of(), "{\"state\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(waiting.get(WAIT, TimeUnit.SECONDS).path("body").binaryValue(), StandardCharsets.UTF_8))
                .isEqualTo("{\"state\":\"SUCCEEDED\"}");
        link.close();
    }

    @Test
    void anAnswerTooLargeForTheLinkSaysGoByHttpAndTheLinkStays() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        LinkServer.Link toScheduler = s.current(7);
        CompletableFuture<JsonNode> read = toScheduler.read("Bearer k1", "42", null);
        JsonNode f = submits.poll(WAIT, TimeUnit.SECONDS);

        assertThat(link.answer(f.path("rid").asLong(), 200, Map.of(), new byte[NodeLink.MAX_ANSWER_BODY + 1])).isTrue();

        JsonNode a = read.get(WAIT, TimeUnit.SECONDS);
        assertThat(a.path("byHttp").asBoolean()).isTrue();
        assertThat(a.has("body")).isFalse();
        assertThat(link.isOpen()).isTrue();
        assertThat(s.current(7)).isSameAs(toScheduler);
        link.close();
    }

    @Test
    void aSubmitWhoseLinkBreaksBeforeTheAnswerFailsAndOnAClosedLinkIsNotSent() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        LinkServer.Link toScheduler = s.current(7); // marked before the node said ok to the hello
        assertThat(toScheduler).isNotNull();
        CompletableFuture<JsonNode> answer = toScheduler.submit("Bearer k1", null, "n2", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(submits.poll(WAIT, TimeUnit.SECONDS)).isNotNull();

        link.close(); // the scheduler went away after taking it: accepted or not is unknown

        assertThatThrownBy(() -> answer.get(WAIT, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("closed before it answered");
        // the failure came from the node's close, which marked the link closed and dropped it first
        assertThat(toScheduler.submit("Bearer k1", null, "n2", new byte[0])).as("nothing sent: free to go by HTTP")
                .isNull();
        assertThat(s.current(7)).isNull();
    }

    @Test
    void aLargeBodyIsNotSentOnTheLinkAndAnAnswerNoOneWaitsForIsDropped() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        LinkServer.Link toScheduler = s.current(7);

        assertThat(toScheduler.submit("Bearer k1", null, "n2", new byte[LinkServer.Link.MAX_SUBMIT_BODY + 1]))
                .as("over the link's limit: the front sends it by HTTP").isNull();
        assertThat(submits).isEmpty();

        CompletableFuture<JsonNode> given = toScheduler.submit("Bearer k1", null, "n2", "{}".getBytes(StandardCharsets.UTF_8));
        JsonNode f = submits.poll(WAIT, TimeUnit.SECONDS);
        given.cancel(false); // the front gave up waiting
        assertThat(link.answer(f.path("rid").asLong(), 202, Map.of(), new byte[0])).isTrue();
        CompletableFuture<JsonNode> next = toScheduler.submit("Bearer k1", null, "n2", "{}".getBytes(StandardCharsets.UTF_8));
        JsonNode g = submits.poll(WAIT, TimeUnit.SECONDS);
        link.answer(g.path("rid").asLong(), 201, Map.of(), new byte[0]);
        assertThat(next.get(WAIT, TimeUnit.SECONDS).path("status").asInt())
                .as("the link reads on after an answer for no one").isEqualTo(201);
        assertThat(s.current(7)).isSameAs(toScheduler);
        link.close();
    }

    @Test
    void theNodeRefusesALinkOfAnotherEpochOrSecret() {
        LinkServer s = server();
        assertThatThrownBy(() -> NodeLink.connect("n2", s.address(), 6, "s3cret", sink))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("node n2 refused the link: epoch 6 is not known");
        assertThatThrownBy(() -> NodeLink.connect("n2", s.address(), 7, "guess", sink))
                .hasMessageContaining("refused the link");
        assertThat(started).isEmpty();
    }

    @Test
    void aCallTheGateNoLongerAllowsIsRefusedNotStarted() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        gate.set("the lease of epoch 7 ran out as this node last read it");

        assertThat(link.send(42, "agent-1", 1002, 1, "{}")).isTrue();
        assertThat(events.poll(WAIT, TimeUnit.SECONDS))
                .isEqualTo("refused 42: the lease of epoch 7 ran out as this node last read it");
        assertThat(started).isEmpty();
        assertThat(link.pending()).isEmpty();

        gate.set(null); // read again: calls start again
        assertThat(link.send(43, "agent-1", 1003, 1, "{}")).isTrue();
        assertThat(started.poll(WAIT, TimeUnit.SECONDS).id()).isEqualTo(43);
        link.close();
    }

    @Test
    void aBrokenLinkHandsBackTheCallsItHadAndTheNodesEndsGoByTheRows() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        link.send(44, "agent-1", 1004, 1, "{}");
        Started call = started.poll(WAIT, TimeUnit.SECONDS);

        s.closeAll(); // the node dropped it (declared dead, or stopping)

        assertThat(events.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("lost n2 pending [44]");
        assertThat(link.isOpen()).isFalse();
        assertThat(link.send(45, "agent-1", 1005, 1, "{}")).isFalse();
        assertThat(call.link().sendEnd(44, "succeeded", "{}")).as("the end must then go by its row").isFalse();
    }

    @Test
    void aNewerEpochClosesTheLinksOfOlderSchedulers() throws Exception {
        LinkServer s = server();
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        s.closeBefore(7);
        assertThat(link.send(46, "agent-1", 1006, 1, "{}")).isTrue();
        assertThat(started.poll(WAIT, TimeUnit.SECONDS).id()).isEqualTo(46);

        s.closeBefore(8);

        assertThat(events.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("lost n2 pending [46]");
    }

    @Test
    void anUnreachableNodeIsAnIoErrorNamingIt() {
        assertThatThrownBy(() -> NodeLink.connect("n9", "127.0.0.1:1", 7, "s3cret", sink))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> NodeLink.connect("n9", "no port here", 7, "s3cret", sink))
                .hasMessageContaining("node n9 registered the link address 'no port here', which is not host:port");
    }

    @Test
    void aStrangerAnnouncingAHugeFrameIsCutOffBeforeTheHello() throws Exception {
        LinkServer s = server();
        String[] hostPort = s.address().split(":");
        try (java.net.Socket stranger = new java.net.Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            java.io.DataOutputStream out = new java.io.DataOutputStream(stranger.getOutputStream());
            out.writeInt(Frames.MAX_HELLO + 1);
            out.flush();
            stranger.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
            assertThat(stranger.getInputStream().read()).as("the node closes the connection").isEqualTo(-1);
        }
        assertThat(started).isEmpty();
        // and a real scheduler still gets in
        NodeLink link = NodeLink.connect("n2", s.address(), 7, "s3cret", sink);
        assertThat(link.isOpen()).isTrue();
        link.close();
    }

    @Test
    void theNodesGateFollowsTheLeaderRowItRead() {
        long asked = 1_000_000_000L;
        // read 40 ms after the question; the lease had 4,000 ms to go
        ClusterNode.Leader l = ClusterNode.Leader.read(7, "s3cret", asked, -4_000);

        assertThat(l.refusal(7, "s3cret", asked + 3_999_000_000L)).isNull();
        assertThat(l.refusal(7, "s3cret", asked + 4_000_000_000L)).contains("the lease of epoch 7 ran out");
        assertThat(l.refusal(8, "s3cret", asked)).contains("epoch 8 with this secret is not the scheduler's")
                .contains("(epoch 7)");
        assertThat(l.refusal(7, "other", asked)).contains("is not the scheduler's");
        assertThat(ClusterNode.Leader.NONE.refusal(-1, "", asked)).contains("does not know the scheduler's epoch");
        // a lease already over when read allows nothing
        assertThat(ClusterNode.Leader.read(7, "s3cret", asked, 10).refusal(7, "s3cret", asked)).isNotNull();
    }
}
