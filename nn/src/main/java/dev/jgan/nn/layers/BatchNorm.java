package dev.jgan.nn.layers;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Shape;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.DType;
import dev.jgan.nn.LayerFunctions;
import dev.jgan.nn.Module;

/**
 * Batch normalisation over every axis but the channel axis 1 (Ioffe and Szegedy, 2015), with PyTorch's
 * state: {@code weight}, {@code bias} [C] when affine; buffers {@code running_mean}, {@code running_var} [C]
 * and {@code num_batches_tracked} (int64 scalar in checkpoints) when tracking running statistics.
 *
 * <p>Training normalises with the batch mean and the biased batch variance and updates
 * {@code running = (1 - momentum) running + momentum batch}, using the unbiased variance for
 * {@code running_var}, as PyTorch. Evaluation normalises with the running statistics.
 *
 * <p>{@code num_batches_tracked}: the true count lives in a long field and is mirrored into the float32
 * buffer after every update, so the in-memory count never loses a batch. The buffer (and so a checkpoint,
 * which writes it as int64) is exact up to 2^24 = 16,777,216 batches and rounded beyond. A value written
 * into the buffer from outside (a state-dict load, a snapshot restore) is adopted by the next update.
 */
public abstract class BatchNorm extends Module {
    private final int features;
    private final float eps;
    private final float momentum;
    private final boolean trackRunningStats;
    // Invariant: the buffer holds (float) batchesTracked unless it was written from outside since the last update.
    private long batchesTracked;

    protected BatchNorm(int features, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        if (features <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid features=" + features + " eps=" + eps + " momentum=" + momentum);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.trackRunningStats = trackRunningStats;
        if (affine) {
            registerParameter("weight", Tensor.ones(features));
            registerParameter("bias", Tensor.zeros(features));
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(features), true);
            registerBuffer("running_var", Tensor.ones(features), true);
            registerBuffer("num_batches_tracked", Tensor.scalar(0f), true, DType.I64);
        }
    }

    /** Throws unless x has a rank this layer accepts and C channels on axis 1. */
    protected abstract void checkInput(Tensor x);

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        if (x.size(1) != features)
            throw new IllegalArgumentException(describe() + ": input " + Shape.str(x.shape()) + " has " + x.size(1) + " channels, expected " + features);
        boolean batchStatistics = isTraining() || !trackRunningStats;
        boolean affine = hasTensor("weight");
        Tensor y = LayerFunctions.batchNorm(x, trackRunningStats ? tensor("running_mean") : null, trackRunningStats ? tensor("running_var") : null,
                affine ? tensor("weight") : null, affine ? tensor("bias") : null, batchStatistics, momentum, eps);
        if (isTraining() && trackRunningStats) countBatch();
        return y;
    }

    private void countBatch() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            batchesTracked = numBatchesTracked() + 1;
            tensor("num_batches_tracked").fillInPlace((float) batchesTracked);
        }
    }

    /** Batches seen in training mode, exact beyond the 2^24 the float32 buffer holds exactly. */
    public long numBatchesTracked() {
        if (!trackRunningStats) return 0;
        float stored = tensor("num_batches_tracked").item();
        if (stored != (float) batchesTracked) batchesTracked = (long) stored; // loaded or restored from outside
        return batchesTracked;
    }

    public int numFeatures() {
        return features;
    }

    @Override
    protected String describe() {
        return getClass().getSimpleName() + "(" + features + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + hasTensor("weight")
                + ", trackRunningStats=" + trackRunningStats + ")";
    }
}
