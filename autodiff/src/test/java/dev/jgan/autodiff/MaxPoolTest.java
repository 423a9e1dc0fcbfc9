package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** maxPool2d against a reference written from PyTorch's definition, its tie rule, NaN, empty windows and errors. */
class MaxPoolTest {

    /** Output of max_pool2d by its definition: pad with -inf, take each window's max; NaN wins. */
    private static float[] reference(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int hp = h + 2 * ph, wp = w + 2 * pw;
        int oh = (hp - dh * (kh - 1) - 1) / sh + 1, ow = (wp - dw * (kw - 1) - 1) / sw + 1;
        float[] out = new float[n * c * oh * ow];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++) {
                float[][] padded = new float[hp][wp];
                for (float[] row : padded) java.util.Arrays.fill(row, Float.NEGATIVE_INFINITY);
                for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) padded[i + ph][j + pw] = x.get(b, ch, i, j);
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int a = 0; a < kh; a++)
                            for (int e = 0; e < kw; e++) {
                                float v = padded[i * sh + a * dh][j * sw + e * dw];
                                m = Float.isNaN(m) || Float.isNaN(v) ? Float.NaN : Math.max(m, v);
                            }
                        out[((b * c + ch) * oh + i) * ow + j] = m;
                    }
            }
        return out;
    }

    @Test
    void forwardMatchesTheDefinition() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, 2, 3, 7, 6);
        int[][] configs = {
            {2, 2, 2, 2, 0, 0, 1, 1}, {3, 3, 2, 2, 1, 1, 1, 1}, {3, 3, 1, 1, 1, 1, 1, 1}, {2, 3, 1, 2, 1, 1, 2, 1},
            {3, 2, 3, 1, 0, 1, 2, 3}, {1, 1, 2, 2, 0, 0, 1, 1}, {7, 6, 1, 1, 0, 0, 1, 1},
        };
        for (int[] p : configs) {
            Tensor y = Pooling.maxPool2d(x, new int[] {p[0], p[1]}, new int[] {p[2], p[3]}, new int[] {p[4], p[5]}, new int[] {p[6], p[7]});
            assertThat(y.toArray()).as("config %s", java.util.Arrays.toString(p)).containsExactly(reference(x, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]));
        }
        assertThat(Pooling.maxPool2d(x, 3, 2, 1, 1).toArray()).containsExactly(reference(x, 3, 3, 2, 2, 1, 1, 1, 1));
        assertThat(Pooling.maxPool2d(x, 2).shape()).containsExactly(2, 3, 3, 3);
        assertThat(Pooling.maxPool2d(x, new int[] {2}, null, new int[] {0}, new int[] {1}).toArray()).containsExactly(Pooling.maxPool2d(x, 2).toArray());
    }

    @Test
    void gradientGoesToTheWinner() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, -1, 8, 6, 7, 9, -2, 0, 1, 2, 3}, 1, 1, 4, 4).requiresGrad(true);
        Tensor y = Pooling.maxPool2d(x, 2);
        assertThat(y.toArray()).containsExactly(5, 8, 7, 9);
        y.backward(Tensor.of(new float[] {10, 20, 30, 40}, 1, 1, 2, 2), false);
        assertThat(x.grad().toArray()).containsExactly(0, 10, 0, 0, 0, 0, 0, 20, 0, 30, 40, 0, 0, 0, 0, 0);
    }

    /** PyTorch gives a tie's whole gradient to the first winner; the engine shares it evenly, as its max does. */
    @Test
    void tiesShareTheGradientEvenly() {
        Tensor x = Tensor.of(new float[] {2, 2, 0, 1, 3, 3, 3, -1}, 1, 1, 2, 4).requiresGrad(true);
        Tensor y = Pooling.maxPool2d(x, 2);                     // windows {2, 2, 3, 3} and {0, 1, 3, -1}
        assertThat(y.toArray()).containsExactly(3, 3);
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(0, 0, 0, 0, 0.5f, 0.5f, 1, 0);
        // Overlapping windows (stride 1): each output passes its gradient to its own winners, and they add up.
        Tensor z = Tensor.of(new float[] {1, 1, 1}, 1, 1, 1, 3).requiresGrad(true);
        Pooling.maxPool2d(z, new int[] {1, 3}, new int[] {1, 1}, new int[] {0, 1}, new int[] {1, 1}).sum().backward();
        float third = 1f / 3;
        assertThat(z.grad().toArray()).containsExactly(0.5f + third, 0.5f + third + 0.5f, third + 0.5f);
    }

    @Test
    void tiedGradientIsDifferentiableInTheIncomingGradient() {
        // d/dx of <grad_x <maxPool(x)^2, 1>, s>: the selection is constant, so only y = max depends on x.
        Tensor x = Tensor.of(new float[] {2, 2, 0, 1}, 1, 1, 2, 2).requiresGrad(true);
        Tensor gx = Autograd.grad(Pooling.maxPool2d(x, 2).square().sum(), List.of(x), GradOption.CREATE_GRAPH).get(0);
        assertThat(gx.toArray()).containsExactly(2, 2, 0, 0);   // 2 y shared evenly
        Tensor ggx = Autograd.grad(gx.mul(Tensor.of(new float[] {1, 3, 5, 7}, 1, 1, 2, 2)).sum(), List.of(x)).get(0);
        assertThat(ggx.toArray()).containsExactly(2, 2, 0, 0);  // d/dy (y s0 + y s1) = s0 + s1 = 4, shared evenly
    }

    @Test
    void nanAndEmptyWindows() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 2, 3}, 1, 1, 1, 4).requiresGrad(true);
        Tensor y = Pooling.maxPool2d(x, new int[] {1, 2}, null, new int[] {0}, new int[] {1});
        assertThat(y.toArray()).containsExactly(Float.NaN, 3f);
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(0, 1, 0, 1);
        // kernel 2 with dilation 3 and padding 1 over a width of 2: the first window's taps are -1 and 2, both padding
        Tensor z = Tensor.of(new float[] {4, 5}, 1, 1, 1, 2).requiresGrad(true);
        Tensor e = Pooling.maxPool2d(z, new int[] {1, 2}, new int[] {1, 1}, new int[] {0, 1}, new int[] {1, 3});
        assertThat(e.toArray()).containsExactly(Float.NEGATIVE_INFINITY);
        e.sum().backward();
        assertThat(z.grad().toArray()).containsExactly(0, 0);
    }

    @Test
    void badArgumentsNameTheOpAndShapes() {
        Tensor x = Tensor.zeros(1, 2, 4, 4);
        assertThatThrownBy(() -> Pooling.maxPool2d(Tensor.zeros(2, 4, 4), 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPool2d: input must be 4-D (NCHW), got [2, 4, 4]");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 2, 0, 0, 1)).hasMessageContaining("maxPool2d").hasMessageContaining("stride=(0,0)")
                .hasMessageContaining("[1, 2, 4, 4]");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 2, 2, 2, 1)).hasMessageContaining("padding must be at most half the kernel size");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 5, 1, 0, 1)).hasMessageContaining("larger than the padded input [1, 2, 4, 4]");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, new int[] {2, 2, 2}, null, new int[] {0}, new int[] {1}))
                .hasMessageContaining("maxPool2d: kernel must hold 1 or 2 values, got [2, 2, 2]");
    }
}
