package dev.jgan.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The child JVM of {@link KillDuringSaveTest}: resumes the run from the checkpoint if there is one, then trains
 * and saves after every step until it is killed, telling what it does: {@code resumed <step>}, then per step
 * {@code begin <step>} before the save and {@code saved <step> <ms>} after it. Each line goes first to a progress
 * file (one write call each, so it survives the kill in the page cache: the record the parent checks against),
 * then to stdout (which the parent watches to time its kill). It exits by itself when its stdin closes (the
 * parent died), so it never outlives the test.
 */
final class KillDuringSaveChild {
    private KillDuringSaveChild() {}

    private static FileChannel progress;

    private static void tell(String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) progress.write(bytes);
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) throws IOException {
        Path checkpoint = Path.of(args[0]);
        progress = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; EOF means it is gone
                }
            } catch (IOException e) {
                // treated as EOF
            }
            System.exit(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();

        TinyGanRun run = KillDuringSaveTest.newRun(KillDuringSaveTest.SEED);
        if (Files.exists(checkpoint)) TrainingCheckpoint.load(checkpoint, run.parts());
        tell("resumed " + run.step);
        while (true) {
            run.step();
            tell("begin " + run.step);
            long start = System.nanoTime();
            TrainingCheckpoint.save(checkpoint, run.parts(), KillDuringSaveTest.METADATA);
            tell("saved " + run.step + " " + (System.nanoTime() - start) / 1e6);
        }
    }
}
