package dev.jgan.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jgan} command: runnable experiments. Build with {@code mvn -B -q -DskipTests package}, then
 * {@code java --add-modules jdk.incubator.vector -jar examples/target/jgan.jar <experiment> [options]}
 * ({@code --help} lists the options of each).
 */
@Command(name = "jgan", mixinStandardHelpOptions = true, version = "jgan 0.1.0-SNAPSHOT",
        description = "GAN experiments on jgan's autodiff engine.",
        subcommands = {GaussiansCommand.class, ImagesCommand.class, ClassifierCommand.class, EvaluateCommand.class})
public final class Jgan {
    /** Columns of {@code --help}: the widest option column plus the hand-broken descriptions. */
    static final int USAGE_WIDTH = 160;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: a bad option (unknown, missing value, not a number) is one line on
     * stderr naming the command and exit status 2, no usage dump.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Jgan());
        // The option descriptions are broken by hand at about 120 characters; picocli's default of 80 columns would
        // wrap each of those lines again, leaving ragged halves.
        cl.setUsageHelpWidth(USAGE_WIDTH);
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (see --help)");
            c.getErr().flush();
            return 2;
        });
        return cl;
    }
}
