package dev.jgan.gan.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The resume check every run-checkpoint test makes: N iterations straight, and N/2 iterations + save + load into a
 * freshly built trainer + N/2 more, end in byte-identical checkpoints (networks, optimizers, every random generator,
 * counters, trick and monitor state); and the run did move (the half-way checkpoint differs from the end).
 */
public final class Resumption {
    private Resumption() {}

    public static void assertResumesBitwise(Supplier<Trainer> build, long n, Path dir) throws IOException {
        assertResumesBitwise(build, n, dir, t -> {});
    }

    /** As above; {@code atSave} runs on the half-way trainer before its save and on the resumed one after its load. */
    public static void assertResumesBitwise(Supplier<Trainer> build, long n, Path dir, Consumer<Trainer> atSave) throws IOException {
        Trainer straight = build.get();
        straight.trainUntil(n);
        straight.save(dir.resolve("straight.safetensors"));

        Trainer first = build.get();
        first.trainUntil(n / 2);
        atSave.accept(first);
        first.save(dir.resolve("half.safetensors"));
        Trainer resumed = build.get();
        resumed.load(dir.resolve("half.safetensors"));
        assertThat(resumed.scheme().iterations()).isEqualTo(n / 2);
        atSave.accept(resumed);
        resumed.trainUntil(n);
        resumed.save(dir.resolve("resumed.safetensors"));

        assertThat(Files.readAllBytes(dir.resolve("resumed.safetensors"))).isEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
        assertThat(Files.readAllBytes(dir.resolve("half.safetensors"))).isNotEqualTo(Files.readAllBytes(dir.resolve("straight.safetensors")));
    }
}
