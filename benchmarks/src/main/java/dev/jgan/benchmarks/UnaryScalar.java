package dev.jgan.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/** {@link UnaryBenchmark} on the scalar kernels. */
@Fork(value = 1, jvmArgsAppend = "-Djgan.simd=off")
public class UnaryScalar extends UnaryBenchmark {
}
