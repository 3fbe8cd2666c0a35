package io.trinity.pool.bench.sched;

import java.util.ArrayDeque;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The central-queue oracle: one FIFO queue, and every agent that falls free at once pulls the
 * oldest waiting task (the longest-idle agent first when several are free). A small
 * discrete-event simulation over the very same jobs and agent speeds as the pool runs; it
 * knows nothing about speeds when choosing, so with unequal agents it is the FIFO ideal, not
 * a speed-aware one.
 */
final class Oracle {

    private Oracle() {
    }

    /** Completion latencies (finish minus arrival), in job order. */
    static long[] run(List<Job> jobs, int agents, Speeds speeds) {
        long[] latency = new long[jobs.size()];
        ArrayDeque<Integer> free = new ArrayDeque<>();
        for (int a = 1; a <= agents; a++) {
            free.add(a);
        }
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        // {finish time, agent, job}
        PriorityQueue<long[]> running = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
                : Long.compare(x[1], y[1]));
        int next = 0;
        while (next < jobs.size() || !running.isEmpty()) {
            long arrival = next < jobs.size() ? jobs.get(next).arrivalNanos() : Long.MAX_VALUE;
            // Completions at the same instant as an arrival come first: the freed agent is there.
            if (!running.isEmpty() && running.peek()[0] <= arrival) {
                long[] done = running.poll();
                latency[(int) done[2]] = done[0] - jobs.get((int) done[2]).arrivalNanos();
                free.add((int) done[1]);
                startWaiting(done[0], jobs, queue, free, running, speeds);
            } else {
                queue.add(next++);
                startWaiting(arrival, jobs, queue, free, running, speeds);
            }
        }
        return latency;
    }

    private static void startWaiting(long now, List<Job> jobs, ArrayDeque<Integer> queue, ArrayDeque<Integer> free,
                                     PriorityQueue<long[]> running, Speeds speeds) {
        while (!queue.isEmpty() && !free.isEmpty()) {
            int j = queue.poll();
            int agent = free.poll();
            Job job = jobs.get(j);
            long took = Math.max(1, (long) (job.baseNanos() * speeds.factor(agent, job.skill())));
            running.add(new long[] {now + took, agent, j});
        }
    }
}
