package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written by hand: known pixels plain and gzipped, every type, and every way a file can be broken. */
class IdxReaderTest {
    /** An IDX file: magic 00 00 type ndims, big-endian dims, then the data bytes as given. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** Two 2 x 3 images: 0, 255, 51 / 102, 127, 128 and 1..6. */
    static final byte[] PIXELS = {0, (byte) 255, 51, 102, 127, (byte) 128, 1, 2, 3, 4, 5, 6};
    static final byte[] IMAGES = idx(0x08, new int[] {2, 2, 3}, PIXELS);
    static final byte[] LABELS = idx(0x08, new int[] {2}, new byte[] {7, 3});

    @Test
    void readsKnownPixelsPlainAndGzipped(@TempDir Path dir) throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path images = dir.resolve("images" + gz), labels = dir.resolve("labels" + gz);
            Files.write(images, gz ? gzip(IMAGES) : IMAGES);
            Files.write(labels, gz ? gzip(LABELS) : LABELS);
            ImageDataset d = IdxReader.read(images, labels);
            assertThat(d.size()).isEqualTo(2);
            assertThat(d.imageShape()).containsExactly(1, 2, 3);
            assertThat(d.labels()).containsExactly(7, 3);
            assertThat(d.numClasses()).isEqualTo(8);
            assertThat(d.pixel(0, 0, 0, 1)).isEqualTo(255);
            assertThat(d.pixel(0, 0, 1, 2)).isEqualTo(128);
            assertThat(d.pixel(1, 0, 1, 0)).isEqualTo(4);
            float[] x = d.toTensor().toArray();
            assertThat(d.toTensor().shape()).containsExactly(2, 1, 2, 3);
            assertThat(x[0]).isEqualTo(-1f);       // 0 -> -1 exactly
            assertThat(x[1]).isEqualTo(1f);        // 255 -> 1 exactly
            assertThat(x[2]).isEqualTo(51 / 127.5f - 1f);
            assertThat(x[11]).isEqualTo(6 / 127.5f - 1f);
            for (int i = 0; i < 12; i++) assertThat(x[i]).isEqualTo((PIXELS[i] & 0xFF) / 127.5f - 1f);
            assertThat(IdxReader.images(images).hasLabels()).isFalse();
            assertThat(IdxReader.labels(labels)).containsExactly(7, 3);
        }
    }

    @Test
    void scalingIsExactAndMonotone() {
        assertThat(ImageDataset.toUnit(0)).isEqualTo(-1f);
        assertThat(ImageDataset.toUnit(255)).isEqualTo(1f);
        for (int v = 1; v < 256; v++) assertThat(ImageDataset.toUnit(v)).isGreaterThan(ImageDataset.toUnit(v - 1));
        assertThat(ImageDataset.toUnit(127)).isLessThan(0f);
        assertThat(ImageDataset.toUnit(128)).isGreaterThan(0f);
    }

    @Test
    void readsEveryTypeAndChannelsLastImages() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 16 + 8 + 16 + 4);
        b.put((byte) -3).put((byte) 5);                               // sbyte
        b.putShort((short) -300).putShort((short) 1000);              // int16
        b.putInt(-70000).putInt(1 << 20);                             // int32
        b.putFloat(1.5f).putFloat(-0.25f);                            // float32
        b.putDouble(0.1).putDouble(-2.0);                              // float64
        byte[] all = b.array();
        int[][] spans = {{0x09, 0, 2}, {0x0B, 2, 6}, {0x0C, 6, 14}, {0x0D, 14, 22}, {0x0E, 22, 38}};
        double[][] expect = {{-3, 5}, {-300, 1000}, {-70000, 1 << 20}, {1.5, -0.25}, {0.1, -2.0}};
        for (int k = 0; k < spans.length; k++) {
            IdxFile f = IdxReader.parse(idx(spans[k][0], new int[] {2}, Arrays.copyOfRange(all, spans[k][1], spans[k][2])), "t");
            assertThat(f.numel()).isEqualTo(2);
            assertThat(f.value(0)).isEqualTo(expect[k][0]);
            assertThat(f.value(1)).isEqualTo(expect[k][1]);
            assertThat(f.toFloats()).containsExactly((float) expect[k][0], (float) expect[k][1]);
        }
        // (N, H, W, C) = (1, 1, 2, 3): pixels RGB RGB -> planes R R, G G, B B
        IdxFile rgb = IdxReader.parse(idx(0x08, new int[] {1, 1, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6}), "rgb");
        ImageDataset d = IdxReader.images(rgb, "rgb", null);
        assertThat(d.imageShape()).containsExactly(3, 1, 2);
        assertThat(new int[] {d.pixel(0, 0, 0, 0), d.pixel(0, 0, 0, 1), d.pixel(0, 1, 0, 0), d.pixel(0, 1, 0, 1), d.pixel(0, 2, 0, 0), d.pixel(0, 2, 0, 1)})
                .containsExactly(1, 4, 2, 5, 3, 6);
    }

    private static DatasetFormatException rejects(byte[] bytes, String origin) {
        DatasetFormatException e = catchThrowableOfType(DatasetFormatException.class, () -> IdxReader.parse(bytes, origin));
        assertThat(e).as("%d bytes accepted", bytes.length).isNotNull();
        assertThat(e.getMessage()).startsWith(origin + ": invalid ").contains("at byte " + e.offset());
        assertThat(e.file()).isEqualTo(origin);
        return e;
    }

    @Test
    void truncatedAtEveryOffsetNamesThatOffset() {
        for (int k = 0; k < IMAGES.length; k++) {
            DatasetFormatException e = rejects(Arrays.copyOf(IMAGES, k), "cut.idx");
            assertThat(e.offset()).as("cut at %d", k).isEqualTo(k);
            assertThat(e.getMessage()).contains("truncated");
        }
        byte[] gz = gzip(IMAGES);
        for (int k = 0; k < gz.length; k++) {
            DatasetFormatException e = rejects(Arrays.copyOf(gz, k), "cut.gz");
            assertThat(e.offset()).isBetween(0L, (long) IMAGES.length);
        }
        // a gzip stream cut inside the data names the decompressed offset it reached
        assertThat(rejects(Arrays.copyOf(gz, gz.length - 8), "cut.gz").getMessage()).contains("of its decompressed data");
    }

    @Test
    void brokenHeadersNameTheirField() {
        byte[] b = IMAGES.clone();
        b[0] = 1;
        assertThat(rejects(b, "m").offset()).isEqualTo(0);
        assertThat(rejects(b, "m").getMessage()).contains("two zero bytes, got 01 00");
        b = IMAGES.clone();
        b[2] = 0x0A;
        assertThat(rejects(b, "t").getMessage()).contains("at byte 2: unknown type byte 0x0a");
        b = IMAGES.clone();
        b[3] = 0;
        assertThat(rejects(b, "n").getMessage()).contains("at byte 3: the number of dimensions must be 1..16, got 0");
        assertThat(rejects(idx(0x08, new int[] {2, -1, 3}, PIXELS), "neg").getMessage()).contains("at byte 8: dimension 1 is negative: -1");
        assertThat(rejects(idx(0x08, new int[] {65536, 65536, 1}, new byte[0]), "big").getMessage())
                .contains("at byte 8: dimensions [65536, 65536] of UBYTE need more than 2147483639 bytes");
        assertThat(rejects(idx(0x0E, new int[] {1 << 29}, new byte[0]), "big8").offset()).isEqualTo(4);
        // trailing bytes, plain and gzipped
        byte[] longer = Arrays.copyOf(IMAGES, IMAGES.length + 3);
        assertThat(rejects(longer, "tail").getMessage()).contains("at byte " + IMAGES.length + ": 3 trailing bytes");
        assertThat(rejects(gzip(longer), "tail.gz").getMessage()).contains("at byte " + IMAGES.length + " of its decompressed data: trailing bytes");
    }

    @Test
    void corruptGzipIsRejectedWithItsOffset() {
        byte[] gz = gzip(IMAGES);
        int rejected = 0;
        for (int i = 10; i < gz.length; i++) {     // every byte after the 10-byte gzip header, flipped
            byte[] c = gz.clone();
            c[i] ^= 0x55;
            try {
                IdxReader.parse(c, "flip.gz");
            } catch (DatasetFormatException e) {
                assertThat(e.getMessage()).startsWith("flip.gz: invalid gzipped IDX file at byte " + e.offset() + " of its decompressed data: ");
                rejected++;
            }
        }
        assertThat(rejected).isEqualTo(gz.length - 10); // the CRC-32 and length in the trailer catch what the data does not
    }

    @Test
    void aForgedHeaderAllocatesNothingItDoesNotDeliver() {
        // 10^6 images of 28 x 28 (784 MB) announced by a 16-byte file, plain and gzipped: rejected after small allocations
        byte[] forged = idx(0x08, new int[] {1_000_000, 28, 28}, new byte[100]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (byte[] bytes : new byte[][] {forged, gzip(forged)}) {
            long before = mx.getThreadAllocatedBytes(tid);
            DatasetFormatException e = rejects(bytes, "forged");
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertThat(e.getMessage()).contains("truncated");
            assertThat(allocated).as("bytes allocated").isLessThan(8L << 20); // the 1 MB first chunk, the gzip buffers, the message
        }
    }

    @Test
    void pairsAndLayoutsAreChecked(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("img.idx"), labels = dir.resolve("lab.idx");
        Files.write(images, IMAGES);
        Files.write(labels, idx(0x08, new int[] {3}, new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> IdxReader.read(images, labels)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(labels + ": invalid IDX file at byte 4: 3 labels but " + images + " holds 2 images");
        assertThatThrownBy(() -> IdxReader.images(labels)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(labels + ": invalid IDX image file at byte 3: images must be (N, H, W) or (N, H, W, C)");
        assertThatThrownBy(() -> IdxReader.labels(images)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("at byte 3: labels must have one dimension (N), got [2, 2, 3]");
        Path shorts = dir.resolve("short.idx");
        Files.write(shorts, idx(0x0B, new int[] {1, 1, 1}, new byte[2]));
        assertThatThrownBy(() -> IdxReader.images(shorts)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("at byte 2: images must be ubyte (type 0x08), got INT16");
        Path cut = dir.resolve("cut.idx");
        Files.write(cut, Arrays.copyOf(IMAGES, 20));
        assertThatThrownBy(() -> IdxReader.images(cut)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(cut + ": invalid IDX file at byte 20: the file ends after 4 of the 12 data bytes that dimensions [2, 2, 3] of UBYTE need (truncated)");
    }
}
