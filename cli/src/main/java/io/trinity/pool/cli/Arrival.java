package io.trinity.pool.cli;

/**
 * One task of a workload or trace: when it arrives, its type, how long its work takes on an
 * agent of slowdown 1, its priority, its affinity key (null for none) and its tenant (null for
 * the default tenant).
 */
record Arrival(long atMs, String type, long durationMs, int priority, String affinity, String tenant) {

    /** An arrival of the default tenant. */
    Arrival(long atMs, String type, long durationMs, int priority, String affinity) {
        this(atMs, type, durationMs, priority, affinity, null);
    }
}
