package io.trinity.pool.spring;

/** The {@code trinity.pool.*} properties could not make a pool config; the message says which and why. */
public final class InvalidPoolPropertiesException extends IllegalStateException {

    InvalidPoolPropertiesException(String message, Throwable cause) {
        super(message, cause);
    }
}
