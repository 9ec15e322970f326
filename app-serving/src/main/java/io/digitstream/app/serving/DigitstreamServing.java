package io.digitstream.app.serving;

import io.digitstream.app.command.AccuracyCommand;
import io.digitstream.app.command.ClassifierCommand;
import io.digitstream.app.command.ConsoleCommand;
import io.digitstream.app.command.HealthCommand;
import io.digitstream.app.command.KeysCommand;
import io.digitstream.app.command.ModelCommand;
import io.digitstream.app.command.ProducerCommand;
import io.digitstream.app.command.TopicsCommand;
import io.digitstream.cli.CommandLines;
import io.digitstream.model.snapshot.JavaDeserialization;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code digitstream-serving <command>}: the launcher of a serving-only install. It carries every
 * part that serves or feeds a running pipeline (classifier, console, accuracy, producer, topics,
 * keys, health, model import) and nothing that trains: no Deeplearning4j, no ND4J natives, no
 * embedded broker. Models come from the topic, or from {@code model import} of an ONNX file.
 */
@Command(
        name = "digitstream-serving",
        mixinStandardHelpOptions = true,
        versionProvider = LauncherVersion.class,
        showDefaultValues = true,
        description = {
            "The serving parts of digitstream, without the training stack.",
            "Each command runs one part against --bootstrap-servers; 'digitstream' (the full install) also trains."
        })
public final class DigitstreamServing implements Callable<Integer> {
    /** The serving commands, in the order help lists them: this launcher's, and the full one's too. */
    public static final List<Class<?>> COMMANDS = List.of(
            TopicsCommand.class,
            ModelCommand.class,
            ClassifierCommand.class,
            ProducerCommand.class,
            AccuracyCommand.class,
            ConsoleCommand.class,
            KeysCommand.class,
            HealthCommand.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        JavaDeserialization.forbid(); // first: nothing in digitstream deserializes Java objects, so nothing may
        System.exit(commandLine().execute(args));
    }

    /** The launcher with its error handling, as {@link #main} runs it. */
    public static CommandLine commandLine() {
        return CommandLines.of(new DigitstreamServing(), COMMANDS);
    }

    @Override
    public Integer call() {
        // no demo here: it trains. Say what there is, in the one line a mistake gets.
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "a command is needed, one of: "
                        + String.join(", ", spec.subcommands().keySet()));
    }
}
