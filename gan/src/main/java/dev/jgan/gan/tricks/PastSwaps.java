package dev.jgan.gan.tricks;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.Module;
import dev.jgan.nn.io.TrainingCheckpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Swaps of a network (G or D) with a stored earlier copy of itself (ganhacks 8: "keep checkpoints from the past of G
 * and D and occasionally swap them out for a few iterations"), so that the other network trains for a while against
 * an adversary it has already beaten. A network's state here is its parameters and its buffers (batch-norm statistics).
 *
 * <p>At the start of iteration t (0-based, before its first D step), in this order:
 * <ol>
 *   <li>if a swap ends at t, the network gets its own state back: exactly the state it had when the swap began (what
 *       the copy learned meanwhile is dropped; the optimizer's state is left as it is, so its moments keep the steps
 *       taken on the copy);
 *   <li>if no swap is running and at least one copy is stored, one uniform u is drawn; if u &lt; probability a swap
 *       begins: a stored copy is chosen uniformly (one more draw) and loaded into the network, which runs with it (and
 *       trains it) for iterations t .. t + duration - 1;
 *   <li>if t &gt; 0 and t is a multiple of {@code period}, a copy of the network's own state is stored (during a swap,
 *       the state put aside when it began); once {@code keep} copies are stored, the oldest is replaced.
 * </ol>
 * All draws come from this trick's own generator.
 */
final class PastSwaps {
    final String network; // "generator" or "discriminator", for messages
    final long period;
    final int keep;
    final float probability;
    final int duration;
    final Rng rng;
    /** Stored copies in ring slots (slot = stored-count mod keep), each the network's parameters then buffers, flat. */
    private final List<float[]> copies = new ArrayList<>();
    private long stored;
    /** The network's own state while a swap runs, else null; the iteration at which the swap ends. */
    private float[] own;
    private long swapEnd;

    PastSwaps(String network, long period, int keep, float probability, int duration, Rng rng) {
        this.network = network;
        this.period = period;
        this.keep = keep;
        this.probability = probability;
        this.duration = duration;
        this.rng = rng;
    }

    /** Whether the network runs with a stored copy now. */
    boolean swapping() {
        return own != null;
    }

    /** The rule of the class comment, at the start of iteration {@code t}. */
    void beforeIteration(Module net, long t) {
        int length = length(net);
        if (own != null && own.length != length || !copies.isEmpty() && copies.get(0).length != length)
            throw new IllegalArgumentException("Tricks: the stored copies of the " + network + " hold "
                    + (own != null ? own.length : copies.get(0).length) + " values but the " + network + " has " + length
                    + " (parameters and buffers): was the checkpoint written for another network?");
        if (own != null && t >= swapEnd) {
            write(net, own);
            own = null;
        }
        if (own == null && !copies.isEmpty() && rng.nextFloat() < probability) {
            float[] copy = copies.get(rng.nextInt(copies.size()));
            own = read(net);
            write(net, copy);
            swapEnd = t + duration;
        }
        if (t > 0 && t % period == 0) {
            float[] state = own != null ? own.clone() : read(net);
            int slot = (int) (stored % keep);
            if (slot < copies.size()) copies.set(slot, state);
            else copies.add(state);
            stored++;
        }
    }

    /** Number of floats of the network's state. */
    private static int length(Module net) {
        int n = 0;
        for (Tensor p : tensors(net)) n += p.numel();
        return n;
    }

    /** Parameters (in state-dict order) then buffers. */
    private static List<Tensor> tensors(Module net) {
        List<Tensor> all = new ArrayList<>(net.namedParameters().values());
        all.addAll(net.namedBuffers().values());
        return all;
    }

    /** The network's state, flat. */
    static float[] read(Module net) {
        float[] out = new float[length(net)];
        int at = 0;
        for (Tensor p : tensors(net)) {
            float[] v = p.toArray();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** Puts a flat state into the network, in place (the optimizers hold the same tensors). */
    static void write(Module net, float[] state) {
        int at = 0;
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Tensor p : tensors(net)) {
                p.copyInPlace(Tensor.of(Arrays.copyOfRange(state, at, at + p.numel()), p.shape()));
                at += p.numel();
            }
        }
    }

    /** The generator, the copies ([n, L], or [0] while none), the count stored, the own state ([L], or [0]) and the swap's end. */
    void registerState(TrainingCheckpoint.Parts r) {
        r.rng("rng", rng)
                .tensor("copies", this::copiesTensor, this::loadCopies)
                .counter("stored", () -> stored, this::loadStored)
                .tensor("own", () -> own == null ? Tensor.zeros(0) : Tensor.of(own, own.length), t -> own = t.numel() == 0 ? null : t.toArray())
                .counter("swap_end", () -> swapEnd, v -> swapEnd = v);
    }

    private Tensor copiesTensor() {
        if (copies.isEmpty()) return Tensor.zeros(0);
        int length = copies.get(0).length;
        float[] all = new float[copies.size() * length];
        for (int i = 0; i < copies.size(); i++) System.arraycopy(copies.get(i), 0, all, i * length, length);
        return Tensor.of(all, copies.size(), length);
    }

    private List<float[]> loadedCopies;

    private void loadCopies(Tensor t) {
        loadedCopies = new ArrayList<>();
        if (t.numel() == 0) return;
        if (t.dim() != 2)
            throw new IllegalArgumentException("Tricks: the checkpoint's copies of the " + network + " must have shape [n, L], got rank " + t.dim());
        float[] all = t.toArray();
        int length = t.size(1);
        for (int i = 0; i < t.size(0); i++) loadedCopies.add(Arrays.copyOfRange(all, i * length, (i + 1) * length));
    }

    private void loadStored(long count) {
        if (count < 0 || loadedCopies.size() != Math.min(count, keep))
            throw new IllegalArgumentException("Tricks: the checkpoint holds " + loadedCopies.size() + " copies of the " + network + " after " + count
                    + " were stored, with keep=" + keep + " (is keep the saved run's?)");
        copies.clear();
        copies.addAll(loadedCopies);
        stored = count;
    }

    String describe() {
        return network + " swaps (every " + period + " iterations keep a copy, last " + keep + "; p=" + probability + " for " + duration
                + " iterations)";
    }
}
