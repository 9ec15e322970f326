package io.digitstream.app.command;

import io.digitstream.cli.DataOptions;
import io.digitstream.cli.KafkaOptions;
import io.digitstream.cli.ModelNameOptions;
import io.digitstream.cli.TrustOptions;
import io.digitstream.console.Console;
import io.digitstream.console.ConsoleSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code digitstream console}: the live web console, until stopped. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Serves the live web console: throughput, latency, dead letters, hot swaps, accuracy per"
                + " version, and a canvas to draw a digit. It reads the topics only, so it works with any number"
                + " of classifier instances.")
public final class ConsoleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TrustOptions trust;

    @Mixin
    DataOptions data;

    @Mixin
    HoldoutOptions holdout;

    @Option(
            names = "--port",
            defaultValue = "${env:DIGITSTREAM_CONSOLE_PORT:-" + ConsoleSettings.DEFAULT_PORT + "}",
            description = "The web server's port; 0 = any free port (env DIGITSTREAM_CONSOLE_PORT).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "${env:DIGITSTREAM_CONSOLE_BIND:-" + ConsoleSettings.DEFAULT_HOST + "}",
            description = "The interface to listen on: 0.0.0.0 for every one, 127.0.0.1 for this machine only"
                    + " (env DIGITSTREAM_CONSOLE_BIND).")
    String bind;

    @Mixin
    ModelNameOptions model;

    @Option(
            names = "--draw-timeout-s",
            defaultValue = "${env:DIGITSTREAM_DRAW_TIMEOUT_S:-" + ConsoleSettings.DEFAULT_DRAW_TIMEOUT_SECONDS + "}",
            description = "How long a drawing waits for its prediction before the page says none came"
                    + " (env DIGITSTREAM_DRAW_TIMEOUT_S).")
    long drawTimeoutS;

    ConsoleSettings settings() {
        try {
            return ConsoleSettings.of(kafka.connection(), trust.trust(), holdout.holdout(data.dataDir()))
                    .withTopics(kafka.topics())
                    .withModelName(model.modelName())
                    .withAddress(bind, port)
                    .withDrawTimeout(Duration.ofSeconds(drawTimeoutS));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        ConsoleSettings settings = settings();
        try (var stop = StopSignal.install("console");
                Console console = Console.start(settings)) {
            System.out.println("Console on " + console.url() + " (reading "
                    + settings.cluster().bootstrapServers() + ")");
            stop.await();
        }
        return 0;
    }
}
