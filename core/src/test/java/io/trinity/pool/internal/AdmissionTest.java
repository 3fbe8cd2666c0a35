package io.trinity.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.internal.Admission.Verdict;
import io.trinity.pool.tenant.TenantConfig;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    static final TenantConfig LOUD = TenantConfig.of("loud");
    static final TenantConfig QUIET = TenantConfig.of("quiet");

    @Test
    void aFullQueueStillAdmitsATenantBelowItsWeightedShare() {
        Admission a = new Admission(10);
        for (int i = 0; i < 10; i++) {
            assertThat(a.admit(LOUD).verdict()).isEqualTo(Verdict.IN);
        }
        Admission.Decision loud = a.admit(LOUD);
        assertThat(loud.verdict()).as("at or above its share: refused as before").isEqualTo(Verdict.FULL);
        assertThat(loud.held()).isEqualTo(10);
        assertThat(loud.share()).isEqualTo(10.0); // alone, its share is the whole queue
        Admission.Decision quiet = a.admit(QUIET);
        assertThat(quiet.verdict()).isEqualTo(Verdict.IN_OVER_CAPACITY);
        assertThat(quiet.share()).isEqualTo(5.0);
        assertThat(a.depth()).as("over by one until the loop sheds").isEqualTo(11);
        // the quiet tenant keeps getting in up to its share, never past it
        for (int i = 1; i < 5; i++) {
            assertThat(a.admit(QUIET).verdict()).isEqualTo(Verdict.IN_OVER_CAPACITY);
        }
        assertThat(a.admit(QUIET).verdict()).isEqualTo(Verdict.FULL);
    }

    /**
     * Two submits of a lone tenant interleave at the last free slot: the first takes its count,
     * the second takes its count and its permit (the last one), then the first takes its permit,
     * one over. Judged by its count before it (199), the first passed for below its share (200)
     * and got in over the capacity, and the loop then shed an accepted task of the only tenant.
     * Judged by its count now, it is refused as the queue is full.
     */
    @Test
    void aLoneTenantIsNeverLetInOverTheCapacityWhateverTheInterleaving() {
        Admission a = new Admission(200);
        for (int i = 0; i < 199; i++) {
            assertThat(a.admit(LOUD).verdict()).isEqualTo(Verdict.IN);
        }
        Admission.Taken first = a.take(LOUD, true);
        Admission.Taken second = a.take(LOUD, true);
        assertThat(a.decide(LOUD, second).verdict()).isEqualTo(Verdict.IN);
        Admission.Decision late = a.decide(LOUD, first);
        assertThat(late.verdict()).isEqualTo(Verdict.FULL);
        assertThat(late.held()).as("the tenant's other permits").isEqualTo(200);
        assertThat(a.depth()).isEqualTo(200);

        // a permit given back between the late submit's two steps: it fits, and nothing is to be shed
        Admission.Taken third = a.take(LOUD, true);
        Admission.Decision other = a.admit(LOUD); // refused: its permit came and went
        assertThat(other.verdict()).isEqualTo(Verdict.FULL);
        a.release(LOUD, second.entry());
        assertThat(a.decide(LOUD, third).verdict()).isEqualTo(Verdict.IN);
        assertThat(a.depth()).isEqualTo(200);
    }

    /**
     * The tenants counted as holding permits follow their counts, whatever their weights: a tenant
     * of weight 0.1 left alone after one of 0.2 gave its permits back is alone (the summed weights
     * keep rounding residue there: 0.1 + 0.2 - 0.2 is not 0.1).
     */
    @Test
    void theTenantsHoldingPermitsAreCountedNotInferredFromTheirWeights() {
        Admission a = new Admission(200);
        TenantConfig light = TenantConfig.of("light").withWeight(0.1);
        TenantConfig heavier = TenantConfig.of("heavier").withWeight(0.2);
        Admission.Decision l = a.admit(light);
        Admission.Decision h1 = a.admit(heavier);
        Admission.Decision h2 = a.admit(heavier);
        assertThat(a.activeTenants()).isEqualTo(2);
        a.release(heavier, h1.permit());
        assertThat(a.activeTenants()).as("heavier still holds one").isEqualTo(2);
        a.release(heavier, h2.permit());
        assertThat(a.activeTenants()).isEqualTo(1);
        assertThat(a.activeWeight()).as("the residue the count does without").isNotEqualTo(0.1);
        a.release(light, l.permit());
        assertThat(a.activeTenants()).isZero();
        TenantConfig limited = TenantConfig.of("limited").withMaxQueued(1);
        Admission.Decision one = a.admit(limited);
        assertThat(a.admit(limited).verdict()).isEqualTo(Verdict.TENANT_LIMIT);
        assertThat(a.activeTenants()).as("a refusal at the tenant's limit counts nothing more").isEqualTo(1);
        a.release(limited, one.permit());
        assertThat(a.activeTenants()).isZero();
    }

    /**
     * The counter of tenants may count one too many for a moment; then the entries decide: a
     * tenant whose only company is idle entries is alone, one beside a tenant holding a permit is
     * not, and past {@value Admission#WALK_MOST} idle entries the walk gives up (not alone, the
     * safe answer: the loop checks the depth again before it sheds).
     */
    @Test
    void aTenantIsAloneWhenNoOtherEntryHoldsAPermitWhateverTheCounterSays() {
        Admission a = new Admission(10_000);
        Admission.Decision loud = a.admit(LOUD);
        a.release(QUIET, a.admit(QUIET).permit()); // an idle entry
        assertThat(a.alone(loud.permit())).isTrue();
        a.overcountForTest(1);
        assertThat(a.alone(loud.permit())).as("the counter reads 2: the walk finds only an idle entry").isTrue();
        Admission.Decision quiet = a.admit(QUIET);
        assertThat(a.alone(loud.permit())).as("quiet holds a permit").isFalse();
        a.release(QUIET, quiet.permit());
        for (int i = 0; i < Admission.WALK_MOST; i++) {
            TenantConfig once = TenantConfig.of("once-" + i);
            a.release(once, a.admit(once).permit());
        }
        assertThat(a.alone(loud.permit())).as("more idle entries than a walk reads").isFalse();
        a.overcountForTest(-1);
        assertThat(a.alone(loud.permit())).as("the counter reads 1 again").isTrue();
    }

    @Test
    void sharesFollowTheWeights() {
        Admission a = new Admission(100);
        for (int i = 0; i < 100; i++) {
            a.admit(LOUD);
        }
        TenantConfig gold = TenantConfig.of("gold").withWeight(3);
        int in = 0;
        while (a.admit(gold).verdict() == Verdict.IN_OVER_CAPACITY) {
            in++;
        }
        assertThat(in).as("3 of 4 weight units: 75 slots").isEqualTo(75);
    }

    @Test
    void countsAreReleasedAndIdleTenantsAreSwept() {
        Admission a = new Admission(5);
        TenantConfig limited = TenantConfig.of("limited").withMaxQueued(2);
        Admission.Decision first = a.admit(limited);
        Admission.Decision second = a.admit(limited);
        assertThat(first.verdict()).isEqualTo(Verdict.IN);
        assertThat(second.verdict()).isEqualTo(Verdict.IN);
        Admission.Decision third = a.admit(limited);
        assertThat(third.verdict()).isEqualTo(Verdict.TENANT_LIMIT);
        assertThat(third.permit()).as("a refusal holds no permit").isNull();
        for (int i = 0; i < 1000; i++) {
            TenantConfig once = TenantConfig.of("once-" + i);
            a.release(once, a.admit(once).permit());
        }
        a.release(limited, first.permit());
        a.release(limited, second.permit());
        assertThat(a.depth()).isZero();
        assertThat(a.tenantsTracked()).isZero();
        assertThat(a.entriesKept()).as("idle entries are swept as new tenants come").isLessThanOrEqualTo(Admission.IDLE_KEPT);
    }

    @Test
    void anIdleTenantKeepsItsEntryAndItsWeightCountsOnlyWhileItHoldsPermits() {
        Admission a = new Admission(4);
        TenantConfig heavy = TenantConfig.of("heavy").withWeight(3);
        a.release(heavy, a.admit(heavy).permit()); // heavy is idle now: its weight must not count
        for (int i = 0; i < 4; i++) {
            assertThat(a.admit(LOUD).verdict()).isEqualTo(Verdict.IN);
        }
        assertThat(a.entriesKept()).isEqualTo(2);
        assertThat(a.tenantsTracked()).isEqualTo(1);
        Admission.Decision quiet = a.admit(QUIET);
        assertThat(quiet.share()).as("loud and quiet hold permits: weight 2, heavy's 3 left out").isEqualTo(2.0);
        // heavy comes back on its kept entry, and counts again
        Admission.Decision back = a.admit(heavy);
        assertThat(back.verdict()).isEqualTo(Verdict.IN_OVER_CAPACITY);
        assertThat(back.share()).isEqualTo(4 * 3 / 5.0);
        assertThat(a.entriesKept()).isEqualTo(3);
    }

    /**
     * Tenants taking and giving back permits on three threads while a fourth brings a new tenant
     * per admit (a sweep every few hundred): a tenant's limit holds at every step (its count is
     * never lost to a sweep nor split over two entries), and at the end nothing is held and the
     * summed weight is back to exactly 0.
     */
    @Test
    void sweepsRacingTakesAndReleasesLoseNoCountAndNoWeight() throws Exception {
        Admission a = new Admission(1_000_000);
        int rounds = 20_000;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            TenantConfig own = TenantConfig.of("own-" + t).withMaxQueued(2);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        Admission.Decision first = a.admit(own);
                        Admission.Decision second = a.admit(own);
                        Admission.Decision third = a.admit(own);
                        if (first.verdict() != Verdict.IN || second.verdict() != Verdict.IN
                                || third.verdict() != Verdict.TENANT_LIMIT) {
                            throw new AssertionError("round " + i + " of " + own.name() + ": " + first.verdict() + ", "
                                    + second.verdict() + ", " + third.verdict());
                        }
                        a.release(own, first.permit());
                        a.release(own, second.permit());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            try {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    TenantConfig once = TenantConfig.of("once-" + i).withWeight(2);
                    a.release(once, a.admit(once).permit());
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }));
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(a.depth()).isZero();
        assertThat(a.tenantsTracked()).isZero();
        assertThat(a.activeWeight()).isZero();
        assertThat(a.activeTenants()).as("raised and lowered in pairs, sweeps included").isZero();
        assertThat(a.entriesKept()).isLessThanOrEqualTo(Admission.IDLE_KEPT + 4);
    }

    @Test
    void aSweepRetiresOnlyIdleEntriesAndATenantStillHoldingPermitsKeepsCounting() {
        Admission a = new Admission(10_000);
        Admission.Decision held = a.admit(LOUD);
        for (int i = 0; i < 3 * Admission.IDLE_KEPT; i++) {
            TenantConfig once = TenantConfig.of("once-" + i);
            a.release(once, a.admit(once).permit());
            assertThat(a.entriesKept()).isLessThanOrEqualTo(Admission.IDLE_KEPT);
        }
        assertThat(a.tenantsTracked()).isEqualTo(1);
        assertThat(a.admit(LOUD).held()).as("loud's count survived the sweeps").isEqualTo(1);
        a.release(LOUD, held.permit());
        assertThat(a.depth()).isEqualTo(1);
    }
}
