package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GaussiansCommandTest {

    private static int run(Path out, String... extra) {
        String[] args = new String[extra.length + 7];
        String[] base = {"gaussians", "--steps", "6", "--batch", "64", "--out", out.toString()};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return new CommandLine(new Jgan()).execute(args);
    }

    @Test
    void writesMetricsPlotAndCheckpoint(@TempDir Path dir) throws Exception {
        assertThat(run(dir, "--log-every", "3")).isZero();
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).isEqualTo("step,loss_d,loss_g,modes_covered,high_quality_share");
        assertThat(csv.get(1)).startsWith("3,");
        assertThat(csv.get(2)).startsWith("6,");
        assertThat(Files.size(dir.resolve("samples.png"))).isPositive();
        assertThat(Files.size(dir.resolve("generator.safetensors"))).isPositive();
    }

    @Test
    void sameSeedSameRun(@TempDir Path a, @TempDir Path b) throws Exception {
        assertThat(run(a, "--seed", "5")).isZero();
        assertThat(run(b, "--seed", "5")).isZero();
        assertThat(Files.readAllLines(a.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(b.resolve("metrics.csv")));
        assertThat(Files.readAllBytes(a.resolve("generator.safetensors"))).isEqualTo(Files.readAllBytes(b.resolve("generator.safetensors")));
    }

    @Test
    void rejectsBadOptions(@TempDir Path dir) {
        assertThat(run(dir, "--lr", "-1")).isNotZero();
    }
}
