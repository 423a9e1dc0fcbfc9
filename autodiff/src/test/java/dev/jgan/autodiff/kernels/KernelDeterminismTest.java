package dev.jgan.autodiff.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every kernel gives the same bits on every JIT tier: {@link TierProbe} runs in child JVMs with this JVM's kernel
 * settings, once with the default tiers (a cold first call, then 100,000 warm calls: C2-compiled), once with C1
 * only and once interpreted only, and all their digests must be equal. Before FloatMath, the vector kernels'
 * exp, tanh and sigmoid failed this (the Vector API's lanewise EXP/TANH differ by an ulp between tiers).
 */
class KernelDeterminismTest {
    @Test
    void sameBitsInterpretedC1AndC2() throws Exception {
        Map<String, String> c2 = run(100_000);
        Map<String, String> c1 = run(0, "-XX:TieredStopAtLevel=1");
        Map<String, String> interpreted = run(0, "-Xint");
        assertThat(c2).as("kernels %s", c2.get("KERNELS")).isNotEmpty();
        int probes = 0;
        for (Map.Entry<String, String> e : c2.entrySet()) {
            if (!e.getKey().startsWith("COLD ")) continue;
            String name = e.getKey().substring(5);
            assertThat(c2.get("WARM " + name)).as("%s after 100,000 calls vs its first call", name).isEqualTo(e.getValue());
            assertThat(c1.get(e.getKey())).as("%s with C1 only", name).isEqualTo(e.getValue());
            assertThat(interpreted.get(e.getKey())).as("%s interpreted", name).isEqualTo(e.getValue());
            probes++;
        }
        assertThat(probes).isEqualTo(UnaryOp.values().length + BinaryOp.values().length + ReduceOp.values().length + 8);
    }

    /** Runs the probe with this JVM's jgan settings and module flags plus the given ones; returns its lines keyed by their first two words. */
    static Map<String, String> run(int warm, String... jvmFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("-Djgan.") || a.startsWith("--add-modules") || a.equals("jdk.incubator.vector")) cmd.add(a);
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TierProbe.class.getName(), Integer.toString(warm)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("probe %s failed:%n%s", cmd, out).isZero();
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] w = line.trim().split(" ");
            if (w.length == 3) lines.put(w[0] + " " + w[1], w[2]);
            else if (w.length == 2 && w[0].equals("KERNELS")) lines.put("KERNELS", w[1]);
        }
        return lines;
    }
}
