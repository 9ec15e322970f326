package io.digitstream.app.command;

import io.digitstream.cli.FlagChecks;
import io.digitstream.console.ConsoleSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code digitstream health [URL]}: asks a running part whether it is healthy; exit 0 if it answers
 * 200, 1 otherwise: for scripts and for images without curl (a shell's {@code /dev/tcp} is a bash
 * feature that Debian's and Ubuntu's {@code /bin/sh}, dash, lacks). The compose files' healthchecks
 * use the image's curl instead: this starts a JVM, about a second of CPU per check.
 */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Exits 0 if URL answers 200 within the timeout, else 1 (a Docker healthcheck).")
public final class HealthCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..1",
            paramLabel = "PART|URL",
            defaultValue = "classifier",
            description = "What to ask: classifier (its /health on DIGITSTREAM_METRICS_PORT, default "
                    + ClassifierCommand.DEFAULT_METRICS_PORT + "), console (on DIGITSTREAM_CONSOLE_PORT, default "
                    + ConsoleSettings.DEFAULT_PORT + "), or any URL.")
    String target;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--metrics-port",
            hidden = true,
            defaultValue = "${env:DIGITSTREAM_METRICS_PORT:-" + ClassifierCommand.DEFAULT_METRICS_PORT + "}")
    int metricsPort;

    @Option(
            names = "--console-port",
            hidden = true,
            defaultValue = "${env:DIGITSTREAM_CONSOLE_PORT:-" + ConsoleSettings.DEFAULT_PORT + "}")
    int consolePort;

    /** The URL a target names: a part of this container, or itself. */
    URI url() {
        return switch (target) {
            case "classifier" -> URI.create("http://127.0.0.1:" + metricsPort + "/health");
            case "console" -> URI.create("http://127.0.0.1:" + consolePort + "/health");
            default -> {
                try {
                    URI uri = new URI(target);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        throw new URISyntaxException(target, "not an http or https URL");
                    }
                    yield uri;
                } catch (URISyntaxException e) {
                    throw new ParameterException(
                            spec.commandLine(), "health: '" + target + "' is not classifier, console or an http URL");
                }
            }
        };
    }

    @Option(names = "--timeout-ms", defaultValue = "3000", description = "How long to wait for the answer.")
    long timeoutMs;

    @Override
    public Integer call() throws InterruptedException {
        FlagChecks.atLeast(spec, "--timeout-ms", timeoutMs, 1);
        URI url = url();
        var client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .build();
        var request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofMillis(timeoutMs))
                .GET()
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String answer = response.body().lines().findFirst().orElse("");
            System.out.println(url + ": " + response.statusCode() + " " + answer);
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            System.out.println(url + ": no answer (" + e.getClass().getSimpleName() + ")");
            return 1;
        }
    }
}
