package dev.jgan.gan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 binary records written by hand: labels, the R, G, B planes, files of a directory, broken files. */
class Cifar10ReaderTest {
    /** Records with the given labels; record r's pixel (c, y, x) is (r + 7c + 3y + 5x) mod 256. */
    static byte[] records(int... labels) {
        byte[] b = new byte[labels.length * Cifar10Reader.RECORD];
        for (int r = 0; r < labels.length; r++) {
            int o = r * Cifar10Reader.RECORD;
            b[o] = (byte) labels[r];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++) b[o + 1 + c * 1024 + y * 32 + x] = (byte) (r + 7 * c + 3 * y + 5 * x);
        }
        return b;
    }

    @Test
    void readsLabelsAndPlanes() throws DatasetFormatException {
        ImageDataset d = Cifar10Reader.parse(records(3, 0, 9), "t.bin");
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.imageShape()).containsExactly(3, 32, 32);
        assertThat(d.labels()).containsExactly(3, 0, 9);
        assertThat(d.numClasses()).isEqualTo(10);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                for (int y : new int[] {0, 17, 31})
                    for (int x : new int[] {0, 9, 31}) assertThat(d.pixel(r, c, y, x)).isEqualTo((r + 7 * c + 3 * y + 5 * x) & 0xFF);
        float[] t = d.images(new int[] {2}).toArray();
        assertThat(t[1024 + 32 + 1]).isEqualTo(ImageDataset.toUnit((2 + 7 + 3 + 5) & 0xFF)); // G plane, (1, 1)
    }

    @Test
    void readsTheTrainingFilesOfADirectoryInNameOrder(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("data_batch_2.bin"), records(2, 2));
        Files.write(dir.resolve("data_batch_1.bin"), records(1));
        Files.write(dir.resolve("test_batch.bin"), records(5));
        Files.write(dir.resolve("batches.meta.txt"), "airplane\n".getBytes());
        assertThat(Cifar10Reader.train(dir).labels()).containsExactly(1, 2, 2);
        assertThat(Cifar10Reader.test(dir).labels()).containsExactly(5);
        assertThat(Cifar10Reader.read(dir.resolve("test_batch.bin"), dir.resolve("data_batch_1.bin")).labels()).containsExactly(5, 1);
        Path bad = dir.resolve("data_batch_3.bin");
        byte[] b = records(0, 4);
        b[Cifar10Reader.RECORD] = 10;
        Files.write(bad, b);
        assertThatThrownBy(() -> Cifar10Reader.train(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(bad + ": invalid CIFAR-10 file at byte 3073: record 1 has label 10, not 0..9");
    }

    @Test
    void truncatedOrEmptyFilesNameTheRecordThatBreaks(@TempDir Path dir) throws IOException {
        byte[] two = records(1, 2);
        for (int k = 0; k < two.length; k++) {
            if (k == Cifar10Reader.RECORD) continue; // one whole record: a valid file
            byte[] cut = Arrays.copyOf(two, k);
            DatasetFormatException e = catchThrowableOfType(DatasetFormatException.class, () -> Cifar10Reader.parse(cut, "cut.bin"));
            assertThat(e).as("cut at %d", k).isNotNull();
            assertThat(e.offset()).isEqualTo(k - k % Cifar10Reader.RECORD);
            assertThat(e.getMessage()).startsWith("cut.bin: invalid CIFAR-10 file at byte " + e.offset() + ": ");
        }
        Path cut = dir.resolve("test_batch.bin");
        Files.write(cut, Arrays.copyOf(two, 4000));
        assertThatThrownBy(() -> Cifar10Reader.test(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(cut + ": invalid CIFAR-10 file at byte 3073: the file ends 927 bytes into record 1 (records are 3073 bytes; truncated or not CIFAR-10)");
        assertThatThrownBy(() -> Cifar10Reader.parse(new byte[0], "e")).isInstanceOf(DatasetFormatException.class)
                .hasMessage("e: invalid CIFAR-10 file at byte 0: the file is empty (a record is 3073 bytes)");
    }
}
