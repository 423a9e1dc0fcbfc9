package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
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
    void negativeSizesNameTheOp() {
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zeros: negative size -1 at dimension 1 of shape [2, -1]");
        assertThatThrownBy(() -> Tensor.ones(-3)).hasMessage("ones: negative size -3 at dimension 0 of shape [-3]");
        assertThatThrownBy(() -> Tensor.full(2f, 1, -1)).hasMessage("full: negative size -1 at dimension 1 of shape [1, -1]");
        assertThatThrownBy(() -> Tensor.rand(new Rng(1), -2, 2)).hasMessage("rand: negative size -2 at dimension 0 of shape [-2, 2]");
        assertThatThrownBy(() -> Tensor.uniform(new Rng(1), 0f, 1f, -2)).hasMessage("uniform: negative size -2 at dimension 0 of shape [-2]");
        assertThatThrownBy(() -> Tensor.randn(new Rng(1), 3, -4)).hasMessage("randn: negative size -4 at dimension 1 of shape [3, -4]");
        assertThatThrownBy(() -> Tensor.normal(new Rng(1), 0f, 1f, -4)).hasMessage("normal: negative size -4 at dimension 0 of shape [-4]");
        assertThatThrownBy(() -> Tensor.of(new float[0], -1)).hasMessage("of: negative size -1 at dimension 0 of shape [-1]");
        assertThatThrownBy(() -> Tensor.zeros(3, 2).gather(1, new int[0], 3, -1)).hasMessage("gather: negative size -1 at dimension 1 of shape [3, -1]");
        assertThatThrownBy(() -> Tensor.zeros(4).reshape(-2, -2)).hasMessageContaining("reshape: negative size");
        assertThatThrownBy(() -> Tensor.zeros(100_000, 100_000)).hasMessage("zeros: shape [100000, 100000] has more than 2^31-1 elements");
    }

    @Test
    void emptyShapesNeverOverflow() {
        // A size 0 anywhere makes 0 elements, as in PyTorch, even when the other sizes multiply past 2^31-1.
        assertThat(Tensor.zeros(100_000, 100_000, 0).shape()).containsExactly(100_000, 100_000, 0);
        assertThat(Shape.numel(65536, 65536, 0)).isZero();
    }

    @Test
    void narrowChecksStartAndLength() {
        Tensor x = Tensor.arange(3);
        assertThatThrownBy(() -> x.narrow(0, 4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("narrow: start 4 out of range [-3, 3] for dimension 0 of shape [3]");
        assertThatThrownBy(() -> x.narrow(0, -4, 1)).hasMessage("narrow: start -4 out of range [-3, 3] for dimension 0 of shape [3]");
        assertThatThrownBy(() -> x.narrow(0, 0, -1)).hasMessage("narrow: length -1 is negative for dimension 0 of shape [3]");
        assertThatThrownBy(() -> x.narrow(0, 2, 2)).hasMessage("narrow: start 2 + length 2 exceeds size 3 for dimension 0 of shape [3]");
        assertThatThrownBy(() -> x.narrow(0, 1, Integer.MAX_VALUE)).hasMessageContaining("exceeds size 3");
        assertThatThrownBy(() -> x.narrow(1, 0, 1)).hasMessage("narrow: axis 1 out of range for rank 1");
        // As torch.narrow: a negative start counts from the end; start == size with length 0 is an empty tensor.
        assertThat(x.narrow(0, -1, 1).toArray()).containsExactly(2f);
        assertThat(x.narrow(0, -3, 2).toArray()).containsExactly(0f, 1f);
        assertThat(x.narrow(0, 3, 0).shape()).containsExactly(0);
        assertThat(Tensor.arange(6).reshape(2, 3).narrow(-1, 1, 2).toArray()).containsExactly(1f, 2f, 4f, 5f);
    }

    @Test
    void arangeRefusesAnEndOnTheWrongSide() {
        assertThatThrownBy(() -> Tensor.arange(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("arange: n must be >= 0, got -1");
        assertThatThrownBy(() -> Tensor.arange(0f, -0.5f, 1f)).hasMessage("arange: end=-0.5 is below start=0.0 for step=1.0");
        assertThatThrownBy(() -> Tensor.arange(0f, 2f, -1f)).hasMessage("arange: end=2.0 is above start=0.0 for step=-1.0");
        assertThatThrownBy(() -> Tensor.arange(0f, 1e10f, 1f)).hasMessage("arange: start=0.0 end=1.0E10 step=1.0 gives more than 2^31-1 elements");
        assertThat(Tensor.arange(0).shape()).containsExactly(0);
        assertThat(Tensor.arange(2f, 2f, -1f).shape()).containsExactly(0);
    }

    @Test
    void messagesNameTheUsersCall() {
        // ConvParams used to read its fields before the compact constructor assigned them: every value showed as 0.
        assertThatThrownBy(() -> ConvParams.of(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ConvParams: stride must be positive, got stride=(0,0) padding=(1,1) dilation=(1,1) groups=1");
        assertThatThrownBy(() -> ConvParams.of(2, -1)).hasMessage("ConvParams: padding must be non-negative, got stride=(2,2) padding=(-1,-1) dilation=(1,1) groups=1");
        assertThatThrownBy(() -> ConvParams.of(1, 0, 0, 3)).hasMessage("ConvParams: dilation must be positive, got stride=(1,1) padding=(0,0) dilation=(0,0) groups=3");
        assertThatThrownBy(() -> new ConvParams(1, 2, 0, 1, 1, 1, 0)).hasMessage("ConvParams: groups must be positive, got stride=(1,2) padding=(0,1) dilation=(1,1) groups=0");
        // avgPool2d was reported as the conv2d it is built on.
        assertThatThrownBy(() -> Pooling.avgPool2d(Tensor.zeros(1, 2, 2, 3), 3, 1, 0))
                .hasMessage("avgPool2d: kernel 3 (stride 1, padding 0) is larger than the padded input [1, 2, 2, 3]");
        assertThatThrownBy(() -> Pooling.avgPool2d(Tensor.zeros(1, 1, 5, 1), 4, 4, 1))
                .hasMessage("avgPool2d: kernel 4 (stride 4, padding 1) is larger than the padded input [1, 1, 5, 1]");
        assertThat(Pooling.avgPool2d(Tensor.ones(1, 1, 1, 1), 3, 1, 1).item()).isEqualTo(1f / 9);
        // crossEntropy was reported as the gather it is built on.
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.zeros(2, 3), new int[] {0, 3}))
                .hasMessage("crossEntropy: label 3 at position 1 out of range [0, 3) for logits [2, 3]");
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.zeros(1, 3), new int[] {-1}))
                .hasMessage("crossEntropy: label -1 at position 0 out of range [0, 3) for logits [1, 3]");
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
        assertThatThrownBy(() -> new ConvParams(1, 1, -1, 0, 1, 1, 1)).hasMessageContaining("padding=(-1,0)");
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
