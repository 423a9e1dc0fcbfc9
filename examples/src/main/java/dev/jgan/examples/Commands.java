package dev.jgan.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** What the image commands share: their error handling, option checks and output places. */
final class Commands {
    private Commands() {}

    /** A command's work, printing to {@code stdout}, returning the exit status. */
    @FunctionalInterface
    interface Body {
        int run(PrintWriter stdout) throws Exception;
    }

    /**
     * Runs {@code body}: a {@link UsageError} is one line on stderr ("jgan images: ...") and exit status 2, anything
     * else "failed: ..." and status 1; {@code verbose} adds the stack trace.
     */
    static int call(CommandSpec spec, boolean verbose, Body body) {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        try {
            return body.run(spec.commandLine().getOut());
        } catch (UsageError e) {
            err.println(name + ": " + e.getMessage());
            if (verbose) e.printStackTrace(err);
            err.flush();
            return 2;
        } catch (Exception | OutOfMemoryError e) {
            err.println(name + ": failed: " + e);
            if (verbose) e.printStackTrace(err);
            err.flush();
            return 1;
        }
    }

    static void positive(String name, int v) throws UsageError {
        if (v < 1) throw new UsageError(name + " must be >= 1, got " + v);
    }

    /** Creates {@code dir} if needed and checks that a file can be written into it. */
    static void writableDirectory(String option, Path dir) throws UsageError {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new UsageError(option + " " + dir + " is not a writable directory: " + e, e);
        }
    }

    /** Checks that {@code file} can be written: not a directory, its folder created and writable. */
    static void writableFile(String option, Path file) throws UsageError {
        if (Files.isDirectory(file)) throw new UsageError(option + " " + file + " is a directory, not a file");
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Path probe = Files.createTempFile(parent, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new UsageError(option + " " + file + ": cannot write into " + parent + ": " + e, e);
        }
    }

    /** Checks that {@code file}, given with {@code option}, is a readable regular file. */
    static void readableFile(String option, Path file) throws UsageError {
        if (!Files.exists(file)) throw new UsageError(option + " " + file + " does not exist");
        if (!Files.isRegularFile(file)) throw new UsageError(option + " " + file + " is not a file");
        if (!Files.isReadable(file)) throw new UsageError(option + " " + file + " is not readable");
    }
}
