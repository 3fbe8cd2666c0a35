package io.trinity.pool.bench.autoscale;

/**
 * Pekko's classic {@code DefaultResizer} on a round-robin pool router: tasks go round-robin
 * into per-routee mailboxes, and every {@code messagesPerResize} (10) messages the resizer
 * measures pressure (routees with messages waiting in their mailbox, its rule for
 * {@code pressureThreshold = 1}) and changes the routee count by
 * <ul>
 *   <li>rampup: ceil(0.2 × routees) when every routee is under pressure, else 0;</li>
 *   <li>backoff: floor(−0.1 × routees) when pressure / routees &lt; 0.3, else 0;</li>
 * </ul>
 * clamped to [lowerBound, upperBound]. Removed routees finish their mailbox first (it sends
 * them a PoisonPill), and a new routee takes messages at once, while it is still starting.
 */
final class PekkoResizerPolicy implements Policy {

    static final double RAMPUP_RATE = 0.2;
    static final double BACKOFF_THRESHOLD = 0.3;
    static final double BACKOFF_RATE = 0.1;
    static final int MESSAGES_PER_RESIZE = 10;

    private final int lower;
    private final int upper;
    private long messages;

    PekkoResizerPolicy(int lower, int upper) {
        this.lower = lower;
        this.upper = upper;
    }

    @Override
    public String name() {
        return "Pekko DefaultResizer";
    }

    @Override
    public int initial(int maxAgents) {
        return lower;
    }

    @Override
    public long periodNanos() {
        return 0;
    }

    @Override
    public boolean mailboxes() {
        return true;
    }

    @Override
    public int onArrival(long now, ClusterSim.View v) {
        if (messages++ % MESSAGES_PER_RESIZE != 0) {
            return -1;
        }
        int capacity = v.current();
        int pressure = v.pressure();
        int rampup = pressure < capacity ? 0 : (int) Math.ceil(RAMPUP_RATE * capacity);
        int backoff = capacity > 0 && pressure / (double) capacity < BACKOFF_THRESHOLD
                ? (int) Math.floor(-BACKOFF_RATE * capacity) : 0;
        return Math.max(lower, Math.min(upper, capacity + rampup + backoff));
    }
}
