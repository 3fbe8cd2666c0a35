package io.trinity.pool.cli;

/**
 * One task of a workload or trace: when it arrives, its type, how long its work takes on an
 * agent of slowdown 1, its priority and its affinity key (null for none).
 */
record Arrival(long atMs, String type, long durationMs, int priority, String affinity) {
}
