package io.trinity.pool.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small multiples: one scatter panel per group, three panels a row, each with its own axes
 * because groups (workloads) can differ by orders of magnitude. A point's colour and marker
 * each encode one category (for the bench matrix: spawning strategy and balancer), explained
 * in a legend under the panels. Stateless and safe to call from any thread.
 */
public final class PanelChart {

    private static final int PANEL_W = 420;
    private static final int PANEL_H = 300;
    private static final int COLS = 3;
    private static final int LEGEND_H = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    /**
     * One point of a panel.
     *
     * @param x the horizontal value, 0 or more, in the x axis's unit
     * @param y the vertical value, 0 or more, in the y axis's unit
     * @param colour the category the point's colour shows (six colours, then they repeat)
     * @param marker the category the point's marker shape shows (four shapes, then they repeat)
     */
    public record Mark(double x, double y, String colour, String marker) {
    }

    /**
     * What the axes and the legend say.
     *
     * @param xLabel the horizontal axis title, with its unit
     * @param yLabel the vertical axis title, with its unit
     * @param colourMeaning what colour encodes, e.g. {@code "spawning strategy"}
     * @param markerMeaning what the marker shape encodes, e.g. {@code "balancer"}
     */
    public record Labels(String xLabel, String yLabel, String colourMeaning, String markerMeaning) {
    }

    private PanelChart() {
    }

    /**
     * Writes the panels to a PNG file. Colours and markers are assigned in order of first
     * appearance, panels in the map's iteration order (pass a {@link java.util.LinkedHashMap}
     * for a stable layout).
     *
     * @param file the PNG file to write, replaced if it exists; its folder must exist
     * @param labels the axis titles and the legend's headings
     * @param panels the panel titles and their points
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void write(Path file, Labels labels, Map<String, List<Mark>> panels) {
        List<String> colours = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        for (List<Mark> marks : panels.values()) {
            for (Mark m : marks) {
                if (!colours.contains(m.colour())) {
                    colours.add(m.colour());
                }
                if (!markers.contains(m.marker())) {
                    markers.add(m.marker());
                }
            }
        }
        int rows = Math.max(1, (panels.size() + COLS - 1) / COLS);
        int cols = Math.min(COLS, Math.max(1, panels.size()));
        BufferedImage img = Png.image(cols * PANEL_W, rows * PANEL_H + LEGEND_H);
        Graphics2D g = Png.graphics(img);
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            int i = 0;
            for (var e : panels.entrySet()) {
                panel(g, (i % COLS) * PANEL_W, (i / COLS) * PANEL_H, e.getKey(), e.getValue(), labels, colours, markers);
                i++;
            }
            legend(g, rows * PANEL_H, labels, colours, markers);
        } finally {
            g.dispose();
        }
        Png.save(img, file);
    }

    private static void panel(Graphics2D g, int x0, int y0, String title, List<Mark> marks, Labels labels,
                              List<String> colours, List<String> markers) {
        int left = x0 + 60;
        int top = y0 + 30;
        int w = PANEL_W - 80;
        int h = PANEL_H - 75;
        double maxX = 0;
        double maxY = 0;
        for (Mark m : marks) {
            maxX = Math.max(maxX, m.x());
            maxY = Math.max(maxY, m.y());
        }
        maxX = Png.nice(maxX);
        maxY = Png.nice(maxY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(title, left, y0 + 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(0xdddddd));
        for (int k = 0; k <= 4; k++) {
            int yy = top + h - k * h / 4;
            int xx = left + k * w / 4;
            g.drawLine(left, yy, left + w, yy);
            g.drawLine(xx, top, xx, top + h);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, w, h);
        FontMetrics fm = g.getFontMetrics();
        for (int k = 0; k <= 4; k++) {
            String ly = fmt(maxY * k / 4);
            g.drawString(ly, left - 6 - fm.stringWidth(ly), top + h - k * h / 4 + 4);
            String lx = fmt(maxX * k / 4);
            g.drawString(lx, left + k * w / 4 - fm.stringWidth(lx) / 2, top + h + 15);
        }
        g.drawString(labels.xLabel(), left + w / 2 - fm.stringWidth(labels.xLabel()) / 2, top + h + 32);
        var old = g.getTransform();
        g.rotate(-Math.PI / 2, x0 + 14, top + h / 2.0);
        g.drawString(labels.yLabel(), x0 + 14 - fm.stringWidth(labels.yLabel()) / 2, top + h / 2 + 4);
        g.setTransform(old);
        g.setStroke(new BasicStroke(1.5f));
        for (Mark m : marks) {
            double px = left + (maxX == 0 ? 0 : m.x() / maxX * w);
            double py = top + h - (maxY == 0 ? 0 : m.y() / maxY * h);
            Color color = COLORS[colours.indexOf(m.colour()) % COLORS.length];
            Shape s = marker(markers.indexOf(m.marker()), px, py);
            g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
            g.fill(s);
            g.setColor(color);
            g.draw(s);
        }
    }

    private static void legend(Graphics2D g, int y, Labels labels, List<String> colours, List<String> markers) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1.5f));
        int x = 20;
        g.setColor(Color.BLACK);
        g.drawString("colour = " + labels.colourMeaning() + ":", x, y + 22);
        x += 200;
        for (int i = 0; i < colours.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(x, y + 12, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(colours.get(i), x + 16, y + 22);
            x += 30 + g.getFontMetrics().stringWidth(colours.get(i));
        }
        x = 20;
        g.drawString("marker = " + labels.markerMeaning() + ":", x, y + 50);
        x += 200;
        for (int i = 0; i < markers.size(); i++) {
            g.draw(marker(i, x + 6, y + 45));
            g.drawString(markers.get(i), x + 16, y + 50);
            x += 30 + g.getFontMetrics().stringWidth(markers.get(i));
        }
    }

    private static Shape marker(int kind, double x, double y) {
        double r = 5;
        return switch (Math.floorMod(kind, 4)) {
            case 0 -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(x - r, y - r, 2 * r, 2 * r);
            case 2 -> polygon(new double[] {x, x + r, x - r}, new double[] {y - r, y + r, y + r});
            default -> polygon(new double[] {x, x + r, x, x - r}, new double[] {y - r, y, y + r, y});
        };
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        p.closePath();
        return p;
    }

    private static String fmt(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
