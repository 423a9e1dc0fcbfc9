package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.autodiff.Tensor;
import dev.jgan.gan.data.GaussianMixture;
import dev.jgan.gan.data.SwissRoll;
import dev.jgan.gan.eval.ModeCoverage;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGridFigureTest {
    private final GaussianMixture ring = GaussianMixture.ring8();

    private static boolean isSample(int rgb) {
        Color c = new Color(rgb);
        return c.getBlue() > c.getRed() + 60 && c.getBlue() > c.getGreen() + 30;
    }

    private static boolean isMode(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() > c.getGreen() + 60 && c.getRed() > c.getBlue() + 60;
    }

    private static int count(BufferedImage img, Rectangle r, java.util.function.IntPredicate what) {
        int n = 0;
        for (int y = r.y + 1; y < r.y + r.height; y++)
            for (int x = r.x + 1; x < r.x + r.width; x++) if (what.test(img.getRGB(x, y))) n++;
        return n;
    }

    @Test
    void everyPanelShowsItsSamplesAndTheModes() {
        SampleGridFigure fig = new SampleGridFigure("8 Gaussians", List.of("standard", "unrolled (k = 5)"), new int[] {1000, 2000, 3000}, ring);
        assertThat(fig.extent()).isEqualTo(3f);
        Rng rng = new Rng(1);
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++) {
                Tensor s = ring.sample(rng, 500);
                fig.panel(r, c, s.toArray(), ModeCoverage.of(s, ring));
            }
        BufferedImage img = fig.image();
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++) {
                Rectangle b = fig.bounds(r, c);
                assertThat(b.x + b.width).isLessThan(img.getWidth());
                assertThat(b.y + b.height).isLessThan(img.getHeight());
                assertThat(count(img, b, SampleGridFigureTest::isSample)).as("sample pixels in panel %d, %d", r, c).isGreaterThan(50);
                for (float[] m : ring.modes()) {
                    int[] p = fig.pixel(r, c, m[0], m[1]);
                    assertThat(count(img, new Rectangle(p[0] - 8, p[1] - 8, 16, 16), SampleGridFigureTest::isMode)).isPositive();
                }
            }
        // nothing sample-coloured outside the panels (the legend's marker excepted)
        int legendTop = fig.bounds(1, 0).y + fig.bounds(1, 0).height + 20;
        Rectangle legend = new Rectangle(0, legendTop, img.getWidth() - 1, img.getHeight() - 1 - legendTop);
        int outside = count(img, new Rectangle(0, 0, img.getWidth() - 1, img.getHeight() - 1), SampleGridFigureTest::isSample)
                - count(img, legend, SampleGridFigureTest::isSample);
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++) outside -= count(img, fig.bounds(r, c), SampleGridFigureTest::isSample);
        assertThat(outside).isZero();
    }

    @Test
    void aPointIsDrawnWhereItIs() {
        SampleGridFigure fig = new SampleGridFigure("t", List.of("a"), new int[] {0}, ring, 120);
        fig.panel(0, 0, new float[] {1.5f, -0.75f}); // away from every mode's marks
        Rectangle b = fig.bounds(0, 0);
        // (1.5, -0.75) in [-3, 3]^2: three quarters across, five eighths down
        assertThat(fig.pixel(0, 0, 1.5f, -0.75f)).containsExactly(b.x + 90, b.y + 75);
        assertThat(isSample(fig.image().getRGB(b.x + 90, b.y + 75))).isTrue();
        assertThat(count(fig.image(), b, SampleGridFigureTest::isSample)).isEqualTo(9); // one 3x3 dot
    }

    @Test
    void anEmptyPanelHasNoSamplesAndAGridGrowsByAPanelAndAGap() {
        SampleGridFigure two = new SampleGridFigure("t", List.of("a"), new int[] {1, 2}, ring, 150);
        SampleGridFigure three = new SampleGridFigure("t", List.of("a"), new int[] {1, 2, 3}, ring, 150);
        SampleGridFigure tall = new SampleGridFigure("t", List.of("a", "b"), new int[] {1, 2, 3}, ring, 150);
        int gap = two.bounds(0, 1).x - two.bounds(0, 0).x - 150;
        assertThat(gap).isPositive();
        assertThat(three.image().getWidth() - two.image().getWidth()).isEqualTo(150 + gap);
        assertThat(tall.image().getHeight() - three.image().getHeight()).isEqualTo(150 + gap);
        assertThat(count(three.image(), three.bounds(0, 2), SampleGridFigureTest::isSample)).isZero();
    }

    @Test
    void samplesOutsideTheWindowOrNotFiniteAreNotDrawn() {
        SampleGridFigure fig = new SampleGridFigure("t", List.of("a"), new int[] {0}, ring, 120);
        fig.panel(0, 0, new float[] {7f, 0f, Float.NaN, 1f, 0f, Float.POSITIVE_INFINITY});
        assertThat(count(fig.image(), fig.bounds(0, 0), SampleGridFigureTest::isSample)).isZero();
    }

    @Test
    void aSecondPanelCallReplacesTheFirst() {
        SampleGridFigure fig = new SampleGridFigure("t", List.of("a"), new int[] {0}, ring, 120);
        fig.panel(0, 0, new float[] {1.5f, -0.75f});
        fig.panel(0, 0, new float[] {-0.75f, 1.5f});
        int[] old = fig.pixel(0, 0, 1.5f, -0.75f), now = fig.pixel(0, 0, -0.75f, 1.5f);
        assertThat(isSample(fig.image().getRGB(old[0], old[1]))).isFalse();
        assertThat(isSample(fig.image().getRGB(now[0], now[1]))).isTrue();
    }

    @Test
    void withoutModesTheRealDataIsShown() {
        SwissRoll roll = new SwissRoll();
        SampleGridFigure fig = new SampleGridFigure("swiss roll", List.of("a"), new int[] {0}, roll, 150);
        assertThat(fig.extent()).isEqualTo(3f); // the roll reaches about 2.0
        Rectangle b = fig.bounds(0, 0);
        assertThat(count(fig.image(), b, rgb -> new Color(rgb).equals(SampleGridFigure.REAL))).isGreaterThan(200);
        assertThat(count(fig.image(), b, SampleGridFigureTest::isMode)).isZero();
    }

    @Test
    void scales() {
        assertThat(SampleGridFigure.extent(new float[] {4f, -4f})).isEqualTo(5f);
        assertThat(SampleGridFigure.extent(new float[] {0f})).isEqualTo(1f);
        assertThat(SampleGridFigure.tickStep(3f)).isEqualTo(1f);
        assertThat(SampleGridFigure.tickStep(5f)).isEqualTo(2f);
        assertThat(SampleGridFigure.tickStep(1f)).isEqualTo(0.5f);
        assertThat(SampleGridFigure.tickStep(30f)).isEqualTo(10f);
    }

    @Test
    void writesAPngAtomically(@TempDir Path dir) throws Exception {
        SampleGridFigure fig = new SampleGridFigure("t", List.of("a", "b"), new int[] {10, 20}, ring);
        fig.panel(1, 1, ring.sample(new Rng(2), 200).toArray());
        Path file = dir.resolve("out").resolve("samples.png");
        fig.write(file);
        fig.write(file); // replaces the file
        BufferedImage read = ImageIO.read(file.toFile());
        assertThat(read.getWidth()).isEqualTo(fig.image().getWidth());
        assertThat(read.getHeight()).isEqualTo(fig.image().getHeight());
        assertThat(read.getRGB(fig.bounds(1, 1).x + 60, fig.bounds(1, 1).y + 60)).isEqualTo(fig.image().getRGB(fig.bounds(1, 1).x + 60, fig.bounds(1, 1).y + 60));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) // not rw------- as createTempFile makes it
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        SampleGridFigure fig = new SampleGridFigure("t", List.of("a"), new int[] {0}, ring, 100);
        assertThatThrownBy(() -> fig.write(notADirectory.resolve("samples.png")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write " + notADirectory.resolve("samples.png"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(notADirectory);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> new SampleGridFigure("t", List.of(), new int[] {0}, ring)).hasMessageContaining("at least one row name");
        assertThatThrownBy(() -> new SampleGridFigure("t", List.of("a"), new int[0], ring)).hasMessageContaining("at least one column step");
        assertThatThrownBy(() -> new SampleGridFigure("t", List.of("a"), new int[] {0}, ring, 50)).hasMessageContaining("panel size must be in 100..2000 pixels, got 50");
        SampleGridFigure fig = new SampleGridFigure("t", List.of("a"), new int[] {0, 1}, ring, 100);
        assertThatThrownBy(() -> fig.panel(1, 0, new float[0])).hasMessageContaining("row 1 outside 0..0");
        assertThatThrownBy(() -> fig.panel(0, 2, new float[0])).hasMessageContaining("column 2 outside 0..1");
        assertThatThrownBy(() -> fig.panel(0, 0, new float[3])).hasMessageContaining("x, y pairs, got 3 values");
    }
}
