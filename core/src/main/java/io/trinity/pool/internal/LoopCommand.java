package io.trinity.pool.internal;

/**
 * Work for the control loop, and at the same time its own node in the loop's
 * {@link CommandQueue}: the two objects a task posts on its way through the pool (its record
 * when accepted, each attempt when its code returns) are posted as themselves, so a post
 * allocates nothing. Any other command is a {@link Wrapped} runnable.
 *
 * <p>A command is in the queue at most once at a time: whoever posts it owns that promise (a
 * record is posted once, by the submit that accepted it; an attempt once, when it returned).
 */
abstract class LoopCommand {

    /** The next command in the queue; written by {@link CommandQueue} only. */
    volatile LoopCommand next;

    /** Runs on the loop. */
    abstract void runOnLoop();

    /** A plain runnable posted to the loop. */
    static final class Wrapped extends LoopCommand {
        private final Runnable command;

        Wrapped(Runnable command) {
            this.command = command;
        }

        @Override
        void runOnLoop() {
            command.run();
        }

        @Override
        public String toString() {
            return command.toString();
        }
    }
}
