package dev.jgan.examples;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.nets.Dcgan;
import dev.jgan.gan.nets.ImageShape;
import dev.jgan.gan.nets.Sagan;
import dev.jgan.gan.nets.Sngan;
import dev.jgan.gan.scheme.Latent;
import dev.jgan.nn.Module;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides the generator of a {@code jgan images} run: its scheme's network family, the image shape,
 * G's base width and the noise size (z ~ N(0, I) in every scheme). {@code jgan images} builds G from it and writes it
 * into {@code generator.safetensors}' metadata; {@code jgan evaluate} reads it back to rebuild the same network.
 *
 * @param scheme one of {@link ImagesCommand#SCHEMES}
 * @param width  G's base width, resolved (never 0)
 * @param noise  the size of z
 */
record GeneratorSpec(String scheme, ImageShape shape, int width, int noise) {
    /** Metadata keys in generator.safetensors (with "scheme" and "data", also written before these existed). */
    static final String SCHEME = "scheme", WIDTH = "g-width", SHAPE = "image-shape", NOISE = "noise";

    /** The generator of {@code scheme} for {@code shape}, {@code gWidth} or the paper's width when 0. */
    static GeneratorSpec of(String scheme, ImageShape shape, int gWidth) {
        return switch (scheme) {
            case "dcgan", "wgan", "wgan-gp", "ebgan" -> new GeneratorSpec(scheme, shape, gWidth > 0 ? gWidth : Dcgan.WIDTH, Dcgan.NOISE);
            case "sngan" -> new GeneratorSpec(scheme, shape, gWidth > 0 ? gWidth : Sngan.GENERATOR_WIDTH, Sngan.Options.defaults().noise());
            case "sagan" -> {
                Sagan.Options o = Sagan.Options.defaults(shape);
                yield new GeneratorSpec(scheme, shape, gWidth > 0 ? gWidth : o.generatorWidth(), o.noise());
            }
            default -> throw new IllegalArgumentException("GeneratorSpec: unknown scheme '" + scheme + "'");
        };
    }

    /** Whether the scheme's networks exist for the shape: SNGAN's and SAGAN's ResNets stop at 32 x 32. */
    boolean supported() {
        return shape != ImageShape.RGB_64 || !(scheme.equals("sngan") || scheme.equals("sagan"));
    }

    /**
     * G with its initial weights drawn from {@code init}: exactly the draws {@code jgan images} makes before D's, so a
     * run's weights are those of the runs before this class existed.
     */
    Module build(Rng init) {
        return switch (scheme) {
            // The DCGAN family's G has the published options in every scheme (WGAN-GP changes only the critic's norm).
            case "dcgan", "wgan", "wgan-gp", "ebgan" -> Dcgan.generator(shape, noise, width, Dcgan.Options.defaults(), init);
            case "sngan" -> Sngan.generator(shape, Sngan.Options.defaults().withNoise(noise).withWidths(width, Sngan.DISCRIMINATOR_WIDTH), init);
            case "sagan" -> {
                Sagan.Options o = Sagan.Options.defaults(shape);
                yield Sagan.generator(shape, o.withNoise(noise).withWidths(width, o.discriminatorWidth()), init);
            }
            default -> throw new IllegalStateException("unreachable: scheme " + scheme);
        };
    }

    /** p(z): N(0, I) of size {@link #noise}, drawing from {@code rng}. */
    Latent latent(Rng rng) {
        return Latent.normal(rng, noise);
    }

    Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SCHEME, scheme);
        m.put(SHAPE, shape.toString());
        m.put(WIDTH, Integer.toString(width));
        m.put(NOISE, Integer.toString(noise));
        return m;
    }

    /** Reads the spec back from a generator file's metadata, checking it against what {@code jgan images} builds. */
    static GeneratorSpec fromMetadata(Map<String, String> meta, Path file) throws UsageError {
        String why = " (it was not written by jgan images, or by a version that did not yet record how to rebuild G)";
        for (String key : new String[] {SCHEME, SHAPE, WIDTH, NOISE})
            if (!meta.containsKey(key)) throw new UsageError("--generator " + file + " has no '" + key + "' metadata" + why);
        String scheme = meta.get(SCHEME);
        if (!ImagesCommand.SCHEMES.contains(scheme))
            throw new UsageError("--generator " + file + ": unknown scheme '" + scheme + "' in its metadata; known: " + String.join(", ", ImagesCommand.SCHEMES));
        ImageShape shape = null;
        for (ImageShape s : ImageShape.values()) if (s.toString().equals(meta.get(SHAPE))) shape = s;
        if (shape == null) throw new UsageError("--generator " + file + ": image-shape '" + meta.get(SHAPE) + "' in its metadata is not 1x28x28, 3x32x32 or 3x64x64");
        int width = positiveInt(meta, WIDTH, file), noise = positiveInt(meta, NOISE, file);
        GeneratorSpec spec = of(scheme, shape, width);
        if (spec.noise != noise)
            throw new UsageError("--generator " + file + ": its metadata says noise " + noise + ", but the " + scheme + " generator takes " + spec.noise);
        if (!spec.supported()) throw new UsageError("--generator " + file + ": " + scheme + " has no generator for " + shape);
        return spec;
    }

    private static int positiveInt(Map<String, String> meta, String key, Path file) throws UsageError {
        try {
            int v = Integer.parseInt(meta.get(key).trim());
            if (v >= 1) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageError("--generator " + file + ": '" + key + "' in its metadata must be a positive integer, got '" + meta.get(key) + "'");
    }

    @Override
    public String toString() {
        return scheme + " generator, g-width " + width + ", noise " + noise + ", " + shape;
    }
}
