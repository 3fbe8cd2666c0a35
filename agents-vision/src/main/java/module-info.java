/** The {@code vision} agent: image operations on PNG, JPEG, GIF and BMP. */
module io.trinity.pool.agents.vision {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;
    requires java.desktop;  // javax.imageio and java.awt.image

    exports io.trinity.pool.agents.vision;
}
