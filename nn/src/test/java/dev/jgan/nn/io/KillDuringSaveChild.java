package dev.jgan.nn.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link KillDuringSaveTest}: resumes the run from the checkpoint if there is one, then trains
 * and saves after every step until it is killed, telling the parent on stdout what it does:
 * {@code resumed <step>}, then per step {@code begin <step>} before the save and {@code saved <step> <ms>} after it.
 * It exits by itself when its stdin closes (the parent died), so it never outlives the test.
 */
final class KillDuringSaveChild {
    private KillDuringSaveChild() {}

    public static void main(String[] args) throws IOException {
        Path checkpoint = Path.of(args[0]);
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
        System.out.println("resumed " + run.step);
        System.out.flush();
        while (true) {
            run.step();
            System.out.println("begin " + run.step);
            System.out.flush();
            long start = System.nanoTime();
            TrainingCheckpoint.save(checkpoint, run.parts(), KillDuringSaveTest.METADATA);
            System.out.println("saved " + run.step + " " + (System.nanoTime() - start) / 1e6);
            System.out.flush();
        }
    }
}
