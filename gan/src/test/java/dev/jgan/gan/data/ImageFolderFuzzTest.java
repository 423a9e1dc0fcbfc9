package dev.jgan.gan.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the decoding of one image: any byte string is either a PNG or JPEG image, resized and cropped to
 * [C, size, size] bytes (as RGB 4 x 4 and as gray 3 x 3), or rejected with {@link DatasetFormatException} naming the
 * origin at byte 0. Any other exception or error, an OutOfMemoryError from a forged header included, is a bug.
 * {@code mvn verify} runs the seed corpus in {@code src/test/resources/dev/jgan/gan/data/ImageFolderFuzzTestInputs/decode}.
 */
class ImageFolderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] data) {
        for (int[] sc : new int[][] {{4, 3}, {3, 1}}) {
            byte[] out;
            try {
                out = ImageFolder.decode(data, "fuzz", sc[0], sc[1]);
            } catch (DatasetFormatException rejected) {
                IdxReaderFuzzTest.checkRejection(rejected, 0);
                return;
            } catch (RuntimeException | Error leaked) {
                throw new AssertionError("ImageFolder.decode let " + leaked + " escape; only DatasetFormatException may", leaked);
            }
            if (out.length != sc[1] * sc[0] * sc[0]) throw new AssertionError(out.length + " bytes for " + sc[1] + " x " + sc[0] + " x " + sc[0]);
        }
    }
}
