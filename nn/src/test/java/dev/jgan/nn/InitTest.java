package dev.jgan.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.nn.layers.BatchNorm2d;
import dev.jgan.nn.layers.ConvTranspose2d;
import dev.jgan.nn.layers.Linear;
import org.junit.jupiter.api.Test;

class InitTest {

    private static double std(float[] v) {
        double m = 0, s = 0;
        for (float x : v) m += x;
        m /= v.length;
        for (float x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / v.length);
    }

    @Test
    void fansFollowPyTorch() {
        assertThat(Init.fans(Tensor.zeros(4, 3))).containsExactly(3, 4);
        assertThat(Init.fans(Tensor.zeros(8, 3, 5, 5))).containsExactly(75, 200);
    }

    @Test
    void xavierAndKaimingHaveTheirBoundsAndSpread() {
        Rng rng = new Rng(1);
        Tensor t = Tensor.zeros(200, 300);
        Init.xavierUniform(t, 1f, rng);
        double b = Math.sqrt(6.0 / 500);
        for (float v : t.toArray()) assertThat((double) Math.abs(v)).isLessThanOrEqualTo(b);
        assertThat(std(t.toArray())).isCloseTo(b / Math.sqrt(3), within(0.01 * b));
        Init.xavierNormal(t, 2f, rng);
        assertThat(std(t.toArray())).isCloseTo(2 * Math.sqrt(2.0 / 500), within(0.002));
        Init.kaimingNormal(t, 0f, Init.FanMode.FAN_IN, "relu", rng);
        assertThat(std(t.toArray())).isCloseTo(Math.sqrt(2.0 / 300), within(0.002));
        Init.kaimingUniform(t, 0f, Init.FanMode.FAN_OUT, "relu", rng);
        for (float v : t.toArray()) assertThat((double) Math.abs(v)).isLessThanOrEqualTo(Math.sqrt(6.0 / 200));
        assertThat(Init.gain("leaky_relu", 0.2f)).isCloseTo(Math.sqrt(2 / 1.04), within(1e-7)); // a = 0.2f is not exactly 0.2
        assertThat(Init.gain("tanh", 0f)).isEqualTo(5.0 / 3.0);
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumns() {
        Rng rng = new Rng(2);
        for (int[] shape : new int[][] {{3, 5}, {5, 3}, {4, 2, 2}}) {
            Tensor t = Init.orthogonal(Tensor.zeros(shape), 1.5f, rng);
            Tensor m = t.reshape(shape[0], -1);
            Tensor gram = m.size(0) <= m.size(1) ? m.matmul(m.t()) : m.t().matmul(m); // the smaller Gram matrix is 2.25 I
            int n = gram.size(0);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) assertThat(gram.get(i, j)).isCloseTo(i == j ? 2.25f : 0f, within(1e-5f));
        }
    }

    @Test
    void sameSeedSameValues() {
        assertThat(Init.normal(Tensor.zeros(10), 0f, 1f, new Rng(5)).toArray())
                .containsExactly(Init.normal(Tensor.zeros(10), 0f, 1f, new Rng(5)).toArray());
        assertThat(new Linear(3, 3, new Rng(6)).parameter("weight").toArray()).containsExactly(new Linear(3, 3, new Rng(6)).parameter("weight").toArray());
    }

    @Test
    void dcganInitialisesConvAndBatchNormLayers() {
        Rng rng = new Rng(3);
        Sequential g = new Sequential(new ConvTranspose2d(64, 64, 4, 1, 0, rng), new BatchNorm2d(64));
        Init.dcgan(g, new Rng(4));
        assertThat(std(g.get(0).parameter("weight").toArray())).isCloseTo(0.02, within(0.001));
        assertThat(g.get(0).parameter("bias").toArray()).containsOnly(0f);
        float[] gamma = g.get(1).parameter("weight").toArray();
        double mean = 0;
        for (float v : gamma) mean += v / gamma.length;
        assertThat(mean).isCloseTo(1.0, within(0.01));
        assertThat(g.get(1).parameter("bias").toArray()).containsOnly(0f);
    }

    @Test
    void initialisersKeepParametersTrainable() {
        Linear l = new Linear(2, 2, new Rng(7));
        Init.ones(l.parameter("weight"));
        assertThat(l.parameter("weight").requiresGrad()).isTrue();
        assertThat(l.parameter("weight").toArray()).containsOnly(1f);
    }
}
