package io.trinity.pool.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairQueueTest {

    record Item(String lane, String tenant, int priority, long enqueuedNanos, long sequence) implements QueuedTask {
    }

    long seq;

    Item item(String tenant, int priority, long at) {
        return new Item("l", tenant, priority, at, seq++);
    }

    @Test
    void backloggedTenantsAreServedInProportionToTheirWeights() {
        TaskQueue<Item> q = new TaskQueue<>(10_000, 1000, t -> t.equals("a") ? 3 : 1, 0);
        for (int i = 0; i < 1000; i++) {
            q.offer(item("b", 0, i)); // b submitted everything first
        }
        for (int i = 0; i < 1000; i++) {
            q.offer(item("a", 0, 1000 + i));
        }
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            served.merge(q.poll("l").tenant(), 1, Integer::sum);
        }
        assertThat(served).containsEntry("a", 300).containsEntry("b", 100);
    }

    @Test
    void aTaskRefusedForItsTenantsWeightIsNotQueuedAndATaskIsQueuedOnce() {
        TaskQueue<Item> q = new TaskQueue<>(100, 1000, t -> t.equals("bad") ? 0 : 1, 0);
        Item bad = item("bad", 0, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.offer(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant 'bad'");
        assertThat(q.contains(bad)).isFalse();
        assertThat(q.size()).isZero();
        assertThat(q.remove(bad)).isFalse();
        Item good = item("a", 0, 1);
        q.offer(good);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.requeue(good))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already queued");
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.size("l")).isEqualTo(1);
        assertThat(q.poll("l")).isEqualTo(good);
        assertThat(q.poll("l")).isNull();
    }

    @Test
    void priorityAndAgingStillOrderTasksWithinATenant() {
        TaskQueue<Item> q = new TaskQueue<>(100, 1000, t -> 1, 0);
        Item low = item("a", 0, 0);
        Item high = item("a", 5, 1000);
        Item other = item("b", 0, 2000);
        q.offer(low);
        q.offer(high);
        q.offer(other);
        assertThat(List.of(q.poll("l"), q.poll("l"), q.poll("l"))).containsExactly(high, other, low);
    }

    @Test
    void aGateSkipsHeldTasksWithoutReorderingTheRest() {
        TaskQueue<Item> q = new TaskQueue<>(100, 1000);
        Item held = item("a", 0, 0);
        Item free1 = item("a", 0, 1);
        Item free2 = item("a", 0, 2);
        q.offer(held);
        q.offer(free1);
        q.offer(free2);
        TaskQueue.Gate<Item> gate = t -> t != held;
        assertThat(q.next("l", gate)).isEqualTo(free1);
        q.take(free1, 1);
        assertThat(q.next("l", gate)).isEqualTo(free2);
        assertThat(q.peek("l")).isEqualTo(held);
        TaskQueue.Gate<Item> closedTenant = new TaskQueue.Gate<>() {
            @Override public boolean tenantOpen(String tenant) { return false; }
            @Override public boolean admit(Item task) { return true; }
        };
        assertThat(q.next("l", closedTenant)).isNull();
    }

    @Test
    void aTenantBackFromIdleGetsAtMostTheCreditAhead() {
        // credit 5 units: a returning tenant may take 5 tasks before it is level with the busy one
        TaskQueue<Item> q = new TaskQueue<>(10_000, 1000, t -> 1, 5);
        for (int i = 0; i < 500; i++) {
            q.offer(item("busy", 0, i));
        }
        for (int i = 0; i < 100; i++) {
            q.poll("l");
        }
        for (int i = 0; i < 20; i++) {
            q.offer(item("quiet", 0, 1000 + i));
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            order.add(q.poll("l").tenant());
        }
        // 5 in a row on credit, then alternating with the busy tenant
        assertThat(order.subList(0, 5)).containsOnly("quiet");
        assertThat(order.subList(5, 16).stream().filter("quiet"::equals).count()).isBetween(5L, 6L);
    }

    @Test
    void aCorrectionMovesATenantsTurn() {
        TaskQueue<Item> q = new TaskQueue<>(100, 1000);
        for (int i = 0; i < 10; i++) {
            q.offer(item("a", 0, i));
            q.offer(item("b", 0, i));
        }
        q.poll("l");           // a (earlier head), charged 1
        q.charge("l", "a", 4); // its task took 5 units, not 1
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            next.add(q.poll("l").tenant());
        }
        assertThat(next).containsExactly("b", "b", "b", "b", "b");
        assertThat(q.tag("l", "a")).isEqualTo(5.0);
    }

    @Test
    void aTenantWithNoLeadIsForgottenAsSoonAsItsFlowEmpties() {
        TaskQueue<Item> q = new TaskQueue<>(10_000, 1000, t -> 1, 0);
        q.offer(item("once", 0, 0));
        for (int i = 0; i < 10; i++) {
            q.offer(item("busy", 0, 1 + i));
        }
        assertThat(q.poll("l").tenant()).isEqualTo("once"); // tag 1: ahead, still remembered
        assertThat(q.flowCount()).isEqualTo(2);
        q.poll("l");
        q.poll("l"); // the busy tenant's service moves vtime past the idle one's tag
        assertThat(q.flowCount()).as("only the busy tenant is left").isEqualTo(1);
        assertThat(q.tag("l", "once")).isNaN();
    }

    @Test
    void distinctTenantsOneTaskEachLeaveABoundedNumberOfFlows() {
        // one new tenant per task: vtime never moves (each is served at vtime - credit), so only
        // the cap on idle flows bounds the memory, and with it the cost of a take
        TaskQueue<Item> q = new TaskQueue<>(100_000, 1000, t -> 1, 30);
        for (int i = 0; i < 20_000; i++) {
            q.offer(item("tenant-" + i, 0, i));
            if (i % 2 == 1) {
                q.poll("l");
                q.poll("l");
            }
        }
        assertThat(q.size()).isZero();
        assertThat(q.flowCount()).isLessThanOrEqualTo(FairLane.IDLE_KEPT);
        // fairness still holds beside them: a backlogged pair shares evenly
        for (int i = 0; i < 100; i++) {
            q.offer(item("a", 0, 30_000 + i));
            q.offer(item("b", 0, 30_000 + i));
        }
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            served.merge(q.poll("l").tenant(), 1, Integer::sum);
        }
        assertThat(served).containsEntry("a", 50).containsEntry("b", 50);
        assertThat(q.flowCount()).isLessThanOrEqualTo(FairLane.IDLE_KEPT + 2);
    }
}
