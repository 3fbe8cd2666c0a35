/**
 * Tenants: who shares the pool, and how.
 *
 * <p>Each task is charged to a tenant ({@code Task.Builder.tenant}). A
 * {@link io.trinity.pool.tenant.TenantConfig} gives a tenant a weight (its share of each agent
 * type while tenants compete), limits on its queued and running tasks, and a budget. Tenants
 * nobody configured get weight 1 and no limits. A tenant at its queued limit is refused at
 * submit; one at its running limit waits without holding others back. See docs/fairness.md.
 */
package io.trinity.pool.tenant;
