package dev.jgan.nn.io;

import static dev.jgan.nn.io.SafeTensorsSamples.entry;
import static dev.jgan.nn.io.SafeTensorsSamples.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgan.autodiff.Rng;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming reader: byte offsets in its messages, only its own exception for any malformed input, fields it
 * ignores, and the same result whether a file comes from memory or through 64 KB windows.
 */
class SafeTensorsReaderTest {
    @TempDir
    Path dir;

    /** The exception parse throws for these bytes. */
    private static SafeTensorsFormatException rejection(byte[] bytes) {
        return assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsReader.parse(bytes));
    }

    /** The file offset of the first occurrence of {@code text} in the header of a file made by {@link SafeTensorsSamples#file}. */
    private static long at(String header, String text) {
        int i = header.indexOf(text);
        assertThat(i).as(text).isNotNegative();
        return 8 + header.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aZeroSizedShapeWithLargeLeadingDimensionsIsRefusedByTheReader() throws IOException {
        // Before: Tensor's element count check threw IllegalArgumentException for [65536, 65536, 0].
        String header = "{" + entry("a", "F32", "[65536,65536,0]", 0, 0) + "}";
        SafeTensorsFormatException e = rejection(file(header, new byte[0]));
        assertThat(e.offset()).isEqualTo(at(header, "[65536"));
        assertThat(e).hasMessage("invalid safetensors file at byte " + e.offset()
                + ": tensor 'a' of shape [65536, 65536, 0] is larger than a jgan tensor can be (the product of its leading dimensions passes 2147483639)");
        // The same dimensions with a zero first are an empty tensor jgan can hold.
        assertThat(SafeTensorsReader.parse(file("{" + entry("a", "F32", "[0,65536,65536]", 0, 0) + "}", new byte[0])).tensors().get("a").shape())
                .containsExactly(0, 65536, 65536);
    }

    @Test
    void rejectionsNameTheByteOffsetOfWhatBrokeTheRule() {
        assertThat(rejection(new byte[5]).offset()).isZero();
        String unknown = "{" + entry("w", "F17", "[1]", 0, 4) + "}";
        assertThat(rejection(file(unknown, new byte[4])).offset()).isEqualTo(at(unknown, "\"F17\""));
        String mismatch = "{" + entry("w", "F32", "[3]", 0, 8) + "}";
        assertThat(rejection(file(mismatch, new byte[8])).offset()).isEqualTo(at(mismatch, "[0,8]"));
        String negative = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,-2],\"data_offsets\":[0,4]}}";
        assertThat(rejection(file(negative, new byte[4]))).hasMessageContaining("\"shape\" value -2, not a non-negative integer")
                .extracting(SafeTensorsFormatException::offset).isEqualTo(at(negative, "-2"));
        String hole = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";
        assertThat(rejection(file(hole, new byte[12])).offset()).isEqualTo(at(hole, "[8,12]"));
        String trailing = "{" + entry("a", "F32", "[1]", 0, 4) + "}";
        assertThat(rejection(file(trailing, new byte[6]))).hasMessageContaining("(trailing bytes)")
                .extracting(SafeTensorsFormatException::offset).isEqualTo(8L + trailing.length() + 4);
        String syntax = "{\"é\":{\"dtype\":\"F32\" \"shape\":[1]}}";
        assertThat(rejection(file(syntax, new byte[0]))).hasMessageContaining("invalid JSON: expected ',' or '}' but found '\"'")
                .extracting(SafeTensorsFormatException::offset).isEqualTo(at(syntax, "\"shape"));
        byte[] badUtf8 = file("{\"abc\":1}", new byte[0]);
        badUtf8[11] = (byte) 0xc0; // 'b': a lead byte that starts no character
        assertThat(rejection(badUtf8)).hasMessageContaining("not valid UTF-8").extracting(SafeTensorsFormatException::offset).isEqualTo(11L);
    }

    @Test
    void readingAFileNamesItAndTheOffset() throws IOException {
        Path p = dir.resolve("bad.safetensors");
        String header = "{" + entry("w", "F17", "[1]", 0, 4) + "}";
        Files.write(p, file(header, new byte[4]));
        assertThatThrownBy(() -> SafeTensorsReader.read(p)).isInstanceOf(SafeTensorsFormatException.class)
                .hasMessage(p + ": invalid safetensors file at byte " + at(header, "\"F17\"") + ": entry 'w' has unknown dtype \"F17\"");
    }

    @Test
    void fieldsTheFormatDoesNotDefineAreCheckedAndIgnored() throws IOException {
        String header = "{\"w\":{\"note\":{\"by\":[\"x\",1.5e-3,-0,true,false,null,{}]},\"dtype\":\"F32\",\"shape\":[2],\"z\":[],\"data_offsets\":[0,8]}}";
        SafeTensorsFile f = SafeTensorsReader.parse(file(header, SafeTensorsTest.floats(1.5f, -2f)));
        assertThat(f.tensors().get("w").toArray()).containsExactly(1.5f, -2f);
        assertThat(rejection(file(header.replace("1.5e-3", "1.5e"), new byte[8]))).hasMessageContaining("digit expected in exponent");
        assertThat(rejection(file(header.replace("true", "tru"), new byte[8]))).hasMessageContaining("invalid literal");
        String twice = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertThat(rejection(file(twice, new byte[8]))).hasMessageContaining("duplicate key \"shape\" in entry 'w'")
                .extracting(SafeTensorsFormatException::offset).isEqualTo(at(twice, "\"shape\":[2],\"data"));
        String metaTwice = "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}";
        assertThat(rejection(file(metaTwice, new byte[0]))).hasMessageContaining("duplicate key \"k\" in __metadata__");
    }

    @Test
    void messagesShortenWhatAForgedHeaderMakesLong() {
        String name = "n".repeat(1_000_000);
        SafeTensorsFormatException e = rejection(file("{" + entry(name, "F17", "[1]", 0, 4) + "}", new byte[4]));
        assertThat(e.getMessage()).hasSizeLessThan(300).contains("(1000000 characters)");
        String shape = "[" + "1,".repeat(100_000) + "2]";
        assertThat(rejection(file("{" + entry("s", "F32", shape, 0, 4) + "}", new byte[4])).getMessage())
                .hasSizeLessThan(300).contains("shape [1, 1, 1, 1, 1, 1, 1, 1, ...] (rank 100001) needs 8 bytes");
    }

    /** Every truncation and many one-byte changes of a valid file: parsed, or rejected with the reader's exception and an offset in the input. */
    @Test
    void damagedFilesRaiseOnlyTheReadersException() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"}," + entry("b\\u00e9", "BF16", "[2]", 0, 4) + "," + entry("w", "F32", "[1,2]", 4, 12)
                + ",\"x\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[12,20],\"extra\":[1.5,{\"k\":null}]}}  ";
        byte[] good = file(header, new byte[20]);
        assertThat(SafeTensorsReader.parse(good).entries()).hasSize(3);
        Path p = dir.resolve("damaged.safetensors");
        int rejected = 0;
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            rejected += checkOnlyOwnException(cut);
            Files.write(p, cut);
            assertThatThrownBy(() -> SafeTensorsReader.read(p)).isInstanceOf(SafeTensorsFormatException.class);
        }
        Rng rng = new Rng(14);
        byte[] values = {0, 1, 7, '"', '\\', ',', ':', '{', '}', '[', ']', '-', '0', '9', 'e', ' ', (byte) 0x80, (byte) 0xc3, (byte) 0xff};
        for (int i = 0; i < good.length; i++) {
            for (byte v : values) {
                byte[] changed = good.clone();
                changed[i] = v;
                rejected += checkOnlyOwnException(changed);
            }
            byte[] random = good.clone();
            random[i] = (byte) rng.nextInt(256);
            rejected += checkOnlyOwnException(random);
        }
        assertThat(rejected).isGreaterThan(good.length * values.length / 2);
    }

    /** Returns 1 if rejected, 0 if parsed. */
    private static int checkOnlyOwnException(byte[] bytes) {
        try {
            SafeTensorsReader.parse(bytes);
            return 0;
        } catch (SafeTensorsFormatException e) {
            assertThat(e.offset()).as(e.getMessage()).isBetween(0L, (long) bytes.length);
            assertThat(e.getMessage()).contains("at byte " + e.offset() + ": ");
            return 1;
        }
    }

    @Test
    void stringsAreDecodedExactlyAsStrictUtf8() throws IOException {
        // Random 1-4 byte sequences inside a metadata value: accepted exactly when the JDK's strict decoder accepts them, with its result.
        Rng rng = new Rng(8);
        int accepted = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] seq = new byte[1 + rng.nextInt(4)];
            for (int k = 0; k < seq.length; k++) seq[k] = (byte) (k == 0 ? 0x80 + rng.nextInt(128) : rng.nextFloat() < 0.8 ? 0x80 + rng.nextInt(64) : rng.nextInt(256));
            if (trial % 4 == 0) seq[0] = (byte) new int[] {0xe0, 0xed, 0xf0, 0xf4}[trial / 4 % 4]; // the lead bytes with narrowed second bytes
            boolean jsonSpecial = false; // control characters, quote and backslash: JSON's rules, not UTF-8's
            for (byte b : seq) jsonSpecial |= (b >= 0 && b < 0x20) || b == '"' || b == '\\';
            if (jsonSpecial) continue;
            String expected;
            try {
                expected = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(seq)).toString();
            } catch (CharacterCodingException e) {
                expected = null;
            }

            byte[] prefix = "{\"__metadata__\":{\"k\":\"".getBytes(StandardCharsets.US_ASCII), suffix = "\"}}".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer header = ByteBuffer.allocate(prefix.length + seq.length + suffix.length).put(prefix).put(seq).put(suffix);
            byte[] bytes = ByteBuffer.allocate(8 + header.capacity()).order(ByteOrder.LITTLE_ENDIAN).putLong(header.capacity()).put(header.array()).array();
            if (expected == null) {
                assertThat(rejection(bytes)).as(Arrays.toString(seq)).hasMessageContaining("not valid UTF-8");
            } else {
                assertThat(SafeTensorsReader.parse(bytes).metadata().get("k")).as(Arrays.toString(seq)).isEqualTo(expected);
                accepted++;
            }
        }
        assertThat(accepted).isBetween(1000, 19_000);
    }

    @Test
    void aFileReadThroughWindowsGivesWhatTheBytesInMemoryGive() throws IOException {
        // A header longer than one 64 KB window, with names whose multi-byte characters and escapes straddle window
        // ends, and data of every width whose tensors start at odd offsets and span several windows.
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"pad\":\"").append("p".repeat(65_510)).append("\"},");
        String[] names = new String[40];
        FileDType[] types = {FileDType.F16, FileDType.U8, FileDType.F64, FileDType.I32, FileDType.BF16, FileDType.F32, FileDType.I16, FileDType.BOOL};
        long at = 0;
        ByteBuffer data = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        Rng rng = new Rng(3);
        for (int i = 0; i < names.length; i++) {
            names[i] = "t" + i + "\u540d\u00e9" + "\ud83d\ude00".repeat(i % 3);
            FileDType t = types[i % types.length];
            int n = 1 + rng.nextInt(9000);
            String jsonName = i % 2 == 0 ? names[i] : names[i].replace("\u00e9", "\\u00e9").replace("\ud83d\ude00", "\\ud83d\\ude00");
            h.append(i > 0 ? "," : "").append(entry(jsonName, t.name(), "[" + n + "]", at, at + (long) n * t.size()));
            for (int k = 0; k < n * t.size(); k++) data.put((byte) rng.nextInt(256));
            at += (long) n * t.size();
        }
        byte[] bytes = file(h.append('}').toString(), Arrays.copyOf(data.array(), (int) at));
        Path p = dir.resolve("windows.safetensors");
        Files.write(p, bytes);
        SafeTensorsFile fromMemory = SafeTensorsReader.parse(bytes), fromFile = SafeTensorsReader.read(p);
        assertThat(fromFile.metadata()).isEqualTo(fromMemory.metadata()).containsEntry("pad", "p".repeat(65_510));
        assertThat(fromFile.entries().keySet()).containsExactly(names).containsExactlyElementsOf(fromMemory.entries().keySet());
        for (String name : names) {
            float[] a = fromMemory.entries().get(name).tensor().toArray(), b = fromFile.entries().get(name).tensor().toArray();
            assertThat(Arrays.equals(a, b)).as(name).isTrue();
        }
        // One value checked by hand: the first tensor is F16, its first element is the first two data bytes.
        ByteBuffer d = ByteBuffer.wrap(bytes, bytes.length - (int) at, 2).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(fromFile.tensors().get(names[0]).toArray()[0]).isEqualTo(SafeTensorsReader.halfToFloat(d.getShort()));
    }

    /** A JSON escape of s: every character as a backslash-u escape, as some writers emit. */
    static String escapeAll(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(String.format("\\u%04x", (int) c));
        return sb.toString();
    }

    @Test
    void namesWrittenAsEscapesEqualTheirPlainForm() throws IOException {
        String name = "w\u00e9\ud83d\ude00";
        SafeTensorsFile f = SafeTensorsReader.parse(file("{" + entry(escapeAll(name), "F32", "[1]", 0, 4) + "}", SafeTensorsTest.floats(3f)));
        assertThat(f.tensors().get(name).item()).isEqualTo(3f);
    }
}
