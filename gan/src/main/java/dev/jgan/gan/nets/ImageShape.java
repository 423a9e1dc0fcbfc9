package dev.jgan.gan.nets;

/** The image sizes the convolutional builders support: channels x height x width. */
public enum ImageShape {
    /** 1 x 28 x 28 (MNIST, Fashion-MNIST). */
    GRAY_28(1, 28),
    /** 3 x 32 x 32 (CIFAR-10). */
    RGB_32(3, 32),
    /** 3 x 64 x 64 (CelebA and LSUN as DCGAN crops them). */
    RGB_64(3, 64);

    private final int channels;
    private final int size;

    ImageShape(int channels, int size) {
        this.channels = channels;
        this.size = size;
    }

    public int channels() {
        return channels;
    }

    /** Height and width. */
    public int size() {
        return size;
    }

    /** The shape of a batch of n images, [n, C, H, W]. */
    public int[] batch(int n) {
        return new int[] {n, channels, size, size};
    }

    @Override
    public String toString() {
        return channels + "x" + size + "x" + size;
    }
}
