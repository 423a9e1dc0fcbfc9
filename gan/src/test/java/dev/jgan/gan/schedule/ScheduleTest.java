package dev.jgan.gan.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.scheme.StepResult;
import dev.jgan.gan.scheme.Wgan;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    static Module g(long seed) {
        Rng r = new Rng(seed);
        return new Sequential(new Linear(3, 8, r), new Tanh(), new Linear(8, 2, r));
    }

    static Module d(long seed) {
        Rng r = new Rng(seed + 100);
        return new Sequential(new Linear(2, 8, r), new Tanh(), new Linear(8, 1, r));
    }

    static BatchSource data(Rng rng) {
        return () -> Tensor.randn(rng, 16, 2).add(1.5f);
    }

    @Test
    void fixedRunsItsCounts() {
        StandardGan s = StandardGan.builder(g(1), d(1), Latent.normal(new Rng(7), 3)).schedule(Schedule.fixed(3, 2)).build();
        StepResult r = s.step(data(new Rng(9)));
        assertThat(r.dSteps()).isEqualTo(3);
        assertThat(r.gSteps()).isEqualTo(2);
        assertThat(s.discriminatorSteps()).isEqualTo(3);
        assertThat(s.generatorSteps()).isEqualTo(2);
    }

    @Test
    void wganReferenceTrainsTheCriticHardFirstAndEvery500thGeneratorStep() {
        Schedule.WganReference w = new Schedule.WganReference(5);
        for (long g = 0; g < 25; g++) assertThat(w.criticStepsAt(g)).isEqualTo(100);
        assertThat(w.criticStepsAt(25)).isEqualTo(5);
        assertThat(w.criticStepsAt(499)).isEqualTo(5);
        assertThat(w.criticStepsAt(500)).isEqualTo(100);
        assertThat(w.criticStepsAt(501)).isEqualTo(5);
        assertThat(w.criticStepsAt(1000)).isEqualTo(100);
        Wgan s = Wgan.builder(g(2), d(2), Latent.normal(new Rng(7), 3)).schedule(Schedule.wganReference(5)).build();
        assertThat(s.step(data(new Rng(9))).dSteps()).isEqualTo(100);
    }

    /** The rule alone: another D step while the last D loss is at or above the limit, up to the maximum. */
    @Test
    void adaptiveRule() {
        Schedule a = Schedule.adaptive(5, 0.5f);
        assertThat(a.anotherDiscriminatorStep(1, 0.9f, 0)).isTrue();
        assertThat(a.anotherDiscriminatorStep(2, 0.5f, 0)).isTrue();   // "while the D loss >= 0.5"
        assertThat(a.anotherDiscriminatorStep(3, 0.49f, 0)).isFalse();
        assertThat(a.anotherDiscriminatorStep(5, 0.9f, 0)).isFalse();  // at the maximum
        assertThat(a.anotherDiscriminatorStep(1, Float.NaN, 0)).isFalse();
        assertThat(a.generatorSteps()).isEqualTo(1);
    }

    /**
     * In a run: the D-step counts a scheme takes under the adaptive schedule are those of the rule applied to the D
     * losses of the same steps written out by hand (D takes steps on fresh batches and stops once its loss falls
     * below the limit), over several iterations with different counts.
     */
    @Test
    void adaptiveDStepCountsInARun() {
        float limit = 1.36f;
        int max = 4, iterations = 12;
        Module ga = g(3), da = d(3), gb = g(3), db = d(3);
        StandardGan s = StandardGan.builder(ga, da, Latent.normal(new Rng(7), 3)).schedule(Schedule.adaptive(max, limit))
                .optimizers(new Adam(ga.parameters(), 1e-2f), new Adam(da.parameters(), 1e-2f)).build();
        BatchSource data = data(new Rng(9));
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < iterations; i++) taken.add(s.step(data).dSteps());

        AdversarialLoss loss = AdversarialLoss.nonSaturating();
        Adam og = new Adam(gb.parameters(), 1e-2f), od = new Adam(db.parameters(), 1e-2f);
        Rng xs = new Rng(9), zs = new Rng(7);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            int steps = 0;
            float lossD;
            Tensor z, fake;
            do {
                Tensor x = Tensor.randn(xs, 16, 2).add(1.5f);
                z = Tensor.randn(zs, 16, 3);
                fake = gb.forward(z);
                od.zeroGrad();
                Tensor l = loss.discriminator(db.forward(x), db.forward(fake.detach()));
                lossD = l.item();
                l.backward();
                od.step();
                steps++;
            } while (steps < max && lossD >= limit);
            expected.add(steps);
            if (steps > 1) fake = gb.forward(Tensor.randn(zs, 16, 3)); // after several D steps G draws fresh noise
            og.zeroGrad();
            loss.generator(db.forward(fake)).backward();
            og.step();
        }
        assertThat(taken).isEqualTo(expected);
        assertThat(taken).contains(1, max); // the run has iterations of both kinds
    }
}
