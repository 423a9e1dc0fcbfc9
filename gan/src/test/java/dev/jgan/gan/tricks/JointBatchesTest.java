package dev.jgan.gan.tricks;

import static dev.jgan.gan.tricks.TrickTesting.BATCH;
import static dev.jgan.gan.tricks.TrickTesting.NOISE;
import static dev.jgan.gan.tricks.TrickTesting.assertSameState;
import static dev.jgan.gan.tricks.TrickTesting.dWithBatchNorm;
import static dev.jgan.gan.tricks.TrickTesting.data;
import static dev.jgan.gan.tricks.TrickTesting.g;
import static dev.jgan.gan.tricks.TrickTesting.realBatch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.loss.AdversarialLoss;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.gan.scheme.StandardGan;
import dev.jgan.gan.train.BatchSource;
import dev.jgan.gan.tricks.TrickTesting.Recorder;
import dev.jgan.nn.Module;
import dev.jgan.nn.optim.Adam;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Joint or separate batches with batch norm in D: joint is one forward over [real; fake] (each sample normalised with
 * the statistics of both), separate two forwards; each is bitwise its algorithm written by hand, and off (separate) is
 * the step the schemes always took.
 */
class JointBatchesTest {
    /** D's forwards in one step: joint one over the concatenation, separate two; the outputs are a hand forward's on those batches. */
    @Test
    void jointIsOneForwardOverTheConcatenationSeparateIsTwo() {
        Recorder joint = new Recorder(dWithBatchNorm(2)), separate = new Recorder(dWithBatchNorm(2));
        StandardGan.builder(g(1), joint, Latent.normal(new Rng(7), NOISE)).tricks(Tricks.none().jointBatches(true)).build().step(data(9));
        StandardGan.builder(g(1), separate, Latent.normal(new Rng(7), NOISE)).tricks(Tricks.none().jointBatches(false)).build().step(data(9));
        Tensor x = realBatch(new Rng(9)), fake = g(1).forward(Tensor.randn(new Rng(7), BATCH, NOISE));

        // joint: D's step is one forward on [x; G(z)] (then G's step one on G(z))
        assertThat(joint.inputs).hasSize(2);
        assertThat(joint.shapes.get(0)).containsExactly(2 * BATCH, 2);
        Tensor both = Tensor.concat(List.of(x, fake), 0);
        assertThat(joint.inputs.get(0)).containsExactly(both.toArray());
        assertThat(joint.outputs.get(0)).containsExactly(dWithBatchNorm(2).forward(both).toArray());

        // separate: two forwards of N each, then G's
        assertThat(separate.inputs).hasSize(3);
        assertThat(separate.inputs.get(0)).containsExactly(x.toArray());
        assertThat(separate.inputs.get(1)).containsExactly(fake.toArray());
        float[] realOut = dWithBatchNorm(2).forward(x).toArray(), fakeOut = dWithBatchNorm(2).forward(fake).toArray();
        assertThat(separate.outputs.get(0)).containsExactly(realOut);
        assertThat(separate.outputs.get(1)).containsExactly(fakeOut);
        // batch norm makes the difference: the joint halves are not the separate outputs
        assertThat(Arrays.copyOfRange(joint.outputs.get(0), 0, BATCH)).isNotEqualTo(realOut);
    }

    /** Three iterations of each form against its algorithm by hand: parameters and D's batch-norm buffers bitwise. */
    @Test
    void bothFormsAreTheirHandWrittenStepsAndOffIsTheOldOne() {
        for (boolean jointOn : new boolean[] {false, true}) {
            Module ga = g(1), da = dWithBatchNorm(2), gb = g(1), db = dWithBatchNorm(2);
            StandardGan.Builder builder = StandardGan.builder(ga, da, Latent.normal(new Rng(7), NOISE));
            // off is the default: the scheme built without tricks
            StandardGan scheme = jointOn ? builder.tricks(Tricks.none().jointBatches(true)).build() : builder.build();
            BatchSource data = data(9);
            for (int i = 0; i < 3; i++) scheme.step(data);

            AdversarialLoss loss = AdversarialLoss.nonSaturating();
            Adam og = new Adam(gb.parameters(), 2e-4f, 0.5f, 0.999f), od = new Adam(db.parameters(), 2e-4f, 0.5f, 0.999f);
            Rng zs = new Rng(7), xs = new Rng(9);
            for (int i = 0; i < 3; i++) {
                Tensor x = realBatch(xs), z = Tensor.randn(zs, BATCH, NOISE);
                Tensor fake = gb.forward(z);
                od.zeroGrad();
                if (jointOn) {
                    Tensor out = db.forward(Tensor.concat(List.of(x, fake.detach()), 0));
                    loss.discriminator(out.narrow(0, 0, BATCH), out.narrow(0, BATCH, BATCH)).backward();
                } else {
                    loss.discriminator(db.forward(x), db.forward(fake.detach())).backward();
                }
                od.step();
                og.zeroGrad();
                loss.generator(db.forward(fake)).backward();
                og.step();
            }
            assertSameState(ga, gb);
            assertSameState(da, db);
        }
    }
}
