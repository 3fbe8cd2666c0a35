package io.trinity.pool.cli;

import io.trinity.pool.PoolBuilder;
import io.trinity.pool.Task;
import java.util.List;

/**
 * What the demo runs its mixed workload on: the agent types it registers and a task for each.
 * The demo's scenes (burst, balancers, affinity, preemption, hang, crash, quiet period) do not
 * depend on which agents do the work.
 */
interface DemoAgents {

    /** One line for the header, such as "built-in agents doing real work". */
    String description();

    /** Registers the agent types of the mixed workload. */
    void register(PoolBuilder builder);

    /** The types the mixed workload draws from, in a stable order. */
    List<String> types();

    /** The {@code i}-th task of {@code type}, with its input; the caller adds routing. */
    Task.Builder task(String type, int i);

    /** A task for the affinity session (same type every time; the caller adds the key). */
    Task.Builder sessionTask(int i);
}
