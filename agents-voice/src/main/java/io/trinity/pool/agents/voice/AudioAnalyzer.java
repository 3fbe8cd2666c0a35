package io.trinity.pool.agents.voice;

import io.trinity.pool.agent.TaskContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures decoded audio: levels, silence and pitch.
 *
 * <p>Levels: RMS and peak of the samples, linear in 0..1 and in dBFS as {@code 20 log10(level)},
 * so a full-scale square wave is 0 dBFS and a full-scale sine has an RMS of -3.01 dBFS; digital
 * silence has no dBFS value (null). Silence: the channels are averaged and cut into
 * {@value #WINDOW_MS} ms windows; a window whose RMS is under the threshold is silent, and runs
 * of silent windows at least {@code minSilenceMs} long are reported. Pitch: YIN on frames that
 * are not silent, at most {@value #MAX_PITCH_FRAMES} of them spread evenly, and the median of the
 * frames that have a clear period within the pitch range (so the answer is in the range, or null).
 */
final class AudioAnalyzer {

    static final int WINDOW_MS = 10;
    static final int MAX_PITCH_FRAMES = 400;

    record Settings(double silenceThresholdDb, long minSilenceMs, double minPitchHz, double maxPitchHz) {
    }

    private AudioAnalyzer() {
    }

    static Map<String, Object> analyze(WavDecoder.Audio audio, Settings s, TaskContext ctx, double from, double to) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("durationMs", round(audio.durationMs(), 1));
        float rate = audio.sampleRate();
        out.put("sampleRate", rate == Math.rint(rate) ? (Object) (long) rate : (Object) (double) rate);
        out.put("channels", audio.channels());
        out.put("bitsPerSample", audio.bits());
        out.put("encoding", audio.encoding());
        out.put("frames", audio.frames());

        double sumSquares = 0;
        double peak = 0;
        List<Map<String, Object>> perChannel = new ArrayList<>();
        for (float[] ch : audio.samples()) {
            double ss = 0;
            double p = 0;
            for (float v : ch) {
                ss += (double) v * v;
                p = Math.max(p, Math.abs(v));
            }
            sumSquares += ss;
            peak = Math.max(peak, p);
            perChannel.add(levels(Math.sqrt(ss / ch.length), p));
        }
        out.putAll(levels(Math.sqrt(sumSquares / ((double) audio.frames() * audio.channels())), peak));
        out.put("channelLevels", perChannel);
        ctx.checkCancelled();
        ctx.progress(from + (to - from) * 0.2, "levels measured");

        float[] mono = audio.mono();
        out.put("silence", silence(mono, rate, s));
        ctx.checkCancelled();
        ctx.progress(from + (to - from) * 0.4, "silence found");

        out.put("pitch", pitch(mono, rate, s, ctx, from + (to - from) * 0.4, to));
        return out;
    }

    private static Map<String, Object> levels(double rms, double peak) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rms", round(rms, 6));
        m.put("rmsDbfs", dbfs(rms));
        m.put("peak", round(peak, 6));
        m.put("peakDbfs", dbfs(peak));
        return m;
    }

    private static Map<String, Object> silence(float[] x, float rate, Settings s) {
        int window = Math.max(1, Math.round(rate * WINDOW_MS / 1000f));
        double threshold = Math.pow(10, s.silenceThresholdDb() / 20);
        List<Map<String, Object>> segments = new ArrayList<>();
        long totalMs = 0;
        int runStart = -1;
        int windows = (x.length + window - 1) / window;
        for (int w = 0; w <= windows; w++) { // one step past the end closes a run that reaches it
            int start = w * window;
            boolean silent = false;
            if (w < windows) {
                int end = Math.min(x.length, start + window);
                double ss = 0;
                for (int i = start; i < end; i++) {
                    ss += (double) x[i] * x[i];
                }
                silent = Math.sqrt(ss / (end - start)) < threshold;
            }
            if (silent && runStart < 0) {
                runStart = start;
            } else if (!silent && runStart >= 0) {
                long startMs = Math.round(runStart * 1000.0 / rate);
                long endMs = Math.round(Math.min(start, x.length) * 1000.0 / rate);
                if (endMs - startMs >= s.minSilenceMs()) {
                    Map<String, Object> seg = new LinkedHashMap<>();
                    seg.put("startMs", startMs);
                    seg.put("endMs", endMs);
                    segments.add(seg);
                    totalMs += endMs - startMs;
                }
                runStart = -1;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("thresholdDb", s.silenceThresholdDb());
        m.put("minMs", s.minSilenceMs());
        m.put("windowMs", WINDOW_MS);
        m.put("segments", segments);
        m.put("totalMs", totalMs);
        return m;
    }

    private static Map<String, Object> pitch(float[] x, float rate, Settings s, TaskContext ctx, double from, double to) {
        Yin yin = new Yin(rate, s.minPitchHz(), s.maxPitchHz());
        int frame = yin.frameLength();
        double threshold = Math.pow(10, s.silenceThresholdDb() / 20);
        List<Integer> loud = new ArrayList<>();
        for (int start = 0; start + frame <= x.length; start += frame / 2) {
            double ss = 0;
            for (int i = start; i < start + frame; i++) {
                ss += (double) x[i] * x[i];
            }
            if (Math.sqrt(ss / frame) >= threshold) {
                loud.add(start);
            }
        }
        int analysed = Math.min(MAX_PITCH_FRAMES, loud.size());
        double[] found = new double[analysed];
        int voiced = 0;
        for (int k = 0; k < analysed; k++) {
            if (k % 20 == 0) {
                ctx.checkCancelled();
                ctx.progress(from + (to - from) * k / analysed, "pitch");
            }
            // spread evenly over the loud frames, so long audio costs a bounded amount
            int start = loud.get((int) ((long) k * loud.size() / analysed));
            double hz = yin.estimate(x, start);
            if (!Double.isNaN(hz)) {
                found[voiced++] = hz;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        double[] f = Arrays.copyOf(found, voiced);
        Arrays.sort(f);
        m.put("hz", voiced == 0 ? null : round(median(f), 2));
        m.put("minHz", voiced == 0 ? null : round(f[0], 2));
        m.put("maxHz", voiced == 0 ? null : round(f[voiced - 1], 2));
        m.put("voicedFrames", voiced);
        m.put("framesAnalysed", analysed);
        m.put("rangeHz", List.of(s.minPitchHz(), s.maxPitchHz()));
        return m;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Double dbfs(double level) {
        return level <= 0 ? null : round(20 * Math.log10(level), 2);
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
