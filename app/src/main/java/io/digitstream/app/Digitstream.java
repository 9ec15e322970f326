package io.digitstream.app;

import io.digitstream.app.demo.BrokerCommand;
import io.digitstream.app.demo.DemoCommand;
import io.digitstream.app.demo.DemoOptions;
import io.digitstream.app.serving.DigitstreamServing;
import io.digitstream.app.serving.LauncherVersion;
import io.digitstream.app.training.NativesCommand;
import io.digitstream.app.training.TrainerCommand;
import io.digitstream.cli.CommandLines;
import io.digitstream.model.snapshot.JavaDeserialization;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code digitstream <command>}: the launcher of every part, and the Docker image's entry point.
 * Without a command it runs the demo ({@code digitstream demo}), so one command shows the whole
 * pipeline. A user's mistake (a bad flag, a missing file, an unreachable cluster) ends in one line
 * on stderr and exit code 1 or 2; the stack trace goes to the log only.
 */
@Command(
        name = "digitstream",
        mixinStandardHelpOptions = true,
        versionProvider = LauncherVersion.class,
        showDefaultValues = true,
        // and the serving commands, shared with digitstream-serving (DigitstreamServing.COMMANDS)
        subcommands = {DemoCommand.class, BrokerCommand.class, TrainerCommand.class, NativesCommand.class},
        description = {
            "Real-time handwritten-digit classification on Apache Kafka.",
            "Without a command: the demo (see 'digitstream demo --help'). With one: that part, against --bootstrap-servers."
        })
public final class Digitstream implements Callable<Integer> {

    @Mixin
    DemoOptions demo;

    public static void main(String[] args) {
        JavaDeserialization.forbid(); // first: nothing in digitstream deserializes Java objects, so nothing may
        System.exit(commandLine().execute(args));
    }

    /** The launcher with its error handling, as {@link #main} runs it. */
    public static CommandLine commandLine() {
        return CommandLines.of(new Digitstream(), DigitstreamServing.COMMANDS);
    }

    @Override
    public Integer call() throws Exception {
        return DemoCommand.run(demo);
    }
}
