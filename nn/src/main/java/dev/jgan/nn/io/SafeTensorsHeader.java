package dev.jgan.nn.io;

import static dev.jgan.nn.io.JsonScanner.shorten;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors header parsed straight from its bytes into compact arrays, tensor i at index i in header order:
 * name, dtype, shape (the dimensions of all tensors in one array), data offsets, and the file offsets of its
 * fields for messages; plus the metadata. No JSON tree is built, so parsing allocates little beyond what it keeps.
 *
 * <p>Each entry is checked on its own here: an object with a string "dtype" naming a known type, a "shape" of
 * non-negative integers below 2^31 whose element count fits in 64 bits, "data_offsets" of two non-negative integers
 * that span exactly shape times element size bytes. Other fields are checked as JSON and ignored, as the reference
 * implementation ignores them. Names and metadata keys must be unique. {@link SafeTensorsReader} checks the entries
 * against each other and against the file.
 */
final class SafeTensorsHeader {
    private static final FileDType[] DTYPES = FileDType.values();
    /** Shown dimensions of a shape in a message. */
    private static final int SHOWN_DIMS = 8;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int count;
    private String[] names = new String[8];
    private byte[] dtypes = new byte[8];
    private long[] begins = new long[8], ends = new long[8];
    /** File offsets of each tensor's dtype, shape and data_offsets values. */
    private int[] dtypeAt = new int[8], shapeAt = new int[8], offsetsAt = new int[8];
    /** Tensor i's dimensions are dims[dimStart[i] .. dimStart[i + 1]). */
    private int[] dims = new int[8];
    private int[] dimStart = new int[9];

    private SafeTensorsHeader() {}

    /** Parses the header the scanner covers (its first byte at file offset 8). */
    static SafeTensorsHeader parse(JsonScanner in) throws IOException {
        SafeTensorsHeader h = new SafeTensorsHeader();
        long start = in.offset();
        if (in.peek() != '{' || in.offset() != start) throw in.error(start, "header must be a JSON object starting with '{'");
        Set<String> names = new HashSet<>();
        boolean sawMetadata = false;
        if (in.open('}')) {
            do {
                long keyAt = in.key(true);
                if (in.textIs("__metadata__")) {
                    if (sawMetadata) throw in.error(keyAt, "duplicate key \"__metadata__\"");
                    sawMetadata = true;
                    h.readMetadata(in);
                } else {
                    String name = in.text();
                    if (!names.add(name)) throw in.error(keyAt, "duplicate key \"" + shorten(name) + "\"");
                    h.readEntry(in, name);
                }
            } while (in.more('}'));
        }
        in.finish();
        return h;
    }

    private void readMetadata(JsonScanner in) throws IOException {
        if (in.peek() != '{') throw in.error(in.offset(), "__metadata__ must be an object of strings, not " + in.kindOfNext());
        if (!in.open('}')) return;
        do {
            long keyAt = in.key(true);
            String key = in.text();
            if (in.peek() != '"') throw in.error(in.offset(), "__metadata__ value for \"" + shorten(key) + "\" is not a string but " + in.kindOfNext());
            in.string(true);
            if (metadata.put(key, in.text()) != null) throw in.error(keyAt, "duplicate key \"" + shorten(key) + "\" in __metadata__");
        } while (in.more('}'));
    }

    private void readEntry(JsonScanner in, String name) throws IOException {
        if (in.peek() != '{') throw in.error(in.offset(), entry(name) + " is not an object but " + in.kindOfNext());
        long entryAt = in.offset();
        if (count == names.length) grow();
        int i = count;
        names[i] = name;
        dimStart[i + 1] = dimStart[i];
        int dtype = -1;
        long numel = 1;
        boolean sawShape = false, sawOffsets = false;
        if (in.open('}')) {
            do {
                long keyAt = in.key(true);
                in.peek();
                int at = (int) in.offset();
                if (in.textIs("dtype")) {
                    if (dtype >= 0) throw in.error(keyAt, "duplicate key \"dtype\" in " + entry(name));
                    dtype = readDType(in, name);
                    dtypeAt[i] = at;
                } else if (in.textIs("shape")) {
                    if (sawShape) throw in.error(keyAt, "duplicate key \"shape\" in " + entry(name));
                    sawShape = true;
                    numel = readShape(in, name, i);
                    shapeAt[i] = at;
                } else if (in.textIs("data_offsets")) {
                    if (sawOffsets) throw in.error(keyAt, "duplicate key \"data_offsets\" in " + entry(name));
                    sawOffsets = true;
                    readOffsets(in, name, i);
                    offsetsAt[i] = at;
                } else {
                    in.skipValue(2);
                }
            } while (in.more('}'));
        }
        if (dtype < 0) throw in.error(entryAt, entry(name) + " has no string \"dtype\"");
        if (!sawShape) throw in.error(entryAt, entry(name) + " has no array \"shape\"");
        if (!sawOffsets) throw in.error(entryAt, entry(name) + " has no array \"data_offsets\"");
        long begin = begins[i], end = ends[i];
        if (end < begin) throw in.error(offsetsAt[i], entry(name) + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
        FileDType dt = DTYPES[dtype];
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, (long) dt.size());
        } catch (ArithmeticException overflow) {
            throw in.error(shapeAt[i], entry(name) + " has a byte size that overflows 64 bits");
        }
        if (end - begin != bytes)
            throw in.error(offsetsAt[i], entry(name) + " of dtype " + dt + " and shape " + shapeText(i) + " needs " + bytes + " bytes but data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin));
        dtypes[i] = (byte) dtype;
        count++;
    }

    private static int readDType(JsonScanner in, String name) throws IOException {
        if (in.peek() != '"') throw in.error(in.offset(), entry(name) + " has no string \"dtype\" (its value is " + in.kindOfNext() + ")");
        long at = in.offset();
        in.string(true);
        for (FileDType d : DTYPES) if (in.textIs(d.name())) return d.ordinal();
        throw in.error(at, entry(name) + " has unknown dtype \"" + in.shownText() + "\"");
    }

    /** Appends the dimensions to dims; returns the element count. */
    private long readShape(JsonScanner in, String name, int i) throws IOException {
        if (in.peek() != '[') throw in.error(in.offset(), entry(name) + " has no array \"shape\" (its value is " + in.kindOfNext() + ")");
        long numel = 1;
        if (!in.open(']')) return numel;
        do {
            in.peek();
            long at = in.offset();
            long d = nonNegative(in, name, "shape");
            if (d > Integer.MAX_VALUE) throw in.error(at, entry(name) + " has dimension " + d + ", too large");
            if (dimStart[i + 1] == dims.length) dims = Arrays.copyOf(dims, 2 * dims.length);
            dims[dimStart[i + 1]++] = (int) d;
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException overflow) {
                throw in.error(at, entry(name) + " has a shape whose element count overflows 64 bits");
            }
        } while (in.more(']'));
        return numel;
    }

    /** Reads the two data offsets into begins[i] and ends[i]. */
    private void readOffsets(JsonScanner in, String name, int i) throws IOException {
        long arrayAt = in.offset();
        if (in.peek() != '[') throw in.error(arrayAt, entry(name) + " has no array \"data_offsets\" (its value is " + in.kindOfNext() + ")");
        int n = 0;
        if (in.open(']')) {
            do {
                long v = nonNegative(in, name, "data_offsets");
                if (n == 0) begins[i] = v;
                else if (n == 1) ends[i] = v;
                n++;
            } while (in.more(']'));
        }
        if (n != 2) throw in.error(arrayAt, entry(name) + " has \"data_offsets\" of " + n + " values, not 2");
    }

    private static long nonNegative(JsonScanner in, String name, String field) throws IOException {
        int b = in.peek();
        long at = in.offset();
        if (b != '-' && (b < '0' || b > '9'))
            throw in.error(at, entry(name) + " has \"" + field + "\" value " + in.kindOfNext() + ", not a non-negative integer");
        long v = in.integer();
        if (v < 0) throw in.error(at, entry(name) + " has \"" + field + "\" value " + in.lastNumber() + ", not a non-negative integer");
        return v;
    }

    /** How messages name a header entry. */
    static String entry(String name) {
        return "entry '" + shorten(name) + "'";
    }

    private void grow() {
        int n = 2 * names.length;
        names = Arrays.copyOf(names, n);
        dtypes = Arrays.copyOf(dtypes, n);
        begins = Arrays.copyOf(begins, n);
        ends = Arrays.copyOf(ends, n);
        dtypeAt = Arrays.copyOf(dtypeAt, n);
        shapeAt = Arrays.copyOf(shapeAt, n);
        offsetsAt = Arrays.copyOf(offsetsAt, n);
        dimStart = Arrays.copyOf(dimStart, n + 1);
    }

    // ---------------------------------------------------------------- the parsed entries

    Map<String, String> metadata() {
        return metadata;
    }

    int count() {
        return count;
    }

    String name(int i) {
        return names[i];
    }

    FileDType dtype(int i) {
        return DTYPES[dtypes[i]];
    }

    int rank(int i) {
        return dimStart[i + 1] - dimStart[i];
    }

    int dim(int i, int k) {
        return dims[dimStart[i] + k];
    }

    int[] shape(int i) {
        return Arrays.copyOfRange(dims, dimStart[i], dimStart[i + 1]);
    }

    long begin(int i) {
        return begins[i];
    }

    long end(int i) {
        return ends[i];
    }

    long dtypeAt(int i) {
        return dtypeAt[i];
    }

    long shapeAt(int i) {
        return shapeAt[i];
    }

    long offsetsAt(int i) {
        return offsetsAt[i];
    }

    /** Tensor i's shape for a message, "[a, b, c]", with at most a few dimensions shown. */
    String shapeText(int i) {
        int from = dimStart[i], rank = dimStart[i + 1] - from;
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < Math.min(rank, SHOWN_DIMS); k++) sb.append(k > 0 ? ", " : "").append(dims[from + k]);
        if (rank > SHOWN_DIMS) sb.append(", ...] (rank ").append(rank).append(')');
        else sb.append(']');
        return sb.toString();
    }

    /** The tensors' indices in the order of their data: by begin, then end, then header order (a stable merge sort). */
    int[] inDataOrder() {
        int[] a = new int[count], tmp = new int[count];
        for (int i = 0; i < count; i++) a[i] = i;
        for (int width = 1; width < count; width *= 2) {
            for (int lo = 0; lo < count - width; lo += 2 * width) {
                int mid = lo + width, hi = Math.min(lo + 2 * width, count);
                int x = lo, y = mid, k = lo;
                while (x < mid && y < hi) tmp[k++] = before(a[y], a[x]) ? a[y++] : a[x++];
                while (x < mid) tmp[k++] = a[x++];
                while (y < hi) tmp[k++] = a[y++];
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return a;
    }

    private boolean before(int p, int q) {
        return begins[p] < begins[q] || begins[p] == begins[q] && ends[p] < ends[q];
    }
}
