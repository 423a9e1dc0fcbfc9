package dev.jgan.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same seeded steps of a network with tanh and sigmoid end with identical parameter bytes in fresh JVMs: with
 * C2 compiling the kernels (after a warm-up on a throwaway network), with C1 only and interpreted; and a run saved at
 * step N/2 by a warmed JVM and resumed in a cold one ends with the straight run's bytes. On the vector kernels this failed before their exp/tanh/sigmoid became exact
 * functions of their inputs (FloatMath). Each kernel path is checked in its own child JVMs.
 */
class CrossJvmDeterminismTest {
    static final int STEPS = 12;
    /** Throwaway steps before the measured run in the compiled JVMs: enough for C2 to compile the elementwise loops. */
    static final int WARM = 400;

    @ParameterizedTest
    @ValueSource(strings = {"vector", "scalar"})
    void sameBytesInEveryJvmAndAfterResume(String path, @TempDir Path dir) throws Exception {
        List<String> flags = path.equals("vector") ? List.of("--add-modules", "jdk.incubator.vector", "-Djgan.simd=on") : List.of("-Djgan.simd=off");
        String straight = run(flags, List.of("-Dwarm=" + WARM), "straight", Integer.toString(STEPS));
        assertThat(run(flags, List.of("-XX:TieredStopAtLevel=1"), "straight", Integer.toString(STEPS))).as("C1 only").isEqualTo(straight);
        assertThat(run(flags, List.of("-Xint"), "straight", Integer.toString(STEPS))).as("interpreted").isEqualTo(straight);
        run(flags, List.of("-Dwarm=" + WARM), "first", Integer.toString(STEPS), dir.toString());
        assertThat(run(flags, List.of(), "second", Integer.toString(STEPS), dir.toString())).as("saved at %d, resumed", STEPS / 2).isEqualTo(straight);
    }

    /** Runs DeterministicRun in a fresh JVM; returns its kernels and digest lines. */
    static String run(List<String> pathFlags, List<String> jvmFlags, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.addAll(pathFlags);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterministicRun.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("%s failed:%n%s", cmd, out).isZero();
        StringBuilder result = new StringBuilder();
        for (String line : out.split("\n")) if (line.startsWith("KERNELS ") || line.startsWith("DIGEST ")) result.append(line.trim()).append('\n');
        assertThat(result.toString()).contains("DIGEST ");
        return result.toString();
    }
}
