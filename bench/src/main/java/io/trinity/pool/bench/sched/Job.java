package io.trinity.pool.bench.sched;

/**
 * One task of a scheduling scenario, the same for every balancer and for the oracle.
 *
 * @param arrivalNanos offset from the start of the scenario
 * @param baseNanos    its duration on an agent of normal speed
 * @param skill        the skill it exercises
 * @param key          its affinity key, or null
 */
record Job(long arrivalNanos, long baseNanos, String skill, String key) {
}
