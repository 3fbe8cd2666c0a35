package io.trinity.pool.agents.vision;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The built-in {@code vision} agent: classic image processing, offline, with
 * {@code javax.imageio} and headless {@code java.awt}.
 *
 * <p>Input: attachment {@code image} (PNG, JPEG, GIF or BMP, recognised by its first bytes; the
 * first frame of a GIF) and field {@code op}, one of {@code info}, {@code thumbnail},
 * {@code resize}, {@code grayscale}, {@code histogram}, {@code edges},
 * {@code dominant-colors}. Images come back as the PNG attachment {@code image}. Every result
 * also holds the input's {@code format}, {@code width}, {@code height} and {@code hasAlpha}.
 * Fields and outputs per op are documented in {@code docs/agents/vision.md}.
 *
 * <p>Create with {@code VisionAgent::new} as an {@link io.trinity.pool.agent.AgentFactory}.
 */
public final class VisionAgent implements Agent {

    public static final List<String> OPS = List.of("info", "thumbnail", "resize", "grayscale", "histogram",
            "edges", "dominant-colors");
    static final int THUMBNAIL_BOX = 128;
    static final int MAX_SIDE = 10_000;
    static final int MAX_K = 16;

    private final AgentInit init;

    public VisionAgent(AgentInit init) {
        this.init = Objects.requireNonNull(init, "init");
    }

    /** The op's own fields, checked before the image is decoded so bad input fails cheaply. */
    private record Params(String op, long width, long height, int k, long seed) {
    }

    @Override
    public Payload execute(TaskContext ctx) {
        Params p = params(ctx);
        Attachment attachment = Inputs.requireAttachment(ctx, "image");
        ctx.progress(0.02, "decoding " + attachment.size() + " bytes");
        ImageDecoder.Decoded decoded = ImageDecoder.decode(attachment.bytes(), "image");
        BufferedImage image = decoded.image();
        ctx.checkCancelled();
        ctx.progress(0.1, "decoded " + decoded.format() + " " + image.getWidth() + "x" + image.getHeight());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", p.op());
        out.put("format", decoded.format().name());
        out.put("width", image.getWidth());
        out.put("height", image.getHeight());
        out.put("hasAlpha", image.getColorModel().hasAlpha());
        Rows rows = new Rows(ctx, 0.1, 0.9, p.op());
        BufferedImage result = switch (p.op()) {
            case "info" -> null;
            case "thumbnail", "resize" -> resize(image, p, out, rows);
            case "grayscale" -> ImageOps.grayscale(image, rows);
            case "histogram" -> {
                histogram(ImageOps.histogram(image, rows), out);
                yield null;
            }
            case "edges" -> {
                ImageOps.Edges edges = ImageOps.sobel(image, rows);
                out.put("meanStrength", round(edges.meanStrength(), 6));
                out.put("maxStrength", round(edges.maxStrength(), 6));
                yield edges.image();
            }
            case "dominant-colors" -> {
                colors(DominantColors.find(image, p.k(), p.seed(), rows), p, out);
                yield null;
            }
            default -> throw new IllegalStateException("op checked in params(): " + p.op());
        };
        Payload payload = Payload.of(out);
        if (result != null) {
            ctx.progress(0.9, "encoding PNG");
            payload = payload.withAttachment("image", Attachment.of("image/png", ImageDecoder.png(result)));
        }
        ctx.progress(1.0, "done");
        return payload;
    }

    private static Params params(TaskContext ctx) {
        String op = Inputs.requireString(ctx, "op");
        return switch (op) {
            case "info", "grayscale", "histogram", "edges" -> new Params(op, 0, 0, 0, 0);
            case "thumbnail" -> new Params(op, Inputs.optLong(ctx, "width", THUMBNAIL_BOX, 1, MAX_SIDE),
                    Inputs.optLong(ctx, "height", THUMBNAIL_BOX, 1, MAX_SIDE), 0, 0);
            case "resize" -> {
                long w = Inputs.optLong(ctx, "width", 0, 1, MAX_SIDE);
                long h = Inputs.optLong(ctx, "height", 0, 1, MAX_SIDE);
                if (w == 0 && h == 0) {
                    throw Inputs.bad("width", "resize needs width, height or both (the image keeps its aspect"
                            + " ratio inside them)", null);
                }
                yield new Params(op, w, h, 0, 0);
            }
            case "dominant-colors" -> new Params(op, 0, 0, (int) Inputs.optLong(ctx, "k", 5, 1, MAX_K),
                    Inputs.optLong(ctx, "seed", 42, Long.MIN_VALUE, Long.MAX_VALUE));
            default -> throw Inputs.bad("op", "must be one of " + String.join(", ", OPS), op);
        };
    }

    /**
     * Fits the image inside the requested box, keeping its aspect ratio; a thumbnail never grows
     * the image, a resize may. A missing side of a resize does not constrain.
     */
    private static BufferedImage resize(BufferedImage image, Params p, Map<String, Object> out, Rows rows) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        double scale = Math.min(p.width() == 0 ? Double.MAX_VALUE : (double) p.width() / sw,
                p.height() == 0 ? Double.MAX_VALUE : (double) p.height() / sh);
        if (p.op().equals("thumbnail")) {
            scale = Math.min(1.0, scale);
        }
        int w = (int) Math.max(1, Math.round(sw * scale));
        int h = (int) Math.max(1, Math.round(sh * scale));
        if ((long) w * h > ImageDecoder.MAX_PIXELS) {
            throw Inputs.bad("width", "would make a " + w + "x" + h + " image, more than "
                    + ImageDecoder.MAX_PIXELS + " pixels; ask for a smaller size", p.width());
        }
        ImageOps.Resized resized = ImageOps.resize(image, w, h, rows);
        out.put("outputWidth", w);
        out.put("outputHeight", h);
        out.put("passes", resized.passes());
        return resized.image();
    }

    private static void histogram(ImageOps.Histogram hist, Map<String, Object> out) {
        out.put("pixels", hist.pixels());
        Map<String, Object> mean = new LinkedHashMap<>();
        mean.put("red", round(mean(hist.red(), hist.pixels()), 3));
        mean.put("green", round(mean(hist.green(), hist.pixels()), 3));
        mean.put("blue", round(mean(hist.blue(), hist.pixels()), 3));
        out.put("mean", mean);
        out.put("red", Arrays.stream(hist.red()).boxed().toList());
        out.put("green", Arrays.stream(hist.green()).boxed().toList());
        out.put("blue", Arrays.stream(hist.blue()).boxed().toList());
        if (hist.alpha() != null) {
            out.put("alpha", Arrays.stream(hist.alpha()).boxed().toList());
        }
    }

    private static void colors(List<DominantColors.Color> colors, Params p, Map<String, Object> out) {
        out.put("k", p.k());
        out.put("seed", p.seed());
        out.put("colors", colors.stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hex", c.hex());
            m.put("share", round(c.share(), 4));
            m.put("rgb", List.of((c.rgb() >> 16) & 0xFF, (c.rgb() >> 8) & 0xFF, c.rgb() & 0xFF));
            return m;
        }).toList());
    }

    private static double mean(long[] bins, long pixels) {
        double sum = 0;
        for (int i = 0; i < bins.length; i++) {
            sum += (double) i * bins[i];
        }
        return pixels == 0 ? 0 : sum / pixels;
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    @Override
    public String toString() {
        return "VisionAgent[" + init.agentId() + "]";
    }
}
