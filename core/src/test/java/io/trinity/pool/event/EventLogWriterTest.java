package io.trinity.pool.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentState;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLogWriterTest {

    @Test
    void writesOneJsonObjectPerLineWithTimeInMillisSinceStart() throws Exception {
        StringWriter out = new StringWriter();
        EventLogWriter w = new EventLogWriter(out, 1_000_000_000L);
        w.onEvent(new PoolEvent.AgentSpawned(1_250_000_000L, "code-1", "code", PoolEvent.SpawnCause.ON_DEMAND));
        w.onEvent(new PoolEvent.AgentStateChanged(1_300_000_000L, "code-1", "code", AgentState.SPAWNING,
                AgentState.READY, null));
        w.onEvent(new PoolEvent.TaskSubmitted(2_000_000_000L, 7, "code", 3, null, "default"));
        w.onEvent(new PoolEvent.TaskEnded(2_500_000_000L, 7, "code-1", PoolEvent.TaskOutcome.TIMED_OUT, 500, "say \"hi\"\n"));
        w.onEvent(new PoolEvent.PoolStats(3_000_000_000L, Map.of("READY", 1, "BUSY", 0), 4));
        w.flush();
        String[] lines = out.toString().split("\n");
        assertThat(lines).containsExactly(
                "{\"t\":250,\"ev\":\"agent.spawn\",\"agent\":\"code-1\",\"type\":\"code\",\"cause\":\"on_demand\"}",
                "{\"t\":300,\"ev\":\"agent.state\",\"agent\":\"code-1\",\"type\":\"code\",\"from\":\"SPAWNING\",\"to\":\"READY\"}",
                "{\"t\":1000,\"ev\":\"task.submit\",\"task\":7,\"type\":\"code\",\"priority\":3,\"tenant\":\"default\"}",
                "{\"t\":1500,\"ev\":\"task.end\",\"task\":7,\"agent\":\"code-1\",\"outcome\":\"timed_out\",\"ms\":500,\"reason\":\"say \\\"hi\\\"\\n\"}",
                "{\"t\":2000,\"ev\":\"pool.stats\",\"agents\":{\"BUSY\":0,\"READY\":1},\"queue\":4}");
    }
}
