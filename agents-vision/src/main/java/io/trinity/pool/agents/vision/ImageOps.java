package io.trinity.pool.agents.vision;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Pixel operations on decoded images. Each works row by row through {@link Rows}, so a large
 * image reports progress and stops promptly when its task is cancelled.
 */
final class ImageOps {

    /** Sobel magnitude of a full black-to-white step edge: (1 + 2 + 1) * 255. */
    static final double STEP_EDGE = 1020.0;

    record Resized(BufferedImage image, int passes) {
    }

    record Edges(BufferedImage image, double meanStrength, double maxStrength) {
    }

    record Histogram(long[] red, long[] green, long[] blue, long[] alpha, long pixels) {
    }

    private ImageOps() {
    }

    /**
     * Scales to exactly {@code w x h}. Downscaling halves the image with bilinear filtering while
     * it is still at least twice the target, then takes the last step bicubically: one big
     * bilinear or bicubic step samples only a few source pixels per output pixel and aliases,
     * which is what the halving avoids.
     */
    static Resized resize(BufferedImage src, int w, int h, Rows rows) {
        BufferedImage current = src;
        int cw = src.getWidth();
        int ch = src.getHeight();
        int passes = 0;
        int expected = 1 + (int) Math.max(0, Math.floor(Math.log((double) cw / w) / Math.log(2)));
        while (cw / 2 >= w && ch / 2 >= h) {
            cw = Math.max(w, cw / 2);
            ch = Math.max(h, ch / 2);
            current = draw(current, cw, ch, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            rows.step(++passes, expected);
        }
        if (cw != w || ch != h || current == src) {
            current = draw(current, w, h, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            rows.step(++passes, expected);
        }
        return new Resized(current, passes);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, Object interpolation) {
        boolean alpha = src.getColorModel().hasAlpha();
        BufferedImage out = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** ITU-R BT.601 luma in 0..255, in integer arithmetic so results are exact and repeatable. */
    static int luma(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return (299 * r + 587 * g + 114 * b + 500) / 1000;
    }

    static BufferedImage grayscale(BufferedImage src, Rows rows) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        int[] line = new int[w];
        byte[] gray = new byte[w];
        for (int y = 0; y < h; y++) {
            rows.at(y, h);
            src.getRGB(0, y, w, 1, line, 0, w);
            for (int x = 0; x < w; x++) {
                gray[x] = (byte) luma(line[x]);
            }
            out.getRaster().setDataElements(0, y, w, 1, gray);
        }
        return out;
    }

    static Histogram histogram(BufferedImage src, Rows rows) {
        int w = src.getWidth();
        int h = src.getHeight();
        boolean hasAlpha = src.getColorModel().hasAlpha();
        long[] r = new long[256];
        long[] g = new long[256];
        long[] b = new long[256];
        long[] a = hasAlpha ? new long[256] : null;
        int[] line = new int[w];
        for (int y = 0; y < h; y++) {
            rows.at(y, h);
            src.getRGB(0, y, w, 1, line, 0, w);
            for (int x = 0; x < w; x++) {
                int p = line[x];
                r[(p >> 16) & 0xFF]++;
                g[(p >> 8) & 0xFF]++;
                b[p & 0xFF]++;
                if (a != null) {
                    a[p >>> 24]++;
                }
            }
        }
        return new Histogram(r, g, b, a, (long) w * h);
    }

    /**
     * Sobel gradient magnitude of the luma, borders extended by repeating the edge pixel.
     * Strength is the magnitude over {@link #STEP_EDGE}, capped at 1: 1 is a full black-to-white
     * step, 0 is flat. The output image shows strength as 0..255 grey.
     */
    static Edges sobel(BufferedImage src, Rows rows) {
        int w = src.getWidth();
        int h = src.getHeight();
        int[] lum = new int[w * h];
        int[] line = new int[w];
        for (int y = 0; y < h; y++) {
            rows.at(y, 2 * h);
            src.getRGB(0, y, w, 1, line, 0, w);
            for (int x = 0; x < w; x++) {
                lum[y * w + x] = luma(line[x]);
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] row = new byte[w];
        double sum = 0;
        double max = 0;
        for (int y = 0; y < h; y++) {
            rows.at(h + y, 2 * h);
            int up = Math.max(0, y - 1) * w;
            int mid = y * w;
            int down = Math.min(h - 1, y + 1) * w;
            for (int x = 0; x < w; x++) {
                int l = Math.max(0, x - 1);
                int r = Math.min(w - 1, x + 1);
                int gx = (lum[up + r] + 2 * lum[mid + r] + lum[down + r]) - (lum[up + l] + 2 * lum[mid + l] + lum[down + l]);
                int gy = (lum[down + l] + 2 * lum[down + x] + lum[down + r]) - (lum[up + l] + 2 * lum[up + x] + lum[up + r]);
                double strength = Math.min(1.0, Math.sqrt((double) gx * gx + (double) gy * gy) / STEP_EDGE);
                sum += strength;
                max = Math.max(max, strength);
                row[x] = (byte) Math.round(strength * 255);
            }
            out.getRaster().setDataElements(0, y, w, 1, row);
        }
        return new Edges(out, sum / ((double) w * h), max);
    }
}
