package dev.jgan.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void coalesceMergesWhatEveryOperandWalksAsOne() {
        int[] shape = {4, 3, 5, 7};
        int[][] c = Shape.coalesce(shape, Shape.broadcastStrides(new int[] {1, 3, 1, 1}, shape), Shape.strides(shape));
        assertThat(c[0]).containsExactly(4, 3, 35);          // H and W merge; N and C cannot (the bias repeats over N)
        assertThat(c[1]).containsExactly(0, 1, 0);
        assertThat(c[2]).containsExactly(105, 35, 1);
    }

    @Test
    void coalesceOfContiguousOperandsIsOneRow() {
        int[] shape = {2, 3, 4};
        int[][] c = Shape.coalesce(shape, Shape.strides(shape), Shape.strides(shape));
        assertThat(c[0]).containsExactly(24);
        assertThat(c[1]).containsExactly(1);
    }

    @Test
    void coalesceDropsSizeOneDimensionsAndKeepsPermutedOnes() {
        int[] shape = {3, 1, 2};
        int[][] c = Shape.coalesce(shape, new int[] {1, 99, 3}); // a transposed read: cannot merge
        assertThat(c[0]).containsExactly(3, 2);
        assertThat(c[1]).containsExactly(1, 3);
        int[][] one = Shape.coalesce(new int[] {1, 1}, new int[] {0, 0});
        assertThat(one[0]).containsExactly(1);
        assertThat(Shape.coalesce(new int[0], new int[0])[0]).containsExactly(1);
    }

    @Test
    void broadcastAndStrides() {
        assertThat(Shape.broadcast("t", new int[] {2, 1, 3}, new int[] {4, 1})).containsExactly(2, 4, 3);
        assertThat(Shape.broadcastStrides(new int[] {4, 1}, new int[] {2, 4, 3})).containsExactly(0, 1, 0);
        assertThat(Shape.strides(new int[] {2, 3, 4})).containsExactly(12, 4, 1);
        assertThat(Shape.reduced(new int[] {2, 3, 4}, new int[] {0, 2}, false)).containsExactly(3);
        assertThat(Shape.reduced(new int[] {2, 3, 4}, new int[] {0, 2}, true)).containsExactly(1, 3, 1);
    }
}
