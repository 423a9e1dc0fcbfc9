package dev.jgan.benchmarks;

import dev.jgan.autodiff.Autograd;
import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.LayerFunctions;
import dev.jgan.nn.Module;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.Conv2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Flatten;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Reshape;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.Optimizer;
import dev.jgan.nn.optim.SGD;
import dev.jgan.nn.optim.UnrolledOptimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The training iterations of {@code ../shared/reference/torch_reference.py}, written with the library's ops and
 * layers the way the script writes them (same networks, batch sizes, optimizers, and the same work per iteration,
 * including D's weight gradients in G's step, which the script computes and throws away). The benchmarks and the
 * profiling runs share them. Each iteration returns a sum of its losses, checked finite by the caller.
 */
final class ReferenceWorkloads {
    private ReferenceWorkloads() {}

    /** The {@code G} of the script's dcgan and wgangp sections: z [64, 100] -> [64, 1, 28, 28]. */
    static Module dcganGenerator(Rng rng) {
        return new Sequential(
                new Linear(100, 128 * 7 * 7, rng), new Reshape(128, 7, 7),   // [N, 6272] -> [N, 128, 7, 7]
                new BatchNorm2d(128), new ReLU(),
                new ConvTranspose2d(128, 64, 4, 2, 1, rng), new BatchNorm2d(64), new ReLU(),
                new ConvTranspose2d(64, 1, 4, 2, 1, rng), new Tanh());
    }

    /** The script's {@code D(bn)}: [64, 1, 28, 28] -> logits [64, 1]; without batch norm it is WGAN-GP's critic. */
    static Module dcganDiscriminator(boolean batchNorm, Rng rng) {
        Sequential d = new Sequential(new Conv2d(1, 64, 4, 2, 1, rng), new LeakyReLU(0.2f), new Conv2d(64, 128, 4, 2, 1, rng));
        if (batchNorm) d.add(new BatchNorm2d(128));
        return d.add(new LeakyReLU(0.2f)).add(new Flatten()).add(new Linear(128 * 7 * 7, 1, rng));
    }

    /** dcgan: a D step on the fixed real batch and a detached fake batch, then a G step reusing that fake batch. */
    static final class Dcgan {
        static final int B = 64, Z = 100;
        final Rng rng = new Rng(1);
        final Module g, d;
        final Adam optG, optD;
        final Tensor real, ones = Tensor.ones(B, 1), zeros = Tensor.zeros(B, 1);

        Dcgan() {
            Rng init = new Rng(0);
            g = dcganGenerator(init);
            d = dcganDiscriminator(true, init);
            optG = new Adam(g.parameters(), 2e-4f, 0.5f, 0.999f);
            optD = new Adam(d.parameters(), 2e-4f, 0.5f, 0.999f);
            real = Tensor.uniform(init, -1f, 1f, B, 1, 28, 28);   // synthetic stand-in for MNIST, as in the script
        }

        float iteration() {
            Tensor fake = g.forward(Tensor.randn(rng, B, Z));
            optD.zeroGrad();
            Tensor lossD = Losses.binaryCrossEntropyWithLogits(d.forward(real), ones)
                    .add(Losses.binaryCrossEntropyWithLogits(d.forward(fake.detach()), zeros));
            lossD.backward();
            optD.step();
            optG.zeroGrad();
            Tensor lossG = Losses.binaryCrossEntropyWithLogits(d.forward(fake), ones);
            lossG.backward();
            optG.step();
            return lossD.item() + lossG.item();
        }
    }

    /**
     * wgangp: one critic step (G under no-grad; the gradient penalty at per-sample interpolates by double backprop;
     * lambda 10) and one G step on fresh noise; Adam(1e-4, 0, 0.9) for both.
     */
    static final class WganGp {
        static final int B = 64, Z = 100;
        final Rng rng = new Rng(1);
        final Module g, c;
        final Adam optG, optC;
        final Tensor real;

        WganGp() {
            Rng init = new Rng(0);
            g = dcganGenerator(init);
            c = dcganDiscriminator(false, init);
            optG = new Adam(g.parameters(), 1e-4f, 0f, 0.9f);
            optC = new Adam(c.parameters(), 1e-4f, 0f, 0.9f);
            real = Tensor.uniform(init, -1f, 1f, B, 1, 28, 28);
        }

        float iteration() {
            Tensor fake;
            try (GradMode.Scope s = GradMode.noGrad()) {
                fake = g.forward(Tensor.randn(rng, B, Z));
            }
            optC.zeroGrad();
            Tensor a = Tensor.rand(rng, B, 1, 1, 1);
            Tensor xHat = real.mul(a).add(fake.mul(a.rsub(1f))).requiresGrad(true);
            Tensor gradX = Autograd.grad(c.forward(xHat).sum(), List.of(xHat), true).get(0);
            Tensor gp = gradX.flatten(1).norm(1).sub(1f).square().mean();   // [N, 784] -> [N] -> scalar
            Tensor lossC = c.forward(fake).mean().sub(c.forward(real).mean()).add(gp.mul(10f));
            lossC.backward();
            optC.step();
            optG.zeroGrad();
            Tensor lossG = c.forward(g.forward(Tensor.randn(rng, B, Z))).mean().neg();
            lossG.backward();
            optG.step();
            return lossC.item() + lossG.item();
        }
    }

    /**
     * gauss: the 8-Gaussians GAN, batch 512, noise 256, G = MLP 256-128-128-2, D = MLP 2-128-1 (ReLU), Adam(1e-4, 0.5,
     * 0.999): the standard iteration, Unrolled k = 5 second order (G's loss differentiated through five functional
     * D updates, SGD or Adam, each on a fresh real batch and a fresh, not detached, G(z)), and first order (snapshot,
     * five real D steps, a G step, restore).
     */
    static final class Gaussians {
        static final int B = 512, Z = 256, H = 128, K = 5;
        final Rng rng = new Rng(2);
        final Module g, d;
        final Adam optG, optD;
        /** Never stepped: their empty state starts each unrolled chain, as the script's zero moments at t = 1. */
        final Optimizer innerSgd, innerAdam;
        final Tensor ones = Tensor.ones(B, 1), zeros = Tensor.zeros(B, 1);
        final float[] centers = new float[16];

        Gaussians() {
            Rng init = new Rng(0);
            g = new Sequential(new Linear(Z, H, init), new ReLU(), new Linear(H, H, init), new ReLU(), new Linear(H, 2, init));
            d = new Sequential(new Linear(2, H, init), new ReLU(), new Linear(H, 1, init));
            optG = new Adam(g.parameters(), 1e-4f, 0.5f, 0.999f);
            optD = new Adam(d.parameters(), 1e-4f, 0.5f, 0.999f);
            innerSgd = new SGD(d.parameters(), 1e-4f);
            innerAdam = new Adam(d.parameters(), 1e-4f, 0.5f, 0.999f);
            for (int i = 0; i < 8; i++) {
                centers[2 * i] = (float) (2 * Math.cos(2 * Math.PI * i / 8));
                centers[2 * i + 1] = (float) (2 * Math.sin(2 * Math.PI * i / 8));
            }
        }

        /** A batch from the ring of 8 Gaussians (radius 2, std 0.02), as the script's {@code sample_real}. */
        Tensor sampleReal() {
            float[] x = new float[B * 2];
            for (int i = 0; i < B; i++) {
                int c = rng.nextInt(8);
                x[2 * i] = centers[2 * c] + 0.02f * rng.nextGaussian();
                x[2 * i + 1] = centers[2 * c + 1] + 0.02f * rng.nextGaussian();
            }
            return Tensor.of(x, B, 2);
        }

        float dStep() {
            optD.zeroGrad();
            Tensor fake;
            try (GradMode.Scope s = GradMode.noGrad()) {
                fake = g.forward(Tensor.randn(rng, B, Z));
            }
            Tensor lossD = Losses.binaryCrossEntropyWithLogits(d.forward(sampleReal()), ones)
                    .add(Losses.binaryCrossEntropyWithLogits(d.forward(fake), zeros));
            lossD.backward();
            optD.step();
            return lossD.item();
        }

        float gStepPlain() {
            optG.zeroGrad();
            Tensor lossG = Losses.binaryCrossEntropyWithLogits(d.forward(g.forward(Tensor.randn(rng, B, Z))), ones);
            lossG.backward();
            optG.step();
            return lossG.item();
        }

        float standard() {
            return dStep() + gStepPlain();
        }

        /** D as a function of its parameters [w1, b1, w2, b2]: the script's {@code dfun}. */
        static Tensor dfun(Tensor x, List<Tensor> p) {
            return LayerFunctions.linear(LayerFunctions.linear(x, p.get(0), p.get(1)).relu(), p.get(2), p.get(3));
        }

        /** One D step, then G's step through K differentiable D updates of {@code inner} (SGD or Adam). */
        float unrolledSecondOrder(boolean adam) {
            float lossD = dStep();
            List<Tensor> params = new ArrayList<>();
            for (Tensor p : d.parameters()) params.add(p.detach().copy().requiresGrad(true));
            UnrolledOptimizer inner = (adam ? innerAdam : innerSgd).unrolled();
            for (int t = 0; t < K; t++) {
                Tensor fake = g.forward(Tensor.randn(rng, B, Z));   // not detached: D's update depends on G
                Tensor ld = Losses.binaryCrossEntropyWithLogits(dfun(sampleReal(), params), ones)
                        .add(Losses.binaryCrossEntropyWithLogits(dfun(fake, params), zeros));
                params = inner.step(params, Autograd.grad(ld, params, true));
            }
            optG.zeroGrad();
            Tensor lossG = Losses.binaryCrossEntropyWithLogits(dfun(g.forward(Tensor.randn(rng, B, Z)), params), ones);
            lossG.backward();
            optG.step();
            return lossD + lossG.item();
        }

        /** One D step, then a snapshot of D and its optimizer, K D steps, a plain G step, and the restore. */
        float unrolledFirstOrder() {
            float lossD = dStep();
            Optimizer.Snapshot snap = optD.snapshot(d);
            for (int i = 0; i < K; i++) dStep();
            float lossG = gStepPlain();
            optD.restore(snap);
            return lossD + lossG;
        }
    }

    /** Fails when a sum of losses is NaN or infinite. */
    static float checkFinite(String what, float losses) {
        if (!Float.isFinite(losses)) throw new AssertionError(what + ": losses sum to " + losses);
        return losses;
    }
}
