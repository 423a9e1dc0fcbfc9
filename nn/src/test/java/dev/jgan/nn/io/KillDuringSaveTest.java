package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jgan.autodiff.Rng;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link KillDuringSaveChild}, SIGKILL) again and again while it trains a {@link TinyGanRun} and
 * saves a {@link TrainingCheckpoint} after every step, each child resuming from the file the previous one left.
 * After each kill: the directory holds the checkpoint and at most one temporary file (the killed save's; the next
 * save removes it); the checkpoint loads; its step is the last one saved or the one being saved (as the child's
 * progress file records them); and its bytes are exactly those of the same run computed here, in this JVM, up to
 * that step (so it is that complete state, and saves in two JVMs give the same bytes).
 *
 * <p>Each child is killed 0 to 150 ms after it begins its 1st, 2nd, 3rd or 4th save (drawn from a seeded
 * generator; a first, cold save takes about 0.6 s here, later ones 10-150 ms and a step 30-200 ms), so most kills
 * land inside a save, at every stage of it, and the others in the step after it. The build runs 8 kills; for a
 * longer campaign (docs/reliability.md):
 * {@code mvn -pl nn -am test -Dtest=KillDuringSaveTest -Dsurefire.failIfNoSpecifiedTests=false -Djgan.killtest.kills=250}.
 * NOTE: a killed process still has its written bytes in the page cache; this tests crashes of the process, not
 * of the machine (for which the writer forces the file to disk before the rename).
 */
class KillDuringSaveTest {
    static final long SEED = 20_241_203L;
    static final Map<String, String> METADATA = Map.of("run", "kill-test", "width", "256", "dim", "64", "seed", Long.toString(SEED));

    /** The run the child trains: a checkpoint of 445 KB (a save takes 10-150 ms here, a step 30-200 ms). */
    static TinyGanRun newRun(long seed) {
        return new TinyGanRun(256, 64, seed);
    }

    /** Each child is killed during or soon after its 1st to 4th save. */
    private static final int SAVES_BEFORE_KILL = 4;

    private static final Pattern LINE = Pattern.compile("(resumed|begin|saved) (\\d+)( .*)?");

    /** What a child said before it was killed. */
    private static final class Transcript {
        final List<String> lines = new ArrayList<>();
        long resumed = -1, lastBegun = -1, lastSaved = -1, begins;
        double saveMillis;
        int saves;
        boolean ended;

        synchronized void add(String line) {
            lines.add(line);
            var m = LINE.matcher(line);
            if (!m.matches()) return;
            long step = Long.parseLong(m.group(2));
            switch (m.group(1)) {
                case "resumed" -> resumed = step;
                case "begin" -> {
                    lastBegun = step;
                    begins++;
                    notifyAll();
                }
                default -> {
                    lastSaved = step;
                    saves++;
                    saveMillis += Double.parseDouble(m.group(3).trim());
                }
            }
        }

        /** Waits until the child has begun its n-th save, or has ended; returns whether it began it. */
        synchronized boolean awaitBegin(long n, long timeoutMs) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMs;
            while (begins < n && !ended && System.currentTimeMillis() < end) wait(100);
            return begins >= n;
        }

        synchronized void end() {
            ended = true;
            notifyAll();
        }
    }

    private static List<String> tail(Transcript t) {
        return t.lines.subList(Math.max(0, t.lines.size() - 3), t.lines.size());
    }

    private static Process startChild(Path checkpoint, Path progress, Path stderr) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        // The same kernels and threads as this JVM, so that both compute the same bits.
        for (String k : System.getProperties().stringPropertyNames())
            if (k.startsWith("jgan.") && !k.startsWith("jgan.killtest.")) cmd.add("-D" + k + "=" + System.getProperty(k));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KillDuringSaveChild.class.getName(), checkpoint.toString(),
                progress.toString()));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
    }

    private static List<Path> temporaryFiles(Path dir, Path checkpoint) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> others = files.filter(f -> !f.equals(checkpoint)).toList();
            Pattern own = TemporaryFiles.pattern(checkpoint);
            for (Path f : others) assertThat(f.getFileName().toString()).as("a file other than the checkpoint").matches(own);
            return others;
        }
    }

    @Test
    void killedSavesLeaveTheOldOrTheNewCompleteStateAndNoPileOfTemporaryFiles(@TempDir Path tmp) throws Exception {
        int kills = Integer.getInteger("jgan.killtest.kills", 8);
        int maxDelayMs = Integer.getInteger("jgan.killtest.maxDelayMs", 150);
        Path dir = Files.createDirectory(tmp.resolve("run")), refDir = Files.createDirectory(tmp.resolve("reference"));
        Path checkpoint = dir.resolve("run.safetensors"), stderr = tmp.resolve("child-stderr.txt");
        Rng delays = new Rng(SEED);
        TinyGanRun reference = newRun(SEED);
        int duringSave = 0, newState = 0, oldState = 0, withTemporary = 0, maxTemporary = 0, saves = 0;
        double saveMillis = 0;
        for (int k = 0; k < kills; k++) {
            Path progress = tmp.resolve("progress-" + k + ".txt");
            Process child = startChild(checkpoint, progress, stderr);
            Transcript watched = new Transcript();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) watched.add(line);
                } catch (IOException e) {
                    // the child is gone
                } finally {
                    watched.end();
                }
            });
            reader.start();
            int save = 1 + delays.nextInt(SAVES_BEFORE_KILL);
            if (!watched.awaitBegin(save, 120_000) || !child.isAlive()) {
                child.destroyForcibly().waitFor();
                fail("child " + k + " did not begin save " + save + "; stdout " + watched.lines + ", stderr:\n" + Files.readString(stderr));
            }
            Thread.sleep(delays.nextInt(maxDelayMs + 1));
            child.destroyForcibly().waitFor(); // SIGKILL
            reader.join();
            assertThat(child.exitValue()).as("killed, not exited: stderr %s", Files.readString(stderr)).isEqualTo(137);
            // NOTE: stdout is no record of what the child did: destroyForcibly closes the pipe, dropping the lines not
            // read yet (a busy machine delays the reader; one run lost three). The progress file keeps every line.
            Transcript said = new Transcript();
            for (String line : Files.readAllLines(progress)) said.add(line);

            List<Path> temporary = temporaryFiles(dir, checkpoint);
            assertThat(temporary).as("temporary files after kill %d", k).hasSizeLessThanOrEqualTo(1);
            if (!Files.exists(checkpoint)) { // killed inside the very first save: there is no state yet, and no half file
                assertThat(said.resumed).isZero();
                assertThat(said.lastSaved).isEqualTo(-1);
                duringSave++;
                oldState++;
                continue;
            }
            TinyGanRun loaded = newRun(SEED + 1);
            TrainingCheckpoint.load(checkpoint, loaded.parts());
            long before = said.lastSaved >= 0 ? said.lastSaved : said.resumed;
            assertThat(loaded.step).as("kill %d: progress file ends %s, stdout %s", k, tail(said), tail(watched)).isIn(before, said.lastBegun);
            while (reference.step < loaded.step) reference.step();
            Path ref = refDir.resolve("step-" + loaded.step + ".safetensors");
            if (!Files.exists(ref)) TrainingCheckpoint.save(ref, reference.parts(), METADATA);
            assertThat(Files.readAllBytes(checkpoint)).as("kill %d: the file is the state of step %d", k, loaded.step).isEqualTo(Files.readAllBytes(ref));

            if (said.lastBegun > said.lastSaved) {
                duringSave++;
                if (loaded.step == said.lastBegun) newState++;
                else oldState++;
            }
            if (!temporary.isEmpty()) withTemporary++;
            maxTemporary = Math.max(maxTemporary, temporary.size());
            saves += said.saves;
            saveMillis += said.saveMillis;
        }
        // The next save, here, removes what the last kill left.
        TinyGanRun last = newRun(SEED + 2);
        TrainingCheckpoint.load(checkpoint, last.parts());
        TrainingCheckpoint.save(checkpoint, last.parts(), METADATA);
        assertThat(temporaryFiles(dir, checkpoint)).isEmpty();
        System.out.printf("kill test: %d kills, %d inside a save (new state %d, previous state %d); a temporary file after %d kills"
                        + " (at most %d at a time), none after the final save; %d saves completed (mean %.1f ms), step %d reached;"
                        + " checkpoint %d bytes%n", kills, duringSave, newState, oldState, withTemporary, maxTemporary, saves,
                saves == 0 ? 0 : saveMillis / saves, last.step, Files.size(checkpoint));
    }
}
