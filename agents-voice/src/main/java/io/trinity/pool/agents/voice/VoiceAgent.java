package io.trinity.pool.agents.voice;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The built-in {@code voice} agent: audio analysis and speech synthesis, offline.
 *
 * <p>Field {@code op} chooses the work:
 * <ul>
 *   <li>{@code analyze}: attachment {@code audio} (WAV) in; duration, format, RMS and peak levels,
 *       silence segments and a pitch estimate out (see {@link AudioAnalyzer});</li>
 *   <li>{@code tts}: field {@code text} in; attachment {@code audio} ({@code audio/wav}) out with
 *       its analysis, made by the {@code espeak-ng} program, which must be installed (Debian
 *       package {@code espeak-ng}); without it the task fails at once saying so;</li>
 *   <li>{@code stt}: not available here; speech-to-text needs a configured speech endpoint, and
 *       the task fails at once saying so.</li>
 * </ul>
 * Fields and outputs are documented in {@code docs/agents/voice.md}.
 *
 * <p>Create with {@code VoiceAgent::new} as an {@link io.trinity.pool.agent.AgentFactory}.
 */
public final class VoiceAgent implements Agent {

    public static final List<String> OPS = List.of("analyze", "tts", "stt");
    static final int MAX_TEXT_CHARS = 10_000;
    /**
     * The longest speech {@code tts} makes: 600 s, a WAV of about 26 MB at espeak-ng's 22050 Hz,
     * 16-bit mono. The text limit alone does not bound it: 10,000 characters of short words at the
     * slowest speed speak for over 20 minutes.
     */
    static final long MAX_SPEECH_SECONDS = 600;
    /** espeak-ng's WAV header, before the samples. */
    private static final long WAV_HEADER_BYTES = 44;
    /** The most a second of espeak-ng's output takes: 22050 Hz, 16-bit, mono. */
    private static final long ESPEAK_BYTES_PER_SECOND = 22_050 * 2;

    private final AgentInit init;
    private final Supplier<Optional<Path>> espeak;
    private final long maxSpeechSeconds;

    public VoiceAgent(AgentInit init) {
        this(init, () -> Espeak.onPath(System.getenv("PATH")));
    }

    /** For tests that need a host without espeak-ng. */
    VoiceAgent(AgentInit init, Supplier<Optional<Path>> espeak) {
        this(init, espeak, MAX_SPEECH_SECONDS);
    }

    /** For tests of the speech limit that should not have to make ten minutes of it. */
    VoiceAgent(AgentInit init, Supplier<Optional<Path>> espeak, long maxSpeechSeconds) {
        this.init = Objects.requireNonNull(init, "init");
        this.espeak = Objects.requireNonNull(espeak, "espeak");
        this.maxSpeechSeconds = maxSpeechSeconds;
    }

    @Override
    public Payload execute(TaskContext ctx) throws IOException, InterruptedException {
        String op = Inputs.requireString(ctx, "op");
        return switch (op) {
            case "analyze" -> analyze(ctx);
            case "tts" -> tts(ctx);
            case "stt" -> throw new NonRetryableException("op 'stt' (speech-to-text) is not available in the"
                    + " built-in voice agent: it has no speech recogniser and needs a configured speech endpoint;"
                    + " use 'analyze' or 'tts' here, or send stt tasks to a voice agent backed by a speech service");
            default -> throw Inputs.bad("op", "must be one of " + String.join(", ", OPS), op);
        };
    }

    private static AudioAnalyzer.Settings settings(TaskContext ctx) {
        double minHz = Inputs.optDouble(ctx, "minPitchHz", 60, 20, 2000);
        double maxHz = Inputs.optDouble(ctx, "maxPitchHz", 1000, 20, 4000);
        if (maxHz < 2 * minHz) {
            throw Inputs.bad("maxPitchHz", "must be at least twice minPitchHz (" + minHz + ")", maxHz);
        }
        return new AudioAnalyzer.Settings(
                Inputs.optDouble(ctx, "silenceThresholdDb", -40, -120, 0),
                Inputs.optLong(ctx, "minSilenceMs", 200, 10, 3_600_000),
                minHz, maxHz);
    }

    private static Payload analyze(TaskContext ctx) {
        AudioAnalyzer.Settings settings = settings(ctx);
        Attachment audio = Inputs.requireAttachment(ctx, "audio");
        ctx.progress(0.02, "decoding " + audio.size() + " bytes");
        WavDecoder.Audio decoded = WavDecoder.decode(audio.bytes(), "audio");
        ctx.checkCancelled();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", "analyze");
        out.putAll(AudioAnalyzer.analyze(decoded, settings, ctx, 0.1, 0.98));
        ctx.progress(1.0, "done");
        return Payload.of(out);
    }

    private Payload tts(TaskContext ctx) throws IOException, InterruptedException {
        String text = Inputs.requireString(ctx, "text");
        if (text.isBlank()) {
            throw Inputs.bad("text", "is blank; give the words to speak", text);
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw Inputs.bad("text", "is " + text.length() + " characters, more than the limit of "
                    + MAX_TEXT_CHARS + "; split it", text);
        }
        String voice = Inputs.optString(ctx, "voice").orElse(null);
        if (voice != null && !voice.matches("[A-Za-z0-9][A-Za-z0-9_+/-]{0,39}")) {
            throw Inputs.bad("voice", "must be an espeak-ng voice name such as en-us or en+f3", voice);
        }
        Long speed = ctx.data().get("speed") == null ? null : Inputs.optLong(ctx, "speed", 175, 80, 450);
        AudioAnalyzer.Settings settings = settings(ctx);
        Path program = espeak.get().orElseThrow(Espeak::missing);

        ctx.progress(0.05, "synthesising " + text.length() + " characters with espeak-ng");
        Supplier<NonRetryableException> tooLong = () -> Inputs.bad("text", "is " + text.length()
                + " characters, which speak for more than the limit of " + maxSpeechSeconds + " s"
                + (speed == null ? "" : " at " + speed + " words a minute") + "; send a shorter text"
                + (speed == null ? "" : " or a higher speed"), text);
        byte[] wav = Espeak.synthesize(program, text, voice, speed,
                WAV_HEADER_BYTES + maxSpeechSeconds * ESPEAK_BYTES_PER_SECOND, tooLong, ctx);
        ctx.progress(0.6, "synthesised " + wav.length + " bytes; analysing");
        WavDecoder.Audio decoded = WavDecoder.decode(wav, "audio");
        if (decoded.durationMs() > maxSpeechSeconds * 1000.0) {
            throw tooLong.get(); // a voice that writes another format than 22050 Hz 16-bit mono
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", "tts");
        out.put("characters", text.length());
        out.put("voice", voice == null ? "default" : voice);
        out.put("bytes", wav.length);
        out.putAll(AudioAnalyzer.analyze(decoded, settings, ctx, 0.6, 0.98));
        ctx.progress(1.0, "done");
        return Payload.of(out).withAttachment("audio", Attachment.of("audio/wav", wav));
    }

    @Override
    public String toString() {
        return "VoiceAgent[" + init.agentId() + "]";
    }
}
