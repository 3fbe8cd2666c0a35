package io.trinity.pool.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the report's charts with java.awt into PNG files, headless, so the figures in
 * docs/benchmarks.md come from the same run as the tables. Two shapes: a scatter of labelled
 * points (latency against cost) and grouped bars.
 */
public final class Chart {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int W = 900;
    private static final int H = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] PALETTE = {
        new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0xFF7F0E),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
        new Color(0x17BECF), new Color(0xBCBD22)
    };

    public record Point(double x, double y, String label) {
    }

    public record Series(String name, List<Point> points) {
    }

    private Chart() {
    }

    /** A scatter chart; each series gets a colour and a legend entry, each point its label. */
    public static void scatter(Path file, String title, String xLabel, String yLabel, List<Series> series) {
        double maxX = 0;
        double maxY = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                maxX = Math.max(maxX, p.x());
                maxY = Math.max(maxY, p.y());
            }
        }
        maxX = nice(maxX * 1.1);
        maxY = nice(maxY * 1.1);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        axes(g, xLabel, yLabel, maxX, maxY, true);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(PALETTE[i % PALETTE.length]);
            for (Point p : s.points()) {
                int x = px(p.x(), maxX);
                int y = py(p.y(), maxY);
                g.fillOval(x - 6, y - 6, 12, 12);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                if (p.label() != null) {
                    g.drawString(p.label(), x + 8, y - 6);
                }
            }
            legend(g, i, s.name());
        }
        save(img, g, file);
    }

    /** Grouped bars: one group per category, one bar per series. */
    public static void bars(Path file, String title, String yLabel, List<String> categories, List<Series> series) {
        double maxY = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                maxY = Math.max(maxY, p.y());
            }
        }
        maxY = nice(maxY * 1.1);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        axes(g, null, yLabel, 0, maxY, false);
        int plotW = W - LEFT - RIGHT;
        double groupW = plotW / (double) categories.size();
        double barW = groupW * 0.8 / Math.max(1, series.size());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int c = 0; c < categories.size(); c++) {
            int gx = LEFT + (int) (c * groupW + groupW * 0.1);
            g.setColor(Color.DARK_GRAY);
            g.drawString(categories.get(c), gx, H - BOTTOM + 18 + (c % 2) * 14);
            for (int i = 0; i < series.size(); i++) {
                List<Point> pts = series.get(i).points();
                if (c >= pts.size() || Double.isNaN(pts.get(c).y())) {
                    continue;
                }
                double v = pts.get(c).y();
                int x = gx + (int) (i * barW);
                int y = py(v, maxY);
                g.setColor(PALETTE[i % PALETTE.length]);
                g.fillRect(x, y, Math.max(1, (int) barW - 2), H - BOTTOM - y);
            }
        }
        for (int i = 0; i < series.size(); i++) {
            legend(g, i, series.get(i).name());
        }
        save(img, g, file);
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 30);
        return g;
    }

    private static void axes(Graphics2D g, String xLabel, String yLabel, double maxX, double maxY, boolean xTicks) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i <= 5; i++) {
            double v = maxY * i / 5;
            int y = py(v, maxY);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = tick(v);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            if (xTicks) {
                double xv = maxX * i / 5;
                int x = px(xv, maxX);
                g.setColor(new Color(0xE0E0E0));
                g.drawLine(x, TOP, x, H - BOTTOM);
                g.setColor(Color.DARK_GRAY);
                g.drawString(tick(xv), x - 12, H - BOTTOM + 16);
            }
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        if (xLabel != null) {
            g.drawString(xLabel, LEFT + (W - LEFT - RIGHT) / 2 - xLabel.length() * 3, H - 20);
        }
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(TOP + (H - TOP - BOTTOM) / 2) - yLabel.length() * 3, 18);
        r.dispose();
    }

    private static void legend(Graphics2D g, int i, String name) {
        int x = W - RIGHT + 20;
        int y = TOP + 10 + i * 22;
        g.setColor(PALETTE[i % PALETTE.length]);
        g.fillRect(x, y - 10, 14, 14);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(name, x + 20, y + 2);
    }

    private static int px(double v, double max) {
        return LEFT + (int) Math.round((W - LEFT - RIGHT) * (max == 0 ? 0 : v / max));
    }

    private static int py(double v, double max) {
        return H - BOTTOM - (int) Math.round((H - TOP - BOTTOM) * (max == 0 ? 0 : v / max));
    }

    /** Rounds an axis maximum up to 1, 2 or 5 times a power of ten. */
    static double nice(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String tick(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void save(BufferedImage img, Graphics2D g, Path file) {
        g.dispose();
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file + ": " + e.getMessage(), e);
        }
    }
}
