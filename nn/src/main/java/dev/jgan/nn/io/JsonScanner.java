package dev.jgan.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A strict JSON (RFC 8259) scanner over a safetensors header's bytes. The caller walks the structure it expects
 * (objects, arrays, strings, non-negative integers) and skips what it does not interpret, so parsing builds nothing
 * but what the caller keeps. The header is read a window at a time ({@link ByteSource}); UTF-8 is checked as
 * strictly as the JDK's decoder checks it (no overlong forms, no encoded surrogates, nothing past U+10FFFF);
 * nesting is limited so that a hostile header cannot overflow the stack. Every error names the file offset of the
 * offending byte.
 */
final class JsonScanner {
    static final int MAX_DEPTH = 64;
    /** How much of a literal an error message quotes. */
    private static final int SHOWN = 40;

    private final ByteSource src;
    private final long end;
    private final String origin;
    private byte[] buf = new byte[0];
    private int pos, limit;
    /** The file offset of buf[0]. */
    private long base;
    /** The last string read with keep = true, unescaped and UTF-8 encoded; reused, so a string costs nothing until copied out. */
    private byte[] text = new byte[64];
    private int textLength;
    /** The start of the last number read, for messages. */
    private final StringBuilder numberText = new StringBuilder();

    /** Scans the bytes [start, end) of src. */
    JsonScanner(ByteSource src, long start, long end, String origin) {
        this.src = src;
        this.end = end;
        this.origin = origin;
        this.base = start;
    }

    /** The file offset of the next byte. */
    long offset() {
        return base + pos;
    }

    /** An error at the given file offset. */
    SafeTensorsFormatException error(long at, String what) {
        return new SafeTensorsFormatException(origin, at, what);
    }

    private SafeTensorsFormatException syntax(long at, String what) {
        return error(at, "invalid JSON: " + what);
    }

    // ---------------------------------------------------------------- bytes

    private boolean refill() throws IOException {
        long at = offset();
        if (at >= end) return false;
        ByteBuffer w = src.window(at, end - at);
        buf = w.array();
        pos = w.arrayOffset() + w.position();
        limit = pos + w.remaining();
        base = at - pos;
        return true;
    }

    /** The next byte (0..255) without consuming it, or -1 at the end of the header. */
    private int peekByte() throws IOException {
        if (pos == limit && !refill()) return -1;
        return buf[pos] & 0xff;
    }

    private int read() throws IOException {
        if (pos == limit && !refill()) return -1;
        return buf[pos++] & 0xff;
    }

    private void skipWhitespace() throws IOException {
        while (true) {
            int b = peekByte();
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') return;
            pos++;
        }
    }

    /** The next byte after whitespace, not consumed; -1 at the end of the header. */
    int peek() throws IOException {
        skipWhitespace();
        return peekByte();
    }

    /** Consumes the byte at the current position (the caller has peeked it). */
    private void consume() {
        pos++;
    }

    private static String describe(int b) {
        if (b < 0) return "the end of the header";
        if (b >= 0x20 && b < 0x7f) return "'" + (char) b + "'";
        return String.format("byte 0x%02x", b);
    }

    // ---------------------------------------------------------------- structure

    /** Consumes whitespace and the given byte. */
    void expect(char c) throws IOException {
        skipWhitespace();
        long at = offset();
        int b = read();
        if (b != c) throw syntax(at, "expected '" + c + "' but found " + describe(b));
    }

    /** Consumes the opening '{' or '[' at the current position; returns false (and consumes the closing byte) if the container is empty. */
    boolean open(char close) throws IOException {
        consume();
        skipWhitespace();
        if (peekByte() != close) return true;
        consume();
        return false;
    }

    /** After an element: true on ',' (another follows), false on {@code close}. */
    boolean more(char close) throws IOException {
        skipWhitespace();
        long at = offset();
        int b = read();
        if (b == ',') return true;
        if (b == close) return false;
        throw syntax(at, "expected ',' or '" + close + "' but found " + describe(b));
    }

    /** Reads an object's key (kept if asked) and the ':' after it; returns the key's file offset. */
    long key(boolean keep) throws IOException {
        int b = peek();
        long at = offset();
        if (b != '"') throw syntax(at, "expected a string key but found " + describe(b));
        string(keep);
        expect(':');
        return at;
    }

    /** After the root value: only whitespace may follow (safetensors pads its header with spaces). */
    void finish() throws IOException {
        skipWhitespace();
        if (peekByte() >= 0) throw syntax(offset(), "unexpected content after the JSON value");
    }

    /** What the value at the current position is, for messages; a byte that starts no value is a syntax error. */
    String kindOfNext() throws IOException {
        int b = peek();
        switch (b) {
            case '{': return "an object";
            case '[': return "an array";
            case '"': return "a string";
            case 't': case 'f': return "a boolean";
            case 'n': return "null";
            default:
                if (b == '-' || isDigit(b)) return "a number";
                throw syntax(offset(), "unexpected " + describe(b));
        }
    }

    /** Skips one value, checking its syntax; {@code depth} is its nesting level (the root is 0). */
    void skipValue(int depth) throws IOException {
        if (depth > MAX_DEPTH) throw syntax(offset(), "nesting deeper than " + MAX_DEPTH);
        int b = peek();
        switch (b) {
            case '{':
                if (open('}')) {
                    do {
                        key(false);
                        skipValue(depth + 1);
                    } while (more('}'));
                }
                return;
            case '[':
                if (open(']')) {
                    do skipValue(depth + 1);
                    while (more(']'));
                }
                return;
            case '"': string(false); return;
            case 't': literal("true"); return;
            case 'f': literal("false"); return;
            case 'n': literal("null"); return;
            default:
                if (b == '-' || isDigit(b)) {
                    integer();
                    return;
                }
                throw syntax(offset(), "unexpected " + describe(b));
        }
    }

    private void literal(String word) throws IOException {
        long at = offset();
        for (int i = 0; i < word.length(); i++)
            if (read() != word.charAt(i)) throw syntax(at, "invalid literal (expected " + word + ")");
    }

    // ---------------------------------------------------------------- numbers

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    /**
     * Reads a number at the current position and returns it if it is an integer in [0, 2^63), else -1 (the
     * caller names the rule; {@link #lastNumber()} quotes the literal). "-0" counts as 0.
     */
    long integer() throws IOException {
        skipWhitespace();
        long at = offset();
        numberText.setLength(0);
        boolean negative = false, integral = true, overflow = false;
        long value = 0;
        if (peekByte() == '-') {
            negative = true;
            note(read());
        }
        int b = peekByte();
        if (b == '0') {
            note(read());
        } else if (isDigit(b)) {
            while (isDigit(peekByte())) {
                int d = read() - '0';
                note('0' + d);
                if (value > (Long.MAX_VALUE - d) / 10) overflow = true;
                else value = value * 10 + d;
            }
        } else {
            throw syntax(at, "invalid number: digit expected but found " + describe(b));
        }
        if (peekByte() == '.') {
            integral = false;
            note(read());
            if (!isDigit(peekByte())) throw syntax(offset(), "invalid number: digit expected after '.'");
            while (isDigit(peekByte())) note(read());
        }
        b = peekByte();
        if (b == 'e' || b == 'E') {
            integral = false;
            note(read());
            b = peekByte();
            if (b == '+' || b == '-') note(read());
            if (!isDigit(peekByte())) throw syntax(offset(), "invalid number: digit expected in exponent");
            while (isDigit(peekByte())) note(read());
        }
        return integral && !overflow && (!negative || value == 0) ? value : -1;
    }

    private void note(int b) {
        if (numberText.length() < SHOWN) numberText.append((char) b);
        else if (numberText.length() == SHOWN) numberText.append("...");
    }

    /** The last number read, as written (shortened). */
    String lastNumber() {
        return numberText.toString();
    }

    // ---------------------------------------------------------------- strings

    /**
     * Reads the string at the current position (after whitespace; the caller has peeked its quote). With
     * {@code keep} its value is held for {@link #textIs}, {@link #text()} and {@link #shownText()}.
     */
    void string(boolean keep) throws IOException {
        skipWhitespace();
        long open = offset();
        consume(); // "
        textLength = 0;
        while (true) {
            if (keep && textLength + 4 > text.length) text = Arrays.copyOf(text, 2 * text.length);
            long at = offset();
            int b = read();
            if (b < 0) throw syntax(open, "unterminated string");
            if (b == '"') return;
            if (b == '\\') {
                escape(keep);
            } else if (b < 0x20) {
                throw syntax(at, "unescaped control character in string");
            } else if (b < 0x80) {
                if (keep) text[textLength++] = (byte) b;
            } else {
                utf8(b, at, keep);
            }
        }
    }

    /** Checks the rest of a multi-byte UTF-8 sequence whose lead byte b is at offset at, copying it when kept. */
    private void utf8(int b, long at, boolean keep) throws IOException {
        int more, cp;
        if (b >= 0xc2 && b <= 0xdf) {
            more = 1;
            cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
            more = 2;
            cp = b & 0x0f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            more = 3;
            cp = b & 0x07;
        } else {
            throw error(at, "header is not valid UTF-8 (" + describe(b) + " starts no character)");
        }
        if (keep) text[textLength++] = (byte) b;
        for (int i = 0; i < more; i++) {
            int c = read();
            if (c < 0 || (c & 0xc0) != 0x80) throw error(at, "header is not valid UTF-8 (a sequence starting " + describe(b) + " is cut short)");
            cp = cp << 6 | (c & 0x3f);
            if (keep) text[textLength++] = (byte) c;
        }
        boolean overlong = more == 2 && cp < 0x800 || more == 3 && cp < 0x10000;
        if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            throw error(at, "header is not valid UTF-8 (" + (overlong ? "an overlong form" : "U+" + Integer.toHexString(cp).toUpperCase(Locale.ROOT) + " is no character") + ")");
    }

    private void escape(boolean keep) throws IOException {
        long at = offset();
        int e = read();
        int c;
        switch (e) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': {
                c = hex4();
                if (Character.isLowSurrogate((char) c)) throw syntax(at, "\\u escape of a low surrogate without a high one before it");
                if (Character.isHighSurrogate((char) c)) {
                    long lowAt = offset();
                    if (read() != '\\' || read() != 'u') throw syntax(lowAt, "\\u escape of a high surrogate not followed by a \\u low surrogate");
                    int low = hex4();
                    if (!Character.isLowSurrogate((char) low)) throw syntax(lowAt, "\\u escape of a high surrogate not followed by a low surrogate");
                    c = Character.toCodePoint((char) c, (char) low);
                }
                break;
            }
            default: throw syntax(at, "invalid escape '\\' followed by " + describe(e));
        }
        if (keep) appendCodePoint(c);
    }

    /** The four hex digits after "\\u". Only ASCII [0-9a-fA-F]: Character.digit would take fullwidth digits. */
    private int hex4() throws IOException {
        int cp = 0;
        for (int i = 0; i < 4; i++) {
            long at = offset();
            int c = read();
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) throw syntax(at, "invalid \\u escape: " + describe(c) + " is not a hex digit");
            cp = cp * 16 + d;
        }
        return cp;
    }

    /** UTF-8 encodes an escaped code point (never a lone surrogate: escape() refuses those). */
    private void appendCodePoint(int c) {
        if (c < 0x80) {
            text[textLength++] = (byte) c;
        } else if (c < 0x800) {
            text[textLength++] = (byte) (0xc0 | c >> 6);
            text[textLength++] = (byte) (0x80 | c & 0x3f);
        } else if (c < 0x10000) {
            text[textLength++] = (byte) (0xe0 | c >> 12);
            text[textLength++] = (byte) (0x80 | c >> 6 & 0x3f);
            text[textLength++] = (byte) (0x80 | c & 0x3f);
        } else {
            text[textLength++] = (byte) (0xf0 | c >> 18);
            text[textLength++] = (byte) (0x80 | c >> 12 & 0x3f);
            text[textLength++] = (byte) (0x80 | c >> 6 & 0x3f);
            text[textLength++] = (byte) (0x80 | c & 0x3f);
        }
    }

    /** Whether the last kept string is the given ASCII word, compared in place. */
    boolean textIs(String ascii) {
        if (textLength != ascii.length()) return false;
        for (int i = 0; i < textLength; i++) if (text[i] != ascii.charAt(i)) return false;
        return true;
    }

    /** The last kept string. */
    String text() {
        return new String(text, 0, textLength, StandardCharsets.UTF_8);
    }

    /** The last kept string for a message, shortened. */
    String shownText() {
        return shorten(text());
    }

    /** A name or value for a message: past a few dozen characters, shortened (a forged header may hold megabytes). */
    static String shorten(String s) {
        return s.length() <= 2 * SHOWN ? s : s.substring(0, 2 * SHOWN) + "... (" + s.length() + " characters)";
    }
}
