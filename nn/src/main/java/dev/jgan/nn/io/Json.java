package dev.jgan.nn.io;

/** JSON text for safetensors headers: strings written as serde_json writes them. (Reading is {@link JsonScanner}'s.) */
final class Json {
    private Json() {}

    /** Appends s as a JSON string as serde_json writes it: escapes for quote, backslash and control characters only. */
    static void writeString(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
