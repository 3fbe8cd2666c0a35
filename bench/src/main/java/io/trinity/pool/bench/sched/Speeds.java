package io.trinity.pool.bench.sched;

/**
 * How fast each agent is at each skill, by agent number (1-based, the pool numbers agents
 * {@code type-1}, {@code type-2}, ...). Every {@code slowEvery}-th agent is {@code factor}
 * times slower at {@code slowSkill} and reports {@code slowQuality} for it instead of
 * {@code quality}; a {@code slowEvery} of 0 makes all agents alike. With {@code crossed},
 * speed depends on the task's kind instead: odd agents are {@code factor} times faster at
 * {@code slowSkill} and {@code factor} times slower at every other skill, even agents the
 * reverse (qualities alike).
 */
record Speeds(int slowEvery, String slowSkill, double factor, double quality, double slowQuality, boolean crossed) {

    static final Speeds UNIFORM = new Speeds(0, "", 1, 0.9, 0.9);

    Speeds(int slowEvery, String slowSkill, double factor, double quality, double slowQuality) {
        this(slowEvery, slowSkill, factor, quality, slowQuality, false);
    }

    /** Odd agents {@code factor} times faster at {@code skill} and slower at the others; even agents the reverse. */
    static Speeds crossed(String skill, double factor) {
        return new Speeds(0, skill, factor, 0.9, 0.9, true);
    }

    boolean slow(int agent, String skill) {
        return slowEvery > 0 && agent % slowEvery == 0 && slowSkill.equals(skill);
    }

    double factor(int agent, String skill) {
        if (crossed) {
            return (agent % 2 == 1) == slowSkill.equals(skill) ? 1 / factor : factor;
        }
        return slow(agent, skill) ? factor : 1.0;
    }

    double quality(int agent, String skill) {
        return slow(agent, skill) ? slowQuality : quality;
    }

    /** The number in an agent id such as {@code work-12}. */
    static int number(String agentId) {
        int dash = agentId.lastIndexOf('-');
        try {
            return Integer.parseInt(agentId.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("agent id '" + agentId + "' does not end in -NUMBER", e);
        }
    }
}
