package io.trinity.pool;

import java.util.Map;

/**
 * How a shutdown went.
 *
 * @param drained   tasks that finished during the drain
 * @param cancelled tasks cancelled when the drain deadline passed
 * @param finalStates every accepted task's final state, counted
 */
public record ShutdownReport(int drained, int cancelled, Map<TaskState, Long> finalStates) {
    /**
     * Copies the counts, so the report is immutable.
     *
     * @param drained tasks that finished during the drain
     * @param cancelled tasks cancelled when the drain deadline passed
     * @param finalStates every accepted task's final state, counted
     */
    public ShutdownReport {
        finalStates = Map.copyOf(finalStates);
    }
}
