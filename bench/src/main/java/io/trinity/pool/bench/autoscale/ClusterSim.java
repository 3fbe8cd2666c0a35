package io.trinity.pool.bench.autoscale;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A discrete-event simulation of a pool of single-task agents under a baseline {@link Policy}:
 * the same arrivals and durations as our pool gets, the same cap and the same cold start (an
 * agent is billed from its spawn and takes work {@code spawnDelay} later). Tasks wait in one
 * FIFO queue that any idle agent pulls from, or, for a Pekko router, round-robin in
 * per-agent mailboxes. Scaling down removes agents still starting first, then idle ones, then
 * lets busy ones finish their work before they go (a graceful drain, as every one of these
 * systems does).
 */
final class ClusterSim {

    private static final int READY = 0;
    private static final int DONE = 1;
    private static final int TICK = 2;

    private final Workload w;
    private final Policy policy;
    private final int maxAgents;
    private final long spawnDelay;
    private final Metrics.Builder metrics;
    private final List<Node> live = new ArrayList<>();
    private final ArrayDeque<Node> idle = new ArrayDeque<>();
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0]
            ? Long.compare(a[0], b[0]) : Long.compare(a[2], b[2]));
    private final List<Node> nodes = new ArrayList<>();
    private long seq;
    private long now;
    private long lastChange;
    private int running;
    private int queued;
    private double busyIntegral;
    private double ongoingIntegral;
    private double busyAtLastTick;
    private long lastTick;
    private final ArrayDeque<double[]> ongoingSamples = new ArrayDeque<>();
    private long rr;

    private static final class Node {
        final int id;
        final long spawnedAt;
        boolean ready;
        boolean draining;
        boolean removed;
        boolean busy;
        final ArrayDeque<Integer> mailbox = new ArrayDeque<>();

        Node(int id, long spawnedAt) {
            this.id = id;
            this.spawnedAt = spawnedAt;
        }
    }

    /** What a policy may look at. */
    final class View {
        /** Agents not being removed, starting ones included. */
        int current() {
            return live.size();
        }

        int ready() {
            int n = 0;
            for (Node a : live) {
                n += a.ready ? 1 : 0;
            }
            return n;
        }

        int starting() {
            return current() - ready();
        }

        /** Mean number of busy agents since the previous tick. */
        double meanBusySinceLastTick() {
            return now == lastTick ? running : (busyIntegral - busyAtLastTick) / (now - lastTick);
        }

        /** Mean of running + queued tasks over the last {@code window} nanoseconds (per-second samples). */
        double meanOngoing(long window) {
            double[] oldest = null;
            for (double[] s : ongoingSamples) {
                if (s[0] >= now - window) {
                    oldest = s;
                    break;
                }
            }
            if (oldest == null || oldest[0] == now) {
                return running + queued;
            }
            return (ongoingIntegral - oldest[1]) / (now - oldest[0]);
        }

        /** Routees with messages waiting in their mailbox. */
        int pressure() {
            int n = 0;
            for (Node a : live) {
                n += a.mailbox.isEmpty() ? 0 : 1;
            }
            return n;
        }
    }

    ClusterSim(Workload w, Policy policy, int maxAgents, long spawnDelay) {
        this.w = w;
        this.policy = policy;
        this.maxAgents = maxAgents;
        this.spawnDelay = spawnDelay;
        this.metrics = new Metrics.Builder(w.size(), w.lengthNanos());
    }

    Metrics run() {
        View view = new View();
        resize(policy.initial(maxAgents));
        if (policy.periodNanos() > 0) {
            schedule(policy.periodNanos(), TICK, -1);
        }
        int next = 0;
        while (next < w.size() || running > 0 || queued > 0) {
            long arrival = next < w.size() ? w.arrivals()[next] : Long.MAX_VALUE;
            long[] e = events.peek();
            if (e != null && e[0] <= arrival) {
                events.poll();
                advance(e[0]);
                switch ((int) e[1]) {
                    case READY -> ready(nodes.get((int) e[3]));
                    case DONE -> done(nodes.get((int) e[3]));
                    default -> {
                        resize(policy.onTick(now, view));
                        busyAtLastTick = busyIntegral;
                        lastTick = now;
                        ongoingSamples.addLast(new double[] {now, ongoingIntegral});
                        while (ongoingSamples.size() > 1000) {
                            ongoingSamples.pollFirst();
                        }
                        if (next < w.size() || running > 0 || queued > 0) {
                            schedule(policy.periodNanos(), TICK, -1);
                        }
                    }
                }
            } else {
                advance(arrival);
                resize(policy.onArrival(now, view));
                arrive(next++);
            }
        }
        for (Node a : nodes) {
            if (!a.removed) {
                metrics.stillAlive(a.spawnedAt);
            }
        }
        return metrics.build();
    }

    private void advance(long t) {
        busyIntegral += running * (double) (t - lastChange);
        ongoingIntegral += (running + queued) * (double) (t - lastChange);
        lastChange = t;
        now = t;
    }

    private void arrive(int task) {
        queued++;
        if (policy.mailboxes()) {
            Node a = live.get((int) (rr++ % live.size()));
            a.mailbox.add(task);
            if (a.ready && !a.busy) {
                start(a, a.mailbox.poll());
            }
        } else {
            queue.add(task);
            dispatch();
        }
    }

    private void dispatch() {
        while (!queue.isEmpty()) {
            Node a = idle.poll();
            if (a == null) {
                return;
            }
            if (a.removed || a.draining || a.busy) {
                continue; // stale entry
            }
            start(a, queue.poll());
        }
    }

    private void start(Node a, int task) {
        queued--;
        running++;
        a.busy = true;
        metrics.waited(now - w.arrivals()[task]);
        schedule(w.durations()[task] * 1_000_000L, DONE, a.id);
    }

    private void ready(Node a) {
        if (a.removed) {
            return;
        }
        a.ready = true;
        free(a);
    }

    private void done(Node a) {
        running--;
        a.busy = false;
        free(a);
    }

    /** An agent can take work: from its mailbox, the queue, or it leaves if it is draining. */
    private void free(Node a) {
        if (policy.mailboxes() && !a.mailbox.isEmpty()) {
            start(a, a.mailbox.poll());
        } else if (a.draining) {
            remove(a);
        } else if (!policy.mailboxes()) {
            idle.add(a);
            dispatch();
        }
    }

    private void resize(int desired) {
        if (desired < 0) {
            return;
        }
        desired = Math.min(desired, maxAgents);
        while (live.size() < desired) {
            Node a = new Node(nodes.size(), now);
            nodes.add(a);
            live.add(a);
            metrics.spawned(now);
            schedule(spawnDelay, READY, a.id);
        }
        int excess = live.size() - desired;
        if (excess <= 0) {
            return;
        }
        List<Node> victims = new ArrayList<>();
        if (policy.mailboxes()) {
            victims.addAll(live.subList(live.size() - excess, live.size())); // the resizer drops the newest
        } else {
            for (int pass = 0; pass < 3 && victims.size() < excess; pass++) {
                for (Node a : live) {
                    boolean pick = pass == 0 ? !a.ready : pass == 1 ? a.ready && !a.busy : a.busy;
                    if (pick && victims.size() < excess && !victims.contains(a)) {
                        victims.add(a);
                    }
                }
            }
        }
        for (Node a : victims) {
            live.remove(a);
            a.draining = true;
            if (!a.busy && a.mailbox.isEmpty()) {
                remove(a);
            }
        }
    }

    private void remove(Node a) {
        a.removed = true;
        metrics.removed(now, a.spawnedAt);
    }

    private void schedule(long delay, int type, int node) {
        events.add(new long[] {now + delay, type, seq++, node});
    }
}
