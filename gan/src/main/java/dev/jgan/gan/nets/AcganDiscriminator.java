package dev.jgan.gan.nets;

import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;

/**
 * AC-GAN's discriminator (Odena, Olah and Shlens 2017) over any network {@code net} (child {@code net}) that maps x to
 * {@code [N, 1 + K]}: column 0 is the adversarial logit, columns 1..K the class logits. A last layer
 * {@code Linear(F, 1 + K)} is exactly the two linear heads on shared features that the paper and the WGAN-GP ResNet
 * code use ({@code Discriminator.Output} F -> 1 and {@code Discriminator.ACGANOutput} F -> K), stacked into one
 * weight; e.g. {@code new AcganDiscriminator(Mlp.of(new int[] {2, 128, 128, 1 + 8}, ReLU::new, rng), 8)}.
 *
 * <p>{@link #forward} returns the adversarial logits [N, 1] alone (see {@link AuxiliaryClassifier}).
 */
public final class AcganDiscriminator extends Module implements AuxiliaryClassifier {
    private final Module net;
    private final int numClasses;

    /**
     * @param net        x [N, ...] -> [N, 1 + numClasses]
     * @param numClasses K >= 1
     */
    public AcganDiscriminator(Module net, int numClasses) {
        if (net == null) throw new IllegalArgumentException("AcganDiscriminator: net must be given");
        if (numClasses < 1) throw new IllegalArgumentException("AcganDiscriminator: numClasses must be >= 1, got " + numClasses);
        this.net = registerModule("net", net);
        this.numClasses = numClasses;
    }

    /** The adversarial logits [N, 1]: column 0 of the network's output. */
    @Override
    public Tensor forward(Tensor x) {
        return heads(x).adversarial();
    }

    @Override
    public Heads heads(Tensor x) {
        Tensor out = net.forward(x);
        if (out.dim() != 2 || out.size(1) != 1 + numClasses || (x.dim() > 0 && out.size(0) != x.size(0)))
            throw new IllegalArgumentException(describe() + ": the network must map " + Shape.str(x.shape()) + " to [N, 1 + " + numClasses
                    + "] (the adversarial logit, then one logit per class), got " + Shape.str(out.shape()));
        return new Heads(out.narrow(1, 0, 1), out.narrow(1, 1, numClasses));   // [N, 1] and [N, K]
    }

    /** The wrapped network. */
    public Module net() {
        return net;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    protected String describe() {
        return "AcganDiscriminator(classes=" + numClasses + ")";
    }
}
