package io.trinity.pool.agents.vision;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

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
    /**
     * The most pixels a {@code thumbnail} or {@code resize} result may have: 4096 x 4096, 64 MiB of
     * 32-bit pixels. An enlargement makes a large, barely compressible PNG out of a small input,
     * so the input limit alone does not bound what one task sends back.
     */
    static final long MAX_OUTPUT_PIXELS = 4096L * 4096L;

    private final AgentInit init;
    private final Function<BufferedImage, byte[]> encoder;

    public VisionAgent(AgentInit init) {
        this(init, ImageDecoder::png);
    }

    /** For tests that need an encoder that fails. */
    VisionAgent(AgentInit init, Function<BufferedImage, byte[]> encoder) {
        this.init = Objects.requireNonNull(init, "init");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    /** The op's own fields, checked before the image is decoded so bad input fails cheaply. */
    private record Params(String op, long width, long height, int k, long seed) {
    }

    @Override
    public Payload execute(TaskContext ctx) {
        Params p = params(ctx);
        Attachment attachment = Inputs.requireAttachment(ctx, "image");
        Stage stage = new Stage();
        stage.now = "decoding the " + attachment.size() + "-byte image";
        try {
            return run(ctx, p, attachment, stage);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(p, stage, e);
        } catch (RuntimeException e) {
            OutOfMemoryError cause = outOfMemoryCause(e);
            if (cause == null) {
                throw e;
            }
            throw outOfMemory(p, stage, cause);
        }
    }

    /** What the task is doing, for the message when it runs out of memory. */
    private static final class Stage {
        String now;
    }

    private Payload run(TaskContext ctx, Params p, Attachment attachment, Stage stage) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", p.op());
        if (p.op().equals("info")) {
            // the header and metadata say it all: no pixel is decoded
            ctx.progress(0.02, "reading the header of " + attachment.size() + " bytes");
            ImageDecoder.Header header = ImageDecoder.header(attachment.bytes(), "image");
            out.put("format", header.format().name());
            out.put("width", header.width());
            out.put("height", header.height());
            out.put("hasAlpha", header.hasAlpha());
            ctx.progress(1.0, "done");
            return Payload.of(out);
        }
        ctx.progress(0.02, "decoding " + attachment.size() + " bytes");
        ImageDecoder.Decoded decoded = ImageDecoder.decode(attachment.bytes(), "image", ctx, 0.02, 0.1);
        BufferedImage image = decoded.image();
        ctx.checkCancelled();
        String input = decoded.header().describe();
        ctx.progress(0.1, "decoded " + input);
        stage.now = p.op() + " of the " + input;

        out.put("format", decoded.format().name());
        out.put("width", image.getWidth());
        out.put("height", image.getHeight());
        out.put("hasAlpha", image.getColorModel().hasAlpha());
        Rows rows = new Rows(ctx, 0.1, 0.9, p.op());
        BufferedImage result = switch (p.op()) {
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
            default -> throw new IllegalStateException("op checked in params() or done above: " + p.op());
        };
        Payload payload = Payload.of(out);
        if (result != null) {
            ctx.progress(0.9, "encoding PNG");
            stage.now = "encoding the " + result.getWidth() + "x" + result.getHeight() + " result of " + stage.now
                    + " as PNG";
            payload = payload.withAttachment("image", Attachment.of("image/png", encoder.apply(result)));
        }
        ctx.progress(1.0, "done");
        return payload;
    }

    /**
     * Running out of memory is not a passing fault a retry cures: the same image and op need the
     * same memory on the next attempt, and every attempt squeezes the other tasks of the JVM. So
     * the task fails at once, saying what it was doing.
     */
    private static NonRetryableException outOfMemory(Params p, Stage stage, OutOfMemoryError e) {
        return new NonRetryableException("input.image: op '" + p.op() + "' ran out of memory while " + stage.now
                + " (OutOfMemoryError" + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); the task is not retried: send a smaller image"
                + (p.op().equals("resize") || p.op().equals("thumbnail") ? " or ask for a smaller output" : ""), e);
    }

    /** The OutOfMemoryError behind an exception (ImageIO wraps one in an IIOException), or null. */
    static OutOfMemoryError outOfMemoryCause(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // bounded: causes may loop
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
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
        long w = Math.max(1, Math.round(sw * scale));
        long h = Math.max(1, Math.round(sh * scale));
        if ((double) w * h > MAX_OUTPUT_PIXELS) {
            throw tooLargeOutput(p, sw, sh, w, h);
        }
        ImageOps.Resized resized = ImageOps.resize(image, (int) w, (int) h, rows);
        out.put("outputWidth", w);
        out.put("outputHeight", h);
        out.put("passes", resized.passes());
        return resized.image();
    }

    /**
     * Names the side that set the scale (the width when both did) and, when one exists, the
     * largest value of it whose result fits {@link #MAX_OUTPUT_PIXELS}.
     */
    private static NonRetryableException tooLargeOutput(Params p, int sw, int sh, long w, long h) {
        double byWidth = p.width() == 0 ? Double.MAX_VALUE : (double) p.width() / sw;
        double byHeight = p.height() == 0 ? Double.MAX_VALUE : (double) p.height() / sh;
        boolean width = byWidth <= byHeight;
        int side = width ? sw : sh;
        long largest = (long) Math.floor(side * Math.sqrt(MAX_OUTPUT_PIXELS / ((double) sw * sh)));
        while (largest >= 1 && (double) Math.max(1, Math.round(sw * ((double) largest / side)))
                * Math.max(1, Math.round(sh * ((double) largest / side))) > MAX_OUTPUT_PIXELS) {
            largest--;
        }
        String hint = largest >= 1 && largest < (width ? p.width() : p.height())
                ? "ask for a " + (width ? "width" : "height") + " of at most " + largest
                : "ask for a smaller size";
        return Inputs.bad(width ? "width" : "height", "the " + p.op() + " would be " + w + "x" + h + " ("
                + w * h + " pixels), more than the output limit of " + MAX_OUTPUT_PIXELS
                + " (4096x4096); " + hint, width ? p.width() : p.height());
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
