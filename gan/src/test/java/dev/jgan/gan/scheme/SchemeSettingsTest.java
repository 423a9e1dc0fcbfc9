package dev.jgan.gan.scheme;

import static dev.jgan.gan.scheme.SchemeAlgorithmTest.NOISE;
import static dev.jgan.gan.scheme.SchemeAlgorithmTest.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgan.autodiff.Rng;
import dev.jgan.gan.nets.AutoencoderDiscriminator;
import dev.jgan.gan.schedule.Schedule;
import dev.jgan.gan.scheme.SchemeAlgorithmTest.Nets;
import dev.jgan.nn.Sequential;
import dev.jgan.nn.layers.Linear;
import dev.jgan.nn.layers.Tanh;
import dev.jgan.nn.optim.Adam;
import dev.jgan.nn.optim.SGD;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad settings fail at construction (or, for shapes only a batch reveals, at the first step) naming the setting and its value. */
class SchemeSettingsTest {
    static Latent latent() {
        return Latent.normal(new Rng(7), NOISE);
    }

    @Test
    void negativeUnrollSteps() {
        Nets n = Nets.of(1);
        assertThatThrownBy(() -> UnrolledGan.builder(n.g(), n.d(), latent()).unrollSteps(-1))
                .hasMessage("Unrolled GAN: unrollSteps must be >= 0, got unrollSteps=-1");
    }

    @Test
    void negativeOrNonFinitePenaltyWeight() {
        Nets n = Nets.of(1);
        assertThatThrownBy(() -> WganGp.builder(n.g(), n.d(), latent(), new Rng(1)).penalty(-1f, false))
                .hasMessage("GradientPenalty: lambda must be finite and >= 0, got lambda=-1.0");
        assertThatThrownBy(() -> WganGp.builder(n.g(), n.d(), latent(), new Rng(1)).penalty(Float.NaN, false)).hasMessageContaining("lambda=NaN");
    }

    @Test
    void zeroCriticSteps() {
        assertThatThrownBy(() -> Schedule.fixed(0, 1)).hasMessage("Schedule.fixed: discriminatorSteps and generatorSteps must be >= 1, got 0:1");
        assertThatThrownBy(() -> Schedule.wganReference(0)).hasMessage("Schedule.wganReference: criticSteps must be >= 1, got 0");
        assertThatThrownBy(() -> Schedule.adaptive(0, 0.5f)).hasMessageContaining("maxDiscriminatorSteps must be >= 1, got 0");
    }

    @Test
    void nonPositiveOrNaNLearningRates() {
        Nets n = Nets.of(1);
        assertThatThrownBy(() -> Optimizers.adam(n.g(), 0f, 0.5f, 0.999f)).hasMessage("Adam: learning rate must be > 0 and finite, got lr=0.0");
        assertThatThrownBy(() -> Optimizers.rmsProp(n.g(), Float.NaN)).hasMessage("RMSProp: learning rate must be > 0 and finite, got lr=NaN");
        // An optimizer built by the user at lr 0 (which the optimizer itself allows) is refused by the scheme.
        assertThatThrownBy(() -> StandardGan.builder(n.g(), n.d(), latent()).optimizers(new Adam(n.g().parameters(), 0f), new Adam(n.d().parameters(), 1e-3f)).build())
                .hasMessage("GAN: the generator's learning rate must be > 0 and finite, got lr=0.0");
    }

    @Test
    void optimizerOverTheWrongNetwork() {
        Nets n = Nets.of(1);
        assertThatThrownBy(() -> StandardGan.builder(n.g(), n.d(), latent()).optimizers(new SGD(n.d().parameters(), 0.1f), new SGD(n.d().parameters(), 0.1f)).build())
                .hasMessageContaining("GAN: the generator's optimizer must hold the generator's parameters");
    }

    @Test
    void nonPositiveClip() {
        Nets n = Nets.of(1);
        assertThatThrownBy(() -> Wgan.builder(n.g(), n.d(), latent()).clip(0f)).hasMessage("WGAN: clip must be > 0 and finite, got clip=0.0");
        assertThatThrownBy(() -> Wgan.builder(n.g(), n.d(), latent()).clip(-0.01f)).hasMessageContaining("clip=-0.01");
    }

    @Test
    void ebganMarginAndPullAwayWeight() {
        Nets n = Nets.of(1);
        AutoencoderDiscriminator ae = AutoencoderDiscriminator.mlp(new Rng(1));
        assertThatThrownBy(() -> Ebgan.builder(n.g(), ae, latent(), 0f)).hasMessage("EnergyMarginLoss: margin must be finite and > 0, got margin=0.0");
        assertThatThrownBy(() -> Ebgan.builder(n.g(), ae, latent(), 1f).pullAwayWeight(-1f)).hasMessage("PullAway: weight must be finite and >= 0, got weight=-1.0");
    }

    @Test
    void generatorOutputThatIsNotTheDiscriminatorsInput() {
        Rng init = new Rng(1);
        Sequential g = new Sequential(new Linear(NOISE, 3, init));   // makes 3-D samples
        Sequential d = new Sequential(new Linear(2, 1, init));       // the data is 2-D
        StandardGan s = StandardGan.builder(g, d, latent()).build();
        assertThatThrownBy(() -> s.step(data(new Rng(9))))
                .hasMessage("GAN: the generator's output [16, 3] (from noise of per-sample shape [3]) does not have the per-sample shape of the"
                        + " real batch [16, 2], so the discriminator cannot take both");
    }

    @Test
    void networksWithoutParameters() {
        Nets n = Nets.of(1);
        assertThatThrownBy(() -> StandardGan.builder(new Sequential(new Tanh()), n.d(), latent()).build())
                .hasMessage("GAN: the generator has no parameters to train");
        assertThatThrownBy(() -> WganGp.builder(n.g(), new Sequential(new Tanh()), latent(), new Rng(1)).build())
                .hasMessage("WGAN-GP: the discriminator has no parameters to train");
    }

    @Test
    void wganGpWarnsAboutBatchNormInTheCritic() {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger logger = Logger.getLogger(WganGp.class.getName());
        logger.addHandler(h);
        try {
            Rng init = new Rng(1);
            Nets n = Nets.of(1);
            WganGp.builder(n.g(), n.d(), latent(), new Rng(1)).build();
            assertThat(records).isEmpty();
            WganGp.builder(n.g(), new Sequential(new Linear(2, 4, init), new dev.jgan.nn.layers.BatchNorm1d(4), new Linear(4, 1, init)), latent(), new Rng(1)).build();
            assertThat(records).hasSize(1);
            assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
            assertThat(records.get(0).getMessage()).contains("batch norm");
        } finally {
            logger.removeHandler(h);
        }
    }
}
