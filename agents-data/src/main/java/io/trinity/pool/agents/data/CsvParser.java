package io.trinity.pool.agents.data;

import io.trinity.pool.agent.NonRetryableException;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 CSV reader: fields separated by a delimiter, records by CRLF, LF or CR; a field
 * may be enclosed in double quotes, and then may hold delimiters, line breaks and doubled
 * quotes ({@code ""} for one {@code "}).
 *
 * <p>Two deliberate leniencies, because real files have them and neither is ambiguous: a quote
 * inside an unquoted field is kept as a literal character ({@code 5" screen}), and blank lines
 * are skipped. Everything else that the RFC forbids is refused with the line and column, since
 * guessing would silently shift values between columns: an unterminated quoted field, text
 * after a closing quote, and a record whose field count differs from the header's.
 */
final class CsvParser {

    /** One record and the physical line it starts on (1-based), kept for error messages. */
    record Row(int line, List<String> fields) {
    }

    private final String source;
    private final char delimiter;

    /**
     * @param source    the input field the text came from, used in messages ({@code csv}, {@code file})
     * @param delimiter the field separator, usually a comma
     */
    CsvParser(String source, char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new NonRetryableException("input.delimiter: cannot be a quote or a line break (got '"
                    + printable(delimiter) + "'); use a comma, semicolon, tab or pipe");
        }
        this.source = source;
        this.delimiter = delimiter;
    }

    /** Parses all records, the header included; every record has as many fields as the first. */
    List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = text.startsWith("\uFEFF") ? 1 : 0; // a byte-order mark is not part of the first header
        int n = text.length();
        int line = 1;
        int column = 1;
        int recordLine = 1;
        boolean fieldWasQuoted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (field.isEmpty() && !fieldWasQuoted && c == '"') {
                // A quoted field: read up to the closing quote, which must be followed by a
                // delimiter, a line break or the end of the text.
                int quoteLine = line;
                int quoteColumn = column;
                i++;
                column++;
                fieldWasQuoted = true;
                boolean closed = false;
                while (i < n) {
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            column += 2;
                            continue;
                        }
                        i++;
                        column++;
                        closed = true;
                        break;
                    }
                    if (q == '\r' || q == '\n') {
                        int len = (q == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
                        field.append(text, i, i + len);
                        i += len;
                        line++;
                        column = 1;
                        continue;
                    }
                    field.append(q);
                    i++;
                    column++;
                }
                if (!closed) {
                    throw new NonRetryableException("input." + source + ": unterminated quoted field starting at line "
                            + quoteLine + ", column " + quoteColumn + "; close the field with a double quote (\")"
                            + " and write a quote inside a quoted field as two (\"\")");
                }
                if (i < n) {
                    char after = text.charAt(i);
                    if (after != delimiter && after != '\r' && after != '\n') {
                        throw new NonRetryableException("input." + source + ": unexpected '" + printable(after)
                                + "' after the closing quote at line " + line + ", column " + column
                                + "; a quote inside a quoted field must be doubled (\"\")");
                    }
                }
                continue;
            }
            if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                fieldWasQuoted = false;
                i++;
                column++;
                continue;
            }
            if (c == '\r' || c == '\n') {
                fields.add(field.toString());
                addRecord(rows, recordLine, fields, fieldWasQuoted);
                fields = new ArrayList<>();
                field.setLength(0);
                fieldWasQuoted = false;
                i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
                line++;
                column = 1;
                recordLine = line;
                continue;
            }
            field.append(c);
            i++;
            column++;
        }
        if (!field.isEmpty() || fieldWasQuoted || !fields.isEmpty()) {
            fields.add(field.toString());
            addRecord(rows, recordLine, fields, fieldWasQuoted);
        }
        return rows;
    }

    private void addRecord(List<Row> rows, int line, List<String> fields, boolean lastQuoted) {
        boolean blank = fields.size() == 1 && fields.get(0).isEmpty() && !lastQuoted;
        if (blank) {
            return;
        }
        if (!rows.isEmpty()) {
            int expected = rows.get(0).fields().size();
            if (fields.size() != expected) {
                throw new NonRetryableException("input." + source + ": line " + line + " has " + fields.size()
                        + " fields but the header (line " + rows.get(0).line() + ") has " + expected
                        + "; quote fields that contain the delimiter '" + printable(delimiter) + "'");
            }
        }
        rows.add(new Row(line, List.copyOf(fields)));
    }

    private static String printable(char c) {
        return switch (c) {
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> String.valueOf(c);
        };
    }
}
