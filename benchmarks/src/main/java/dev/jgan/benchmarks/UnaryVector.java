package dev.jgan.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/** {@link UnaryBenchmark} on the Vector API kernels. */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djgan.simd=on"})
public class UnaryVector extends UnaryBenchmark {
}
