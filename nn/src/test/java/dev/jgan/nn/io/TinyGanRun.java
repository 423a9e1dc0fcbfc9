package dev.jgan.nn.io;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.SpectralNorm;
import dev.jgan.nn.layers.BatchNorm1d;
import dev.jgan.nn.layers.Dropout;
import dev.jgan.nn.layers.LeakyReLU;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.ReLU;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import java.util.Arrays;

/**
 * A small GAN training run holding every kind of state a {@link TrainingCheckpoint} carries: two networks (with
 * BatchNorm statistics, Dropout's counter and spectral-norm vectors), two Adam optimizers at different learning
 * rates, two generators drawing the noise and the "real" data, a step counter, a running average, a fixed
 * tensor, a replay buffer that grows to its capacity and a string. Everything it does depends only on that state,
 * so a run resumed from a checkpoint continues bitwise, in this JVM or another one.
 */
final class TinyGanRun {
    static final int NOISE = 8, BATCH = 16, REPLAY_CAPACITY = 6;

    final int width, dim;
    final Sequential g, d;
    final Adam optG, optD;
    final Rng noise, data;
    long step;
    double lossAverage;
    final Tensor fixedNoise;
    Tensor replay;
    String phase = "warm-up";

    /** A run built from {@code seed}; two runs of different seeds differ in every part. */
    TinyGanRun(int width, int dim, long seed) {
        this.width = width;
        this.dim = dim;
        Rng init = new Rng(seed);
        g = new Sequential(new Linear(NOISE, width, init), new BatchNorm1d(width), new ReLU(), new Linear(width, dim, init), new Tanh());
        d = new Sequential(SpectralNorm.apply(new Linear(dim, width, init), init), new LeakyReLU(0.2f), new Dropout(0.1f, init),
                new Linear(width, 1, init));
        optG = new Adam(g.parameters(), 2e-3f, 0.5f, 0.999f);
        optD = new Adam(d.parameters(), 4e-3f, 0.5f, 0.999f);
        noise = init.split();
        data = init.split();
        fixedNoise = Tensor.randn(init, 4, NOISE);
        replay = Tensor.zeros(0, dim);
    }

    TrainingCheckpoint.Parts parts() {
        return new TrainingCheckpoint.Parts().module("generator", g).module("discriminator", d).optimizer("generator", optG)
                .optimizer("discriminator", optD).rng("noise", noise).rng("data", data).counter("step", () -> step, v -> step = v)
                .scalar("loss_average", () -> lossAverage, v -> lossAverage = v).tensor("fixed_noise", fixedNoise)
                .tensor("replay", () -> replay, t -> replay = t).string("phase", () -> phase, s -> phase = s);
    }

    /** One critic step and one generator step; the two newest fakes join the replay buffer. */
    void step() {
        Tensor real = Tensor.randn(data, BATCH, dim).mul(0.3f).add(0.5f);
        Tensor fake = g.forward(Tensor.randn(noise, BATCH, NOISE));
        optD.zeroGrad();
        Tensor dLoss = d.forward(fake.detach()).mean().sub(d.forward(real).mean());
        dLoss.backward();
        optD.step();
        optG.zeroGrad();
        Tensor gLoss = d.forward(g.forward(Tensor.randn(noise, BATCH, NOISE))).mean().neg();
        gLoss.backward();
        optG.step();
        step++;
        lossAverage = 0.9 * lossAverage + 0.1 * dLoss.item();
        if (step == 3) phase = "main";
        remember(fake.detach().narrow(0, 0, 2));
    }

    private void remember(Tensor rows) {
        float[] old = replay.toArray(), add = rows.toArray();
        int n = Math.min(REPLAY_CAPACITY, old.length / dim + rows.size(0));
        float[] next = new float[n * dim];
        float[] all = Arrays.copyOf(old, old.length + add.length);
        System.arraycopy(add, 0, all, old.length, add.length);
        System.arraycopy(all, all.length - next.length, next, 0, next.length); // the newest n rows
        replay = Tensor.of(next, n, dim);
    }
}
