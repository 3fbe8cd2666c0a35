package io.trinity.pool.agents.vision;

import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns attachment bytes into an image and back. The format is decided by magic bytes, not by
 * the media type the sender claimed, and the header's dimensions and pixel layout are checked
 * before any pixel is decoded, so a tiny file that claims to be gigapixels, or a 16-bit image
 * that decodes to twice the bytes of an 8-bit one, cannot exhaust memory.
 */
final class ImageDecoder {

    /** Larger images are refused before decoding. */
    static final long MAX_PIXELS = 50_000_000L;
    /**
     * Images whose decoded pixels would take more bytes are refused before decoding: 50,000,000
     * pixels of 32 bits. A 16-bit RGBA PNG takes 64 bits a pixel, so it may have half as many.
     */
    static final long MAX_DECODED_BYTES = 200_000_000L;

    enum Format {
        PNG, JPEG, GIF, BMP
    }

    /**
     * What the header says, read without decoding a pixel.
     *
     * @param hasAlpha     whether the decoded image will have alpha (its colour model's, the same
     *                     one {@link #decode} gives)
     * @param bitsPerPixel what one pixel of the decoded image takes in memory
     */
    record Header(Format format, int width, int height, boolean hasAlpha, int bitsPerPixel) {
        long pixels() {
            return (long) width * height;
        }

        long decodedBytes() {
            return (pixels() * bitsPerPixel + 7) / 8;
        }

        String describe() {
            return format + " " + width + "x" + height;
        }
    }

    record Decoded(BufferedImage image, Header header) {
        Format format() {
            return header.format();
        }
    }

    private ImageDecoder() {
    }

    static Format detect(byte[] b, String field) {
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Format.PNG;
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return Format.JPEG;
        }
        if (startsWith(b, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 'G', 'I', 'F', '8', '9', 'a')) {
            return Format.GIF;
        }
        if (startsWith(b, 'B', 'M') && b.length >= 26) {
            return Format.BMP;
        }
        throw new NonRetryableException("input." + field + ": not a PNG, JPEG, GIF or BMP (first bytes "
                + firstBytes(b) + "); send one of those formats");
    }

    /** Reads the header and metadata only: no pixel is decoded. The limits are checked. */
    static Header header(byte[] bytes, String field) {
        return withReader(bytes, field, (reader, header) -> header);
    }

    /**
     * Decodes the image (for a GIF, its first frame) once the header is within the limits.
     * While the decoder works, progress goes to {@code ctx} (the heartbeat), from {@code from}
     * to {@code to}, about every 1%, and a cancel stops the decoder at its next row: the task
     * then ends with {@code CancellationException}.
     */
    static Decoded decode(byte[] bytes, String field, TaskContext ctx, double from, double to) {
        Decoded decoded = withReader(bytes, field, (reader, header) -> {
            reader.addIIOReadProgressListener(new Progress(ctx, from, to, "decoding " + header.describe()));
            BufferedImage image = reader.read(0); // for a GIF, the first frame
            return new Decoded(image, header);
        });
        ctx.checkCancelled(); // an aborted read returns what it had decoded so far
        return decoded;
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader, Header header) throws IOException;
    }

    private static <T> T withReader(byte[] bytes, String field, ReaderWork<T> work) {
        Format format = detect(bytes, field);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw unreadable(field, format, "no decoder accepts it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                Header header = header(reader, format, field);
                return work.apply(reader, header);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof NonRetryableException || e instanceof CancellationException) {
                throw (RuntimeException) e;
            }
            OutOfMemoryError oom = VisionAgent.outOfMemoryCause(e);
            if (oom != null) {
                throw oom; // the agent says what it was doing
            }
            throw unreadable(field, format, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static Header header(ImageReader reader, Format format, String field) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        long pixels = (long) width * height;
        if (pixels > MAX_PIXELS) {
            throw new NonRetryableException("input." + field + ": the " + format + " image is "
                    + width + "x" + height + " (" + pixels
                    + " pixels), more than the limit of " + MAX_PIXELS + "; scale it down first");
        }
        // the layout read(0) decodes into: the first the reader offers
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext()) {
            throw unreadable(field, format, "its pixel layout is not supported");
        }
        ImageTypeSpecifier type = types.next();
        Header header = new Header(format, width, height, type.getColorModel().hasAlpha(),
                bitsPerPixel(type.getSampleModel()));
        if (header.decodedBytes() > MAX_DECODED_BYTES) {
            throw new NonRetryableException("input." + field + ": the " + format + " image is "
                    + width + "x" + height + " with " + header.bitsPerPixel() + " bits per pixel: decoded it takes "
                    + header.decodedBytes() + " bytes, more than the limit of " + MAX_DECODED_BYTES
                    + "; scale it down or reduce its bit depth first");
        }
        return header;
    }

    /** Bits one pixel takes in a raster of this layout. */
    static int bitsPerPixel(SampleModel sm) {
        if (sm instanceof MultiPixelPackedSampleModel packed) {
            return packed.getPixelBitStride(); // several pixels share a byte
        }
        return sm.getNumDataElements() * DataBuffer.getDataTypeSize(sm.getDataType());
    }

    /**
     * Forwards the decoder's progress to the task and stops the decoder when the task is
     * cancelled. The abort is asked for from the decoding thread, inside the callback, because a
     * JPEG reader refuses calls from another thread while it reads.
     */
    private static final class Progress implements IIOReadProgressListener {
        private final TaskContext ctx;
        private final double from;
        private final double to;
        private final String note;
        private float reported = -1;

        Progress(TaskContext ctx, double from, double to, String note) {
            this.ctx = ctx;
            this.from = from;
            this.to = to;
            this.note = note;
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
            update(source, 0);
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            if (percentageDone - reported >= 1) {
                update(source, percentageDone);
            }
        }

        private void update(ImageReader source, float percentageDone) {
            reported = percentageDone;
            ctx.progress(from + (to - from) * Math.min(100, Math.max(0, percentageDone)) / 100, note);
            if (ctx.isCancelled()) {
                source.abort();
            }
        }

        @Override public void sequenceStarted(ImageReader source, int minIndex) { }
        @Override public void sequenceComplete(ImageReader source) { }
        @Override public void imageComplete(ImageReader source) { }
        @Override public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) { }
        @Override public void thumbnailProgress(ImageReader source, float percentageDone) { }
        @Override public void thumbnailComplete(ImageReader source) { }
        @Override public void readAborted(ImageReader source) { }
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
        return out.toByteArray();
    }

    private static NonRetryableException unreadable(String field, Format format, String why) {
        return new NonRetryableException("input." + field + ": starts like a " + format
                + " but could not be decoded (" + why + "); send a complete, valid image");
    }

    private static boolean startsWith(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String firstBytes(byte[] b) {
        if (b.length == 0) {
            return "none: the attachment is empty";
        }
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b, 0, Math.min(4, b.length));
    }
}
