package dev.jgan.gan.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads folders of PNG and JPEG images (with {@code javax.imageio}, nothing beyond the JDK) into an
 * {@link ImageDataset} of square images [C, size, size], as the photo experiments of the WGAN literature prepare
 * CelebA or LSUN: the shorter side resized to {@code size}, then the center {@code size x size} crop.
 *
 * <p><b>Files.</b> An image is a regular file named {@code *.png}, {@code *.jpg} or {@code *.jpeg} (any case); other
 * files are ignored, and so are files and folders whose name starts with a dot ({@code .DS_Store},
 * {@code .ipynb_checkpoints}). The content decides the decoder, not the name: a {@code .jpg} holding a PNG is read,
 * one holding anything else is an error. {@link #unlabelled} takes every image under the root, at any depth;
 * {@link #labelled} takes one subfolder of the root per class, labels 0..K-1 in the sorted order of their names
 * ({@link #classes}), every image at any depth within a class folder belonging to that class (images directly in the
 * root are then ignored). Images are sorted by their path relative to the root ('/'-separated, by {@code String}
 * order), so the dataset is the same on every run and machine. Symbolic links to folders are not followed.
 *
 * <p><b>Pixels.</b> Gray, gray + alpha, RGB, RGBA and palette images of 1 to 16 bits per sample become 8-bit RGB:
 * a sample of b bits is scaled by 255 / (2^b - 1) (16-bit values keep their precision until the final rounding),
 * stored gray values are taken as they are (no gamma conversion). Alpha is composited on black ({@code color * alpha}):
 * the colors under transparent pixels are arbitrary (encoders zero them or not), and averaging premultiplied colors
 * keeps them from bleeding into the edges. One channel is the luma of ITU-R 601-2,
 * {@code 0.299 R + 0.587 G + 0.114 B}, as PIL's {@code convert("L")} and torchvision's {@code Grayscale}; three
 * channels repeat a gray image's value.
 *
 * <p><b>Resize and crop.</b> Exactly torchvision's {@code Resize(size)} then {@code CenterCrop(size)} geometry: the
 * shorter side becomes {@code size}, the longer {@code (int) (size * long / short)}, and the crop starts at
 * {@code round((resized - size) / 2)} rounding half to even (Python's {@code round}). The filter is area averaging:
 * an output pixel is the mean of the source pixels under its footprint, each weighted by the area it covers (OpenCV's
 * {@code INTER_AREA}; for whole factors also PIL's {@code BOX}). Chosen over bilinear because photo datasets are
 * shrunk, often by large factors (CelebA's 178 x 218 to 64), where plain bilinear reads 4 source pixels per output
 * and aliases, and the antialiased bilinear of torchvision / PIL is a wider triangle filter whose values cannot be
 * checked by hand; the box mean of a whole factor is exact, never overshoots, and each axis's weights are computed
 * once. Enlarging (a side shorter than {@code size}) repeats pixels, blending two at the boundaries.
 *
 * <p><b>Errors.</b> A file that cannot be decoded raises {@link DatasetFormatException} naming it, at byte 0 (ImageIO
 * does not say where a stream breaks), with ImageIO's reason. A JPEG cut within its scan data is not an error to
 * ImageIO: it warns, decodes the missing blocks as gray, and the image is kept. An image whose header announces more than
 * {@value #MAX_PIXELS} pixels (2^25: an 8K frame, 7680 x 4320, fits) is refused from the dimensions in its header,
 * before anything is decoded, so a forged 65535 x 65535 header of a few bytes allocates nothing. A folder without
 * images, a class folder without images or a root without class folders raise {@link NoSuchFileException} saying so.
 */
public final class ImageFolder {
    /** The most pixels (width x height) an image may announce: 2^25, about 33.5 million. */
    public static final long MAX_PIXELS = 1L << 25;

    private ImageFolder() {}

    /** Every image under {@code root} (at any depth), in sorted path order, as an unlabelled [N, channels, size, size] dataset. */
    public static ImageDataset unlabelled(Path root, int size, int channels) throws IOException {
        check(size, channels);
        List<Path> files = images(root, root);
        if (files.isEmpty())
            throw new NoSuchFileException(root.toString(), null, "no PNG or JPEG image (*.png, *.jpg, *.jpeg) in the folder or its subfolders");
        return read(files, null, size, channels);
    }

    /**
     * The images of each class subfolder of {@code root} (at any depth within it), labelled by the index of the
     * folder's name in {@link #classes}, as a labelled [N, channels, size, size] dataset.
     */
    public static ImageDataset labelled(Path root, int size, int channels) throws IOException {
        check(size, channels);
        List<String> classes = classes(root);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            Path dir = root.resolve(classes.get(k));
            List<Path> in = images(dir, dir);
            if (in.isEmpty())
                throw new NoSuchFileException(dir.toString(), null, "class folder " + k + " holds no PNG or JPEG image (*.png, *.jpg, *.jpeg)");
            for (Path p : in) {
                files.add(p);
                labels.add(k);
            }
        }
        return read(files, labels.stream().mapToInt(Integer::intValue).toArray(), size, channels);
    }

    /** The class names of {@link #labelled}: the subfolders of {@code root} not starting with a dot, sorted; label k is the k-th. */
    public static List<String> classes(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new NotDirectoryException(root.toString());
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && Files.isDirectory(p)) names.add(name);
            }
        }
        if (names.isEmpty()) throw new NoSuchFileException(root.toString(), null, "no class subfolder (labels come from one subfolder per class)");
        names.sort(null);
        return names;
    }

    /** Decodes one image file to [channels, size, size] bytes, resized and center-cropped. */
    public static byte[] decode(Path file, int size, int channels) throws IOException {
        check(size, channels);
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return decode(in, file.toString(), size, channels);
        }
    }

    /**
     * Decodes one PNG or JPEG image held in memory to [channels, size, size] bytes, resized and center-cropped
     * ({@code origin} names it in errors, or null). Any input is either decoded or rejected with
     * {@link DatasetFormatException}.
     */
    public static byte[] decode(byte[] bytes, String origin, int size, int channels) throws DatasetFormatException {
        check(size, channels);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, origin, size, channels);
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException e) { // closing a memory stream: cannot happen
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void check(int size, int channels) {
        if (size < 1) throw new IllegalArgumentException("ImageFolder: size must be >= 1, got " + size);
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("ImageFolder: channels must be 1 (gray) or 3 (RGB), got " + channels);
    }

    /** The images under {@code dir}, sorted by their '/'-separated path relative to {@code root}. */
    private static List<Path> images(Path dir, Path root) throws IOException {
        if (!Files.isDirectory(dir)) throw new NotDirectoryException(dir.toString());
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.equals(dir) && !hidden(dir.relativize(p)) && Files.isRegularFile(p) && isImageName(p)).forEach(found::add);
        }
        found.sort((a, b) -> relative(root, a).compareTo(relative(root, b)));
        return found;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    private static ImageDataset read(List<Path> files, int[] labels, int size, int channels) throws IOException {
        long per = (long) channels * size * size;
        if (per * files.size() > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("ImageFolder: " + files.size() + " images of " + channels + " x " + size + " x " + size
                    + " exceed a Java array (" + per * files.size() + " bytes)");
        byte[] pixels = new byte[(int) (per * files.size())];
        for (int i = 0; i < files.size(); i++) {
            byte[] one = decode(files.get(i), size, channels);
            System.arraycopy(one, 0, pixels, (int) (i * per), one.length);
        }
        return new ImageDataset(pixels, files.size(), channels, size, size, labels);
    }

    // ---- decoding -------------------------------------------------------------------------------------------------

    private static DatasetFormatException reject(String origin, String format, String what, Throwable cause) {
        return new DatasetFormatException(origin, format, 0, "", what, cause);
    }

    private static byte[] decode(ImageInputStream in, String origin, int size, int channels) throws DatasetFormatException {
        ImageReader reader = null;
        String format = "image";
        try {
            for (String name : new String[] {"png", "jpeg"}) {
                var it = ImageIO.getImageReadersByFormatName(name);
                if (!it.hasNext()) continue;
                ImageReader r = it.next();
                ImageReaderSpi spi = r.getOriginatingProvider();
                if (spi != null && recognises(spi, in)) {
                    reader = r;
                    format = name.toUpperCase(Locale.ROOT);
                    break;
                }
                r.dispose();
            }
            if (reader == null) throw reject(origin, format, "not a PNG or JPEG image (no decoder recognises its first bytes)", null);
            // ignoreMetadata: text chunks (zTXt, iTXt) and such are skipped, not inflated
            reader.setInput(in, true, true);
            int w = reader.getWidth(0), h = reader.getHeight(0); // from the header (PNG's IHDR, JPEG's SOF) only
            if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS)
                throw reject(origin, format, "the header announces " + w + " x " + h + " pixels, more than the " + MAX_PIXELS
                        + " an image may have (ImageFolder.MAX_PIXELS), or none", null);
            BufferedImage image = reader.read(0);
            return resizeCrop(image, origin, format, size, channels);
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // NOTE: the JDK's decoders throw IIOException on most broken input, but also IndexOutOfBounds-,
            // IllegalArgument- and other RuntimeExceptions on some: each is a rejection of this file.
            throw reject(origin, format, "ImageIO cannot decode it: " + e, e);
        } finally {
            if (reader != null) reader.dispose();
        }
    }

    /** Whether the decoder recognises the stream's first bytes; the stream is left at its start either way. */
    private static boolean recognises(ImageReaderSpi spi, ImageInputStream in) throws IOException {
        try {
            return spi.canDecodeInput(in); // marks and resets the stream, unless it ends too early
        } catch (java.io.EOFException tooShort) {
            return false;
        } finally {
            in.seek(0);
        }
    }

    /** The decoded image as [channels, size, size] bytes: resized by area averaging and center-cropped. */
    private static byte[] resizeCrop(BufferedImage image, String origin, String format, int size, int channels) throws DatasetFormatException {
        int w = image.getWidth(), h = image.getHeight();
        // torchvision Resize(size): the shorter side to size, the longer to int(size * long / short)
        int rw, rh;
        if (w <= h) {
            rw = size;
            rh = (int) ((long) size * h / w);
        } else {
            rh = size;
            rw = (int) ((long) size * w / h);
        }
        // CenterCrop(size): int(round((resized - size) / 2.0)), Python rounding half to even (Math.rint)
        int left = (int) Math.rint((rw - size) / 2.0), top = (int) Math.rint((rh - size) / 2.0);
        Axis ax = new Axis(w, rw, left, size), ay = new Axis(h, rh, top, size);

        // Invariant: rows[k] accumulates sum_y wy(k, y) * (sum_x wx(., x) * pixel(x, y)) over the source rows seen
        double[][] acc = new double[3][size * size];
        double[][] row = new double[3][w];
        double[] hrow = new double[3 * size];
        Pixels px = Pixels.of(image, origin, format);
        for (int y = 0; y < h; y++) {
            if (ay.first[y] < 0) continue; // a row outside the crop
            px.row(y, row);
            for (int c = 0; c < 3; c++)
                for (int k = 0; k < size; k++) {
                    double s = 0;
                    for (int x = ax.from[k]; x < ax.to[k]; x++) s += ax.weight(k, x) * row[c][x];
                    hrow[c * size + k] = s;
                }
            for (int k = ay.first[y]; k < size && ay.from[k] <= y; k++) {
                if (y >= ay.to[k]) continue;
                double wy = ay.weight(k, y);
                for (int c = 0; c < 3; c++)
                    for (int x = 0; x < size; x++) acc[c][k * size + x] += wy * hrow[c * size + x];
            }
        }
        byte[] out = new byte[channels * size * size];
        for (int i = 0; i < size * size; i++) {
            if (channels == 3)
                for (int c = 0; c < 3; c++) out[c * size * size + i] = toByte(acc[c][i]);
            else out[i] = toByte(0.299 * acc[0][i] + 0.587 * acc[1][i] + 0.114 * acc[2][i]);
        }
        return out;
    }

    private static byte toByte(double v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }

    /**
     * One axis of resize-then-crop: output k (0..size-1) is resized index u = k + offset, whose footprint in the
     * source is [u * scale, (u + 1) * scale) with scale = source / resized; source pixel i covers [i, i + 1).
     */
    private static final class Axis {
        final double scale;
        final int[] from, to; // output k reads source pixels from[k] .. to[k] - 1
        final int offset;
        final int[] first;    // first[i]: the first output whose footprint meets source pixel i, or -1

        Axis(int source, int resized, int offset, int size) {
            this.scale = (double) source / resized;
            this.offset = offset;
            from = new int[size];
            to = new int[size];
            first = new int[source];
            java.util.Arrays.fill(first, -1);
            for (int k = size - 1; k >= 0; k--) {
                double a = (k + offset) * scale, b = (k + offset + 1) * scale;
                from[k] = Math.max(0, (int) Math.floor(a));
                to[k] = Math.min(source, (int) Math.ceil(b));
                for (int i = from[k]; i < to[k]; i++) if (weight(k, i) > 0) first[i] = k;
            }
        }

        /** The share of output k's footprint covered by source pixel i: |[i, i + 1) ∩ footprint| / scale. */
        double weight(int k, int i) {
            double a = (k + offset) * scale, b = (k + offset + 1) * scale;
            return Math.max(0, Math.min(b, i + 1) - Math.max(a, i)) / scale;
        }
    }

    /** Reads a decoded image's rows as R, G, B in 0..255 (doubles), alpha composited on black. */
    private abstract static class Pixels {
        final Raster raster;
        final int w;

        Pixels(Raster raster) {
            this.raster = raster;
            this.w = raster.getWidth();
        }

        abstract void row(int y, double[][] rgb);

        static Pixels of(BufferedImage image, String origin, String format) throws DatasetFormatException {
            Raster raster = image.getRaster();
            ColorModel cm = image.getColorModel();
            if (cm instanceof IndexColorModel icm) return new Palette(raster, icm);
            int type = cm.getColorSpace().getType();
            if (cm instanceof ComponentColorModel && (type == ColorSpace.TYPE_GRAY || type == ColorSpace.TYPE_RGB))
                return new Components(raster, cm);
            if (!(cm instanceof ComponentColorModel)) return new Generic(raster, cm); // packed ints: sRGB through the color model
            throw reject(origin, format, "unsupported color space (type " + type + ", " + cm.getNumColorComponents()
                    + " components; CMYK and YCCK images are not read)", null);
        }
    }

    /** Gray or RGB samples of 1..16 bits, with or without alpha, taken as stored (no color-space conversion). */
    private static final class Components extends Pixels {
        final int colors;
        final boolean alpha, premultiplied;
        final double[] scale;
        final int[] buf;

        Components(Raster raster, ColorModel cm) {
            super(raster);
            colors = cm.getNumColorComponents();
            alpha = cm.hasAlpha();
            premultiplied = cm.isAlphaPremultiplied();
            int bands = raster.getNumBands();
            scale = new double[bands];
            for (int b = 0; b < bands; b++) scale[b] = 255.0 / ((1L << cm.getComponentSize(b)) - 1);
            buf = new int[w * bands];
        }

        @Override
        void row(int y, double[][] rgb) {
            int bands = raster.getNumBands();
            raster.getPixels(0, y, w, 1, buf);
            for (int x = 0; x < w; x++) {
                int o = x * bands;
                double a = alpha && !premultiplied ? buf[o + colors] * scale[colors] / 255.0 : 1.0;
                for (int c = 0; c < 3; c++) rgb[c][x] = a * buf[o + (colors == 1 ? 0 : c)] * scale[colors == 1 ? 0 : c];
            }
        }
    }

    /** Palette indices mapped through the palette's R, G, B and alpha (a PNG's tRNS). */
    private static final class Palette extends Pixels {
        final IndexColorModel icm;
        final int[] buf;

        Palette(Raster raster, IndexColorModel icm) {
            super(raster);
            this.icm = icm;
            buf = new int[w];
        }

        @Override
        void row(int y, double[][] rgb) {
            raster.getSamples(0, y, w, 1, 0, buf);
            for (int x = 0; x < w; x++) {
                int i = Math.min(buf[x], icm.getMapSize() - 1);
                double a = icm.getAlpha(i) / 255.0;
                rgb[0][x] = a * icm.getRed(i);
                rgb[1][x] = a * icm.getGreen(i);
                rgb[2][x] = a * icm.getBlue(i);
            }
        }
    }

    /** Any other color model: each pixel's non-premultiplied sRGB through {@link ColorModel#getRGB(Object)}. */
    private static final class Generic extends Pixels {
        final ColorModel cm;

        Generic(Raster raster, ColorModel cm) {
            super(raster);
            this.cm = cm;
        }

        @Override
        void row(int y, double[][] rgb) {
            Object data = null;
            for (int x = 0; x < w; x++) {
                data = raster.getDataElements(x, y, data);
                int argb = cm.getRGB(data);
                double a = (argb >>> 24) / 255.0;
                rgb[0][x] = a * (argb >> 16 & 0xFF);
                rgb[1][x] = a * (argb >> 8 & 0xFF);
                rgb[2][x] = a * (argb & 0xFF);
            }
        }
    }
}
