package io.trinity.pool.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The bench's chart, drawn with headless java.awt: one scatter panel per workload of p99
 * latency against agent-seconds (down and left is better), colour by spawning strategy, marker
 * by balancer. Small multiples because workloads differ by orders of magnitude.
 */
final class Chart {

    private static final int PANEL_W = 420;
    private static final int PANEL_H = 300;
    private static final int COLS = 3;
    private static final int LEGEND_H = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private Chart() {
    }

    static void write(List<BenchCell> cells, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<BenchCell>> byWorkload = new LinkedHashMap<>();
        List<String> strategies = new ArrayList<>();
        List<String> balancers = new ArrayList<>();
        for (BenchCell c : cells) {
            byWorkload.computeIfAbsent(c.workload(), k -> new ArrayList<>()).add(c);
            if (!strategies.contains(c.strategy())) {
                strategies.add(c.strategy());
            }
            if (!balancers.contains(c.balancer())) {
                balancers.add(c.balancer());
            }
        }
        int rows = Math.max(1, (byWorkload.size() + COLS - 1) / COLS);
        int cols = Math.min(COLS, Math.max(1, byWorkload.size()));
        BufferedImage img = new BufferedImage(cols * PANEL_W, rows * PANEL_H + LEGEND_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            int i = 0;
            for (var e : byWorkload.entrySet()) {
                panel(g, (i % COLS) * PANEL_W, (i / COLS) * PANEL_H, e.getKey(), e.getValue(), strategies, balancers);
                i++;
            }
            legend(g, rows * PANEL_H, strategies, balancers);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void panel(Graphics2D g, int x0, int y0, String title, List<BenchCell> cells,
                              List<String> strategies, List<String> balancers) {
        int left = x0 + 60;
        int top = y0 + 30;
        int w = PANEL_W - 80;
        int h = PANEL_H - 75;
        double maxX = 0;
        double maxY = 0;
        for (BenchCell c : cells) {
            maxX = Math.max(maxX, c.summary().agentSeconds());
            maxY = Math.max(maxY, c.summary().p99Ms());
        }
        maxX = niceCeil(maxX);
        maxY = niceCeil(maxY);
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
        g.drawString("agent-seconds", left + w / 2 - 35, top + h + 32);
        var old = g.getTransform();
        g.rotate(-Math.PI / 2, x0 + 14, top + h / 2.0);
        g.drawString("p99 latency (ms)", x0 + 14 - 45, top + h / 2 + 4);
        g.setTransform(old);
        g.setStroke(new BasicStroke(1.5f));
        for (BenchCell c : cells) {
            double px = left + (maxX == 0 ? 0 : c.summary().agentSeconds() / maxX * w);
            double py = top + h - (maxY == 0 ? 0 : c.summary().p99Ms() / maxY * h);
            Color color = COLORS[strategies.indexOf(c.strategy()) % COLORS.length];
            Shape s = marker(balancers.indexOf(c.balancer()), px, py);
            g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
            g.fill(s);
            g.setColor(color);
            g.draw(s);
        }
    }

    private static void legend(Graphics2D g, int y, List<String> strategies, List<String> balancers) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1.5f));
        int x = 20;
        g.setColor(Color.BLACK);
        g.drawString("colour = spawning strategy:", x, y + 22);
        x += 200;
        for (int i = 0; i < strategies.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(x, y + 12, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(strategies.get(i), x + 16, y + 22);
            x += 30 + g.getFontMetrics().stringWidth(strategies.get(i));
        }
        x = 20;
        g.drawString("marker = balancer:", x, y + 50);
        x += 200;
        for (int i = 0; i < balancers.size(); i++) {
            g.draw(marker(i, x + 6, y + 45));
            g.drawString(balancers.get(i), x + 16, y + 50);
            x += 30 + g.getFontMetrics().stringWidth(balancers.get(i));
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

    /** 1, 2 or 5 times a power of ten, at least {@code v}, so axis labels are round. */
    static double niceCeil(double v) {
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

    private static String fmt(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
