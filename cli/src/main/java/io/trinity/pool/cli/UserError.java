package io.trinity.pool.cli;

/**
 * A mistake the user can fix (a bad value, a missing file, a malformed trace line): the
 * command prints the message alone, without a stack trace, and exits with code 2.
 */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
