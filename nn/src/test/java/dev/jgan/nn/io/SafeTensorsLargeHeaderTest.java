package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legal header of the format's largest size (100,000,000 bytes, mostly what the reader skips) is read by a child
 * JVM limited to a 64 MB heap: the header streams through the reader, so its size does not decide the memory needed.
 */
class SafeTensorsLargeHeaderTest {
    static final int HEADER_BYTES = (int) SafeTensorsReader.MAX_HEADER;

    @TempDir
    Path dir;

    /** The child: reads the file and prints what it found, or the exception. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            SafeTensorsFile f = SafeTensorsReader.read(Path.of(args[0]));
            float sum = 0;
            for (SafeTensorsFile.Entry e : f.entries().values()) for (float v : e.tensor().toArray()) sum += Math.abs(v);
            System.out.println(f.entries().size() + " tensors, sum of magnitudes " + sum);
        }
    }

    @Test
    void aHundredMegabyteHeaderIsReadWithA64MegabyteHeap() throws IOException, InterruptedException {
        Path p = dir.resolve("large-header.safetensors");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16)) {
            SafeTensorsSamples.writeLargeSkippedHeader(out, HEADER_BYTES);
        }
        assertThat(Files.size(p)).isEqualTo(8L + HEADER_BYTES + 80);
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), p.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 120 s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isZero();
        // Ten tensors [i, -i]: the magnitudes sum to 2 * (0 + 1 + ... + 9).
        assertThat(output).contains("10 tensors, sum of magnitudes 90.0");
    }
}
