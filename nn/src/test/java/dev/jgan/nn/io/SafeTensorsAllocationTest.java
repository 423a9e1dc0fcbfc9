package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How much the reader allocates, as bytes allocated by the reading thread divided by the file's size, for files
 * that are mostly data, mostly header, or large by what the reader skips. Prints the table that
 * docs/reliability.md quotes and asserts the bounds it states.
 */
class SafeTensorsAllocationTest {
    @TempDir
    Path dir;

    private record Sample(String name, Supplier<byte[]> bytes, double bound) {}

    /** The least of several measured allocations of one read (the first runs warm up the code). */
    private static long allocated(IoAction read) throws IOException {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long before = bean.getThreadAllocatedBytes(thread);
            read.run();
            least = Math.min(least, bean.getThreadAllocatedBytes(thread) - before);
        }
        return least;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    @Test
    void allocationStaysWithinASmallMultipleOfTheFileSize() throws IOException {
        List<Sample> samples = List.of(
                new Sample("F32 weights (DCGAN D)", SafeTensorsSamples::f32Weights, 1.1),
                new Sample("U8 tensor", SafeTensorsSamples::u8Images, 4.1),
                new Sample("40,000 small F32 tensors", SafeTensorsSamples::manySmallTensors, 6),
                new Sample("40,000 empty tensors", SafeTensorsSamples::manyEmptyTensors, 8),
                new Sample("rank-500,000 shape", SafeTensorsSamples::longShape, 9),
                new Sample("1 MB metadata value", SafeTensorsSamples::longMetadata, 6),
                new Sample("8 MB header, ignored field and padding", () -> SafeTensorsSamples.largeSkippedHeader(8_000_000), 0.1));
        List<String> failures = new ArrayList<>();
        System.out.println("file                                      bytes   parse(bytes)  read(path)  bound");
        for (Sample s : samples) {
            byte[] bytes = s.bytes().get();
            Path p = dir.resolve("sample.safetensors");
            Files.write(p, bytes);
            double parse = (double) allocated(() -> SafeTensorsReader.parse(bytes)) / bytes.length;
            double read = (double) allocated(() -> SafeTensorsReader.read(p)) / bytes.length;
            System.out.println(String.format(Locale.ROOT, "%-38s %10d %10.2fx %10.2fx %6.1fx", s.name(), bytes.length, parse, read, s.bound()));
            if (parse > s.bound() || read > s.bound()) failures.add(s.name());
        }
        assertThat(failures).as("samples allocating more than their bound").isEmpty();
    }
}
