package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A node that cannot start says which flag or setting is wrong, its value, and what to do. */
class StartErrorsTest {

    @Test
    void anOverLongNodeIdIsShownShortAndItsControlCharactersEscaped() {
        String id = "a\nb" + "x".repeat(200);
        assertThatThrownBy(() -> ClusterNode.Settings.builder(id, "jdbc:postgresql://h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--node-id must be 1 to 40").hasMessageContaining("'a\\u000ab")
                .hasMessageContaining("(203 characters)").hasMessageNotContaining("\n")
                .hasMessageNotContaining("x".repeat(60));
    }

    @Test
    void anUnreachableDatabaseIsNamedRedactedWithWhatToCheck() {
        String url = "jdbc:postgresql://127.0.0.1:1/nope?user=u&password=s3cret";
        ClusterNode.Settings settings = ClusterNode.Settings.builder("n1", url).port(0)
                .scheduler((journal, types, limit) -> {
                    throw new IllegalStateException("never built");
                }).build();
        assertThatThrownBy(() -> ClusterNode.start(settings)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot join the cluster: its database jdbc:postgresql://127.0.0.1:1/nope")
                .hasMessageContaining("password=***").hasMessageContaining("Check that PostgreSQL runs there")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aLinkPortInUseNamesTheFlagAndThePort() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(); ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> cluster.start("n1", b -> b.linkPort(taken.getLocalPort())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--link-port").hasMessageContaining(":" + taken.getLocalPort());
        }
    }
}
