package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LiveIndexTest {

    private static final Task TASK = Task.builder("t").build();

    private static TaskRecord record(long id) {
        return new TaskRecord(null, id, TASK, "t", 0);
    }

    @Test
    void sizesItsRingFromTheExpectedLiveTasksWithinBounds() {
        assertThat(new LiveIndex(0).slots()).isEqualTo(LiveIndex.MIN_SLOTS);
        assertThat(new LiveIndex(116).slots()).isEqualTo(LiveIndex.MIN_SLOTS);
        assertThat(new LiveIndex(1_040).slots()).isEqualTo(4_096); // 2 x 1,040 rounded up to a power of two
        assertThat(new LiveIndex(2_048).slots()).isEqualTo(4_096);
        assertThat(new LiveIndex(Integer.MAX_VALUE).slots()).isEqualTo(LiveIndex.MAX_SLOTS);
        assertThat(new LiveIndex((long) Integer.MAX_VALUE + 16).slots()).isEqualTo(LiveIndex.MAX_SLOTS);
        assertThat(new LiveIndex(Long.MAX_VALUE).slots()).isEqualTo(LiveIndex.MAX_SLOTS);
        assertThat(new LiveIndex(-5).slots()).isEqualTo(LiveIndex.MIN_SLOTS);
    }

    @Test
    void aTaskWhoseSlotAnOlderTaskStillHoldsGoesToTheOverflowAndEachIsFoundByItsOwnId() {
        LiveIndex index = new LiveIndex(0);
        long n = index.slots();
        TaskRecord old = record(7);
        TaskRecord sameSlot = record(7 + n);
        TaskRecord next = record(8);
        index.put(old);
        index.put(sameSlot); // its slot holds the older task: overflow
        index.put(next);
        assertThat(index.overflowed()).isEqualTo(1);
        assertThat(index.get(7)).isSameAs(old);
        assertThat(index.get(7 + n)).isSameAs(sameSlot);
        assertThat(index.get(8)).isSameAs(next);
        assertThat(index.get(7 + 2 * n)).isNull(); // same slot, another id
        assertThat(index.get(9)).isNull();

        index.remove(old);
        assertThat(index.get(7)).isNull();
        assertThat(index.get(7 + n)).isSameAs(sameSlot); // untouched in the overflow
        TaskRecord third = record(7 + 2 * n);
        index.put(third); // the slot is free again
        assertThat(index.overflowed()).isEqualTo(1);
        assertThat(index.get(7 + 2 * n)).isSameAs(third);
        index.remove(sameSlot);
        index.remove(third);
        index.remove(next);
        assertThat(index.overflowed()).isZero();
        assertThat(index.get(7 + n)).isNull();
        assertThat(index.get(7 + 2 * n)).isNull();
        assertThat(index.get(8)).isNull();
    }

    @Test
    void removingATaskNotInTheIndexLeavesTheTaskThatIsThere() {
        LiveIndex index = new LiveIndex(0);
        TaskRecord a = record(3);
        index.put(a);
        index.remove(record(3)); // another record with the same id (never put)
        index.remove(record(3 + index.slots()));
        assertThat(index.get(3)).isSameAs(a);
        index.remove(a);
        TaskRecord newer = record(3 + index.slots()); // takes the slot a left
        index.put(newer);
        index.remove(a); // a repeated remove of the older task
        assertThat(index.get(3 + index.slots())).isSameAs(newer);
        assertThat(index.overflowed()).isZero();
    }

    /** Any sequence of puts and removes leaves the index answering as a plain map of the live tasks. */
    @Property(tries = 300)
    void answersAsAMapOfTheLiveTasks(@ForAll @Size(max = 400) List<@LongRange(min = 1, max = 5_000) Long> ids) {
        LiveIndex index = new LiveIndex(0); // 1,024 slots: ids up to 5,000 collide often
        Map<Long, TaskRecord> model = new HashMap<>();
        for (long id : ids) {
            TaskRecord there = model.get(id);
            if (there == null) {
                TaskRecord r = record(id);
                index.put(r);
                model.put(id, r);
            } else {
                index.remove(there);
                model.remove(id);
            }
        }
        for (long id = 0; id <= 5_001; id++) {
            assertThat(index.get(id)).as("id %d", id).isSameAs(model.get(id));
        }
    }

    /**
     * Threads putting and removing their own tasks, whose ids collide in the ring, while a reader
     * looks them up: every task is found while it is in the index and never after.
     */
    @Property(tries = 20)
    void concurrentPutsAndRemovesNeverLoseOrMixUpATask(@ForAll @IntRange(min = 2, max = 4) int threads)
            throws Exception {
        LiveIndex index = new LiveIndex(0);
        int perThread = 5_000;
        long stride = index.slots(); // thread t owns ids t + k * slots: all in one slot
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    List<TaskRecord> mine = new ArrayList<>();
                    for (int k = 0; k < perThread; k++) {
                        // every thread's ids share slot 1: they take it or overflow, in any interleaving
                        TaskRecord r = record(1 + (me * perThread + k) * stride);
                        index.put(r);
                        mine.add(r);
                        if (index.get(r.id) != r) {
                            throw new AssertionError("task " + r.id + " not found right after its put");
                        }
                        if (k % 3 == 2) {
                            TaskRecord gone = mine.remove(0);
                            index.remove(gone);
                            if (index.get(gone.id) != null) {
                                throw new AssertionError("task " + gone.id + " still found after its remove");
                            }
                        }
                    }
                    for (TaskRecord r : mine) {
                        if (index.get(r.id) != r) {
                            throw new AssertionError("live task " + r.id + " lost");
                        }
                        index.remove(r);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(index.overflowed()).isZero();
        assertThat(index.get(1)).isNull();
    }
}
