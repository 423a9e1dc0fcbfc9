package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaussianRingTest {
    private final GaussianRing ring = GaussianRing.standard();

    @Test
    void centresLieOnTheCircle() {
        assertThat(ring.centreX(0)).isEqualTo(2f);
        assertThat(ring.centreY(2)).isCloseTo(2f, within(1e-6f));
        assertThat(ring.centreX(4)).isCloseTo(-2f, within(1e-6f));
    }

    @Test
    void realSamplesCoverEveryMode() {
        GaussianRing.Coverage c = ring.coverage(ring.sample(new Rng(1), 4000), 0.5);
        assertThat(c.modesCovered()).isEqualTo(8);
        assertThat(c.highQualityShare()).isGreaterThan(0.98); // 3 std of a 2-D Gaussian hold 98.9%
    }

    @Test
    void collapsedSamplesCoverOneMode() {
        Tensor oneMode = Tensor.of(new float[] {2f, 0f, 2.01f, 0f, 1.99f, 0.01f, 0f, 0f}, 4, 2);
        GaussianRing.Coverage c = ring.coverage(oneMode, 0.5);
        assertThat(c.modesCovered()).isEqualTo(1);
        assertThat(c.highQualityShare()).isEqualTo(0.75);
        assertThat(c.perMode()).containsExactly(3, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> ring.coverage(Tensor.zeros(3, 3), 0.5)).hasMessageContaining("[3, 3]");
        assertThatThrownBy(() -> new GaussianRing(0, 1f, 1f)).hasMessageContaining("modes > 0");
    }

    @Test
    void plotMarksPointsWhereTheyAre(@TempDir Path dir) throws Exception {
        ScatterPlot plot = new ScatterPlot(101, 1f, "t").points(new float[] {0.5f, 0.5f}, Color.RED);
        Path file = dir.resolve("p.png");
        plot.write(file);
        var img = ImageIO.read(file.toFile());
        assertThat(img.getWidth()).isEqualTo(101);
        assertThat(new Color(img.getRGB(75, 25))).isEqualTo(Color.RED);      // (0.5, 0.5) -> pixel (75, 25)
        assertThat(new Color(img.getRGB(25, 75))).isEqualTo(Color.WHITE);
        assertThat(Files.list(dir)).containsExactly(file);                     // no temporary file left behind
    }
}
