/**
 * Trinity Agent Pool core: elastic pools of typed agents.
 * Only API packages are exported; engines live in non-exported packages.
 */
module io.trinity.pool {
    requires org.slf4j;

    exports io.trinity.pool;
    exports io.trinity.pool.agent;
    exports io.trinity.pool.balance;
    exports io.trinity.pool.event;
    exports io.trinity.pool.time;
    exports io.trinity.pool.spawn;
    exports io.trinity.pool.sim;
    exports io.trinity.pool.tenant;
    exports io.trinity.pool.limit;
    exports io.trinity.pool.budget;
    exports io.trinity.pool.journal;
}
