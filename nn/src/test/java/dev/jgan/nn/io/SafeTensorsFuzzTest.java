package dev.jgan.nn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the safetensors reader: any byte string must either parse into tensors consistent with their shapes
 * or be rejected with {@link SafeTensorsFormatException}; any other exception, an out-of-memory from
 * trusting a header, or a hang is a bug. In a normal build ({@code mvn verify}) this runs the seed corpus in
 * {@code src/test/resources/dev/jgan/nn/io/SafeTensorsFuzzTestInputs/parse}; with {@code JAZZER_FUZZ=1} it
 * fuzzes (see docs/nn.md).
 */
class SafeTensorsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        SafeTensorsFile f;
        try {
            f = SafeTensorsReader.parse(data);
        } catch (SafeTensorsFormatException rejected) {
            return;
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
