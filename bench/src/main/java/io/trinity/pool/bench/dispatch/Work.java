package io.trinity.pool.bench.dispatch;

/** What a benchmark task does: nothing, or burn the CPU for a fixed time. */
public final class Work {

    private Work() {
    }

    /** Spins on System.nanoTime for {@code nanos}: CPU-bound, not sleeping, so it uses a core. */
    public static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** 0 for "noop", 10 000 for "spin10us". */
    public static long nanos(String work) {
        return switch (work) {
            case "noop" -> 0;
            case "spin10us" -> 10_000;
            default -> throw new IllegalArgumentException("unknown work '" + work + "'; choose noop or spin10us");
        };
    }
}
