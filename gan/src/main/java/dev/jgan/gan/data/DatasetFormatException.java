package dev.jgan.gan.data;

import java.io.IOException;

/**
 * A data file that breaks its format's rules (IDX, CIFAR-10 binary) or an image file that cannot be decoded. The
 * message names the file, the byte offset of what broke the rule ({@link #offset()}) and the rule:
 * {@code "train-images.gz: invalid gzipped IDX file at byte 7 of its decompressed data: ..."}.
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    /**
     * A rejection: "{file}: invalid {format} file at byte {offset}{where}: {what}".
     *
     * @param file   the file's name as the caller gave it ({@code null} for bytes in memory)
     * @param format what the file should have been, e.g. {@code "IDX"}, {@code "gzipped IDX"}, {@code "CIFAR-10"}
     * @param where  "" for offsets in the file itself, or e.g. {@code " of its decompressed data"}
     */
    DatasetFormatException(String file, String format, long offset, String where, String what, Throwable cause) {
        super((file == null ? "" : file + ": ") + "invalid " + format + " file at byte " + offset + where + ": " + what, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The file's name, or {@code null} for bytes parsed in memory. */
    public String file() {
        return file;
    }

    /** The byte offset of the field or byte that broke a rule (for a gzipped file, in its decompressed data). */
    public long offset() {
        return offset;
    }
}
