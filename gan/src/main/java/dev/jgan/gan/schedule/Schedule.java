package dev.jgan.gan.schedule;

/**
 * Who steps next within one training iteration: how many discriminator (critic) steps, then how many generator
 * steps. Orthogonal to the schemes: any scheme runs under any schedule. A schedule decides from the iteration's
 * progress alone (D steps taken so far, the last D loss, G steps taken over the whole run), so it keeps no state of
 * its own and a resumed run follows it exactly.
 *
 * <p>The two time-scale update rule (TTUR, Heusel et al. 2017) is a schedule of learning rates rather than of
 * steps: a 1:1 schedule with D's optimizer at a higher rate than G's (see {@code Optimizers.adam}).
 */
public interface Schedule {
    /**
     * Whether D takes another step in this iteration, after {@code dStepsTaken} (>= 1) of them, the last with loss
     * {@code lastDLoss}, in the iteration that follows {@code generatorSteps} G steps of the run.
     */
    boolean anotherDiscriminatorStep(int dStepsTaken, float lastDLoss, long generatorSteps);

    /** G steps per iteration, after D's. */
    int generatorSteps();

    /**
     * Whether the iteration after {@code generatorSteps} G steps may end its D phase after one D step (then G's
     * step can reuse that step's generated batch, so the scheme keeps its graph).
     */
    boolean mayStopAfterOneDiscriminatorStep(long generatorSteps);

    /** A short description for logs, e.g. {@code "5:1"}. */
    String describe();

    /** Fixed nD:nG, e.g. 1:1 (GAN, DCGAN) or 5:1 (WGAN, WGAN-GP). */
    static Schedule fixed(int discriminatorSteps, int generatorSteps) {
        return new Fixed(discriminatorSteps, generatorSteps);
    }

    /** One D step, then one G step. */
    static Schedule alternating() {
        return fixed(1, 1);
    }

    /**
     * The WGAN reference code's critic schedule (Arjovsky et al. 2017, main.py): 100 critic steps per G step for
     * the first 25 G steps and at every 500th, to train the critic near optimality, {@code criticSteps} otherwise.
     */
    static Schedule wganReference(int criticSteps) {
        return new WganReference(criticSteps);
    }

    /**
     * Extra D steps while D is losing: after each D step another one follows while its loss is at or above
     * {@code lossLimit}, up to {@code maxDiscriminatorSteps} in the iteration; then one G step. E.g.
     * {@code adaptive(5, 0.5f)}: up to 5 D steps while the D loss >= 0.5.
     */
    static Schedule adaptive(int maxDiscriminatorSteps, float lossLimit) {
        return new Adaptive(maxDiscriminatorSteps, lossLimit);
    }

    /** nD:nG. */
    record Fixed(int discriminatorSteps, int generatorSteps) implements Schedule {
        public Fixed {
            if (discriminatorSteps < 1 || generatorSteps < 1)
                throw new IllegalArgumentException("Schedule.fixed: discriminatorSteps and generatorSteps must be >= 1, got "
                        + discriminatorSteps + ":" + generatorSteps);
        }

        @Override
        public boolean anotherDiscriminatorStep(int dStepsTaken, float lastDLoss, long generatorStepsSoFar) {
            return dStepsTaken < discriminatorSteps;
        }

        @Override
        public boolean mayStopAfterOneDiscriminatorStep(long generatorStepsSoFar) {
            return discriminatorSteps == 1;
        }

        @Override
        public String describe() {
            return discriminatorSteps + ":" + generatorSteps;
        }
    }

    /** 100 critic steps for the first 25 G steps and every 500th, criticSteps otherwise; one G step. */
    record WganReference(int criticSteps) implements Schedule {
        public WganReference {
            if (criticSteps < 1) throw new IllegalArgumentException("Schedule.wganReference: criticSteps must be >= 1, got " + criticSteps);
        }

        /** The number of critic steps in the iteration after {@code generatorSteps} G steps. */
        public int criticStepsAt(long generatorSteps) {
            return generatorSteps < 25 || generatorSteps % 500 == 0 ? 100 : criticSteps;
        }

        @Override
        public boolean anotherDiscriminatorStep(int dStepsTaken, float lastDLoss, long generatorSteps) {
            return dStepsTaken < criticStepsAt(generatorSteps);
        }

        @Override
        public int generatorSteps() {
            return 1;
        }

        @Override
        public boolean mayStopAfterOneDiscriminatorStep(long generatorSteps) {
            return criticStepsAt(generatorSteps) == 1;
        }

        @Override
        public String describe() {
            return "wgan-reference(" + criticSteps + ", 100 for the first 25 G steps and every 500th)";
        }
    }

    /** Up to maxDiscriminatorSteps D steps while the D loss >= lossLimit; one G step. */
    record Adaptive(int maxDiscriminatorSteps, float lossLimit) implements Schedule {
        public Adaptive {
            if (maxDiscriminatorSteps < 1)
                throw new IllegalArgumentException("Schedule.adaptive: maxDiscriminatorSteps must be >= 1, got " + maxDiscriminatorSteps);
            if (!Float.isFinite(lossLimit)) throw new IllegalArgumentException("Schedule.adaptive: lossLimit must be finite, got " + lossLimit);
        }

        @Override
        public boolean anotherDiscriminatorStep(int dStepsTaken, float lastDLoss, long generatorSteps) {
            return dStepsTaken < maxDiscriminatorSteps && lastDLoss >= lossLimit;
        }

        @Override
        public int generatorSteps() {
            return 1;
        }

        @Override
        public boolean mayStopAfterOneDiscriminatorStep(long generatorSteps) {
            return true;
        }

        @Override
        public String describe() {
            return "adaptive(up to " + maxDiscriminatorSteps + " D steps while D loss >= " + lossLimit + ")";
        }
    }
}
