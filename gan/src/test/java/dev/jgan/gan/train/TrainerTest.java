package dev.jgan.gan.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static Trainer trainer() {
        Rng init = new Rng(1), data = new Rng(2);
        StandardGan s = StandardGan.builder(new Sequential(new Linear(3, 8, init), new Tanh(), new Linear(8, 2, init)),
                new Sequential(new Linear(2, 8, init), new Tanh(), new Linear(8, 1, init)), Latent.normal(new Rng(3), 3)).build();
        return new Trainer(s, () -> Tensor.randn(data, 8, 2));
    }

    @Test
    void callbacksFireEveryPeriodAndAfterTheLastIteration() {
        List<String> calls = new ArrayList<>();
        Trainer t = trainer().every(3, (i, r) -> calls.add("a" + i)).every(5, (i, r) -> calls.add("b" + i));
        StepResult last = t.trainUntil(7);
        assertThat(calls).containsExactly("a3", "b5", "a6", "a7", "b7");
        assertThat(t.scheme().iterations()).isEqualTo(7);
        assertThat(last.dSteps()).isEqualTo(1);
        assertThat(t.trainUntil(7)).isNull(); // already there: nothing runs
        t.trainUntil(10);
        assertThat(calls).endsWith("a9", "b10", "a10");
    }

    @Test
    void callbackErrorsNameTheIteration() {
        Trainer t = trainer().every(2, (i, r) -> { throw new IOException("disk full"); });
        assertThatThrownBy(() -> t.trainUntil(2)).isInstanceOf(UncheckedIOException.class).hasMessage("callback after iteration 2: disk full");
        assertThatThrownBy(() -> trainer().every(0, (i, r) -> {})).hasMessage("Trainer.every: period must be >= 1, got 0");
    }

    @Test
    void requestStopEndsTrainUntilAfterTheIterationInProgress() {
        List<String> calls = new ArrayList<>();
        Trainer t = trainer();
        t.every(1, (i, r) -> {
            calls.add("a" + i);
            if (i == 4) t.requestStop();
        }).every(3, (i, r) -> calls.add("b" + i));
        StepResult last = t.trainUntil(10);
        // The callbacks due at 4 all run, then the end-of-run ones (b, whose period does not divide 4).
        assertThat(calls).containsExactly("a1", "a2", "a3", "b3", "a4", "b4");
        assertThat(t.scheme().iterations()).isEqualTo(4);
        assertThat(last).isNotNull();
        assertThat(t.stopRequested()).isTrue();
        // The next call clears the request and runs on (the callback asks again only at 4).
        t.trainUntil(6);
        assertThat(t.scheme().iterations()).isEqualTo(6);
        assertThat(t.stopRequested()).isFalse();
        // A request made before a call is cleared by it.
        t.requestStop();
        t.trainUntil(7);
        assertThat(t.scheme().iterations()).isEqualTo(7);
    }

    @Test
    void oneMonitorPerTrainer() {
        Trainer t = trainer().monitor(Monitor.builder().build());
        assertThatThrownBy(() -> t.monitor(Monitor.builder().build())).hasMessage("Trainer.monitor: this trainer already has a monitor");
        assertThatThrownBy(() -> trainer().monitor(null)).hasMessage("Trainer.monitor: monitor must be given");
    }
}
