package io.trinity.pool.agents.vision;

import io.trinity.pool.agent.TaskContext;

/**
 * Progress and cancellation for row-by-row work: a stage owns the slice {@code from..to} of the
 * task's progress, and every {@value #EVERY} rows it sends a heartbeat and checks for a cancel,
 * often enough on a large image yet cheap on a small one.
 */
record Rows(TaskContext ctx, double from, double to, String note) {

    static final int EVERY = 64;

    void at(int row, int rows) {
        if (row % EVERY == 0) {
            ctx.checkCancelled();
            ctx.progress(from + (to - from) * row / Math.max(1, rows), note);
        }
    }

    /** A step of a fixed count, such as a k-means iteration or a resize pass. */
    void step(int step, int steps) {
        ctx.checkCancelled();
        ctx.progress(from + (to - from) * step / Math.max(1, steps), note);
    }
}
