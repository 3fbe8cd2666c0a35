package io.trinity.pool.agents.vision;

import io.trinity.pool.agent.NonRetryableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns attachment bytes into an image and back. The format is decided by magic bytes, not by
 * the media type the sender claimed, and the header's dimensions are checked before any pixel is
 * decoded, so a tiny file that claims to be gigapixels cannot exhaust memory.
 */
final class ImageDecoder {

    /** Larger images are refused before decoding (about 200 MB of ARGB pixels). */
    static final long MAX_PIXELS = 50_000_000L;

    enum Format {
        PNG, JPEG, GIF, BMP
    }

    record Decoded(BufferedImage image, Format format) {
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

    static Decoded decode(byte[] bytes, String field) {
        Format format = detect(bytes, field);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw unreadable(field, format, "no decoder accepts it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new NonRetryableException("input." + field + ": the " + format + " image is "
                            + reader.getWidth(0) + "x" + reader.getHeight(0) + " (" + pixels
                            + " pixels), more than the limit of " + MAX_PIXELS + "; scale it down first");
                }
                BufferedImage image = reader.read(0); // for a GIF, the first frame
                return new Decoded(image, format);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof NonRetryableException n) {
                throw n;
            }
            throw unreadable(field, format, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
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
