package io.digitstream.app.demo;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.cli.DataOptions;
import io.digitstream.cli.FlagChecks;
import io.digitstream.cli.Terminals;
import io.digitstream.console.ConsoleSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The demo's flags: on {@code digitstream demo}, and on bare {@code digitstream}, which runs the demo. */
public final class DemoOptions {
    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:DIGITSTREAM_BOOTSTRAP_SERVERS}",
            description =
                    "Use this Kafka cluster instead of starting an embedded broker (env DIGITSTREAM_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--quick", description = "Use the committed 5,000-image fixture and a short run (about a minute).")
    boolean quick;

    @Option(names = "--images", defaultValue = "10000", description = "Test images to replay.")
    int images;

    @Option(
            names = "--rate",
            description = "Replay rate in images/s (default: 150, or 100 with --quick); 0 = as fast as possible.")
    Double rate;

    @Option(
            names = "--snapshot-every",
            description = "Publish a model every N training batches (default: 25, or 5 with --quick).")
    Integer snapshotEvery;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs the trainer runs while the demo lasts.")
    int epochs;

    @Option(
            names = "--max-batch",
            defaultValue = "" + BatchSettings.DEFAULT_MAX_BATCH,
            description = "The classifier's micro-batch size.")
    int maxBatch;

    @Mixin
    DataOptions data;

    @Option(
            names = "--keep-serving",
            description = "After the summary, keep serving (and the console up) until Ctrl-C; the default on a"
                    + " terminal.")
    boolean keepServing;

    @Option(
            names = "--exit-when-done",
            description = "Exit after the summary even on a terminal (exit status 0 when every image was predicted).")
    boolean exitWhenDone;

    @Option(
            names = "--console-port",
            defaultValue = "${env:DIGITSTREAM_CONSOLE_PORT:-" + ConsoleSettings.DEFAULT_PORT + "}",
            description = "The web console's port on this machine (a free one if it is taken); -1 = no console"
                    + " (env DIGITSTREAM_CONSOLE_PORT).")
    int consolePort;

    @Option(
            names = "--timeout-s",
            defaultValue = "600",
            description = "Give up if the replay is not fully predicted by then.")
    long timeoutS;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The demo these flags describe, working in a new temporary directory. */
    public DemoSettings settings() throws java.io.IOException {
        // the user's mistakes, said before a broker, a console or a directory exists
        FlagChecks.atLeast(command, "--images", images, 1);
        FlagChecks.atLeast(command, "--snapshot-every", snapshotEvery == null ? 1 : snapshotEvery, 1);
        FlagChecks.atLeast(command, "--epochs", epochs, 1);
        FlagChecks.atLeast(command, "--max-batch", maxBatch, 1);
        FlagChecks.atLeast(command, "--timeout-s", timeoutS, 1);
        if (rate != null && (!(rate >= 0) || rate.isInfinite())) {
            throw mistake("--rate: " + rate + " images a second cannot be (0 = as fast as possible)");
        }
        if (consolePort < -1 || consolePort > 65535) {
            throw mistake("--console-port must be -1 (no console) or 0..65535, not " + consolePort);
        }
        Path work = Files.createTempDirectory("digitstream-demo-");
        return new DemoSettings(
                Optional.ofNullable(bootstrapServers).filter(s -> !s.isBlank()),
                quick,
                data.dataDir(),
                work,
                images,
                rate != null ? rate : quick ? 100 : 150,
                snapshotEvery != null ? snapshotEvery : quick ? 5 : 25,
                epochs,
                maxBatch,
                keepServing || (!exitWhenDone && Terminals.standardOutputIsTerminal()),
                Duration.ofSeconds(timeoutS),
                "",
                consolePort,
                Optional.of(work.resolve("demo.log")));
    }

    private ParameterException mistake(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
