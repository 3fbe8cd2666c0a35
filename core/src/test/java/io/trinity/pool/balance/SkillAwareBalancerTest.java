package io.trinity.pool.balance;

import static io.trinity.pool.balance.Fixtures.skilled;
import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.agent.AgentState;
import io.trinity.pool.agent.AgentView;
import io.trinity.pool.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SkillAwareBalancerTest {

    private static final long MS = 1_000_000;

    private final VirtualClock clock = new VirtualClock();
    private final SplittableRandom world = new SplittableRandom(99);

    /** How an agent really behaves; the balancer only sees the outcomes. */
    private static final class Behaviour {
        double success;
        double quality;
        long latencyNanos;

        Behaviour(double success, double quality, long latencyNanos) {
            this.success = success;
            this.quality = quality;
            this.latencyNanos = latencyNanos;
        }
    }

    private Outcome outcome(Behaviour b) {
        boolean ok = world.nextDouble() < b.success;
        double q = Double.isNaN(b.quality) ? Double.NaN : (ok ? b.quality : 0.0);
        return new Outcome(ok, b.latencyNanos, q);
    }

    /** Runs {@code tasks} tasks of one skill, one a second, and returns who ran each. */
    private List<String> run(SkillAwareBalancer balancer, List<TestAgent> agents, List<Behaviour> behaviours,
                             int tasks) {
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            TaskRequest req = skilled("code", "sql");
            AgentView chosen = balancer.select(req, agents);
            picks.add(chosen.id());
            clock.advance(Duration.ofSeconds(1));
            balancer.taskEnded(chosen, req, outcome(behaviours.get(agents.indexOf((TestAgent) chosen))));
        }
        return picks;
    }

    private static double share(List<String> picks, String id) {
        return (double) picks.stream().filter(id::equals).count() / picks.size();
    }

    private SkillAwareBalancer balancer(Duration halfLife, double exploration) {
        return new SkillAwareBalancer(Fixtures.context(clock, 5, Fixtures.skill(halfLife, exploration)));
    }

    @Test
    void convergesOnTheAgentWithTheHigherSuccessRate() {
        var b = balancer(Duration.ofMinutes(5), 0.05);
        List<TestAgent> agents = List.of(TestAgent.of("weak"), TestAgent.of("strong"));
        List<String> picks = run(b, agents, List.of(new Behaviour(0.5, Double.NaN, 100 * MS),
                new Behaviour(0.95, Double.NaN, 100 * MS)), 400);
        assertThat(share(picks.subList(200, 400), "strong")).isGreaterThan(0.85);
    }

    @Test
    void convergesOnTheAgentWithTheHigherQuality() {
        var b = balancer(Duration.ofMinutes(5), 0.05);
        List<TestAgent> agents = List.of(TestAgent.of("sloppy"), TestAgent.of("careful"));
        List<String> picks = run(b, agents, List.of(new Behaviour(1.0, 0.4, 100 * MS),
                new Behaviour(1.0, 0.9, 100 * MS)), 400);
        assertThat(share(picks.subList(200, 400), "careful")).isGreaterThan(0.85);
    }

    @Test
    void convergesOnTheFasterAgent() {
        var b = balancer(Duration.ofMinutes(5), 0.05);
        List<TestAgent> agents = List.of(TestAgent.of("slow"), TestAgent.of("fast"));
        List<String> picks = run(b, agents, List.of(new Behaviour(1.0, Double.NaN, 400 * MS),
                new Behaviour(1.0, Double.NaN, 50 * MS)), 400);
        assertThat(share(picks.subList(200, 400), "fast")).isGreaterThan(0.85);
    }

    @Test
    void speedDoesNotMakeUpForFailing() {
        var b = balancer(Duration.ofMinutes(5), 0.05);
        List<TestAgent> agents = List.of(TestAgent.of("crashy"), TestAgent.of("steady"));
        List<String> picks = run(b, agents, List.of(new Behaviour(0.3, Double.NaN, 5 * MS),
                new Behaviour(0.95, Double.NaN, 500 * MS)), 400);
        assertThat(share(picks.subList(200, 400), "steady")).isGreaterThan(0.85);
    }

    @Test
    void movesAwayFromTheBestAgentWhenItDegrades() {
        var b = balancer(Duration.ofSeconds(30), 0.05);
        List<TestAgent> agents = List.of(TestAgent.of("a"), TestAgent.of("b"));
        Behaviour a = new Behaviour(0.95, 0.9, 100 * MS);
        Behaviour other = new Behaviour(0.7, 0.7, 100 * MS);
        List<Behaviour> behaviours = List.of(a, other);
        assertThat(share(run(b, agents, behaviours, 300).subList(200, 300), "a")).isGreaterThan(0.85);

        a.success = 0.2;
        a.quality = 0.3;
        List<String> after = run(b, agents, behaviours, 200);
        int switchedAt = firstRunOf(after, "b", 10);
        // Half-life is 30 tasks here; the switch must come within three half-lives, where
        // undecayed history (300 tasks of a) would hold it for hundreds of tasks.
        assertThat(switchedAt).isBetween(0, 90);
        assertThat(share(after.subList(100, 200), "b")).isGreaterThan(0.85);
    }

    /** Index where {@code id} starts winning {@code length} tasks in a row, or -1. */
    private static int firstRunOf(List<String> picks, String id, int length) {
        int run = 0;
        for (int i = 0; i < picks.size(); i++) {
            run = picks.get(i).equals(id) ? run + 1 : 0;
            if (run == length) {
                return i - length + 1;
            }
        }
        return -1;
    }

    @Test
    void oldFailuresFadeWithTime() {
        var b = balancer(Duration.ofMinutes(1), 0);
        TestAgent failedLongAgo = TestAgent.of("old");
        TestAgent decent = TestAgent.of("decent");
        List<TestAgent> both = List.of(failedLongAgo, decent);
        for (int i = 0; i < 50; i++) {
            b.taskEnded(failedLongAgo, skilled("code", "sql"), new Outcome(false, 100 * MS, Double.NaN));
        }
        assertThat(b.select(skilled("code", "sql"), both)).isSameAs(decent);

        clock.advance(Duration.ofMinutes(20));
        for (int i = 0; i < 20; i++) {
            b.taskEnded(decent, skilled("code", "sql"), new Outcome(i % 10 < 7, 100 * MS, Double.NaN));
        }
        // Twenty half-lives on, the fifty failures weigh less than one observation: the old
        // agent is back near the optimistic prior and is tried again.
        assertThat(b.score("old", "sql", 100 * MS)).isGreaterThan(b.score("decent", "sql", 100 * MS));
        assertThat(b.select(skilled("code", "sql"), both)).isSameAs(failedLongAgo);
    }

    @Test
    void withoutTimeTheSameFailuresStillCount() {
        var b = balancer(Duration.ofMinutes(1), 0);
        TestAgent failed = TestAgent.of("old");
        TestAgent decent = TestAgent.of("decent");
        for (int i = 0; i < 50; i++) {
            b.taskEnded(failed, skilled("code", "sql"), new Outcome(false, 100 * MS, Double.NaN));
        }
        for (int i = 0; i < 20; i++) {
            b.taskEnded(decent, skilled("code", "sql"), new Outcome(i % 10 < 7, 100 * MS, Double.NaN));
        }
        assertThat(b.select(skilled("code", "sql"), List.of(failed, decent))).isSameAs(decent);
    }

    @Test
    void aNewAgentIsTriedBeforeAProvenOne() {
        var b = balancer(Duration.ofMinutes(5), 0);
        TestAgent proven = TestAgent.of("proven");
        for (int i = 0; i < 20; i++) {
            b.taskEnded(proven, skilled("code", "sql"), new Outcome(true, 100 * MS, 0.9));
        }
        TestAgent fresh = TestAgent.of("fresh");
        assertThat(b.select(skilled("code", "sql"), List.of(proven, fresh))).isSameAs(fresh);
    }

    @Test
    void learnsSpeedPerTaskKindWhenAgentsAreFastAtDifferentKinds() {
        // Issue 16 (a): one agent 3x faster at 'x' and 3x slower at 'y', the other the reverse;
        // equally reliable, so only per-(agent, kind) latency can tell them apart.
        var b = balancer(Duration.ofMinutes(5), 0.05);
        TestAgent xFast = TestAgent.of("x-fast");
        TestAgent yFast = TestAgent.of("y-fast");
        List<TestAgent> both = List.of(xFast, yFast);
        List<String> xPicks = new ArrayList<>();
        List<String> yPicks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String kind = i % 2 == 0 ? "x" : "y";
            TaskRequest req = skilled("code", kind);
            AgentView chosen = b.select(req, both);
            (kind.equals("x") ? xPicks : yPicks).add(chosen.id());
            boolean fast = (chosen == xFast) == kind.equals("x");
            clock.advance(Duration.ofSeconds(1));
            b.taskEnded(chosen, req, new Outcome(true, fast ? 100 * MS : 900 * MS, Double.NaN));
        }
        assertThat(share(xPicks.subList(100, 200), "x-fast")).as("kind x").isGreaterThan(0.85);
        assertThat(share(yPicks.subList(100, 200), "y-fast")).as("kind y").isGreaterThan(0.85);
        assertThat(b.profile("x-fast", "x").meanLatency()).isLessThan(b.profile("x-fast", "y").meanLatency());
    }

    @Test
    void eachSkillGoesToTheAgentGoodAtIt() {
        var b = balancer(Duration.ofMinutes(5), 0);
        TestAgent sqlExpert = TestAgent.of("sql-expert");
        TestAgent ocrExpert = TestAgent.of("ocr-expert");
        for (int i = 0; i < 30; i++) {
            b.taskEnded(sqlExpert, skilled("code", "sql"), new Outcome(true, 100 * MS, 0.9));
            b.taskEnded(sqlExpert, skilled("code", "ocr"), new Outcome(i % 2 == 0, 100 * MS, 0.3));
            b.taskEnded(ocrExpert, skilled("code", "sql"), new Outcome(i % 2 == 0, 100 * MS, 0.3));
            b.taskEnded(ocrExpert, skilled("code", "ocr"), new Outcome(true, 100 * MS, 0.9));
        }
        List<TestAgent> both = List.of(sqlExpert, ocrExpert);
        assertThat(b.select(skilled("code", "sql"), both)).isSameAs(sqlExpert);
        assertThat(b.select(skilled("code", "ocr"), both)).isSameAs(ocrExpert);
    }

    @Test
    void explorationPicksARandomCandidateAtTheConfiguredRate() {
        var b = balancer(Duration.ofMinutes(5), 0.4);
        TestAgent best = TestAgent.of("best");
        TestAgent poor = TestAgent.of("poor");
        for (int i = 0; i < 30; i++) {
            b.taskEnded(best, skilled("code", "sql"), new Outcome(true, 100 * MS, Double.NaN));
            b.taskEnded(poor, skilled("code", "sql"), new Outcome(false, 100 * MS, Double.NaN));
        }
        int poorPicks = 0;
        for (int i = 0; i < 4000; i++) {
            if (b.select(skilled("code", "sql"), List.of(best, poor)) == poor) {
                poorPicks++;
            }
        }
        // Explores 40% of the time and then picks either agent: the poor one ~20%.
        assertThat(poorPicks / 4000.0).isBetween(0.17, 0.23);
    }

    @Test
    void aRetryAvoidsThePreviousAgentEvenIfItScoresBest() {
        var b = balancer(Duration.ofMinutes(5), 0);
        TestAgent best = TestAgent.of("best");
        TestAgent poor = TestAgent.of("poor");
        for (int i = 0; i < 10; i++) {
            b.taskEnded(best, skilled("code", "sql"), new Outcome(true, 100 * MS, Double.NaN));
            b.taskEnded(poor, skilled("code", "sql"), new Outcome(i < 3, 100 * MS, Double.NaN));
        }
        TaskRequest first = skilled("code", "sql");
        assertThat(b.select(first, List.of(best, poor))).isSameAs(best);
        assertThat(b.select(Fixtures.retry(first, "best"), List.of(best, poor))).isSameAs(poor);
    }

    @Test
    void stateStaysBounded() {
        var b = balancer(Duration.ofMinutes(5), 0);
        TestAgent agent = TestAgent.of("a");
        int skills = SkillAwareBalancer.MAX_SKILLS_PER_AGENT + 44;
        for (int i = 0; i < skills; i++) {
            b.taskEnded(agent, skilled("code", "skill-" + i), new Outcome(true, MS, Double.NaN));
        }
        assertThat(b.profile("a", "skill-0")).isNull();
        assertThat(b.profile("a", "skill-" + (skills - 1))).isNotNull();

        b.agentRemoved(agent);
        assertThat(b.agentsProfiled()).isZero();

        TestAgent leaving = TestAgent.of("leaving");
        leaving.state = AgentState.FAILED;
        b.taskEnded(leaving, skilled("code", "sql"), new Outcome(false, MS, Double.NaN));
        assertThat(b.agentsProfiled()).isZero();
    }
}
