package dev.jgan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgan.nn.io.SafeTensorsReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GaussiansCommandTest {

    private static int run(Path out, String... extra) {
        String[] base = {"gaussians", "--steps", "6", "--batch", "64", "--eval-every", "3", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return new CommandLine(new Jgan()).execute(args);
    }

    /** The main job: standard and Unrolled GAN side by side, a figure and the metrics of both. */
    @Test
    void comparesStandardAndUnrolled(@TempDir Path dir) throws Exception {
        assertThat(run(dir, "--unroll-steps", "2")).isZero();
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo(GaussiansCommand.CSV_HEADER);
        assertThat(csv).hasSize(5);
        assertThat(csv.subList(1, 5)).extracting(l -> l.substring(0, l.indexOf(',', l.indexOf(',') + 1)))
                .containsExactly("standard,3", "standard,6", "unrolled,3", "unrolled,6");
        BufferedImage samples = ImageIO.read(dir.resolve("samples.png").toFile()), critic = ImageIO.read(dir.resolve("critic.png").toFile());
        // the critic figure has the samples figure's panels: 2 schemes x 2 evaluations
        assertThat(critic.getWidth()).isEqualTo(samples.getWidth());
        assertThat(critic.getHeight()).isBetween(samples.getHeight() - 60, samples.getHeight() + 60);
        BufferedImage curves = ImageIO.read(dir.resolve("curves.png").toFile());
        assertThat(curves.getWidth()).isEqualTo(Curves.WIDTH);
        // the title, losses, gradient norms, modes covered, high-quality share and reverse KL when it is finite (it is
        // infinite while a mode has no sample); no Wasserstein estimate for these schemes
        assertThat(curves.getHeight()).isIn(34 + 4 * 240, 34 + 5 * 240);
        assertThat(dir.resolve("generator.safetensors")).doesNotExist();
        assertThat(csv.get(1)).endsWith(",NaN,NaN"); // no critic estimate for the standard GAN
    }

    /** One scheme alone also writes its generator with PyTorch's Sequential keys. */
    @Test
    void oneSchemeWritesItsGenerator(@TempDir Path dir) throws Exception {
        assertThat(run(dir, "--scheme", "wgan-gp", "--data", "grid25")).isZero();
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv).hasSize(3);
        String[] last = csv.get(2).split(",");
        // The critic's Wasserstein estimates, on the training batch and on a held-out one: numbers for WGAN-GP.
        assertThat(Float.parseFloat(last[10])).isFinite();
        assertThat(Float.parseFloat(last[11])).isFinite();
        assertThat(ImageIO.read(dir.resolve("critic.png").toFile()).getWidth()).isEqualTo(ImageIO.read(dir.resolve("samples.png").toFile()).getWidth());
        assertThat(SafeTensorsReader.read(dir.resolve("generator.safetensors")).tensors().keySet())
                .containsExactlyInAnyOrder("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias");
    }

    /** The swiss roll has no modes: the run has no coverage to report, but its critic estimates and figures. */
    @Test
    void aToySetWithoutModes(@TempDir Path dir) throws Exception {
        assertThat(run(dir, "--scheme", "wgan", "--data", "swissroll")).isZero();
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv).hasSize(3);
        String[] last = csv.get(2).split(",", -1);
        assertThat(last).hasSize(12);
        assertThat(List.of(last[6], last[7], last[8], last[9])).containsOnly(""); // modes_covered .. reverse_kl
        assertThat(Float.parseFloat(last[10])).isFinite();
        assertThat(Float.parseFloat(last[11])).isFinite();
        for (String png : List.of("samples.png", "critic.png", "curves.png"))
            assertThat(ImageIO.read(dir.resolve(png).toFile()).getWidth()).as(png).isGreaterThan(300);
    }

    @Test
    void sameSeedSameRun(@TempDir Path a, @TempDir Path b) throws Exception {
        assertThat(run(a, "--seed", "5", "--scheme", "unrolled", "--unroll-steps", "1")).isZero();
        assertThat(run(b, "--seed", "5", "--scheme", "unrolled", "--unroll-steps", "1")).isZero();
        assertThat(Files.readAllLines(a.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(b.resolve("metrics.csv")));
        assertThat(Files.readAllBytes(a.resolve("generator.safetensors"))).isEqualTo(Files.readAllBytes(b.resolve("generator.safetensors")));
    }

    @Test
    void rejectsBadOptions(@TempDir Path dir) {
        assertThat(run(dir, "--scheme", "bogus")).isEqualTo(2);
        assertThat(run(dir, "--unroll-steps", "-1")).isEqualTo(2);
        assertThat(run(dir, "--data", "ring9")).isEqualTo(2);
        assertThat(run(dir, "--steps", "0")).isEqualTo(2);
    }
}
