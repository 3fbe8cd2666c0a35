package io.trinity.pool.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table built row by row from preformatted cells, rendered as plain text or as Markdown.
 * Plain text sizes each column to its widest cell, right-aligns numeric columns and rules the
 * header, in ASCII so it survives logs, pipes and CI output. Not thread-safe: build it on one
 * thread.
 */
public final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * A table with these column headings.
     *
     * @param header the column headings, in order; every row must have as many cells
     */
    public Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    /**
     * A table with these column headings.
     *
     * @param header the column headings, in order; every row must have as many cells
     */
    public Table(String... header) {
        this(List.of(header));
    }

    /**
     * Appends a row.
     *
     * @param cells one cell per column, in header order, none null
     * @return this table, to chain calls
     * @throws IllegalArgumentException if the row does not have one cell per column
     */
    public Table row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header has " + header.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /**
     * Appends a row of values shown with {@link String#valueOf(Object)}.
     *
     * @param cells one value per column, in header order; null shows as {@code null}
     * @return this table, to chain calls
     * @throws IllegalArgumentException if the row does not have one cell per column
     */
    public Table row(Object... cells) {
        List<String> s = new ArrayList<>();
        for (Object c : cells) {
            s.add(String.valueOf(c));
        }
        return row(s);
    }

    /**
     * Appends several rows.
     *
     * @param more the rows, each with one cell per column
     * @return this table, to chain calls
     * @throws IllegalArgumentException if a row does not have one cell per column
     */
    public Table rows(List<List<String>> more) {
        more.forEach(this::row);
        return this;
    }

    /**
     * The number of rows added so far, the header not counted.
     *
     * @return the row count, 0 or more
     */
    public int size() {
        return rows.size();
    }

    /**
     * The table as aligned plain text, one line per row, each ending in a newline, with no
     * trailing spaces.
     *
     * @return the header, a rule of dashes, then the rows
     */
    public String render() {
        int[] width = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
                numeric[c] &= isNumber(r.get(c));
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, numeric);
        for (int c = 0; c < width.length; c++) {
            sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(sb, r, width, numeric);
        }
        return sb.toString();
    }

    /**
     * The table as GitHub-flavoured Markdown; cells are written as they are, so a cell holding
     * {@code |} must escape it.
     *
     * @return the header row, the delimiter row, then one line per row
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        sb.append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * Formats with {@link Locale#ROOT}, so reports read the same on every machine.
     *
     * @param format a {@link java.util.Formatter} format string
     * @param args the values it refers to
     * @return the formatted text
     */
    public static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String v = cells.get(c);
            String pad = " ".repeat(width[c] - v.length());
            l.append(c == 0 ? "" : "  ").append(numeric[c] ? pad + v : v + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static boolean isNumber(String s) {
        return s.matches("-?[0-9][0-9,.]*(%|x|/s|ms|s)?") || s.equals("-");
    }
}
