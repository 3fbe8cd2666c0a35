package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CommandQueueTest {

    /** A command that records nothing; identity is what the queue keeps. */
    static final class Cmd extends LoopCommand {
        final int producer;
        final int seq;

        Cmd(int producer, int seq) {
            this.producer = producer;
            this.seq = seq;
        }

        @Override
        void runOnLoop() {
        }

        @Override
        public String toString() {
            return producer + ":" + seq;
        }
    }

    @Test
    void handsOutInPostingOrderAndIsEmptyOnlyWhenAllLeft() {
        CommandQueue q = new CommandQueue();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        Cmd a = new Cmd(0, 0);
        Cmd b = new Cmd(0, 1);
        Cmd c = new Cmd(0, 2);
        q.offer(a);
        q.offer(b);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.poll()).isSameAs(a);
        q.offer(c);
        assertThat(q.poll()).isSameAs(b);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.poll()).isSameAs(c); // the last one: the stub goes behind it
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        // a command that left holds nothing posted after it (a kept handle must not retain them)
        assertThat(a.next).isNull();
        assertThat(b.next).isNull();
        assertThat(c.next).isNull();
    }

    @Test
    void aCommandThatLeftCanBePostedAgain() {
        CommandQueue q = new CommandQueue();
        Cmd a = new Cmd(0, 0);
        Cmd b = new Cmd(0, 1);
        for (int round = 0; round < 3; round++) {
            q.offer(a);
            assertThat(q.poll()).isSameAs(a);
            q.offer(b);
            q.offer(a);
            assertThat(q.poll()).isSameAs(b);
            assertThat(q.poll()).isSameAs(a);
            assertThat(q.poll()).isNull();
            assertThat(q.isEmpty()).isTrue();
        }
    }

    /**
     * Against a plain deque, any mix of posts and polls from one thread, commands reused once
     * they left (as the pool reuses a record's or an attempt's node): same order, nothing lost.
     */
    @Property(seed = "20261203")
    void behavesAsAFifoWhateverTheMix(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 2) Integer> ops) {
        CommandQueue q = new CommandQueue();
        Deque<Cmd> model = new ArrayDeque<>();
        Deque<Cmd> free = new ArrayDeque<>();
        for (int i = 0; i < 8; i++) {
            free.add(new Cmd(0, i));
        }
        for (int op : ops) {
            if (op < 2 && !free.isEmpty()) { // post twice as often as poll
                Cmd c = free.poll();
                q.offer(c);
                model.add(c);
            } else {
                Cmd got = (Cmd) q.poll();
                assertThat(got).isSameAs(model.poll());
                if (got != null) {
                    assertThat(got.next).as("a command that left links nothing").isNull();
                    free.add(got);
                }
            }
            assertThat(q.isEmpty()).isEqualTo(model.isEmpty());
        }
        Cmd c;
        while ((c = (Cmd) q.poll()) != null) {
            assertThat(c).isSameAs(model.poll());
        }
        assertThat(model).isEmpty();
        assertThat(q.isEmpty()).isTrue();
    }

    /**
     * Four producers post concurrently while one consumer polls: every command arrives exactly
     * once, and each producer's in the order it posted them.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentProducersLoseNothingAndKeepTheirOrder() throws InterruptedException {
        int producers = 4;
        int each = 200_000;
        CommandQueue q = new CommandQueue();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    q.offer(new Cmd(id, i));
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        int[] nextSeq = new int[producers];
        int received = 0;
        while (received < producers * each) {
            Cmd c = (Cmd) q.poll();
            if (c == null) {
                Thread.onSpinWait();
                continue;
            }
            assertThat(c.seq).as("order of producer %d", c.producer).isEqualTo(nextSeq[c.producer]);
            nextSeq[c.producer]++;
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
        assertThat(nextSeq).containsOnly(each);
    }
}
