/**
 * Pacing of rate-limited resources, such as a provider's model.
 *
 * <p>A {@link io.trinity.pool.limit.ResourceLimit} states a resource's quota: requests and
 * tokens per rolling minute, requests in flight, and the bounds of a pause after a provider's
 * 429. The pool starts a task only when each resource it uses has room
 * ({@link io.trinity.pool.limit.ResourcePacer}, a sliding log that holds the limit in every
 * 60-second window), and a 429 ({@link io.trinity.pool.agent.RateLimitedException}) pauses the
 * resource and requeues the task without spending an attempt.
 */
package io.trinity.pool.limit;
