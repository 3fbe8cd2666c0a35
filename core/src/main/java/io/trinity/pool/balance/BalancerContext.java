package io.trinity.pool.balance;

import io.trinity.pool.time.PoolClock;
import java.util.random.RandomGenerator;

/**
 * What a balancer gets from its pool.
 *
 * @param clock            the pool's clock (for TTLs and decay)
 * @param random           seeded by the pool, so a virtual-time run replays exactly
 * @param settings         balancer settings from the pool config
 */
public record BalancerContext(PoolClock clock, RandomGenerator random, BalancerSettings settings) {
}
