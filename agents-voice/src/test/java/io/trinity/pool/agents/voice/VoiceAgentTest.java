package io.trinity.pool.agents.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class VoiceAgentTest {

    private final VoiceAgent agent = new VoiceAgent(new AgentInit("voice-1", "voice", Optional.empty()));

    /** One segment of a test signal: a sine of this frequency and amplitude (0 Hz = silence). */
    record Tone(double hz, double amplitude, int ms) {
    }

    /** A WAV of the given tones in sequence, the same signal on every channel. */
    static byte[] wav(float rate, int bits, int channels, Tone... tones) throws IOException {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        long n = 0;
        for (Tone t : tones) {
            int count = Math.round(rate * t.ms() / 1000f);
            for (int i = 0; i < count; i++, n++) {
                double v = t.hz() == 0 ? 0 : t.amplitude() * Math.sin(2 * Math.PI * t.hz() * n / rate);
                for (int c = 0; c < channels; c++) {
                    if (bits == 8) {
                        pcm.write((int) Math.round(v * 127) + 128); // unsigned 8-bit
                    } else {
                        int s = (int) Math.round(v * 32767);
                        pcm.write(s & 0xFF);
                        pcm.write((s >> 8) & 0xFF);
                    }
                }
            }
        }
        AudioFormat format = new AudioFormat(bits == 8 ? AudioFormat.Encoding.PCM_UNSIGNED : AudioFormat.Encoding.PCM_SIGNED,
                rate, bits, channels, channels * bits / 8, rate, false);
        byte[] data = pcm.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(data), format, data.length / format.getFrameSize()),
                AudioFileFormat.Type.WAVE, out);
        return out.toByteArray();
    }

    private static FakeTaskContext ctx(String op, byte[] audio, Map<String, ?> fields) {
        Map<String, Object> data = new LinkedHashMap<>(fields);
        data.put("op", op);
        Task.Builder b = Task.builder("voice").input(data);
        if (audio != null) {
            b.attach("audio", "audio/wav", audio);
        }
        return new FakeTaskContext(b.build());
    }

    private Map<String, Object> analyze(byte[] audio, Map<String, ?> fields) throws Exception {
        return agent.execute(ctx("analyze", audio, fields)).data();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void measuresASineWithASilentGap() throws Exception {
        byte[] wav = wav(16_000, 16, 1, new Tone(440, 0.5, 1000), new Tone(0, 0, 500), new Tone(440, 0.5, 1000));
        Map<String, Object> out = analyze(wav, Map.of());

        assertThat(out).containsEntry("durationMs", 2500.0).containsEntry("sampleRate", 16000L)
                .containsEntry("channels", 1L).containsEntry("bitsPerSample", 16L).containsEntry("frames", 40000L);
        // 2 s of a 0.5 sine (RMS 0.5 / sqrt 2) in 2.5 s: sqrt(0.125 * 2 / 2.5)
        assertThat((Double) out.get("rms")).isCloseTo(Math.sqrt(0.1), within(1e-3));
        assertThat((Double) out.get("peak")).isCloseTo(0.5, within(1e-3));
        assertThat((Double) out.get("peakDbfs")).isCloseTo(-6.02, within(0.01));

        List<?> segments = (List<?>) map(out.get("silence")).get("segments");
        assertThat(segments).hasSize(1);
        assertThat((Long) map(segments.get(0)).get("startMs")).isCloseTo(1000L, within(10L));
        assertThat((Long) map(segments.get(0)).get("endMs")).isCloseTo(1500L, within(10L));

        Map<String, Object> pitch = map(out.get("pitch"));
        assertThat((Double) pitch.get("hz")).isCloseTo(440.0, within(3.0));
        assertThat((Long) pitch.get("voicedFrames")).isPositive();
    }

    @Test
    void levelsOfAKnownAmplitudeInDbfs() throws Exception {
        Map<String, Object> out = analyze(wav(16_000, 16, 1, new Tone(1000, 0.25, 500)), Map.of());

        assertThat((Double) out.get("rms")).isCloseTo(0.25 / Math.sqrt(2), within(1e-4));
        assertThat((Double) out.get("rmsDbfs")).isCloseTo(20 * Math.log10(0.25 / Math.sqrt(2)), within(0.01));
        assertThat((List<?>) map(out.get("silence")).get("segments")).isEmpty();
        assertThat((Double) map(out.get("pitch")).get("hz")).isCloseTo(1000.0, within(3.0));
    }

    @Test
    void readsStereoEightBitAndFindsLowPitch() throws Exception {
        byte[] wav = wav(8_000, 8, 2, new Tone(0, 0, 300), new Tone(220, 0.8, 700));
        Map<String, Object> out = analyze(wav, Map.of("minSilenceMs", 100));

        assertThat(out).containsEntry("channels", 2L).containsEntry("bitsPerSample", 8L)
                .containsEntry("encoding", "PCM_UNSIGNED").containsEntry("durationMs", 1000.0);
        assertThat((List<?>) out.get("channelLevels")).hasSize(2);
        assertThat((Double) map(out.get("pitch")).get("hz")).isCloseTo(220.0, within(3.0));
        List<?> segments = (List<?>) map(out.get("silence")).get("segments");
        assertThat(segments).hasSize(1);
        assertThat(map(segments.get(0))).containsEntry("startMs", 0L);
        assertThat((Long) map(segments.get(0)).get("endMs")).isCloseTo(300L, within(10L));
    }

    @Test
    void digitalSilenceHasNoPitchAndNoDbfs() throws Exception {
        Map<String, Object> out = analyze(wav(16_000, 16, 1, new Tone(0, 0, 400)), Map.of());

        assertThat(out.get("rms")).isEqualTo(0.0);
        assertThat(out.get("rmsDbfs")).isNull();
        assertThat(map(out.get("pitch")).get("hz")).isNull();
        assertThat(map(out.get("silence")).get("segments")).isEqualTo(List.of(Map.of("startMs", 0L, "endMs", 400L)));
    }

    @Test
    void notAWavIsRefusedWithItsFirstBytes() {
        byte[] mp3 = "ID3\u0004 rest of an mp3".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> analyze(mp3, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.audio: not a WAV file (first bytes 49 44 33 04; a WAV starts with 52 49 46 46"
                        + " 'RIFF' and has 'WAVE' at byte 8); send RIFF/WAVE PCM audio");
        byte[] brokenHeader = "RIFF\0\0\0\0WAVEjunkjunkjunk".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> analyze(brokenHeader, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.audio: has a RIFF/WAVE header but could not be read");
        assertThatThrownBy(() -> analyze(null, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.audio: attachment missing (attachments present: [])");
    }

    @Test
    void badFieldsAndOpsAreRefusedClearly() throws IOException {
        byte[] wav = wav(8_000, 16, 1, new Tone(300, 0.5, 100));
        assertThatThrownBy(() -> analyze(wav, Map.of("silenceThresholdDb", 6)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.silenceThresholdDb: must be between -120.0 and 0.0 (got 6)");
        assertThatThrownBy(() -> agent.execute(ctx("transcribe", wav, Map.of())))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: must be one of analyze, tts, stt (got 'transcribe')");
        assertThatThrownBy(() -> agent.execute(ctx("stt", wav, Map.of())))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("speech-to-text")
                .hasMessageContaining("needs a configured speech endpoint");
        assertThatThrownBy(() -> agent.execute(ctx("tts", null, Map.of("text", " "))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.text: is blank; give the words to speak (got ' ')");
        assertThatThrownBy(() -> agent.execute(ctx("tts", null, Map.of("text", "hi", "voice", "-x"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.voice: must be an espeak-ng voice name");
    }

    @Test
    void ttsWithoutEspeakNamesThePackageToInstall() {
        VoiceAgent bare = new VoiceAgent(new AgentInit("voice-2", "voice", Optional.empty()), Optional::empty);
        assertThatThrownBy(() -> bare.execute(ctx("tts", null, Map.of("text", "hello"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("needs the espeak-ng program")
                .hasMessageContaining("install the Debian package espeak-ng");
    }

    @Test
    void ttsMakesSpeechWhenEspeakIsInstalled() throws Exception {
        assumeTrue(Espeak.onPath(System.getenv("PATH")).isPresent(), "espeak-ng is not installed");
        FakeTaskContext ctx = ctx("tts", null, Map.of("text", "Hello from the agent pool. This is a test."));
        Payload out = agent.execute(ctx);

        Attachment audio = out.attachment("audio").orElseThrow();
        assertThat(audio.mediaType()).isEqualTo("audio/wav");
        assertThat(audio.size()).isGreaterThan(10_000);
        assertThat((Double) out.data().get("durationMs")).isBetween(1_000.0, 8_000.0);
        assertThat((Double) out.data().get("rms")).isPositive();
        Double hz = (Double) map(out.data().get("pitch")).get("hz");
        assertThat(hz).isNotNull().isBetween(60.0, 400.0);
        // the attachment is itself a readable WAV of that length
        Map<String, Object> again = analyze(audio.bytes(), Map.of());
        assertThat(again.get("durationMs")).isEqualTo(out.data().get("durationMs"));

        assertThatThrownBy(() -> agent.execute(ctx("tts", null, Map.of("text", "hi", "voice", "zz-nothing"))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.voice: espeak-ng does not know it");
    }

    @Test
    void ttsRefusesSpeechLongerThanTheLimit() throws Exception {
        assumeTrue(Espeak.onPath(System.getenv("PATH")).isPresent(), "espeak-ng is not installed");
        // 10 KB of text at the slowest speed: without a limit, 23 minutes and a 60 MB WAV
        String text = "ab ".repeat(3333);
        FakeTaskContext ctx = ctx("tts", null, Map.of("text", text, "speed", 80));
        assertThatThrownBy(() -> agent.execute(ctx))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.text: is 9999 characters, which speak for more than the limit of 600 s at 80"
                        + " words a minute; send a shorter text or a higher speed (got '" + "ab ".repeat(25) + "ab...')");
        assertThat(ctx.notes).noneMatch(n -> n.startsWith("synthesised"));

        // the same check on a sentence of about 3 s against a limit of 1 s
        VoiceAgent strict = new VoiceAgent(new AgentInit("voice-4", "voice", Optional.empty()),
                () -> Espeak.onPath(System.getenv("PATH")), 1);
        assertThatThrownBy(() -> strict.execute(ctx("tts", null, Map.of("text", "Hello from the agent pool. This is a test."))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.text: is 42 characters, which speak for more than the limit of 1 s; send a shorter"
                        + " text (got 'Hello from the agent pool. This is a test.')");
    }

    /** A mono or multi-channel WAV of 32-bit IEEE float samples, interleaved as given. */
    static byte[] floatWav(int rate, int channels, float... samples) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 4 * samples.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 4 * samples.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 3) // WAVE_FORMAT_IEEE_FLOAT
                .putShort((short) channels).putInt(rate).putInt(rate * channels * 4)
                .putShort((short) (channels * 4)).putShort((short) 32)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(4 * samples.length);
        for (float v : samples) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void nonFiniteFloatSamplesAreRefusedNamingTheSample() throws Exception {
        float[] fine = new float[800];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = (float) (0.5 * Math.sin(2 * Math.PI * 200 * i / 8000));
        }
        Map<String, Object> ok = analyze(floatWav(8000, 1, fine), Map.of());
        assertThat(ok).containsEntry("encoding", "PCM_FLOAT").containsEntry("bitsPerSample", 32L);
        assertThat((Double) ok.get("peak")).isCloseTo(0.5, within(1e-3));

        float[] nan = fine.clone();
        nan[2] = Float.NaN;
        assertThatThrownBy(() -> analyze(floatWav(8000, 1, nan), Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.audio: float sample 2 (frame 2, channel 0) is NaN; samples must be finite numbers"
                        + " (full scale is -1.0..1.0)");
        float[] allNan = new float[800];
        java.util.Arrays.fill(allNan, Float.NaN);
        assertThatThrownBy(() -> analyze(floatWav(8000, 1, allNan), Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.audio: float sample 0 (frame 0, channel 0) is NaN");
        float[] stereo = new float[1600];
        stereo[3] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> analyze(floatWav(8000, 2, stereo), Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.audio: float sample 3 (frame 1, channel 1) is Infinity;");
    }

    @Test
    void absurdSampleRatesAreRefused() throws Exception {
        assertThatThrownBy(() -> analyze(wav(3, 16, 1, new Tone(1, 0.5, 10_000)), Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.audio: the WAV's sample rate is 3 Hz, outside 1000..384000 Hz; resample it (8000,"
                        + " 16000, 44100 and 48000 Hz are common)");
        assertThatThrownBy(() -> analyze(floatWav(1_000_000, 1, new float[100]), Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.audio: the WAV's sample rate is 1000000 Hz, outside 1000..384000 Hz");
        // the lowest rate accepted is measured; its pitch stays in range
        Map<String, Object> low = analyze(wav(1000, 16, 1, new Tone(100, 0.5, 1000)), Map.of());
        assertThat(low).containsEntry("sampleRate", 1000L);
        assertThat((Double) map(low.get("pitch")).get("hz")).isCloseTo(100.0, within(3.0));
    }

    @Test
    void pitchIsWithinItsRangeOrNull() throws Exception {
        // 57 Hz is under the default 60 Hz: the lag search reaches 59.9 Hz at its edge, which must not vote
        for (double hz : List.of(57.0, 58.0, 59.0)) {
            Map<String, Object> pitch = map(analyze(wav(16_000, 16, 1, new Tone(hz, 0.5, 2000)), Map.of()).get("pitch"));
            for (String key : List.of("hz", "minHz", "maxHz")) {
                if (pitch.get(key) != null) {
                    assertThat((Double) pitch.get(key)).as(hz + " Hz tone: " + key).isBetween(60.0, 1000.0);
                }
            }
        }
        // a tone inside the range is still found
        assertThat((Double) map(analyze(wav(16_000, 16, 1, new Tone(70, 0.5, 2000)), Map.of()).get("pitch")).get("hz"))
                .isCloseTo(70.0, within(1.0));
    }

    @Test
    void stopsWhenCancelled() throws IOException {
        FakeTaskContext ctx = ctx("analyze", wav(8_000, 16, 1, new Tone(300, 0.5, 200)), Map.of());
        ctx.cancel();
        assertThatThrownBy(() -> agent.execute(ctx)).isInstanceOf(CancellationException.class);
    }

    @Test
    void isAnAgentFactory() throws Exception {
        AgentFactory factory = VoiceAgent::new;
        Payload out = factory.create(new AgentInit("voice-3", "voice", Optional.empty()))
                .execute(ctx("analyze", wav(8_000, 16, 1, new Tone(300, 0.5, 200)), Map.of()));
        assertThat(out.data()).containsEntry("durationMs", 200.0);
    }
}
