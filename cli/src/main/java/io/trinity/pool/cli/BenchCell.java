package io.trinity.pool.cli;

/** One cell of the bench matrix and its numbers. */
record BenchCell(String workload, String balancer, String strategy, RunMetrics.Summary summary, long virtualMs) {
}
