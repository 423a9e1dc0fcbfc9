package dev.jgan.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Random access to the bytes of a file for the reader, a window at a time, so that reading never holds more than
 * one window beside what it builds: the bytes themselves when they are already in memory, a reused 64 KB buffer
 * for a file.
 */
interface ByteSource {
    /** The file's size in bytes. */
    long size() throws IOException;

    /**
     * A heap buffer holding the bytes from {@code position} on: at least one and at most {@code wanted}, fewer only
     * at a multiple of 8 bytes. The caller has checked that the range lies within {@link #size()}. The buffer is
     * valid until the next call.
     */
    ByteBuffer window(long position, long wanted) throws IOException;

    /** The bytes of an array: every window is one view of it, repositioned; nothing is copied. */
    static ByteSource of(byte[] bytes) {
        ByteBuffer all = ByteBuffer.wrap(bytes);
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public ByteBuffer window(long position, long wanted) {
                return all.clear().limit((int) (position + wanted)).position((int) position);
            }
        };
    }

    /** The bytes of an open file, read through one buffer of at most 64 KB (a multiple of 8, so whole elements fit). */
    static ByteSource of(FileChannel ch, String origin) throws IOException {
        int capacity = (int) Math.min(1 << 16, Math.max(8, (ch.size() + 7) & ~7L));
        ByteBuffer buf = ByteBuffer.allocate(capacity);
        return new ByteSource() {
            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public ByteBuffer window(long position, long wanted) throws IOException {
                buf.clear().limit((int) Math.min(wanted, capacity));
                long at = position;
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, at);
                    if (n < 0) throw new SafeTensorsFormatException(origin, at, "the file ended while being read (did it change during the read?)");
                    at += n;
                }
                return buf.flip();
            }
        };
    }
}
