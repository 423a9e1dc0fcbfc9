package dev.jgan.nn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the safetensors reader: any byte string must either parse into tensors consistent with their shapes
 * or be rejected with {@link SafeTensorsFormatException} naming a byte offset within the input; any other
 * exception or error (an {@link OutOfMemoryError} from trusting a header among them), or a hang, is a bug. In a
 * normal build ({@code mvn verify}) this runs the seed corpus in
 * {@code src/test/resources/dev/jgan/nn/io/SafeTensorsFuzzTestInputs/parse}; with {@code JAZZER_FUZZ=1} it
 * fuzzes. docs/reliability.md has the command of the long campaign (at -Xmx64m) and its figures.
 */
class SafeTensorsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        check(data);
    }

    /** The same target for Jazzer's command-line driver, which the long campaign uses (it needs no JUnit in its heap). */
    public static void fuzzerTestOneInput(byte[] data) {
        check(data);
    }

    private static void check(byte[] data) {
        SafeTensorsFile f;
        try {
            f = SafeTensorsReader.parse(data);
        } catch (SafeTensorsFormatException rejected) {
            long at = rejected.offset();
            if (at < 0 || at > data.length || !rejected.getMessage().contains("at byte " + at + ": "))
                throw new AssertionError("rejection without a byte offset within the " + data.length + "-byte input: " + rejected.getMessage(), rejected);
            return;
        } catch (RuntimeException | Error leaked) {
            throw new AssertionError("the reader let " + leaked + " escape; only SafeTensorsFormatException may", leaked);
        }
        long bytes = 0;
        for (SafeTensorsFile.Entry e : f.entries().values()) {
            long numel = 1;
            for (int d : e.shape()) numel *= d;
            if (numel != e.tensor().numel() || !Arrays.equals(e.shape(), e.tensor().shape()))
                throw new AssertionError("tensor shape " + Arrays.toString(e.tensor().shape()) + " differs from header shape " + Arrays.toString(e.shape()));
            bytes += numel * e.dtype().size();
        }
        if (bytes > data.length) throw new AssertionError("parsed " + bytes + " bytes of tensors from a " + data.length + "-byte input");
    }
}
