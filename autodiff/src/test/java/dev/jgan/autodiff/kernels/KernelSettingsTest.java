package dev.jgan.autodiff.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel settings: parsed and checked in one place, and a bad one fails the first use of the kernels instead of
 * falling back to the scalar kernels. The child-JVM tests run on the same kernel path as this JVM.
 */
class KernelSettingsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static KernelSettings parse(Map<String, String> properties) {
        return KernelSettings.parse(properties::get);
    }

    @Test
    void defaultsAndAcceptedForms() {
        assertThat(parse(Map.of())).isEqualTo(new KernelSettings("auto", 0, CORES, true));
        assertThat(parse(Map.of("jgan.simd", " OFF ", "jgan.simd.bits", "128", "jgan.threads", " 3", "jgan.winograd", "Off")))
                .isEqualTo(new KernelSettings("off", 128, 3, false));
        assertThat(parse(Map.of("jgan.simd", "", "jgan.threads", "  "))).isEqualTo(new KernelSettings("auto", 0, CORES, true));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jgan.threads   | abc     | jgan.threads must be a positive integer (default: all %d cores), got 'abc'",
            "jgan.threads   | 0       | jgan.threads must be a positive integer (default: all %d cores), got '0'",
            "jgan.threads   | -2      | jgan.threads must be a positive integer (default: all %d cores), got '-2'",
            "jgan.threads   | 9999999999 | jgan.threads must be a positive integer (default: all %d cores), got '9999999999'",
            "jgan.winograd  | bogus   | jgan.winograd must be auto or off, got 'bogus'",
            "jgan.simd      | vector  | jgan.simd must be auto, on or off, got 'vector'",
            "jgan.simd.bits | 100     | jgan.simd.bits must be 64, 128, 256 or 512 (default: the CPU's preferred width), got '100'",
            "jgan.simd.bits | wide    | jgan.simd.bits must be 64, 128, 256 or 512 (default: the CPU's preferred width), got 'wide'"})
    void badValueNamesPropertyValueAndAllowedValues(String property, String value, String message) {
        assertThatThrownBy(() -> parse(Map.of(property, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message.formatted(CORES));
    }

    /** Prints the sum of relu(0, 1, 2) and the kernels' name: the first tensor op chooses the kernels. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("result " + Tensor.arange(3).relu().sum().item() + " on " + KernelProvider.implementation());
        }
    }

    /**
     * A child JVM on this JVM's kernel path (the Vector API module and {@code jgan.simd} as here) with one more
     * setting; returns its exit code and output.
     */
    private static String[] runChild(String property, String value) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (KernelProvider.vectorModuleAvailable()) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.add("-Djgan.simd=" + System.getProperty("jgan.simd", "auto"));
        cmd.add("-D" + property + "=" + value);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + out);
        }
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void childJvmWithGoodSettingsRuns() throws Exception {
        String[] r = runChild("jgan.threads", "1");
        assertThat(r[1]).contains("result 3.0 on " + KernelProvider.implementation());
        assertThat(r[0]).isEqualTo("0");
    }

    /** Before: the vector path logged "the Vector API could not be loaded" and ran on the scalar kernels; the scalar path never looked. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jgan.threads   | abc   | jgan.threads must be a positive integer",
            "jgan.threads   | 0     | jgan.threads must be a positive integer",
            "jgan.winograd  | bogus | jgan.winograd must be auto or off, got 'bogus'",
            "jgan.simd.bits | 100   | jgan.simd.bits must be 64, 128, 256 or 512"})
    void childJvmWithBadSettingFailsInsteadOfFallingBack(String property, String value, String message) throws Exception {
        String[] r = runChild(property, value);
        assertThat(r[1]).contains("IllegalArgumentException: " + message).contains("got '" + value + "'")
                .doesNotContain("result").doesNotContain("could not be loaded");
        assertThat(r[0]).isNotEqualTo("0");
    }
}
