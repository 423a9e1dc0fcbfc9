package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images written by ImageIO here, with known patterns: resize and crop by hand, pixel kinds, folders, broken files. */
class ImageFolderTest {

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) throw new AssertionError("no ImageIO writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An RGB image whose pixel (x, y) is (r(x, y), 255 - r(x, y), 7) with r = 10 x + 50 y. */
    static BufferedImage rgbRamp(int w, int h) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int r = 10 * x + 50 * y;
                im.setRGB(x, y, r << 16 | (255 - r) << 8 | 7);
            }
        return im;
    }

    /** A TYPE_BYTE_GRAY image with the given rows of values. */
    static BufferedImage gray(int[][] rows) {
        BufferedImage im = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < rows.length; y++) im.getRaster().setPixels(0, y, rows[y].length, 1, rows[y]);
        return im;
    }

    /** Plane c of decoded [C, size, size] bytes as unsigned values. */
    static int[] plane(byte[] chw, int c, int size) {
        int[] p = new int[size * size];
        for (int i = 0; i < p.length; i++) p[i] = chw[c * size * size + i] & 0xFF;
        return p;
    }

    @Test
    void halvesByAveragingTwoByTwoBlocksThenCropsTheCenter() throws DatasetFormatException {
        // 8 x 4 -> shorter side 4 to 2 (factor 2) gives 4 x 2 -> center crop columns 1..2 of the resized image, i.e.
        // source columns 2..5. Output (y, x) = mean of source rows 2y..2y+1, columns 2x+2..2x+3: r = 20x + 100y + 50.
        byte[] out = ImageFolder.decode(encode(rgbRamp(8, 4), "png"), "ramp.png", 2, 3);
        assertThat(plane(out, 0, 2)).containsExactly(50, 70, 150, 170);
        assertThat(plane(out, 1, 2)).containsExactly(205, 185, 105, 85);
        assertThat(plane(out, 2, 2)).containsExactly(7, 7, 7, 7);
    }

    @Test
    void aShorterSideAlreadyAtSizeIsOnlyCropped() throws DatasetFormatException {
        // 4 x 2 -> 2 x 2: no resize, columns 1..2 (r = 10x + 50y)
        byte[] out = ImageFolder.decode(encode(rgbRamp(4, 2), "png"), "r.png", 2, 3);
        assertThat(plane(out, 0, 2)).containsExactly(10, 20, 60, 70);
    }

    @Test
    void fractionalFactorsWeighPixelsByTheAreaTheyCover() throws DatasetFormatException {
        // 3 x 3 -> 2 x 2, scale 1.5: output 0 covers [0, 1.5): (0 * 1 + 90 * 0.5) / 1.5 = 30; output 1 covers [1.5, 3):
        // (90 * 0.5 + 180 * 1) / 1.5 = 150. Rows are equal, so their averaging changes nothing.
        int[] cols = {0, 90, 180};
        byte[] out = ImageFolder.decode(encode(gray(new int[][] {cols, cols, cols}), "png"), "g.png", 2, 1);
        assertThat(plane(out, 0, 2)).containsExactly(30, 150, 30, 150);
        // the mean of everything: 1 x 1
        assertThat(plane(ImageFolder.decode(encode(gray(new int[][] {{0, 100}, {50, 250}}), "png"), "g.png", 1, 1), 0, 1)).containsExactly(100);
        // enlarging repeats pixels: 1 x 1 -> 3 x 3
        assertThat(plane(ImageFolder.decode(encode(gray(new int[][] {{77}}), "png"), "g.png", 3, 1), 0, 3)).containsOnly(77);
    }

    @Test
    void theCropOffsetRoundsHalfToEvenAsTorchvision() throws DatasetFormatException {
        // A 2-wide column of rows 30 y: the crop of 2 rows starts at round((h - 2) / 2) with Python's round.
        int[][] expectedFirstRow = {{5, 60}, {6, 60}, {7, 60}, {9, 120}}; // h = 7: round(2.5) = 2, not 3
        for (int[] c : expectedFirstRow) {
            int h = c[0];
            int[][] rows = new int[h][];
            for (int y = 0; y < h; y++) rows[y] = new int[] {30 * y, 30 * y};
            byte[] out = ImageFolder.decode(encode(gray(rows), "png"), "tall.png", 2, 1);
            assertThat(plane(out, 0, 2)).as("h = %d", h).containsExactly(c[1], c[1], c[1] + 30, c[1] + 30);
        }
    }

    @Test
    void jpegIsReadWithinItsLoss() throws DatasetFormatException {
        // 32 x 32 in four flat 16 x 16 quadrants (aligned with JPEG's blocks) -> 16 x 16: four flat 8 x 8 quadrants
        int[][] colors = {{200, 40, 40}, {40, 200, 40}, {40, 40, 200}, {128, 128, 128}};
        BufferedImage im = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++) {
                int[] c = colors[(y / 16) * 2 + x / 16];
                im.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
            }
        byte[] jpeg = encode(im, "jpeg");
        byte[] out = ImageFolder.decode(jpeg, "q.jpg", 16, 3);
        int worst = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++) {
                    if (y == 7 || y == 8 || x == 7 || x == 8) continue; // the quadrant edges, where JPEG rings most
                    worst = Math.max(worst, Math.abs((out[(c * 16 + y) * 16 + x] & 0xFF) - colors[(y / 8) * 2 + x / 8][c]));
                }
        assertThat(worst).as("largest error away from the edges").isLessThanOrEqualTo(10);
        // the same pixels as gray: the luma of each quadrant's color
        byte[] g = ImageFolder.decode(jpeg, "q.jpg", 16, 1);
        for (int q = 0; q < 4; q++) {
            int[] c = colors[q];
            double luma = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
            assertThat((double) (g[(q / 2 * 8 + 3) * 16 + q % 2 * 8 + 3] & 0xFF)).isCloseTo(luma, org.assertj.core.data.Offset.offset(10.0));
        }
    }

    @Test
    void grayIsTakenAsStoredAndRepeatedForRgb() throws DatasetFormatException {
        byte[] png = encode(gray(new int[][] {{0, 64}, {128, 255}}), "png");
        // No gamma conversion (BufferedImage.getRGB would turn a stored 128 into 186 for a linear-gray image)
        assertThat(plane(ImageFolder.decode(png, "g.png", 2, 1), 0, 2)).containsExactly(0, 64, 128, 255);
        byte[] rgb = ImageFolder.decode(png, "g.png", 2, 3);
        for (int c = 0; c < 3; c++) assertThat(plane(rgb, c, 2)).containsExactly(0, 64, 128, 255);
        // RGB to gray: 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        one.setRGB(0, 0, 200 << 16 | 100 << 8 | 50);
        assertThat(plane(ImageFolder.decode(encode(one, "png"), "c.png", 1, 1), 0, 1)).containsExactly(124);
    }

    @Test
    void alphaIsCompositedOnBlack() throws DatasetFormatException {
        BufferedImage im = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        im.setRGB(0, 0, 128 << 24 | 255 << 16);              // half-transparent red
        im.setRGB(1, 0, 0x00FFFFFF);                          // transparent white
        im.setRGB(0, 1, 0xFF0000FF);                          // opaque blue
        im.setRGB(1, 1, 0xFF0A141E);                          // opaque (10, 20, 30)
        byte[] out = ImageFolder.decode(encode(im, "png"), "a.png", 2, 3);
        assertThat(plane(out, 0, 2)).containsExactly(128, 0, 0, 10);
        assertThat(plane(out, 1, 2)).containsExactly(0, 0, 0, 20);
        assertThat(plane(out, 2, 2)).containsExactly(0, 0, 255, 30);
        // averaged after compositing: the hidden white does not bleed in. Mean of R: (128 + 0 + 0 + 10) / 4 = 34.5 -> 35
        assertThat(plane(ImageFolder.decode(encode(im, "png"), "a.png", 1, 3), 0, 1)).containsExactly(35);
    }

    @Test
    void paletteEntriesAndTheirTransparencyAreApplied() throws DatasetFormatException {
        byte[] r = {(byte) 255, 0, 0, 100}, g = {0, (byte) 255, 0, (byte) 150}, b = {0, 0, (byte) 255, (byte) 200};
        byte[] a = {(byte) 255, (byte) 255, 0, (byte) 255}; // entry 2, blue, fully transparent
        IndexColorModel icm = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage im = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_BINARY, icm);
        im.getRaster().setPixels(0, 0, 2, 2, new int[] {0, 1, 2, 3});
        byte[] out = ImageFolder.decode(encode(im, "png"), "p.png", 2, 3);
        assertThat(plane(out, 0, 2)).containsExactly(255, 0, 0, 100);
        assertThat(plane(out, 1, 2)).containsExactly(0, 255, 0, 150);
        assertThat(plane(out, 2, 2)).containsExactly(0, 0, 0, 200);
    }

    @Test
    void sixteenBitSamplesAreScaledAndRoundedOnce() throws DatasetFormatException {
        BufferedImage g16 = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setPixels(0, 0, 2, 2, new int[] {65535, 32896, 1000, 0});
        // 1000 * 255 / 65535 = 3.89 -> 4 (keeping only the high byte would give 3)
        assertThat(plane(ImageFolder.decode(encode(g16, "png"), "g16.png", 2, 1), 0, 2)).containsExactly(255, 128, 4, 0);
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE,
                DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {65535, 2570, 1000});
        byte[] out = ImageFolder.decode(encode(new BufferedImage(cm, raster, false, null), "png"), "rgb16.png", 1, 3);
        assertThat(plane(out, 0, 1)).containsExactly(255);
        assertThat(plane(out, 1, 1)).containsExactly(10);
        assertThat(plane(out, 2, 1)).containsExactly(4);
    }

    /** A 1 x 1 gray PNG of value v. */
    static byte[] dot(int v) {
        return encode(gray(new int[][] {{v}}), "png");
    }

    @Test
    void classSubfoldersGiveSortedLabelsAndOtherFilesAreIgnored(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("cat/z"));
        Files.createDirectories(root.resolve("dog"));
        Files.createDirectories(root.resolve("ant"));
        Files.createDirectories(root.resolve(".ipynb_checkpoints"));
        Files.write(root.resolve("dog/b.png"), dot(30));
        Files.write(root.resolve("cat/z/c.png"), dot(20));
        Files.write(root.resolve("cat/a.png"), dot(10));
        Files.write(root.resolve("ant/X.JPG"), dot(5)); // a PNG named .JPG: the content decides
        Files.write(root.resolve("loose.png"), dot(40)); // directly in the root: no class
        Files.write(root.resolve(".ipynb_checkpoints/h.png"), dot(99));
        Files.write(root.resolve("cat/.hidden.png"), dot(98));
        Files.write(root.resolve("readme.txt"), "not an image".getBytes());
        Files.write(root.resolve("dog/notes.txt"), "not an image".getBytes());

        assertThat(ImageFolder.classes(root)).containsExactly("ant", "cat", "dog");
        ImageDataset d = ImageFolder.labelled(root, 1, 1);
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.labels()).containsExactly(0, 1, 1, 2);
        assertThat(d.numClasses()).isEqualTo(3);
        int[] values = new int[d.size()];
        for (int i = 0; i < values.length; i++) values[i] = d.pixel(i, 0, 0, 0);
        assertThat(values).containsExactly(5, 10, 20, 30);

        ImageDataset all = ImageFolder.unlabelled(root, 2, 3);
        assertThat(all.hasLabels()).isFalse();
        assertThat(all.imageShape()).containsExactly(3, 2, 2);
        int[] v = new int[all.size()];
        for (int i = 0; i < v.length; i++) v[i] = all.pixel(i, 2, 1, 1);
        assertThat(v).containsExactly(5, 10, 20, 30, 40); // ant/X.JPG, cat/a.png, cat/z/c.png, dog/b.png, loose.png
        // batched in [-1, 1]
        assertThat(all.images(new int[] {4}).toArray()[0]).isEqualTo(ImageDataset.toUnit(40));
    }

    @Test
    void emptyFoldersAreRefusedWithAReason(@TempDir Path root) throws IOException {
        assertThatThrownBy(() -> ImageFolder.unlabelled(root, 8, 3)).isInstanceOf(NoSuchFileException.class)
                .hasMessage(root + ": no PNG or JPEG image (*.png, *.jpg, *.jpeg) in the folder or its subfolders");
        assertThatThrownBy(() -> ImageFolder.labelled(root, 8, 3)).isInstanceOf(NoSuchFileException.class)
                .hasMessage(root + ": no class subfolder (labels come from one subfolder per class)");
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.write(root.resolve("a/x.png"), dot(1));
        Files.write(root.resolve("b/x.txt"), "text".getBytes());
        assertThatThrownBy(() -> ImageFolder.labelled(root, 8, 3)).isInstanceOf(NoSuchFileException.class)
                .hasMessage(root.resolve("b") + ": class folder 1 holds no PNG or JPEG image (*.png, *.jpg, *.jpeg)");
        assertThatThrownBy(() -> ImageFolder.unlabelled(root.resolve("a/x.png"), 8, 3)).isInstanceOf(java.nio.file.NotDirectoryException.class);
        assertThatThrownBy(() -> ImageFolder.unlabelled(root, 0, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ImageFolder: size must be >= 1, got 0");
        assertThatThrownBy(() -> ImageFolder.decode(dot(1), "d", 4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ImageFolder: channels must be 1 (gray) or 3 (RGB), got 2");
    }

    @Test
    void unreadableFilesAreNamedInTheError(@TempDir Path root) throws IOException {
        Path text = root.resolve("b/notes.png");
        Files.createDirectories(text.getParent());
        Files.write(root.resolve("a.png"), dot(1));
        Files.write(text, "hello, not a picture".getBytes());
        DatasetFormatException e = catchThrowableOfType(DatasetFormatException.class, () -> ImageFolder.unlabelled(root, 4, 3));
        assertThat(e.getMessage()).isEqualTo(text + ": invalid image file at byte 0: not a PNG or JPEG image (no decoder recognises its first bytes)");
        assertThat(e.file()).isEqualTo(text.toString());
        assertThat(e.offset()).isZero();

        byte[] gif = encode(gray(new int[][] {{1}}), "gif"); // an image, but not PNG or JPEG
        assertThatThrownBy(() -> ImageFolder.decode(gif, "x.png", 1, 1)).isInstanceOf(DatasetFormatException.class)
                .hasMessage("x.png: invalid image file at byte 0: not a PNG or JPEG image (no decoder recognises its first bytes)");
        assertThatThrownBy(() -> ImageFolder.decode(new byte[0], "e.png", 1, 1)).isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("e.png: invalid image file at byte 0: not a PNG or JPEG");

        byte[] png = encode(rgbRamp(8, 4), "png");
        Path cut = root.resolve("b/cut.png");
        Files.write(cut, Arrays.copyOf(png, 45)); // the signature, IHDR and 4 bytes of the image data
        Files.delete(text);
        assertThatThrownBy(() -> ImageFolder.unlabelled(root, 4, 3)).isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith(cut + ": invalid PNG file at byte 0: ImageIO cannot decode it: ");
        byte[] jpeg = encode(rgbRamp(8, 4), "jpeg");
        // cut within its headers: rejected (cut within the scan data, ImageIO warns and decodes the missing part as gray)
        assertThatThrownBy(() -> ImageFolder.decode(Arrays.copyOf(jpeg, 20), "cut.jpg", 4, 3)).isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("cut.jpg: invalid JPEG file at byte 0: ImageIO cannot decode it: ");
    }

    /** A 1 x 1 PNG whose header announces w x h (its IHDR's CRC recomputed, so only the size is a lie). */
    static byte[] forgedPng(int w, int h) {
        byte[] png = dot(7);
        // signature (8), IHDR length (4), "IHDR" (4) at 12, width at 16, height at 20, ..., CRC at 29 over bytes 12..28
        putInt(png, 16, w);
        putInt(png, 20, h);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        putInt(png, 29, (int) crc.getValue());
        return png;
    }

    /** A small JPEG whose frame header (SOF0) announces w x h. */
    static byte[] forgedJpeg(int w, int h) {
        byte[] jpeg = encode(rgbRamp(8, 4), "jpeg");
        for (int i = 2; i + 8 < jpeg.length; i++)
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) { // SOF0: length (2), precision (1), height (2), width (2)
                jpeg[i + 5] = (byte) (h >> 8);
                jpeg[i + 6] = (byte) h;
                jpeg[i + 7] = (byte) (w >> 8);
                jpeg[i + 8] = (byte) w;
                return jpeg;
            }
        throw new AssertionError("no SOF0 marker");
    }

    static void putInt(byte[] b, int at, int v) {
        for (int k = 0; k < 4; k++) b[at + k] = (byte) (v >>> (24 - 8 * k));
    }

    @Test
    void aForgedGiganticHeaderIsRefusedBeforeDecoding() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        Object[][] cases = {{forgedPng(100_000, 100_000), "PNG", "100000 x 100000"}, {forgedPng(1 << 30, 1), "PNG", "1073741824 x 1"},
                {forgedJpeg(65000, 65000), "JPEG", "65000 x 65000"}};
        for (Object[] c : cases) {
            long before = mx.getThreadAllocatedBytes(tid);
            DatasetFormatException e = catchThrowableOfType(DatasetFormatException.class, () -> ImageFolder.decode((byte[]) c[0], "big", 64, 3));
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertThat(e).as((String) c[2]).isNotNull();
            assertThat(e.getMessage()).isEqualTo("big: invalid " + c[1] + " file at byte 0: the header announces " + c[2]
                    + " pixels, more than the 33554432 an image may have (ImageFolder.MAX_PIXELS), or none");
            assertThat(allocated).as("bytes allocated").isLessThan(8L << 20);
        }
        // within the bound but with no data behind it: decoded, found wanting, rejected
        assertThatThrownBy(() -> ImageFolder.decode(forgedPng(2000, 2000), "lie.png", 4, 3)).isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith("lie.png: invalid PNG file at byte 0: ImageIO cannot decode it: ");
    }
}
