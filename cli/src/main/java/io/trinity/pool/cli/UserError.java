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

    /**
     * Why a file operation failed, for a message: the file the system named and its reason
     * ({@code /proc/nope: no such file or directory}). The JDK's file exceptions often carry
     * only the path as their message, which reads as no reason at all.
     */
    static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String why = f.getReason() != null ? f.getReason().toLowerCase(java.util.Locale.ROOT) : switch (f) {
                case java.nio.file.NoSuchFileException x -> "no such file or directory";
                case java.nio.file.AccessDeniedException x -> "permission denied";
                case java.nio.file.FileAlreadyExistsException x -> "a file of that name is in the way";
                case java.nio.file.NotDirectoryException x -> "not a directory";
                default -> f.getClass().getSimpleName();
            };
            return (f.getFile() != null ? f.getFile() + ": " : "") + why
                    + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
