package dev.jgan.gan.loss;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import java.util.Arrays;

/**
 * EBGAN's margin loss (Zhao, Mathieu &amp; LeCun 2016, "Energy-based Generative Adversarial Network"),
 * on per-sample energies instead of logits. The discriminator is an autoencoder and a sample's energy is its
 * reconstruction error, {@link #energy}: E(x) = mean over the non-batch elements of (Dec(Enc(x)) - x)^2. With
 * margin m:
 * <pre>
 *   D:  mean E(x) + mean max(0, m - E(G(z)))
 *   G:  mean E(G(z))
 * </pre>
 * D lowers the energy of real samples and raises that of generated ones up to the margin; G lowers the
 * energy of its samples. The paper adds the pull-away term to G's loss
 * ({@link dev.jgan.gan.regularize.PullAway}). As an {@link AdversarialLoss} its "outputs" are the energies,
 * shape [N] or [N, 1].
 */
public final class EnergyMarginLoss implements AdversarialLoss {
    private final float margin;

    /** @param margin m, finite and &gt; 0; the paper has no single value (it searches m per data set) */
    public EnergyMarginLoss(float margin) {
        if (!Float.isFinite(margin) || margin <= 0f)
            throw new IllegalArgumentException("EnergyMarginLoss: margin must be finite and > 0, got margin=" + margin);
        this.margin = margin;
    }

    public float margin() {
        return margin;
    }

    /**
     * Per-sample energy, the mean squared reconstruction error over all non-batch dimensions:
     * {@code E_n = mean_j (reconstruction[n, j] - input[n, j])^2}. Both [N, ...] of the same shape, rank &gt;= 2,
     * N &gt;= 1 and a non-empty sample; returns [N], differentiable in both.
     */
    public static Tensor energy(Tensor input, Tensor reconstruction) {
        int[] s = input.shape();
        if (!Arrays.equals(s, reconstruction.shape()))
            throw new IllegalArgumentException("EnergyMarginLoss.energy: input " + Shape.str(s) + " and reconstruction "
                    + Shape.str(reconstruction.shape()) + " differ in shape");
        if (s.length < 2 || s[0] == 0 || input.numel() == 0)
            throw new IllegalArgumentException("EnergyMarginLoss.energy: input must be [N, ...] with N >= 1 and at least one element per sample, got "
                    + Shape.str(s));
        // E_n = 1/|x_n| sum_j (Dec(Enc(x))_nj - x_nj)^2
        return reconstruction.sub(input).square().flatten(1).mean(1, false); // [N, prod(rest)] -> [N]
    }

    /** {@code mean E(x)}. */
    @Override
    public Tensor discriminatorReal(Tensor realEnergy) {
        Scores.perSample(name() + " loss, discriminatorReal", "realEnergy", realEnergy);
        // E[D(x)]
        return realEnergy.mean();
    }

    /** {@code mean max(0, m - E(G(z)))}. */
    @Override
    public Tensor discriminatorFake(Tensor fakeEnergy) {
        Scores.perSample(name() + " loss, discriminatorFake", "fakeEnergy", fakeEnergy);
        // E[[m - D(G(z))]^+]
        return fakeEnergy.neg().add(margin).relu().mean();
    }

    /** {@code mean E(G(z))}. */
    @Override
    public Tensor generator(Tensor fakeEnergy) {
        Scores.perSample(name() + " loss, generator", "fakeEnergy", fakeEnergy);
        // E[D(G(z))]
        return fakeEnergy.mean();
    }

    /** {@code "energy-margin(m=<margin>)"}. */
    @Override
    public String name() {
        return "energy-margin(m=" + margin + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
