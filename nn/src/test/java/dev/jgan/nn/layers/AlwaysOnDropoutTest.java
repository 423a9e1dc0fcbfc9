package dev.jgan.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dropout.alwaysOn: pix2pix's generator noise, drawn in evaluation mode too, reproducible and resumable. */
class AlwaysOnDropoutTest {

    /** The mask of the k-th mask-drawing forward, replayed from the construction seed as the layer draws it. */
    private static float[] expected(long constructionSeed, long k, float p, float[] x) {
        Rng replay = new Rng(ForwardRng.forwardSeed(new Rng(constructionSeed).nextLong(), k));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = replay.nextFloat() < p ? 0f : x[i] * (1f / (1f - p));
        return y;
    }

    @Test
    void dropsInEvaluationWithTheNextMaskOfTheSequence() {
        Dropout d = Dropout.alwaysOn(0.5f, new Rng(41));
        d.eval();
        Tensor x = Tensor.arange(1f, 33f, 1f);
        float[] first = d.forward(x).toArray(), second = d.forward(x).toArray();
        assertThat(first).containsExactly(expected(41, 0, 0.5f, x.toArray()));
        assertThat(second).containsExactly(expected(41, 1, 0.5f, x.toArray()));
        assertThat(second).isNotEqualTo(first);                              // two sampling calls differ
        assertThat(first).contains(0f);
        d.train(true);                                                      // and training continues the same sequence
        assertThat(d.forward(x).toArray()).containsExactly(expected(41, 2, 0.5f, x.toArray()));
        assertThat(d.isAlwaysOn()).isTrue();
        assertThat(d.toString()).contains("Dropout(p=0.5, always on)");
    }

    @Test
    void reproducibleFromTheSeedAndTheStateDict() {
        Tensor x = Tensor.ones(40);
        Dropout a = Dropout.alwaysOn(0.3f, new Rng(7)), b = Dropout.alwaysOn(0.3f, new Rng(7));
        a.eval();
        b.eval();
        assertThat(b.forward(x).toArray()).containsExactly(a.forward(x).toArray());
        Map<String, Tensor> saved = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> saved.put(k, v.copy()));
        float[] next = a.forward(x).toArray();
        Dropout resumed = Dropout.alwaysOn(0.3f, new Rng(999));
        resumed.eval();
        resumed.loadStateDict(saved, true);
        assertThat(resumed.forward(x).toArray()).containsExactly(next);
    }

    @Test
    void anOrdinaryDropoutStaysTheIdentityInEvaluation() {
        Dropout d = new Dropout(0.5f, new Rng(41));
        d.eval();
        Tensor x = Tensor.ones(8);
        assertThat(d.forward(x)).isSameAs(x);
        assertThat(d.buffer("forwards").toArray()).containsExactly(0f, 0f); // and draws nothing
        assertThat(d.isAlwaysOn()).isFalse();
        // Both kinds draw their seed alike, so with equal seeds the training masks are the same.
        Dropout on = Dropout.alwaysOn(0.5f, new Rng(41));
        d.train(true);
        assertThat(on.forward(x).toArray()).containsExactly(d.forward(x).toArray());
    }
}
