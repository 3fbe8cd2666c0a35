package io.trinity.pool.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Single-panel charts drawn with headless java.awt into PNG files, so a report's figures come
 * from the same run as its tables. Two shapes: a scatter of labelled points (latency against
 * cost) and grouped bars. Every method is stateless and safe to call from any thread; for one
 * scatter panel per workload see {@link PanelChart}.
 */
public final class Chart {

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

    /**
     * One data point.
     *
     * @param x the horizontal value, in the axis's unit, 0 or more (bars ignore it)
     * @param y the vertical value, in the axis's unit, 0 or more; a bar with NaN is not drawn
     * @param label drawn beside a scatter point, or null for none
     */
    public record Point(double x, double y, String label) {
    }

    /**
     * A named group of points sharing one colour and one legend entry.
     *
     * @param name the legend text
     * @param points the points; for bars, one per category in category order
     */
    public record Series(String name, List<Point> points) {
    }

    private Chart() {
    }

    /**
     * Writes a scatter chart; each series gets a colour and a legend entry, each point its label.
     * Both axes start at 0 and end at a round value above the largest point.
     *
     * @param file the PNG file to write, replaced if it exists; its folder must exist
     * @param title the heading above the plot
     * @param xLabel the horizontal axis title, with its unit
     * @param yLabel the vertical axis title, with its unit
     * @param series the data, one colour per series in order (ten colours, then they repeat)
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void scatter(Path file, String title, String xLabel, String yLabel, List<Series> series) {
        double maxX = Png.nice(largest(series, Point::x) * 1.1);
        double maxY = Png.nice(largest(series, Point::y) * 1.1);
        BufferedImage img = Png.image(W, H);
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

    /**
     * Writes a line chart: each series' points joined in the order given (sort them by x for a
     * curve), each point marked, with a colour and a legend entry per series. Meant for frontiers
     * such as cost against latency. Both axes start at 0; a point beyond {@code maxY} is drawn at
     * the top edge, so one far outlier does not flatten every other series.
     *
     * @param file the PNG file to write, replaced if it exists; its folder must exist
     * @param title the heading above the plot
     * @param xLabel the horizontal axis title, with its unit
     * @param yLabel the vertical axis title, with its unit
     * @param maxY the top of the vertical axis, or 0 or less to fit the largest point
     * @param series the data, one colour per series in order (ten colours, then they repeat)
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void lines(Path file, String title, String xLabel, String yLabel, double maxY, List<Series> series) {
        double maxX = Png.nice(largest(series, Point::x) * 1.1);
        double top = maxY > 0 ? maxY : Png.nice(largest(series, Point::y) * 1.1);
        BufferedImage img = Png.image(W, H);
        Graphics2D g = canvas(img, title);
        axes(g, xLabel, yLabel, maxX, top, true);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            int lastX = -1;
            int lastY = -1;
            for (Point p : s.points()) {
                int x = px(p.x(), maxX);
                int y = py(Math.min(p.y(), top), top);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, x, y);
                }
                g.fillOval(x - 4, y - 4, 8, 8);
                if (p.label() != null) {
                    g.drawString(p.label(), x + 6, y - 5);
                }
                lastX = x;
                lastY = y;
            }
            legend(g, i, s.name());
        }
        save(img, g, file);
    }

    /**
     * Writes grouped bars: one group per category, one bar per series.
     *
     * @param file the PNG file to write, replaced if it exists; its folder must exist
     * @param title the heading above the plot
     * @param yLabel the vertical axis title, with its unit
     * @param categories the group labels along the horizontal axis, at least one
     * @param series one colour each; point {@code i} of a series is its bar in category {@code i}
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void bars(Path file, String title, String yLabel, List<String> categories, List<Series> series) {
        double maxY = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                maxY = Math.max(maxY, p.y());
            }
        }
        maxY = Png.nice(maxY * 1.1);
        BufferedImage img = Png.image(W, H);
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
        Graphics2D g = Png.graphics(img);
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

    private static String tick(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The largest coordinate of any point, 0 for none (the axes start at 0). */
    private static double largest(List<Series> series, java.util.function.ToDoubleFunction<Point> coordinate) {
        double max = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                max = Math.max(max, coordinate.applyAsDouble(p));
            }
        }
        return max;
    }

    private static void save(BufferedImage img, Graphics2D g, Path file) {
        g.dispose();
        Png.save(img, file);
    }
}
