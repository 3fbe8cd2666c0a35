package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
    };

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
