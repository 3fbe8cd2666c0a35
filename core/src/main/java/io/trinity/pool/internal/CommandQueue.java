package io.trinity.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The loop's multi-producer, single-consumer queue of commands, intrusive: the commands are its
 * nodes ({@link LoopCommand#next}), so posting allocates nothing. It is Dmitry Vyukov's
 * intrusive MPSC node queue: a producer swaps itself in as the tail (one atomic exchange, no
 * retry loop) and then links the previous tail to itself; the consumer walks from the head, and
 * re-inserts a stub node when it reaches the last command so that command can be handed out.
 *
 * <p>Written here rather than taken from a library because the point is the intrusive node:
 * {@code ConcurrentLinkedQueue} and JCTools' linked queues allocate a node per element, which
 * was two of the objects the pool allocated per task.
 *
 * <p>Between a producer's exchange and its link, the commands behind it are not yet reachable:
 * {@link #poll} answers null while {@link #isEmpty} answers false. {@link SerialLoop} polls again
 * in that case; the producer completes its link within a few instructions.
 */
final class CommandQueue {

    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(CommandQueue.class, "tail", LoopCommand.class);
            NEXT = lookup.findVarHandle(LoopCommand.class, "next", LoopCommand.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopCommand stub = new LoopCommand() {
        @Override
        void runOnLoop() {
            throw new IllegalStateException("the queue's stub node is never handed out");
        }
    };
    /** Consumer-only: the next command to hand out, or the stub. */
    private LoopCommand head = stub;
    /** The last command posted; producers exchange it. */
    @SuppressWarnings("unused") // through TAIL
    private volatile LoopCommand tail = stub;

    /** Adds {@code command}, which must not be in the queue. Any thread, lock-free. */
    void offer(LoopCommand command) {
        NEXT.set(command, (LoopCommand) null); // ordered before the exchange that publishes it
        LoopCommand prev = (LoopCommand) TAIL.getAndSet(this, command);
        NEXT.setRelease(prev, command);
    }

    /** The oldest command, or null when none is reachable yet. Consumer only. */
    LoopCommand poll() {
        LoopCommand h = head;
        LoopCommand next = (LoopCommand) NEXT.getAcquire(h);
        if (h == stub) {
            if (next == null) {
                return null;
            }
            NEXT.set(stub, (LoopCommand) null); // not the tail: nobody links it now
            head = next;
            h = next;
            next = (LoopCommand) NEXT.getAcquire(h);
        }
        if (next != null) {
            return leave(h, next);
        }
        if (h != (LoopCommand) TAIL.getVolatile(this)) {
            return null; // a producer is between its exchange and its link
        }
        offer(stub); // h is the last command: put the stub behind it so h can leave
        next = (LoopCommand) NEXT.getAcquire(h);
        if (next != null) {
            return leave(h, next);
        }
        return null; // another producer came in between; its link follows
    }

    /**
     * Hands out {@code h}, whose successor is {@code next}, and unlinks it: a command that left
     * (a record the caller still holds as a handle, say) must not keep every later one reachable.
     * Safe to write: {@code h} is no longer the tail, so no producer links it again.
     */
    private LoopCommand leave(LoopCommand h, LoopCommand next) {
        head = next;
        NEXT.set(h, (LoopCommand) null);
        return h;
    }

    /** True when nothing was posted that {@link #poll} has not handed out. Consumer only. */
    boolean isEmpty() {
        return head == stub && TAIL.getVolatile(this) == stub;
    }
}
