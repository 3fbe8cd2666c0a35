/** The {@code voice} agent: WAV analysis and text-to-speech through espeak-ng. */
module io.trinity.pool.agents.voice {
    requires transitive io.trinity.pool;
    requires io.trinity.pool.agents.common;
    requires java.desktop;  // javax.sound.sampled

    exports io.trinity.pool.agents.voice;
}
