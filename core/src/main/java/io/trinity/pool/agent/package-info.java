/**
 * The agent SPI: what an agent implements and what it sees of the pool.
 *
 * <p>An {@link io.trinity.pool.agent.AgentFactory} creates an {@link io.trinity.pool.agent.Agent}
 * (or an {@link io.trinity.pool.agent.AsyncAgent}, which holds no thread while it works); the
 * pool calls {@code init} once, then {@code execute} for each task, at most {@code capacity} at
 * a time, on its agent executor (virtual threads by default), never on the control loop.
 * Through the {@link io.trinity.pool.agent.TaskContext} an agent reads its input, reports
 * progress (the heartbeat the stuck detector watches), quality and resource usage, learns of
 * cancellation and submits subtasks.
 *
 * <p>Failures are typed: {@link io.trinity.pool.agent.NonRetryableException} fails the task at
 * once, {@link io.trinity.pool.agent.AgentBrokenException} replaces the agent and retries the
 * task elsewhere, {@link io.trinity.pool.agent.RateLimitedException} pauses the provider's
 * resource and requeues the task without spending an attempt, and any other exception is a
 * retryable failure.
 *
 * <p>{@link io.trinity.pool.agent.AgentState} lists the agent lifecycle and every legal
 * transition; {@link io.trinity.pool.agent.AgentView} is the read-only view balancers get;
 * {@link io.trinity.pool.agent.AgentSnapshot} carries an agent's state to its clones.
 */
package io.trinity.pool.agent;
