package dev.jgan.nn.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files of atomic saves. Each is named after its target and the process writing it,
 * {@code .<target name>.<pid>-<n>.tmp} (e.g. {@code .run.safetensors.4211-0.tmp}), next to the target, so that
 * one left behind by a killed save is recognizable and the next save of the same target can remove it.
 *
 * <p>A temporary file is stale when the process that wrote it is no longer alive on this host, or when it is
 * this process's own and no save is writing it (a failed cleanup). Files of a live process are another save in
 * progress and are left alone, as is every file whose name does not follow the pattern exactly.
 */
final class TemporaryFiles {
    private TemporaryFiles() {}

    private static final System.Logger LOG = System.getLogger(TemporaryFiles.class.getName());
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** This process's temporary files that a save is writing now. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    /** The name pattern of {@code target}'s temporary files; group 1 is the writer's process id. */
    static Pattern pattern(Path target) {
        return Pattern.compile("\\." + Pattern.quote(target.getFileName().toString()) + "\\.([0-9]{1,19})-[0-9]{1,19}\\.tmp");
    }

    /** Creates a new, empty temporary file for {@code target} (absolute) in its directory and marks it in progress. */
    static Path create(Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + PID + "-" + SEQUENCE.getAndIncrement() + ".tmp");
            IN_PROGRESS.add(tmp);
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                // A stale file of an earlier process that had our pid and is still in use (or being removed): next number.
                IN_PROGRESS.remove(tmp);
                if (attempt >= 1000) throw e;
            } catch (IOException | RuntimeException e) {
                IN_PROGRESS.remove(tmp);
                throw e;
            }
        }
    }

    /** The save writing {@code tmp} has ended (renamed or failed); a file still there is now stale. */
    static void finished(Path tmp) {
        IN_PROGRESS.remove(tmp);
    }

    /**
     * Deletes {@code target}'s stale temporary files. Best effort: a file that cannot be deleted is logged and left,
     * since it does not stop the save.
     */
    static void removeStale(Path target) {
        Pattern own = pattern(target);
        DirectoryStream.Filter<Path> filter = p -> own.matcher(p.getFileName().toString()).matches();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(target.getParent(), filter)) {
            for (Path p : files) {
                Matcher m = own.matcher(p.getFileName().toString());
                if (!m.matches() || !isStale(p, m.group(1))) continue;
                try {
                    Files.deleteIfExists(p);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "safetensors: could not remove the stale temporary file " + p, e);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "safetensors: could not list " + target.getParent() + " for stale temporary files", e);
        }
    }

    private static boolean isStale(Path file, String pidText) {
        long pid;
        try {
            pid = Long.parseLong(pidText);
        } catch (NumberFormatException e) {
            return false; // 19 digits beyond Long.MAX_VALUE: not a name this class wrote
        }
        if (pid == PID) return !IN_PROGRESS.contains(file);
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }
}
