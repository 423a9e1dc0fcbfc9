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
        subcommands = {GaussiansCommand.class})
public final class Jgan {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Jgan()).execute(args));
    }
}
