package io.trinity.pool.balance;

import io.trinity.pool.agent.AgentView;
import io.trinity.pool.time.PoolClock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Learns which agent does each skill best and sends the skill's tasks there.
 *
 * <p>Design. For every (agent, skill) pair it keeps a {@link Profile}: exponentially decayed
 * sums of attempts, successes, quality scores and latencies, learned in {@link #taskEnded}.
 * Decay is by elapsed pool-clock time with half-life {@link BalancerSettings#skillHalfLife()},
 * so an agent that got worse (or better) is re-judged on recent evidence, and an agent
 * idle for a while drifts back towards the optimistic prior and gets tried again.
 *
 * <p>Score of a candidate, the expected value of giving it the task:
 * <pre>
 *   score = success x quality x speed
 *   success = (S + P) / (W + P)                 decayed successes S over decayed attempts W
 *   quality = (Q + P) / (QW + P)                decayed quality sum over decayed scored attempts
 *   speed   = (W x (1 + ref / (ref + lat)) / 2 + P) / (W + P)
 * </pre>
 * {@code P} is one pseudo-observation of a perfect outcome (success 1, quality 1, speed 1):
 * an agent with no history scores the maximum 1, so new agents are tried, and its own
 * evidence outweighs the prior after a few tasks. {@code lat} is the agent's decayed mean
 * latency for the skill and {@code ref} the mean of those latencies over the candidates that
 * have one. Observed speed runs from 1 (instant) through 3/4 (typical) to 1/2 (very slow),
 * rather than {@code ref/lat}: a failed or poor result is worth nothing however fast it came,
 * so speed can at most halve a score and never makes up for a much lower success rate or
 * quality (a fast-crashing agent would otherwise win), yet between agents that are equally
 * good it decides. Quality is neutral (1) until agents report it.
 *
 * <p>With probability {@link BalancerSettings#skillExploration()} it picks a random candidate
 * instead, so the ranking keeps being checked. Selection scans the candidates: O(n).
 *
 * <p>State is bounded: profiles exist only for live agents (dropped in {@link #agentRemoved};
 * outcomes from agents already on their way out are not learned), and each agent keeps at
 * most {@value #MAX_SKILLS_PER_AGENT} skills, least recently used forgotten first.
 */
final class SkillAwareBalancer implements LoadBalancer {

    static final int MAX_SKILLS_PER_AGENT = 256;
    private static final double PRIOR_WEIGHT = 1.0;

    private final PoolClock clock;
    private final RandomGenerator random;
    private final double halfLifeNanos;
    private final double exploration;
    private final Map<String, Skills> profiles = new HashMap<>();
    private final int largeAt;

    SkillAwareBalancer(BalancerContext context) {
        this.largeAt = context.settings().powerOfTwoThreshold();
        this.clock = context.clock();
        this.random = context.random();
        this.halfLifeNanos = context.settings().skillHalfLife().toNanos();
        this.exploration = context.settings().skillExploration();
    }

    @Override
    public String name() {
        return Balancers.SKILL_AWARE;
    }

    @Override
    public AgentView select(TaskRequest task, List<? extends AgentView> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        List<? extends AgentView> pool = Candidates.forAttempt(task, candidates);
        int n = pool.size();
        if (n == 1) {
            return pool.get(0);
        }
        if (exploration > 0 && random.nextDouble() < exploration) {
            return pool.get(random.nextInt(n));
        }
        if (n >= largeAt) {
            // Thousands of agents: score a random sample instead of every candidate, so a
            // dispatch stays O(1); exploration and the sample together still find good agents.
            pool = sample(pool);
            n = pool.size();
        }
        String skill = task.skill();
        Profile[] known = new Profile[n];
        double latencySum = 0;
        int latencyCount = 0;
        for (int i = 0; i < n; i++) {
            Profile p = profile(pool.get(i).id(), skill);
            known[i] = p;
            if (p != null && p.weight > 0) {
                latencySum += p.meanLatency();
                latencyCount++;
            }
        }
        double ref = latencyCount == 0 ? 0 : latencySum / latencyCount;
        long now = clock.nanoTime();
        AgentView best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double s = known[i] == null ? 1.0 : known[i].score(now, halfLifeNanos, ref);
            if (s > bestScore) {
                bestScore = s;
                best = pool.get(i);
            }
        }
        return best;
    }

    private static final int SAMPLE = 16;

    private List<? extends AgentView> sample(List<? extends AgentView> pool) {
        List<AgentView> picked = new java.util.ArrayList<>(SAMPLE);
        for (int i = 0; i < SAMPLE; i++) {
            picked.add(pool.get(random.nextInt(pool.size())));
        }
        return picked;
    }

    @Override
    public void agentRemoved(AgentView agent) {
        profiles.remove(agent.id());
    }

    @Override
    public void taskEnded(AgentView agent, TaskRequest task, Outcome outcome) {
        if (agent.state().isTerminal()) {
            return; // agentRemoved follows (or came first); learning now would only leak.
        }
        Skills skills = profiles.get(agent.id());
        if (skills == null) {
            skills = new Skills();
            profiles.put(agent.id(), skills);
        }
        long now = clock.nanoTime();
        skills.getOrAdd(task.skill(), now).record(now, halfLifeNanos, outcome);
    }

    /** The learned profile, or null when the agent has none for this skill. */
    Profile profile(String agentId, String skill) {
        Skills skills = profiles.get(agentId);
        return skills == null ? null : skills.get(skill);
    }

    /**
     * One agent's profiles. Most agents serve one skill: that one is held inline, which spares a
     * map (three cache misses) on each of the 16 lookups a dispatch among thousands of agents
     * makes. From the second skill on they all live in a map in access order, least recently used
     * forgotten first beyond {@value #MAX_SKILLS_PER_AGENT}, as before: with one skill the
     * order is trivial, so the two forms keep the same profiles.
     */
    private static final class Skills {
        private String onlySkill;
        private Profile only;
        private LinkedHashMap<String, Profile> many;

        Profile get(String skill) {
            if (many != null) {
                return many.get(skill);
            }
            return skill.equals(onlySkill) ? only : null;
        }

        Profile getOrAdd(String skill, long now) {
            if (many != null) {
                return many.computeIfAbsent(skill, k -> new Profile(now));
            }
            if (onlySkill == null) {
                onlySkill = skill;
                only = new Profile(now);
                return only;
            }
            if (skill.equals(onlySkill)) {
                return only;
            }
            many = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Profile> eldest) {
                    return size() > MAX_SKILLS_PER_AGENT;
                }
            };
            many.put(onlySkill, only);
            onlySkill = null;
            only = null;
            Profile added = new Profile(now);
            many.put(skill, added);
            return added;
        }
    }

    /** Agents with at least one profile. */
    int agentsProfiled() {
        return profiles.size();
    }

    /** Score of a profile-less agent is 1 (the prior); see the class comment for the formula. */
    double score(String agentId, String skill, double refLatencyNanos) {
        Profile p = profile(agentId, skill);
        return p == null ? 1.0 : p.score(clock.nanoTime(), halfLifeNanos, refLatencyNanos);
    }

    /** Decayed sums for one (agent, skill); decay is applied lazily to the stored time. */
    static final class Profile {
        double weight;
        double successes;
        double qualitySum;
        double qualityWeight;
        double latencySum;
        long updatedNanos;

        Profile(long nowNanos) {
            this.updatedNanos = nowNanos;
        }

        void record(long now, double halfLifeNanos, Outcome o) {
            double f = decay(now, halfLifeNanos);
            weight = weight * f + 1;
            successes = successes * f + (o.success() ? 1 : 0);
            qualitySum *= f;
            qualityWeight *= f;
            if (o.hasQuality()) {
                qualitySum += Math.min(1.0, Math.max(0.0, o.quality()));
                qualityWeight += 1;
            }
            latencySum = latencySum * f + Math.max(0, o.latencyNanos());
            updatedNanos = Math.max(updatedNanos, now);
        }

        /** Ratios of decayed sums do not change with decay, only their weight against the prior. */
        double meanLatency() {
            return latencySum / weight;
        }

        double score(long now, double halfLifeNanos, double refLatency) {
            double f = decay(now, halfLifeNanos);
            double w = weight * f;
            double success = (successes * f + PRIOR_WEIGHT) / (w + PRIOR_WEIGHT);
            double quality = (qualitySum * f + PRIOR_WEIGHT) / (qualityWeight * f + PRIOR_WEIGHT);
            double lat = weight > 0 ? meanLatency() : 0;
            double observedSpeed = refLatency > 0 && lat > 0 ? (1 + refLatency / (refLatency + lat)) / 2 : 1.0;
            double speed = (w * observedSpeed + PRIOR_WEIGHT) / (w + PRIOR_WEIGHT);
            return success * quality * speed;
        }

        private double decay(long now, double halfLifeNanos) {
            long elapsed = now - updatedNanos;
            return elapsed <= 0 ? 1.0 : Math.pow(0.5, elapsed / halfLifeNanos);
        }
    }
}
