package dev.jgan.examples;

/**
 * An error in a command's options, data or files that the user can fix: the commands print its message as one line on
 * stderr, prefixed with the command's name, and exit with status 2 ({@code --verbose} adds the stack trace).
 */
final class UsageError extends Exception {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message);
    }

    UsageError(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first line of a library message (some, e.g. a checkpoint's list of mismatched tensors, go on for lines). */
    static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
