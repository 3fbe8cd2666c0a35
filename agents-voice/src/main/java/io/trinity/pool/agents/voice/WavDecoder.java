package io.trinity.pool.agents.voice;

import io.trinity.pool.agent.NonRetryableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads a WAV file into floating-point samples in [-1, 1) per channel, with
 * {@code javax.sound.sampled}. Integer PCM of 8 (unsigned or signed), 16, 24 or 32 bits and
 * 32-bit float are read directly; mu-law and A-law are converted to 16-bit PCM first.
 */
final class WavDecoder {

    /** Longer audio is refused: the whole signal is held in memory as floats. */
    static final double MAX_SECONDS = 3600;
    /**
     * The lowest sample rate read. Below it a WAV cannot hold even the lowest voice pitches with
     * their harmonics (it could hold nothing above 500 Hz), and a header such as 3 Hz is a mistake.
     */
    static final float MIN_SAMPLE_RATE = 1000;
    /**
     * The highest sample rate read: the highest in common use. The pitch search's cost grows with
     * the square of the rate (its lags are counted in samples), and a bogus header of billions of
     * frames a second would make it allocate gigabytes.
     */
    static final float MAX_SAMPLE_RATE = 384_000;

    /** Decoded audio; {@code samples[channel][frame]}. */
    record Audio(float[][] samples, float sampleRate, int bits, String encoding) {
        int channels() {
            return samples.length;
        }

        int frames() {
            return samples[0].length;
        }

        double durationMs() {
            return frames() * 1000.0 / sampleRate;
        }

        /** The channels averaged, which is what level-independent analyses look at. */
        float[] mono() {
            if (samples.length == 1) {
                return samples[0];
            }
            float[] m = new float[frames()];
            for (float[] ch : samples) {
                for (int i = 0; i < m.length; i++) {
                    m[i] += ch[i] / samples.length;
                }
            }
            return m;
        }
    }

    /** 1 / 2^(8n-1): maps an n-byte signed sample to [-1, 1). */
    private static final double[] FULL_SCALE = {0, 1.0 / (1L << 7), 1.0 / (1L << 15), 1.0 / (1L << 23), 1.0 / (1L << 31)};

    private WavDecoder() {
    }

    static Audio decode(byte[] bytes, String field) {
        if (bytes.length < 12 || !ascii(bytes, 0, "RIFF") || !ascii(bytes, 8, "WAVE")) {
            throw new NonRetryableException("input." + field + ": not a WAV file (first bytes " + firstBytes(bytes)
                    + "; a WAV starts with 52 49 46 46 'RIFF' and has 'WAVE' at byte 8); send RIFF/WAVE PCM audio");
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            float rate = in.getFormat().getSampleRate();
            if (!(rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE)) {
                throw new NonRetryableException("input." + field + ": the WAV's sample rate is " + hz(rate)
                        + " Hz, outside " + hz(MIN_SAMPLE_RATE) + ".." + hz(MAX_SAMPLE_RATE)
                        + " Hz; resample it (8000, 16000, 44100 and 48000 Hz are common)");
            }
            AudioInputStream pcm = toReadablePcm(in, field);
            AudioFormat f = pcm.getFormat();
            byte[] data = pcm.readAllBytes();
            int frameSize = f.getFrameSize();
            int frames = data.length / frameSize;
            if (frames == 0) {
                throw new NonRetryableException("input." + field + ": the WAV holds no audio frames ("
                        + data.length + " data bytes); send a recording that is not empty");
            }
            if (frames / f.getSampleRate() > MAX_SECONDS) {
                throw new NonRetryableException("input." + field + ": the WAV is " + Math.round(frames / f.getSampleRate())
                        + " s long, more than the limit of " + (long) MAX_SECONDS + " s; split it first");
            }
            return new Audio(samples(data, f, frames, field), f.getSampleRate(), f.getSampleSizeInBits(),
                    f.getEncoding().toString());
        } catch (UnsupportedAudioFileException | IOException e) {
            throw new NonRetryableException("input." + field + ": has a RIFF/WAVE header but could not be read ("
                    + e.getMessage() + "); send PCM WAV audio", e);
        }
    }

    private static AudioInputStream toReadablePcm(AudioInputStream in, String field) {
        AudioFormat f = in.getFormat();
        AudioFormat.Encoding enc = f.getEncoding();
        int bits = f.getSampleSizeInBits();
        boolean direct = (enc.equals(AudioFormat.Encoding.PCM_SIGNED) && (bits == 8 || bits == 16 || bits == 24 || bits == 32))
                || (enc.equals(AudioFormat.Encoding.PCM_UNSIGNED) && bits == 8)
                || (enc.equals(AudioFormat.Encoding.PCM_FLOAT) && bits == 32);
        if (direct) {
            return in;
        }
        AudioFormat target = new AudioFormat(f.getSampleRate(), 16, f.getChannels(), true, false);
        if (AudioSystem.isConversionSupported(target, f)) {
            return AudioSystem.getAudioInputStream(target, in);
        }
        throw new NonRetryableException("input." + field + ": WAV encoding " + enc + " with " + bits
                + " bits per sample is not supported; send 8/16/24/32-bit PCM, 32-bit float, mu-law or A-law");
    }

    /**
     * The samples per channel. A 32-bit float sample must be a finite number: NaN or infinity is
     * refused, naming its index (counted over all channels, as the data chunk holds them).
     */
    private static float[][] samples(byte[] data, AudioFormat f, int frames, String field) {
        int channels = f.getChannels();
        int bytesPerSample = f.getFrameSize() / channels;
        boolean big = f.isBigEndian();
        AudioFormat.Encoding enc = f.getEncoding();
        boolean floats = enc.equals(AudioFormat.Encoding.PCM_FLOAT);
        float[][] out = new float[channels][frames];
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                int at = i * f.getFrameSize() + c * bytesPerSample;
                float v = sample(data, at, bytesPerSample, big, enc);
                if (floats && !Float.isFinite(v)) {
                    throw new NonRetryableException("input." + field + ": float sample " + ((long) i * channels + c)
                            + " (frame " + i + ", channel " + c + ") is " + v
                            + "; samples must be finite numbers (full scale is -1.0..1.0)");
                }
                out[c][i] = v;
            }
        }
        return out;
    }

    private static String hz(float rate) {
        return rate == Math.rint(rate) && Math.abs(rate) < 1e15 ? Long.toString((long) rate) : Float.toString(rate);
    }

    private static float sample(byte[] d, int at, int n, boolean big, AudioFormat.Encoding enc) {
        if (n == 1) {
            return enc.equals(AudioFormat.Encoding.PCM_UNSIGNED) ? ((d[at] & 0xFF) - 128) / 128f : d[at] / 128f;
        }
        long v = 0;
        for (int k = 0; k < n; k++) {
            int b = d[at + (big ? k : n - 1 - k)] & 0xFF; // most significant byte first
            v = (v << 8) | b;
        }
        if (enc.equals(AudioFormat.Encoding.PCM_FLOAT)) {
            return Float.intBitsToFloat((int) v);
        }
        long signed = (v << (64 - 8 * n)) >> (64 - 8 * n); // sign-extend
        return (float) (signed * FULL_SCALE[n]);
    }

    private static boolean ascii(byte[] b, int at, String s) {
        return new String(b, at, s.length(), StandardCharsets.US_ASCII).equals(s);
    }

    private static String firstBytes(byte[] b) {
        return b.length == 0 ? "none: the attachment is empty"
                : HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b, 0, Math.min(4, b.length));
    }
}
