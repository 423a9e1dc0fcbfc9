package dev.jgan.gan.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the CIFAR-10 reader: any byte string is either a whole number of records with labels 0..9, read into as
 * many images, or rejected with {@link DatasetFormatException} naming an offset within the input. {@code mvn verify}
 * runs the seed corpus in {@code src/test/resources/dev/jgan/gan/data/Cifar10ReaderFuzzTestInputs/parse}.
 */
class Cifar10ReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        ImageDataset d;
        try {
            d = Cifar10Reader.parse(data, "fuzz");
        } catch (DatasetFormatException rejected) {
            IdxReaderFuzzTest.checkRejection(rejected, data.length);
            return;
        } catch (RuntimeException | Error leaked) {
            throw new AssertionError("the CIFAR-10 reader let " + leaked + " escape; only DatasetFormatException may", leaked);
        }
        if ((long) d.size() * Cifar10Reader.RECORD != data.length) throw new AssertionError(d + " from " + data.length + " bytes");
        for (int i = 0; i < d.size(); i++)
            if (d.label(i) != data[i * Cifar10Reader.RECORD] || d.pixel(i, 2, 31, 31) != (data[(i + 1) * Cifar10Reader.RECORD - 1] & 0xFF))
                throw new AssertionError("record " + i + " read wrong");
    }
}
