package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvesTest {

    @Test
    void movingAverageIsTheCentredMeanCutAtTheEnds() {
        double[] y = {1, 2, 3, 4, 10};
        assertThat(Curves.movingAverage(y, 0)).containsExactly(1, 2, 3, 4, 10);
        // [1,2] [1,2,3] [2,3,4] [3,4,10] [4,10]
        assertThat(Curves.movingAverage(y, 1)).containsExactly(new double[] {1.5, 2, 3, 17.0 / 3, 7}, within(1e-12));
        // [1,2,3] [1,2,3,4] [1..10] [2,3,4,10] [3,4,10]
        assertThat(Curves.movingAverage(y, 2)).containsExactly(new double[] {2, 2.5, 4, 4.75, 17.0 / 3}, within(1e-12));
    }

    @Test
    void smoothingStartsAboveTwoHundredPointsWithAWindowOfTwoPercent() {
        assertThat(Curves.smoothingHalfWidth(200)).isZero();
        assertThat(Curves.smoothingHalfWidth(201)).isEqualTo(2);
        assertThat(Curves.smoothingHalfWidth(100_000)).isEqualTo(1000); // a window of 2,001 iterations
    }

    @Test
    void minMaxDownsampleKeepsEveryBucketsExtremesInOrder() {
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7}, y = {5, 1, 3, 8, 2, 2, 9, 0};
        double[][] d = Curves.minMaxDownsample(x, y, 2);
        // bucket 0..3: min 1 at x=1, max 8 at x=3; bucket 4..7: max 9 at x=6, min 0 at x=7
        assertThat(d[0]).containsExactly(1, 3, 6, 7);
        assertThat(d[1]).containsExactly(1, 8, 9, 0);
        assertThat(Curves.minMaxDownsample(x, y, 4)[1]).containsExactly(y); // short enough already
        // A spike of one iteration in 100,000 survives the reduction to 1,000 points.
        double[] big = new double[100_000], bx = new double[100_000];
        for (int i = 0; i < big.length; i++) bx[i] = i + 1;
        big[61_234] = 500;
        double[][] r = Curves.minMaxDownsample(bx, big, 500);
        assertThat(r[0]).hasSize(1000).contains(61_235.0);
        assertThat(r[1]).contains(500.0);
    }

    @Test
    void thinKeepsEveryKthPointAndTheLast() {
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[][] t = Curves.thin(x, x, 4); // step ceil(9 / 3) = 3: 0, 3, 6, 9
        assertThat(t[0]).containsExactly(0, 3, 6, 9);
        assertThat(Curves.thin(x, x, 3)[0]).containsExactly(0, 5, 9); // step ceil(9 / 2) = 5
        assertThat(Curves.thin(x, x, 10)[0]).containsExactly(x);
        double[] many = new double[100_000];
        for (int i = 0; i < many.length; i++) many[i] = i;
        double[][] m = Curves.thin(many, many, Curves.MAX_POINTS);
        assertThat(m[0].length).isLessThanOrEqualTo(Curves.MAX_POINTS);
        assertThat(m[0][m[0].length - 1]).isEqualTo(99_999);
    }

    /** A header with columns this code has never heard of, empty cells off the evaluation rows, a row being written. */
    @Test
    void readsMetricsByTheirHeader(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("metrics.csv"), """
                iteration,loss_d,loss_g,grad_norm_d,grad_norm_g,d_steps,g_steps,wasserstein_estimate,diversity,inception_score,fid
                1,0.5,1.5,2.0,3.0,5,1,0.1,,,
                2,0.25,1.25,2.5,3.5,5,1,0.2,1.75,2.5,120.5
                3,0.125,1""");
        Curves.Table t = Curves.readMetrics(csv, Curves.IMAGES);
        assertThat(t.rows()).isEqualTo(2); // the last line has no newline yet
        assertThat(t.column("iteration")).containsExactly(1, 2);
        assertThat(t.column("loss_g")).containsExactly(1.5, 1.25);
        assertThat(t.column("inception_score")[0]).isNaN();
        assertThat(t.column("inception_score")[1]).isEqualTo(2.5);
        assertThat(t.column("fid")[1]).isEqualTo(120.5);
        assertThat(Curves.panels(t, Curves.IMAGES)).extracting(Curves.Panel::title).containsExactly("losses",
                "gradient norms (global L2 norm of the parameters' gradients, log scale)", "wasserstein estimate", "diversity", "inception score", "fid");
        assertThat(Curves.panels(t, Curves.IMAGES).get(1).log()).isTrue();
    }

    /** gaussians: a text column names the scheme; columns sharing a first word share a panel; a column with no number has none. */
    @Test
    void groupsAndFamilies(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("metrics.csv"), GaussiansCommand.CSV_HEADER + "\n"
                + "standard,3,1.0,0.7,0.5,0.25,2,8,0.5,1.25,NaN,NaN\n"
                + "unrolled,3,1.1,0.8,0.6,0.35,5,8,0.75,0.5,NaN,NaN\n");
        Curves.Table t = Curves.readMetrics(csv, Curves.GAUSSIANS);
        assertThat(t.groups()).containsExactly("standard", "unrolled");
        assertThat(t.column("scheme")[0]).isNaN();
        assertThat(t.column("modes_covered")).containsExactly(2, 5);
        // modes is hidden (the constant total); the Wasserstein columns hold no number for these schemes
        assertThat(Curves.panels(t, Curves.GAUSSIANS)).extracting(Curves.Panel::title)
                .containsExactly("losses", "gradient norms (global L2 norm of the parameters' gradients, log scale)", "modes covered",
                        "high quality share", "reverse kl");
        Path wgan = Files.writeString(dir.resolve("wgan.csv"), GaussiansCommand.CSV_HEADER + "\nwgan,3,1,1,1,1,2,8,0.5,1.25,0.5,0.75\n");
        assertThat(Curves.panels(Curves.readMetrics(wgan, Curves.GAUSSIANS), Curves.GAUSSIANS)).last()
                .isEqualTo(new Curves.Panel("wasserstein", "wasserstein", false, List.of("wasserstein_train", "wasserstein_heldout")));
    }

    @Test
    void readsTheMonitorsEventsOncePerIterationAndKind(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("monitor.csv"), """
                iteration,event,name,value
                40,gradient_norm,grad_norm_d,512.0
                40,gradient_norm,threshold,100.0
                90,d_loss_near_zero,d_loss,1.0E-4
                90,gradient_norm,grad_norm_g,120.0
                95,d_lo""");
        assertThat(Curves.readEvents(csv)).containsExactly(new Curves.Event(40, "gradient_norm"), new Curves.Event(90, "d_loss_near_zero"),
                new Curves.Event(90, "gradient_norm"));
        assertThat(Curves.readEvents(dir.resolve("none.csv"))).isEmpty();
    }

    /** The figure: one panel per family and the events, the series in their colours where their values lie. */
    @Test
    void drawsTheSeriesAndEventsInTheirColours(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder("iteration,loss_d,loss_g,grad_norm_d,grad_norm_g,d_steps,g_steps,diversity\n");
        for (int i = 1; i <= 1000; i++) b.append(i).append(",1.0,2.0,").append(i == 500 ? 100 : 1).append(",0.1,1,1,").append(i % 100 == 0 ? "0.5" : "").append('\n');
        Path metrics = Files.writeString(dir.resolve("metrics.csv"), b);
        Path monitor = Files.writeString(dir.resolve("monitor.csv"), "iteration,event,name,value\n500,gradient_norm,grad_norm_d,100.0\n");
        Path png = dir.resolve("curves.png");
        Curves.write(metrics, monitor, Curves.IMAGES, "test run", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(Curves.WIDTH);
        assertThat(img.getHeight()).isEqualTo(34 + 3 * 240 + 130 + 20); // title, 3 panels, the events panel with a legend line per kind
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("metrics.csv", "monitor.csv", "curves.png");
        }
        // Panel (a): D's loss is 1, G's 2: across the plot, rows of D's blue lie below rows of G's orange.
        int blueRow = lastRowWith(img, new Color(31, 119, 180), 0, 300), orangeRow = lastRowWith(img, new Color(255, 127, 14), 0, 300);
        assertThat(blueRow).isGreaterThan(orangeRow + 20);
        // Panel (d): the gradient-norm event's vertical line, in its kind's colour, in the figure's last panel.
        assertThat(pixels(img, new Color(148, 103, 189), img.getHeight() - 200, img.getHeight())).isGreaterThan(60);
        assertThat(pixels(img, new Color(148, 103, 189), 0, img.getHeight() - 200)).isZero();
    }

    /** The lowest row in [from, to) where at least 100 pixels have the colour (within antialiasing's blending), or -1. */
    private static int lastRowWith(BufferedImage img, Color c, int from, int to) {
        int found = -1;
        for (int y = from; y < to; y++) if (pixels(img, c, y, y + 1) >= 100) found = y;
        return found;
    }

    /** The pixels in rows [from, to) of the colour, within antialiasing's blending. */
    private static int pixels(BufferedImage img, Color c, int from, int to) {
        int n = 0;
        for (int y = from; y < to; y++)
            for (int x = 0; x < img.getWidth(); x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen()) + Math.abs(p.getBlue() - c.getBlue()) < 30) n++;
            }
        return n;
    }
}
