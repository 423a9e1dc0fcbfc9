package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.GradMode;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.nn.layers.Linear;
import java.awt.Color;
import java.awt.Rectangle;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriticFieldTest {

    /** D(x, y) = 2x - y + 0.5. */
    private static Linear linearCritic() {
        Linear d = new Linear(2, 1);
        try (GradMode.Scope s = GradMode.noGrad()) {
            d.stateDict().get("weight").copyInPlace(Tensor.of(new float[] {2f, -1f}, 1, 2));
            d.stateDict().get("bias").copyInPlace(Tensor.of(new float[] {0.5f}, 1));
        }
        return d;
    }

    @Test
    void evaluatesTheCriticAtTheCellCentres() {
        // Window [-2, 2]^2 in 4 x 4 cells: centres at -1.5, -0.5, 0.5, 1.5; row 0 at the top (y = 1.5).
        CriticField f = CriticField.evaluate(linearCritic(), 2f, 4);
        float[] centres = {-1.5f, -0.5f, 0.5f, 1.5f};
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) assertThat(f.at(r, c)).as("row %d col %d", r, c).isCloseTo(2 * centres[c] - centres[3 - r] + 0.5f, within(1e-6f));
        assertThat(f.max()).isCloseTo(2 * 1.5f + 1.5f + 0.5f, within(1e-6f)); // bottom right: x = 1.5, y = -1.5
        assertThat(f.min()).isCloseTo(-3f - 1.5f + 0.5f, within(1e-6f)); // top left
        assertThat(f.values()).hasSize(16);
        assertThat(GradMode.isEnabled()).isTrue(); // the no-grad scope is closed again
    }

    @Test
    void contourSegmentsLieOnTheLevelLine() {
        CriticField f = CriticField.evaluate(linearCritic(), 2f, 8);
        double level = 1.0;
        List<double[]> segments = f.contour(level);
        assertThat(segments).isNotEmpty();
        for (double[] s : segments)
            for (int k = 0; k < 4; k += 2) {
                // cell units to the plane: x = centre(col), y = -centre(row), linear between centres
                double x = -2 + (s[k] + 0.5) * 0.5, y = 2 - (s[k + 1] + 0.5) * 0.5;
                assertThat(2 * x - y + 0.5).isCloseTo(level, within(1e-5));
            }
        assertThat(f.contour(f.max() + 1)).isEmpty();
    }

    @Test
    void colourMapEnds() {
        assertThat(CriticField.colour(0)).isEqualTo(new Color(68, 1, 84));
        assertThat(CriticField.colour(1)).isEqualTo(new Color(253, 231, 37));
        assertThat(CriticField.colour(7)).isEqualTo(new Color(253, 231, 37)); // clamped
    }

    /** In the critic figure, the corner where D is highest has the top colour of the map, the opposite one the bottom. */
    @Test
    void highestCornerHasTheTopColour() {
        GaussianMixture ring = GaussianMixture.ring8();
        float window = SampleGridFigure.window(ring);
        // D(x, y) = 2x - y + 0.5 is highest at the bottom-right corner, lowest at the top-left.
        CriticField f = CriticField.evaluate(linearCritic(), window, 20);
        SampleGridFigure fig = SampleGridFigure.critic("critic", List.of("linear"), new int[] {1}, ring);
        fig.panel(0, 0, new float[0], null, f);
        Rectangle b = fig.bounds(0, 0);
        assertThat(new Color(fig.image().getRGB(b.x + b.width - 4, b.y + b.height - 4))).isEqualTo(CriticField.colour(1));
        // Any other cell has its own value's place in the range: the bottom-left one (row 19, column 0), clear of the panel's notes.
        int cellX = b.x + 4, cellY = b.y + b.height - 4;
        float expected = (f.at(19, 0) - f.min()) / (f.max() - f.min());
        assertThat(new Color(fig.image().getRGB(cellX, cellY))).isEqualTo(CriticField.colour(expected));
    }
}
