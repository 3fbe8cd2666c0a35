package io.trinity.pool.journal;

/**
 * A journal could not be opened, read or written. The message names the journal (its path or
 * URL) and what to do; the pool never acknowledges a task whose record was not stored.
 */
public class JournalException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message what failed, naming the journal (its path or URL) and what to do
     */
    public JournalException(String message) {
        super(message);
    }

    /**
     * Creates the exception for a failure of the underlying store.
     *
     * @param message what failed, naming the journal (its path or URL) and what to do
     * @param cause   the store's own exception (such as an {@code SQLException}), or null
     */
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
