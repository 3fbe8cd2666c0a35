package io.trinity.pool.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Inputs the demo makes for the built-in agents, seeded so a run is repeatable: a picture drawn
 * with java.awt, a WAV synthesised sample by sample, a sales CSV, Java sources of varying
 * complexity, and a handful of documents for retrieval.
 */
final class DemoInputs {

    private DemoInputs() {
    }

    /** A PNG of {@code w} x {@code h}: a gradient sky, a sun, hills and a label. */
    static byte[] png(int w, int h, long seed) {
        System.setProperty("java.awt.headless", "true");
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color top = Color.getHSBColor((float) r.nextDouble(), 0.5f, 0.95f);
            g.setPaint(new GradientPaint(0, 0, top, 0, h, Color.WHITE));
            g.fillRect(0, 0, w, h);
            g.setColor(new Color(255, 200, 40));
            int sun = h / 5;
            g.fillOval(w / 2 + r.nextInt(Math.max(1, w / 3)), h / 10, sun, sun);
            for (int k = 0; k < 3; k++) {
                g.setColor(Color.getHSBColor(0.25f + 0.05f * k, 0.6f, 0.35f + 0.15f * k));
                int cx = r.nextInt(w);
                g.fillOval(cx - w / 2, h / 2 + k * h / 10, w, h);
            }
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(Math.max(1, w / 200f)));
            g.drawRect(w / 20, h / 20, w - w / 10, h - h / 10);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, h / 12)));
            g.drawString("tri spawn #" + seed, w / 12, h - h / 12);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A 16-bit mono WAV: a tone at {@code hz} with a little vibrato, a pause of silence in the
     * middle, and a quieter second tone an octave up.
     */
    static byte[] wav(double hz, double seconds, int sampleRate) {
        int n = (int) (seconds * sampleRate);
        ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / n;
            double amp = t < 0.4 ? 0.6 : t < 0.55 ? 0 : 0.3;
            double f = (t < 0.55 ? hz : 2 * hz) * (1 + 0.005 * Math.sin(2 * Math.PI * 5 * i / sampleRate));
            phase += 2 * Math.PI * f / sampleRate;
            double fade = Math.min(1, Math.min(i, n - i) / (0.01 * sampleRate));
            pcm.putShort((short) Math.round(Short.MAX_VALUE * amp * fade * Math.sin(phase)));
        }
        ByteBuffer wav = ByteBuffer.allocate(44 + n * 2).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + n * 2)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(n * 2).put(pcm.array());
        return wav.array();
    }

    /** Sales rows: region, product, units, price, with a few missing prices. */
    static String csv(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] regions = {"north", "south", "east", "west"};
        String[] products = {"widget", "gadget", "gizmo", "doohickey"};
        StringBuilder sb = new StringBuilder("region,product,units,price\n");
        for (int i = 0; i < rows; i++) {
            sb.append(regions[r.nextInt(regions.length)]).append(',').append(products[r.nextInt(products.length)])
                    .append(',').append(1 + r.nextInt(50)).append(',');
            if (r.nextInt(20) != 0) {
                sb.append(String.format(Locale.ROOT, "%.2f", 2 + r.nextDouble() * 98));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * A Java class named {@code Demo<i>} with {@code methods} methods of growing branching; every
     * fifth source leaves a raw type in so the analysis has a warning to find.
     */
    static String javaSource(int i, int methods) {
        StringBuilder sb = new StringBuilder("import java.util.*;\n\n/** Generated by tri spawn. */\npublic class Demo")
                .append(i).append(" {\n");
        for (int m = 0; m < methods; m++) {
            sb.append("    static int m").append(m).append("(int x) {\n        int acc = 0;\n");
            for (int b = 0; b <= m % 5; b++) {
                sb.append("        if (x > ").append(b * 3).append(") {\n            acc += x % ").append(b + 2)
                        .append(";\n        }\n");
            }
            sb.append("        for (int k = 0; k < x; k++) {\n            acc ^= k;\n        }\n        return acc;\n    }\n\n");
        }
        if (i % 5 == 0) {
            sb.append("    static List raw() {\n        return new ArrayList();\n    }\n\n");
        }
        sb.append("    public static void main(String[] args) {\n        System.out.println(m0(args.length));\n    }\n}\n");
        return sb.toString();
    }

    /** A few short documents about pools, for BM25 retrieval. */
    static List<Map<String, Object>> documents() {
        String[][] docs = {
                {"warm", "A warm pool keeps agents ready so a task arriving after a quiet spell starts without a cold start."},
                {"idle", "An agent idle longer than the idle timeout is destroyed, unless it belongs to the warm pool."},
                {"stuck", "The health monitor marks a busy agent stuck when it reports no progress for the stuck threshold."},
                {"affinity", "Affinity routing sends tasks with the same key to the same agent while its load allows."},
                {"preempt", "A high priority task may preempt lower priority work when the pool is at its maximum size."},
                {"spawn", "Spawns are rate limited so a burst of tasks cannot start a thundering herd of agents."}};
        List<Map<String, Object>> out = new ArrayList<>();
        for (String[] d : docs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d[0]);
            m.put("text", d[1]);
            out.add(m);
        }
        return out;
    }
}
