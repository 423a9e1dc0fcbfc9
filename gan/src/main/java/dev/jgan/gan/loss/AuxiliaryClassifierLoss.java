package dev.jgan.gan.loss;

import dev.jgan.autodiff.Losses;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;

/**
 * AC-GAN's class loss (Odena, Olah and Shlens 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs",
 * section 3): D's auxiliary classifier C is trained to give real samples their labels and generated samples the
 * labels G was given, and G to make its samples classified as those labels. With CE the mean cross-entropy of class
 * logits against labels:
 * <pre>
 *   D adds  w_D (CE(C(x), y) + CE(C(G(z, c)), c))      (the paper's L_C, which D maximises as log-likelihood)
 *   G adds  w_G CE(C(G(z, c)), c)                       (G maximises L_C too)
 * </pre>
 * Defaults, those of the WGAN-GP ResNet code (igul222/improved_wgan_training, {@code gan_cifar_resnet.py}:
 * {@code ACGAN_SCALE = 1.}, {@code ACGAN_SCALE_G = 0.1}), which trains D's classifier on real samples only:
 * {@code D adds w_D CE(C(x), y)} ({@code fakesInDiscriminator = false}), w_D = 1, w_G = 0.1. Pure functions of D's class logits, differentiable to any order (log-softmax and
 * gather), so the term can sit inside a WGAN-GP critic's loss.
 */
public final class AuxiliaryClassifierLoss {
    /** w_D of the WGAN-GP ResNet code. */
    public static final float DISCRIMINATOR_WEIGHT = 1f;
    /** w_G of the WGAN-GP ResNet code. */
    public static final float GENERATOR_WEIGHT = 0.1f;

    private final float discriminatorWeight;
    private final float generatorWeight;
    private final boolean fakesInDiscriminator;

    /**
     * The WGAN-GP ResNet code's form, whose weights these are: w_D = 1 on real samples only, w_G = 0.1. On the 8
     * Gaussians with the mode as the class (seeds 1-5, docs/gan.md), this form put every class on its mode on all five
     * seeds by 1,000 iterations; with D's term on generated samples too at these weights some class of every seed was
     * off its mode at 400, and the paper's form, {@code new AuxiliaryClassifierLoss(1, 1, true)}, left one class of
     * one seed off at 1,000.
     */
    public AuxiliaryClassifierLoss() {
        this(DISCRIMINATOR_WEIGHT, GENERATOR_WEIGHT, false);
    }

    /**
     * @param discriminatorWeight  w_D >= 0
     * @param generatorWeight      w_G >= 0
     * @param fakesInDiscriminator whether D's term includes CE on generated samples (the paper's) or not (the WGAN-GP ResNet code's)
     */
    public AuxiliaryClassifierLoss(float discriminatorWeight, float generatorWeight, boolean fakesInDiscriminator) {
        checkWeight("discriminatorWeight", discriminatorWeight);
        checkWeight("generatorWeight", generatorWeight);
        this.discriminatorWeight = discriminatorWeight;
        this.generatorWeight = generatorWeight;
        this.fakesInDiscriminator = fakesInDiscriminator;
    }

    private static void checkWeight(String name, float w) {
        if (!(w >= 0f) || !Float.isFinite(w))
            throw new IllegalArgumentException("AuxiliaryClassifierLoss: " + name + " must be >= 0 and finite, got " + name + "=" + w);
    }

    /**
     * The class terms of a loss: {@code loss} the weighted term added to the adversarial loss; {@code real} and
     * {@code fake} the unweighted mean cross-entropies on real and generated samples ({@code real} null in G's).
     */
    public record Terms(Tensor loss, Tensor real, Tensor fake) {}

    /**
     * D's term, {@code w_D (CE(realLogits, realLabels) + CE(fakeLogits, fakeLabels))} (without the fake half when
     * {@code fakesInDiscriminator} is off; its cross-entropy is still returned, for reports).
     */
    public Terms discriminator(Tensor realLogits, int[] realLabels, Tensor fakeLogits, int[] fakeLabels) {
        Tensor real = crossEntropy("the real samples", realLogits, realLabels);
        Tensor fake = crossEntropy("the generated samples", fakeLogits, fakeLabels);
        Tensor sum = fakesInDiscriminator ? real.add(fake) : real;
        return new Terms(sum.mul(discriminatorWeight), real, fake);
    }

    /** G's term, {@code w_G CE(fakeLogits, fakeLabels)}. */
    public Terms generator(Tensor fakeLogits, int[] fakeLabels) {
        Tensor fake = crossEntropy("the generated samples", fakeLogits, fakeLabels);
        return new Terms(fake.mul(generatorWeight), null, fake);
    }

    /** Mean cross-entropy of class logits [N, K] against N labels in [0, K), with errors naming the AC-GAN batch. */
    private static Tensor crossEntropy(String batch, Tensor logits, int[] labels) {
        if (labels == null) throw new IllegalArgumentException("AC-GAN class loss: " + batch + " need class labels (got null)");
        try {
            return Losses.crossEntropy(logits, labels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("AC-GAN class loss on " + batch + ": " + e.getMessage(), e);
        }
    }

    /** The share of rows of {@code logits} [N, K] whose largest logit is at the row's label (the first of ties). */
    public static float accuracy(Tensor logits, int[] labels) {
        int[] predicted = logits.argmaxRows();
        if (predicted.length != labels.length)
            throw new IllegalArgumentException("AC-GAN accuracy: logits " + Shape.str(logits.shape()) + " have " + predicted.length + " rows but "
                    + labels.length + " labels");
        int right = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) right++;
        return (float) right / labels.length;
    }

    public float discriminatorWeight() {
        return discriminatorWeight;
    }

    public float generatorWeight() {
        return generatorWeight;
    }

    public boolean fakesInDiscriminator() {
        return fakesInDiscriminator;
    }

    @Override
    public String toString() {
        return "AC-GAN(w_D=" + discriminatorWeight + ", w_G=" + generatorWeight + (fakesInDiscriminator ? "" : ", real samples only in D") + ")";
    }
}
