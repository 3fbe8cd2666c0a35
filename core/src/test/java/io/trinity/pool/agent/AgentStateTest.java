package io.trinity.pool.agent;

import static io.trinity.pool.agent.AgentState.BUSY;
import static io.trinity.pool.agent.AgentState.DESTROYING;
import static io.trinity.pool.agent.AgentState.FAILED;
import static io.trinity.pool.agent.AgentState.IDLE;
import static io.trinity.pool.agent.AgentState.READY;
import static io.trinity.pool.agent.AgentState.SPAWNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgentStateTest {

    /** The lifecycle table of DESIGN.md, written out independently of the enum. */
    private static final Map<AgentState, Set<AgentState>> LEGAL = Map.of(
            SPAWNING, EnumSet.of(READY, FAILED),
            READY, EnumSet.of(BUSY, IDLE, DESTROYING, FAILED),
            BUSY, EnumSet.of(READY, IDLE, FAILED),
            IDLE, EnumSet.of(BUSY, DESTROYING),
            DESTROYING, EnumSet.noneOf(AgentState.class),
            FAILED, EnumSet.noneOf(AgentState.class));

    @ParameterizedTest
    @EnumSource(AgentState.class)
    void everyLegalTransitionIsAllowedAndEveryOtherRefused(AgentState from) {
        for (AgentState to : AgentState.values()) {
            if (LEGAL.get(from).contains(to)) {
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isTrue();
                assertThatCode(() -> AgentState.checkTransition("a-1", from, to)).doesNotThrowAnyException();
            } else {
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isFalse();
                assertThatThrownBy(() -> AgentState.checkTransition("a-1", from, to))
                        .isInstanceOf(IllegalTransitionException.class)
                        .hasMessageContaining("agent a-1")
                        .hasMessageContaining(from + " -> " + to)
                        .satisfies(e -> {
                            IllegalTransitionException ite = (IllegalTransitionException) e;
                            assertThat(ite.from()).isEqualTo(from);
                            assertThat(ite.to()).isEqualTo(to);
                        });
            }
        }
        assertThat(from.successors()).isEqualTo(LEGAL.get(from));
    }
}
