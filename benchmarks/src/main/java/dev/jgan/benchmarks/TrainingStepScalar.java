package dev.jgan.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link TrainingStepBenchmark} on the scalar kernels (single-threaded: run it with {@code -p threads=1}).
 * The DCGAN iteration takes seconds per call here (a few conv layers at ~3.5 GFLOP/s).
 */
@Fork(value = 1, jvmArgsAppend = "-Djgan.simd=off")
public class TrainingStepScalar extends TrainingStepBenchmark {
}
