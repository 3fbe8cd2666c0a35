package io.trinity.pool.agents.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class VisionAgentTest {

    private final VisionAgent agent = new VisionAgent(new AgentInit("vision-1", "vision", Optional.empty()));

    /** Left half pure red, right half pure blue. */
    static BufferedImage halfRedHalfBlue(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(Color.BLUE);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return img;
    }

    /** Black, with a white square from (16,16) to (47,47). */
    static BufferedImage whiteSquare() {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(16, 16, 32, 32);
        g.dispose();
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as(format + " writer").isTrue();
        return out.toByteArray();
    }

    private static FakeTaskContext ctx(String op, byte[] image, Map<String, ?> fields) {
        Task.Builder b = Task.builder("vision").input(withOp(op, fields));
        if (image != null) {
            b.attach("image", "image/png", image);
        }
        return new FakeTaskContext(b.build());
    }

    private static Map<String, Object> withOp(String op, Map<String, ?> fields) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(fields);
        if (op != null) {
            m.put("op", op);
        }
        return m;
    }

    private Payload run(String op, byte[] image, Map<String, ?> fields) {
        return agent.execute(ctx(op, image, fields));
    }

    private static BufferedImage imageOf(Payload p) throws IOException {
        Attachment a = p.attachment("image").orElseThrow();
        assertThat(a.mediaType()).isEqualTo("image/png");
        return ImageIO.read(new ByteArrayInputStream(a.bytes()));
    }

    @Test
    void infoRecognisesEveryFormatByItsBytes() throws IOException {
        BufferedImage img = halfRedHalfBlue(40, 30);
        for (String format : List.of("png", "jpeg", "gif", "bmp")) {
            Map<String, Object> out = run("info", encode(img, format), Map.of()).data();
            assertThat(out).containsEntry("format", format.toUpperCase()).containsEntry("width", 40L)
                    .containsEntry("height", 30L);
        }
    }

    @Test
    void histogramCountsEveryPixelOncePerChannel() throws IOException {
        Map<String, Object> out = run("histogram", encode(halfRedHalfBlue(64, 32), "png"), Map.of()).data();

        assertThat(out.get("pixels")).isEqualTo(2048L);
        for (String channel : List.of("red", "green", "blue")) {
            @SuppressWarnings("unchecked")
            List<Long> bins = (List<Long>) out.get(channel);
            assertThat(bins).hasSize(256);
            assertThat(bins.stream().mapToLong(Long::longValue).sum()).as(channel).isEqualTo(2048L);
        }
        assertThat(((List<?>) out.get("red")).get(255)).isEqualTo(1024L);
        assertThat(((List<?>) out.get("red")).get(0)).isEqualTo(1024L);
        assertThat(((List<?>) out.get("green")).get(0)).isEqualTo(2048L);
        assertThat(((List<?>) out.get("blue")).get(255)).isEqualTo(1024L);
        assertThat(out.get("mean")).isEqualTo(Map.of("red", 127.5, "green", 0.0, "blue", 127.5));
        assertThat(out).doesNotContainKey("alpha");
    }

    @Test
    void dominantColoursOfHalfRedHalfBlue() throws IOException {
        byte[] png = encode(halfRedHalfBlue(64, 32), "png");
        Map<String, Object> out = run("dominant-colors", png, Map.of("k", 3)).data();

        // only two distinct colours exist, so k-means++ stops at two clusters
        assertThat(out.get("colors")).isEqualTo(List.of(
                Map.of("hex", "#0000ff", "share", 0.5, "rgb", List.of(0L, 0L, 255L)),
                Map.of("hex", "#ff0000", "share", 0.5, "rgb", List.of(255L, 0L, 0L))));
    }

    @Test
    void dominantColoursFindSharesOfThreeBandsDeterministically() throws IOException {
        BufferedImage img = new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(0x20, 0x80, 0x30));
        g.fillRect(0, 0, 60, 50);
        g.setColor(new Color(0xF0, 0xE0, 0x10));
        g.fillRect(60, 0, 30, 50);
        g.setColor(Color.WHITE);
        g.fillRect(90, 0, 10, 50);
        g.dispose();
        // light noise, so the clusters have to average rather than land on exact pixels
        java.util.Random noise = new java.util.Random(7);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 100; x++) {
                int p = img.getRGB(x, y);
                int d = noise.nextInt(5) - 2;
                int r = Math.clamp(((p >> 16) & 0xFF) + d, 0, 255);
                int gg = Math.clamp(((p >> 8) & 0xFF) + d, 0, 255);
                int b = Math.clamp((p & 0xFF) + d, 0, 255);
                img.setRGB(x, y, (r << 16) | (gg << 8) | b);
            }
        }
        byte[] png = encode(img, "png");
        Map<String, Object> first = run("dominant-colors", png, Map.of("k", 3, "seed", 11)).data();
        Map<String, Object> again = run("dominant-colors", png, Map.of("k", 3, "seed", 11)).data();

        assertThat(again).isEqualTo(first);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> colors = (List<Map<String, Object>>) first.get("colors");
        assertThat(colors).extracting(c -> c.get("share")).containsExactly(0.6, 0.3, 0.1);
        assertThat(rgb(colors.get(0))).satisfies(c -> assertClose(c, 0x20, 0x80, 0x30));
        assertThat(rgb(colors.get(1))).satisfies(c -> assertClose(c, 0xF0, 0xE0, 0x10));
        assertThat(rgb(colors.get(2))).satisfies(c -> assertClose(c, 0xFF, 0xFF, 0xFF));
    }

    private static int[] rgb(Map<String, Object> color) {
        return ((List<?>) color.get("rgb")).stream().mapToInt(v -> ((Long) v).intValue()).toArray();
    }

    private static void assertClose(int[] actual, int r, int g, int b) {
        assertThat(actual[0]).isCloseTo(r, within(2));
        assertThat(actual[1]).isCloseTo(g, within(2));
        assertThat(actual[2]).isCloseTo(b, within(2));
    }

    @Test
    void thumbnailKeepsAspectRatioInProgressivePasses() throws IOException {
        Payload p = run("thumbnail", encode(halfRedHalfBlue(400, 200), "png"), Map.of());

        assertThat(p.data()).containsEntry("outputWidth", 128L).containsEntry("outputHeight", 64L)
                .containsEntry("passes", 2L);
        BufferedImage thumb = imageOf(p);
        assertThat(thumb.getWidth()).isEqualTo(128);
        assertThat(thumb.getHeight()).isEqualTo(64);
        assertThat(thumb.getRGB(10, 32) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(thumb.getRGB(118, 32) & 0xFFFFFF).isEqualTo(0x0000FF);
    }

    @Test
    void thumbnailNeverGrowsButResizeMay() throws IOException {
        byte[] png = encode(halfRedHalfBlue(64, 32), "png");
        assertThat(run("thumbnail", png, Map.of()).data()).containsEntry("outputWidth", 64L)
                .containsEntry("outputHeight", 32L);
        BufferedImage big = imageOf(run("resize", png, Map.of("width", 100)));
        assertThat(big.getWidth()).isEqualTo(100);
        assertThat(big.getHeight()).isEqualTo(50);
        BufferedImage boxed = imageOf(run("resize", png, Map.of("width", 30, "height", 30)));
        assertThat(boxed.getWidth()).isEqualTo(30);
        assertThat(boxed.getHeight()).isEqualTo(15);
    }

    @Test
    void resizeRefusesAnOutputOverTheLimitNamingTheSideThatSetIt() throws IOException {
        byte[] png = encode(halfRedHalfBlue(600, 300), "png");
        // 10000x5000 would be 50,000,000 pixels: a PNG of about 150 MB for a 2 KB input
        assertThatThrownBy(() -> run("resize", png, Map.of("width", 10_000)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.width: the resize would be 10000x5000 (50000000 pixels), more than the output"
                        + " limit of 16777216 (4096x4096); ask for a width of at most 5792 (got 10000)");
        assertThatThrownBy(() -> run("resize", png, Map.of("width", 9000, "height", 4000)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.height: the resize would be 8000x4000 (32000000 pixels), more than the output"
                        + " limit of 16777216 (4096x4096); ask for a height of at most 2896 (got 4000)");
        // the suggested size itself fits
        long w = 5792;
        long h = Math.round(300 * (5792 / 600.0));
        assertThat(w * h).isLessThanOrEqualTo(VisionAgent.MAX_OUTPUT_PIXELS);
        assertThat((w + 1) * Math.round(300 * (5793 / 600.0))).isGreaterThan(VisionAgent.MAX_OUTPUT_PIXELS);
    }

    @Test
    void runningOutOfMemoryIsNotRetried() throws IOException {
        byte[] png = encode(halfRedHalfBlue(60, 30), "png");
        VisionAgent starved = new VisionAgent(new AgentInit("vision-oom", "vision", Optional.empty()), image -> {
            // what ImageDecoder.png throws when the PNG writer's buffer cannot grow
            throw new java.io.UncheckedIOException("writing a PNG to memory failed",
                    new javax.imageio.IIOException("I/O error writing PNG file!", new OutOfMemoryError("Java heap space")));
        });
        assertThatThrownBy(() -> starved.execute(ctx("resize", png, Map.of("width", 120))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.image: op 'resize' ran out of memory while encoding the 120x60 result of resize of"
                        + " the PNG 60x30 as PNG (OutOfMemoryError: Java heap space); the task is not retried: send a"
                        + " smaller image or ask for a smaller output")
                .hasRootCauseInstanceOf(OutOfMemoryError.class);

        VisionAgent thrown = new VisionAgent(new AgentInit("vision-oom", "vision", Optional.empty()), image -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertThatThrownBy(() -> thrown.execute(ctx("edges", png, Map.of())))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.image: op 'edges' ran out of memory while encoding the 60x30 result");
    }

    @Test
    void grayscaleUsesBt601Luma() throws IOException {
        BufferedImage gray = imageOf(run("grayscale", encode(halfRedHalfBlue(20, 10), "png"), Map.of()));

        assertThat(gray.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(gray.getRaster().getSample(2, 5, 0)).isEqualTo(76);  // 0.299 * 255
        assertThat(gray.getRaster().getSample(17, 5, 0)).isEqualTo(29); // 0.114 * 255
    }

    @Test
    void edgesAreStrongAtTheSquaresBorderAndZeroOnFlatAreas() throws IOException {
        Payload p = run("edges", encode(whiteSquare(), "png"), Map.of());
        BufferedImage edges = imageOf(p);

        int atBorder = edges.getRaster().getSample(16, 32, 0);
        int inside = edges.getRaster().getSample(32, 32, 0);
        int outside = edges.getRaster().getSample(4, 4, 0);
        assertThat(atBorder).isEqualTo(255);
        assertThat(inside).isZero();
        assertThat(outside).isZero();
        double mean = (Double) p.data().get("meanStrength");
        assertThat(mean).isGreaterThan(0.0).isLessThan(0.2);
        assertThat(p.data().get("maxStrength")).isEqualTo(1.0);

        BufferedImage flat = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        assertThat(run("edges", encode(flat, "png"), Map.of()).data().get("meanStrength")).isEqualTo(0.0);
    }

    @Test
    void reportsProgressAndStopsWhenCancelledMidway() throws IOException {
        byte[] png = encode(halfRedHalfBlue(300, 1000), "png");
        FakeTaskContext normal = ctx("edges", png, Map.of());
        agent.execute(normal);
        assertThat(normal.notes).contains("edges", "encoding PNG", "done");
        assertThat(normal.progress.stream().filter(f -> f > 0.1 && f < 0.9).count()).isGreaterThan(10);

        FakeTaskContext inner = ctx("edges", png, Map.of());
        TaskContext cancelsAtFirstRow = new CancelOnNote(inner, "edges");
        assertThatThrownBy(() -> agent.execute(cancelsAtFirstRow)).isInstanceOf(CancellationException.class);
        assertThat(inner.notes).doesNotContain("encoding PNG");
    }

    /** A PNG of the given header whose only IDAT chunk holds {@code idat} (not necessarily valid zlib). */
    static byte[] craftedPng(int width, int height, int bitDepth, int colorType, byte[] idat) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) bitDepth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void infoReadsTheHeaderWithoutDecodingPixels() throws IOException {
        // the pixel data is garbage: only an op that decodes notices
        byte[] png = craftedPng(64, 48, 8, 2, "not zlib at all".getBytes(StandardCharsets.US_ASCII));
        FakeTaskContext ctx = ctx("info", png, Map.of());
        Map<String, Object> out = agent.execute(ctx).data();
        assertThat(out.keySet()).containsExactly("op", "format", "width", "height", "hasAlpha");
        assertThat(out).containsEntry("format", "PNG").containsEntry("width", 64L).containsEntry("height", 48L)
                .containsEntry("hasAlpha", false);
        assertThat(ctx.notes).noneMatch(n -> n.startsWith("decoding"));
        assertThatThrownBy(() -> run("histogram", png, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.image: starts like a PNG but could not be decoded");
    }

    @Test
    void theInputLimitCountsBytesPerPixelNotOnlyPixels() throws IOException {
        // 7000 x 7000 is under 50,000,000 pixels, but 16-bit RGBA decodes to 8 bytes a pixel
        byte[] big = craftedPng(7000, 7000, 16, 6, new byte[0]);
        assertThatThrownBy(() -> run("info", big, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.image: the PNG image is 7000x7000 with 64 bits per pixel: decoded it takes"
                        + " 392000000 bytes, more than the limit of 200000000; scale it down or reduce its bit depth first");
        assertThatThrownBy(() -> run("histogram", big, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("392000000 bytes, more than the limit of 200000000");
        // 5000 x 5000 of 16-bit RGBA is exactly the limit, and info answers without decoding it
        assertThat(run("info", craftedPng(5000, 5000, 16, 6, new byte[0]), Map.of()).data())
                .containsEntry("width", 5000L).containsEntry("hasAlpha", true);
        // 8-bit RGB of the same size is well inside it; the pixel limit still holds
        assertThat(run("info", craftedPng(7000, 7000, 8, 2, new byte[0]), Map.of()).data())
                .containsEntry("width", 7000L);
        assertThatThrownBy(() -> run("info", craftedPng(8000, 8000, 1, 0, new byte[0]), Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.image: the PNG image is 8000x8000 (64000000 pixels), more than the limit of"
                        + " 50000000; scale it down first");
    }

    @Test
    void infoSaysHasAlphaAsTheDecodedImageHasIt() throws IOException {
        BufferedImage translucent = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
        translucent.setRGB(3, 3, 0x80FF0000);
        java.awt.image.IndexColorModel withTransparent = new java.awt.image.IndexColorModel(8, 2,
                new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, 0}, 0);
        BufferedImage indexed = new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_INDEXED, withTransparent);
        for (BufferedImage img : List.of(halfRedHalfBlue(20, 10), translucent, indexed)) {
            for (String format : List.of("png", "gif", "bmp", "jpeg")) {
                byte[] bytes;
                try {
                    bytes = encode(img, format);
                } catch (AssertionError noWriterForThisType) {
                    continue; // e.g. JPEG and BMP have no writer for alpha
                }
                Object info = run("info", bytes, Map.of()).data().get("hasAlpha");
                Object decoded = run("histogram", bytes, Map.of()).data().get("hasAlpha");
                assertThat(info).as(format + " of image type " + img.getType()).isEqualTo(decoded);
            }
        }
        assertThat(run("info", encode(translucent, "png"), Map.of()).data()).containsEntry("hasAlpha", true);
        assertThat(run("info", encode(indexed, "gif"), Map.of()).data()).containsEntry("hasAlpha", true);
    }

    @Test
    void decodingReportsProgressAndStopsWhenCancelled() throws IOException {
        for (String format : List.of("png", "jpeg", "gif", "bmp")) {
            byte[] bytes = encode(halfRedHalfBlue(300, 1000), format);
            String decoding = "decoding " + format.toUpperCase() + " 300x1000";
            FakeTaskContext normal = ctx("histogram", bytes, Map.of());
            agent.execute(normal);
            assertThat(normal.notes.stream().filter(decoding::equals).count()).as(format).isGreaterThan(10);
            assertThat(normal.progress.stream().filter(f -> f > 0.02 && f < 0.1).count()).as(format).isGreaterThan(10);

            FakeTaskContext inner = ctx("histogram", bytes, Map.of());
            TaskContext cancelsWhileDecoding = new CancelOnNote(inner, decoding);
            assertThatThrownBy(() -> agent.execute(cancelsWhileDecoding)).as(format)
                    .isInstanceOf(CancellationException.class);
            // the decoder stopped at its next row: no more than one further progress report
            assertThat(inner.notes.stream().filter(decoding::equals).count()).as(format).isLessThanOrEqualTo(2);
            assertThat(inner.notes).as(format).noneMatch(n -> n.startsWith("decoded"));
        }
    }

    @Test
    void badBytesAreRefusedWithTheirFirstBytes() throws IOException {
        byte[] pdf = "%PDF-1.7 not an image".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> run("info", pdf, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.image: not a PNG, JPEG, GIF or BMP (first bytes 25 50 44 46); send one of those formats");

        byte[] truncated = Arrays.copyOf(encode(halfRedHalfBlue(64, 32), "png"), 40);
        assertThatThrownBy(() -> run("histogram", truncated, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.image: starts like a PNG but could not be decoded");
        // info reads only the header, so only a file cut inside it fails there
        byte[] headless = Arrays.copyOf(encode(halfRedHalfBlue(64, 32), "png"), 20);
        assertThatThrownBy(() -> run("info", headless, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.image: starts like a PNG but could not be decoded");

        assertThatThrownBy(() -> run("info", new byte[0], Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("first bytes none: the attachment is empty");
    }

    @Test
    void badFieldsAreRefusedBeforeDecoding() throws IOException {
        byte[] png = encode(halfRedHalfBlue(8, 8), "png");
        assertThatThrownBy(() -> run(null, png, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: a non-empty string is required (got nothing)");
        assertThatThrownBy(() -> run("blur", png, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: must be one of info, thumbnail, resize, grayscale, histogram, edges,"
                        + " dominant-colors (got 'blur')");
        assertThatThrownBy(() -> run("resize", png, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("input.width: resize needs width, height or both");
        assertThatThrownBy(() -> run("dominant-colors", png, Map.of("k", 99)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.k: must be between 1 and 16 (got 99)");
        assertThatThrownBy(() -> run("info", null, Map.of()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.image: attachment missing (attachments present: [])");
    }

    @Test
    void isAnAgentFactory() throws Exception {
        AgentFactory factory = VisionAgent::new;
        Payload out = factory.create(new AgentInit("vision-2", "vision", Optional.empty()))
                .execute(ctx("info", encode(whiteSquare(), "png"), Map.of()));
        assertThat(out.data()).containsEntry("width", 64L);
    }

    /** Delegates to a fake context and cancels it when a progress note first matches. */
    private record CancelOnNote(FakeTaskContext inner, String note) implements TaskContext {
        @Override public long taskId() { return inner.taskId(); }
        @Override public String type() { return inner.type(); }
        @Override public String agentId() { return inner.agentId(); }
        @Override public int attempt() { return inner.attempt(); }
        @Override public Task task() { return inner.task(); }
        @Override public boolean isCancelled() { return inner.isCancelled(); }
        @Override public void onCancel(Runnable action) { inner.onCancel(action); }
        @Override public void reportQuality(double score) { inner.reportQuality(score); }
        @Override public void reportUsage(String resource, long units) { inner.reportUsage(resource, units); }
        @Override public TaskHandle submit(Task subtask) { return inner.submit(subtask); }

        @Override
        public void progress(double fraction, String n) {
            inner.progress(fraction, n);
            if (note.equals(n)) {
                inner.cancel();
            }
        }
    }
}
