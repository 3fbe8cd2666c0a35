package io.trinity.pool.journal;

/**
 * A journal could not be opened, read or written. The message names the journal (its path or
 * URL) and what to do; the pool never acknowledges a task whose record was not stored.
 */
public class JournalException extends RuntimeException {
    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
