/**
 * Load balancing: which agent runs each attempt.
 *
 * <p>A {@link io.trinity.pool.balance.LoadBalancer} is one small class behind one call,
 * {@code select}, plus lifecycle callbacks that let it keep its own indexes; it is created per
 * pool by a {@link io.trinity.pool.balance.LoadBalancer.Factory} with a
 * {@link io.trinity.pool.balance.BalancerContext} (the pool's clock, seeded randomness and
 * {@link io.trinity.pool.balance.BalancerSettings}). Balancers run only on the control loop, so
 * their state needs no synchronisation, and must be quick: dispatch cost stays independent of
 * pool size.
 *
 * <p>Four are built in ({@link io.trinity.pool.balance.Balancers}): round-robin, least-loaded
 * (the default; power of two choices past a threshold), skill-aware (decayed per-agent skill
 * profiles with exploration) and affinity (consistent hashing with bounded load). Register more
 * with {@code PoolBuilder.balancer(name, factory)}; a task picks one by name.
 */
package io.trinity.pool.balance;
