package dev.jgan.nn;

/**
 * The element type a state-dict entry has in a checkpoint. In memory every tensor is float32; integer
 * entries (BatchNorm's {@code num_batches_tracked}, stored by PyTorch as int64) are written and read as
 * integers so that files match PyTorch's.
 */
public enum DType {
    F32,
    I64
}
