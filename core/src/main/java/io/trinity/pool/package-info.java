/**
 * Trinity Agent Pool: elastic pools of typed agents. Start at {@link io.trinity.pool.AgentPool}.
 *
 * <p>A pool is built with {@link io.trinity.pool.AgentPool#builder()}: register an
 * {@link io.trinity.pool.AgentType} (a name, an {@link io.trinity.pool.agent.AgentFactory} and
 * per-type limits) for each kind of work, give it a {@link io.trinity.pool.PoolConfig} (immutable,
 * validated, every default a named constant), then {@link io.trinity.pool.AgentPool#submit submit}
 * {@link io.trinity.pool.Task}s. Agents spawn on demand and are destroyed when idle; a load
 * balancer picks the agent of each attempt; an auto-scaler, a warm pool and a health monitor
 * keep the pool sized and sound.
 *
 * <h2>Contracts</h2>
 * <ul>
 *   <li><b>Plain data.</b> A task's input and result are a {@link io.trinity.pool.Payload}:
 *       JSON-like values ({@link io.trinity.pool.PlainData}) plus binary
 *       {@link io.trinity.pool.Attachment}s, deep-copied and immutable. Live objects are refused.</li>
 *   <li><b>Never blocks, never loses.</b> {@code submit} accepts a task or throws a
 *       {@link io.trinity.pool.PoolException} subclass at once. Every accepted task ends in
 *       exactly one final {@link io.trinity.pool.TaskState}, reported by its
 *       {@link io.trinity.pool.TaskHandle}'s future; failures complete it with a
 *       {@link io.trinity.pool.TaskFailedException} naming the reason of every attempt.</li>
 *   <li><b>One writer.</b> All pool state is owned by one control loop; the public API is
 *       thread-safe and callers never hold a lock. Futures complete and listeners run on that
 *       loop, so follow-up work that blocks belongs on the {@code *Async} methods.</li>
 *   <li><b>Injected time.</b> Every timeout and interval uses a
 *       {@link io.trinity.pool.time.PoolClock}; with a {@link io.trinity.pool.time.VirtualClock}
 *       ({@link io.trinity.pool.PoolBuilder#deterministic}) a run is single-threaded and
 *       replays exactly.</li>
 *   <li><b>Nulls.</b> Parameters are non-null unless documented otherwise; optional values are
 *       returned as {@link java.util.Optional} or documented as nullable.</li>
 * </ul>
 *
 * <p>The other exported packages: {@code agent} (the agent SPI), {@code balance} (load
 * balancers), {@code spawn} (spawning strategies), {@code event} (events and the event log),
 * {@code time} (clocks), {@code sim} (simulated agents), {@code tenant}, {@code limit} and
 * {@code budget} (fair sharing, provider pacing and spending caps).
 */
package io.trinity.pool;
