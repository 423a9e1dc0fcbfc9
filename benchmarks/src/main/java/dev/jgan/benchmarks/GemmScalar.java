package dev.jgan.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/** {@link GemmBenchmark} on the scalar kernels (single-threaded: run it with {@code -p threads=1}). */
@Fork(value = 1, jvmArgsAppend = "-Djgan.simd=off")
public class GemmScalar extends GemmBenchmark {
}
