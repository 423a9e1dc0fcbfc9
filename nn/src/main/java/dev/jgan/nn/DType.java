package dev.jgan.nn;

/**
 * The element type a state-dict entry has in a checkpoint. In memory every tensor is float32; integer
 * entries (BatchNorm's {@code num_batches_tracked}, stored by PyTorch as int64) are written and read as
 * integers so that files match PyTorch's.
 */
public enum DType {
    F32,
    I64;

    /**
     * Whether an entry stored as {@code stored} (a safetensors dtype name: "F32", "F16", ...) loads into an entry
     * of this type. F32 entries take every floating-point type PyTorch users save (F32, F64, F16, BF16), cast to
     * float32 (F16 and BF16 exactly, F64 rounded to nearest); I64 entries take only I64, so an integer buffer
     * never receives a fraction.
     */
    public boolean canLoad(String stored) {
        return switch (this) {
            case F32 -> stored.equals("F32") || stored.equals("F64") || stored.equals("F16") || stored.equals("BF16");
            case I64 -> stored.equals("I64");
        };
    }
}
