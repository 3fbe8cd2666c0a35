package io.trinity.pool.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TaskQueueProperties {

    static final long STEP = 1_000L; // one priority point per 1000 ns of waiting

    record Item(String lane, int priority, long enqueuedNanos, long sequence) implements QueuedTask {
    }

    /** One step of a random workload: offer (with priority and lane), cancel the k-th queued, poll a lane. */
    record Op(int kind, int priority, int lane, int pick, int delay) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(-3, 3),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 3000)).as(Op::new);
        return op.list().ofMaxSize(300);
    }

    @Property(seed = "20261128")
    void nothingIsLostOrDuplicatedAndTheBoundHolds(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 40) int capacity) {
        TaskQueue<Item> q = new TaskQueue<>(capacity, STEP);
        Set<Item> offered = new HashSet<>();
        Set<Item> out = new HashSet<>();
        List<Item> queued = new ArrayList<>();
        long now = 0;
        long seq = 0;
        for (Op op : ops) {
            now += op.delay();
            if (op.kind() < 5) {
                Item it = new Item("lane" + op.lane(), op.priority(), now, seq++);
                boolean accepted = q.offer(it);
                assertThat(accepted).isEqualTo(queued.size() < capacity);
                if (accepted) {
                    offered.add(it);
                    queued.add(it);
                }
            } else if (op.kind() < 7 && !queued.isEmpty()) {
                Item victim = queued.get(op.pick() % queued.size());
                assertThat(q.remove(victim)).isTrue();
                assertThat(q.remove(victim)).isFalse();
                queued.remove(victim);
                assertThat(out.add(victim)).isTrue();
            } else {
                Item polled = q.poll("lane" + op.lane());
                if (polled != null) {
                    assertThat(queued.remove(polled)).isTrue();
                    assertThat(out.add(polled)).isTrue();
                } else {
                    assertThat(queued).noneMatch(i -> i.lane().equals("lane" + op.lane()));
                }
            }
            assertThat(q.size()).isEqualTo(queued.size()).isLessThanOrEqualTo(capacity);
        }
        Set<Item> accounted = new HashSet<>(out);
        accounted.addAll(q.all());
        assertThat(accounted).isEqualTo(offered);
        assertThat(out.size() + q.size()).isEqualTo(offered.size());
    }

    @Property(seed = "20261128")
    void pollsInAgedPriorityOrder(@ForAll("ops") List<Op> ops) {
        TaskQueue<Item> q = new TaskQueue<>(10_000, STEP);
        long now = 0;
        long seq = 0;
        for (Op op : ops) {
            now += op.delay();
            q.offer(new Item("l", op.priority(), now, seq++));
        }
        // Without further arrivals, the effective priority at any instant t is p + (t - enqueued)/STEP;
        // so consecutive polls must be in non-increasing effective priority, FIFO on ties.
        Item prev = null;
        Item next;
        while ((next = q.poll("l")) != null) {
            if (prev != null) {
                long prevScore = prev.priority() * STEP - prev.enqueuedNanos();
                long nextScore = next.priority() * STEP - next.enqueuedNanos();
                assertThat(prevScore).isGreaterThanOrEqualTo(nextScore);
                if (prevScore == nextScore) {
                    assertThat(prev.sequence()).isLessThan(next.sequence());
                }
            }
            prev = next;
        }
    }

    @Property(seed = "20261128")
    void higherPriorityFirstAndFifoWithinAPriorityWhenSubmittedTogether(
            @ForAll @Size(max = 100) List<@IntRange(min = -5, max = 5) Integer> priorities) {
        TaskQueue<Item> q = new TaskQueue<>(1_000, STEP);
        long seq = 0;
        for (int p : priorities) {
            q.offer(new Item("l", p, 0, seq++));
        }
        List<Item> polled = new ArrayList<>();
        Item it;
        while ((it = q.poll("l")) != null) {
            polled.add(it);
        }
        for (int i = 1; i < polled.size(); i++) {
            Item a = polled.get(i - 1);
            Item b = polled.get(i);
            assertThat(a.priority()).isGreaterThanOrEqualTo(b.priority());
            if (a.priority() == b.priority()) {
                assertThat(a.sequence()).isLessThan(b.sequence());
            }
        }
    }

    @Property(seed = "20261128")
    void aLowPriorityTaskIsNotStarvedByASteadyStreamOfHigherOnes(@ForAll @IntRange(min = 1, max = 50) int gap) {
        // Every step one task of priority +gap arrives and one task is served. The priority-0 task
        // that arrived first must be served after at most about gap steps of waiting.
        TaskQueue<Item> q = new TaskQueue<>(10_000, STEP);
        Item low = new Item("l", 0, 0, 0);
        q.offer(low);
        long seq = 1;
        int servedBeforeLow = 0;
        for (long t = STEP; ; t += STEP) {
            q.offer(new Item("l", gap, t, seq++));
            Item served = q.poll("l");
            if (served == low) {
                break;
            }
            servedBeforeLow++;
            assertThat(servedBeforeLow).as("low-priority task starved").isLessThanOrEqualTo(gap + 1);
        }
        assertThat(servedBeforeLow).isGreaterThanOrEqualTo(gap - 1);
    }

    @Property(seed = "20261128")
    void requeueIgnoresTheBoundSoAcceptedWorkIsNeverDropped(@ForAll @IntRange(min = 1, max = 10) int capacity) {
        TaskQueue<Item> q = new TaskQueue<>(capacity, STEP);
        for (int i = 0; i < capacity; i++) {
            assertThat(q.offer(new Item("l", 0, i, i))).isTrue();
        }
        assertThat(q.offer(new Item("l", 0, 99, 99))).isFalse();
        q.requeue(new Item("l", 0, 100, 100));
        assertThat(q.size()).isEqualTo(capacity + 1);
    }

    /**
     * Every operation (offers in and out of order, requeues with an old enqueue time, cancels
     * anywhere, takes of the first task a gate admits, polls) serves the same task a plain sorted
     * list of (key, sequence) would: a lane keeps its tasks in a deque while they come in order and
     * in a sorted set once that breaks, and the two must never differ.
     */
    @Property(seed = "20261202")
    void servesTheSortedOrderWhateverTheOperationsMix(@ForAll("ops") List<Op> ops) {
        TaskQueue<Item> q = new TaskQueue<>(10_000, STEP);
        java.util.Comparator<Item> order = java.util.Comparator
                .comparingLong((Item i) -> TaskQueue.key(i.enqueuedNanos(), i.priority(), STEP))
                .thenComparingLong(Item::sequence);
        List<Item> model = new ArrayList<>();
        long now = 0;
        long seq = 0;
        for (Op op : ops) {
            now += op.delay();
            if (op.kind() < 3) { // in order: priority 0, enqueued now
                Item it = new Item("l", 0, now, seq++);
                q.offer(it);
                model.add(it);
            } else if (op.kind() < 5) { // any priority, or a requeue keeping an older place
                long enqueued = op.kind() == 4 ? Math.max(0, now - op.pick() * 10L) : now;
                Item it = new Item("l", op.priority(), enqueued, seq++);
                q.requeue(it);
                model.add(it);
            } else if (op.kind() < 6 && !model.isEmpty()) {
                Item victim = model.get(op.pick() % model.size());
                assertThat(q.remove(victim)).isTrue();
                model.remove(victim);
            } else if (op.kind() < 8) { // the first task a gate lets through: every k-th sequence held
                int k = 1 + op.lane();
                TaskQueue.Gate<Item> gate = i -> i.sequence() % (k + 1) != 0;
                model.sort(order);
                Item expected = model.stream().filter(gate::admit).findFirst().orElse(null);
                Item next = q.next("l", gate);
                assertThat(next).isEqualTo(expected);
                if (next != null) {
                    q.take(next, 1);
                    model.remove(next);
                }
            } else {
                model.sort(order);
                Item expected = model.isEmpty() ? null : model.get(0);
                assertThat(q.poll("l")).isEqualTo(expected);
                if (expected != null) {
                    model.remove(0);
                }
            }
            model.sort(order);
            assertThat(q.inOrder("l")).containsExactlyElementsOf(model);
        }
    }
}
