package dev.jgan.nn.io;

import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes safetensors files as the reference implementation does: entries sorted by dtype (larger first in
 * the format's dtype order, so I64 before F32) then by name (UTF-8 byte order); header JSON
 * {@code {"__metadata__":{...},"name":{"dtype":..,"shape":[..],"data_offsets":[b,e]},...}} without spaces,
 * padded with spaces to a multiple of 8 bytes; data little-endian.
 *
 * <p>Metadata entries are written sorted by key, so the same tensors and metadata always give the same bytes.
 *
 * <p>A file is written atomically: into a temporary file in the same directory, forced to disk, then renamed
 * over the target. A crash or error part-way leaves the previous file as it was. Temporary files are named
 * {@code .<target name>.<pid>-<n>.tmp}; each save first removes those of its target that a killed or failed save
 * left behind (see {@link TemporaryFiles}). On POSIX file systems the file keeps the permissions of the one it
 * replaces, and a new one gets rw-r--r--. Where the file system cannot rename atomically, a plain move is used
 * and one warning is logged (System.Logger). Errors name the target path.
 */
public final class SafeTensorsWriter {
    private SafeTensorsWriter() {}

    /** Opens the temporary file for writing; replaced in tests to simulate a failure part-way. */
    @FunctionalInterface
    interface ChannelOpener {
        WritableByteChannel open(Path tmp) throws IOException;
    }

    private static final ChannelOpener FILES = tmp -> FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    /** A tensor to write and its stored type. */
    private record Item(String name, byte[] nameUtf8, Tensor tensor, FileDType dtype) {}

    /**
     * Writes {@code tensors} to {@code path} atomically. Each is F32 unless {@code dtypes} says I64 (its values
     * must then be integers). {@code metadata} may be empty.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, DType> dtypes, Map<String, String> metadata) throws IOException {
        write(path, tensors, dtypes, metadata, FILES);
    }

    static void write(Path path, Map<String, Tensor> tensors, Map<String, DType> dtypes, Map<String, String> metadata, ChannelOpener opener)
            throws IOException {
        List<Item> items = items(tensors, dtypes);
        byte[] header = header(items, metadata);
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        // Checked here so that the error names the user's path, not the temporary file the write would fail on.
        if (Files.isDirectory(abs)) throw new FileSystemException(path.toString(), null, "cannot save a checkpoint here: it is a directory");
        if (!Files.isDirectory(dir))
            throw new NoSuchFileException(path.toString(), null, "cannot save a checkpoint here: the directory " + dir + " does not exist");
        TemporaryFiles.removeStale(abs);
        Path tmp;
        try {
            tmp = TemporaryFiles.create(abs);
        } catch (IOException e) {
            throw new IOException("safetensors: cannot save " + path + ": creating a temporary file in " + dir + " failed: " + e, e);
        }
        boolean done = false;
        Throwable failure = null;
        try {
            copyPermissions(abs, tmp);
            try (WritableByteChannel ch = opener.open(tmp)) {
                writeAll(ch, header);
                for (Item it : items) writeData(ch, it);
                if (ch instanceof FileChannel) ((FileChannel) ch).force(true); // the bytes are on disk before the rename makes them visible
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                if (!warnedNonAtomic.getAndSet(true))
                    LOG.log(System.Logger.Level.WARNING, "safetensors: this file system cannot rename atomically (" + dir
                            + "); checkpoints are replaced with a plain move, which a crash can interrupt");
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } catch (IOException e) {
            IOException named = new IOException("safetensors: saving " + path + " failed (the previous file, if any, is unchanged): " + e.getMessage(), e);
            failure = named;
            throw named;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            TemporaryFiles.finished(tmp);
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException cleanup) {
                    // The write's own error is the one to report; the next save of this target removes what is left.
                    if (failure != null) failure.addSuppressed(cleanup);
                    else LOG.log(System.Logger.Level.WARNING, "safetensors: could not remove the temporary file " + tmp, cleanup);
                }
            }
        }
    }

    private static final System.Logger LOG = System.getLogger(SafeTensorsWriter.class.getName());
    private static final AtomicBoolean warnedNonAtomic = new AtomicBoolean();

    /** rw-r--r--: what a new checkpoint gets (createTempFile alone would leave it private, 0600). */
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

    /**
     * Gives the temporary file the permissions the target should end with: those of the file it replaces, else
     * rw-r--r--. Only on file systems with POSIX attributes; elsewhere the platform's defaults stay.
     */
    private static void copyPermissions(Path target, Path tmp) throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target) : NEW_FILE;
        Files.setPosixFilePermissions(tmp, perms);
    }

    /** The whole file as bytes (tests, fuzz seeds). */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, DType> dtypes, Map<String, String> metadata) throws IOException {
        List<Item> items = items(tensors, dtypes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel ch = Channels.newChannel(out);
        writeAll(ch, header(items, metadata));
        for (Item it : items) writeData(ch, it);
        return out.toByteArray();
    }

    private static List<Item> items(Map<String, Tensor> tensors, Map<String, DType> dtypes) throws IOException {
        List<Item> items = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) throw new IllegalArgumentException("safetensors: '__metadata__' is reserved and cannot name a tensor");
            DType d = dtypes.getOrDefault(name, DType.F32);
            FileDType fd = d == DType.I64 ? FileDType.I64 : FileDType.F32;
            if (fd == FileDType.I64)
                for (float v : e.getValue().toArray())
                    if (v != Math.rint(v) || Math.abs(v) >= 0x1p63f)
                        throw new IllegalArgumentException("safetensors: tensor '" + name + "' is written as I64 but holds the non-integer " + v);
            items.add(new Item(name, utf8(name, "tensor name"), e.getValue(), fd));
        }
        // The reference order: larger dtype first, then name by UTF-8 bytes.
        items.sort((a, b) -> a.dtype() != b.dtype() ? b.dtype().compareTo(a.dtype()) : Arrays.compareUnsigned(a.nameUtf8(), b.nameUtf8()));
        return items;
    }

    private static byte[] header(List<Item> items, Map<String, String> metadata) throws IOException {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            sb.append("\"__metadata__\":{");
            // Sorted by key (UTF-8 byte order, as tensor names), whatever the map's iteration order: the same state
            // gives the same bytes in every run (Map.of iterates in an order that changes from one JVM to the next).
            List<Map.Entry<byte[], String>> sorted = new ArrayList<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                sorted.add(Map.entry(utf8(e.getKey(), "metadata key"), e.getKey()));
                utf8(e.getValue(), "value of metadata key '" + e.getKey() + "'");
            }
            sorted.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
            boolean first = true;
            for (Map.Entry<byte[], String> e : sorted) {
                if (!first) sb.append(',');
                first = false;
                Json.writeString(sb, e.getValue());
                sb.append(':');
                Json.writeString(sb, metadata.get(e.getValue()));
            }
            sb.append('}');
        }
        long offset = 0;
        for (Item it : items) {
            if (sb.length() > 1) sb.append(',');
            Json.writeString(sb, it.name());
            sb.append(":{\"dtype\":\"").append(it.dtype().name()).append("\",\"shape\":[");
            int[] shape = it.tensor().shape();
            for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ",").append(shape[i]);
            long bytes = (long) it.tensor().numel() * it.dtype().size();
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        sb.append('}');
        byte[] json = utf8(sb.toString(), "header");
        int padded = (json.length + 7) / 8 * 8; // 8 + N stays a multiple of 8, so the data is aligned
        byte[] out = new byte[8 + padded];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, out, 8, json.length);
        Arrays.fill(out, 8 + json.length, out.length, (byte) ' ');
        return out;
    }

    private static void writeData(WritableByteChannel ch, Item it) throws IOException {
        float[] v = it.tensor().toArray();
        int per = it.dtype().size();
        int chunk = 1 << 14; // elements per buffer: bounded memory for any tensor size
        ByteBuffer buf = ByteBuffer.allocate(chunk * per).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < v.length; start += chunk) {
            buf.clear();
            int end = Math.min(v.length, start + chunk);
            for (int i = start; i < end; i++) {
                if (it.dtype() == FileDType.I64) buf.putLong((long) v[i]);
                else buf.putInt(Float.floatToRawIntBits(v[i]));
            }
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
        }
    }

    private static void writeAll(WritableByteChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** s as UTF-8; a string UTF-8 cannot encode (an unpaired surrogate) is refused, naming {@code what} it is. */
    private static byte[] utf8(String s, String what) {
        ByteBuffer b;
        try {
            b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("safetensors: " + what + " '" + s + "' is not valid Unicode (an unpaired surrogate?)", e);
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux); elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (e.g. Windows); the rename itself is still atomic.
        }
    }
}
