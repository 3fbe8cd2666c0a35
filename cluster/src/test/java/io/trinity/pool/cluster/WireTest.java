package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentBrokenException;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.RateLimitedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** What crosses the database between the scheduler and a node keeps its meaning. */
class WireTest {

    @Test
    void aTaskTravelsWithItsOriginAttachmentsAndSettings() {
        Task t = Task.builder("vision").input(Map.of("op", "thumbnail", "sizes", List.of(64, 128)))
                .attach("img", "image/png", new byte[] {1, 2, 3}).priority(7).affinity("user-9").tenant("acme")
                .resource("openai:gpt-4o", 1_500).origin("n2").maxAttempts(4).timeout(Duration.ofSeconds(30)).build();
        Task back = Wire.task(Wire.task(t));
        assertThat(back.toPlainData()).isEqualTo(t.toPlainData());
        assertThat(back.origin()).contains("n2");
        assertThat(back.input().attachment("img").orElseThrow().bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void aSuccessKeepsOutputAttachmentsUsageAndQuality() {
        Payload out = Payload.of(Map.of("words", 11, "top", List.of("fox")), Map.of("wav",
                Attachment.of("audio/wav", new byte[] {9, 8})));
        Wire.Outcome o = Wire.Outcome.fromJson(Wire.Outcome.success(out, Map.of("openai:gpt-4o", 420L), 0.75).toJson());
        assertThat(o.succeeded()).isTrue();
        assertThat(o.output().data()).isEqualTo(out.data());
        assertThat(o.output().attachment("wav").orElseThrow().bytes()).containsExactly(9, 8);
        assertThat(o.usage()).containsEntry("openai:gpt-4o", 420L);
        assertThat(o.quality()).isEqualTo(0.75);
    }

    @Test
    void aFailureComesBackAsTheKindOfExceptionThePoolActsOn() {
        RuntimeException limited = roundTrip(new RateLimitedException("openai:gpt-4o", Duration.ofSeconds(7), "429", null));
        assertThat(limited).isInstanceOf(RateLimitedException.class).hasMessageContaining("429").hasMessageContaining("node n3");
        assertThat(((RateLimitedException) limited).resource()).isEqualTo("openai:gpt-4o");
        assertThat(((RateLimitedException) limited).retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(roundTrip(new NonRetryableException("bad input: 'op'"))).isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("bad input");
        assertThat(roundTrip(new AgentBrokenException("model unloaded"))).isInstanceOf(AgentBrokenException.class);
        assertThat(roundTrip(new CancellationException("cancelled"))).isInstanceOf(CancellationException.class);
        assertThat(roundTrip(new IllegalStateException("disk full"))).isInstanceOf(Wire.RemoteFailure.class)
                .hasMessage("disk full (on node n3)");
        assertThat(roundTrip(new NullPointerException())).hasMessageContaining("NullPointerException");
    }

    private static RuntimeException roundTrip(Throwable e) {
        Wire.Outcome o = Wire.Outcome.fromJson(Wire.Outcome.failure(e, Map.of(), Double.NaN).toJson());
        assertThat(o.succeeded()).isFalse();
        assertThat(Double.isNaN(o.quality())).isTrue();
        return o.exception("n3");
    }
}
