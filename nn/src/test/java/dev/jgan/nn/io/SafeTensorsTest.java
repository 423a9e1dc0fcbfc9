package dev.jgan.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer: known layouts, round trips, and every rule a bad file can break. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file laid out by hand: 8-byte little-endian header length, the header text as given, the data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private static byte[] encode(Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        return SafeTensorsWriter.encode(tensors, Map.of(), meta);
    }

    @Test
    void knownLayoutOfOneTensor() throws IOException {
        byte[] bytes = encode(Map.of("attn.0", Tensor.arange(6).reshape(1, 2, 3)), Map.of());
        assertThat(bytes).hasSize(96);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong(0)).isEqualTo(64);
        assertThat(new String(bytes, 8, 64, StandardCharsets.UTF_8))
                .isEqualTo("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}");
        for (int i = 0; i < 6; i++) assertThat(b.getFloat(72 + 4 * i)).isEqualTo(i);
    }

    @Test
    void knownLayoutsWithPadding() throws IOException {
        byte[] padded = encode(Map.of("attn0", Tensor.arange(6).reshape(1, 1, 2, 3)), Map.of());
        assertThat(ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN).getLong(0)).isEqualTo(72);
        assertThat(new String(padded, 8, 72, StandardCharsets.UTF_8))
                .isEqualTo("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ");
        assertThat(encode(Map.of(), Map.of())).isEqualTo(file("{}      ", new byte[0]));
        assertThat(encode(Map.of(), Map.of("framework", "pt"))).isEqualTo(file("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new byte[0]));
    }

    @Test
    void entriesAreSortedByDtypeThenName() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b", Tensor.ones(1));
        t.put("n", Tensor.scalar(3));
        t.put("a", Tensor.ones(2));
        byte[] bytes = SafeTensorsWriter.encode(t, Map.of("n", DType.I64), Map.of());
        String header = new String(bytes, 8, (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0), StandardCharsets.UTF_8).trim();
        assertThat(header).isEqualTo("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}");
        assertThatThrownBy(() -> SafeTensorsWriter.encode(Map.of("n", Tensor.scalar(0.5f)), Map.of("n", DType.I64), Map.of()))
                .hasMessageContaining("non-integer 0.5");
    }

    @Test
    void roundTripIsBitwiseExact() throws IOException {
        Rng rng = new Rng(61);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.randn(rng, 3, 4, 2));
        t.put("special", Tensor.vector(-0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f));
        t.put("scalar", Tensor.scalar(-7.25f));
        t.put("empty", Tensor.zeros(0, 3));
        t.put("count", Tensor.scalar(123456f));
        t.put("名前 \"quoted\"\n", Tensor.ones(1));
        Path p = dir.resolve("rt.safetensors");
        SafeTensorsWriter.write(p, t, Map.of("count", DType.I64), Map.of("step", "42", "note", "é\u0001"));
        assertThat(Files.readAllBytes(p)).isEqualTo(SafeTensorsWriter.encode(t, Map.of("count", DType.I64), Map.of("step", "42", "note", "é\u0001")));
        SafeTensorsFile f = SafeTensorsReader.read(p);
        assertThat(f.metadata()).containsEntry("step", "42").containsEntry("note", "é\u0001");
        assertThat(f.entries().keySet()).containsExactlyInAnyOrderElementsOf(t.keySet());
        for (Map.Entry<String, Tensor> e : t.entrySet()) {
            SafeTensorsFile.Entry got = f.entries().get(e.getKey());
            assertThat(got.shape()).containsExactly(e.getValue().shape());
            float[] want = e.getValue().toArray(), have = got.tensor().toArray();
            assertThat(have).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) assertThat(Float.floatToRawIntBits(have[i])).isEqualTo(Float.floatToRawIntBits(want[i]));
        }
        assertThat(f.entries().get("count").dtype()).isEqualTo(FileDType.I64);
        assertThat(f.entries().get("w").dtype()).isEqualTo(FileDType.F32);
    }

    @Test
    void handMadeFileOfEveryConvertedTypeLoads() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 + 8 + 2 + 2 + 4 + 1 + 1 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(-3).putDouble(0.25).putShort((short) 0x3c00).putShort((short) 0xc000).putInt(7).put((byte) 1).put((byte) 200).putFloat(2.5f);
        String header = "{\"i\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + " \"d\" : {\"data_offsets\":[8,16],\"dtype\":\"F64\",\"shape\":[1]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[16,18]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[18,20]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[20,24]},"
                + "\"flag\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[24,25]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[25,26]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[26,30]}}";
        SafeTensorsFile f = SafeTensorsReader.parse(file(header, data.array()));
        assertThat(f.entries().keySet()).containsExactly("i", "d", "h", "bf", "i32", "flag", "u8", "f");
        assertThat(f.tensors().get("i").item()).isEqualTo(-3f);
        assertThat(f.tensors().get("d").item()).isEqualTo(0.25f);
        assertThat(f.tensors().get("h").item()).isEqualTo(1f);           // 0x3c00 is 1.0 in binary16
        assertThat(f.tensors().get("bf").item()).isEqualTo(-2f);         // bfloat16 0xc000: the top half of float -2.0
        assertThat(f.tensors().get("i32").shape()).containsExactly(1, 1);
        assertThat(f.tensors().get("flag").item()).isEqualTo(1f);
        assertThat(f.tensors().get("u8").item()).isEqualTo(200f);
        assertThat(f.tensors().get("f").item()).isEqualTo(2.5f);
    }

    @Test
    void halfPrecisionConversion() {
        assertThat(SafeTensorsReader.halfToFloat((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(SafeTensorsReader.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(SafeTensorsReader.halfToFloat((short) 0x8000)).isEqualTo(-0f);
        assertThat(SafeTensorsReader.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SafeTensorsReader.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(Float.isNaN(SafeTensorsReader.halfToFloat((short) 0x7e00))).isTrue();
    }

    /** Asserts the bytes are rejected with a message containing {@code expected}. */
    private static void rejects(byte[] bytes, String expected) {
        assertThatThrownBy(() -> SafeTensorsReader.parse(bytes)).isInstanceOf(SafeTensorsFormatException.class).hasMessageContaining(expected);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void badFilesFailWithClearMessages() {
        rejects(new byte[5], "shorter than the 8-byte header length");
        rejects(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array(), "header length 1099511627776 exceeds the limit");
        rejects(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array(), "header length 18446744073709551615 exceeds");
        rejects(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array(), "runs past the end of the file");
        byte[] notUtf8 = file("{\"a\":1}", new byte[0]);
        notUtf8[10] = (byte) 0xff;
        rejects(notUtf8, "not valid UTF-8");
        rejects(file("{\"a\":", new byte[0]), "invalid JSON");
        rejects(file("{} x", new byte[0]), "unexpected content after the JSON value");
        rejects(file(" {}", new byte[0]), "starting with '{'");
        rejects(file("{" + entry("a", "F32", "[0]", 0, 0) + ",\"a\":{}}", new byte[0]), "duplicate key \"a\"");
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", new byte[12]), "(a hole)");
        rejects(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12]), "(an overlap)");
        rejects(file("{" + entry("a", "F32", "[3]", 0, 8) + "}", new byte[8]), "needs 12 bytes but data_offsets [0, 8] span 8");
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[5]), "(trailing bytes)");
        rejects(file("{" + entry("a", "F32", "[2]", 0, 8) + "}", new byte[4]), "(truncated file)");
        rejects(file("{" + entry("a", "F17", "[1]", 0, 4) + "}", new byte[4]), "unknown dtype \"F17\"");
        rejects(file("{" + entry("a", "F32", "[1]", 4, 0) + "}", new byte[4]), "end before they begin");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}", new byte[4]), "not a non-negative integer");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", new byte[4]), "not a non-negative integer");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]), "of 1 values, not 2");
        rejects(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "no string \"dtype\"");
        rejects(file("{\"a\":[]}", new byte[0]), "is not an object");
        rejects(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__ value for \"k\" is not a string");
        rejects(file("{" + entry("a", "F32", "[4294967296,4294967296]", 0, 4) + "}", new byte[4]), "too large");
        rejects(file("{" + entry("a", "F32", "[2147483647,2147483647,4]", 0, 4) + "}", new byte[4]), "overflows 64 bits");
        rejects(file("{" + entry("a", "F8_E4M3", "[1]", 0, 1) + "}", new byte[1]), "jgan does not convert");
        rejects(file("[".repeat(1000), new byte[0]), "starting with '{'");
        rejects(file("{\"a\":{\"ignored\":" + "[".repeat(1000), new byte[0]), "nesting deeper than 64");
    }

    /** A header whose metadata value is the raw JSON text {@code json} (a string literal with escapes). */
    private static byte[] withMetadataValue(String json) {
        return file("{\"__metadata__\":{\"k\":" + json + "}}", new byte[0]);
    }

    @Test
    void unicodeEscapesTakeOnlyAsciiHexAndWholeSurrogatePairs() throws IOException {
        // Fullwidth digits U+FF10, U+FF14, U+FF11 after a backslash-u: Character.digit would read them as 0041, 'A'.
        rejects(withMetadataValue("\"\\u\uff10\uff10\uff14\uff11\""), "not a hex digit");
        rejects(withMetadataValue("\"\\u00g1\""), "'g' is not a hex digit");
        rejects(withMetadataValue("\"\\ud800\""), "high surrogate not followed by a \\u low surrogate");
        rejects(withMetadataValue("\"\\ud800x\""), "high surrogate not followed by a \\u low surrogate");
        rejects(withMetadataValue("\"\\ud800\\u0041\""), "high surrogate not followed by a low surrogate");
        rejects(withMetadataValue("\"\\udc00\""), "low surrogate without a high one");
        assertThat(SafeTensorsReader.parse(withMetadataValue("\"\\u0041\\u00e9\\ud83d\\ude00\\u004A\"")).metadata().get("k"))
                .isEqualTo("A\u00e9\ud83d\ude00J");
    }

    @Test
    void writtenFilesGetNormalPermissionsOrKeepTheReplacedOnes() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Map<String, Tensor> t = Map.of("a", Tensor.vector(1f));
        Path fresh = dir.resolve("fresh.safetensors");
        SafeTensorsWriter.write(fresh, t, Map.of(), Map.of());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-r--r--");
        Path shared = dir.resolve("shared.safetensors");
        Files.write(shared, new byte[1]);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw----"));
        SafeTensorsWriter.write(shared, t, Map.of(), Map.of());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-rw----");
        assertThat(SafeTensorsReader.read(shared).tensors().get("a").toArray()).containsExactly(1f);
    }

    @Test
    void aFailedCleanupDoesNotHideTheWriteError() throws IOException {
        Path target = dir.resolve("x.safetensors");
        // The "channel" replaces the temporary file by a non-empty directory, which deleteIfExists cannot remove.
        IOException thrown = assertThrows(IOException.class, () -> SafeTensorsWriter.write(target,
                Map.of("a", Tensor.vector(1f)), Map.of(), Map.of(), tmp -> {
                    Files.delete(tmp);
                    Files.createDirectory(tmp);
                    Files.write(tmp.resolve("child"), new byte[1]);
                    throw new IOException("simulated disk full");
                }));
        assertThat(thrown).hasMessageContaining("simulated disk full").hasMessageContaining(target.toString());
        assertThat(thrown.getSuppressed()).hasSize(1);
        assertThat(thrown.getSuppressed()[0]).isInstanceOf(DirectoryNotEmptyException.class);
        assertThat(target).doesNotExist();
    }

    @Test
    void namesThatUtf8CannotEncodeAreRefusedByKey() {
        Map<String, Tensor> bad = Map.of("w\ud800", Tensor.vector(1f));
        assertThatThrownBy(() -> SafeTensorsWriter.encode(bad, Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor name 'w");
        Map<String, Tensor> ok = Map.of("w", Tensor.vector(1f));
        assertThatThrownBy(() -> SafeTensorsWriter.encode(ok, Map.of(), Map.of("step", "\udc00")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value of metadata key 'step'");
        assertThatThrownBy(() -> SafeTensorsWriter.encode(ok, Map.of(), Map.of("k\udc00", "v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata key 'k");
    }

    @Test
    void aForgedHugeTensorIsRejectedWithoutAllocatingIt() {
        // Claims 400 GB of data in a file of a few bytes: the tiling check fails before any tensor is allocated.
        rejects(file("{" + entry("a", "F32", "[100000,1000000]", 0, 400_000_000_000L) + "}", new byte[8]), "(truncated file)");
        rejects(file("{" + entry("a", "F32", "[100000000000]", 0, 400_000_000_000L) + "}", new byte[8]), "has dimension 100000000000, too large");
        // A consistent header for 4 GB without the data behind it.
        rejects(file("{" + entry("a", "U8", "[2,2000000000]", 0, 4_000_000_000L) + "}", new byte[0]), "(truncated file)");
    }

    @Test
    void readFromDiskNamesTheFile() throws IOException {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, new byte[3]);
        assertThatThrownBy(() -> SafeTensorsReader.read(p)).hasMessageContaining("bad.safetensors").hasMessageContaining("shorter than");
    }
}
