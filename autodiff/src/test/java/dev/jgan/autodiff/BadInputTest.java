package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input gets an IllegalArgumentException naming the op and the shapes involved. */
class BadInputTest {

    @Test
    void shapeMismatches() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("add: shapes [2, 3] and [4] cannot be broadcast together");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)))
                .hasMessageContaining("matmul").hasMessageContaining("cannot be broadcast");
        assertThatThrownBy(() -> Tensor.zeros(6).reshape(4, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reshape").hasMessageContaining("[6]");
        assertThatThrownBy(() -> Tensor.concat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1))
                .hasMessageContaining("concat").hasMessageContaining("[2, 3], [3, 3]");
        assertThatThrownBy(() -> Tensor.where(Tensor.zeros(2), Tensor.zeros(3), Tensor.zeros(1))).hasMessageContaining("where");
        assertThatThrownBy(() -> Losses.mse(Tensor.zeros(2), Tensor.zeros(3))).hasMessageContaining("mse: shapes [2] and [3]");
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.zeros(2, 3), new int[] {0})).hasMessageContaining("crossEntropy");
        assertThatThrownBy(() -> Tensor.zeros(2).expand(3)).hasMessageContaining("expand: cannot expand [2] to [3]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).permute(0, 0)).hasMessageContaining("permute");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).squeeze(1)).hasMessageContaining("squeeze");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).sum(2, false)).hasMessageContaining("sum: axis 2 out of range for rank 2");
        assertThatThrownBy(() -> Tensor.zeros(2).item()).hasMessageContaining("item");
        assertThatThrownBy(() -> Tensor.of(new float[3], 2, 2)).hasMessageContaining("3 values cannot fill shape [2, 2]");
    }

    @Test
    void negativeSizes() {
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative size");
        assertThatThrownBy(() -> Tensor.of(new float[0], -1)).hasMessageContaining("negative size");
        assertThatThrownBy(() -> Tensor.zeros(4).reshape(-2, -2)).hasMessageContaining("negative size");
        assertThatThrownBy(() -> Tensor.zeros(100_000, 100_000)).hasMessageContaining("more than 2^31-1 elements");
    }

    @Test
    void badIndices() {
        assertThatThrownBy(() -> Tensor.zeros(3, 2).indexSelect(0, 3))
                .hasMessage("indexSelect: index 3 at position 0 out of range [0, 3) for dimension 0 of shape [3, 2]");
        assertThatThrownBy(() -> Tensor.zeros(3, 2).get(0, 2)).hasMessageContaining("out of bounds for shape [3, 2]");
        assertThatThrownBy(() -> Tensor.zeros(3).slice(0, 2, 1, 1)).hasMessageContaining("slice");
        assertThatThrownBy(() -> Tensor.zeros(3).slice(0, 0, 3, 0)).hasMessageContaining("step 0");
        assertThatThrownBy(() -> Indexing.oneHot(new int[] {0, 5}, 3)).hasMessageContaining("oneHot: index 5");
    }

    @Test
    void badConvolutions() {
        assertThatThrownBy(() -> ConvParams.of(0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride=(0,0)");
        assertThatThrownBy(() -> new ConvParams(1, 1, -1, 0, 1, 1, 1)).hasMessageContaining("padding");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 2, 3, 3), ConvParams.of(1, 0)))
                .hasMessageContaining("conv2d").hasMessageContaining("[4, 2, 3, 3]").hasMessageContaining("[1, 3, 8, 8]");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(4, 3, 5, 5), ConvParams.of(1, 0)))
                .hasMessageContaining("larger than the padded input");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3), ConvParams.of(1, 0)))
                .hasMessageContaining("4-D");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 6, 8, 8), Tensor.zeros(4, 3, 3, 3), ConvParams.of(1, 0, 1, 4)))
                .hasMessageContaining("divisible by groups=4");
        assertThatThrownBy(() -> Conv.convTranspose2d(Tensor.zeros(1, 2, 3, 3), Tensor.zeros(2, 2, 3, 3), ConvParams.of(2, 1), 2, 0))
                .hasMessageContaining("output padding");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 2, 4, 4), Tensor.zeros(3, 2, 3, 3), Tensor.zeros(2), ConvParams.of(1, 1)))
                .hasMessageContaining("bias [2]");
        assertThatThrownBy(() -> Pooling.pixelShuffle(Tensor.zeros(1, 6, 2, 2), 2)).hasMessageContaining("pixelShuffle");
        assertThatThrownBy(() -> Pooling.avgPool2d(Tensor.zeros(1, 1, 4, 4), 2, 0, 0)).hasMessageContaining("stride 0");
    }

    @Test
    void badScalarArguments() {
        assertThatThrownBy(() -> Tensor.zeros(2).clamp(1f, 0f)).hasMessageContaining("clamp: low 1.0 > high 0.0");
        assertThatThrownBy(() -> Tensor.arange(0f, 1f, 0f)).hasMessageContaining("arange");
        assertThatThrownBy(() -> Tensor.zeros(3).variance(new int[] {0}, false, 3)).hasMessageContaining("variance");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).sum(new int[] {1, -1}, false)).hasMessageContaining("repeated");
    }

    @Test
    void raggedOrNullNestedArrays() {
        assertThatThrownBy(() -> Tensor.of(new float[][] {{1, 2, 3}, {4, 5}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("of: ragged array: row [1] has length 2, expected 3 as the first row at that depth (inferred shape [2, 3])");
        assertThatThrownBy(() -> Tensor.of(new double[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7}}}))
                .hasMessageContaining("row [1][1] has length 1, expected 2");
        assertThatThrownBy(() -> Tensor.of(new int[][] {{1}, null})).hasMessage("of: row [1] is null");
        assertThatThrownBy(() -> Tensor.of(new float[][] {null, {1}})).hasMessage("of: row [0] is null");
        assertThatThrownBy(() -> Tensor.of((float[][]) null)).hasMessage("of: array is null");
        assertThatThrownBy(() -> Tensor.of(new double[] {1, 2, 3}, 2)).hasMessageContaining("3 values cannot fill shape [2]");
    }
}
