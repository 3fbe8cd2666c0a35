package io.trinity.pool.agents.vision;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The main colours of an image by k-means in RGB space, seeded with k-means++.
 *
 * <p>At most {@value #MAX_SAMPLES} pixels take part (all of them on smaller images, else a
 * seeded random sample), and every random choice comes from the given seed, so the same image,
 * {@code k} and seed always give the same colours. Fully transparent pixels are left out. When
 * the image has fewer distinct colours than {@code k}, fewer clusters come back: k-means++ stops
 * once every pixel sits exactly on a centre.
 */
final class DominantColors {

    static final int MAX_SAMPLES = 65_536;
    static final int MAX_ITERATIONS = 40;

    record Color(int rgb, double share, long pixels) {
        String hex() {
            return String.format(Locale.ROOT, "#%06x", rgb & 0xFFFFFF);
        }
    }

    private DominantColors() {
    }

    static List<Color> find(BufferedImage image, int k, long seed, Rows rows) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] pixels = sample(image, random, rows);
        int n = pixels.length;
        if (n == 0) {
            return List.of();
        }
        double[][] centres = seedCentres(pixels, k, random);
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        long[] counts = new long[centres.length];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            rows.step(iteration, MAX_ITERATIONS);
            boolean changed = false;
            double[][] sums = new double[centres.length][3];
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                int nearest = nearest(pixels[i], centres);
                if (nearest != assignment[i]) {
                    assignment[i] = nearest;
                    changed = true;
                }
                counts[nearest]++;
                sums[nearest][0] += (pixels[i] >> 16) & 0xFF;
                sums[nearest][1] += (pixels[i] >> 8) & 0xFF;
                sums[nearest][2] += pixels[i] & 0xFF;
            }
            for (int c = 0; c < centres.length; c++) {
                if (counts[c] > 0) {
                    for (int ch = 0; ch < 3; ch++) {
                        centres[c][ch] = sums[c][ch] / counts[c];
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        List<Color> colors = new ArrayList<>();
        for (int c = 0; c < centres.length; c++) {
            if (counts[c] > 0) {
                int rgb = (channel(centres[c][0]) << 16) | (channel(centres[c][1]) << 8) | channel(centres[c][2]);
                colors.add(new Color(rgb, (double) counts[c] / n, counts[c]));
            }
        }
        colors.sort(Comparator.comparingLong(Color::pixels).reversed().thenComparingInt(Color::rgb));
        return colors;
    }

    private static int[] sample(BufferedImage image, SplittableRandom random, Rows rows) {
        int w = image.getWidth();
        int h = image.getHeight();
        long total = (long) w * h;
        boolean alpha = image.getColorModel().hasAlpha();
        int[] line = new int[w];
        int[] out;
        int count = 0;
        if (total <= MAX_SAMPLES) {
            out = new int[(int) total];
            for (int y = 0; y < h; y++) {
                rows.at(y, h);
                image.getRGB(0, y, w, 1, line, 0, w);
                for (int x = 0; x < w; x++) {
                    if (!alpha || (line[x] >>> 24) != 0) {
                        out[count++] = line[x];
                    }
                }
            }
        } else {
            out = new int[MAX_SAMPLES];
            for (int i = 0; i < MAX_SAMPLES; i++) {
                rows.at(i, MAX_SAMPLES);
                long at = random.nextLong(total);
                int p = image.getRGB((int) (at % w), (int) (at / w));
                if (!alpha || (p >>> 24) != 0) {
                    out[count++] = p;
                }
            }
        }
        return Arrays.copyOf(out, count);
    }

    /** k-means++: each next centre is drawn with probability proportional to squared distance. */
    private static double[][] seedCentres(int[] pixels, int k, SplittableRandom random) {
        List<double[]> centres = new ArrayList<>();
        centres.add(rgb(pixels[random.nextInt(pixels.length)]));
        double[] d2 = new double[pixels.length];
        Arrays.fill(d2, Double.MAX_VALUE);
        while (centres.size() < k) {
            double[] last = centres.get(centres.size() - 1);
            double total = 0;
            for (int i = 0; i < pixels.length; i++) {
                d2[i] = Math.min(d2[i], distance2(pixels[i], last));
                total += d2[i];
            }
            if (total == 0) {
                break; // every pixel already sits on a centre
            }
            double target = random.nextDouble() * total;
            int pick = pixels.length - 1;
            for (int i = 0; i < pixels.length; i++) {
                target -= d2[i];
                if (target < 0) {
                    pick = i;
                    break;
                }
            }
            centres.add(rgb(pixels[pick]));
        }
        return centres.toArray(double[][]::new);
    }

    private static int nearest(int pixel, double[][] centres) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int c = 0; c < centres.length; c++) {
            double d = distance2(pixel, centres[c]);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    private static double distance2(int pixel, double[] c) {
        double dr = ((pixel >> 16) & 0xFF) - c[0];
        double dg = ((pixel >> 8) & 0xFF) - c[1];
        double db = (pixel & 0xFF) - c[2];
        return dr * dr + dg * dg + db * db;
    }

    private static double[] rgb(int pixel) {
        return new double[] {(pixel >> 16) & 0xFF, (pixel >> 8) & 0xFF, pixel & 0xFF};
    }

    private static int channel(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
