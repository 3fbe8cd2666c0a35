package io.trinity.pool.agents.code;

/**
 * Counts total, code, blank and comment lines of Java source with a small lexer, because the
 * syntax tree drops comments and a regex cannot tell a {@code //} inside a string from a real
 * comment.
 *
 * <p>Rules: a line is <em>blank</em> if it holds only whitespace (also inside a block comment),
 * <em>code</em> if it holds any character outside a comment (a line with code and a trailing
 * comment is code), and <em>comment</em> otherwise. Lines of strings and text blocks are code.
 * {@code total = code + blank + comment}; a final line break does not start another line.
 */
final class LineCounter {

    record Lines(int total, int code, int blank, int comment) {
    }

    private enum State { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHAR, TEXT_BLOCK }

    private LineCounter() {
    }

    static Lines count(String source) {
        int code = 0;
        int blank = 0;
        int comment = 0;
        State state = State.CODE;
        boolean lineHasCode = false;
        boolean lineHasComment = false;
        int n = source.length();
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            if (c == '\n' || c == '\r') {
                if (lineHasCode || state == State.TEXT_BLOCK) {
                    code++;
                } else if (lineHasComment) {
                    comment++;
                } else {
                    blank++;
                }
                lineHasCode = false;
                lineHasComment = false;
                if (state == State.LINE_COMMENT) {
                    state = State.CODE;
                }
                i += (c == '\r' && i + 1 < n && source.charAt(i + 1) == '\n') ? 2 : 1;
                continue;
            }
            boolean space = Character.isWhitespace(c);
            switch (state) {
                case CODE -> {
                    if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                        state = State.LINE_COMMENT;
                        lineHasComment = true;
                        i++;
                    } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                        state = State.BLOCK_COMMENT;
                        lineHasComment = true;
                        i++;
                    } else if (c == '"' && source.startsWith("\"\"\"", i)) {
                        state = State.TEXT_BLOCK;
                        lineHasCode = true;
                        i += 2;
                    } else if (c == '"') {
                        state = State.STRING;
                        lineHasCode = true;
                    } else if (c == '\'') {
                        state = State.CHAR;
                        lineHasCode = true;
                    } else if (!space) {
                        lineHasCode = true;
                    }
                }
                case LINE_COMMENT -> lineHasComment |= !space;
                case BLOCK_COMMENT -> {
                    if (c == '*' && i + 1 < n && source.charAt(i + 1) == '/') {
                        state = State.CODE;
                        i++;
                    }
                    lineHasComment |= !space;
                }
                case STRING, CHAR -> {
                    lineHasCode = true;
                    if (c == '\\' && !lineBreakAt(source, i + 1)) {
                        i++; // skip the escaped character, so \" does not end the literal
                    } else if ((c == '"' && state == State.STRING) || (c == '\'' && state == State.CHAR)) {
                        state = State.CODE;
                    }
                }
                case TEXT_BLOCK -> {
                    lineHasCode |= !space;
                    if (c == '\\' && !lineBreakAt(source, i + 1)) {
                        i++;
                    } else if (c == '"' && source.startsWith("\"\"\"", i)) {
                        state = State.CODE;
                        i += 2;
                    }
                }
            }
            i++;
        }
        if (n > 0 && source.charAt(n - 1) != '\n' && source.charAt(n - 1) != '\r') {
            if (lineHasCode) {
                code++;
            } else if (lineHasComment) {
                comment++;
            } else {
                blank++;
            }
        }
        return new Lines(code + blank + comment, code, blank, comment);
    }

    private static boolean lineBreakAt(String s, int i) {
        return i < s.length() && (s.charAt(i) == '\n' || s.charAt(i) == '\r');
    }
}
