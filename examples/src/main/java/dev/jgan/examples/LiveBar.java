package dev.jgan.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A training run's progress as one live line on the terminal (me.tongfei:progressbar): the bar, iterations done, the
 * rate, the ETA and a message such as the last losses. Lines printed through {@link #println} appear above the bar,
 * whole, instead of through it. The commands use it only when stdout is a terminal ({@link #wanted}); otherwise they
 * print their plain progress lines, which CI logs keep and tests read.
 *
 * <pre>{@code
 * try (LiveBar bar = new LiveBar("dcgan", 0, 5000)) {
 *     ... bar.update(i, "D 0.6931  G 0.6931"); ... bar.println(stdout, "  500  wrote samples-000500.png");
 * }
 * }</pre>
 */
final class LiveBar implements AutoCloseable {
    /** Redraws per second: live enough to read the losses, rare enough to cost nothing. */
    private static final int REFRESH_MILLIS = 250;
    private static final String CLEAR_LINE = "\r\033[2K";

    private final LinesAbove terminal;
    private final ProgressBar bar;

    /** Whether stdout (and stdin) is a terminal: not in CI, a pipe, a redirect or a test (JDK 17's {@link System#console}). */
    static boolean wanted() {
        return System.console() != null;
    }

    /** A bar for iterations {@code first} (done already, e.g. by a resumed run) to {@code last}, drawn on System.out. */
    LiveBar(String task, long first, long last) {
        this.terminal = new LinesAbove(System.out);
        // The rate and ETA count this session's iterations only: a resumed run's earlier ones took no time here.
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(last).startsFrom(first, Duration.ZERO)
                .setStyle(ProgressBarStyle.UNICODE_BLOCK).setUnit(" it", 1).showSpeed().setSpeedUnit(ChronoUnit.SECONDS)
                .setUpdateIntervalMillis(REFRESH_MILLIS).setConsumer(terminal).build();
    }

    /** Iteration {@code iteration} is done; {@code message} follows the ETA (e.g. the losses). */
    void update(long iteration, String message) {
        bar.setExtraMessage(" " + message); // the renderer puts it right after the rate
        bar.stepTo(iteration);
    }

    /** Prints {@code line} to {@code out} (a writer on the same terminal) above the bar, then draws the bar again under it. */
    void println(PrintWriter out, String line) {
        terminal.above(() -> {
            out.println(line);
            out.flush();
        });
    }

    /** Prints {@code line} to System.out above the bar. */
    void println(String line) {
        terminal.above(() -> System.out.println(line));
    }

    /** Draws the bar a last time and ends its line; the next output starts on a fresh line. */
    @Override
    public void close() {
        bar.close();
    }

    /**
     * The console consumer, remembering the last bar it drew so that a line printed above can be followed by the bar
     * again. Invariant: the bar's drawing thread and {@link #above} hold this object's lock, so a line never starts in
     * the middle of a bar.
     */
    private static final class LinesAbove extends ConsoleProgressBarConsumer {
        private final PrintStream out;
        private String last;

        LinesAbove(PrintStream out) {
            super(out);
            this.out = out;
        }

        @Override
        public synchronized void accept(String rendered) {
            last = rendered;
            super.accept(rendered);
        }

        synchronized void above(Runnable print) {
            out.print(CLEAR_LINE);
            out.flush();
            print.run();
            if (last != null) super.accept(last);
            out.flush();
        }
    }
}
