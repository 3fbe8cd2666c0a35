package io.trinity.pool.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where the scheduler puts new agents, and how many the live nodes allow. */
class PlacementTest {

    private final Placement placement = new Placement("a", Set.of("coordinator"));
    private final AgentType plain = AgentType.of("generic", init -> ctx -> Payload.EMPTY);

    private Placement.NodeView node(String id, int max, boolean alive) {
        return new Placement.NodeView(id, "http://" + id + "/", max, 1, alive);
    }

    private List<String> spawn(AgentType type, int n) throws Exception {
        AgentType placed = placement.place(type);
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Agent agent = placed.factory().create(new AgentInit(type.name() + "-" + i, type.name(), Optional.empty()));
            nodes.add(agent.node());
        }
        return nodes;
    }

    @Test
    void agentsGoWhereTheMostRoomIsRelativeToEachNodesMaximumAndTheLimitIsTheirSum() throws Exception {
        placement.update(List.of(node("a", 2, true), node("b", 1, true), node("c", 4, false)));
        placement.use(new RemoteCalls(null, 1, "secret", 100, () -> { }));
        assertThat(placement.limit()).as("dead nodes allow nothing").isEqualTo(3);
        // a tie goes to the scheduler's own node; then the emptier node relative to its maximum
        assertThat(spawn(plain, 3)).containsExactly("a", "b", "a");
        assertThat(placement.placedOn("a")).isEqualTo(2);
        assertThat(placement.placedOn("b")).isEqualTo(1);
        assertThat(placement.placedOn("c")).isZero();
    }

    @Test
    void eachTypeIsSpreadOverTheNodesSoEveryNodeHasOneOfItsOwn() throws Exception {
        placement.update(List.of(node("a", 8, true), node("b", 8, true), node("c", 8, true)));
        placement.use(new RemoteCalls(null, 1, "secret", 100, () -> { }));
        AgentType system = AgentType.of("system", init -> ctx -> Payload.EMPTY);
        assertThat(spawn(plain, 2)).containsExactly("a", "b");
        // a node with no agent of a type gets the next one of it, even if it has others
        assertThat(spawn(system, 3)).containsExactly("c", "a", "b");
        assertThat(spawn(plain, 1)).containsExactly("c");
    }

    @Test
    void closingAnAgentGivesItsPlaceBack() throws Exception {
        placement.update(List.of(node("a", 1, true), node("b", 1, true)));
        placement.use(new RemoteCalls(null, 1, "secret", 100, () -> { }));
        Agent first = placement.place(plain).factory().create(new AgentInit("g-1", "generic", Optional.empty()));
        assertThat(first.node()).isEqualTo("a");
        first.close();
        assertThat(placement.placedOn("a")).isZero();
        assertThat(spawn(plain, 1)).containsExactly("a");
    }

    @Test
    void typesThatSubmitSubtasksStayOnTheSchedulersNode() throws Exception {
        placement.update(List.of(node("a", 1, true), node("b", 8, true)));
        placement.use(new RemoteCalls(null, 1, "secret", 100, () -> { }));
        AgentType coordinator = AgentType.of("coordinator", init -> ctx -> Payload.EMPTY);
        assertThat(spawn(coordinator, 2)).containsExactly("a", "a");
    }

    @Test
    void beforeTheSchedulerRunsEveryAgentIsLocal() throws Exception {
        placement.update(List.of(node("a", 1, true), node("b", 8, true)));
        assertThat(spawn(plain, 2)).containsExactly("a", "a");
    }
}
