/** Needs only the code agent's module: core comes with it (requires transitive), and so do the JDK modules it uses. */
module com.example.modular {
    requires io.trinity.pool.agents.code;
}
