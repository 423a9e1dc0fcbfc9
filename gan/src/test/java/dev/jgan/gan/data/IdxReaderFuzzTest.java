package dev.jgan.gan.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the IDX reader: any byte string, plain or gzipped, must either parse into an array whose element count is
 * the product of its dimensions, or be rejected with {@link DatasetFormatException} naming a byte offset; any other
 * exception or error (an {@link OutOfMemoryError} from trusting a header among them) is a bug. Parsed files are
 * also read as images and labels, which accept or reject them the same way. {@code mvn verify} runs the seed corpus
 * in {@code src/test/resources/dev/jgan/gan/data/IdxReaderFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class IdxReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        IdxFile f;
        try {
            f = IdxReader.parse(data, "fuzz");
        } catch (DatasetFormatException rejected) {
            checkRejection(rejected, Long.MAX_VALUE); // a gzipped input's offsets are in its decompressed data
            return;
        } catch (RuntimeException | Error leaked) {
            throw new AssertionError("the IDX reader let " + leaked + " escape; only DatasetFormatException may", leaked);
        }
        long numel = 1;
        for (int d : f.dims()) numel *= d;
        if (numel != f.numel()) throw new AssertionError("dims " + f + " but " + f.numel() + " elements");
        f.toFloats();
        try {
            ImageDataset images = IdxReader.images(f, "fuzz", null);
            if ((long) images.size() * images.channels() * images.height() * images.width() != numel)
                throw new AssertionError(images + " from " + f);
            images.toTensor();
        } catch (DatasetFormatException rejected) {
            checkRejection(rejected, 4);
        }
        try {
            IdxReader.labels(f, "fuzz");
        } catch (DatasetFormatException rejected) {
            checkRejection(rejected, 4);
        }
    }

    static void checkRejection(DatasetFormatException e, long maxOffset) {
        long at = e.offset();
        if (at < 0 || at > maxOffset || !e.getMessage().startsWith("fuzz: invalid ") || !e.getMessage().contains("at byte " + at))
            throw new AssertionError("rejection without a proper file name and byte offset: " + e.getMessage(), e);
    }
}
