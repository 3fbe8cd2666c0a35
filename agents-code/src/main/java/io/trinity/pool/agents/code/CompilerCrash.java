package io.trinity.pool.agents.code;

import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.common.Inputs;
import java.io.Writer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a crash of the compiler on a source (out of stack, out of memory, an internal error)
 * into the non-retryable failure of the task: the same source would crash it again. javac
 * catches what goes wrong inside it and prints "An exception has occurred in the compiler" with
 * a stack trace to its output writer; the agent captures that writer ({@link Output}) and reads
 * the exception from it.
 */
final class CompilerCrash {

    /** javac's own line before the stack trace of a crash (msg.bug, English). */
    static final String BUG_BANNER = "An exception has occurred in the compiler";
    private static final Pattern EXCEPTION = Pattern.compile(
            "^((?:[\\p{L}_$][\\p{L}\\p{N}_$]*\\.)+[\\p{L}_$][\\p{L}\\p{N}_$]*)(?::\\s?(.*))?$");
    /** The frame a crash is reported at: the first in javac (or this agent), else the first. */
    private static final String JAVAC = "com.sun.tools.javac.";
    private static final String AGENT = "io.trinity.pool.agents.code.";
    private static final Pattern FRAME = Pattern.compile("^\\s+at (?:[^/\\s]+/)?([^(\\s]+)\\(.*$");

    private CompilerCrash() {
    }

    /** The failure for an error thrown while analysing {@code source}. */
    static NonRetryableException of(Throwable t, String source) {
        String at = null;
        for (StackTraceElement frame : t.getStackTrace()) {
            String name = frame.getClassName() + "." + frame.getMethodName();
            at = at == null ? name : at;
            if (frame.getClassName().startsWith(JAVAC) || frame.getClassName().startsWith(AGENT)) {
                at = name;
                break;
            }
        }
        return describe(t.getClass().getName(), t.getMessage(), at, source);
    }

    /**
     * The failure for a compilation that javac ended as failed without reporting an error,
     * explained from what javac printed ({@code output}, possibly empty).
     */
    static NonRetryableException fromOutput(String output, String source) {
        String[] lines = output.split("\\R");
        boolean afterBanner = false;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(BUG_BANNER)) {
                afterBanner = true;
                continue;
            }
            Matcher m = EXCEPTION.matcher(lines[i]);
            if (afterBanner && m.matches()) {
                String first = null;
                String javac = null;
                for (int k = i + 1; k < lines.length && javac == null; k++) {
                    Matcher f = FRAME.matcher(lines[k]);
                    if (!f.matches()) {
                        break;
                    }
                    first = first == null ? f.group(1) : first;
                    javac = f.group(1).startsWith(JAVAC) ? f.group(1) : null;
                }
                return describe(m.group(1), m.group(2), javac != null ? javac : first, source);
            }
        }
        String said = output.strip();
        return Inputs.bad("source", "the compiler stopped on this source without reporting an error"
                + (said.isEmpty() ? " or saying why" : " (it printed: " + firstLine(said) + ")"), source);
    }

    private static NonRetryableException describe(String exception, String message, String at, String source) {
        String what = exception + (message == null || message.isBlank() ? "" : ": " + message)
                + (at == null ? "" : " at " + at);
        if (exception.equals(StackOverflowError.class.getName())) {
            return Inputs.bad("source", "the compiler ran out of stack on this source (" + what + "): it nests"
                    + " deeper than the " + (CompilerThread.STACK_BYTES >> 20) + " MiB stack the code agent compiles"
                    + " with allows; flatten the deepest nesting (parentheses, generic types, blocks, long chains of"
                    + " operators)", source);
        }
        if (exception.equals(OutOfMemoryError.class.getName())) {
            return Inputs.bad("source", "the compiler ran out of memory on this source (" + what + ")", source);
        }
        return Inputs.bad("source", "the compiler failed with an internal error on this source (" + what
                + ")", source);
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() <= 200 ? line : line.substring(0, 197) + "...";
    }

    /**
     * javac's own output (crash reports, notes without a diagnostic listener), kept in memory
     * instead of going to the process's stderr; only the first {@value #LIMIT} characters are
     * kept, since a stack overflow prints a thousand frames.
     */
    static final class Output extends Writer {
        static final int LIMIT = 16_384;
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            int room = LIMIT - text.length();
            if (room > 0) {
                text.append(buf, off, Math.min(room, len));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }

        synchronized boolean reportsCrash() {
            return text.indexOf(BUG_BANNER) >= 0;
        }
    }
}
